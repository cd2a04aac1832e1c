"""What a clerk decides at the review desk, each written in one transaction with its audit entries.

A draft of corrections is kept between page loads (`save_draft`); an approved order replaces
the order that was read, with its outbox rows (`save_approval`); a rejected order keeps its row
with status `rejected` and gets the mail to the customer (`save_rejection`); a document can be
marked not an order (`save_not_an_order`); a document with no order to approve (a failure, a
non-order, a repeat) can be handled or rejected as a whole (`save_document_decision`). Each decision is guarded by the state it starts from,
so a second click, or a second clerk, finds it taken and changes nothing (`AlreadyDecided`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store import audit
from store.audit import AuditRecord
from store.db import insert_new
from store.documents import DOCUMENTS, HISTORY, get_document, keep_outcome, set_document_state
from store.models import DocumentStatus, Order, OrderDraft, OutboxItem, SeenPo
from store.orders import forget_seen, insert_order
from store.outbox import outbox_values
from store.records import OrderRecord, OutboxRow, PoKey

DRAFTS = OrderDraft.__table__
ORDERS = Order.__table__
OUTBOX = OutboxItem.__table__
SEEN = SeenPo.__table__
OPEN_STATUSES = ("review", "failed")   # an order a clerk may still approve or reject
REJECTED = "rejected"
APPROVED = "approved"   # accepted by a person: the CONTRACT payload says accepted, the row says who decided
HANDLED = "handled"     # a failed order of a document a clerk marked handled
# Documents a clerk may mark handled (or, when failed, reject) as a whole: the queue's states of a
# document that has no order to approve.
DECIDABLE_DOCUMENTS = (DocumentStatus.FAILED, DocumentStatus.NOT_AN_ORDER, DocumentStatus.REPEAT)


class AlreadyDecided(Exception):
    """The order or draft was approved, rejected or replaced meanwhile (a second click)."""


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """A kept draft: `order_id` is None for an order typed in for a document without one."""

    id: int
    document_id: int
    order_id: int | None
    data: dict[str, Any]
    updated_at: datetime
    updated_by: str


def draft_key(document_id: int, order_id: int | None) -> str:
    return f"{document_id}:{order_id if order_id is not None else 'new'}"


def get_draft(session: Session, document_id: int, order_id: int | None) -> StoredDraft | None:
    row = session.execute(sa.select(DRAFTS).where(DRAFTS.c.draft_key == draft_key(document_id, order_id))).first()
    return _draft(row) if row is not None else None


def drafts_for(session: Session, document_id: int) -> list[StoredDraft]:
    rows = session.execute(sa.select(DRAFTS).where(DRAFTS.c.document_id == document_id).order_by(DRAFTS.c.id))
    return [_draft(row) for row in rows]


def _draft(row: Any) -> StoredDraft:
    return StoredDraft(row.id, row.document_id, row.order_id, json.loads(row.draft_json), row.updated_at,
                       row.updated_by)


def save_draft(session: Session, document_id: int, order_id: int | None, data: dict[str, Any], *,
               by: str, now: datetime, entries: list[AuditRecord]) -> None:
    """Keep the draft (replacing the one before) and the audit entries of what changed; commits."""
    key = draft_key(document_id, order_id)
    text = json.dumps(data, ensure_ascii=False)
    try:
        done = session.execute(sa.update(DRAFTS).where(DRAFTS.c.draft_key == key).values(
            draft_json=text, updated_at=now, updated_by=by)).rowcount
        if not done:
            session.execute(sa.insert(DRAFTS).values(draft_key=key, document_id=document_id, order_id=order_id,
                                                     draft_json=text, updated_at=now, updated_by=by))
        audit.add(session, entries)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def drop_draft(session: Session, document_id: int, order_id: int | None, *, entry: AuditRecord) -> bool:
    """Throw a draft away (the order stays as it was read); commits. False when there was none."""
    try:
        done = _delete_draft(session, document_id, order_id)
        if done:
            audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return done


def _delete_draft(session: Session, document_id: int, order_id: int | None) -> bool:
    return bool(session.execute(sa.delete(DRAFTS).where(
        DRAFTS.c.draft_key == draft_key(document_id, order_id))).rowcount)


def newest_open_orders(session: Session, limit: int) -> list[tuple[int, int]]:
    """(document id, order id) of the newest `limit` orders a clerk may still approve or reject."""
    rows = session.execute(sa.select(ORDERS.c.document_id, ORDERS.c.id).where(
        ORDERS.c.superseded_at.is_(None), ORDERS.c.status.in_(OPEN_STATUSES))
        .order_by(ORDERS.c.id.desc()).limit(limit)).all()
    return [(row.document_id, row.id) for row in rows]


def ensure_open(session: Session, document_id: int, order_id: int | None) -> None:
    """`AlreadyDecided` unless the order can still be approved or rejected (or, for an order
    typed in, its draft is still there): checked first, so a second click says so plainly."""
    if order_id is None:
        if get_draft(session, document_id, None) is None:
            raise AlreadyDecided("this order was already approved")
        return
    found = session.execute(sa.select(ORDERS.c.id).where(
        ORDERS.c.id == order_id, ORDERS.c.document_id == document_id, ORDERS.c.superseded_at.is_(None),
        ORDERS.c.status.in_(OPEN_STATUSES))).first()
    if found is None:
        raise AlreadyDecided(f"order {order_id} was already approved, rejected or read again")


def save_approval(session: Session, *, document_id: int, old_order_id: int | None, record: OrderRecord,
                  seen: PoKey | None, rows: list[OutboxRow], entry: AuditRecord, now: datetime) -> int:
    """Write an approved order in the caller's transaction and commit; returns its id.

    The new order's row status is `approved` (its CONTRACT payload says accepted), so the
    dashboard's touchless rate does not count it. The order that was read (`old_order_id`) is
    superseded, or, for an order typed in, its draft is consumed: whichever it is must still be there, else `AlreadyDecided` and nothing is
    written. The outbox rows' keys are made the new order's own (`approved:<id>:…`), so they
    are delivered once, whatever was planned for the document before.
    """
    try:
        if old_order_id is not None:
            _supersede_open(session, old_order_id, now)
            forget_seen(session, [old_order_id])
        if not _delete_draft(session, document_id, old_order_id) and old_order_id is None:
            raise AlreadyDecided("this order was already approved")
        order_id = insert_order(session, document_id, record, now)
        session.execute(sa.update(ORDERS).where(ORDERS.c.id == order_id).values(status=APPROVED))
        if seen is not None:
            insert_new(session, SEEN, [{"customer_key": seen[0], "po_number": seen[1], "order_id": order_id}],
                       ["customer_key", "po_number"])
        own = [replace(row, stable_key=f"approved:{order_id}:{row.stable_key}") for row in rows]
        insert_new(session, OUTBOX, outbox_values(own, now, [order_id]), ["stable_key"])
        set_document_state(session, document_id, DocumentStatus.PROCESSED, None)
        audit.add(session, [replace(entry, order_id=order_id)])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return order_id


def _supersede_open(session: Session, order_id: int, now: datetime) -> None:
    done = session.execute(sa.update(ORDERS).where(
        ORDERS.c.id == order_id, ORDERS.c.superseded_at.is_(None), ORDERS.c.status.in_(OPEN_STATUSES))
        .values(superseded_at=now)).rowcount
    if done != 1:
        raise AlreadyDecided(f"order {order_id} was already approved, rejected or read again")


def save_rejection(session: Session, *, order_id: int, rows: list[OutboxRow], entry: AuditRecord,
                   now: datetime) -> None:
    """Mark an open order rejected, with the mail that tells the customer why, and commit."""
    try:
        done = session.execute(sa.update(ORDERS).where(
            ORDERS.c.id == order_id, ORDERS.c.superseded_at.is_(None), ORDERS.c.status.in_(OPEN_STATUSES))
            .values(status=REJECTED)).rowcount
        if done != 1:
            raise AlreadyDecided(f"order {order_id} was already approved, rejected or read again")
        forget_seen(session, [order_id])
        document_id = session.execute(sa.select(ORDERS.c.document_id).where(ORDERS.c.id == order_id)).scalar_one()
        _delete_draft(session, document_id, order_id)
        rows = [replace(r, order_id=order_id, stable_key=decision_key(session, r.stable_key)) for r in rows]
        insert_new(session, OUTBOX, outbox_values(rows, now), ["stable_key"])
        audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise


def same_decision_rows(key: str) -> sa.ColumnElement[bool]:
    """The outbox rows planned under `key` by every decision on the same thing: `key` itself,
    and `key:2`, `key:3` ... (see `decision_key`)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(OUTBOX.c.stable_key == key, OUTBOX.c.stable_key.like(escaped + ":%", escape="\\"))


def decision_key(session: Session, key: str) -> str:
    """The stable key of a row this decision plans: `key` the first time, `key:<n>` for the
    n-th decision when earlier ones left their rows (an order reopened and rejected again while
    its first rejection mail stays held in shadow mode: each decision plans its own row, once)."""
    earlier = session.execute(sa.select(sa.func.count()).select_from(OUTBOX)
                              .where(same_decision_rows(key))).scalar_one()
    return f"{key}:{earlier + 1}" if earlier else key


def save_not_an_order(session: Session, document_id: int, *, reason: str, entry: AuditRecord,
                      now: datetime) -> None:
    """A document a clerk says holds no order: its orders go to the history, it ends
    `not_an_order` with the sentence why; commits."""
    doc = get_document(session, document_id)
    if doc is None:
        raise LookupError(f"no document {document_id}")
    if doc.status not in (DocumentStatus.PROCESSED, DocumentStatus.FAILED):   # not while a worker reads it
        raise AlreadyDecided(f"document {document_id} is {doc.status}")
    try:
        keep_outcome(session, doc, now)
        session.execute(sa.delete(DRAFTS).where(DRAFTS.c.document_id == document_id))
        set_document_state(session, document_id, DocumentStatus.NOT_AN_ORDER, reason, doc.customer_code)
        audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise


def save_document_decision(session: Session, document_id: int, *, status: str, reason: str,
                           rows: list[OutboxRow], entry: AuditRecord) -> None:
    """End a document a clerk decided as a whole: `handled` (nothing to do) or `rejected` (with
    the mail telling its sender why, if any), with the sentence why; its failed orders end the
    same way and its drafts go. Guarded by the document's state: a second click, or a second
    clerk, gets `AlreadyDecided` and nothing is written; commits."""
    assert status in (DocumentStatus.HANDLED, DocumentStatus.REJECTED)
    try:
        before = session.execute(sa.select(DOCUMENTS.c.status, DOCUMENTS.c.reason)
                                 .where(DOCUMENTS.c.id == document_id)).first()
        done = session.execute(sa.update(DOCUMENTS).where(
            DOCUMENTS.c.id == document_id, DOCUMENTS.c.status.in_(DECIDABLE_DOCUMENTS),
            DOCUMENTS.c.status == (before.status if before else None))
            .values(status=status, reason=reason)).rowcount
        if done != 1:
            raise AlreadyDecided(f"document {document_id} was already decided or is being read")
        # the state it had, kept in its history (with the decision's time) so it can be reopened
        session.execute(sa.insert(HISTORY).values(document_id=document_id, status=before.status, reason=before.reason,
                                                 orders_json="[]", replaced_at=entry.at))
        session.execute(sa.update(ORDERS).where(
            ORDERS.c.document_id == document_id, ORDERS.c.superseded_at.is_(None), ORDERS.c.status == "failed")
            .values(status=REJECTED if status == DocumentStatus.REJECTED else HANDLED))
        session.execute(sa.delete(DRAFTS).where(DRAFTS.c.document_id == document_id))
        insert_new(session, OUTBOX, outbox_values(rows, entry.at), ["stable_key"])
        audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise
