"""Who a confirmation goes to (the order's e-mail, else the customer master), and watcher alerts."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from outbox.mails import build_mail
from outbox.plan import DEFAULT_STAFF, DocumentFacts, plan_outbox, watcher_alert_row
from parsers.context import ParseContext
from parsers.registry import parse_document
from reconcile import reconcile
from store.records import OrderRecord
from tests.outbox.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
SETTINGS = Settings(staff_emails=("desk@ourco.example",))
SETTINGS = dataclasses.replace(SETTINGS, smtp=dataclasses.replace(SETTINGS.smtp, sender="orders@ourco.example"))
EDI_DOC = DocumentFacts(document_id=5, source="edi", message_id=None, sender=None, subject=None,
                        received_at=datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc),
                        filename="example-trading-850.edi")
MAIL_DOC = dataclasses.replace(EDI_DOC, source="mail", message_id="<po-9@example-food.example.cn>",
                               sender="li@example-food.example.cn", subject="PO 9", filename="po.eml")
TEXT_MAIL = ("From: li@example-food.example.cn\r\nTo: orders@ourco.example\r\nSubject: PO 9\r\n"
             "Message-ID: <po-9@example-food.example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             "订单号 PO-9\r\n1.01.0001 瓦楞纸箱 500个 单价1.10\r\n交货日期 2026-12-15\r\n".encode())


def planned(catalog, data: bytes, name: str, doc: DocumentFacts, contacts=None):
    result = parse_document(data, ParseContext(path=name))
    records = [OrderRecord(reconciled=reconcile(o, catalog, today=TODAY)) for o in result.orders]
    return [r.contract_json() for r in records], plan_outbox(records, doc, SETTINGS, contacts=contacts)


def confirmations(rows) -> list:
    return [r for r in rows if r.kind == "mail" and r.payload["purpose"] == "confirmation"]


@pytest.fixture(scope="module")
def edi() -> bytes:
    return (ROOT / "examples" / "orders" / "example-trading-850.edi").read_bytes()


def test_accepted_edi_order_is_confirmed_to_the_master_address(catalog, edi):
    """An EDI order has no customer e-mail; the customer's full FEmail address receives the
    confirmation, unthreaded (there is no incoming Message-ID)."""
    contacts = {"C002": ("buyer@example-trading.example.com", "@example-trading.example.com")}
    js, rows = planned(catalog, edi, "example-trading-850.edi", EDI_DOC, contacts)
    assert [(o["status"], o["customer"]["code"], o["customer"]["email"]) for o in js] == [
        ("accepted", "C002", None)]
    [confirm] = confirmations(rows)
    assert confirm.stable_key == "confirm:5:0"
    assert confirm.payload["to"] == ["buyer@example-trading.example.com"]
    msg = build_mail(confirm.payload, stable_key="confirm:5:0", order_id=1, settings=SETTINGS)
    assert msg["To"] == "buyer@example-trading.example.com"
    assert msg["In-Reply-To"] is None and msg["References"] is None
    assert "ET-2026-0042" in msg["Subject"]


def test_a_domain_pattern_alone_gets_no_confirmation(catalog, edi, caplog):
    """'@domain' entries recognise senders; they are not addresses, so nobody is written to."""
    contacts = {"C002": ("@example-trading.example.com",)}
    with caplog.at_level("INFO", logger="outbox.plan"):
        js, rows = planned(catalog, edi, "example-trading-850.edi", EDI_DOC, contacts)
    assert js[0]["status"] == "accepted"
    assert confirmations(rows) == []
    assert [r.kind for r in rows if r.kind == "erp_export"] == ["erp_export"]
    assert any("no confirmation" in r.getMessage() for r in caplog.records)
    _, without = planned(catalog, edi, "example-trading-850.edi", EDI_DOC)
    assert confirmations(without) == []


def test_an_email_order_still_goes_to_its_sender(catalog):
    """The order's own e-mail wins over the master addresses, and the reply is threaded."""
    contacts = {code: ("master@elsewhere.example",) for code in ("C001", "C002", "C003")}
    js, rows = planned(catalog, TEXT_MAIL, "po.eml", MAIL_DOC, contacts)
    assert [(o["status"], o["customer"]["code"], o["customer"]["email"]) for o in js] == [
        ("accepted", "C001", "li@example-food.example.cn")]
    [confirm] = confirmations(rows)
    assert confirm.payload["to"] == ["li@example-food.example.cn"]
    msg = build_mail(confirm.payload, stable_key=confirm.stable_key, order_id=1, settings=SETTINGS)
    assert msg["In-Reply-To"] == "<po-9@example-food.example.cn>"


def test_watcher_alert_row_is_one_per_watcher_kind_and_hour():
    """Same watcher, kind and hour: the same stable key; the next hour or another kind: a new one."""
    at = datetime(2026, 11, 20, 8, 5, tzinfo=timezone.utc)
    row = watcher_alert_row("imap:main:INBOX", "silent", "no answer", at, SETTINGS)
    later = watcher_alert_row("imap:main:INBOX", "silent", "no answer", at.replace(minute=55), SETTINGS)
    assert row.stable_key == later.stable_key == "watch:imap:main:INBOX:silent:2026112008"
    assert watcher_alert_row("imap:main:INBOX", "silent", "x", at.replace(hour=9), SETTINGS).stable_key != row.stable_key
    assert watcher_alert_row("imap:main:INBOX", "refused", "x", at, SETTINGS).stable_key != row.stable_key
    assert row.kind == "mail" and row.payload["to"] == ["desk@ourco.example"]
    assert watcher_alert_row("k", "silent", "m", at, Settings()).payload["to"] == [DEFAULT_STAFF]
    msg = build_mail(row.payload, stable_key=row.stable_key, order_id=None, settings=SETTINGS)
    assert "imap:main:INBOX" in msg["Subject"] and "no answer" in msg.get_content()
