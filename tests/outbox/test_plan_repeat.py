"""A repeat of an earlier document plans no mail and no export, only the EDI acknowledgement again."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from pathlib import Path

from outbox.plan import DocumentFacts, plan_outbox, plan_repeat
from parsers.context import ParseContext
from parsers.registry import parse_document
from reconcile import reconcile
from store.records import OrderRecord
from tests.outbox.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FIRST = DocumentFacts(document_id=5, source="edi", message_id=None, sender=None, subject=None,
                      received_at=datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc), filename="po.edi")
REPEAT = dataclasses.replace(FIRST, document_id=9)


def records(catalog, data: bytes, name: str) -> list[OrderRecord]:
    result = parse_document(data, ParseContext(path=name))
    return [OrderRecord(reconciled=reconcile(o, catalog, today=date(2026, 11, 20))) for o in result.orders]


def test_a_resent_interchange_is_acknowledged_again_under_its_own_key(catalog):
    """Given the same X12 850 planned as the first arrival and as its repeat, the repeat gets the
    same 997 (same envelope and sets) under its own key, pointing at no order, and nothing else."""
    orders = records(catalog, (ROOT / "examples" / "orders" / "example-trading-850.edi").read_bytes(), "po.edi")
    first = [r for r in plan_outbox(orders, FIRST, Settings()) if r.stable_key.startswith("fack:")]
    again = plan_repeat(orders, REPEAT)
    assert [r.kind for r in again] == ["edi_ack"] and again[0].payload["ack"] == "997"
    assert again[0].stable_key == first[0].stable_key.replace("fack:5:", "fack:9:")
    assert again[0].order_index is None
    assert {k: v for k, v in again[0].payload.items() if k != "doc"} == \
        {k: v for k, v in first[0].payload.items() if k != "doc"}


def test_a_repeated_mail_order_plans_nothing(catalog):
    mail = ("From: li@example-food.example.cn\r\nSubject: PO 9\r\nMessage-ID: <po-9@x>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n订单号 PO-9\r\n1.01.0001 瓦楞纸箱 500个 单价1.10\r\n"
            "交货日期 2026-12-15\r\n").encode()
    orders = records(catalog, mail, "po.eml")
    assert orders and plan_repeat(orders, dataclasses.replace(REPEAT, source="mail")) == []
