"""One node at a time watches a mailbox folder: PostgreSQL advisory locks, taken over when the
holding node dies (kill -9), given up by a holder whose database connection broke."""
from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from connectors.imap import ImapWatcher
from daemon.config import ImapAccount
from store.db import make_engine, migrate
from store.locks import AdvisoryLock
from tests.connectors.test_imap import RecordingIngest, mail, running, wait_for
from tests.fakes import FakeMailbox

NAME = "imap:orders:INBOX"
HOLDER = """
import sys, time
from store.db import make_engine
from store.locks import AdvisoryLock
lock = AdvisoryLock(make_engine(sys.argv[1]), sys.argv[2])
assert lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_one_holder_at_a_time(pg_engine):
    first, second = AdvisoryLock(pg_engine, NAME), AdvisoryLock(pg_engine, NAME)
    other = AdvisoryLock(pg_engine, "imap:orders:Sales")
    try:
        assert first.acquire() and first.check()
        assert not second.acquire() and not second.check()
        assert other.acquire(), "another folder's lock is independent"
        first.release()
        assert second.acquire()
    finally:
        for lock in (first, second, other):
            lock.release()


def test_a_holder_whose_connection_broke_knows_it_lost_the_lock(pg_engine):
    holder, contender = AdvisoryLock(pg_engine, NAME), AdvisoryLock(pg_engine, NAME)
    try:
        assert holder.acquire()
        with pg_engine.connect() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid <> pg_backend_pid()")
        wait_for(lambda: not holder.check(), timeout=10)
        assert contender.acquire()
    finally:
        holder.release()
        contender.release()


def test_the_folder_is_taken_over_when_its_node_is_killed(pg_engine, pg_url):
    """Given another node (a process) holding the mailbox, this node's watcher takes nothing;
    when that node is killed with SIGKILL, this one takes the folder over and reads the mail."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, pg_url, NAME], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        box = FakeMailbox()
        box.append(mail(1))
        ingest = RecordingIngest(pg_engine)
        account = ImapAccount(name="orders", host="127.0.0.1", poll_seconds=0.05, since="2000-01-01")
        watcher = ImapWatcher(account, folder="INBOX", connect=box.connect, ingest=ingest,
                              engine=pg_engine, lock=AdvisoryLock(pg_engine, NAME),
                              lock_check_seconds=0.1, backoff_first_seconds=0.01)
        assert watcher.run_once() == 0
        assert ingest.calls == [] and box.connects == 0
        with running(watcher):
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=10)
            wait_for(lambda: len(ingest.calls) == 1, timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=10)
