"""A document decided as a whole (handled, or rejected with nobody told), or an order rejected on
its own before its customer could have been told, put back in the queue.

`store.decisions.save_document_decision` keeps the state a document had before the decision in
its history, stamped with the decision's time; reopening gives it that state and reason again
(the decision, in turn, goes to the history), sets its orders that ended with the decision back
to failed, and writes the audit entry, in one transaction. A rejection whose mail was planned
is not undone: the sender has been (or is being) told, so the document stays rejected.

An order rejected on its own always has its rejection mail planned; it may be reopened while
that mail has not been tried (`pending`, no attempt: the reopening withdraws it, guarded against
the sender claiming it at the same moment) or was held in shadow mode (it never leaves). The
order is then open again with the status it was read with, and its PO counts as seen again.
Rejected again, it plans a mail of its own (`decisions.decision_key`): a held one stays as the
record of the first decision, and the second is held (or sent) for the second.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reconcile.checks import po_key
from store import audit
from store.audit import AUDIT, AuditRecord
from store.db import insert_new
from store.decisions import HANDLED, OPEN_STATUSES, REJECTED, AlreadyDecided, same_decision_rows
from store.documents import DOCUMENTS, HISTORY
from store.models import DocumentStatus, Order, OutboxItem, OutboxStatus, SeenPo

ORDERS = Order.__table__
OUTBOX = OutboxItem.__table__
SEEN = SeenPo.__table__
DECIDED = (DocumentStatus.HANDLED, DocumentStatus.REJECTED)
DECISION_ACTIONS = ("handled", "reject_document")
# A document decided before its earlier state was kept: what it most likely was (only a failed
# document can be rejected), said as such.
UNKNOWN_BEFORE = "Reopened at the desk; the state before the decision was not kept."


@dataclass(frozen=True, slots=True)
class Decision:
    """How a decided document was decided: by whom, when, and whether its sender was told."""

    state: str
    by: str | None
    told: bool

    def may_reopen(self, user: str, *, is_admin: bool) -> bool:
        """An admin, or the clerk who decided it; never once the sender was told."""
        return not self.told and (is_admin or user == self.by)


def decision_of(session: Session, document_id: int) -> Decision | None:
    """The decision on a handled or rejected document; None for a document in any other state."""
    state = session.execute(sa.select(DOCUMENTS.c.status).where(DOCUMENTS.c.id == document_id)).scalar()
    if state not in DECIDED:
        return None
    last = _last_decision(session, document_id)
    told = session.execute(sa.select(sa.func.count()).select_from(OUTBOX).where(
        OUTBOX.c.stable_key == f"rejected-document:{document_id}")).scalar_one() > 0
    return Decision(state, last.user_name if last else None, told and state == DocumentStatus.REJECTED)


def reopen(session: Session, document_id: int, *, entry: AuditRecord) -> str:
    """Put the decided document back in the state it had before (the queue's); returns that
    state. `AlreadyDecided` when it is not decided (any more) or its sender was told; commits."""
    decision = decision_of(session, document_id)
    if decision is None or decision.told:
        raise AlreadyDecided(f"document {document_id} is not a decision that can be undone")
    current = session.execute(sa.select(DOCUMENTS.c.status, DOCUMENTS.c.reason)
                              .where(DOCUMENTS.c.id == document_id)).one()
    state, reason = _before(session, document_id)
    try:
        done = session.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == document_id,
                                                          DOCUMENTS.c.status == current.status)
                               .values(status=state, reason=reason)).rowcount
        if done != 1:
            raise AlreadyDecided(f"document {document_id} changed meanwhile")
        session.execute(sa.insert(HISTORY).values(document_id=document_id, status=current.status,
                                                 reason=current.reason, orders_json="[]", replaced_at=entry.at))
        session.execute(sa.update(ORDERS).where(
            ORDERS.c.document_id == document_id, ORDERS.c.superseded_at.is_(None),
            ORDERS.c.status.in_((HANDLED, REJECTED))).values(status="failed"))
        audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return state


def _last_decision(session: Session, document_id: int):
    return session.execute(sa.select(AUDIT.c.user_name, AUDIT.c.at).where(
        AUDIT.c.document_id == document_id, AUDIT.c.action.in_(DECISION_ACTIONS))
        .order_by(AUDIT.c.id.desc()).limit(1)).first()


def _before(session: Session, document_id: int) -> tuple[str, str | None]:
    """The state and reason kept when the document was decided (its history entry of that time)."""
    last = _last_decision(session, document_id)
    if last is not None:
        kept = session.execute(sa.select(HISTORY.c.status, HISTORY.c.reason).where(
            HISTORY.c.document_id == document_id, HISTORY.c.replaced_at == last.at)
            .order_by(HISTORY.c.id.desc()).limit(1)).first()
        if kept is not None and kept.status not in DECIDED:
            return kept.status, kept.reason
    return DocumentStatus.FAILED, UNKNOWN_BEFORE


# --- an order rejected on its own ------------------------------------------------------------


def order_decision(session: Session, order_id: int) -> Decision | None:
    """The rejection of an order rejected on its own; None for an order in any other state."""
    row = session.execute(sa.select(ORDERS.c.status, ORDERS.c.superseded_at).where(ORDERS.c.id == order_id)).first()
    if row is None or row.status != REJECTED or row.superseded_at is not None:
        return None
    by = session.execute(sa.select(AUDIT.c.user_name).where(AUDIT.c.order_id == order_id, AUDIT.c.action == "reject")
                         .order_by(AUDIT.c.id.desc()).limit(1)).scalar()
    return Decision(REJECTED, by, _told(session, order_id))


def _rejection_key(order_id: int) -> str:
    return f"rejected:{order_id}"   # pipeline.approval.rejection_row's stable key


def _told(session: Session, order_id: int) -> bool:
    """Whether the customer has, or may have, a rejection mail: one of the order's rejections
    (each plans its own, `decisions.decision_key`) was tried or sent, not held."""
    mails = session.execute(sa.select(OUTBOX.c.status, OUTBOX.c.attempts).where(
        same_decision_rows(_rejection_key(order_id)))).all()
    return any(mail.status != OutboxStatus.HELD and not (mail.status == OutboxStatus.PENDING and mail.attempts == 0)
               for mail in mails)


def reopen_order(session: Session, order_id: int, *, entry: AuditRecord) -> str:
    """Open a rejected order again (its rejection mail withdrawn unless held); returns its status.
    `AlreadyDecided` when it is not rejected (any more) or its customer may have been told; commits."""
    decision = order_decision(session, order_id)
    if decision is None or decision.told:
        raise AlreadyDecided(f"order {order_id} is not a rejection that can be undone")
    row = session.execute(sa.select(ORDERS.c.payload_json, ORDERS.c.customer_code, ORDERS.c.po_number)
                          .where(ORDERS.c.id == order_id)).one()
    status = json.loads(row.payload_json).get("status")
    read = status != "failed"   # a failed part's PO, read from its header, was never seen
    status = status if status in OPEN_STATUSES else "review"
    try:
        done = session.execute(sa.update(ORDERS).where(
            ORDERS.c.id == order_id, ORDERS.c.status == REJECTED, ORDERS.c.superseded_at.is_(None))
            .values(status=status)).rowcount
        session.execute(sa.delete(OUTBOX).where(same_decision_rows(_rejection_key(order_id)),
                                                OUTBOX.c.status == OutboxStatus.PENDING, OUTBOX.c.attempts == 0))
        if done != 1 or _told(session, order_id):   # decided again, or the sender took the mail meanwhile
            raise AlreadyDecided(f"order {order_id} changed meanwhile")
        key = po_key(row.customer_code, row.po_number) if read else None
        if key is not None:
            insert_new(session, SEEN, [{"customer_key": key[0], "po_number": key[1], "order_id": order_id}],
                       ["customer_key", "po_number"])
        audit.add(session, [entry])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return status
