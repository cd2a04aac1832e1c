"""The review desk as an ASGI application: `factory(settings, engine)` builds it.

One guard sits in front of every route: without a live session only `/healthz` and the
sign-in page answer; everything else (pages, static files, event streams) is refused.
Every response carries a Content-Security-Policy that allows no inline script and nothing
from another origin. Form posts are checked against the session's CSRF token by a
dependency on every route.
"""
from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from review import account, actions, admin, cases, dashboard, editing, events, handling, learning, queue
from review.actions import Reprocessor
from review.auth import token_hash
from review.warming import CheckWarmer
from review.web import (HERE, SESSION_COOKIE, Desk, DeskSettings, check_csrf, make_templates, render,
                        require_admin)
from store import users
from store.db import session_scope, utcnow
from store.users import SignedIn

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/healthz", "/signin"})
# Pages a user holding a one-time password may still open (besides the stylesheet).
ONE_TIME_PATHS = frozenset({"/password", "/signout"})


def factory(settings: DeskSettings, engine: Engine, *,
            wait_for_news: Callable[[float], bool] | None = None, warm_pages: bool = False) -> FastAPI:
    """The desk for these settings and this database; `wait_for_news(seconds)` waits for the
    daemon's bus to ring (the live queue then looks at the database at once); `warm_pages`
    starts the page render workers and compiles the templates at once (the served desk does;
    tests start workers when needed)."""
    app = FastAPI(title="orderdesk review desk", docs_url=None, redoc_url=None, openapi_url=None)
    desk = Desk(settings=settings, engine=engine, templates=make_templates(), zone=ZoneInfo(settings.timezone),
                signin_style=(HERE / "static" / "signin.css").read_text(encoding="utf-8"),
                reprocess=Reprocessor(engine, settings))
    app.state.desk = desk if wait_for_news is None else replace(desk, wait_for_news=wait_for_news)
    app.state.checks_ahead = CheckWarmer(app.state.desk)
    if warm_pages:
        desk.pages.warm()
        for name in desk.templates.env.list_templates():  # compiled now, not on a clerk's first page
            desk.templates.env.get_template(name)
    app.middleware("http")(guard)
    app.add_exception_handler(HTTPException, http_error)
    app.add_api_route("/healthz", healthz, methods=["GET"])
    for module in (account, admin, queue, cases, actions, editing, handling, learning, events, dashboard):
        for route in module.routes():
            checks = [Depends(check_csrf)] + ([Depends(require_admin)] if route.admin else [])
            app.add_api_route(route.path, route.endpoint, methods=[route.method], dependencies=checks)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app


def warm_up(app: FastAPI) -> None:
    """What the served desk's process does once, before clerks come: load the catalog (a first
    case page does not wait for it) and check the newest open cases ahead, then keep what the process holds for good (modules, compiled
    templates, the catalog) out of the garbage collector's full passes. A case page of hundreds
    of lines makes enough objects to start a full pass, and one over the whole heap cost 100-200
    ms in the middle of the page; over what was made since the start it costs a few. Not for a
    process that goes on doing other things (a test run): what it holds now is never collected."""
    try:
        app.state.desk.reprocess.using(lambda service: service.refresh_catalog())
    except Exception:   # a catalog that cannot be loaded now is loaded (and reported) on first use
        log.exception("the review desk could not load the catalog at start")
    try:
        app.state.checks_ahead.run_once()   # the newest open cases, checked before they are opened
    except Exception:
        log.exception("the review desk could not check the newest cases ahead")
    gc.collect()
    gc.freeze()


def keep_checking_ahead(app: FastAPI, stop: threading.Event) -> None:
    """What the served desk's process does after `warm_up`, until `stop`: check new open cases
    as they come, so their first opening finds the check done (review.warming)."""
    app.state.checks_ahead.run_forever(stop)


def healthz(request: Request) -> JSONResponse:
    """200 when the database answers."""
    try:
        with request.app.state.desk.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return JSONResponse({"status": "degraded", "database": False}, status_code=503)
    return JSONResponse({"status": "ok", "database": True})


async def guard(request: Request, call_next) -> Response:
    """Let a request through only with a live session (or to a public path); add the headers."""
    desk: Desk = request.app.state.desk
    path = request.url.path
    if path in PUBLIC_PATHS:
        response = await call_next(request)
    else:
        signed = await run_in_threadpool(_session_of, desk, request.cookies.get(SESSION_COOKIE))
        if signed is None:
            response = _refuse(request)
        elif signed.account.must_change_password and not _one_time_may_open(path):
            response = RedirectResponse("/password", status_code=303)
        else:
            request.state.signed_in = signed
            response = await call_next(request)
    _secure_headers(response, desk)
    return response


def _one_time_may_open(path: str) -> bool:
    return path in ONE_TIME_PATHS or path.startswith("/static/")


def _session_of(desk: Desk, token: str | None) -> SignedIn | None:
    if not token:
        return None
    with session_scope(desk.engine) as session:
        return users.session_user(session, token_hash(token), utcnow())


def _refuse(request: Request) -> Response:
    """No session: a browser asking for a page is sent to sign in; anything else gets 401."""
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/signin", status_code=303)
    return PlainTextResponse("Sign in first.\n", status_code=401)


def _secure_headers(response: Response, desk: Desk) -> None:
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
        f"style-src 'self' '{desk.signin_style_hash}'; font-src 'self'; form-action 'self'; "
        "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Errors as a page in the user's language (403 for clerks on admin pages, bad CSRF, 404)."""
    key = exc.detail if exc.detail in ("csrf_failed", "forbidden") else "not_found"
    if exc.status_code not in (403, 404):
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
    return render(request, "error.html", {"message_key": key}, status_code=exc.status_code)
