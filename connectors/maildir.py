"""Outgoing mail into a local maildir, for a laptop or a server with no SMTP relay configured.

One file per Message-ID: the file name is derived from the Message-ID, so delivering the same
mail again (after a crash between delivery and bookkeeping) replaces the file instead of adding
a second one. The folder is a standard maildir (`mailbox.Maildir` reads it); files appear in
`new/` by an atomic rename from `tmp/`.
"""
from __future__ import annotations

import hashlib
import os
import re
from email.message import EmailMessage
from pathlib import Path

from connectors.edi_drop import remove_stale_temps
from connectors.errors import PermanentError, TransientError

TEMP_NAME = re.compile(r"^[0-9a-f]{32}\.orderdesk\.(\d+)$")   # tmp/<name>.<writer's pid>


class MaildirTransport:
    """Delivers a message into `path` (created on first use) under a name fixed by its Message-ID."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def send(self, msg: EmailMessage, recipients: list[str]) -> None:
        """Store `msg`; `recipients` are kept in an X-Orderdesk-Rcpt header for inspection."""
        message_id = msg.get("Message-ID")
        if not message_id:
            raise PermanentError("a mail without a Message-ID cannot be delivered idempotently")
        name = hashlib.sha256(message_id.strip().encode()).hexdigest()[:32] + ".orderdesk"
        try:
            self._ensure_folders()
            if self._already_read(name):
                return
            data = _with_recipients(msg, recipients)
            temp = self.path / "tmp" / f"{name}.{os.getpid()}"
            with open(temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path / "new" / name)
        except OSError as exc:
            raise TransientError(f"cannot write to the maildir {self.path}: {exc}") from exc

    def remove_stale_temps(self) -> list[Path]:
        """Our half-written files in tmp/ left by a killed sender (see edi_drop.remove_stale_temps)."""
        return remove_stale_temps(self.path / "tmp", pattern=TEMP_NAME)

    def _ensure_folders(self) -> None:
        """tmp/, new/ and cur/, also inside a folder that already exists (mailbox.Maildir's
        create=True makes them only when the folder itself is missing)."""
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def _already_read(self, name: str) -> bool:
        """A reader moved it to cur/ (with ':2,flags'): it was delivered, leave it alone."""
        return any(p.name.split(":", 1)[0] == name for p in (self.path / "cur").iterdir())


def _with_recipients(msg: EmailMessage, recipients: list[str]) -> bytes:
    header = "X-Orderdesk-Rcpt: " + ", ".join(r.replace("\n", " ") for r in recipients) + "\n"
    return header.encode("utf-8") + msg.as_bytes()
