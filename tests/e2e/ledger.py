"""Reading a finished run back: the ledger (documents, orders, outbox), the sink and the export folder.

The end-to-end and fault tests wait here until the daemon has settled (every input stored and
processed, nothing left to deliver) and then compare what came out with what went in.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from store import documents as documents_store
from store import orders as orders_store
from store.models import OutboxItem

OUTBOX = OutboxItem.__table__
DOMAIN = "orderdesk.example.com"


@dataclass(frozen=True)
class Ledger:
    documents: list       # rows: id, sha256, source, message_id, status, reason, repeat_of
    orders: list          # rows: id, document_id, po_number, status, customer_email, failure
    outbox: list          # rows: id, order_id, kind, stable_key, status, attempts, last_error

    def document_for(self, data: bytes):
        digest = hashlib.sha256(data).hexdigest()
        return next((d for d in self.documents if d.sha256 == digest), None)

    def document_by_message_id(self, message_id: str):
        return [d for d in self.documents if d.message_id == message_id]

    def orders_of(self, po: str) -> list:
        return [o for o in self.orders if o.po_number == po]

    def outbox_status(self) -> Counter:
        return Counter(r.status for r in self.outbox)


def read_ledger(engine) -> Ledger:
    docs, orders = documents_store.DOCUMENTS, orders_store.ORDERS
    with engine.connect() as conn:
        return Ledger(
            documents=conn.execute(sa.select(docs.c.id, docs.c.sha256, docs.c.source, docs.c.message_id,
                                             docs.c.status, docs.c.reason, docs.c.repeat_of).order_by(docs.c.id)).all(),
            orders=conn.execute(sa.select(orders.c.id, orders.c.document_id, orders.c.po_number,
                                          orders.c.status, orders.c.customer_email, orders.c.failure)
                                .order_by(orders.c.id)).all(),
            outbox=conn.execute(sa.select(OUTBOX.c.id, OUTBOX.c.order_id, OUTBOX.c.kind, OUTBOX.c.stable_key,
                                          OUTBOX.c.status, OUTBOX.c.attempts, OUTBOX.c.last_error)
                                .order_by(OUTBOX.c.id)).all(),
        )


def try_read(engine) -> Ledger | None:
    try:
        return read_ledger(engine)
    except sa.exc.OperationalError:  # not migrated yet, or locked for a moment
        return None


def settled(ledger: Ledger | None, documents: int) -> bool:
    """`documents` inputs stored, none waiting or in hand, and no outbox row left to deliver."""
    if ledger is None or len(ledger.documents) < documents:
        return False
    if any(d.status in ("new", "claimed") for d in ledger.documents):
        return False
    return not any(r.status in ("pending", "sending") for r in ledger.outbox)


def wait_settled(engine, documents: int, timeout: float, *, describe=lambda: "") -> Ledger:
    deadline = time.monotonic() + timeout
    ledger = None
    while time.monotonic() < deadline:
        ledger = try_read(engine)
        if settled(ledger, documents):
            return ledger
        time.sleep(0.25)
    summary = "nothing readable" if ledger is None else (
        f"{len(ledger.documents)} documents {Counter(d.status for d in ledger.documents)}, "
        f"outbox {ledger.outbox_status()}")
    raise AssertionError(f"the daemon did not settle within {timeout} s: {summary}\n{describe()}")


def message_id(stable_key: str) -> str:
    """The Message-ID the outbox gives the mail of row `stable_key` (see outbox.mails)."""
    return f"<orderdesk.{re.sub(r'[^A-Za-z0-9.-]', '.', stable_key)}@{DOMAIN}>"


def sink_ids(sink) -> Counter:
    """How many times the sink received each Message-ID."""
    return Counter(str(r.message["Message-ID"]) for r in sink.received)


def export_files(folder: Path) -> list[Path]:
    """Files the ERP would import (temp files are hidden and not counted)."""
    return sorted(p for p in Path(folder).iterdir() if not p.name.startswith("."))


def exports_by_order(folder: Path) -> Counter:
    """(order id, format) -> number of files, from the stable names SAL_<order id>_<PO>.<fmt>."""
    found: Counter = Counter()
    for path in export_files(folder):
        match = re.match(r"SAL_(\d+)_.*\.(xlsx|json)$", path.name)
        assert match, f"unexpected file in the export folder: {path.name}"
        found[(int(match.group(1)), match.group(2))] += 1
    return found
