"""Parallel delivery (each row once, a stuck or failing row blocking none) and recovery at start
(rows a killed sender left `sending`, temp files a killed write left behind)."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.errors import TransientError
from connectors.maildir import MaildirTransport
from connectors.smtp import SmtpTransport
from connectors.settings import SmtpSettings
from outbox.plan import DocumentFacts, plan_outbox
from outbox.sender import OutboxSender, default_transports, recover_at_start, sender_name
from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile import reconcile
from store import documents
from store import outbox as outbox_repo
from store.db import session_scope
from store.models import OutboxItem
from store.orders import save_outcome
from store.records import DocumentOutcome, OrderRecord
from tests.outbox.settings import Settings, Thresholds

START = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
OUTBOX = OutboxItem.__table__


@pytest.fixture
def settings(tmp_path) -> Settings:
    base = Settings(staff_emails=("desk@ourco.example",))
    paths = dataclasses.replace(base.paths, export=tmp_path / "export", maildir=tmp_path / "maildir",
                                edi_outbound=tmp_path / "outbound")
    return dataclasses.replace(base, paths=paths, smtp=SmtpSettings(host="", sender="orders@ourco.example"),
                               thresholds=Thresholds(outbox_threads=4, outbox_max_attempts=3))


def with_sink(settings: Settings, sink) -> Settings:
    smtp = dataclasses.replace(settings.smtp, host=sink.host, port=sink.port, security="none",
                               timeout_seconds=5)
    return dataclasses.replace(settings, smtp=smtp)


def store_orders(engine, catalog, settings, count: int) -> None:
    """`count` documents of one accepted mail order each: a confirmation and an ERP export apiece."""
    for n in range(count):
        line = ParsedLine(1, description="瓦楞纸箱", quantity=Decimal("500"), unit="个",
                          unit_price=Decimal("1.10"), our_sku="1.01.0001")
        parsed = ParsedOrder(source=SourceRef(f"in/m{n}.eml", None, SourceKind.EMAIL), po_number=f"SF-{n}",
                             order_date=date(2026, 11, 19), delivery_date=date(2026, 12, 15),
                             buyer=Party(name="杭州示例食品有限公司", email=f"buyer{n}@example-food.example.cn"),
                             lines=(line,))
        records = (OrderRecord(reconciled=reconcile(parsed, catalog, today=date(2026, 11, 20))),)
        message_id = f"<po-{n}@example-food.example.cn>"
        with session_scope(engine) as session:
            doc_id = documents.add_document(session, f"mail-{n}".encode(), filename="x", source="imap",
                                            message_id=message_id, now=START).document_id
            facts = DocumentFacts(doc_id, "imap", message_id, f"buyer{n}@example-food.example.cn",
                                  f"PO SF-{n}", START, "x")
            rows = plan_outbox(records, facts, settings)
            save_outcome(session, DocumentOutcome(doc_id, "processed", orders=records, outbox=tuple(rows)),
                         now=START)


def rows(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.stable_key: dict(r._mapping) for r in conn.execute(sa.select(OUTBOX))}


def drain(sender: OutboxSender) -> int:
    total = 0
    while handled := sender.run_once():
        total += handled
    return total


class CountingSmtp(SmtpTransport):
    """The real SMTP transport, counting the connections it opens."""

    opened = 0

    def _connect(self):
        self.opened += 1
        return super()._connect()


# --- parallel delivery -----------------------------------------------------------------------


def test_parallel_delivery_sends_each_row_once_over_reused_connections(engine, catalog, settings, smtp_sink):
    settings = with_sink(settings, smtp_sink)
    store_orders(engine, catalog, settings, 12)
    smtp = CountingSmtp(settings.smtp)
    transports = dataclasses.replace(default_transports(settings), mail=smtp)
    sender = OutboxSender(engine, settings, transports=transports, batch=8)
    assert drain(sender) == 24
    got = smtp_sink.wait_for(12)
    ids = [str(r.message["Message-ID"]) for r in got]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sorted(r.rcpt_tos[0] for r in got) == sorted(f"buyer{n}@example-food.example.cn" for n in range(12))
    assert 1 <= smtp.opened <= 2 * settings.thresholds.outbox_threads  # reused within and across batches
    state = rows(engine)
    assert {r["status"] for r in state.values()} == {"delivered"}
    assert all(r["attempts"] == 1 and r["claimed_by"] is None for r in state.values())
    exports = sorted(p.name for p in settings.paths.export.iterdir())
    assert len(exports) == 24 and not any(n.startswith(".tmp-") for n in exports)
    sender.close()
    time.sleep(0.2)
    assert len(smtp_sink.received) == 12


class StuckMail:
    """Delivers into a maildir, except the mail to `bad`, which waits for `release` and then fails."""

    def __init__(self, maildir: Path, bad: str) -> None:
        self.inner = MaildirTransport(maildir)
        self.bad = bad
        self.release = threading.Event()

    def send(self, msg: EmailMessage, recipients: list[str]) -> None:
        if self.bad in recipients:
            self.release.wait(10)
            raise TransientError("451 mailbox busy")
        self.inner.send(msg, recipients)


def test_a_stuck_failing_row_does_not_hold_back_the_others(engine, catalog, settings):
    store_orders(engine, catalog, settings, 6)
    mail = StuckMail(settings.paths.maildir, "buyer0@example-food.example.cn")
    transports = dataclasses.replace(default_transports(settings), mail=mail)
    sender = OutboxSender(engine, settings, transports=transports, quick_retries=1)
    done = threading.Thread(target=sender.run_once)
    done.start()
    try:
        deadline = time.monotonic() + 10
        while True:  # the other five confirmations are delivered AND recorded while row 0 hangs
            state = rows(engine)
            others = [r for k, r in state.items() if k.startswith("confirm:") and r["status"] == "delivered"]
            if len(others) == 5 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert len(others) == 5
    finally:
        mail.release.set()
        done.join(10)
    sender.close()
    state = rows(engine)
    stuck = [r for k, r in state.items() if r["status"] != "delivered"]
    assert len(stuck) == 1 and stuck[0]["status"] == "pending" and "451" in stuck[0]["last_error"]
    assert len(list((settings.paths.maildir / "new").iterdir())) == 5
    assert len(list(settings.paths.export.iterdir())) == 12


def test_unsynced_files_are_not_recorded_delivered(engine, catalog, settings):
    """If the folder fsync fails, the export rows wait for a retry rather than count as delivered."""

    def broken_sync() -> None:
        raise TransientError("cannot sync the folder: I/O error")

    store_orders(engine, catalog, settings, 2)
    transports = dataclasses.replace(default_transports(settings), sync=broken_sync)
    OutboxSender(engine, settings, transports=transports).run_once()
    state = rows(engine)
    assert {r["status"] for k, r in state.items() if k.startswith("erp:")} == {"pending"}
    assert {r["status"] for k, r in state.items() if k.startswith("confirm:")} == {"delivered"}


def test_smtp_connection_is_reused_until_closed(smtp_sink):
    smtp = CountingSmtp(SmtpSettings(host=smtp_sink.host, port=smtp_sink.port, security="none",
                                     sender="orders@ourco.example", timeout_seconds=5))
    for n in range(3):
        msg = EmailMessage()
        msg["Message-ID"], msg["Subject"] = f"<r{n}@ourco.example>", "x"
        msg.set_content("x")
        smtp.send(msg, ["a@example.com"])
    assert smtp.opened == 1
    smtp.close()
    smtp.send(msg, ["a@example.com"])
    assert smtp.opened == 2 and len(smtp_sink.wait_for(4)) == 4
    smtp.close()


# --- recovery at start -----------------------------------------------------------------------


def test_rows_left_sending_are_released_at_start_not_after_ten_minutes(engine, catalog, settings):
    store_orders(engine, catalog, settings, 2)
    with session_scope(engine) as session:  # a sender claims them ... and is killed
        assert len(outbox_repo.claim_due(session, START, claimer=sender_name())) == 4
    sender = OutboxSender(engine, settings, clock=lambda: START)
    assert sender.run_once() == 0           # still `sending`: before, only claim_stale_seconds helped
    assert recover_at_start(engine, settings) == (4, 0)
    assert sender.run_once() == 4           # at once, same clock
    assert {r["status"] for r in rows(engine).values()} == {"delivered"}
    assert recover_at_start(engine, settings) == (0, 0)


def test_release_by_claimer_leaves_other_nodes_rows(engine, catalog, settings):
    """On a shared database a node gives back only what it claimed itself."""
    store_orders(engine, catalog, settings, 2)
    with session_scope(engine) as session:
        mine = outbox_repo.claim_due(session, START, limit=3, claimer="this-host/outbox")
        theirs = outbox_repo.claim_due(session, START, limit=3, claimer="other-host/outbox")
        assert (len(mine), len(theirs)) == (3, 1)
        assert outbox_repo.release_claimed_by(session, "this-host/outbox") == 3
    state = {r["id"]: r for r in rows(engine).values()}
    assert {state[r.id]["status"] for r in mine} == {"pending"}
    assert state[theirs[0].id]["status"] == "sending"
    assert state[theirs[0].id]["claimed_by"] == "other-host/outbox"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_are_removed_at_start(engine, settings):
    export, partner = settings.paths.export, settings.paths.edi_outbound / "EXAMPLETRADING"
    maildir_tmp = settings.paths.maildir / "tmp"
    for folder in (export, partner, maildir_tmp):
        folder.mkdir(parents=True)
    alive = os.getppid()
    stale = [export / f".tmp-SAL_1_PO-1.xlsx.{dead_pid()}",           # its writer is gone
             export / f".tmp-SAL_2_PO-2.json.{os.getpid()}",          # ours: nothing in flight at start
             partner / f".tmp-poack_1_0.855.x12.{alive}",             # a live pid, but 2 minutes old
             maildir_tmp / f"{'a' * 32}.orderdesk.{dead_pid()}"]
    kept = [export / f".tmp-SAL_3_PO-3.xlsx.{alive}",                 # a live writer, fresh
            export / "SAL_4_PO-4.xlsx", partner / ".tmp-notes.txt",  # not our temp naming
            maildir_tmp / "1700000000.M1P2.host"]                     # someone else's maildir temp
    for path in stale + kept:
        path.write_bytes(b"x")
    old = time.time() - 120
    os.utime(partner / f".tmp-poack_1_0.855.x12.{alive}", (old, old))
    assert recover_at_start(engine, settings) == (0, len(stale))
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in kept)
