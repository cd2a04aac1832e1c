"""Repository functions of the outbox: claim due rows, record what happened, count control numbers.

While a row is `sending`, its `next_attempt_at` holds the claim time and `claimed_by` the
claiming sender: a row still `sending` long after its claim belongs to a sender that died, and
`release_stale_sending` gives it back; at start a node gives back its own at once
(`release_claimed_by`). `attempts` counts claims, so a row that keeps crashing its sender still
ends up dead. Functions that change state commit, except `next_counter` and `update_payload`,
which join the caller's transaction.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.db import insert_new, update_and_commit
from store.models import Counter, Order, OutboxItem, OutboxStatus
from store.records import OutboxRow

OUTBOX = OutboxItem.__table__
COUNTERS = Counter.__table__
ORDERS = Order.__table__


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """An outbox row this sender now owns."""

    id: int
    kind: str
    stable_key: str
    payload: dict[str, Any]
    attempts: int
    order_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a claimed row: `delivered`, `pending` again (at `next_attempt_at`) or `dead`."""

    row_id: int
    status: str
    error: str | None = None
    next_attempt_at: datetime | None = None
    bill_no: str | None = None    # delivered into the ERP, which numbered the order so


def claim_due(session: Session, now: datetime, *, limit: int = 20,
              claimer: str | None = None) -> list[ClaimedRow]:
    """Move up to `limit` due `pending` rows to `sending` (claim time `now`, by `claimer`) and commit.

    PostgreSQL skips rows other nodes have locked; SQLite serialises writers anyway. The rows
    are picked in a MATERIALIZED CTE: as an `IN (subquery)` PostgreSQL may plan a nested-loop
    semi join that re-runs the LIMIT ... FOR UPDATE subquery per row and so claims every due row.
    """
    due = (
        sa.select(OUTBOX.c.id)
        .where(OUTBOX.c.status == OutboxStatus.PENDING, OUTBOX.c.next_attempt_at <= now)
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
    )
    claim = (
        sa.update(OUTBOX)
        .where(OUTBOX.c.id.in_(sa.select(due.c.id)), OUTBOX.c.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, next_attempt_at=now, attempts=OUTBOX.c.attempts + 1,
                claimed_by=claimer)
        .returning(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.stable_key, OUTBOX.c.payload_json,
                   OUTBOX.c.attempts, OUTBOX.c.order_id, OUTBOX.c.created_at)
    )
    try:
        rows = session.execute(claim).all()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    claimed = [ClaimedRow(r.id, r.kind, r.stable_key, json.loads(r.payload_json or "null") or {},
                          r.attempts, r.order_id, r.created_at) for r in rows]
    return sorted(claimed, key=lambda row: row.id)


def record_outcomes(session: Session, outcomes: list[Outcome], now: datetime, *,
                    new_rows: Iterable[OutboxRow] = ()) -> None:
    """Record several rows' outcomes and insert `new_rows` (alerts) in ONE transaction; commits."""
    try:
        for outcome in outcomes:
            session.execute(sa.update(OUTBOX).where(OUTBOX.c.id == outcome.row_id)
                            .values(**_outcome_values(outcome, now)))
            if outcome.bill_no:
                order_of_row = sa.select(OUTBOX.c.order_id).where(OUTBOX.c.id == outcome.row_id).scalar_subquery()
                session.execute(sa.update(ORDERS).where(ORDERS.c.id == order_of_row)
                                .values(erp_bill_no=outcome.bill_no))
        insert_new(session, OUTBOX, outbox_values(new_rows, now), ["stable_key"])
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _outcome_values(outcome: Outcome, now: datetime) -> dict[str, Any]:
    error = None if outcome.error is None else outcome.error[:2000]
    if outcome.status in (OutboxStatus.DELIVERED, OutboxStatus.HELD):
        return {"status": outcome.status, "delivered_at": now, "last_error": None, "claimed_by": None}
    if outcome.status == OutboxStatus.PENDING:
        return {"status": outcome.status, "next_attempt_at": outcome.next_attempt_at,
                "last_error": error, "claimed_by": None}
    if outcome.status == OutboxStatus.DEAD:
        return {"status": outcome.status, "last_error": error, "claimed_by": None}
    raise ValueError(f"not an outcome status: {outcome.status!r}")


def release_stale_sending(session: Session, *, claimed_before: datetime) -> int:
    """Rows left `sending` by a sender that died give back as due now; returns how many; commits."""
    return _release(session, OUTBOX.c.next_attempt_at < claimed_before)


def release_claimed_by(session: Session, claimer: str | None) -> int:
    """At start: give back the rows this node's previous (certainly dead) sender left `sending`,
    or every `sending` row when `claimer` is None (a single node); returns how many; commits."""
    return _release(session, sa.true() if claimer is None else OUTBOX.c.claimed_by == claimer)


def _release(session: Session, which: Any) -> int:
    stmt = (sa.update(OUTBOX).where(OUTBOX.c.status == OutboxStatus.SENDING, which)
            .values(status=OutboxStatus.PENDING, claimed_by=None))
    return update_and_commit(session, stmt)


def update_payload(session: Session, row_id: int, payload: dict[str, Any]) -> None:
    """Replace the row's payload (e.g. to keep the control numbers it was given); no commit."""
    text = json.dumps(payload, ensure_ascii=False, default=str)
    session.execute(sa.update(OUTBOX).where(OUTBOX.c.id == row_id).values(payload_json=text))


def add_rows(session: Session, rows: Iterable[OutboxRow], now: datetime) -> None:
    """Insert outbox rows due now; a known stable_key is skipped; commits."""
    try:
        insert_new(session, OUTBOX, outbox_values(rows, now), ["stable_key"])
        session.commit()
    except BaseException:
        session.rollback()
        raise


def outbox_values(rows: Iterable[OutboxRow], now: datetime,
                  order_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Insert values of outbox rows, due now; `order_index` is resolved against `order_ids`."""
    values = []
    for row in rows:
        order_id = row.order_id
        if row.order_index is not None and order_ids is not None:
            order_id = order_ids[row.order_index]
        values.append({
            "order_id": order_id, "kind": row.kind, "stable_key": row.stable_key,
            "payload_json": json.dumps(row.payload, ensure_ascii=False, default=str),
            "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now})
    return values


def resend(session: Session, row_ids: list[int], now: datetime) -> list[int]:
    """Give dead rows back to the sender as new (due now, attempts reset); returns the ids that
    were dead; commits. A row in any other state is left alone."""
    stmt = (sa.update(OUTBOX).where(OUTBOX.c.id.in_(row_ids), OUTBOX.c.status == OutboxStatus.DEAD)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_by=None)
            .returning(OUTBOX.c.id))
    try:
        done = sorted(int(i) for i in session.execute(stmt).scalars())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return done


def next_counter(session: Session, name: str) -> int:
    """The next value (1, 2, ...) of the persistent sequence `name`, atomically; no commit.

    The increment is one UPDATE ... RETURNING, so two senders never get the same number; the
    caller commits it together with whatever uses the number.
    """
    insert_new(session, COUNTERS, [{"name": name, "value": 0}], ["name"])
    stmt = (sa.update(COUNTERS).where(COUNTERS.c.name == name)
            .values(value=COUNTERS.c.value + 1).returning(COUNTERS.c.value))
    return int(session.execute(stmt).scalar_one())


def backlog(session: Session) -> dict[str, int]:
    """How many rows are in each status (for health and tests)."""
    query = sa.select(OUTBOX.c.status, sa.func.count()).group_by(OUTBOX.c.status)
    return {status: count for status, count in session.execute(query)}
