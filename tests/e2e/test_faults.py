"""Faults against a real `orderdesk run`: kill -9 mid-batch, IMAP server restarts, SMTP refusals, a full disk.

What "sent twice" means here: the outbox is at-least-once with recognisable repeats. A kill
between the SMTP server's 250 after DATA and the commit that marks the row delivered makes
the row go out again, with the same Message-ID. So the kill test asserts the strongest
property that holds: every planned mail arrives, under its own stable Message-ID, exactly
once except for at most one repeat per kill (the sender delivers one row at a time), and a
repeat is the same message (same id, recipients and body). Exports and EDI acks have stable
names written by rename, so "once" for them is exact: one file per order and format.
"""
from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e import documents as d
from tests.e2e.ledger import (export_files, exports_by_order, message_id, sink_ids,
                              try_read, wait_settled)
from tests.fixtures.daemon_proc import PROCESSED, STAFF

pytestmark = pytest.mark.timeout(240)
SEED = 20261128
KILLS = 10
BATCH = 30  # e-mails and as many EDI files, arriving over the first three runs
# A row left `sending` by a killed sender is handed back after this long (default 600 s).
FAST_RECLAIM = {"thresholds": {"claim_stale_seconds": 3.0}}


def _wait(predicate, timeout: float, what: str, describe=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{describe()}")


def _settle(daemon, count: int, timeout: float = 90.0):
    engine = daemon.engine()
    try:
        return wait_settled(engine, count, timeout, describe=daemon.log_tail)
    finally:
        engine.dispose()


def _ledger(daemon):
    engine = daemon.engine()
    try:
        return try_read(engine)
    finally:
        engine.dispose()


def _one_order_per_po(ledger, pos: list[str], status: str = "accepted") -> None:
    found = Counter(o.po_number for o in ledger.orders)
    assert {po: found[po] for po in pos} == {po: 1 for po in pos}, "an order is missing or doubled"
    assert all(o.status == status for o in ledger.orders if o.po_number in pos), \
        [o for o in ledger.orders if o.po_number in pos and o.status != status]


# --- kill -9 at random points ---------------------------------------------------------------


def test_kill_9_ten_times_mid_batch_loses_and_doubles_nothing(daemon_proc, dovecot, smtp_sink):
    rng = random.Random(SEED)
    daemon_proc.overrides = FAST_RECLAIM
    mails = [d.text_mail(f"HZ-K{n:02d}") if n % 2 else d.csv_mail(f"HZ-K{n:02d}") for n in range(BATCH)]
    edis = [(f"k{n:02d}.edi", d.x12_850(f"ET-K{n:02d}", control=700 + n, lines=4)) for n in range(BATCH)]
    waves = [(mails[i::3], edis[i::3]) for i in range(3)]
    daemon_proc.start()
    kills = 0
    for n in range(KILLS):
        if n < len(waves):  # new work keeps arriving between the crashes
            for data, _ in waves[n][0]:
                dovecot.append(data)
            for name, data in waves[n][1]:
                daemon_proc.drop("edi_inbox", name, data)
        time.sleep(rng.uniform(0.05, 1.5))
        daemon_proc.kill()
        kills += 1
        daemon_proc.start(wait=rng.random() < 0.7)  # sometimes the next kill lands during start-up
    daemon_proc.wait_healthy()
    ledger = _settle(daemon_proc, len(mails) + len(edis), timeout=120)

    assert len(ledger.documents) == len(mails) + len(edis), "an input was stored twice or lost"
    assert all(doc.status == "processed" for doc in ledger.documents)
    for data, mid in mails:
        assert len(ledger.document_by_message_id(mid)) == 1
    for _, data in edis:
        assert ledger.document_for(data) is not None
    _one_order_per_po(ledger, [f"HZ-K{n:02d}" for n in range(BATCH)] + [f"ET-K{n:02d}" for n in range(BATCH)])
    assert ledger.outbox_status().keys() == {"delivered"}

    planned = {message_id(r.stable_key) for r in ledger.outbox if r.kind == "mail"}
    counts = sink_ids(smtp_sink)
    assert set(counts) == planned, "a mail was lost, or one nobody planned was sent"
    repeats = sum(c - 1 for c in counts.values())
    assert repeats <= kills, f"{repeats} repeated mails for {kills} kills: {counts.most_common(3)}"
    _repeats_are_the_same_message(smtp_sink, counts)

    accepted = [o for o in ledger.orders if o.status == "accepted"]
    assert exports_by_order(daemon_proc.path("export")) == {
        (o.id, f): 1 for o in accepted for f in ("xlsx", "json")}
    acks = [r for r in ledger.outbox if r.kind == "edi_ack"]
    ack_files = [p for p in daemon_proc.path("edi_outbound").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(ack_files) == len(acks) == 2 * len(edis)  # a 997 and an 855 per interchange

    assert dovecot.uids("INBOX") == []
    assert len(dovecot.uids(dovecot.server_name(PROCESSED))) == len(mails)
    log = daemon_proc.log.read_text(errors="replace")
    print(f"\nkill -9 x{kills}: {repeats} repeated mail(s) (same Message-ID); after restarts: "
          f"{log.count('claimed by the previous run')} claim releases, "
          f"{log.count('left sending by a dead sender')} outbox releases, "
          f"{log.count('already in the ledger') + log.count('already known')} inputs seen again; "
          f"{len(list(daemon_proc.path('export').glob('.tmp-*')))} hidden temp export file(s) left")


def _repeats_are_the_same_message(sink, counts: Counter) -> None:
    for mid, count in counts.items():
        if count < 2:
            continue
        copies = [r for r in sink.received if str(r.message["Message-ID"]) == mid]
        assert len({tuple(r.rcpt_tos) for r in copies}) == 1
        assert len({r.message.get_body(("plain",)).get_content() for r in copies}) == 1


# --- the IMAP server goes away --------------------------------------------------------------


def test_imap_server_stopped_and_restarted_mid_run_loses_nothing(daemon_proc, dovecot, smtp_sink):
    before = [d.text_mail(f"HZ-I{n}") for n in range(3)]
    during = [d.text_mail(f"HZ-I{n}") for n in range(3, 6)]
    for data, _ in before:
        dovecot.append(data)
    daemon_proc.start()
    _wait(lambda: len(dovecot.uids(dovecot.server_name(PROCESSED))) == 3, 30, "the first mails",
          daemon_proc.log_tail)
    dovecot.stop()
    for data, _ in during:  # delivered locally while IMAP is down
        dovecot.deliver(data)
    daemon_proc.drop("edi_inbox", "down.edi", d.x12_850("ET-I1", control=801))
    time.sleep(3)
    assert daemon_proc.healthy(), "the daemon must ride out a dead IMAP server"
    dovecot.start()
    ledger = _settle(daemon_proc, 7, timeout=90)

    _one_order_per_po(ledger, [f"HZ-I{n}" for n in range(6)] + ["ET-I1"])
    counts = sink_ids(smtp_sink)
    confirmations = {message_id(r.stable_key) for r in ledger.outbox if r.stable_key.startswith("confirm:")}
    assert len(confirmations) == 7
    assert {mid: counts[mid] for mid in confirmations} == {mid: 1 for mid in confirmations}
    assert dovecot.uids("INBOX") == []
    assert len(dovecot.uids(dovecot.server_name(PROCESSED))) == 6


# --- the SMTP server refuses ----------------------------------------------------------------


def test_smtp_4xx_is_delivered_later_once_and_5xx_is_a_dead_letter_with_a_staff_alert(
        daemon_proc, dovecot, smtp_sink):
    smtp_sink.refuse(451)  # until told otherwise
    first = [d.text_mail(f"HZ-S{n}") for n in range(2)]
    for data, _ in first:
        dovecot.append(data)
    daemon_proc.start()
    _wait(lambda: _retried(daemon_proc, "451", 2), 40, "two refused attempts per mail", daemon_proc.log_tail)
    assert smtp_sink.received == []
    smtp_sink.accept()
    ledger = _settle(daemon_proc, 2)
    mids = {message_id(r.stable_key) for r in ledger.outbox if r.kind == "mail"}
    assert len(mids) == 2 and sink_ids(smtp_sink) == Counter({mid: 1 for mid in mids})

    smtp_sink.refuse(550, times=1)  # the next mail is rejected for good; the alert gets through
    data, _ = d.text_mail("HZ-S9")
    dovecot.append(data)
    ledger = _settle(daemon_proc, 3)
    order = ledger.orders_of("HZ-S9")
    assert [o.status for o in order] == ["accepted"], "the order stays in the ledger"
    dead = [r for r in ledger.outbox if r.status == "dead"]
    assert [r.stable_key for r in dead] == [f"confirm:{order[0].document_id}:0"]
    assert "550" in dead[0].last_error
    alert_keys = [r.stable_key for r in ledger.outbox if r.stable_key.startswith(f"dead:{dead[0].id}@")]
    assert len(alert_keys) == 1, "one staff alert for the one death"
    alert = [r for r in smtp_sink.received if str(r.message["Message-ID"]) == message_id(alert_keys[0])]
    assert len(alert) == 1 and alert[0].rcpt_tos == list(STAFF)
    assert exports_by_order(daemon_proc.path("export"))[(order[0].id, "json")] == 1


def _retried(daemon, code: str, attempts: int) -> bool:
    ledger = _ledger(daemon)
    mails = [] if ledger is None else [r for r in ledger.outbox if r.kind == "mail"]
    return len(mails) == 2 and all(r.attempts >= attempts and code in (r.last_error or "") for r in mails)


# --- the export disk is full ----------------------------------------------------------------


@pytest.fixture
def small_export_disk(daemon_proc):
    """A 256 KiB tmpfs mounted as the export folder; skipped where mounting is not allowed."""
    folder = daemon_proc.path("export")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True, timeout=10)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        daemon_proc.kill()
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)


def _fill(folder: Path) -> Path:
    """Fill the disk completely with one file; returns it."""
    filler = folder / ".filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_export_disk_full_then_freed_delivers_every_export_once(daemon_proc, dovecot, smtp_sink,
                                                                small_export_disk):
    filler = _fill(small_export_disk)
    mails = [d.text_mail(f"HZ-D{n}") for n in range(3)]
    for data, _ in mails:
        dovecot.append(data)
    daemon_proc.start()
    _wait(lambda: _exports_failing(daemon_proc, 3), 40, "the exports to fail on the full disk",
          daemon_proc.log_tail)
    assert export_files(small_export_disk) == []
    assert len(smtp_sink.received) == 3, "mail does not wait for the export disk"
    filler.unlink()  # space again
    ledger = _settle(daemon_proc, 3)
    _one_order_per_po(ledger, [f"HZ-D{n}" for n in range(3)])
    assert exports_by_order(small_export_disk) == {(o.id, f): 1 for o in ledger.orders for f in ("xlsx", "json")}
    assert [p.name for p in small_export_disk.iterdir() if p.name.startswith(".tmp-")] == []
    assert Counter(sink_ids(smtp_sink).values()) == Counter({1: 3})


def _exports_failing(daemon, count: int) -> bool:
    ledger = _ledger(daemon)
    rows = [] if ledger is None else [r for r in ledger.outbox if r.kind == "erp_export"]
    return len(rows) == count and all(r.attempts >= 2 and "space" in (r.last_error or "").lower() for r in rows)
