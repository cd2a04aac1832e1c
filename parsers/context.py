"""What a parser may know besides the bytes: passed in, never looked up."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the OCR seam pulls in PIL; a context is built by code that never reads a fax
    from parsers.ocr import OcrEngine


@dataclass(frozen=True, slots=True)
class ParseContext:
    """Facts from around the document.

    `path` is the document as it arrived and `part` the attachment name inside it (or None);
    `sender` and `sent` come from the e-mail around an attachment, so a spreadsheet inside a
    mail knows who sent it and when; `subject` lets a change order say so in its subject.
    `max_bytes` bounds what a parser is willing to read; `depth` counts how far inside
    attachments and archives the document sits, so nesting cannot recurse without end.
    `ocr` is the engine that reads scanned pages; the composition root (the parse worker)
    passes one in, tests pass a scripted one; None means the fax reader makes its own.
    """

    path: str
    part: str | None = None
    sender: str | None = None
    sender_name: str | None = None
    sent: date | None = None
    subject: str | None = None
    max_bytes: int = 64 * 1024 * 1024
    depth: int = 0
    ocr: OcrEngine | None = field(default=None, compare=False, repr=False)
