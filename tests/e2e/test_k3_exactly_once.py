"""A real `orderdesk run` saving accepted orders in the test K3 (tests/fixtures/k3server.py):
every accepted order appears in K3 exactly once through ten kill -9 at random points (some of
them while K3 is still answering a Save), K3's sessions expiring mid-run, and its bill number
is kept on the order."""
from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e import documents as d
from tests.e2e.ledger import wait_settled
from tests.fixtures.daemon_proc import DaemonProcess

pytestmark = pytest.mark.timeout(300)
SEED = 20261206
KILLS = 10
ORDERS = 24   # EDI 850s from Example Trading, arriving over the first three runs


def _wait(predicate, timeout: float, describe) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out\n{describe()}")
        time.sleep(0.2)


@pytest.fixture
def k3_daemon(k3server):
    root = Path(tempfile.mkdtemp(prefix="odk"))  # short: the bus's ipc:// socket paths are limited
    daemon = DaemonProcess(root=root, overrides={
        "k3cloud": k3server.settings(timeout_seconds=5.0),
        "thresholds": {"claim_stale_seconds": 3.0}})
    try:
        yield daemon
    finally:
        daemon.cleanup()


def test_every_accepted_order_is_in_k3_once_through_ten_kill_9s(k3_daemon, k3server):
    rng = random.Random(SEED)
    edis = [(f"k3-{n:02d}.edi", d.x12_850(f"K3-{n:02d}", control=900 + n, lines=3)) for n in range(ORDERS)]
    waves = [edis[i::3] for i in range(3)]
    k3server.fail("slow", times=1000, operation="Save", seconds=0.5)  # a Save takes a while
    k3_daemon.start()
    for n in range(KILLS):
        if n < len(waves):
            for name, data in waves[n]:
                k3_daemon.drop("edi_inbox", name, data)
        if rng.random() < 0.5:   # while K3 is storing an order whose answer will never be read
            _wait(lambda: k3server.in_flight["Save"] > 0 or k3server.calls["Save"] >= ORDERS, 20,
                  k3_daemon.log_tail)
            time.sleep(rng.uniform(0.0, 0.45))
        else:
            time.sleep(rng.uniform(0.1, 2.0))
        k3_daemon.kill()
        k3_daemon.start(wait=rng.random() < 0.7)
    k3_daemon.wait_healthy()
    k3_daemon.drop("edi_inbox", "k3-late1.edi", d.x12_850("K3-LATE1", control=990, lines=2))
    _wait(lambda: "K3-LATE1" in {o["FNote"] for o in k3server.orders()}, 60, k3_daemon.log_tail)
    k3server.expire_sessions()                      # mid-run: the running daemon signs in again
    k3_daemon.drop("edi_inbox", "k3-late2.edi", d.x12_850("K3-LATE2", control=991, lines=2))
    engine = k3_daemon.engine()
    try:
        ledger = wait_settled(engine, ORDERS + 2, 150, describe=k3_daemon.log_tail)
        with engine.connect() as conn:
            bills = dict(conn.execute(sa.text("SELECT po_number, erp_bill_no FROM orders WHERE status = 'accepted'")).all())
    finally:
        engine.dispose()

    pos = [f"K3-{n:02d}" for n in range(ORDERS)] + ["K3-LATE1", "K3-LATE2"]
    assert sorted(bills) == sorted(pos), "an order was not accepted"
    in_k3 = Counter(o["FNote"] for o in k3server.orders())
    assert in_k3 == Counter(pos), f"not exactly once in K3: {[(po, c) for po, c in in_k3.items() if c != 1]}"
    assert bills == {o["FNote"]: o["FBillNo"] for o in k3server.orders()}
    erp = [r for r in ledger.outbox if r.kind == "erp_export"]
    assert len(erp) == len(pos) and {r.status for r in erp} == {"delivered"}
    assert list(k3_daemon.path("export").glob("SAL_*")) == []
    log = k3_daemon.log.read_text(errors="replace")
    assert "session lost; signing in again" in log
    assert k3server.calls["Save"] == len(pos)   # a Save cut off by a kill was found, not repeated
    print(f"\nK3 exactly once: {len(pos)} orders, {KILLS} kills, {k3server.calls['Save']} Saves, "
          f"{log.count('not saved again')} found after a crash, {k3server.logins} sign-ins")
