"""A document's outcome in the database: its orders, lines, anomalies, seen POs and outbox rows.

`save_outcome` writes one `DocumentOutcome` in one transaction, so a crash leaves the document
claimed (and later released), never half done. Lines and anomalies go in as Core executemany
inserts to keep the hot path fast. The seen-PO check (`seen_for`) and the writers' lock
(`serialise_writers`) live here because DUPLICATE_PO is decided against what is saved.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.contract import contract_json, provenance_json, stored_payload
from store.db import insert_new
from store.folding import folded
from store.documents import set_document_state
from store.models import AnomalyRow, Order, OrderLine, OutboxItem, SeenPo
from store.outbox import outbox_values
from store.records import DocumentOutcome, OrderRecord, PoKey

ORDERS = Order.__table__
LINES = OrderLine.__table__
ANOMALIES = AnomalyRow.__table__
OUTBOX = OutboxItem.__table__
SEEN = SeenPo.__table__
ADVISORY_LOCK = 7234501  # PostgreSQL: serialises the seen-PO read with the save


def save_outcome(session: Session, outcome: DocumentOutcome, *, now: datetime) -> list[int]:
    """Write a document's orders, lines, anomalies, seen POs and outbox rows and its final state;
    commit. All or nothing: any error rolls everything back and re-raises. Returns the order ids."""
    try:
        order_ids = [insert_order(session, outcome.document_id, order, now) for order in outcome.orders]
        insert_new(session, SEEN, [{"customer_key": k.customer, "po_number": k.po_number,
                                    "order_id": order_ids[k.order_index]} for k in outcome.seen],
                   ["customer_key", "po_number"])
        insert_new(session, OUTBOX, outbox_values(outcome.outbox, now, order_ids), ["stable_key"])
        set_document_state(session, outcome.document_id, outcome.state, outcome.reason,
                           outcome.customer_code)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return order_ids


def insert_order(session: Session, document_id: int, order: OrderRecord, now: datetime) -> int:
    result = session.execute(sa.insert(ORDERS).values(**_order_values(document_id, order, now)))
    order_id = int(result.inserted_primary_key[0])
    rec = order.reconciled
    if rec is not None and rec.lines:
        printed = order.contract_json()["lines"]
        session.execute(sa.insert(LINES), [{
            "order_id": order_id, "line_no": line.line_no, "customer_sku": line.customer_sku,
            "description": line.description, "quantity": out["quantity"], "unit": line.unit,
            "unit_price": out["unit_price"], "sku": line.sku,
            "provenance_json": _dumps_or_none(provenance_json(line)),
            "confidence": line.parsed.confidence} for line, out in zip(rec.lines, printed)])
    anomalies = order.anomalies()
    if anomalies:
        session.execute(sa.insert(ANOMALIES), [{
            "order_id": order_id, "line_no": a.line_no, "code": str(a.code), "message": a.message,
            "detail_json": json.dumps(dict(a.detail), ensure_ascii=False) if a.detail else None}
            for a in anomalies])
    return order_id


def _order_values(document_id: int, order: OrderRecord, now: datetime) -> dict[str, Any]:
    """Columns of one order; `payload_json` keeps the CONTRACT JSON plus provenance for people."""
    printed = order.contract_json()
    rec = order.reconciled
    payload = stored_payload(rec) if rec is not None else printed
    source = printed["source"]
    read = rec or order.header  # a failed part's header, as read
    name = read.customer_name if read is not None else None
    return {
        "document_id": document_id, "source_path": source["path"] or "",
        "source_part": source["part"], "source_kind": source["kind"], "status": order.status,
        "customer_code": order.customer_code,
        "customer_name": name, "customer_search": folded(name, order.customer_code),
        "customer_email": read.customer_email if read is not None else None,
        "po_number": order.po_number,
        "order_date": read.order_date if read is not None else None,
        "delivery_date": read.delivery_date if read is not None else None,
        "currency": printed["currency"], "ship_to": printed["ship_to"], "total": printed["total"],
        "is_change": order.is_change, "failure": order.failure,
        "payload_json": json.dumps(payload, ensure_ascii=False, default=str), "created_at": now,
    }


def seen_for(session: Session, po_numbers: Iterable[str], *, excluding: Iterable[int] = ()) -> set[PoKey]:
    """The seen (customer, PO) keys among these PO numbers, read now; `excluding` names orders
    whose own keys do not count (an order being approved is not its own duplicate)."""
    pos = {po for po in po_numbers if po}
    if not pos:
        return set()
    query = sa.select(SEEN.c.customer_key, SEEN.c.po_number).where(SEEN.c.po_number.in_(pos))
    skipped = [int(i) for i in excluding]
    if skipped:
        query = query.where(sa.or_(SEEN.c.order_id.is_(None), SEEN.c.order_id.notin_(skipped)))
    return {(row[0], row[1]) for row in session.execute(query)}


def forget_seen(session: Session, order_ids: list[int]) -> None:
    """Drop the seen-PO keys these orders set (they are being re-processed); no commit."""
    if order_ids:
        session.execute(sa.delete(SEEN).where(SEEN.c.order_id.in_(order_ids)))


def serialise_writers(session: Session) -> None:
    """Take the write lock first, so no other worker saves a PO between our read and our save."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(sa.text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        session.execute(sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))


def orders_for_document(session: Session, document_id: int) -> list[dict[str, Any]]:
    """The CONTRACT JSON of a document's current orders, in the order they were saved."""
    query = (sa.select(ORDERS.c.payload_json)
             .where(ORDERS.c.document_id == document_id, ORDERS.c.superseded_at.is_(None))
             .order_by(ORDERS.c.id))
    return [contract_json(json.loads(text)) for text in session.execute(query).scalars()]


def _dumps_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
