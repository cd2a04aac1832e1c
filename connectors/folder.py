"""Watched folders (fax, EDI and .eml drops): take a file once it stops changing, commit it, archive it.

A file is read only after its size and modification time have stayed the same for
`stable_seconds`, so a copy still being written is never taken half-way. It is moved to
`archive/YYYY-MM-DD/<inbox>/` only after the ledger holds it; a name already in the archive
gets a numbered suffix, nothing is overwritten.

Several nodes may watch one shared folder. A node takes a file by renaming it into its own
hidden `.taking/<node>/` subfolder first: the rename is atomic, so exactly one node gets each
file, and a node that finds the file gone simply lets it be (another node has it). A node
that died holding files there gets them back when it starts again.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Protocol

from connectors.settings import node_name
from parsers.headers import message_id_of

log = logging.getLogger(__name__)

# Names writers use while a file is still being written, and hidden files.
SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", "~")
TAKING = ".taking"   # hidden subfolder of an inbox: .taking/<node>/ holds files a node is taking


class IngestFn(Protocol):
    def __call__(self, data: bytes, *, source: str, source_ref: str, filename: str | None,
                 message_id: str | None, now: datetime) -> tuple[int, bool]: ...


@dataclass
class _Seen:
    signature: tuple[int, int]
    since: float


class StabilityTracker:
    """Remembers each file's (size, mtime) and since when it has been unchanged."""

    def __init__(self, stable_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stable_seconds = stable_seconds
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    def stable(self, paths: list[Path]) -> list[Path]:
        """Of `paths` (the folder's current files), those unchanged for long enough."""
        now = self.clock()
        ready = []
        for path in paths:
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            signature = (st.st_size, st.st_mtime_ns)
            seen = self._seen.get(path)
            if seen is None or seen.signature != signature:
                self._seen[path] = _Seen(signature, now)
            elif now - seen.since >= self.stable_seconds:
                ready.append(path)
        for gone in set(self._seen) - set(paths):
            del self._seen[gone]
        return ready

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


class FolderWatcher:
    """One inbox folder; `source` names it in the ledger ("edi", "fax", "mail")."""

    def __init__(self, folder: Path, *, source: str, archive: Path, ingest: IngestFn,
                 stable_seconds: float = 2.0, poll_seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 today: Callable[[], date] | None = None,
                 touch: Callable[[str], None] | None = None, node: str = "") -> None:
        self.folder = Path(folder)
        self.source = source
        self.archive = Path(archive)
        self.ingest = ingest
        self.poll_seconds = poll_seconds
        self.now = now
        self.today = today or (lambda: self.now().date())
        self.touch = touch
        self.tracker = StabilityTracker(stable_seconds, clock)
        self.key = f"folder:{source}"
        self.taking = self.folder / TAKING / node_name(node)
        self._recovered = False

    def run_once(self) -> int:
        """Take every file that has stopped changing; returns how many were committed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self._recovered:
            self._give_back_taken()
        taken = 0
        for path in sorted(self.tracker.stable(self._candidates())):
            if self._take(path):
                taken += 1
        if self.touch is not None:
            self.touch(self.key)
        return taken

    def run_forever(self, stop: threading.Event) -> None:
        log.info("watching %s for %s files", self.folder, self.source)
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the folder may be briefly unreadable: try again next round
                log.exception("scanning %s failed", self.folder)
            stop.wait(self.poll_seconds)

    def _candidates(self) -> list[Path]:
        found = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name.endswith(SKIP_SUFFIXES):
                    continue
                if entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
        return found

    def _take(self, path: Path) -> bool:
        self.tracker.forget(path)
        held = self._claim(path)
        if held is None:
            return False
        modified = held.stat().st_mtime_ns  # a rename keeps it
        data = held.read_bytes()
        message_id = message_id_of(data) if path.suffix.lower() == ".eml" else None
        try:
            # Path and modification time name this arrival: taken again after a crash before the
            # archive move it is recognised, while the same file dropped again later is a repeat.
            doc_id, created = self.ingest(data, source=self.source, source_ref=f"{path}@{modified}",
                                          filename=path.name, message_id=message_id, now=self.now())
        except Exception:
            log.exception("could not store %s; it stays in %s for the next round", path.name, self.folder)
            os.rename(held, path)
            return False
        target = archive_file(held, self.archive / self.today().isoformat() / self.folder.name)
        log.info("took %s (%s) archived as %s doc=%s", path.name, "new" if created else "already known",
                 target, doc_id)
        return True


    def _claim(self, path: Path) -> Path | None:
        """Rename `path` into this node's `.taking/` folder; None when another node took it first."""
        self.taking.mkdir(parents=True, exist_ok=True)
        held = self.taking / path.name
        try:
            os.rename(path, held)
        except FileNotFoundError:
            log.debug("%s was taken by another node", path.name)
            return None
        return held

    def _give_back_taken(self) -> None:
        """Files this node had taken but not archived when it stopped go back into the folder."""
        self._recovered = True
        if not self.taking.is_dir():
            return
        for held in sorted(self.taking.iterdir()):
            if held.is_file():
                os.rename(held, self.folder / held.name)
                log.warning("%s was being taken when this node stopped; it is read again", held.name)


def archive_file(path: Path, folder: Path) -> Path:
    """Move `path` into `folder`, keeping an existing file of the same name (name-1.ext, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = path.stem, path.suffix
    n = 0
    while True:
        target = folder / (path.name if n == 0 else f"{stem}-{n}{suffix}")
        try:
            os.link(path, target)  # fails if the name exists: never overwrites
        except FileExistsError:
            n += 1
            continue
        except OSError:  # another filesystem, or no hard links: copy, but still never overwrite
            if target.exists():
                n += 1
                continue
            shutil.copy2(path, target)
        path.unlink()
        return target
