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
from parsers.formats.mail import part_name
from review.marks import page_frames
from review.originals import PAGE_KINDS, PageSet


@dataclass(frozen=True)
class Attachment:
    """One attachment of a message, as the reader saw it."""

    index: int          # among the message's attachments (the `/parts/{index}` download)
    name: str           # its file name as the reader decodes it ("" when it has none)
    kind: str           # what its bytes are (parsers.detect): pdf, tiff, png, jpeg, zip, ...
    data: bytes

    def holds(self, part: str | None) -> bool:
        """Whether an order whose source part is `part` was read from this attachment; the reader
        calls an attachment with no name "attachment-<n>.<ext>", n counted from 1."""
        if not part:
            return False
        return part == self.name if self.name else part.startswith(f"attachment-{self.index + 1}.")

    @property
    def prefix(self) -> str:
        """What its pages' figure ids and the marks pointing at them carry before the page number."""
        return f"a{self.index}-"


def attachments(message: EmailMessage) -> list[Attachment]:
    """The message's attachments in order (a forwarded message is one, with no bytes of its own)."""
    found = []
    for index, part in enumerate(message.iter_attachments()):
        data = b"" if part.get_content_type() == "message/rfc822" else (part.get_payload(decode=True) or b"")
        name = part_name(part) or part.get_filename() or ""
        found.append(Attachment(index, name, sniff(data, name).magic if data else "empty", data))
    return found


def attachment_named(found: list[Attachment], part: str) -> Attachment | None:
    """The attachment an order with source part `part` was read from, if it is one of these."""
    return next((a for a in found if a.holds(part)), None)


def page_sets(found: list[Attachment], orders: list[dict[str, Any]],
              count: Callable[[Attachment], int]) -> tuple[list[PageSet], dict[str, str]]:
    """The PDF and picture attachments as page sets (their pages counted by `count`), and for
    each source part orders were read from one of them, the prefix their marks carry."""
    sets: list[PageSet] = []
    prefixes: dict[str, str] = {}
    for attachment in found:
        if attachment.kind not in PAGE_KINDS:
            continue
        read = [o for o in orders if attachment.holds(_part(o))]
        sets.append(PageSet(count(attachment), f"parts/{attachment.index}/pages", attachment.prefix,
                            attachment.name or f"#{attachment.index + 1}", page_frames(read)))
        prefixes.update({_part(o): attachment.prefix for o in read})
    return sets, prefixes


def _part(order: dict[str, Any]) -> str | None:
    return (order["order"].get("source") or {}).get("part")
