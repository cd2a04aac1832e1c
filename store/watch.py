"""Watcher positions and last contact, in the `watch_state` table.

One row per watched source (`imap:<account>:<folder>`, `folder:<path>`): where the watcher got
to (an IMAP folder's UIDVALIDITY and last acknowledged UID), when the source last answered,
and a small JSON detail (such as an open silence alert) that /metrics reads at scrape time.
Each writer commits its own transaction, like the other repo functions.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import WatchState

WATCH = WatchState.__table__


def get_state(session: Session, key: str) -> WatchState | None:
    """The row for `key`, freshly read, or None when the source was never watched."""
    return session.get(WatchState, key, populate_existing=True)


def save_state(
    session: Session, key: str, *, uidvalidity: int | None, last_uid: int,
    last_contact_at: datetime | None,
) -> None:
    """Record how far the watcher of `key` got (and when its source answered) and commit."""
    values: dict[str, Any] = {"uidvalidity": uidvalidity, "last_uid": last_uid}
    if last_contact_at is not None:
        values["last_contact_at"] = last_contact_at
    _upsert(session, key, values)


def touch(session: Session, key: str, now: datetime) -> None:
    """Record that the source of `key` answered at `now` and commit."""
    _upsert(session, key, {"last_contact_at": now})


def save_detail(session: Session, key: str, detail: dict[str, Any] | None) -> None:
    """Replace the JSON detail of `key` (None clears it) and commit."""
    _upsert(session, key, {"detail_json": None if detail is None else json.dumps(detail, sort_keys=True)})


def get_detail(session: Session, key: str) -> dict[str, Any]:
    """The JSON detail of `key`, or an empty dict."""
    state = get_state(session, key)
    return json.loads(state.detail_json) if state is not None and state.detail_json else {}


def _upsert(session: Session, key: str, values: dict[str, Any]) -> None:
    try:
        _write(session, key, values)
        session.commit()
    except IntegrityError:
        # Someone inserted the row between our update and our insert: update it now.
        session.rollback()
        session.execute(sa.update(WATCH).where(WATCH.c.source_key == key).values(**values))
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _write(session: Session, key: str, values: dict[str, Any]) -> None:
    updated = session.execute(sa.update(WATCH).where(WATCH.c.source_key == key).values(**values))
    if updated.rowcount == 0:
        session.execute(sa.insert(WATCH).values(source_key=key, **{"last_uid": 0, **values}))
