"""The audit trail: who did what to which document, order or outbox row, and when.

Rows are only ever added: nothing in orderdesk updates or deletes them, and no page or
command offers to. `detail` says what changed, from which value to which, in one sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.models import AuditEntry

AUDIT = AuditEntry.__table__


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    user: str
    action: str
    detail: str
    document_id: int | None = None
    order_id: int | None = None
    outbox_id: int | None = None


def record(session: Session, entry: AuditRecord) -> None:
    """Add one entry and commit."""
    add(session, [entry])
    session.commit()


def add(session: Session, entries: list[AuditRecord]) -> None:
    """Add entries inside the caller's transaction (they stand or fall with what they describe)."""
    if entries:
        session.execute(sa.insert(AUDIT), [
            {"at": e.at, "user_name": e.user, "action": e.action, "detail": e.detail,
             "document_id": e.document_id, "order_id": e.order_id, "outbox_id": e.outbox_id}
            for e in entries])


def for_document(session: Session, document_id: int) -> list[AuditRecord]:
    """A document's entries, oldest first (its orders' and outbox rows' included)."""
    rows = session.execute(sa.select(AUDIT).where(AUDIT.c.document_id == document_id).order_by(AUDIT.c.id))
    return [AuditRecord(r.at, r.user_name, r.action, r.detail, r.document_id, r.order_id, r.outbox_id)
            for r in rows]
