"""Two `orderdesk run` nodes on one real PostgreSQL, sharing the inbox and outbound folders and
the IMAP mailbox; one is killed with SIGKILL half-way through 300 mixed documents.

Afterwards: every document was stored once and processed once (one order per purchase order),
every outbox row is delivered (mails under their stable Message-ID, at most the few the killed
node had in flight repeated identically; export and acknowledgement files exactly once), and
the surviving node took the mailbox over and read the mail that arrived after the kill.
"""
from __future__ import annotations

import shutil
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e import documents as d
from tests.e2e.ledger import exports_by_order, message_id, sink_ids, try_read, wait_settled
from tests.fixtures.daemon_proc import PROCESSED, DaemonProcess, ImapServer

pytestmark = pytest.mark.timeout(420)
SETTLE_S = 240.0
TAKEN_OVER = "this node watches the folder now"


def _node(name: str, shared: Path, pg_url: str, dovecot, smtp_sink) -> DaemonProcess:
    root = Path(tempfile.mkdtemp(prefix=f"od{name[-1]}"))
    folders = {key: str(shared / key) for key in
               ("mail_inbox", "fax_inbox", "edi_inbox", "archive", "export", "maildir", "edi_outbound")}
    return DaemonProcess(
        root=root, imap=ImapServer(dovecot.port, "orders", dovecot.users["orders"]),
        smtp_port=smtp_sink.port, database=pg_url,
        overrides={"node": name, "paths": folders,
                   # the killed node's claims go back to the queue soon (default 600 s)
                   "thresholds": {"claim_stale_seconds": 10.0}})


def _wait(predicate, timeout: float, what: str, describe=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{describe()}")


def _batch():
    """300 documents: X12 850s and EDIFACT ORDERS dropped in the shared EDI inbox, .eml files in
    the shared mail inbox, and mails in the IMAP INBOX (the last 35 arrive after the kill)."""
    edi = [(f"po-{n:03d}.edi", d.x12_850(f"ET-2N{n:03d}", control=3000 + n)) for n in range(100)]
    edi += [(f"or-{n:03d}.edi", d.edifact_review(f"BH-2N{n:03d}", control=f"BH2N{n:04d}")) for n in range(50)]
    eml = [(f"m-{n:03d}.eml", d.text_mail(f"HZ-2F{n:03d}")[0]) for n in range(75)]
    imap = [d.text_mail(f"HZ-2I{n:03d}") if n % 2 else d.csv_mail(f"HZ-2I{n:03d}") for n in range(75)]
    return edi, eml, imap


def test_two_nodes_share_the_work_and_survive_kill_9_of_one(postgres, dovecot, smtp_sink):
    pg_url = postgres.new_database()
    shared = Path(tempfile.mkdtemp(prefix="odsh"))
    a = _node("node-a", shared, pg_url, dovecot, smtp_sink)
    b = _node("node-b", shared, pg_url, dovecot, smtp_sink)
    edi, eml, imap = _batch()
    total = len(edi) + len(eml) + len(imap)
    try:
        a.start(wait=False)
        b.start(wait=False)           # both at once on an empty database: the migration takes turns
        a.wait_healthy()
        b.wait_healthy()
        _wait(lambda: TAKEN_OVER in a.log.read_text() or TAKEN_OVER in b.log.read_text(), 30,
              "a node to take the mailbox")
        holder, other = (a, b) if TAKEN_OVER in a.log.read_text() else (b, a)
        for data, _mid in imap[:40]:
            dovecot.append(data)
        for name, data in edi:
            a.drop("edi_inbox", name, data)
        for name, data in eml:
            a.drop("mail_inbox", name, data)
        engine = a.engine()
        try:
            _wait(lambda: _done(engine) >= total // 2, 180, "half the documents", holder.log_tail)
            holder.kill()
            for data, _mid in imap[40:]:
                dovecot.append(data)
            ledger = wait_settled(engine, total, SETTLE_S, describe=other.log_tail)
        finally:
            engine.dispose()

        assert len(ledger.documents) == total, "an input was stored twice or lost"
        assert Counter(doc.status for doc in ledger.documents) == {"processed": total}
        pos = ([f"ET-2N{n:03d}" for n in range(100)] + [f"BH-2N{n:03d}" for n in range(50)]
               + [f"HZ-2F{n:03d}" for n in range(75)] + [f"HZ-2I{n:03d}" for n in range(75)])
        found = Counter(o.po_number for o in ledger.orders)
        assert {po: found[po] for po in pos} == {po: 1 for po in pos}, "an order is missing or doubled"
        assert len(ledger.orders) == total
        assert ledger.outbox_status().keys() == {"delivered"}

        planned = {message_id(r.stable_key) for r in ledger.outbox if r.kind == "mail"}
        counts = sink_ids(smtp_sink)
        assert set(counts) == planned, "a mail was lost, or one nobody planned was sent"
        repeats = sum(c - 1 for c in counts.values())
        assert repeats <= 8, f"{repeats} repeated mails after one kill: {counts.most_common(3)}"
        accepted = [o for o in ledger.orders if o.status == "accepted"]
        assert exports_by_order(shared / "export") == {(o.id, f): 1 for o in accepted for f in ("xlsx", "json")}
        acks = [r for r in ledger.outbox if r.kind == "edi_ack"]
        ack_files = [p for p in (shared / "edi_outbound").rglob("*") if p.is_file() and not p.name.startswith(".")]
        assert len(ack_files) == len(acks) == 2 * 150   # 997 + 855 per X12, CONTRL + ORDRSP per EDIFACT

        assert dovecot.uids("INBOX") == []
        assert len(dovecot.uids(dovecot.server_name(PROCESSED))) == len(imap)
        assert TAKEN_OVER in other.log.read_text(), "the surviving node did not take the mailbox over"
        assert not [p for p in (shared / "edi_inbox").rglob("*") if p.is_file()]
        with urllib.request.urlopen(f"http://127.0.0.1:{other.http_port}/metrics", timeout=5) as r:
            assert f'node="{other.settings()["node"]}"' in r.read().decode()
        assert other.stop() == 0
        print(f"\ntwo nodes, {total} documents, kill -9 of {holder.settings()['node']} half-way: "
              f"{repeats} repeated mail(s)")
    finally:
        a.cleanup()
        b.cleanup()
        shutil.rmtree(shared, ignore_errors=True)


def _done(engine) -> int:
    ledger = try_read(engine)
    return 0 if ledger is None else sum(doc.status not in ("new", "claimed") for doc in ledger.documents)
