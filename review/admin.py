"""Admin pages: users (add with a one-time password, reset, disable, enable)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from review import auth
from review.web import PageRoute, desk_of, render, signed_in
from store import audit, users
from store.audit import AuditRecord
from store.db import session_scope, utcnow

log = logging.getLogger(__name__)


def routes() -> list[PageRoute]:
    return [PageRoute("/admin/users", users_page, admin=True),
            PageRoute("/admin/users", add_user, "POST", admin=True),
            PageRoute("/admin/users/{name}/reset", reset_password, "POST", admin=True),
            PageRoute("/admin/users/{name}/disable", disable_user, "POST", admin=True),
            PageRoute("/admin/users/{name}/enable", enable_user, "POST", admin=True)]


def _audit(request: Request, action: str, detail: str) -> None:
    with session_scope(desk_of(request).engine) as session:
        audit.record(session, AuditRecord(utcnow(), signed_in(request).account.name, action, detail))


@contextmanager
def _known_user() -> Iterator[None]:
    """An unknown user name in the path is a 404, not a crash."""
    try:
        yield
    except users.UserError:
        raise HTTPException(status_code=404)


def _page(request: Request, *, message: str = "", one_time: str = "", for_user: str = "",
          status_code: int = 200) -> Response:
    with session_scope(desk_of(request).engine) as session:
        everyone = users.list_users(session)
    return render(request, "users.html", {"users": everyone, "message": message, "one_time": one_time,
                                          "for_user": for_user}, status_code=status_code)


def users_page(request: Request) -> Response:
    return _page(request)


def add_user(request: Request, name: str = Form(...), role: str = Form("clerk")) -> Response:
    """A new user with a one-time password, shown on this page once."""
    password = auth.one_time_password()
    try:
        with session_scope(desk_of(request).engine) as session:
            users.add_user(session, name.strip(), role, auth.hash_password(password), now=utcnow(),
                           one_time=True)
    except users.UserError as e:
        return _page(request, message=str(e), status_code=400)
    _audit(request, "user_add", f"{name.strip()} ({role})")
    log.info("user=%s added (%s) by user=%s", name, role, signed_in(request).account.name)
    return _page(request, message="user_added", one_time=password, for_user=name.strip())


def reset_password(request: Request, name: str) -> Response:
    password = auth.one_time_password()
    with session_scope(desk_of(request).engine) as session, _known_user():
        users.set_password(session, name, auth.hash_password(password), one_time=True)
    _audit(request, "user_reset", name)
    log.info("user=%s got a one-time password from user=%s", name, signed_in(request).account.name)
    return _page(request, one_time=password, for_user=name)


def disable_user(request: Request, name: str) -> Response:
    with session_scope(desk_of(request).engine) as session, _known_user():
        users.set_disabled(session, name, True)
    _audit(request, "user_disable", name)
    log.info("user=%s disabled by user=%s", name, signed_in(request).account.name)
    return RedirectResponse("/admin/users", status_code=303)


def enable_user(request: Request, name: str) -> Response:
    with session_scope(desk_of(request).engine) as session, _known_user():
        users.set_disabled(session, name, False)
    _audit(request, "user_enable", name)
    return RedirectResponse("/admin/users", status_code=303)
