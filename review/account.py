"""Sign-in, sign-out, one's own password and language."""
from __future__ import annotations

import secrets

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from review import auth
from review.i18n import LANGUAGES
from review.web import (SESSION_COOKIE, SIGNIN_COOKIE, PageRoute, client_address, desk_of, is_secure,
                        render, signed_in)
from store import users
from store.db import session_scope, utcnow


def routes() -> list[PageRoute]:
    return [PageRoute("/signin", signin_page), PageRoute("/signin", signin_post, "POST"),
            PageRoute("/signout", signout, "POST"),
            PageRoute("/password", password_page), PageRoute("/password", password_post, "POST"),
            PageRoute("/language", set_language, "POST")]


def _signin_form(request: Request, *, error: str = "", status_code: int = 200) -> Response:
    """The sign-in page with a fresh form token, also set as a cookie (double submit)."""
    token = secrets.token_urlsafe(24)
    response = render(request, "signin.html", {"form_token": token, "error": error,
                                               "style": desk_of(request).signin_style},
                      status_code=status_code)
    response.set_cookie(SIGNIN_COOKIE, token, httponly=True, samesite="lax", secure=is_secure(request),
                        path="/signin")
    return response


def signin_page(request: Request) -> Response:
    return _signin_form(request)


def signin_post(request: Request, name: str = Form(""), password: str = Form(""),
                csrf: str = Form("")) -> Response:
    """Check the form token, then the password (rate-limited); open a session on success."""
    if not auth.same_token(csrf, request.cookies.get(SIGNIN_COOKIE)):
        return _signin_form(request, error="csrf_failed", status_code=403)
    desk = desk_of(request)
    now = utcnow()
    with session_scope(desk.engine) as session:
        result = auth.sign_in(session, name.strip(), password, remote=client_address(request), now=now,
                              limit=desk.settings.review.signin_failures_per_minute)
        if result.account is None:
            status = 429 if result.refused == "too_many" else 401
            return _signin_form(request, error=f"signin_{result.refused}", status_code=status)
        token = auth.open_session(session, result.account, now=now, hours=desk.settings.review.session_hours)
    target = "/password" if result.account.must_change_password else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_secure(request),
                        max_age=int(desk.settings.review.session_hours * 3600), path="/")
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


def signout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with session_scope(desk_of(request).engine) as session:
            users.close_session(session, auth.token_hash(token))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def password_page(request: Request) -> Response:
    return render(request, "password.html", {"error": "", "done": False})


def password_post(request: Request, current: str = Form(""), new: str = Form(""),
                  again: str = Form("")) -> Response:
    """Change one's own password: the current one first, the new one twice."""
    account = signed_in(request).account
    desk = desk_of(request)
    error = ""
    if new != again:
        error = "password_mismatch"
    elif auth.password_problem(new):
        error = "password_short"
    if error:
        return render(request, "password.html", {"error": error, "done": False}, status_code=400)
    with session_scope(desk.engine) as session:
        check = auth.sign_in(session, account.name, current, remote=client_address(request),
                             now=utcnow(), limit=desk.settings.review.signin_failures_per_minute)
        if check.account is None:
            return render(request, "password.html", {"error": f"signin_{check.refused}", "done": False},
                          status_code=400)
        users.set_password(session, account.name, auth.hash_password(new))
        token = auth.open_session(session, check.account, now=utcnow(),
                                  hours=desk.settings.review.session_hours)
    # Changing the password ended every session, this one too: carry on in a fresh one.
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_secure(request),
                        max_age=int(desk.settings.review.session_hours * 3600), path="/")
    return response


def set_language(request: Request, language: str = Form(...), back: str = Form("/")) -> Response:
    """Switch the desk's language; remembered with the user."""
    if language not in LANGUAGES:
        raise HTTPException(status_code=404)
    with session_scope(desk_of(request).engine) as session:
        users.set_language(session, signed_in(request).account.id, language)
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)
