"""Outbox planning and mail building, on orders reconciled against the example catalog."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal
from email import message_from_bytes, policy


from outbox.mails import build_mail, stable_message_id
from outbox.plan import DEFAULT_STAFF, DocumentFacts, plan_outbox
from parsers.model import FailedPart, ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile import reconcile
from store.records import OrderRecord
from tests.outbox.settings import Settings

TODAY = date(2026, 11, 20)
SETTINGS = Settings(staff_emails=("desk@ourco.example",), review_url="http://review.local/",
                    company_name="示例包装 Sample Packaging")
SETTINGS = dataclasses.replace(SETTINGS, smtp=dataclasses.replace(SETTINGS.smtp, sender="orders@ourco.example"))


def mail_order(*lines: ParsedLine, po: str = "SF-77", email: str = "li@example-food.example.cn") -> ParsedOrder:
    return ParsedOrder(source=SourceRef("in/m1.eml", None, SourceKind.EMAIL), po_number=po,
                       order_date=date(2026, 11, 19), delivery_date=date(2026, 12, 15),
                       buyer=Party(name="杭州示例食品有限公司", email=email), lines=lines)


GOOD = ParsedLine(1, description="瓦楞纸箱", quantity=Decimal("500"), unit="个",
                  unit_price=Decimal("1.10"), our_sku="1.01.0001")
ODD_QTY = ParsedLine(2, description="瓦楞纸箱", quantity=Decimal("230"), unit="个",
                     unit_price=Decimal("2.60"), our_sku="1.01.0002")
DOC = DocumentFacts(document_id=41, source="imap", message_id="<po-77@example-food.example.cn>",
                    sender="li@example-food.example.cn", subject="采购订单 SF-77",
                    received_at=datetime(2026, 11, 19, 1, 0, tzinfo=timezone.utc), filename=None,
                    references=("<older@example-food.example.cn>",))


def plan(catalog, *orders: ParsedOrder, settings=SETTINGS, failures=(), failure=None):
    recs = [reconcile(o, catalog, today=TODAY) for o in orders]
    records = [OrderRecord(reconciled=r) for r in recs] + [OrderRecord(failed=f) for f in failures]
    return recs, [r.contract_json() for r in records], plan_outbox(records, DOC, settings, failure=failure)


def test_accepted_mail_order_plans_confirmation_and_export(catalog):
    """Given an accepted e-mail order, one confirmation to the customer and one ERP export."""
    recs, _, rows = plan(catalog, mail_order(GOOD))
    assert recs[0].status == "accepted"
    assert [(r.kind, r.stable_key) for r in rows] == [
        ("mail", "confirm:41:0"), ("erp_export", "erp:41:0")]
    assert rows[0].payload["to"] == ["li@example-food.example.cn"]
    assert rows[0].order_index == 0


def test_planning_twice_gives_the_same_keys(catalog):
    """Re-planning the same document yields identical stable keys (save_outcome skips them)."""
    keys = [r.stable_key for r in plan(catalog, mail_order(GOOD), mail_order(ODD_QTY, po="X"))[2]]
    again = [r.stable_key for r in plan(catalog, mail_order(GOOD), mail_order(ODD_QTY, po="X"))[2]]
    assert keys == again and len(set(keys)) == len(keys)


def test_review_order_alerts_staff_and_optionally_queries_customer(catalog):
    """A review order goes to staff; with query_customers the customer is asked about the pack size."""
    _, _, rows = plan(catalog, mail_order(GOOD, ODD_QTY))
    assert [r.stable_key for r in rows] == ["staff:41:0"]
    assert rows[0].payload["to"] == ["desk@ourco.example"]
    asking = dataclasses.replace(SETTINGS, query_customers=True)
    _, _, rows = plan(catalog, mail_order(GOOD, ODD_QTY), settings=asking)
    assert [r.stable_key for r in rows] == ["staff:41:0", "query:41:0"]


def test_staff_default_address_and_failed_parts(catalog):
    """No staff configured: alerts still planned to the default; a failed part alerts staff too."""
    bare = Settings()
    failed = FailedPart(SourceRef("in/m1.eml", "po.pdf", SourceKind.PDF), "The PDF is damaged.")
    _, _, rows = plan(catalog, failures=[failed], settings=bare)
    assert [r.stable_key for r in rows] == ["staff:41:0"]
    assert rows[0].payload["to"] == [DEFAULT_STAFF]
    assert rows[0].payload["purpose"] == "failure"
    _, _, rows = plan(catalog, settings=bare, failure="The file is not an order format.")
    assert [r.stable_key for r in rows] == ["failed:41"]


def test_confirmation_is_bilingual_threaded_and_has_a_stable_id(catalog):
    """The confirmation replies to the customer's message and lists our codes, prices, total, date."""
    _, _, rows = plan(catalog, mail_order(GOOD))
    msg = build_mail(rows[0].payload, stable_key="confirm:41:0", order_id=7, settings=SETTINGS)
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == "<orderdesk.confirm.41.0@ourco.example>"
    assert parsed["Message-ID"] == stable_message_id("confirm:41:0", "ourco.example")
    assert parsed["In-Reply-To"] == "<po-77@example-food.example.cn>"
    assert parsed["References"].split() == ["<older@example-food.example.cn>",
                                            "<po-77@example-food.example.cn>"]
    assert parsed["Subject"] == "Re: 采购订单 SF-77"
    body = parsed.get_content()
    for text in ("感谢您的订单", "Thank you for your order", "1.01.0001", "500", "1.1",
                 "550.00", "2026-12-15", "SF-77"):
        assert text in body, text


def test_staff_alert_has_a_sentence_per_anomaly_and_review_link(catalog):
    """The staff mail names each anomaly in its own sentence and links to the order's review page."""
    recs, _, rows = plan(catalog, mail_order(GOOD, ODD_QTY))
    msg = build_mail(rows[0].payload, stable_key="staff:41:0", order_id=99, settings=SETTINGS)
    body = msg.get_content()
    for anomaly in recs[0].all_anomalies():
        assert anomaly.message in body
    assert "http://review.local/orders/99" in body
    assert "SF-77" in msg["Subject"]


def test_customer_query_is_polite_and_specific(catalog):
    """The query names the line and the quantity, in Chinese and English, threaded to their mail."""
    asking = dataclasses.replace(SETTINGS, query_customers=True)
    _, _, rows = plan(catalog, mail_order(GOOD, ODD_QTY), settings=asking)
    msg = build_mail(rows[1].payload, stable_key="query:41:0", order_id=None, settings=asking)
    body = msg.get_content()
    assert "第 2 行" in body and "line 2" in body and "230" in body
    assert msg["In-Reply-To"] == "<po-77@example-food.example.cn>"
