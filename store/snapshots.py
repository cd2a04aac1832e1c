"""Catalog snapshots for the processes of one machine: one packed file per catalog version,
mapped read-only, so every worker shares one copy through the page cache.

The first process that needs a version writes its file (tmp-then-rename, under a lock so two
workers do not both write it) from the pack stored with the catalog, or packs the rows when
there is none (a catalog imported by an older version). Writing a version's file removes the
files of other versions; a process still mapping one keeps its pages until it lets go.
"""
from __future__ import annotations

import fcntl
import logging
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from reconcile import CatalogSnapshot
from reconcile.catalog_pack import pack_catalog
from reconcile.packed import FORMAT
from store import catalog as catalog_store

log = logging.getLogger(__name__)

SUFFIX = f".f{FORMAT}.pack"


def folder(var: Path) -> Path:
    """Where the processes of this machine keep the packed catalog they all map."""
    return Path(var) / "catalog"


def current_snapshot(session: Session, folder: Path | None) -> tuple[str, CatalogSnapshot] | None:
    """The stored catalog's fingerprint and its snapshot, mapped from `folder` (in memory when
    `folder` is None); None when no catalog was ever loaded."""
    fingerprint = catalog_store.catalog_fingerprint_in_db(session)
    if fingerprint is None:
        return None
    if folder is None:
        return fingerprint, CatalogSnapshot.from_buffer(_packed(session, fingerprint))
    path = Path(folder) / f"{fingerprint}{SUFFIX}"
    try:
        return fingerprint, CatalogSnapshot.from_buffer(_map(path))
    except (FileNotFoundError, ValueError):
        pass
    with _locked(Path(folder)):
        try:   # another process may have written it while this one waited for the lock
            return fingerprint, CatalogSnapshot.from_buffer(_map(path))
        except (FileNotFoundError, ValueError):
            _write(path, _packed(session, fingerprint))
    return fingerprint, CatalogSnapshot.from_buffer(_map(path))


def _packed(session: Session, fingerprint: str) -> bytes:
    data = catalog_store.stored_pack(session, fingerprint)
    if data is not None:
        return data
    log.info("catalog %s has no stored pack of format %d; packing its rows", fingerprint[:12], FORMAT)
    records = catalog_store.load_catalog(session)
    if records is None:
        raise LookupError("the catalog was removed while it was being loaded")
    return pack_catalog(records)


def _map(path: Path) -> mmap.mmap:
    """The file mapped read-only (the mapping outlives the file descriptor)."""
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    temp.replace(path)
    for old in path.parent.glob("*.pack"):
        if old != path:
            old.unlink(missing_ok=True)
    log.info("catalog snapshot written to %s (%.1f MB)", path, len(data) / 1e6)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
