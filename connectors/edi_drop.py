"""Files for partners and the ERP, written so no reader ever sees half of one.

Every file goes to a hidden temporary name in the destination folder, is flushed to disk
(fsync), then renamed over its final, stable name; the folder is fsynced too so the rename
survives a power cut. Writing the same name again replaces the file: a repeat after a crash
leaves one file, not two. OS errors (disk full, permissions) are TransientError: the outbox
row is retried later, never lost.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from connectors.errors import TransientError

TEMP_PREFIX = ".tmp-"
Writer = Callable[[Path, bytes], None]


def safe_name(value: str, fallback: str = "unknown") -> str:
    """A file or folder name from a partner id, PO number or key: no separators, no dot-names."""
    name = re.sub(r"[^A-Za-z0-9._\-]+", "_", value.strip()).strip("._")
    return name[:120] or fallback


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync, rename; TransientError on OSError."""
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        _discard(temp)
        raise TransientError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
