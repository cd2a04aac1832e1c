"""Header facts the ledger needs before a message is read: pure functions over raw bytes."""
from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

HEADER_LIMIT = 256 * 1024  # a header block longer than this is not a mail's


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """What the ledger and the outbox know of a mail before it is read."""

    message_id: str | None = None
    sender: str | None = None
    subject: str | None = None
    references: tuple[str, ...] = ()


def message_id_of(data: bytes) -> str | None:
    """The Message-ID header of a mail, stripped; None when it has none or the bytes are no mail.

    Only the header block is read (a `Message-ID:` line in the body does not count).
    """
    return mail_headers(data).message_id


def mail_headers(data: bytes) -> MailHeaders:
    """Message-ID, sender address, subject and references of a mail; empty for odd headers."""
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(_header_block(data))
        return MailHeaders(_text(headers, "Message-ID"), _sender(headers), _text(headers, "Subject"),
                           tuple((_text(headers, "References") or "").split()))
    except Exception:  # a malformed header is the reader's business, not the ledger's
        return MailHeaders()


def _header_block(data: bytes) -> bytes:
    head = data[:HEADER_LIMIT]
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = head.find(sep)
        if end >= 0:
            return head[: end + len(sep)]
    return head


def _text(headers: Message, name: str) -> str | None:
    value = headers.get(name)
    text = str(value).strip() if value else ""
    return text or None


def _sender(headers: Message) -> str | None:
    value = headers.get("From")
    addresses = getattr(value, "addresses", ()) if value is not None else ()
    return addresses[0].addr_spec if addresses else None
