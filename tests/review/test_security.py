"""The desk's doors: sessions, CSRF, roles, password storage, sign-in rate limit, headers.

Routes are enumerated from the application itself, so a route added later is covered
without touching these tests.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from starlette.routing import Mount

from daemon.config import ReviewSettings
from review import auth
from review.app import PUBLIC_PATHS, factory
from review.web import HERE, SESSION_COOKIE, SIGNIN_COOKIE
from store import users
from store.db import session_scope, utcnow
from tests.review.conftest import PASSWORD, add_user, csrf_of, new_client, sign_in


def _routes(app) -> list[tuple[str, str]]:
    """(method, concrete path) of every route and mount of the app."""
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = re.sub(r"\{[^}]+\}", "someone", route.path)
            found += [(method, path) for method in sorted(route.methods)]
        elif isinstance(route, Mount):
            files = sorted(p.name for p in (HERE / "static").iterdir())
            found += [("GET", f"{route.path}/{name}") for name in files]
    return found


def _post_routes(app) -> list[str]:
    return [path for method, path in _routes(app) if method == "POST"]


def test_every_route_without_a_session_is_refused(desk_app, desk_client):
    """Given no session, every page, file and form post is refused; only /healthz and the
    sign-in page answer."""
    routes = _routes(desk_app)
    assert len(routes) > 10 and any(path.startswith("/static/") for _, path in routes)
    for method, path in routes:
        if path in PUBLIC_PATHS:
            continue
        response = desk_client.request(method, path, headers={"accept": "text/html"}, follow_redirects=False)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"] == "/signin"
        assert "csrf" not in response.text
    assert desk_client.get("/healthz").status_code == 200
    assert desk_client.get("/signin").status_code == 200


def test_a_made_up_session_cookie_is_refused(desk_client):
    desk_client.cookies.set(SESSION_COOKIE, "made-up")
    assert desk_client.get("/", follow_redirects=False).status_code == 401


def test_form_posts_without_or_with_a_wrong_csrf_token_are_refused(engine, desk_app, desk_client):
    """Given an admin's session, every form post without its CSRF token, or with another one, is
    refused with 403 and changes nothing."""
    add_user(engine, "boss", "admin")
    assert sign_in(desk_client, "boss").status_code == 303
    posts = _post_routes(desk_app)
    assert "/admin/users" in posts and "/language" in posts
    for path in posts:
        if path == "/signin":
            continue
        for data in ({"name": "intruder", "language": "en"}, {"name": "intruder", "csrf": "wrong"}):
            response = desk_client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, data, response.status_code)
    with session_scope(engine) as session:
        assert [u.name for u in users.list_users(session)] == ["boss"]
        assert users.find_user(session, "boss")[0].language == "zh"
    assert desk_client.get("/", follow_redirects=False).status_code == 200  # still signed in


def test_the_sign_in_form_needs_its_own_token(engine, desk_client):
    """The sign-in post checks its form token against the cookie set with the form."""
    add_user(engine, "mei")
    response = desk_client.post("/signin", data={"name": "mei", "password": PASSWORD, "csrf": "forged"},
                                follow_redirects=False)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies


def test_a_clerk_gets_403_on_admin_pages(engine, desk_app, desk_client):
    add_user(engine, "mei", "clerk")
    sign_in(desk_client, "mei")
    csrf = csrf_of(desk_client.get("/").text)
    admin_routes = [(m, p) for m, p in _routes(desk_app) if p.startswith("/admin")]
    assert len(admin_routes) >= 5
    for method, path in admin_routes:
        response = desk_client.request(method, path, data={"csrf": csrf, "name": "x", "role": "admin"}
                                       if method == "POST" else None, follow_redirects=False)
        assert response.status_code == 403, (method, path)
    with session_scope(engine) as session:
        assert [u.name for u in users.list_users(session)] == ["mei"]


def test_an_admin_adds_a_user_who_must_set_a_password_at_first_sign_in(engine, desk_app, desk_client):
    add_user(engine, "boss", "admin")
    sign_in(desk_client, "boss")
    page = desk_client.post("/admin/users", data={"csrf": csrf_of(desk_client.get("/admin/users").text),
                                                  "name": "mei", "role": "clerk"})
    one_time = re.search(r'<code id="one-time">([^<]+)</code>', page.text).group(1)
    clerk = new_client(desk_app)
    assert sign_in(clerk, "mei", one_time).headers["location"] == "/password"
    assert clerk.get("/", follow_redirects=False).headers["location"] == "/password"
    form = clerk.get("/password")
    done = clerk.post("/password", data={"csrf": csrf_of(form.text), "current": one_time,
                                         "new": "my own password", "again": "my own password"},
                      follow_redirects=False)
    assert done.status_code == 303
    assert clerk.get("/", follow_redirects=False).status_code == 200
    assert sign_in(new_client(desk_app), "mei", one_time).status_code == 401
    with engine.connect() as conn:
        trail = conn.execute(sa.text("SELECT user_name, action, detail FROM audit_log")).all()
    assert [tuple(e) for e in trail] == [("boss", "user_add", "mei (clerk)")]


def test_passwords_are_stored_as_argon2_and_never_logged(engine, desk_client, run_cli, monkeypatch, caplog,
                                                         db_url, tmp_path):
    """A password set from the command line or the desk appears nowhere but as an argon2 hash."""
    caplog.set_level(logging.DEBUG)
    secret = "a very secret pass"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(secret + "\n"))
    status, out, err = run_cli("user", "add", "mei", "--role", "clerk", "--password-stdin", "--db", db_url)
    assert status == 0, err
    assert sign_in(desk_client, "mei", secret).status_code == 303
    assert sign_in(desk_client, "mei", secret + "x").status_code == 401
    assert secret not in caplog.text and secret not in out + err
    with session_scope(engine) as session:
        stored = users.find_user(session, "mei")[1]
        dump = [str(row) for table in ("users", "web_sessions", "signin_failures")
                for row in session.execute(sa.text(f"SELECT * FROM {table}"))]
    assert stored.startswith("$argon2id$") and auth.HASHER.verify(stored, secret)
    assert not any(secret in row for row in dump)
    assert "mei" in caplog.text  # the sign-ins were logged, by name


def test_the_11th_wrong_password_in_a_minute_is_refused(engine, desk_client):
    """Ten wrong passwords are answered "wrong"; the 11th attempt is refused even with the
    right password, and no session is opened."""
    add_user(engine, "mei")
    for _ in range(10):
        assert sign_in(desk_client, "mei", "guess").status_code == 401
    refused = sign_in(desk_client, "mei", PASSWORD)
    assert refused.status_code == 429
    assert SESSION_COOKIE not in refused.cookies
    assert "Too many" in refused.text or "次数过多" in refused.text


def test_the_limit_counts_one_minute(engine):
    """Failures older than a minute no longer count."""
    add_user(engine, "mei")
    start = utcnow()
    with session_scope(engine) as session:
        for i in range(10):
            assert auth.sign_in(session, "mei", "guess", remote="10.0.0.1", now=start, limit=10).refused == "wrong"
        assert auth.sign_in(session, "mei", PASSWORD, remote="10.0.0.1", now=start + timedelta(seconds=59),
                            limit=10).refused == "too_many"
        later = auth.sign_in(session, "mei", PASSWORD, remote="10.0.0.1", now=start + timedelta(seconds=61),
                             limit=10)
    assert later.account is not None and later.account.name == "mei"


def test_a_disabled_users_session_ends(engine, desk_client, run_cli, db_url):
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    assert desk_client.get("/", follow_redirects=False).status_code == 200
    assert run_cli("user", "disable", "mei", "--db", db_url)[0] == 0
    assert desk_client.get("/", follow_redirects=False).status_code == 401
    assert sign_in(desk_client, "mei").status_code == 401


@pytest.mark.parametrize("review, headers, secure", [
    (ReviewSettings(), {}, False),
    (ReviewSettings(), {"x-forwarded-proto": "https"}, False),        # an untrusted header
    (ReviewSettings(trust_proxy_headers=True), {"x-forwarded-proto": "https"}, True),
    (ReviewSettings(secure_cookies=True), {}, True),
])
def test_session_cookies_are_httponly_lax_and_secure_behind_tls(engine, desk_settings, review, headers, secure):
    add_user(engine, "mei")
    client = new_client(factory(replace(desk_settings, review=review), engine))
    token = csrf_of(client.get("/signin", headers=headers).text)
    # The form token's cookie is sent by hand: a Secure one stays in the jar on plain http.
    response = client.post("/signin", data={"name": "mei", "password": PASSWORD, "csrf": token},
                           headers={**headers, "cookie": f"{SIGNIN_COOKIE}={token}"}, follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags
    assert ("secure" in flags) is secure


def test_every_page_carries_a_policy_without_inline_script(engine, desk_client):
    add_user(engine, "boss", "admin")
    for path in ("/signin", "/healthz"):
        policy = desk_client.get(path).headers["content-security-policy"]
        script = re.search(r"script-src ([^;]+)", policy).group(1)
        assert script.strip() == "'self'" and "unsafe" not in policy
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    sign_in(desk_client, "boss")
    for path in ("/", "/admin/users", "/password"):
        response = desk_client.get(path)
        assert "content-security-policy" in response.headers
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), path
        assert not re.search(r"\son[a-z]+=", response.text), path


def test_templates_hold_no_inline_script_or_handler():
    for template in (HERE / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+=", text) and "javascript:" not in text, template.name
