"""First contact with a real mailbox (Dovecot holding 200 old messages): orderdesk takes mail
from now on, or since the configured date, never the whole folder; the log says what it left."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from tests.connectors.test_imap import documents, mail, watcher_for

OLD = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)
RECENT = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


def _fill(dovecot, count: int, when: datetime, first: int) -> None:
    with dovecot.client() as client:
        for n in range(first, first + count):
            client.append("INBOX", mail(n), msg_time=when)


def test_first_start_leaves_200_old_messages_alone_and_reads_new_mail(dovecot, engine, caplog):
    """Given a mailbox with 200 messages from last year, the first start takes none of them;
    a message arriving afterwards is taken; the old ones stay where they were."""
    _fill(dovecot, 200, OLD, first=1)
    watcher, ingest = watcher_for(dovecot, engine, since="")
    with caplog.at_level(logging.WARNING):
        assert watcher.run_once() == 0
    assert ingest.calls == [] and documents(engine) == []
    assert any("200 messages already in the folder are left alone" in r.getMessage()
               for r in caplog.records)
    dovecot.append(mail(1000))
    assert watcher.run_once() == 1
    assert [c["message_id"] for c in ingest.calls] == ["<order-1000@customer.example>"]
    assert len(dovecot.uids("INBOX")) == 200


def test_first_start_with_since_takes_only_mail_since_that_date(dovecot, engine, caplog):
    """Given 200 old messages and 3 from after the configured date, the first start takes the 3."""
    _fill(dovecot, 200, OLD, first=1)
    _fill(dovecot, 3, RECENT, first=500)
    watcher, ingest = watcher_for(dovecot, engine, since="2026-11-01")
    with caplog.at_level(logging.WARNING):
        assert watcher.run_once() == 3
    assert sorted(c["message_id"] for c in ingest.calls) == [
        f"<order-{n}@customer.example>" for n in (500, 501, 502)]
    assert any("taking the 3 messages that arrived since 2026-11-01, leaving the 200 older"
               in r.getMessage() for r in caplog.records)
    assert watcher.run_once() == 0
    assert len(dovecot.uids("INBOX")) == 200


def test_a_uidvalidity_change_does_not_read_old_mail_as_new(dovecot, engine):
    """When the folder is recreated (new UIDVALIDITY) holding old mail, the rescan reads only
    mail from about the last contact on: the new message, not the old ones."""
    dovecot.recreate_folder("Orders")
    watcher, ingest = watcher_for(dovecot, engine, folder="Orders", since="")
    assert watcher.run_once() == 0                     # first contact: an empty folder
    dovecot.recreate_folder("Orders")
    with dovecot.client() as client:
        for n in range(1, 21):
            client.append("Orders", mail(n), msg_time=OLD)
    dovecot.append(mail(99), folder="Orders")
    assert watcher.run_once() == 1
    assert [c["message_id"] for c in ingest.calls] == ["<order-99@customer.example>"]
