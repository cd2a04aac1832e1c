"""Fakes of the I/O seams, for fast unit tests of the logic around them.

`FakeMailbox` is an in-memory `connectors.imap.MailboxLike`: folders with a UIDVALIDITY,
messages with UIDs and flags, a switch that makes the "server" unreachable, and a log of
calls so a test can check the order of ingest and acknowledgement.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from connectors.errors import TransientError


@dataclass
class FakeFolder:
    uidvalidity: int
    next_uid: int = 1
    messages: dict[int, tuple[bytes, set[str]]] = field(default_factory=dict)
    arrived: dict[int, date] = field(default_factory=dict)   # INTERNALDATE; absent = today


class FakeMailbox:
    """One in-memory account; `connect()` hands out this same object, like a reconnect would."""

    def __init__(self, *, can_idle: bool = True) -> None:
        self.can_idle = can_idle
        self.folders: dict[str, FakeFolder] = {"INBOX": FakeFolder(uidvalidity=1)}
        self.down = False              # True: every call raises TransientError
        self.calls: list[tuple] = []
        self.connects = 0
        self._changed = threading.Condition()
        self._next_validity = 2

    # --- what a test does to the "server" -----------------------------------------------

    def append(self, data: bytes, folder: str = "INBOX", flags: tuple[str, ...] = (),
               arrived: date | None = None) -> int:
        with self._changed:
            box = self.folders.setdefault(folder, FakeFolder(uidvalidity=self._validity()))
            uid = box.next_uid
            box.next_uid += 1
            box.messages[uid] = (data, set(flags))
            if arrived is not None:
                box.arrived[uid] = arrived
            self._changed.notify_all()
        return uid

    def recreate(self, folder: str = "INBOX") -> None:
        """Delete and recreate `folder`: empty, with a new UIDVALIDITY and UIDs from 1."""
        self.folders[folder] = FakeFolder(uidvalidity=self._validity())

    def _validity(self) -> int:
        self._next_validity += 1
        return self._next_validity - 1

    def connect(self) -> "FakeMailbox":
        self._check("connect")
        self.connects += 1
        return self

    # --- MailboxLike --------------------------------------------------------------------

    def select(self, folder: str) -> int:
        self._check("select", folder)
        self.selected = folder
        return self.folders[folder].uidvalidity

    def search_new(self, after_uid: int, *, without_flag: str | None = None,
                   since: date | None = None) -> list[int]:
        self._check("search_new", after_uid, without_flag)
        box = self.folders[self.selected]
        return sorted(uid for uid, (_, flags) in box.messages.items()
                      if uid > after_uid and "\\Deleted" not in flags
                      and (without_flag is None or without_flag not in flags)
                      and (since is None or box.arrived.get(uid, date.today()) >= since))

    def fetch(self, uid: int) -> bytes | None:
        self._check("fetch", uid)
        found = self.folders[self.selected].messages.get(uid)
        return None if found is None else found[0]

    def move(self, uid: int, folder: str) -> None:
        self._check("move", uid, folder)
        data, flags = self.folders[self.selected].messages.pop(uid)
        arrived = self.folders[self.selected].arrived.pop(uid, None)
        self.append(data, folder, tuple(flags), arrived)

    def flag(self, uid: int, flag: str) -> None:
        self._check("flag", uid, flag)
        self.folders[self.selected].messages[uid][1].add(flag)

    def idle_wait(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        self._check("idle_wait", timeout)
        with self._changed:
            return self._changed.wait(timeout=min(timeout, 0.2))

    def close(self) -> None:
        self.calls.append(("close",))

    def _check(self, *call: object) -> None:
        self.calls.append(call)
        if self.down:
            raise TransientError(f"fake server unreachable during {call[0]}")
