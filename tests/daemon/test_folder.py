"""Folder watchers: take a file only once it stops changing, commit it, then archive it by date."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path


from connectors.folder import FolderWatcher, StabilityTracker, archive_file
from daemon.ingest import ingest
from store import documents
from store.db import session_scope

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Recorder:
    """A stand-in for daemon.ingest.ingest that remembers what it was given."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[dict] = []
        self.fail = fail

    def __call__(self, data: bytes, **kw) -> tuple[int, bool]:
        if self.fail:
            raise RuntimeError("database is away")
        self.calls.append({"data": data, **kw})
        return len(self.calls), True


def _watcher(tmp_path: Path, ingest_fn, clock: Clock, inbox: str = "edi") -> FolderWatcher:
    return FolderWatcher(tmp_path / "inbox" / inbox, source=inbox, archive=tmp_path / "archive",
                         ingest=ingest_fn, stable_seconds=2.0, clock=clock, now=lambda: NOW,
                         today=lambda: date(2026, 11, 20))


def test_a_file_is_taken_only_after_it_stopped_changing(tmp_path):
    clock, rec = Clock(), Recorder()
    watcher = _watcher(tmp_path, rec, clock)
    watcher.folder.mkdir(parents=True)
    drop = watcher.folder / "order.edi"
    drop.write_bytes(b"ISA*00*")
    assert watcher.run_once() == 0                 # first sight
    clock.t = 1.5
    with drop.open("ab") as f:                      # still being written
        f.write(b"more")
    os.utime(drop, ns=(1, 1))
    assert watcher.run_once() == 0
    clock.t = 3.0                                   # 1.5 s unchanged: not yet
    assert watcher.run_once() == 0
    clock.t = 3.6                                   # 2.1 s unchanged
    assert watcher.run_once() == 1
    assert rec.calls[0]["data"] == b"ISA*00*more"
    assert rec.calls[0]["source"] == "edi" and rec.calls[0]["filename"] == "order.edi"
    assert not drop.exists()
    assert (tmp_path / "archive" / "2026-11-20" / "edi" / "order.edi").read_bytes() == b"ISA*00*more"


def test_name_clashes_in_the_archive_are_kept(tmp_path):
    folder = tmp_path / "archive"
    names = []
    for content in (b"one", b"two", b"three"):
        src = tmp_path / "order.edi"
        src.write_bytes(content)
        names.append(archive_file(src, folder).name)
    assert names == ["order.edi", "order-1.edi", "order-2.edi"]
    assert [(folder / n).read_bytes() for n in names] == [b"one", b"two", b"three"]


def test_a_file_stays_when_it_cannot_be_committed(tmp_path):
    clock = Clock()
    watcher = _watcher(tmp_path, Recorder(fail=True), clock)
    watcher.folder.mkdir(parents=True)
    (watcher.folder / "order.edi").write_bytes(b"ISA")
    watcher.run_once()
    clock.t = 5
    assert watcher.run_once() == 0
    assert (watcher.folder / "order.edi").exists()
    assert not (tmp_path / "archive").exists()


def test_partial_and_hidden_files_are_left_alone(tmp_path):
    clock, rec = Clock(), Recorder()
    watcher = _watcher(tmp_path, rec, clock)
    watcher.folder.mkdir(parents=True)
    for name in (".order.edi", "order.edi.tmp", "order.edi.part"):
        (watcher.folder / name).write_bytes(b"x")
    (watcher.folder / "sub").mkdir()
    watcher.run_once()
    clock.t = 10
    assert watcher.run_once() == 0 and rec.calls == []


def test_eml_files_in_the_mail_inbox_carry_their_message_id(tmp_path):
    clock, rec = Clock(), Recorder()
    watcher = _watcher(tmp_path, rec, clock, inbox="mail")
    watcher.folder.mkdir(parents=True)
    (watcher.folder / "po.eml").write_bytes(
        b"From: buyer@example.com\r\nMessage-ID: <abc@example.com>\r\nSubject: PO\r\n\r\nplease ship\r\n")
    watcher.run_once()
    clock.t = 3
    assert watcher.run_once() == 1
    assert rec.calls[0]["message_id"] == "<abc@example.com>"
    assert (tmp_path / "archive" / "2026-11-20" / "mail" / "po.eml").exists()


def test_stability_tracker_forgets_files_that_went_away(tmp_path):
    clock = Clock()
    tracker = StabilityTracker(1.0, clock)
    f = tmp_path / "a"
    f.write_bytes(b"1")
    tracker.stable([f])
    f.unlink()
    clock.t = 5
    assert tracker.stable([]) == []
    f.write_bytes(b"2")
    assert tracker.stable([f]) == []               # seen anew: the wait starts again


def test_same_file_dropped_twice_is_one_document_and_a_repeat(tmp_path, engine):
    """Given the same bytes dropped twice, both are archived; the ledger holds one document to
    process and the second arrival as a visible repeat of it."""
    clock = Clock()
    watcher = _watcher(tmp_path, partial(ingest, engine), clock)
    watcher.folder.mkdir(parents=True)
    for name in ("a.edi", "b.edi"):
        (watcher.folder / name).write_bytes(b"ISA*same")
    watcher.run_once()
    clock.t = 3
    assert watcher.run_once() == 2
    with session_scope(engine) as session:
        rows = session.execute(documents.DOCUMENTS.select()).all()
    assert [(r.source, r.status, r.repeat_of) for r in rows] == [("edi", "new", None), ("edi", "new", rows[0].id)]
    assert sorted(p.name for p in (tmp_path / "archive" / "2026-11-20" / "edi").iterdir()) == ["a.edi", "b.edi"]


def test_a_resent_mail_copy_is_a_repeat_of_the_first(engine):
    """Same Message-ID and body, other transport headers: a repeat of the first; another body: new."""
    body = b"Message-ID: <m1@x>\r\nSubject: PO 7\r\n\r\nItem A 10 pcs\r\n"
    first, new1 = ingest(engine, b"Received: by mx1\r\n" + body, source="imap", source_ref="imap:a:INBOX:1",
                         filename=None, message_id="<m1@x>", now=NOW)
    again, new2 = ingest(engine, b"Received: by mx2\r\n" + body, source="imap", source_ref="imap:a:INBOX:9",
                         filename=None, message_id="<m1@x>", now=NOW)
    other, new3 = ingest(engine, body.replace(b"10 pcs", b"12 pcs"), source="imap", source_ref="imap:a:INBOX:10",
                         filename=None, message_id="<m1@x>", now=NOW)
    assert (new1, new2, new3) == (True, False, True)
    assert len({first, again, other}) == 3
    with session_scope(engine) as session:
        assert documents.get_document(session, again).repeat_of == first
        assert documents.get_document(session, other).repeat_of is None


def test_two_nodes_sharing_a_folder_take_each_file_once_without_errors(tmp_path, caplog):
    """Given two nodes scanning one shared inbox at the same time, every file is stored once by
    exactly one of them, archived once, and no error is logged for a file the other took first."""
    files = {f"po-{n:03}.edi": f"ISA*{n}*".encode() for n in range(120)}
    recorders = [Recorder(), Recorder()]
    watchers = [FolderWatcher(tmp_path / "inbox", source="edi", archive=tmp_path / "archive",
                              ingest=rec, stable_seconds=0.0, now=lambda: NOW,
                              today=lambda: date(2026, 11, 20), node=node)
                for rec, node in zip(recorders, ("node-a", "node-b"))]
    watchers[0].folder.mkdir(parents=True)
    for name, data in files.items():
        (watchers[0].folder / name).write_bytes(data)
    with caplog.at_level("DEBUG"):
        for watcher in watchers:
            watcher.run_once()                     # first sight: nothing is stable yet
        with ThreadPoolExecutor(2) as pool:
            taken = list(pool.map(lambda w: w.run_once(), watchers))
    stored = [call["filename"] for rec in recorders for call in rec.calls]
    assert sorted(stored) == sorted(files) and sum(taken) == len(files)
    assert sorted(p.name for p in (tmp_path / "archive").rglob("*.edi")) == sorted(files)
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [p.name for p in watchers[0].folder.iterdir()] == [".taking"]


def test_files_a_node_was_taking_when_it_died_are_read_again(tmp_path):
    clock, rec = Clock(), Recorder()
    watcher = FolderWatcher(tmp_path / "inbox", source="edi", archive=tmp_path / "archive",
                            ingest=rec, stable_seconds=0.0, clock=clock, now=lambda: NOW,
                            today=lambda: date(2026, 11, 20), node="node-a")
    held = tmp_path / "inbox" / ".taking" / "node-a" / "po.edi"
    held.parent.mkdir(parents=True)
    held.write_bytes(b"ISA*held*")
    other = tmp_path / "inbox" / ".taking" / "node-b" / "theirs.edi"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"ISA*theirs*")
    watcher.run_once()
    assert watcher.run_once() == 1
    assert [c["filename"] for c in rec.calls] == ["po.edi"]
    assert other.exists(), "another node's files are its own business"
