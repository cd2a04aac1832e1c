"""What a parser may know besides the bytes: passed in, never looked up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ParseContext:
    """Facts from around the document.

    `path` is the document as it arrived and `part` the attachment name inside it (or None);
    `sender` and `sent` come from the e-mail around an attachment, so a spreadsheet inside a
    mail knows who sent it and when; `subject` lets a change order say so in its subject.
    `max_bytes` bounds what a parser is willing to read; `depth` counts how far inside
    attachments and archives the document sits, so nesting cannot recurse without end.
    """

    path: str
    part: str | None = None
    sender: str | None = None
    sender_name: str | None = None
    sent: date | None = None
    subject: str | None = None
    max_bytes: int = 64 * 1024 * 1024
    depth: int = 0
