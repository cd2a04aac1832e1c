"""Files for partners and the ERP, written so no reader ever sees half of one.

Every file goes to a hidden temporary name in the destination folder, is flushed to disk
(fsync), then renamed over its final, stable name; the folder is fsynced too so the rename
survives a power cut (a `FolderSyncer` defers that to once per folder for a batch of files).
Writing the same name again replaces the file: a repeat after a crash leaves one file, not two.
OS errors (disk full, permissions) are TransientError: the outbox row is retried later, never
lost. A process killed mid-write leaves its hidden temp file; `remove_stale_temps` clears
those at the next start.
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from connectors.errors import TransientError

TEMP_PREFIX = ".tmp-"
TEMP_NAME = re.compile(r"^\.tmp-.+\.(\d+)$")   # TEMP_PREFIX + final name + "." + writer's pid
STALE_TEMP_SECONDS = 60.0
Writer = Callable[[Path, bytes], None]


def safe_name(value: str, fallback: str = "unknown") -> str:
    """A file or folder name from a partner id, PO number or key: no separators, no dot-names."""
    name = re.sub(r"[^A-Za-z0-9._\-]+", "_", value.strip()).strip("._")
    return name[:120] or fallback


def write_atomically(path: Path, data: bytes, *, sync_folder: bool = True) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync, rename, fsync the folder
    (unless `sync_folder` is False: the caller does it); TransientError on OSError."""
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        if sync_folder:
            _fsync_folder(path.parent)
    except OSError as exc:
        _discard(temp)
        raise TransientError(f"cannot write {path}: {exc.strerror or exc}") from exc


class FolderSyncer:
    """Atomic writes (any thread) whose folder fsyncs wait for `sync()`: one fsync per folder
    per batch instead of one per file. Nothing written is durable until `sync()` returned."""

    def __init__(self) -> None:
        self._folders: set[Path] = set()
        self._lock = threading.Lock()

    def write(self, path: Path, data: bytes) -> None:
        """`write_atomically` without the folder fsync; the folder is remembered for `sync`."""
        write_atomically(path, data, sync_folder=False)
        with self._lock:
            self._folders.add(path.parent)

    def sync(self) -> None:
        """Fsync every folder written into since the last call; TransientError if one fails."""
        with self._lock:
            folders, self._folders = self._folders, set()
        try:
            for folder in sorted(folders):
                _fsync_folder(folder)
        except OSError as exc:
            raise TransientError(f"cannot sync the folder {folder}: {exc.strerror or exc}") from exc


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path, *, pattern: re.Pattern[str] = TEMP_NAME,
                       max_age_s: float = STALE_TEMP_SECONDS, now: float | None = None) -> list[Path]:
    """Delete our temp files under `folder` (any depth) left by a killed writer: those of a pid
    that is gone or is this process (at start nothing of ours is in flight), or older than
    `max_age_s`; returns what was removed. Call it at start, before anything writes."""
    now = time.time() if now is None else now
    removed = []
    for path in Path(folder).rglob("*"):
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            old = now - path.stat().st_mtime > max_age_s
            if old or not _alive(int(match.group(1))):
                path.unlink()
                removed.append(path)
        except OSError:  # gone meanwhile, or not ours to remove: leave it
            continue
    return removed


def _alive(pid: int) -> bool:
    """Whether another process `pid` runs (ours is not "alive" here: its writes have not begun)."""
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _discard(temp: Path) -> None:
    try:
        temp.unlink(missing_ok=True)
    except OSError:
        pass


class EdiDrop:
    """Acknowledgement files for EDI partners in `<root>/<partner id>/<stable name>`."""

    def __init__(self, root: Path, *, write: Writer = write_atomically) -> None:
        self.root = Path(root)
        self.write = write

    def deliver(self, partner: str, name: str, data: bytes) -> Path:
        """Place one file for `partner` under a stable name; returns its path."""
        path = self.root / safe_name(partner) / safe_name(name)
        self.write(path, data)
        return path
