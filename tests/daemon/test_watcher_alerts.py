"""A watcher's alert becomes one staff mail row per (watcher, kind, hour), and rings the outbox."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from connectors.errors import TransientError
from connectors.imap import ImapWatcher
from daemon.app import WatcherAlerts, build_threads
from daemon.config import ImapAccount, Settings
from outbox.plan import DEFAULT_STAFF
from store import outbox as outbox_store
from store.db import session_scope
from tests.fakes import FakeMailbox

STAFF = Settings(staff_emails=("desk@ourco.example",))
ACCOUNT = ImapAccount(name="fake", host="127.0.0.1", poll_seconds=0.05, silence_alert_seconds=600)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Bell:
    def __init__(self) -> None:
        self.rung: list[str] = []

    def ring(self, topic: str) -> None:
        self.rung.append(topic)


class Counting:
    """Wraps the sink to count how often the watcher rang it."""

    def __init__(self, sink) -> None:
        self.sink, self.calls = sink, 0

    def __call__(self, key: str, kind: str, message: str) -> None:
        self.calls += 1
        self.sink(key, kind, message)


def no_ingest(*args, **kwargs):
    raise AssertionError("the mailbox is empty: nothing to ingest")


def alert_rows(engine) -> list[dict]:
    with session_scope(engine) as session:
        rows = session.execute(sa.select(outbox_store.OUTBOX.c.kind, outbox_store.OUTBOX.c.stable_key,
                                         outbox_store.OUTBOX.c.payload_json, outbox_store.OUTBOX.c.status)
                               .order_by(outbox_store.OUTBOX.c.id)).all()
    return [{"kind": r.kind, "key": r.stable_key, "status": r.status, **json.loads(r.payload_json)}
            for r in rows]


def silent_watcher(engine, settings=STAFF):
    """A watcher that spoke to its server at 12:00 and whose server is now down."""
    clock = Clock(datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc))
    box, bell = FakeMailbox(), Bell()
    alert = Counting(WatcherAlerts(engine, settings, bell, clock=clock))
    watcher = ImapWatcher(ACCOUNT, folder="INBOX", connect=box.connect, ingest=no_ingest,
                          engine=engine, clock=clock, alert=alert)
    assert watcher.run_once() == 0
    box.down = True
    return watcher, box, clock, bell, alert


def fail_once(watcher: ImapWatcher) -> None:
    with pytest.raises(TransientError):
        watcher.run_once()


def test_silence_past_the_limit_queues_one_staff_alert_and_rings_the_outbox(engine):
    watcher, _, clock, bell, alert = silent_watcher(engine)
    clock.advance(seconds=500)
    fail_once(watcher)
    assert watcher.check_silence() is False and alert_rows(engine) == []
    clock.advance(seconds=200)                       # 700 s > silence_alert_seconds
    fail_once(watcher)
    assert watcher.check_silence() is True
    [row] = alert_rows(engine)
    assert row["kind"] == "mail" and row["status"] == "pending"
    assert row["key"] == "watch:imap:fake:INBOX:silent:2026112012"
    assert row["purpose"] == "watcher_alert" and row["to"] == ["desk@ourco.example"]
    assert "no answer from 127.0.0.1" in row["message"]
    assert bell.rung == ["outbox"]
    clock.advance(minutes=10)                        # still silent: no second row
    fail_once(watcher)
    assert watcher.check_silence() is True
    assert len(alert_rows(engine)) == 1


def test_a_flapping_server_gives_one_row_per_hour(engine):
    """Answer, fall silent again within the hour: the watcher alerts again, the row is not doubled;
    the same in the next hour is a new row."""
    watcher, box, clock, _, alert = silent_watcher(engine)
    for minutes in (11, 11, 11):                     # alerts at 12:11, 12:22+, 12:33+
        clock.advance(minutes=minutes)
        watcher.check_silence()
        box.down = False
        assert watcher.run_once() == 0               # the server answers: the alert is over
        box.down = True
    assert alert.calls == 3 and len(alert_rows(engine)) == 1
    clock.now = datetime(2026, 11, 20, 13, 20, tzinfo=timezone.utc)
    watcher.check_silence()
    assert [r["key"][-10:] for r in alert_rows(engine)] == ["2026112012", "2026112013"]


def test_no_staff_configured_goes_to_the_default_address(engine):
    watcher, _, clock, _, _ = silent_watcher(engine, Settings())
    clock.advance(minutes=11)
    watcher.check_silence()
    assert [r["to"] for r in alert_rows(engine)] == [[DEFAULT_STAFF]]


def test_a_refused_login_is_its_own_kind(engine):
    sink = WatcherAlerts(engine, STAFF, None, clock=lambda: datetime(2026, 11, 20, 12, 5, tzinfo=timezone.utc))
    sink("imap:fake:INBOX", "refused", "login refused")
    sink("imap:fake:INBOX", "silent", "no answer")
    assert [r["key"] for r in alert_rows(engine)] == ["watch:imap:fake:INBOX:refused:2026112012",
                                                     "watch:imap:fake:INBOX:silent:2026112012"]


def test_the_daemon_gives_its_imap_watchers_the_alert_sink(engine, tmp_path):
    settings = Settings(imap=(ACCOUNT,))
    specs = build_threads(settings, engine, Bell())
    [imap] = [s for s in specs if s.name.startswith("imap-")]
    assert isinstance(imap.target.__self__._alert, WatcherAlerts)
