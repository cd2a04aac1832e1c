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
    page.click("a[href='/dashboard']")
    assert page.locator("#chart-anomalies rect").count() >= 1
    screenshot(page, "dashboard")
    page.click("a[href='/']")
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


def _hostile_mail() -> bytes:
    from email.message import EmailMessage

    from tests.review.test_cases import HOSTILE

    message = EmailMessage()
    message["From"] = "buyer@customer.example"
    message["To"] = "orders@ourco.example"
    message["Subject"] = "Order PO-1"
    message.set_content("Order PO-1, see the HTML part.")
    message.add_alternative(HOSTILE, subtype="html")
    return message.as_bytes()


def _store(engine, data: bytes, filename: str) -> int:
    from pipeline.service import arrive
    from store.db import utcnow

    return arrive(engine, data, source="mail", source_ref=f"test/{filename}", filename=filename,
                  message_id=None, now=utcnow(), claimed_by="test").document_id


def test_a_hostile_mail_renders_inert(live_desk, browser_page):
    """An e-mail whose HTML carries <script>, onerror=, javascript: links, CSS url() and remote
    images shows its text on the case page, and in the browser no script runs and no request
    leaves the desk (the browser's network log)."""
    page, url = browser_page, live_desk.url
    doc = _store(live_desk.engine, _hostile_mail(), "hostile.eml")
    add_user(live_desk.engine, "mei")
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(page, url, "mei", PASSWORD)
    page.goto(f"{url}/documents/{doc}")
    page.wait_for_load_state("networkidle")
    assert "PO-1" in page.locator("#mail-html").inner_text()
    page.locator("#mail-html a", has_text="click").click()   # the javascript: link is gone
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    assert page.evaluate("document.title") != "ran"
    assert requests and all(r.startswith(url + "/") for r in requests), requests
    screenshot(page, "case-mail")


def test_a_new_failed_document_appears_in_the_open_queue_without_a_reload(live_desk, browser_page):
    """Given a clerk looking at the queue, when a document fails, its row appears (server-sent
    events, then the queue fetched again) while the page itself is not reloaded."""
    from store import documents

    page, url = browser_page, live_desk.url
    add_user(live_desk.engine, "mei")
    _sign_in(page, url, "mei", PASSWORD)
    page.wait_for_url(url + "/")
    assert page.locator("#queue tbody tr").count() == 0
    page.evaluate("window.stillTheSamePage = true")
    doc = _store(live_desk.engine, b"%PDF-1.4 broken", "broken.pdf")
    with session_scope(live_desk.engine) as session:
        documents.set_document_state(session, doc, "failed", "The PDF is damaged: it has no pages.")
        session.commit()
    page.wait_for_selector("#queue tbody tr >> text=broken.pdf", timeout=15_000)
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#counts [data-state=failed] b").inner_text() == "1"
    assert page.console_errors == []


def test_a_clerk_reads_a_failed_document_again_from_its_case_page(live_desk, browser_page):
    """From the queue to a failed document's case page, then "read again": the page says so and
    keeps the earlier outcome in the history."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "mei")
    _sign_in(page, url, "mei", PASSWORD)
    page.click("#queue a:has-text('x12-truncated.edi')")
    assert "/documents/" in page.url
    assert page.locator(".segments li").count() > 3
    screenshot(page, "case-edi")
    page.click("#reprocess")
    page.wait_for_selector("#done")
    assert page.locator(".history li").count() == 1
    assert page.console_errors == []


def test_a_clerk_filters_the_queue_by_a_customer_name_typed_in_full_width(live_desk, browser_page):
    """A Chinese input method types full-width letters: 'ＢＥＩＳＰＩＥＬ' in the customer filter
    finds Beispiel Handel GmbH's order (folded in Python: NFKC, then case), and nothing else."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "mei")
    _sign_in(page, url, "mei", PASSWORD)
    everything = page.locator("#queue tbody tr").count()
    page.fill("form.filters input[name=customer]", "ＢＥＩＳＰＩＥＬ")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?*customer=*")
    names = page.locator("#queue tbody tr a").all_inner_texts()
    assert names and set(names) == {"edifact-anomalies.edi"} and everything > len(names)
    assert page.console_errors == []


def test_a_clerk_reads_the_anomalies_in_chinese_and_after_switching_in_english(live_desk, browser_page):
    """The EDIFACT order in review: its anomalies are said in 简体中文 in the queue and on the case
    page (from the anomaly's code and details), and as reconciliation wrote them once the clerk
    switches to English."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "mei")
    _sign_in(page, url, "mei", PASSWORD)
    row = page.locator("#queue tbody tr", has_text="edifact-anomalies.edi")
    assert "目录中没有与“PAPER STRAW 6MM”匹配的物料" in row.locator(".reason").inner_text()
    row.locator("a").first.click()
    said = " ".join(page.locator("article.edit .anomaly").all_inner_texts())
    assert "第 2 行：目录中没有与“PAPER STRAW 6MM”匹配的物料" in said and "no item in the catalog" not in said
    page.click("button[name=language][value=en]")
    said = " ".join(page.locator("article.edit .anomaly").all_inner_texts())
    assert 'Line 2: no item in the catalog matches "PAPER STRAW 6MM"' in said and "目录中" not in said
    assert page.console_errors == []


def test_a_documents_reason_follows_the_clerks_language_with_the_english_at_hand(live_desk, browser_page):
    """Given a repeated document (its reason written in English by the document service), a clerk
    reading Chinese sees the reason in Chinese in the queue and on the case page, the English as
    written on hovering; after switching to English, the English alone."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "mei")
    _sign_in(page, url, "mei", PASSWORD)
    row = page.locator("#queue tbody tr", has_text="x12-accepted.edi").filter(has=page.locator(".state-repeat"))
    reason = row.locator(".reason span")
    assert "相同内容此前已作为文件" in reason.inner_text() and "不会重复处理" in reason.inner_text()
    assert reason.get_attribute("title").startswith("The same content arrived before as document ")
    row.locator("a").first.click()
    shown = page.locator(".reason-sentence")
    assert "已再次发送其回执" in shown.inner_text() or "不会重复处理" in shown.inner_text()
    assert "it is not processed twice" in shown.get_attribute("title")
    page.click("button[name=language][value=en]")
    shown = page.locator(".reason-sentence")
    assert "it is not processed twice" in shown.inner_text() and shown.get_attribute("title") is None
    assert page.console_errors == []
