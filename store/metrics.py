"""The numbers /metrics shows, read from the database at scrape time (see `daemon.health`)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from store.models import AnomalyRow, Document, Order, OutboxItem, WatchState
from store.queue import queue_summary

DOCUMENTS = Document.__table__
ORDERS = Order.__table__
ANOMALIES = AnomalyRow.__table__
OUTBOX = OutboxItem.__table__
WATCH = WatchState.__table__


def documents_by_source_and_status(conn: Connection) -> list[Any]:
    return conn.execute(sa.select(DOCUMENTS.c.source, DOCUMENTS.c.status, sa.func.count())
                        .group_by(DOCUMENTS.c.source, DOCUMENTS.c.status)).all()


def orders_by_status(conn: Connection) -> list[Any]:
    """Current orders (not superseded by a re-process) per status."""
    return conn.execute(sa.select(ORDERS.c.status, sa.func.count()).where(ORDERS.c.superseded_at.is_(None))
                        .group_by(ORDERS.c.status)).all()


def anomalies_by_code(conn: Connection) -> list[Any]:
    return conn.execute(sa.select(ANOMALIES.c.code, sa.func.count()).group_by(ANOMALIES.c.code)).all()


def outbox_by_kind_and_status(conn: Connection) -> list[Any]:
    return conn.execute(sa.select(OUTBOX.c.kind, OUTBOX.c.status, sa.func.count())
                        .group_by(OUTBOX.c.kind, OUTBOX.c.status)).all()


def oldest_undelivered(conn: Connection) -> datetime | None:
    """When the oldest outbox row still pending or sending was created."""
    return conn.execute(sa.select(sa.func.min(OUTBOX.c.created_at))
                        .where(OUTBOX.c.status.in_(("pending", "sending")))).scalar()


def watch_contacts(conn: Connection) -> list[Any]:
    """(source key, last contact) of every watched source."""
    return conn.execute(sa.select(WATCH.c.source_key, WATCH.c.last_contact_at)).all()


def orders_stored_after(conn: Connection, last_order_id: int) -> list[Any]:
    """(order id, document id, stored at, received at) of orders saved after `last_order_id`."""
    return conn.execute(sa.select(ORDERS.c.id, ORDERS.c.document_id, ORDERS.c.created_at,
                                  DOCUMENTS.c.received_at)
                        .join(DOCUMENTS, DOCUMENTS.c.id == ORDERS.c.document_id)
                        .where(ORDERS.c.id > last_order_id).order_by(ORDERS.c.id)).all()


def max_order_id(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.max(ORDERS.c.id))).scalar() or 0


def queue_sizes(conn: Connection) -> dict[str, tuple[int, datetime | None]]:
    """Per queue state (failed, review, not_an_order, repeat, dead): size and oldest arrival."""
    with Session(bind=conn) as session:
        return queue_summary(session)


def orders_since(conn: Connection, since: datetime) -> list[Any]:
    """(source, status, stored at) of the current orders stored since `since`, for the dashboard."""
    return conn.execute(sa.select(DOCUMENTS.c.source, ORDERS.c.status, ORDERS.c.created_at)
                        .join(DOCUMENTS, DOCUMENTS.c.id == ORDERS.c.document_id)
                        .where(ORDERS.c.superseded_at.is_(None), ORDERS.c.created_at >= since)).all()


def confirmation_delays(conn: Connection, since: datetime) -> list[float]:
    """Seconds from a document's arrival to its confirmation's delivery, for confirmations
    delivered since `since`."""
    rows = conn.execute(sa.select(OUTBOX.c.delivered_at, DOCUMENTS.c.received_at)
                        .join(ORDERS, ORDERS.c.id == OUTBOX.c.order_id)
                        .join(DOCUMENTS, DOCUMENTS.c.id == ORDERS.c.document_id)
                        .where(OUTBOX.c.stable_key.like("confirm:%"), OUTBOX.c.delivered_at >= since)).all()
    return [max(0.0, (delivered - received).total_seconds()) for delivered, received in rows]
