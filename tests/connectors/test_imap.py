"""The IMAP watcher against a real Dovecot on loopback, and its logic against FakeMailbox.

Each Dovecot test starts its own server (tests/fixtures/dovecot.py) and a fresh SQLite
ledger; `ingest` is a stub that stores through store.documents.add_document, as the daemon's does.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
import statistics
import threading
import time
from dataclasses import replace
from datetime import datetime
from functools import partial

import pytest
import sqlalchemy as sa

from connectors.errors import PermanentError, TransientError
from connectors.imap import ImapWatcher, imap_connect, message_id_of
from daemon.config import ImapAccount
from store.db import session_scope
from store.locks import FileLock
from store.models import Document
from store.documents import add_document
from store.watch import get_detail, get_state
from tests.fakes import FakeMailbox

PASSWORD_ENV = {"IMAP_PASSWORD": "orders-secret"}
# The tests' mail is appended before the watcher's first contact, which by default leaves it
# alone (tests/connectors/test_imap_first_contact.py): these accounts read all mail since 2000.
TAKE_ALL = "2000-01-01"


def mail(n: int, *, message_id: str | None = None, body: str = "") -> bytes:
    mid = message_id or f"<order-{n}@customer.example>"
    return (f"From: buyer@customer.example\r\nTo: orders@example.com\r\nSubject: PO {n}\r\n"
            f"Message-ID: {mid}\r\n\r\nPlease deliver 10 pcs of A-{n}.\r\n{body}").encode()


class RecordingIngest:
    """Stores each message in the ledger like daemon.ingest does, and notes when it was called."""

    def __init__(self, engine: sa.Engine, log: list | None = None) -> None:
        self.engine = engine
        self.calls: list[dict] = []
        self.times: list[float] = []
        self.log = log
        self.fail = False

    def __call__(self, data: bytes, *, source: str, source_ref: str, filename: str | None,
                 message_id: str | None, now: datetime) -> tuple[int, bool]:
        if self.fail:
            raise RuntimeError("database unavailable")
        with session_scope(self.engine) as session:
            arrival = add_document(session, data, filename=filename or "message.eml", source=source,
                                   source_ref=source_ref, message_id=message_id, now=now)
        result = (arrival.document_id, arrival.is_new)
        self.calls.append({"ref": source_ref, "message_id": message_id, "id": result[0],
                           "repeat_of": arrival.repeat_of})
        self.times.append(time.monotonic())
        if self.log is not None:
            self.log.append(("ingest", source_ref))
        return result


def documents(engine) -> list[Document]:
    """The documents to process (repeats of earlier ones left out)."""
    with session_scope(engine) as session:
        return list(session.scalars(sa.select(Document).where(Document.repeat_of.is_(None))
                                    .order_by(Document.id)))


def repeats(engine) -> list[Document]:
    with session_scope(engine) as session:
        return list(session.scalars(sa.select(Document).where(Document.repeat_of.is_not(None))
                                    .order_by(Document.id)))


def account_for(server, **changes) -> ImapAccount:
    account = ImapAccount(
        name="main", host="127.0.0.1", port=server.port, security="starttls", username="orders",
        password_env="IMAP_PASSWORD", tls_verify=False, poll_seconds=5.0, folders=("INBOX",),
        since=TAKE_ALL)
    return replace(account, **changes)


def watcher_for(server, engine, *, folder="INBOX", ssl_context=None, env=PASSWORD_ENV, **changes):
    account = account_for(server, **changes)
    ingest = RecordingIngest(engine)
    connect = partial(imap_connect, account, env=env, ssl_context=ssl_context, timeout=5)
    watcher = ImapWatcher(account, folder=folder, connect=connect, ingest=ingest, engine=engine,
                          backoff_first_seconds=0.1, backoff_max_seconds=0.5)
    return watcher, ingest


@contextmanager
def running(watcher: ImapWatcher):
    """run_forever in a thread for the block; stopped and joined (bounded) afterwards."""
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the watcher did not stop within 10 s"


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


# --- against the real Dovecot ----------------------------------------------------------------


def test_appended_message_is_ingested_once_and_moved(dovecot, engine):
    """Given one APPENDed message, one pass stores it and moves it; a second pass finds nothing."""
    dovecot.append(mail(1))
    watcher, ingest = watcher_for(dovecot, engine)
    assert watcher.run_once() == 1
    assert watcher.run_once() == 0
    (doc,) = documents(engine)
    uidvalidity = get_state_of(engine, watcher.key).uidvalidity
    assert doc.source == "imap" and doc.message_id == "<order-1@customer.example>"
    assert doc.source_ref == f"imap:main/INBOX/{uidvalidity}/1"
    assert dovecot.uids("INBOX") == []
    assert len(dovecot.uids(dovecot.server_name("orderdesk/processed"))) == 1
    assert get_state_of(engine, watcher.key).last_uid == 1


def get_state_of(engine, key):
    with session_scope(engine) as session:
        return get_state(session, key)


def test_flag_mode_keeps_the_message_and_flags_it(dovecot, engine):
    """With processed_folder = "", the message stays in INBOX with the processed keyword."""
    dovecot.append(mail(2))
    watcher, _ = watcher_for(dovecot, engine, processed_folder="")
    assert watcher.run_once() == 1
    assert watcher.run_once() == 0
    assert dovecot.uids("INBOX") == [1]
    assert dovecot.uids("INBOX", criteria=["KEYWORD", "$OrderdeskDone"]) == [1]
    assert len(documents(engine)) == 1


def test_resent_copy_is_one_document(dovecot, engine):
    """The same bytes APPENDed twice are two UIDs but one document and a repeat of it; both are moved."""
    dovecot.append(mail(3))
    dovecot.append(mail(3))
    watcher, ingest = watcher_for(dovecot, engine)
    assert watcher.run_once() == 2
    assert len(ingest.calls) == 2 and ingest.calls[1]["repeat_of"] == ingest.calls[0]["id"]
    assert len(documents(engine)) == 1 and len(repeats(engine)) == 1
    assert dovecot.uids("INBOX") == []


def test_resent_copy_with_new_transport_headers_is_one_document_with_the_daemons_ingest(dovecot, engine):
    """Through the daemon's own ingest, a copy re-sent with an extra Received: header (same
    Message-ID, same body) is recognised as the same document."""
    from daemon.ingest import ingest

    dovecot.append(mail(6))
    dovecot.append(b"Received: from relay.example by mx.example; Fri, 27 Nov 2026 10:00:00 +0800\r\n"
                   + mail(6))
    account = account_for(dovecot)
    watcher = ImapWatcher(account, folder="INBOX", engine=engine, ingest=partial(ingest, engine),
                          connect=partial(imap_connect, account, env=PASSWORD_ENV, timeout=5))
    assert watcher.run_once() == 2
    assert len(documents(engine)) == 1
    assert dovecot.uids("INBOX") == []


def test_uidvalidity_change_neither_doubles_nor_misses(dovecot, engine):
    """Given a folder recreated with a new UIDVALIDITY holding an old message again and a new one,
    the watcher rescans it: the old one is recognised, the new one stored, both flagged."""
    dovecot.append(mail(4), folder="orders")
    watcher, ingest = watcher_for(dovecot, engine, folder="orders", processed_folder="")
    assert watcher.run_once() == 1
    first_validity = get_state_of(engine, watcher.key).uidvalidity
    watcher.run_once()                      # leave the connection open across the change
    dovecot.recreate_folder("orders")
    dovecot.append(mail(4), folder="orders")
    dovecot.append(mail(5), folder="orders")
    try:
        taken = watcher.run_once()
    except TransientError:                  # the server may drop a session whose folder vanished
        taken = watcher.run_once()
    assert taken == 2
    assert get_state_of(engine, watcher.key).uidvalidity != first_validity
    assert [d.message_id for d in documents(engine)] == ["<order-4@customer.example>",
                                                         "<order-5@customer.example>"]
    assert dovecot.uids("orders", criteria=["UNKEYWORD", "$OrderdeskDone"]) == []


def test_idle_wakes_the_watcher_within_two_seconds(dovecot, engine):
    """With IDLE, a message APPENDed while the watcher waits is ingested within ~1-2 s."""
    watcher, ingest = watcher_for(dovecot, engine, poll_seconds=60.0)
    latencies = []
    with running(watcher):
        wait_for(lambda: get_state_of(engine, watcher.key) is not None)
        time.sleep(0.3)
        for n in range(5):
            appended = time.monotonic()
            dovecot.append(mail(100 + n))
            wait_for(lambda: len(ingest.times) == n + 1, timeout=5)
            latencies.append(ingest.times[-1] - appended)
            time.sleep(0.2)
    p50 = statistics.median(latencies)
    print(f"IMAP APPEND -> ingest with IDLE: p50 {p50:.3f} s, max {max(latencies):.3f} s")
    assert max(latencies) < 2.0
    assert len(documents(engine)) == 5


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_server_restart_mid_run_loses_nothing(dovecot, engine, how):
    """Stopping (or kill -9ing) Dovecot mid-run and starting it again: the watcher reconnects by
    itself, and mail delivered while the server was down is taken afterwards, each message once."""
    watcher, ingest = watcher_for(dovecot, engine)
    with running(watcher):
        dovecot.append(mail(10))
        wait_for(lambda: len(ingest.calls) == 1)
        getattr(dovecot, how)()
        dovecot.deliver(mail(11))
        time.sleep(0.5)
        dovecot.start()
        dovecot.wait_serving()
        dovecot.append(mail(12))
        # A kill during the MOVE leaves the message in INBOX: taken again, recognised, moved.
        wait_for(lambda: len(documents(engine)) == 3 and dovecot.uids("INBOX") == [], timeout=30)
    assert len(documents(engine)) == 3
    assert len({c["id"] for c in ingest.calls}) == 3


def test_tls_login_with_a_verified_certificate(dovecot, engine):
    """Implicit TLS on the IMAPS port, the throwaway certificate verified."""
    dovecot.append(mail(20))
    watcher, _ = watcher_for(dovecot, engine, security="tls", port=dovecot.tls_port,
                             tls_verify=True, ssl_context=dovecot.client_ssl_context())
    assert watcher.run_once() == 1


def test_xoauth2_login_with_an_access_token(dovecot, engine):
    """With an OAuth2 token configured, the watcher logs in with XOAUTH2 instead of a password."""
    dovecot.append(mail(21), user="bearer")
    watcher, _ = watcher_for(dovecot, engine, username="bearer", password_env="",
                             oauth2_token_env="IMAP_TOKEN",
                             env={"IMAP_TOKEN": dovecot.users["bearer"]})
    assert watcher.run_once() == 1
    assert "user=<bearer>, method=XOAUTH2" in dovecot.log_tail(100)


def test_starttls_refuses_an_unknown_certificate_when_verifying(dovecot, engine):
    """STARTTLS with verification on and a self-signed certificate nobody trusts fails."""
    watcher, _ = watcher_for(dovecot, engine, tls_verify=True)
    with pytest.raises(PermanentError, match="not trusted"):
        watcher.run_once()


def test_wrong_password_is_permanent(dovecot, engine):
    account = account_for(dovecot)
    with pytest.raises(PermanentError):
        imap_connect(account, env={"IMAP_PASSWORD": "wrong"}, timeout=5)


def test_a_refused_connection_is_an_error_with_one_alert_and_the_watcher_keeps_trying(
        dovecot, engine, caplog):
    """A certificate nobody trusts (like a refused login) needs a person: ERROR logged, one
    alert rung, and the watcher goes on retrying with backoff."""
    account = account_for(dovecot, tls_verify=True)
    alerts: list[str] = []
    watcher = ImapWatcher(account, folder="INBOX", engine=engine, ingest=RecordingIngest(engine),
                          connect=partial(imap_connect, account, env=PASSWORD_ENV, timeout=5),
                          alert=lambda key, kind, message: alerts.append(message),
                          backoff_first_seconds=0.05, backoff_max_seconds=0.1)
    with caplog.at_level(logging.ERROR), running(watcher):
        wait_for(lambda: sum("not trusted" in r.getMessage() for r in caplog.records) >= 3)
    assert len(alerts) == 1 and "not trusted" in alerts[0]


def test_tls_verify_off_is_refused_for_a_remote_host():
    account = ImapAccount(name="x", host="imap.example.com", tls_verify=False, password_env="P")
    with pytest.raises(PermanentError, match="127.0.0.1"):
        imap_connect(account, env={"P": "secret"})


# --- logic, against FakeMailbox --------------------------------------------------------------


def fake_watcher(engine, box: FakeMailbox, lock_dir=None):
    account = ImapAccount(name="fake", host="127.0.0.1", poll_seconds=0.05, since=TAKE_ALL)
    ingest = RecordingIngest(engine, log=box.calls)
    watcher = ImapWatcher(account, folder="INBOX", connect=box.connect, ingest=ingest,
                          engine=engine, backoff_first_seconds=0.01, backoff_max_seconds=0.05,
                          lock=None if lock_dir is None else FileLock(lock_dir, "imap:fake:INBOX"),
                          lock_check_seconds=0.05)
    return watcher, ingest


def test_the_message_is_committed_before_it_is_moved(engine):
    box = FakeMailbox()
    box.append(mail(30))
    watcher, _ = fake_watcher(engine, box)
    watcher.run_once()
    steps = [c[0] for c in box.calls if c[0] in ("fetch", "ingest", "move")]
    assert steps == ["fetch", "ingest", "move"]


def test_a_failed_ingest_leaves_the_message_for_the_next_pass(engine):
    box = FakeMailbox()
    box.append(mail(31))
    watcher, ingest = fake_watcher(engine, box)
    ingest.fail = True
    with pytest.raises(RuntimeError):
        watcher.run_once()
    assert list(box.folders["INBOX"].messages) == [1]
    ingest.fail = False
    assert watcher.run_once() == 1
    assert box.folders["INBOX"].messages == {}


def test_message_without_an_order_is_recorded_too(engine):
    """Ingest stores every message, whatever it says; the worker decides later."""
    box = FakeMailbox()
    box.append(b"Subject: lunch?\r\n\r\nAre you free on Friday?\r\n")
    watcher, _ = fake_watcher(engine, box)
    assert watcher.run_once() == 1
    assert len(documents(engine)) == 1 and documents(engine)[0].message_id is None


def test_silence_rings_the_alert_once_and_clears_when_the_server_answers(engine, caplog):
    """A server unreachable for longer than silence_alert_seconds: an ERROR, a watch_state mark,
    one alert; when it answers again the mark is cleared. The watcher never stops."""
    box = FakeMailbox()
    box.down = True
    alerts: list[str] = []
    account = ImapAccount(name="fake", host="127.0.0.1", poll_seconds=0.05, silence_alert_seconds=0.3,
                          since=TAKE_ALL)
    watcher = ImapWatcher(account, folder="INBOX", connect=box.connect, ingest=RecordingIngest(engine),
                          engine=engine, alert=lambda key, kind, message: alerts.append(message),
                          backoff_first_seconds=0.02, backoff_max_seconds=0.05)
    with caplog.at_level(logging.ERROR), running(watcher):
        wait_for(lambda: alerts, timeout=5)
        time.sleep(0.3)
        assert len(alerts) == 1 and "no answer" in alerts[0]
        assert get_detail_of(engine, watcher.key)["alert"] == "silent"
        box.down = False
        box.append(mail(32))
        wait_for(lambda: not box.folders["INBOX"].messages, timeout=5)
        wait_for(lambda: get_detail_of(engine, watcher.key) == {}, timeout=5)
    assert any(r.levelno == logging.ERROR and "no answer" in r.getMessage() for r in caplog.records)


def get_detail_of(engine, key):
    with session_scope(engine) as session:
        return get_detail(session, key)


def test_polls_when_the_server_has_no_idle(engine):
    box = FakeMailbox(can_idle=False)
    watcher, ingest = fake_watcher(engine, box)
    with running(watcher):
        box.append(mail(33))
        wait_for(lambda: len(ingest.calls) == 1, timeout=5)
    assert not any(c[0] == "idle_wait" for c in box.calls)


def test_idle_is_renewed_well_before_29_minutes(engine):
    """Even with an hour's poll interval, no IDLE lasts longer than 10 minutes."""
    box = FakeMailbox()
    account = ImapAccount(name="fake", host="127.0.0.1", poll_seconds=3600.0)
    watcher = ImapWatcher(account, folder="INBOX", connect=box.connect,
                          ingest=RecordingIngest(engine), engine=engine)
    with running(watcher):
        wait_for(lambda: any(c[0] == "idle_wait" for c in box.calls))
    timeouts = [c[1] for c in box.calls if c[0] == "idle_wait"]
    assert timeouts and max(timeouts) <= 600


def test_uidvalidity_change_in_move_mode_rescans_the_folder(engine):
    """After the folder is recreated, a copy of an old message and a new one are both taken:
    the old one is recognised by the ledger, the new one stored."""
    box = FakeMailbox()
    box.append(mail(40))
    watcher, ingest = fake_watcher(engine, box)
    assert watcher.run_once() == 1
    box.recreate("INBOX")
    box.append(mail(40))
    box.append(mail(41))
    assert watcher.run_once() == 2
    assert [(c["id"], c["repeat_of"]) for c in ingest.calls] == [(1, None), (2, 1), (3, None)]
    assert len(documents(engine)) == 2 and box.folders["INBOX"].messages == {}


def test_run_once_reconnects_after_a_transient_error(engine):
    box = FakeMailbox()
    watcher, _ = fake_watcher(engine, box)
    watcher.run_once()
    box.down = True
    with pytest.raises(TransientError):
        watcher.run_once()
    box.down = False
    box.append(mail(42))
    assert watcher.run_once() == 1
    assert box.connects == 2


def test_one_watcher_per_folder(engine, tmp_path):
    """While one watcher holds the folder lock, a second one for the same folder takes nothing."""
    box = FakeMailbox()
    first, _ = fake_watcher(engine, box, lock_dir=tmp_path / "locks")
    second, second_ingest = fake_watcher(engine, box, lock_dir=tmp_path / "locks")
    with running(first):
        wait_for(lambda: get_state_of(engine, first.key) is not None)
        box.append(mail(34))
        assert second.run_once() == 0
        wait_for(lambda: not box.folders["INBOX"].messages)
    assert second_ingest.calls == []


def test_message_id_of_reads_only_the_header():
    assert message_id_of(mail(1)) == "<order-1@customer.example>"
    assert message_id_of(b"Subject: x\r\n\r\nMessage-ID: <body@x>\r\n") is None
