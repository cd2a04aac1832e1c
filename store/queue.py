"""What needs a person, and everything known about one document or order: the queries behind
`orderdesk queue` and `orderdesk show`, and the review desk after them.

The queue holds, each with the sentence why: documents that failed, orders that failed or need
review, documents that are not orders, repeats of earlier documents (low priority), and outbox
rows that died. Orders superseded by a re-process are history, not queue. Repeats and non-orders
from no known customer are low priority.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.contract import contract_json
from store.documents import DOCUMENTS, history
from store.models import AnomalyRow, DocumentStatus, Order, OrderLine, OutboxItem, OutboxStatus

ORDERS = Order.__table__
LINES = OrderLine.__table__
ANOMALIES = AnomalyRow.__table__
OUTBOX = OutboxItem.__table__
STATES = ("failed", "review", "not_an_order", "repeat", "dead")


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One line of the queue; `name` is the file name or the mail's subject it arrived as."""

    state: str
    document_id: int | None
    order_id: int | None
    outbox_id: int | None
    name: str
    customer: str | None
    reason: str
    since: datetime
    po_number: str | None = None
    source: str | None = None               # where the document came from (mail, fax, edi, ...)
    codes: tuple[str, ...] = ()             # anomaly codes of an order in review

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "order_id": self.order_id,
                "outbox_id": self.outbox_id, "state": self.state, "name": self.name,
                "customer": self.customer, "po_number": self.po_number, "reason": self.reason,
                "since": self.since.isoformat(), "priority": "low" if self.low_priority else "normal"}

    @property
    def low_priority(self) -> bool:
        """Repeats, and documents that are not orders from no known customer (newsletters, spam)."""
        return self.state == "repeat" or (self.state == "not_an_order" and self.customer is None)


def queue_items(session: Session, *, states: tuple[str, ...] = STATES,
                since: datetime | None = None) -> list[QueueItem]:
    """The queue, oldest first within each state, states in the order of `STATES`."""
    readers = {"failed": _failed, "review": _review, "not_an_order": partial(_documents_in, state="not_an_order"),
               "repeat": partial(_documents_in, state="repeat"), "dead": _dead}
    items: list[QueueItem] = []
    for state in STATES:
        if state in states:
            found = readers[state](session)
            items += sorted((i for i in found if since is None or i.since >= since), key=lambda i: i.since)
    return items


def queue_summary(session: Session) -> dict[str, tuple[int, datetime | None]]:
    """Per state: how many items and the arrival time of the oldest."""
    summary: dict[str, tuple[int, datetime | None]] = {}
    for state in STATES:
        found = queue_items(session, states=(state,))
        summary[state] = (len(found), min((i.since for i in found), default=None))
    return summary


def _doc_name() -> Any:
    return sa.func.coalesce(DOCUMENTS.c.subject, DOCUMENTS.c.filename)


def _documents_in(session: Session, *, state: str) -> list[QueueItem]:
    rows = session.execute(sa.select(DOCUMENTS.c.id, _doc_name().label("name"), DOCUMENTS.c.customer_code,
                                     DOCUMENTS.c.reason, DOCUMENTS.c.received_at, DOCUMENTS.c.source)
                           .where(DOCUMENTS.c.status == state)).all()
    return [QueueItem(state, r.id, None, None, r.name, r.customer_code, r.reason or "", r.received_at,
                      source=r.source) for r in rows]


def _failed(session: Session) -> list[QueueItem]:
    """Failed documents, and failed orders of documents that also yielded others."""
    items = _documents_in(session, state=DocumentStatus.FAILED)
    rows = session.execute(_order_query().where(
        ORDERS.c.status == "failed", DOCUMENTS.c.status != DocumentStatus.FAILED)).all()
    return items + [QueueItem("failed", r.document_id, r.id, None, r.name, r.customer,
                              r.failure or "", r.received_at, r.po_number, r.source) for r in rows]


def _review(session: Session) -> list[QueueItem]:
    rows = session.execute(_order_query().where(ORDERS.c.status == "review")).all()
    anomalies = _anomalies(session, [r.id for r in rows])
    return [QueueItem("review", r.document_id, r.id, None, r.name, r.customer,
                      " ".join(sentence for _, sentence in anomalies.get(r.id, []))
                      or "An anomaly needs a person.", r.received_at, r.po_number, r.source,
                      tuple(dict.fromkeys(code for code, _ in anomalies.get(r.id, []))))
            for r in rows]


def _dead(session: Session) -> list[QueueItem]:
    """Dead outbox rows; the document is the order's, or the one the payload names (a failure alert)."""
    query = (sa.select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.stable_key, OUTBOX.c.last_error,
                       OUTBOX.c.created_at, OUTBOX.c.payload_json, ORDERS.c.document_id, ORDERS.c.po_number,
                       sa.func.coalesce(ORDERS.c.customer_name, ORDERS.c.customer_code).label("customer"))
             .select_from(OUTBOX.outerjoin(ORDERS, ORDERS.c.id == OUTBOX.c.order_id))
             .where(OUTBOX.c.status == OutboxStatus.DEAD))
    return [QueueItem("dead", r.document_id or _payload_document(r.payload_json), None, r.id,
                      f"{r.kind} {r.stable_key}", r.customer, r.last_error or "It could not be delivered.",
                      r.created_at, r.po_number)
            for r in session.execute(query)]


def _payload_document(payload_json: str | None) -> int | None:
    doc = (json.loads(payload_json or "null") or {}).get("doc") or {}
    return doc.get("document_id")


def _order_query() -> Any:
    return (sa.select(ORDERS.c.id, ORDERS.c.document_id, ORDERS.c.failure, ORDERS.c.po_number,
                      sa.func.coalesce(ORDERS.c.customer_name, ORDERS.c.customer_code).label("customer"),
                      _doc_name().label("name"), DOCUMENTS.c.received_at, DOCUMENTS.c.source)
            .join(DOCUMENTS, DOCUMENTS.c.id == ORDERS.c.document_id)
            .where(ORDERS.c.superseded_at.is_(None)))


def _anomalies(session: Session, order_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each order's anomalies as (code, sentence), in the order they were found."""
    found: dict[int, list[tuple[str, str]]] = {}
    if order_ids:
        query = (sa.select(ANOMALIES.c.order_id, ANOMALIES.c.message, ANOMALIES.c.code)
                 .where(ANOMALIES.c.order_id.in_(order_ids)).order_by(ANOMALIES.c.id))
        for order_id, message, code in session.execute(query):
            found.setdefault(order_id, []).append((str(code), message or str(code)))
    return found


# --- one document or order, for `orderdesk show` and the case page ----------------------------


def document_view(session: Session, document_id: int) -> dict[str, Any] | None:
    """A document's ledger row, its current orders (read values with provenance and anomaly
    sentences), the outbox rows they caused, repeats of it and its earlier outcomes."""
    row = session.execute(sa.select(DOCUMENTS).where(DOCUMENTS.c.id == document_id)).mappings().first()
    if row is None:
        return None
    order_ids = session.execute(sa.select(ORDERS.c.id).where(
        ORDERS.c.document_id == document_id, ORDERS.c.superseded_at.is_(None))
        .order_by(ORDERS.c.id)).scalars().all()
    repeats = session.execute(sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.repeat_of == document_id)
                              .order_by(DOCUMENTS.c.id)).scalars().all()
    return {"document_id": row["id"], "state": row["status"], "reason": row["reason"],
            "file": row["filename"], "subject": row["subject"], "sender": row["sender"],
            "source": row["source"], "source_ref": row["source_ref"], "customer": row["customer_code"],
            "received_at": row["received_at"].isoformat(), "size": row["size"], "sha256": row["sha256"],
            "repeat_of": row["repeat_of"], "repeats": list(repeats), "attempts": row["attempts"],
            "orders": [order_view(session, i) for i in order_ids], "history": history(session, document_id)}


def order_view(session: Session, order_id: int) -> dict[str, Any] | None:
    """An order as read (CONTRACT JSON), each line's provenance and confidence, each anomaly's
    sentence, and its outbox rows."""
    row = session.execute(sa.select(ORDERS).where(ORDERS.c.id == order_id)).mappings().first()
    if row is None:
        return None
    lines = session.execute(sa.select(LINES.c.line_no, LINES.c.provenance_json, LINES.c.confidence)
                            .where(LINES.c.order_id == order_id).order_by(LINES.c.id)).all()
    anomalies = session.execute(sa.select(ANOMALIES.c.code, ANOMALIES.c.line_no, ANOMALIES.c.message)
                                .where(ANOMALIES.c.order_id == order_id).order_by(ANOMALIES.c.id)).all()
    outbox = session.execute(sa.select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.stable_key, OUTBOX.c.status,
                                       OUTBOX.c.attempts, OUTBOX.c.last_error)
                             .where(OUTBOX.c.order_id == order_id).order_by(OUTBOX.c.id)).mappings().all()
    return {"order_id": row["id"], "document_id": row["document_id"], "status": row["status"],
            "superseded_at": row["superseded_at"].isoformat() if row["superseded_at"] else None,
            "order": contract_json(json.loads(row["payload_json"])),
            "provenance": [{"line_no": ln.line_no, "confidence": ln.confidence,
                            "where": json.loads(ln.provenance_json) if ln.provenance_json else None}
                           for ln in lines],
            "anomalies": [{"code": a.code, "line_no": a.line_no, "message": a.message} for a in anomalies],
            "outbox": [dict(o) for o in outbox]}
