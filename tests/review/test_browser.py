"""The desk in a real headless Chromium, served by uvicorn on a loopback port."""
from __future__ import annotations

import re

from store import users
from store.db import session_scope
from tests.review.conftest import PASSWORD, add_user, fill_queue, screenshot


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_first_admin_sets_a_password_adds_a_clerk_and_switches_language(live_desk, browser_page):
    """Given an admin with a one-time password: the first sign-in asks for a new password; the
    admin adds a clerk on the Users page (whose one-time password is shown once) and switches
    the desk to English, which is still English after signing out and in again."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "admin", "admin", "one-time-pw-1", one_time=True)
    page.goto(url + "/")
    assert page.url.endswith("/signin")
    screenshot(page, "signin")
    _sign_in(page, url, "admin", "one-time-pw-1")
    assert page.url.endswith("/password")
    page.fill("input[name=current]", "one-time-pw-1")
    page.fill("input[name=new]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    assert page.locator("h1").inner_text() == "待处理"
    assert page.locator("#queue tbody tr").count() >= 4
    screenshot(page, "queue")
    page.select_option("select[name=state]", "review")
    page.click("form.filters button[type=submit]")
    assert set(page.locator("#queue .state").all_inner_texts()) == {"待审核"}

    page.click("a[href='/admin/users']")
    page.fill("input[name=name]", "mei")
    page.select_option("select[name=role]", "clerk")
    page.click("form.row button[type=submit]")
    one_time = page.locator("#one-time").inner_text()
    assert re.fullmatch(r"[\w-]{12,}", one_time)
    screenshot(page, "users")

    page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text() == "Users"
    page.click("text=Sign out")
    assert page.url.endswith("/signin")
    _sign_in(page, url, "admin", PASSWORD)
    assert page.locator("h1").inner_text() == "Queue"
    with session_scope(live_desk.engine) as session:
        assert users.find_user(session, "admin")[0].language == "en"
        assert users.find_user(session, "mei")[0].must_change_password
    assert page.console_errors == []  # nothing the policy blocked, nothing missing


def test_a_clerk_sees_no_admin_link_and_gets_403_on_the_users_page(live_desk, browser_page):
    page, url = browser_page, live_desk.url
    add_user(live_desk.engine, "mei", "clerk")
    _sign_in(page, url, "mei", PASSWORD)
    page.wait_for_url(url + "/")
    assert page.locator("a[href='/admin/users']").count() == 0
    response = page.goto(url + "/admin/users")
    assert response.status == 403
    assert "管理员" in page.content()
