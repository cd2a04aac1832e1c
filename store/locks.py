"""Locks that let one node at a time watch a mailbox folder.

On PostgreSQL (several nodes) a session advisory lock, held on a connection of its own: when
the holding node dies its connection closes and the server frees the lock at once (a node cut
off without closing is noticed by TCP keepalives within about half a minute). On SQLite (one
machine) an flock on a file under the node's lock folder. Both answer `check()`, so a holder
that lost its lock (its database connection broke) stops watching.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import re
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# Server-side keepalives on the lock's connection: a holder that vanished without closing its
# socket (power cut, network gone) is dropped, and its lock freed, within ~10 + 5 * 3 s.
KEEPALIVE_OPTIONS = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"


class FolderLock(Protocol):
    """A lock one watcher holds while it watches its folder."""

    name: str

    def acquire(self) -> bool:
        """Take the lock if it is free; True when held (also when already held)."""

    def check(self) -> bool:
        """True while the lock is still held (for a database lock: its connection answers)."""

    def release(self) -> None:
        """Give the lock up (never raises)."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(f"orderdesk:{name}".encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session advisory lock for `name`, on a connection that is not pooled."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.name = name
        self.key = lock_key(name)
        self._engine = sa.create_engine(
            engine.url, poolclass=NullPool,
            connect_args={"options": KEEPALIVE_OPTIONS, "keepalives": 1, "keepalives_idle": 10,
                          "keepalives_interval": 5, "keepalives_count": 3})
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            return self.check()
        connection = self._engine.connect()
        try:
            got = bool(connection.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
            connection.commit()
        except BaseException:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def check(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(sa.text("SELECT 1"))
            self._connection.commit()
            return True
        except sa.exc.SQLAlchemyError as e:
            log.warning("lock %s: its database connection broke (%s); the lock is lost", self.name, e)
            self.release()
            return False

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            connection.commit()
        except sa.exc.SQLAlchemyError:
            pass  # a broken connection holds nothing any more
        finally:
            connection.close()


class FileLock:
    """An flock on `folder/<name>.lock`: one watcher per folder among the processes of a machine."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        self.path = Path(folder) / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def check(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing drops the flock


def folder_lock(engine: Engine, name: str, lock_dir: Path) -> FolderLock:
    """The lock that fits the database: advisory on PostgreSQL, a file lock otherwise."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    return FileLock(lock_dir, name)
