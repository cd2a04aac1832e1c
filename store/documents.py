"""The document ledger: arrival and dedupe, claims, final states and the re-processing history.

Functions that write commit their own transaction (and roll it back if anything fails): storing
a document must be complete before its source is acknowledged. Times are passed in, tz-aware UTC.

Dedupe: a watcher's source reference names one arrival (IMAP: account, folder, UIDVALIDITY and
UID; a watched folder: the file's path and modification time), so the same bytes under the same
reference are the same arrival, taken again because a crash came between storing it and
acknowledging it: nothing new is stored. `orderdesk process` names a path as typed, which names
no arrival. Otherwise the same bytes arriving again, or a mail with a Message-ID already stored
whose body is the same (a re-sent copy differs only in its transport headers), is stored as its
own row with `repeat_of` naming the first arrival and the sentence why; the document service
ends it in state `repeat` (answering an EDI partner's re-send again): never processed twice,
never silent.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.blobs import get_blob, put_blob, sha256_hex
from store.db import update_and_commit
from store.folding import folded
from store.models import CustomerRow, Document, DocumentHistory, DocumentStatus, Order

DOCUMENTS = Document.__table__
HISTORY = DocumentHistory.__table__
ORDERS = Order.__table__
CUSTOMERS = CustomerRow.__table__
REF_NAMES_NO_ARRIVAL = ("cli",)  # `orderdesk process`: the path as given, again and again


@dataclass(frozen=True, slots=True)
class Arrival:
    """A stored arrival, to be processed when `created`; `repeat_of` names the earlier document it
    repeats; `created` is False when this very arrival (same source reference, same bytes) was
    stored before."""

    document_id: int
    repeat_of: int | None
    created: bool = True

    @property
    def is_new(self) -> bool:
        """A new document, not a repeat."""
        return self.created and self.repeat_of is None


def add_document(
    session: Session, data: bytes, *, filename: str, source: str, source_ref: str | None = None,
    message_id: str | None = None, now: datetime, claimed_by: str | None = None,
    sender: str | None = None, subject: str | None = None, kind: str | None = None,
) -> Arrival:
    """Store a document's bytes and ledger row and commit; only then may the source be acknowledged.

    A repeat of an earlier document names it in `repeat_of`, with the sentence why. With
    `claimed_by`, the document is stored already claimed by that worker (`orderdesk process`).
    """
    digest = sha256_hex(data)
    same = _same_arrival(session, digest, source_ref) if source not in REF_NAMES_NO_ARRIVAL else None
    if same is not None:
        return Arrival(same, None, created=False)
    first = _first_with(session, digest, message_id, data)
    values: dict[str, Any] = {
        "sha256": digest, "size": len(data), "filename": filename, "source": source,
        "source_ref": source_ref, "message_id": message_id, "received_at": now, "attempts": 0,
        "status": DocumentStatus.NEW, "sender": sender, "subject": subject, "kind": kind}
    if first is not None:
        values.update(repeat_of=first.id, reason=_repeat_reason(first))
    if claimed_by is not None:
        values.update(status=DocumentStatus.CLAIMED, claimed_by=claimed_by, claimed_at=now, attempts=1)
    try:
        put_blob(session, data)
        result = session.execute(sa.insert(DOCUMENTS).values(**values))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Arrival(int(result.inserted_primary_key[0]), None if first is None else int(first.id))


def _same_arrival(session: Session, digest: str, source_ref: str | None) -> int | None:
    if source_ref is None:
        return None
    query = (sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.sha256 == digest, DOCUMENTS.c.source_ref == source_ref)
             .order_by(DOCUMENTS.c.id).limit(1))
    return session.execute(query).scalar_one_or_none()


def _first_with(session: Session, digest: str, message_id: str | None, data: bytes) -> Any:
    """The earliest non-repeat document with these bytes, or this Message-ID and the same body."""
    columns = (DOCUMENTS.c.id, DOCUMENTS.c.filename, DOCUMENTS.c.received_at, DOCUMENTS.c.sha256)
    originals = sa.select(*columns).where(DOCUMENTS.c.repeat_of.is_(None)).order_by(DOCUMENTS.c.id)
    same = session.execute(originals.where(DOCUMENTS.c.sha256 == digest).limit(1)).first()
    if same is not None or not message_id:
        return same
    body = body_hash(data)
    for row in session.execute(originals.where(DOCUMENTS.c.message_id == message_id)).all():
        if body_hash(get_blob(session, row.sha256)) == body:
            return row
    return None


def _repeat_reason(first: Any) -> str:
    when = first.received_at.strftime("%Y-%m-%d %H:%M UTC")
    return (f"The same content arrived before as document {first.id} ({first.filename}, {when}); "
            "it is not processed twice.")


def body_hash(message: bytes) -> str:
    """The sha256 of a message after its header block: what a re-sent copy keeps unchanged."""
    normalized = message.replace(b"\r\n", b"\n")
    _, sep, body = normalized.partition(b"\n\n")
    return hashlib.sha256(body if sep else normalized).hexdigest()


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
    """Give documents claimed before `claimed_before` (their worker died) back to `new`; commits."""
    return _release(session, DOCUMENTS.c.claimed_at < claimed_before)


def release_claims(session: Session, workers: list[str]) -> int:
    """Give the documents claimed by `workers` back to `new` (they stopped before finishing)."""
    return _release(session, DOCUMENTS.c.claimed_by.in_(workers))


def release_claims_like(session: Session, prefix: str) -> int:
    """Release every claim whose worker name starts with `prefix` (this host's last run)."""
    return _release(session, DOCUMENTS.c.claimed_by.startswith(prefix, autoescape=True))


def _release(session: Session, which: Any) -> int:
    stmt = (sa.update(DOCUMENTS).where(DOCUMENTS.c.status == DocumentStatus.CLAIMED, which)
            .values(status=DocumentStatus.NEW, claimed_by=None, claimed_at=None))
    return update_and_commit(session, stmt)


def set_document_state(session: Session, document_id: int, status: str, reason: str | None,
                       customer_code: str | None = None) -> None:
    """Set a document's state, its sentence why and the customer if known (no commit)."""
    stmt = sa.update(DOCUMENTS).where(DOCUMENTS.c.id == document_id).values(
        status=status, reason=reason, customer_code=customer_code,
        customer_search=_customer_search(session, customer_code))
    if session.execute(stmt).rowcount != 1:
        raise LookupError(f"no document {document_id}")


def _customer_search(session: Session, customer_code: str | None) -> str | None:
    """The customer's code and names, folded for the queue's filter (store.folding)."""
    if customer_code is None:
        return None
    names = session.execute(sa.select(CUSTOMERS.c.name, CUSTOMERS.c.short_name)
                            .where(CUSTOMERS.c.number == customer_code)).first()
    return folded(customer_code, *(names or ()))


def reopen_document(session: Session, document_id: int, *, claimed_by: str, now: datetime) -> Document:
    """Keep a document's outcome in its history and claim it again for `claimed_by`; commits.

    Its current orders are marked superseded (they stay, with their outbox rows, for the
    history) and stop counting as seen POs, so reading it again is not its own duplicate.
    """
    doc = get_document(session, document_id)
    if doc is None:
        raise LookupError(f"no document {document_id}")
    try:
        keep_outcome(session, doc, now)
        session.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == document_id).values(
            status=DocumentStatus.CLAIMED, claimed_by=claimed_by, claimed_at=now, reason=None,
            attempts=DOCUMENTS.c.attempts + 1))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return get_document(session, document_id)


def keep_outcome(session: Session, doc: Document, now: datetime) -> list[int]:
    """Move a document's current outcome into its history (no commit): its orders are marked
    superseded (they stay, with their outbox rows) and stop counting as seen POs. Returns their ids."""
    from store.orders import forget_seen

    current = sa.and_(ORDERS.c.document_id == doc.id, ORDERS.c.superseded_at.is_(None))
    ids, payloads = _current_orders(session, current)
    session.execute(sa.insert(HISTORY).values(
        document_id=doc.id, status=doc.status, reason=doc.reason, replaced_at=now,
        orders_json=json.dumps([{"order_id": i, **p} for i, p in zip(ids, payloads)], ensure_ascii=False)))
    forget_seen(session, ids)
    session.execute(sa.update(ORDERS).where(current).values(superseded_at=now))
    return ids


def _current_orders(session: Session, current: Any) -> tuple[list[int], list[dict[str, Any]]]:
    rows = session.execute(sa.select(ORDERS.c.id, ORDERS.c.payload_json).where(current)
                           .order_by(ORDERS.c.id)).all()
    return [int(r.id) for r in rows], [json.loads(r.payload_json) for r in rows]


def history(session: Session, document_id: int) -> list[dict[str, Any]]:
    """A document's earlier outcomes, oldest first: state, reason, orders, when replaced."""
    rows = session.execute(sa.select(HISTORY).where(HISTORY.c.document_id == document_id)
                           .order_by(HISTORY.c.id)).mappings()
    return [{"status": r["status"], "reason": r["reason"], "replaced_at": r["replaced_at"].isoformat(),
             "orders": json.loads(r["orders_json"])} for r in rows]
