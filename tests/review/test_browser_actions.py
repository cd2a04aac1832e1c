"""The case page's actions in a real headless Chromium: a failed fax typed in with the pickers and
the keyboard, approved, and delivered by the outbox sender to the aiosmtpd sink and the ERP
export folder exactly once; an order rejected with its bilingual reason mail."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from outbox.sender import OutboxSender
from tests.data.gen_documents import fax_page, fax_tiff
from tests.review.conftest import PASSWORD, add_user, csrf_of, fill_queue, screenshot

FAX_NAME = "fax-20261206-0042.tif"
PO = "ET-FAX-0777"   # not a PO the golden documents hold (ET-2026-0042 is one: DUPLICATE_PO)


def broken_fax() -> bytes:
    """A fax whose transmission broke off: the first third of a generated G4 TIFF."""
    data = fax_tiff([fax_page()])
    return data[: len(data) // 3]


def _sign_in(page, url: str) -> None:
    page.goto(url + "/signin")
    page.fill("input[name=name]", "mei")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _sender(live_desk, smtp_sink, tmp_path) -> OutboxSender:
    """The daemon's outbox sender, delivering to the SMTP sink and to folders of this test."""
    settings = live_desk.settings
    paths = dataclasses.replace(settings.paths, export=tmp_path / "export", maildir=tmp_path / "maildir",
                                edi_outbound=tmp_path / "outbound")
    smtp = dataclasses.replace(settings.smtp, host=smtp_sink.host, port=smtp_sink.port, security="none",
                               timeout_seconds=5, sender="orders@ourco.example")
    return OutboxSender(live_desk.engine, dataclasses.replace(settings, paths=paths, smtp=smtp))


def _drain(sender: OutboxSender) -> None:
    while sender.run_once():
        pass


def _mails_to(smtp_sink, address: str) -> list:
    return [r.message for r in smtp_sink.received if address in r.rcpt_tos]


def _pick(page, selector: str, typed: str) -> None:
    """Type into a picker, wait for its matches, take the first with Enter."""
    page.click(selector)
    page.keyboard.type(typed)
    page.wait_for_selector(f"{selector} ~ ul.hits-pop li", state="visible")
    page.keyboard.press("Enter")


def test_a_failed_fax_is_typed_in_approved_and_delivered_once(live_desk, browser_page, smtp_sink, tmp_path):
    """Given a broken fax in the queue: on its case page the clerk types the order in, picks the customer and the
    items (by the customer's code and by name), saves, sees it checked, approves with Ctrl+Enter;
    the confirmation reaches the customer and the ERP export is written once, also when the
    approval is posted a second time."""
    page, url = browser_page, live_desk.url
    fax = fill_queue(live_desk.engine, live_desk.settings, extra=((broken_fax(), FAX_NAME, "fax"),))[-1]
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    assert page.locator(f"#queue a:has-text('{FAX_NAME}')").count() == 1
    screenshot(page, "desk-queue")
    page.click(f"#queue a:has-text('{FAX_NAME}')")
    (form_id,) = page.eval_on_selector_all("article.edit", "els => els.map(e => e.id)")  # the failed order, empty
    key = form_id.removeprefix("edit-")

    _pick(page, f"#customer-{key}", "Example Trading")
    assert page.input_value(f"#customer-{key}") == "C002"
    page.keyboard.type(PO)                                        # Enter moved on to the PO number
    for value in ("2026-12-06", "2027-03-01", "USD"):
        page.keyboard.press("Enter")
        page.keyboard.type(value)
    _pick(page, "input[name=line-1-sku]", "ET-500")               # the customer's own code
    assert page.input_value("input[name=line-1-sku]") == "5.01.0001"
    assert page.input_value("input[name=line-1-unit]") == "PCS"   # filled from the catalog
    page.fill("input[name=line-1-quantity]", "2000")
    page.click(f"#add-line-{key}")
    page.wait_for_selector("input[name=line-2-sku]")
    page.wait_for_selector("input[name=line-2-sku]:focus")     # the new line's item is where typing goes on
    _pick(page, "input[name=line-2-sku]", "瓶盖 蓝色")             # by name and spec
    assert page.input_value("input[name=line-2-sku]") == "5.02.0001"
    page.fill("input[name=line-2-quantity]", "5000")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#done[data-done=saved]")
    assert page.locator(f"#checked-{key}").inner_text() == "已接受", page.locator(f"#{form_id} .anomaly, #{form_id} .anomalies").all_inner_texts()
    screenshot(page, "desk-case-typed-in")
    csrf = csrf_of(page.content())
    form = {name: page.input_value(f"#{form_id} input[name='{name}']") for name in
            page.eval_on_selector_all(f"#{form_id} form.draft input[name]", "els => els.map(e => e.name)")}

    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#done[data-done=approved]")
    assert page.locator("article.edit").count() == 0
    sender = _sender(live_desk, smtp_sink, tmp_path)
    _drain(sender)
    again = page.request.post(f"{url}/documents/{fax}/edit/{key}", form={**form, "csrf": csrf, "op": "approve"},
                              max_redirects=0)
    assert again.status == 303 and "already_decided" in again.headers["location"]
    _drain(sender)

    (confirmation,) = [m for m in _mails_to(smtp_sink, "buyer@example-trading.example.com") if PO in m["Subject"]]
    assert "5.01.0001" in confirmation.get_content() and "5.02.0001" in confirmation.get_content()
    assert sorted(p.name for p in (tmp_path / "export").glob(f"*_{PO}.*")) == sorted(
        f"SAL_{_approved_order(live_desk.engine, fax)}_{PO}.{fmt}" for fmt in ("xlsx", "json"))
    with live_desk.engine.connect() as conn:
        trail = conn.execute(sa.text("SELECT action FROM audit_log WHERE document_id = :d ORDER BY id"),
                             {"d": fax}).scalars().all()
    assert trail[0] == "set_customer" and "add_line" in trail and trail[-1] == "approve"
    assert page.console_errors == []


def _approved_order(engine, document_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM orders WHERE document_id = :d AND status = 'approved'"),
                            {"d": document_id}).scalar_one()


def test_an_order_is_rejected_and_the_customer_gets_the_reason_in_both_languages(live_desk, browser_page,
                                                                                    smtp_sink, tmp_path):
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    page.click("#queue a:has-text('edifact-anomalies.edi')")
    page.wait_for_selector("form.reject")
    screenshot(page, "desk-case-review")
    page.select_option("form.reject select[name=reason]", "stock")
    page.fill("form.reject input[name=note]", "Expected again in March.")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("form.reject button")                       # the clerk thinks again: nothing is sent
    assert asked == ["拒绝此订单并立即通知客户？"] and page.locator("form.reject").count() == 1
    page.once("dialog", lambda d: d.accept())
    page.click("form.reject button")
    page.wait_for_selector("#done[data-done=rejected]")
    _drain(_sender(live_desk, smtp_sink, tmp_path))
    (mail,) = [m for m in _mails_to(smtp_sink, "orders@beispiel.example.de") if "BH-4480" in m["Subject"]]
    body = mail.get_content()
    assert "库存不足" in body and "not in stock" in body
    assert "Expected again in March." in body
    page.goto(url + "/dashboard")
    screenshot(page, "desk-dashboard")
    assert page.console_errors == []


def test_a_failed_mail_is_rejected_and_a_non_order_handled_and_both_leave_the_queue(live_desk, browser_page,
                                                                                    smtp_sink, tmp_path):
    """Given a customer's mail whose scan broke off and an invoice that is not an order: the clerk
    rejects the first (confirming the question) and its sender gets one bilingual mail; marks
    the second handled with a sentence why; the queue no longer lists either."""
    from tests.review.test_handling import SENDER, mail_with_broken_scan

    page, url = browser_page, live_desk.url
    docs = fill_queue(live_desk.engine, live_desk.settings, extra=((mail_with_broken_scan(), "scan.eml", "imap"),))
    failed, invoice = docs[-1], docs[2]
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    page.goto(f"{url}/documents/{failed}")
    page.fill("#reject-document-note", "请重新发送 please send it again")
    page.once("dialog", lambda d: d.accept())
    page.click("#reject-document")
    page.wait_for_selector("#done[data-done=rejected_document]")
    assert page.locator("#decide-document").count() == 0
    _drain(_sender(live_desk, smtp_sink, tmp_path))
    (mail,) = [m for m in _mails_to(smtp_sink, SENDER) if "PO scan" in m["Subject"]]  # a reply to their mail
    body = mail.get_content()
    assert "无法完整读取" in body and "could not read the order completely" in body and "please send it again" in body

    page.goto(f"{url}/documents/{invoice}")
    page.fill("#handled-why", "Accounts handle invoices.")
    page.click("#mark-handled")
    page.wait_for_selector("#done[data-done=handled]")
    assert "Accounts handle invoices." in page.inner_text(".reason-sentence")
    page.goto(url + "/")
    names = page.locator("#queue a").all_inner_texts()
    assert "scan.eml" not in " ".join(names) and "x12-invoice.edi" not in " ".join(names)
    assert "edifact-anomalies.edi" in " ".join(names)     # the rest of the queue is still there
    assert page.console_errors == []


def test_a_clerk_reopens_what_they_marked_handled_and_it_is_back_in_the_queue(live_desk, browser_page):
    """Given the invoice a clerk marked handled by mistake, the clerk reopens it from its case
    page: it is back in the queue as not an order, and the audit trail says who reopened it."""
    page, url = browser_page, live_desk.url
    invoice = fill_queue(live_desk.engine, live_desk.settings)[2]
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    page.goto(f"{url}/documents/{invoice}")
    page.fill("#handled-why", "Wrong one.")
    page.click("#mark-handled")
    page.wait_for_selector("#done[data-done=handled]")
    page.goto(url + "/")
    assert "x12-invoice.edi" not in " ".join(page.locator("#queue a").all_inner_texts())
    page.goto(f"{url}/documents/{invoice}")
    page.click("#reopen")
    page.wait_for_selector("#done[data-done=reopened]")
    assert page.locator("#mark-handled").count() == 1 and page.locator("#reopen").count() == 0
    assert "重新打开" in page.inner_text("#audit")
    page.goto(url + "/")
    assert "x12-invoice.edi" in " ".join(page.locator("#queue a").all_inner_texts())
    assert page.console_errors == []
