"""Learning in a real headless Chromium: a clerk remembers a customer's item code, a sender's
address and a printed company name on the case page, and the next order from that customer is
accepted untouched by the document service (as the daemon's workers would take it)."""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa

from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from store import learned
from store.db import session_scope
from tests.review.conftest import add_user, fill_queue, screenshot
from tests.review.test_browser_actions import _pick, _sign_in

HEADER = "客户名称,订单号,下单日期,交货日期,客户物料编码,物料名称,数量,单位,单价,金额\n"
BUYER = "杭州示例食品有限公司"          # C001 in the golden catalog
SENDER = "li.wei@freemail.example.org"   # an address no customer lists


def csv_order(po: str, code: str, *, buyer: str | None = BUYER) -> bytes:
    """A one-line CSV order of 1000 boxes at the list price; without `buyer`, no customer column."""
    row = f"{po},2026-11-18,2027-03-01,{code},特制异形盒 款式九,1000,个,1.10,1100.00\n"
    if buyer is None:
        return (HEADER.split(",", 1)[1] + row).encode("utf-8")
    return (HEADER + f"{buyer},{row}").encode("utf-8")


def mail_order(po: str) -> bytes:
    """A mail from SENDER with a CSV order attached that names no customer (the box code is C001's own)."""
    message = EmailMessage()
    message["From"], message["To"] = f"Li Wei <{SENDER}>", "orders@orderdesk.example.com"
    message["Subject"], message["Message-ID"] = f"Order {po}", f"<{po}@freemail.example.org>"
    message.set_content("Please find our order attached.\n\nLi Wei\n")
    message.add_attachment(csv_order(po, "SF-BOX-01", buyer=None), maintype="text", subtype="csv",
                           filename=f"{po}.csv")
    return message.as_bytes()


def next_order(live_desk, data: bytes, name: str, source: str) -> list[tuple[str | None, str, str | None]]:
    """Take one more document through the one document service, as a worker would; returns each
    order's (customer, status, sku of line 1)."""
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        service = DocumentService(live_desk.engine, live_desk.settings, sandbox=sandbox,
                                  today=lambda: date(2026, 11, 20))
        service.refresh_catalog()
        outcome = service.take(data, source=source, source_ref=f"{source}/{name}", filename=name, message_id=None,
                               claimed_by="test")
    return [(o.customer_code, o.status, o.reconciled.lines[0].sku if o.reconciled.lines else None)
            for o in outcome.orders]


def _open_case(page, url: str, name: str) -> str:
    """Open the document's case page from the queue; the key of its one order being corrected."""
    page.goto(url + "/")
    page.click(f"#queue a:has-text('{name}')")
    (form_id,) = page.eval_on_selector_all("article.edit", "els => els.map(e => e.id)")
    return form_id.removeprefix("edit-")


def _trail(engine, action: str) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT detail FROM audit_log WHERE action = :a ORDER BY id"), {"a": action}
                            ).scalars().all()


def test_a_remembered_item_code_makes_the_next_order_match_untouched(live_desk, browser_page):
    """Given an order whose customer code HZ-CX-777 no catalog row knows (UNKNOWN_ITEM), the clerk
    picks our item for the line and presses "remember"; the next order with that code is accepted."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings, extra=((csv_order("HZ-L-1", "HZ-CX-777"), "hz-l-1.csv", "fax"),))
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    key = _open_case(page, url, "hz-l-1.csv")
    assert "UNKNOWN_ITEM" in page.inner_text(f"#edit-{key}")
    _pick(page, "input[name=line-1-sku]", "1.01.0001")
    assert page.input_value("input[name=line-1-sku]") == "1.01.0001"
    page.click(f"#remember-item-{key}-1")
    page.wait_for_selector("#done[data-done=remembered]")
    assert page.locator(f"#checked-{key}").inner_text() == "已接受", page.locator(f"#edit-{key} .anomaly, #edit-{key} .anomalies").all_inner_texts()
    screenshot(page, "desk-case-remembered-item")
    assert page.console_errors == []

    with session_scope(live_desk.engine) as session:
        (taught,) = learned.taught_items(session)
    assert (taught.item.customer, taught.item.code, taught.item.material, taught.user) == (
        "C001", "HZ-CX-777", "1.01.0001", "mei")
    assert _trail(live_desk.engine, "remember item") == [
        "customer C001: item code 'HZ-CX-777' means 1.01.0001 (was not known)"]
    assert next_order(live_desk, csv_order("HZ-L-2", "HZ-CX-777"), "hz-l-2.csv", "fax") == [
        ("C001", "accepted", "1.01.0001")]
    page.goto(url + "/")
    assert page.locator("#queue a:has-text('hz-l-2.csv')").count() == 0


def test_a_remembered_sender_address_makes_the_next_mail_from_it_match_untouched(live_desk, browser_page):
    """Given a mail from an address no customer lists (UNKNOWN_CUSTOMER), the clerk picks the
    customer and remembers the sender; the next mail from that address is accepted."""
    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings, extra=((mail_order("LW-1"), "lw-1.eml", "mail"),))
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    key = _open_case(page, url, "Order LW-1")
    assert "UNKNOWN_CUSTOMER" in page.inner_text(f"#edit-{key}")
    _pick(page, f"#customer-{key}", "示例食品")
    assert page.input_value(f"#customer-{key}") == "C001"
    page.click(f"#remember-sender-{key}")
    page.wait_for_selector("#done[data-done=remembered]")
    assert _trail(live_desk.engine, "remember customer") == [
        f"sender '{SENDER}' means customer C001 (was not known)"]
    assert page.console_errors == []
    assert next_order(live_desk, mail_order("LW-2"), "lw-2.eml", "mail") == [("C001", "accepted", "1.01.0001")]


def test_a_remembered_company_name_makes_the_next_order_naming_it_match_untouched(live_desk, browser_page):
    """Given an order whose buyer is printed as a name the master does not hold, the clerk picks
    the customer and remembers that name; the next order printing it is accepted."""
    page, url = browser_page, live_desk.url
    alias = "杭州新示例贸易有限公司"
    fill_queue(live_desk.engine, live_desk.settings,
               extra=((csv_order("HZ-N-1", "SF-BOX-01", buyer=alias), "hz-n-1.csv", "fax"),))
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    key = _open_case(page, url, "hz-n-1.csv")
    assert "UNKNOWN_CUSTOMER" in page.inner_text(f"#edit-{key}")
    _pick(page, f"#customer-{key}", "示例食品")
    page.click(f"#edit-{key} button[data-remember-name='{alias}']")
    page.wait_for_selector("#done[data-done=remembered]")
    assert _trail(live_desk.engine, "remember customer") == [f"name '{alias}' means customer C001 (was not known)"]
    page.goto(url + "/learned")
    assert alias in page.inner_text("#learned-aliases")
    with page.expect_download() as download:
        page.click("#mapping-file")
    assert download.value.suggested_filename == "SAL_CustMatMapping.xlsx"
    screenshot(page, "desk-learned")
    assert page.console_errors == []
    assert next_order(live_desk, csv_order("HZ-N-2", "SF-BOX-01", buyer=alias), "hz-n-2.csv", "fax") == [
        ("C001", "accepted", "1.01.0001")]


def test_a_clerk_forgets_a_taught_code_and_sees_a_stale_one_marked(live_desk, browser_page):
    """Given a code taught (the next order matched by it) and one whose item left the catalog:
    /learned marks the second stale; the clerk forgets the first, it leaves the page, and the
    next order with that code is no longer matched by it."""
    from reconcile.catalog import CustomerItem
    from store.db import utcnow

    page, url = browser_page, live_desk.url
    fill_queue(live_desk.engine, live_desk.settings)
    with session_scope(live_desk.engine) as session:
        learned.remember_item(session, CustomerItem("C001", "HZ-CX-555", "特制异形盒", "1.01.0001"), by="ann",
                              now=utcnow())
        learned.remember_item(session, CustomerItem("C001", "HZ-OLD-1", "旧盒", "9.99.0001"), by="ann", now=utcnow())
    assert next_order(live_desk, csv_order("HZ-L-1", "HZ-CX-555"), "hz-l-1.csv", "fax")[0][2] == "1.01.0001"
    add_user(live_desk.engine, "mei")
    _sign_in(page, url)
    page.goto(url + "/learned")
    assert page.locator("#learned-items tr.stale").all_inner_texts()[0].startswith("C001")
    assert page.locator("#learned-items tr[data-code='HZ-OLD-1'] .state-stale").count() == 1
    assert page.locator("#learned-items tr[data-code='HZ-CX-555'] .state-stale").count() == 0
    page.click("#learned-items tr[data-code='HZ-CX-555'] form.forget button")
    page.wait_for_selector("#done[data-done=forgotten_item]")
    assert "K3 中仍保留它" in page.inner_text("#done")    # forgetting here does not take it back in K3
    assert page.locator("#learned-items tr[data-code='HZ-CX-555']").count() == 0
    screenshot(page, "desk-learned")
    ((customer, status, sku),) = next_order(live_desk, csv_order("HZ-L-2", "HZ-CX-555"), "hz-l-2.csv", "fax")
    assert status == "review" and sku != "1.01.0001"
    with live_desk.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT user_name FROM audit_log WHERE action = 'forget item'")).scalars().all() \
            == ["mei"]
    assert page.console_errors == []
