"""A mail's attachments as its case page shows them: named as the reader named them, so an
order read from one (its source part) finds it; PDFs and pictures as page images beside what
was read from them, each attachment's pages under their own figure ids (`a<index>-<page>`),
which the marks of the orders read from it point at.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from parsers.detect import sniff
from parsers.errors import ParseError
from parsers.formats.mail import BODY_TYPES, MAX_DEPTH, forwarded_message, part_name
from review.marks import page_frames
from review.originals import PAGE_KINDS, PageSet

PICTURE_KINDS = frozenset({"png", "jpeg", "gif"})   # pictures a mail may carry as decoration (not TIFF faxes)


@dataclass(frozen=True)
class Attachment:
    """One attachment of a message, as the reader saw it."""

    index: int          # among the message's attachments, forwarded ones' included (the `/parts/{index}` download)
    name: str           # its file name as the reader decodes it ("" when it has none)
    kind: str           # what its bytes are (parsers.detect): pdf, tiff, png, jpeg, zip, ...
    data: bytes
    number: int = 1     # its place among the attachments of the message it came in, from 1
    content_type: str = "application/octet-stream"

    def holds(self, part: str | None) -> bool:
        """Whether an order whose source part is `part` was read from this attachment; the reader
        calls an attachment with no name "attachment-<n>.<ext>", n counted from 1."""
        if not part:
            return False
        return part == self.name if self.name else part.startswith(f"attachment-{self.number}.")

    @property
    def prefix(self) -> str:
        """What its pages' figure ids and the marks pointing at them carry before the page number."""
        return f"a{self.index}-"


def attachments(message: EmailMessage) -> list[Attachment]:
    """The message's attachments in order; a forwarded message (message/rfc822) is one, its bytes
    the message, followed by its own attachments (the reader reads those too)."""
    found: list[Attachment] = []
    _collect(message, found, 0)
    return found


def _collect(message: EmailMessage, found: list[Attachment], depth: int) -> None:
    for number, part in enumerate(_parts(message), start=1):
        inner = _forwarded(part)
        data = _message_bytes(inner) if inner is not None else (part.get_payload(decode=True) or b"")
        name = part_name(part) or part.get_filename() or ""
        found.append(Attachment(len(found), name, sniff(data, name).magic if data else "empty", data, number,
                                part.get_content_type()))
        if inner is not None and depth < MAX_DEPTH:
            _collect(inner, found, depth + 1)


def _parts(message: EmailMessage) -> list[EmailMessage]:
    """The message's attachments; a message that is not multipart and whose one part is no body
    text (a PDF sent as the whole message) is its own attachment, as the reader reads it."""
    if not message.is_multipart():
        return [message] if message.get_content_type() not in BODY_TYPES else []
    return list(message.iter_attachments())


def _forwarded(part: EmailMessage) -> EmailMessage | None:
    """The message a message/rfc822 part holds, decoded as the reader decodes it; as attached
    when the reader could not decode it either (its bytes are still offered for download)."""
    if part.get_content_type() != "message/rfc822" or not part.is_multipart():
        return None
    try:
        return forwarded_message(part)
    except ParseError:
        return part.get_payload()[0]


def _message_bytes(message: EmailMessage) -> bytes:
    try:
        return message.as_bytes()
    except (LookupError, ValueError, TypeError):   # a header or charset the library cannot write back
        return b""


def attachment_named(found: list[Attachment], part: str) -> Attachment | None:
    """The attachment an order with source part `part` was read from, if it is one of these."""
    return next((a for a in found if a.holds(part)), None)


def page_sets(found: list[Attachment], orders: list[dict[str, Any]], count: Callable[[Attachment], int],
              decoration: Callable[[Attachment], bool]) -> tuple[list[PageSet], dict[str, str]]:
    """The PDF and picture attachments as page sets (their pages counted by `count`), and for
    each source part orders were read from one of them, the prefix their marks carry. A
    picture too small to be a page (`decoration`: a logo, a signature) stays a download only."""
    sets: list[PageSet] = []
    prefixes: dict[str, str] = {}
    for attachment in found:
        if attachment.kind not in PAGE_KINDS or (attachment.kind in PICTURE_KINDS and decoration(attachment)):
            continue
        read = [o for o in orders if attachment.holds(_part(o))]
        sets.append(PageSet(count(attachment), f"parts/{attachment.index}/pages", attachment.prefix,
                            attachment.name or f"#{attachment.index + 1}", page_frames(read)))
        prefixes.update({_part(o): attachment.prefix for o in read})
    return sets, prefixes


def _part(order: dict[str, Any]) -> str | None:
    return (order["order"].get("source") or {}).get("part")
