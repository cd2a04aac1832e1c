"""Repository functions: the ledger of documents, their outcome, seen POs and the catalog copy.

Plain functions over a Session. Functions that write commit their own transaction (and roll
it back if anything fails), because each one is a unit the daemon must never half-do:
storing a document before its source is acknowledged, or saving all of a document's orders,
lines, anomalies and outbox rows at once. Lines and anomalies go in as Core executemany
inserts to keep the hot path fast. Times are passed in, tz-aware UTC.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reconcile.catalog import CatalogRecords, Customer, CustomerItem, Material, PriceEntry, UnitConversion
from store.blobs import get_blob, put_blob, sha256_hex
from store.models import (
    AnomalyRow, CatalogMeta, CustomerItemRow, CustomerRow, Document, DocumentStatus, MaterialRow,
    Order, OrderLine, OutboxItem, PriceRow, SeenPo, StockRow, UnitRow,
)

DOCUMENTS = Document.__table__
ORDERS = Order.__table__
LINES = OrderLine.__table__
ANOMALIES = AnomalyRow.__table__
OUTBOX = OutboxItem.__table__
SEEN = SeenPo.__table__
META = CatalogMeta.__table__

# record type, table, CatalogRecords attribute, fields stored as decimal strings
CATALOG_TABLES: tuple[tuple[type, sa.Table, str, frozenset[str]], ...] = (
    (Material, MaterialRow.__table__, "materials", frozenset({"pack_qty", "min_qty"})),
    (Customer, CustomerRow.__table__, "customers", frozenset({"credit_limit", "open_amount"})),
    (PriceEntry, PriceRow.__table__, "prices", frozenset({"price", "from_qty", "to_qty"})),
    (CustomerItem, CustomerItemRow.__table__, "customer_items", frozenset()),
    (UnitConversion, UnitRow.__table__, "units", frozenset({"rate"})),
)
STOCK = StockRow.__table__


def utcnow() -> datetime:
    """The current time, tz-aware UTC; for callers at the edge, never used inside decisions."""
    return datetime.now(timezone.utc)


# --- documents ---------------------------------------------------------------------------


def add_document(
    session: Session, data: bytes, *, filename: str, source: str,
    source_ref: str | None = None, message_id: str | None = None, now: datetime,
) -> tuple[int, bool]:
    """Store a document's bytes and ledger row and commit; the same bytes again give the old id.

    Returns (document id, created_new). Only after this returns may the source be acknowledged.
    """
    digest = sha256_hex(data)
    existing = _document_id_by_sha(session, digest)
    if existing is not None:
        return existing, False
    try:
        put_blob(session, data)
        result = session.execute(sa.insert(DOCUMENTS).values(
            sha256=digest, size=len(data), filename=filename, source=source,
            source_ref=source_ref, message_id=message_id, received_at=now,
            status=DocumentStatus.NEW, attempts=0,
        ))
        session.commit()
    except IntegrityError:
        # Another watcher stored the same bytes between our check and our insert.
        session.rollback()
        existing = _document_id_by_sha(session, digest)
        if existing is None:
            raise
        return existing, False
    return int(result.inserted_primary_key[0]), True


def _document_id_by_sha(session: Session, digest: str) -> int | None:
    query = sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.sha256 == digest)
    return session.execute(query).scalar_one_or_none()


def get_document(session: Session, document_id: int) -> Document | None:
    """The ledger row, freshly read."""
    return session.get(Document, document_id, populate_existing=True)


def load_blob(session: Session, sha256: str) -> bytes:
    """A document's raw bytes by content address; KeyError if missing."""
    return get_blob(session, sha256)


def claim_next_document(session: Session, worker: str, now: datetime) -> Document | None:
    """Atomically move the oldest `new` document to `claimed` for `worker` and commit.

    One UPDATE statement whose subquery picks the row; PostgreSQL adds FOR UPDATE SKIP LOCKED
    so concurrent nodes pass over each other's rows, SQLite serialises writers anyway.
    """
    oldest = (
        sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.status == DocumentStatus.NEW)
        .order_by(DOCUMENTS.c.id).limit(1).with_for_update(skip_locked=True).scalar_subquery()
    )
    claim = (
        sa.update(DOCUMENTS)
        .where(DOCUMENTS.c.id == oldest, DOCUMENTS.c.status == DocumentStatus.NEW)
        .values(status=DocumentStatus.CLAIMED, claimed_by=worker, claimed_at=now,
                attempts=DOCUMENTS.c.attempts + 1)
        .returning(DOCUMENTS.c.id)
    )
    try:
        claimed = session.execute(claim).scalar_one_or_none()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return None if claimed is None else get_document(session, claimed)


def release_stale_claims(session: Session, *, claimed_before: datetime) -> int:
    """Give documents claimed before `claimed_before` (their worker died) back to `new`."""
    stmt = (
        sa.update(DOCUMENTS)
        .where(DOCUMENTS.c.status == DocumentStatus.CLAIMED,
               DOCUMENTS.c.claimed_at < claimed_before)
        .values(status=DocumentStatus.NEW, claimed_by=None, claimed_at=None)
    )
    count = session.execute(stmt).rowcount
    session.commit()
    return count


def mark_document_failed(session: Session, document_id: int, failure: str) -> None:
    """Record that a document could not be processed at all (crash, timeout) and commit."""
    _set_document_status(session, document_id, DocumentStatus.FAILED, failure)
    session.commit()


def _set_document_status(session: Session, document_id: int, status: str, failure: str | None) -> None:
    stmt = sa.update(DOCUMENTS).where(DOCUMENTS.c.id == document_id).values(
        status=status, failure=failure)
    if session.execute(stmt).rowcount != 1:
        raise LookupError(f"no document {document_id}")


# --- outcome of a document -----------------------------------------------------------------


def save_outcome(
    session: Session, document_id: int, orders_json: Sequence[dict[str, Any]], *,
    seen_keys: Iterable[Sequence[Any]], outbox: Sequence[dict[str, Any]] = (),
    now: datetime | None = None, failure: str | None = None,
) -> list[int]:
    """Write a document's orders, lines, anomalies, seen POs and outbox rows, mark it done; commit.

    All or nothing: any error rolls everything back and re-raises. See `_order_values` for
    the extra `_`-prefixed keys an order dict may carry; they are not part of the stored JSON.
    """
    now = now or utcnow()
    try:
        order_ids = [_insert_order(session, document_id, order, now) for order in orders_json]
        _insert_seen(session, seen_keys, orders_json, order_ids)
        _insert_outbox(session, outbox, order_ids, now)
        status, reason = _document_outcome(orders_json, failure)
        _set_document_status(session, document_id, status, reason)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return order_ids


def _insert_order(session: Session, document_id: int, order: dict[str, Any], now: datetime) -> int:
    result = session.execute(sa.insert(ORDERS).values(**_order_values(document_id, order, now)))
    order_id = int(result.inserted_primary_key[0])
    lines = order.get("lines") or []
    if lines:
        session.execute(sa.insert(LINES), [_line_values(order_id, line) for line in lines])
    anomalies = _anomaly_values(order_id, order)
    if anomalies:
        session.execute(sa.insert(ANOMALIES), anomalies)
    return order_id


def _order_values(document_id: int, order: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Columns of one order. Extra keys: `_is_change` (bool); per line `_provenance`, `_confidence`.

    The whole record, extras included (provenance for the review UI), is kept as payload_json;
    readers that want the CONTRACT JSON strip the extras with `contract_json`.
    """
    source = order.get("source") or {}
    customer = order.get("customer") or {}
    return {
        "document_id": document_id, "source_path": source.get("path") or "",
        "source_part": source.get("part"), "source_kind": source.get("kind"),
        "status": order.get("status") or "failed", "customer_code": customer.get("code"),
        "customer_name": customer.get("name"), "customer_email": customer.get("email"),
        "po_number": order.get("po_number"), "order_date": _iso_date(order.get("order_date")),
        "delivery_date": _iso_date(order.get("delivery_date")),
        "currency": order.get("currency"), "ship_to": order.get("ship_to"),
        "total": _text(order.get("total")), "is_change": bool(order.get("_is_change")),
        "failure": order.get("failure"), "payload_json": _dumps(order),
        "created_at": now,
    }


def _line_values(order_id: int, line: dict[str, Any]) -> dict[str, Any]:
    provenance = line.get("_provenance")
    confidence = line.get("_confidence")
    return {
        "order_id": order_id, "line_no": int(line.get("line_no") or 0),
        "customer_sku": line.get("customer_sku"), "description": line.get("description"),
        "quantity": _text(line.get("quantity")), "unit": line.get("unit"),
        "unit_price": _text(line.get("unit_price")), "sku": line.get("sku"),
        "provenance_json": None if provenance is None else _dumps(provenance),
        "confidence": None if confidence is None else float(confidence),
    }


def _anomaly_values(order_id: int, order: dict[str, Any]) -> list[dict[str, Any]]:
    """Order-level and line-level anomalies; each is a code string or a {code, message} dict.

    An order may carry `_anomalies` ({code, message, line_no} each, the sentences for people);
    then those are stored instead of the bare codes.
    """
    if order.get("_anomalies") is not None:
        return [{"order_id": order_id, "line_no": a.get("line_no"), "code": str(a["code"]),
                 "message": a.get("message") or ""} for a in order["_anomalies"]]
    found = [(None, item) for item in order.get("anomalies") or []]
    for line in order.get("lines") or []:
        found += [(line.get("line_no"), item) for item in line.get("anomalies") or []]
    rows = []
    for line_no, item in found:
        code, message = (item, "") if isinstance(item, str) else (item["code"], item.get("message", ""))
        rows.append({"order_id": order_id, "line_no": line_no, "code": str(code),
                     "message": message or ""})
    return rows


def _insert_seen(session: Session, keys: Iterable[Sequence[Any]], orders: Sequence[dict[str, Any]],
                 order_ids: list[int]) -> None:
    """Keys are (customer_key, po) or (customer_key, po, order index); a key seen before is kept."""
    rows = []
    for key in keys:
        customer_key, po = str(key[0]), str(key[1])
        index = key[2] if len(key) > 2 else _order_index_by_po(orders, po)
        rows.append({"customer_key": customer_key, "po_number": po,
                     "order_id": None if index is None else order_ids[index]})
    _insert_ignoring_conflicts(session, SEEN, rows, ["customer_key", "po_number"])


def _order_index_by_po(orders: Sequence[dict[str, Any]], po: str) -> int | None:
    return next((i for i, order in enumerate(orders) if order.get("po_number") == po), None)


def _insert_outbox(session: Session, items: Sequence[dict[str, Any]], order_ids: list[int],
                   now: datetime) -> None:
    """Items: {kind, stable_key, payload, order_index?, next_attempt_at?}; a known key is skipped."""
    rows = []
    for item in items:
        index = item.get("order_index")
        rows.append({
            "order_id": None if index is None else order_ids[index], "kind": item["kind"],
            "stable_key": item["stable_key"], "payload_json": _dumps(item.get("payload")),
            "status": "pending", "attempts": 0,
            "next_attempt_at": item.get("next_attempt_at") or now, "created_at": now,
        })
    _insert_ignoring_conflicts(session, OUTBOX, rows, ["stable_key"])


def _document_outcome(orders: Sequence[dict[str, Any]], failure: str | None) -> tuple[str, str | None]:
    """`failed` when told so or when every order failed; else `processed` (no order is fine)."""
    if failure is not None:
        return DocumentStatus.FAILED, failure
    if orders and all(order.get("status") == "failed" for order in orders):
        return DocumentStatus.FAILED, orders[0].get("failure") or "no order could be read"
    return DocumentStatus.PROCESSED, None


def _insert_ignoring_conflicts(session: Session, table: sa.Table, rows: list[dict[str, Any]],
                               keys: list[str]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        session.execute(insert(table).on_conflict_do_nothing(index_elements=keys), rows)
        return
    for row in rows:  # other engines: check first (fine inside our one transaction)
        match = sa.and_(*(table.c[k] == row[k] for k in keys))
        if session.execute(sa.select(sa.literal(1)).where(match)).first() is None:
            session.execute(sa.insert(table).values(**row))


def contract_json(order: dict[str, Any]) -> dict[str, Any]:
    """The CONTRACT §3 part of an order dict: without the `_`-prefixed extras, also per line."""
    clean = {k: v for k, v in order.items() if not k.startswith("_")}
    if isinstance(clean.get("lines"), list):
        clean["lines"] = [{k: v for k, v in line.items() if not k.startswith("_")}
                          for line in clean["lines"]]
    return clean


def orders_for_document(session: Session, document_id: int) -> list[dict[str, Any]]:
    """The stored CONTRACT JSON of a document's orders, in the order they were saved."""
    query = (sa.select(ORDERS.c.payload_json).where(ORDERS.c.document_id == document_id)
             .order_by(ORDERS.c.id))
    return [contract_json(json.loads(text)) for text in session.execute(query).scalars()]


def seen_po_keys(session: Session) -> set[tuple[str, str]]:
    """Every (customer_key, po_number) already processed."""
    return {(row[0], row[1]) for row in session.execute(sa.select(SEEN.c.customer_key, SEEN.c.po_number))}


def is_po_seen(session: Session, customer_key: str, po: str) -> bool:
    query = sa.select(SEEN.c.id).where(SEEN.c.customer_key == customer_key, SEEN.c.po_number == po)
    return session.execute(query).first() is not None


def _iso_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --- catalog copy --------------------------------------------------------------------------


def replace_catalog(session: Session, records: CatalogRecords, fingerprint: str, *,
                    now: datetime | None = None) -> None:
    """Replace the stored catalog with `records` in one transaction and commit."""
    try:
        for _, table, _, _ in CATALOG_TABLES:
            session.execute(sa.delete(table))
        session.execute(sa.delete(STOCK))
        session.execute(sa.delete(META))
        for record_type, table, attribute, decimals in CATALOG_TABLES:
            rows = [_catalog_row(record, decimals) for record in getattr(records, attribute)]
            if rows:
                session.execute(sa.insert(table), rows)
        if records.stock:
            session.execute(sa.insert(STOCK), [{"material": m, "qty": str(q)} for m, q in records.stock])
        session.execute(sa.insert(META).values(id=1, fingerprint=fingerprint, loaded_at=now or utcnow()))
        session.commit()
    except BaseException:
        session.rollback()
        raise


def load_catalog(session: Session) -> CatalogRecords | None:
    """The stored catalog, equal to what was saved; None when none was ever loaded."""
    if catalog_fingerprint_in_db(session) is None:
        return None
    loaded: dict[str, tuple[Any, ...]] = {}
    for record_type, table, attribute, decimals in CATALOG_TABLES:
        rows = session.execute(sa.select(table).order_by(table.c.id)).mappings()
        loaded[attribute] = tuple(_catalog_record(record_type, row, decimals) for row in rows)
    stock_rows = session.execute(sa.select(STOCK.c.material, STOCK.c.qty).order_by(STOCK.c.id))
    loaded["stock"] = tuple((material, Decimal(qty)) for material, qty in stock_rows)
    return CatalogRecords(**loaded)


def catalog_fingerprint_in_db(session: Session) -> str | None:
    return session.execute(sa.select(META.c.fingerprint).where(META.c.id == 1)).scalar_one_or_none()


def _catalog_row(record: Any, decimals: frozenset[str]) -> dict[str, Any]:
    row = {}
    for field in fields(record):
        value = getattr(record, field.name)
        if field.name in decimals:
            value = None if value is None else str(value)
        elif isinstance(value, tuple):  # Customer.emails
            value = ";".join(value)
        row[field.name] = value
    return row


def _catalog_record(record_type: type, row: Any, decimals: frozenset[str]) -> Any:
    values = {}
    for field in fields(record_type):
        value = row[field.name]
        if field.name in decimals:
            value = None if value is None else Decimal(value)
        elif field.name == "emails":
            value = tuple(e for e in value.split(";") if e)
        values[field.name] = value
    return record_type(**values)
