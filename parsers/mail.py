"""E-mail (RFC 5322 + MIME): the body's order lines and every attachment, each to its own parser.

The sender, date and subject of the message travel with each attachment in the
`ParseContext`, so a spreadsheet inside a mail knows who sent it.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Callable

from parsers import textlines
from parsers.context import ParseContext
from parsers.detect import sniff
from parsers.errors import ParseError
from parsers.model import ParseResult, SourceKind

ParsePart = Callable[[bytes, ParseContext], ParseResult]

MAX_DEPTH = 5
MAX_PARTS = 200
_IMAGE_MAGIC = ("png", "jpeg", "gif")
# The banner a mail program writes above a forwarded message, then the original's From line.
_FORWARD_BANNER = re.compile(
    r"^[-\s]*(forwarded message|original message|begin forwarded message|转发的邮件|原始邮件|转发邮件)[-\s:：]*$",
    re.IGNORECASE | re.MULTILINE)
_FORWARD_FROM = re.compile(r"^\s*(from|发件人)\s*[:：]\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def parse(data: bytes, ctx: ParseContext, *, parse_part: ParsePart) -> ParseResult:
    """Read the orders in a message: its body and its attachments, in that order."""
    if ctx.depth > MAX_DEPTH:
        raise ParseError("The message is nested inside other messages too deeply to be read.")
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise ParseError("The file does not look like an e-mail message.")
    mctx = _message_context(msg, ctx)
    mctx = _forwarded_sender(msg, mctx)
    result = _body_orders(msg, mctx)
    for count, part in enumerate(_attachments(msg)):
        if count >= MAX_PARTS:
            raise ParseError("The message has more attachments than orderdesk will open.")
        result += _attachment_orders(part, mctx, parse_part)
    if not result.orders and not result.failures and not result.not_orders:
        result += ParseResult(not_orders=("The message holds no purchase order.",))
    return result


def _message_context(msg: EmailMessage, ctx: ParseContext) -> ParseContext:
    sender_name, sender = _first_address(msg.get("From", ""))
    sent = None
    try:
        if msg["Date"]:
            sent = parsedate_to_datetime(str(msg["Date"])).date()
    except (TypeError, ValueError, IndexError):
        sent = None
    subject = str(msg.get("Subject", "") or "")
    return replace(ctx, sender=sender or ctx.sender, sender_name=sender_name or ctx.sender_name,
                   sent=sent or ctx.sent, subject=subject or ctx.subject)


def _forwarded_sender(msg: EmailMessage, ctx: ParseContext) -> ParseContext:
    """When the body forwards another message, the order is that message's: so is the sender."""
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ctx
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    banner = _FORWARD_BANNER.search(text)
    if banner is None:
        return ctx
    header = _FORWARD_FROM.search(text, banner.end(), banner.end() + 400)
    if header is None:
        return ctx
    name, addr = _first_address(header.group(2))
    return replace(ctx, sender=addr, sender_name=name) if addr else ctx


def _first_address(header: str) -> tuple[str | None, str | None]:
    try:
        pairs = getaddresses([str(header)])
    except (TypeError, ValueError, IndexError):
        return None, None
    for name, addr in pairs:
        if "@" in addr:
            return (name or None), addr.strip().lower()
    return None, None


def _body_orders(msg: EmailMessage, ctx: ParseContext) -> ParseResult:
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None or body.get_filename():
        return ParseResult()
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return textlines.orders_from_text(text, ctx, SourceKind.EMAIL)


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError):
        pass
    raw = part.get_payload(decode=True) or b""
    for charset in (part.get_content_charset() or "utf-8", "gb18030", "utf-8", "latin-1"):
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def _attachments(msg: EmailMessage):
    """Every part that is not the chosen body text, whatever its Content-Disposition says."""
    skip = {id(msg.get_body(preferencelist=("plain", "html"))), id(msg.get_body(preferencelist=("html",)))}
    yield from _leaves(msg, skip)


def _leaves(part: EmailMessage, skip: set[int]):
    # A forwarded message (message/rfc822) is one attachment: the nested parse reads its insides.
    for child in part.iter_parts() if part.is_multipart() else ():
        if id(child) in skip:
            continue
        if child.get_content_type() == "message/rfc822":
            yield child
        elif child.is_multipart():
            yield from _leaves(child, skip)
        elif child.get_filename() or child.get_content_maintype() != "text":
            yield child


def _attachment_orders(part: EmailMessage, ctx: ParseContext, parse_part: ParsePart) -> ParseResult:
    name = part.get_filename() or None
    child = replace(ctx, part=name, depth=ctx.depth + 1)
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        return parse_part(data, child)
    data = part.get_payload(decode=True) or b""
    s = sniff(data, name)
    if s.magic == "zip" and s.zip_kind is None:
        return zip_orders(data, child, parse_part=parse_part)
    result = parse_part(data, child)
    if s.magic in _IMAGE_MAGIC and not result.orders:
        # A logo or a signature picture is not a failed order.
        return ParseResult(not_orders=(f"The picture {name or 'in the message'} holds no order.",))
    return result


def zip_orders(data: bytes, ctx: ParseContext, *, parse_part: ParsePart) -> ParseResult:
    """Every member of a zip archive, each to its own parser, within the size limits."""
    if ctx.depth > MAX_DEPTH:
        raise ParseError("The archive is nested inside other archives too deeply to be read.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ParseError(f"The zip archive {ctx.part or ''} is damaged.".replace("  ", " "))
    if len(members) > MAX_PARTS or sum(m.file_size for m in members) > ctx.max_bytes:
        raise ParseError("The zip archive unpacks to more than orderdesk will open (a zip bomb?).")
    result = ParseResult()
    for member in members:
        with archive.open(member) as fh:
            content = fh.read(ctx.max_bytes + 1)
        if len(content) > ctx.max_bytes:
            raise ParseError("The zip archive unpacks to more than orderdesk will open (a zip bomb?).")
        result += parse_part(content, replace(ctx, part=member.filename, depth=ctx.depth + 1))
    return result


class _TextOfHtml(HTMLParser):
    """HTML to text that keeps table rows on one line, cells apart by tabs.

    Paragraphs and breaks inside a cell (Outlook wraps every cell in a <p>) become spaces,
    so a row stays one line.
    """

    _BREAKS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table"}
    _HIDDEN = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0
        self._cell = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._HIDDEN:
            self._skip += 1
        elif tag in ("td", "th"):
            self._cell += 1
            self.out.append("\t")
        elif tag == "tr":
            self._cell = 0
            self.out.append("\n")
        elif tag in self._BREAKS:
            self.out.append(" " if self._cell else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._cell = max(0, self._cell - 1)
        elif tag in ("tr", "table"):
            self._cell = 0
            self.out.append("\n")
        elif tag in self._BREAKS:
            self.out.append(" " if self._cell else "\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(" ".join(data.split()) if "\n" in data else data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body, table cells separated by tabs, one row per line."""
    p = _TextOfHtml()
    p.feed(html)
    p.close()
    lines = ("\t".join(c.strip() for c in ln.split("\t")).strip("\t ") for ln in "".join(p.out).split("\n"))
    return "\n".join(ln for ln in lines if ln)
