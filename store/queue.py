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
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.contract import contract_json
from store.documents import DOCUMENTS, history
from store.folding import folded
from store.models import AnomalyRow, DocumentStatus, Order, OrderLine, OutboxItem, OutboxStatus

ORDERS = Order.__table__
LINES = OrderLine.__table__
ANOMALIES = AnomalyRow.__table__
OUTBOX = OutboxItem.__table__
STATES = ("failed", "review", "not_an_order", "repeat", "dead")
# Outbox rows held in shadow mode (outbox.shadow: staff got a copy, nobody else anything): listed
# on their own when asked for, never among STATES, so shadow mode does not flood the queue's
# counts, its total or `orderdesk queue`.
HELD = "held"


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
    # An order in review's anomalies ({code, line_no, message, detail}): the desk says each in
    # the clerk's language (`reason` joins their English sentences).
    anomalies: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "order_id": self.order_id,
                "outbox_id": self.outbox_id, "state": self.state, "name": self.name,
                "customer": self.customer, "po_number": self.po_number, "reason": self.reason,
                "since": self.since.isoformat(), "priority": "low" if self.low_priority else "normal"}

    @property
    def low_priority(self) -> bool:
        """Repeats, and documents that are not orders from no known customer (newsletters, spam)."""
        return self.state == "repeat" or (self.state == "not_an_order" and self.customer is None)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """Which queue items to keep; empty or None means any. `code` keeps orders in review with
    that anomaly; `waiting_since` keeps items that arrived at or before it."""

    state: str = ""
    source: str = ""
    customer: str = ""         # part of the customer's name or code, in any case or width (store.folding)
    code: str = ""
    waiting_since: datetime | None = None


Counts = dict[str, tuple[int, datetime | None, datetime | None]]   # state -> (items, oldest, newest)


@dataclass(frozen=True, slots=True)
class QueuePage:
    """The newest `limit` items that pass a filter, how many pass it, and per state the count,
    oldest and newest arrival (taken with every filter but the state)."""

    rows: list[QueueItem]
    matching: int
    counts: Counts
    held: int = 0              # rows held in shadow mode that pass the filters (in none of the counts)


def queue_items(session: Session, *, states: tuple[str, ...] = STATES,
                since: datetime | None = None) -> list[QueueItem]:
    """The queue, oldest first within each state, states in the order of `STATES`."""
    queue = _queue(states)
    query = sa.select(queue).where(queue.c.state.in_(states))
    if since is not None:
        query = query.where(queue.c.since >= since)
    rows = session.execute(query.order_by(queue.c.since, queue.c.document_id)).all()
    rank = {state: n for n, state in enumerate(STATES)}
    return _items(session, sorted(rows, key=lambda r: rank[r.state]))


def queue_page(session: Session, wanted: QueueQuery, *, limit: int, offset: int = 0) -> QueuePage:
    """One page of the queue (`limit` items after the newest `offset`), newest first, filtered,
    counted and cut in the database."""
    counts = queue_counts(session, wanted)
    held = queue_counts(session, wanted, states=(HELD,))[HELD][0] if not wanted.code else 0
    states = _states(wanted, with_state=True)
    if not states:
        return QueuePage([], 0, counts, held)
    queue = _queue(states)
    shown = _filtered(queue, wanted) + ([queue.c.state == wanted.state] if wanted.state else [])
    rows = session.execute(sa.select(queue).where(*shown).order_by(queue.c.since.desc(), queue.c.document_id.desc())
                           .limit(limit).offset(offset)).all()
    if wanted.state == HELD:
        matching = held
    else:
        matching = counts[wanted.state][0] if wanted.state else sum(n for n, _, _ in counts.values())
    return QueuePage(_items(session, rows), matching, counts, held)


def queue_summary(session: Session) -> dict[str, tuple[int, datetime | None]]:
    """Per state: how many items and the arrival time of the oldest."""
    return {state: (n, oldest) for state, (n, oldest, _) in queue_counts(session).items()}


def queue_counts(session: Session, wanted: QueueQuery | None = None, *, states: tuple[str, ...] = STATES) -> Counts:
    """Per state of `states` (the queue's, or HELD alone): how many items pass every filter of
    `wanted` but the state, the oldest arrival among them and the newest."""
    queue = _queue(_states(wanted, with_state=False) if states == STATES else states)
    kept = _filtered(queue, wanted) if wanted is not None else []
    found = session.execute(sa.select(queue.c.state, sa.func.count(), sa.func.min(queue.c.since),
                                      sa.func.max(queue.c.since)).where(*kept).group_by(queue.c.state)).all()
    counts: Counts = {state: (0, None, None) for state in states}
    for state, n, oldest, newest in found:
        counts[state] = (n, _aware(oldest), _aware(newest))
    return counts


def queue_choices(session: Session) -> tuple[list[str], list[str]]:
    """What the filters offer: the sources documents came from, the anomaly codes ever found."""
    sources = session.execute(sa.select(DOCUMENTS.c.source).where(DOCUMENTS.c.source.is_not(None)).distinct())
    codes = session.execute(sa.select(ANOMALIES.c.code).distinct())
    return sorted(s for (s,) in sources), sorted(str(c) for (c,) in codes)


def _filtered(queue: Any, wanted: QueueQuery) -> list[Any]:
    """The conditions of every filter but the state."""
    kept: list[Any] = []
    if wanted.source:
        kept.append(queue.c.source == wanted.source)
    if wanted.customer:
        kept.append(queue.c.customer_search.contains(folded(wanted.customer) or "", autoescape=True))
    if wanted.code:
        kept += [queue.c.state == "review",
                 queue.c.order_id.in_(sa.select(ANOMALIES.c.order_id).where(ANOMALIES.c.code == wanted.code))]
    if wanted.waiting_since is not None:
        kept.append(queue.c.since <= wanted.waiting_since)
    return kept


def _aware(moment: datetime | str | None) -> datetime | None:
    """An aggregate's time stamp (SQLite hands min/max back as text, without the zone)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- the queue as one query: every kind of item in the same columns ----------------------------


def _doc_name() -> Any:
    return sa.func.coalesce(DOCUMENTS.c.subject, DOCUMENTS.c.filename)


def _none(kind: Any) -> Any:
    return sa.cast(sa.null(), kind)


def _state(state: str) -> Any:
    """A state as a constant of the query (a bound parameter has no type PostgreSQL can infer in a UNION)."""
    assert state in (*STATES, HELD)
    return sa.literal_column(f"'{state}'", sa.String)


_COLUMNS = ("state", "document_id", "order_id", "outbox_id", "name", "customer", "reason", "since", "po_number",
            "source", "payload_json", "customer_search")


def _row(*columns: Any) -> list[Any]:
    return [column.label(name) for column, name in zip(columns, _COLUMNS, strict=True)]


def _queue(states: tuple[str, ...] = STATES) -> Any:
    """The queue items of `states` as rows (state, document_id, order_id, outbox_id, name,
    customer, reason, since, po_number, source, payload_json); orders superseded by a
    re-process are history. Only the states asked for are queried."""
    def documents_in(state: str) -> Any:
        return (sa.select(*_row(_state(state), DOCUMENTS.c.id, _none(sa.Integer), _none(sa.Integer), _doc_name(),
                                DOCUMENTS.c.customer_code, DOCUMENTS.c.reason, DOCUMENTS.c.received_at,
                                _none(sa.String), DOCUMENTS.c.source, _none(sa.Text), DOCUMENTS.c.customer_search))
                .where(DOCUMENTS.c.status == state))

    def orders_in(state: str) -> Any:
        return (sa.select(*_row(_state(state), ORDERS.c.document_id, ORDERS.c.id, _none(sa.Integer), _doc_name(),
                                sa.func.coalesce(ORDERS.c.customer_name, ORDERS.c.customer_code), ORDERS.c.failure,
                                DOCUMENTS.c.received_at, ORDERS.c.po_number, DOCUMENTS.c.source, _none(sa.Text),
                                ORDERS.c.customer_search))
                .join(DOCUMENTS, DOCUMENTS.c.id == ORDERS.c.document_id)
                .where(ORDERS.c.status == state, ORDERS.c.superseded_at.is_(None)))

    def outbox_in(state: str, status: str) -> Any:
        return (sa.select(*_row(_state(state), ORDERS.c.document_id, _none(sa.Integer), OUTBOX.c.id,
                                OUTBOX.c.kind + " " + OUTBOX.c.stable_key,
                                sa.func.coalesce(ORDERS.c.customer_name, ORDERS.c.customer_code),
                                OUTBOX.c.last_error, OUTBOX.c.created_at, ORDERS.c.po_number, _none(sa.String),
                                OUTBOX.c.payload_json, ORDERS.c.customer_search))
                .select_from(OUTBOX.outerjoin(ORDERS, ORDERS.c.id == OUTBOX.c.order_id))
                .where(OUTBOX.c.status == status))

    branches = {
        "failed": lambda: [documents_in(DocumentStatus.FAILED),
                           orders_in("failed").where(DOCUMENTS.c.status != DocumentStatus.FAILED)],
        "review": lambda: [orders_in("review")],
        "not_an_order": lambda: [documents_in("not_an_order")],
        "repeat": lambda: [documents_in("repeat")],
        "dead": lambda: [outbox_in("dead", OutboxStatus.DEAD)],
        HELD: lambda: [outbox_in(HELD, OutboxStatus.HELD)],
    }
    return sa.union_all(*[b for state in (*STATES, HELD) if state in states for b in branches[state]()]).subquery("queue")


def _states(wanted: QueueQuery | None, *, with_state: bool) -> tuple[str, ...]:
    """The states a filter can keep: only orders in review carry anomaly codes; rows held in
    shadow mode only when asked for by name."""
    states = STATES
    if wanted is not None and wanted.code:
        states = ("review",)
    elif wanted is not None and with_state and wanted.state == HELD:
        states = (HELD,)
    if wanted is not None and with_state and wanted.state:
        states = tuple(s for s in states if s == wanted.state)
    return states


def _items(session: Session, rows: list[Any]) -> list[QueueItem]:
    """Queue rows as items: orders in review get their anomalies' codes and sentences, dead
    rows the document their payload names, and every item a sentence."""
    anomalies = _anomalies(session, [r.order_id for r in rows if r.state == "review"])
    items = []
    for r in rows:
        found = anomalies.get(r.order_id, []) if r.state == "review" else []
        reason = " ".join(a["message"] for a in found) if r.state == "review" else r.reason
        items.append(QueueItem(r.state, r.document_id or _payload_document(r.payload_json), r.order_id, r.outbox_id,
                               r.name, r.customer, reason or _DEFAULT_REASON[r.state], _aware(r.since),
                               r.po_number, r.source, tuple(dict.fromkeys(a["code"] for a in found)), tuple(found)))
    return items


_DEFAULT_REASON = {"failed": "", "review": "An anomaly needs a person.", "not_an_order": "", "repeat": "",
                   "dead": "It could not be delivered.",
                   HELD: "Held in shadow mode: staff got a copy; it was never sent and never will be."}


def _payload_document(payload_json: str | None) -> int | None:
    doc = (json.loads(payload_json or "null") or {}).get("doc") or {}
    return doc.get("document_id")


def _anomalies(session: Session, order_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each order's anomalies ({code, line_no, message, detail}), in the order they were found."""
    found: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(order_ids), _CHUNK):  # a whole queue holds more ids than one query may
        query = (sa.select(ANOMALIES.c.order_id, ANOMALIES.c.message, ANOMALIES.c.code, ANOMALIES.c.line_no,
                           ANOMALIES.c.detail_json)
                 .where(ANOMALIES.c.order_id.in_(order_ids[start:start + _CHUNK])).order_by(ANOMALIES.c.id))
        for order_id, message, code, line_no, detail in session.execute(query):
            found.setdefault(order_id, []).append({"code": str(code), "line_no": line_no,
                                                   "message": message or str(code),
                                                   "detail": json.loads(detail) if detail else {}})
    return found


_CHUNK = 900


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
            "kind": row["kind"],
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
    anomalies = session.execute(sa.select(ANOMALIES.c.code, ANOMALIES.c.line_no, ANOMALIES.c.message,
                                          ANOMALIES.c.detail_json)
                                .where(ANOMALIES.c.order_id == order_id).order_by(ANOMALIES.c.id)).all()
    payload = json.loads(row["payload_json"])
    outbox = session.execute(sa.select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.stable_key, OUTBOX.c.status,
                                       OUTBOX.c.attempts, OUTBOX.c.last_error)
                             .where(OUTBOX.c.order_id == order_id).order_by(OUTBOX.c.id)).mappings().all()
    return {"order_id": row["id"], "document_id": row["document_id"], "status": row["status"],
            "erp_bill_no": row["erp_bill_no"],
            "superseded_at": row["superseded_at"].isoformat() if row["superseded_at"] else None,
            "order": contract_json(payload),
            "fields": payload.get("_fields") or {}, "pages": payload.get("_pages") or [],
            "provenance": [{"line_no": ln.line_no, "confidence": ln.confidence,
                            "where": json.loads(ln.provenance_json) if ln.provenance_json else None}
                           for ln in lines],
            "anomalies": [{"code": a.code, "line_no": a.line_no, "message": a.message,
                           "detail": json.loads(a.detail_json) if a.detail_json else {}} for a in anomalies],
            "outbox": [dict(o) for o in outbox]}
