"""E-mail (RFC 5322 + MIME): the body's order lines and every attachment, each to its own parser.

The sender, date and subject of the message travel with each attachment in the
`ParseContext`, so a spreadsheet inside a mail knows who sent it. Charsets, encoded words and
file names are read by `mailtext`, which does not trust what a message declares; HTML bodies
become text by `htmltables`. Forwarded messages (message/rfc822) are read here, recursively,
within the depth and part limits, which are checked before anything else is looked at.
"""
from __future__ import annotations

import base64
import binascii
import io
import mimetypes
import quopri
import re
import zipfile
from dataclasses import replace
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Callable, Iterator

from PIL import Image, UnidentifiedImageError

from parsers.layout import textlines
from parsers.context import ParseContext
from parsers.detect import sniff
from parsers.errors import ParseError
from parsers.formats.htmltables import html_to_text
from parsers.formats.mailtext import decode_header, decode_text, eight_bit, filename, header_params
from parsers.vocab.dates import read_date
from parsers.model import CandidateKind, CustomerCandidate, FailedPart, ParseResult, SourceKind, SourceRef

ParsePart = Callable[[bytes, ParseContext], ParseResult]

MAX_DEPTH = 5            # messages forwarded inside messages, archives inside archives
MAX_PARTS = 500          # MIME parts in one message, all levels together
MAX_NESTING = 30         # multiparts inside multiparts
MAX_HEADER = 64 * 1024   # one header's length; real ones are a few hundred bytes
_IMAGE_MAGIC = ("png", "jpeg", "gif")
BODY_TYPES = ("text/plain", "text/html")
# A logo, an icon or a signature picture: too small to be a photographed or scanned order.
_MIN_ORDER_IMAGE_SIDE = 300
# Mailboxes that send on someone's behalf: the person is in Reply-To.
_ROBOT = re.compile(r"(?i)^(no-?reply|do-?not-?reply|donotreply|e?-?fax\W?\w*|"
                    r"postmaster|mailer-daemon|notifications?|notify|system|auto\w*|bounce\w*|mailer)$")
_FORWARD_BANNER = re.compile(
    r"^[-\s>]*(forwarded message|original message|begin forwarded message|转发的邮件|原始邮件|转发邮件)[-\s:：]*$",
    re.IGNORECASE | re.MULTILINE)
_FORWARD_DATE = re.compile(r"^[\s>]*(date|sent|发送时间|發送時間|时间|日期|gesendet|datum|enviado|fecha|envoyé|date)\s*[:：]\s*(.+)$",
                           re.IGNORECASE | re.MULTILINE)
_FORWARD_FROM = re.compile(r"^[\s>]*(from|发件人|寄件者)\s*[:：]\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def parse(data: bytes, ctx: ParseContext, *, parse_part: ParsePart) -> ParseResult:
    """Read the orders in a message: its body and its attachments, in that order."""
    if ctx.depth > MAX_DEPTH:
        raise ParseError("The message is nested inside other messages too deeply to be read.")
    return _message_orders(read_message(data), ctx, parse_part)


def read_message(data: bytes) -> EmailMessage:
    """Parse a message with the modern policy, refusing, with one sentence, structures no real mail has."""
    if data.count(b"\n--") > 2 * MAX_PARTS + 100:
        raise ParseError("The message has more parts than orderdesk will open.")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise ParseError("The message is nested too deeply to be read.") from None
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise ParseError("The file does not look like an e-mail message.")
    _check_structure(msg)
    return msg


def _check_structure(msg: EmailMessage) -> None:
    """Count parts, nesting and header lengths without recursion, before any header is interpreted."""
    stack: list[tuple[EmailMessage, int, int]] = [(msg, 0, 0)]
    parts = 0
    while stack:
        part, messages, multiparts = stack.pop()
        parts += 1
        if parts > MAX_PARTS:
            raise ParseError("The message has more parts than orderdesk will open.")
        if messages > MAX_DEPTH or multiparts > MAX_NESTING:
            raise ParseError("The message is nested inside other messages too deeply to be read.")
        if any(len(value) > MAX_HEADER for _name, value in part.raw_items()):
            raise ParseError("The message has a header far longer than any real mail's.")
        payload = part.get_payload()
        if isinstance(payload, list):
            inner = str(part.get("Content-Type", "")).lower().startswith("message/")
            for child in payload:
                if isinstance(child, EmailMessage):
                    stack.append((child, messages + inner, multiparts + (not inner)))


def _message_orders(msg: EmailMessage, ctx: ParseContext, parse_part: ParsePart) -> ParseResult:
    mctx = message_context(msg, ctx)
    body, result = _body(msg, mctx)
    parts = list(_attachments(msg, body))
    # A fax server mails a scanned order as the message's only attachment, a picture: what the
    # fax reader makes of it stands, and a scan nothing can be read from is a failed order.
    lone_scan = len(parts) == 1 and not result.orders and _is_scan(parts[0])
    for n, part in enumerate(parts, start=1):
        result += _scan_orders(part, n, mctx, parse_part) if lone_scan else _attachment_orders(part, n, mctx, parse_part)
    result = _with_envelope_hints(result, msg, mctx)
    if not result.orders and not result.failures and not result.not_orders:
        result += ParseResult(not_orders=("The message holds no purchase order.",))
    return result


# --- who sent it, when, about what ------------------------------------------------------------

def _with_envelope_hints(result: ParseResult, msg: EmailMessage, ctx: ParseContext) -> ParseResult:
    """The sender and the Reply-To address join the customer hints of the orders this mail carries."""
    hints = [CustomerCandidate(CandidateKind.SENDER, ctx.sender)] if ctx.sender else []
    hints += [CustomerCandidate(CandidateKind.REPLY_TO, addr) for _n, addr in addresses(_raw(msg, "Reply-To"))
              if addr != ctx.sender]
    if not hints:
        return result
    orders = tuple(replace(o, buyer=replace(o.buyer, candidates=o.buyer.candidates + tuple(hints)))
                   if o.buyer.email == ctx.sender else o for o in result.orders)
    return replace(result, orders=orders)


def _raw(part: EmailMessage, name: str) -> str | None:
    """A header as written (the modern policy's header objects are slow and fail on broken ones)."""
    lname = name.lower()
    for key, value in part.raw_items():
        if key.lower() == lname:
            return eight_bit(str(value))
    return None


def addresses(value: str | None) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of an address header, names decoded."""
    if not value:
        return []
    try:
        pairs = getaddresses([value[:8192]])
    except (TypeError, ValueError, IndexError):
        return []
    return [(decode_header(name), addr.strip().lower()) for name, addr in pairs if "@" in addr]


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1]


def message_context(msg: EmailMessage, ctx: ParseContext) -> ParseContext:
    """The context of a message's body and attachments: its customer's address, date and subject."""
    sent = _sent(_raw(msg, "Date"))
    subject = decode_header(_raw(msg, "Subject"))[:1000]
    name, sender = _sender(msg)
    own = _from_address(msg)
    if sender and own and sender != own:  # one of ours forwarded the customer's mail: its date is the order's
        sent = _forwarded_date(msg) or sent
    return replace(ctx, sender=sender or ctx.sender, sender_name=name or ctx.sender_name,
                   sent=sent or ctx.sent, subject=subject or ctx.subject)


def _sent(value: str | None) -> date | None:
    try:
        return parsedate_to_datetime(value).date() if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _sender(msg: EmailMessage) -> tuple[str | None, str | None]:
    """The customer's address: From; Reply-To when From is a robot (no-reply, fax server) or one
    of ours; the forwarded original's From when one of ours forwards the customer's mail.
    "Ours" is told from the message alone: the From shares its domain with a recipient."""
    sender = next(iter(addresses(_raw(msg, "From"))), None)
    if sender is None:
        return None, None
    recipients = addresses(_raw(msg, "To")) + addresses(_raw(msg, "Cc")) + addresses(_raw(msg, "Delivered-To"))
    internal = any(_domain(addr) == _domain(sender[1]) for _n, addr in recipients)
    if internal:
        original = _forwarded_sender(msg)
        if original and _domain(original[1]) != _domain(sender[1]):
            return original
    reply_to = next(iter(addresses(_raw(msg, "Reply-To"))), None)
    robot = _ROBOT.match(sender[1].split("@", 1)[0]) is not None
    if reply_to and reply_to[1] != sender[1] and (internal or robot):
        return reply_to
    return (sender[0] or None), sender[1]


def _from_address(msg: EmailMessage) -> str | None:
    return next((addr for _n, addr in addresses(_raw(msg, "From"))), None)


def _forwarded_block(msg: EmailMessage) -> str | None:
    """The header lines under a forward banner in the body (From, Date, Subject ...), if any."""
    body = _first_body(msg)
    if body is None:
        return None
    text = _text_of(body)
    if body.get_content_type() == "text/html":
        text = html_to_text(text)  # the banner's lines are paragraphs and breaks there
    banner = _FORWARD_BANNER.search(text)
    return text[banner.end():banner.end() + 600] if banner else None


def _forwarded_sender(msg: EmailMessage) -> tuple[str | None, str] | None:
    """The From line under a forward banner in the body, if the body forwards a message."""
    block = _forwarded_block(msg)
    header = _FORWARD_FROM.search(block) if block else None
    found = addresses(header.group(2)) if header else []
    return (found[0][0] or None, found[0][1]) if found else None


def _forwarded_date(msg: EmailMessage) -> date | None:
    """The Date / Sent line under a forward banner: when the customer sent the order forwarded to us."""
    block = _forwarded_block(msg)
    line = _FORWARD_DATE.search(block) if block else None
    if line is None:
        return None
    return _sent(line.group(2)) or read_date(line.group(2)).value


# --- the body -------------------------------------------------------------------------------------

def _is_attachment(part: EmailMessage) -> bool:
    disposition = (_raw(part, "Content-Disposition") or "").strip().lower()
    return disposition.startswith("attachment") or part_name(part) is not None


def _first_body(msg: EmailMessage, prefer: tuple[str, ...] = ("plain", "html")) -> EmailMessage | None:
    try:
        body = msg.get_body(preferencelist=prefer)
    except (KeyError, IndexError, ValueError):
        return None
    if body is None or body.get_content_type() not in BODY_TYPES or _is_attachment(body):
        return None
    return body


def _body(msg: EmailMessage, ctx: ParseContext) -> tuple[EmailMessage | None, ParseResult]:
    """The body part orders are read from, and what it holds. Of two alternatives, the HTML one when
    it has a table (a mail program's plain version of a table loses its columns), else the plain
    one; the other only when the first holds no order. Never both: they are one order."""
    plain, html = _first_body(msg, ("plain",)), _first_body(msg, ("html",))
    html_source = _text_of(html) if html is not None else ""
    readers = [(plain, lambda: _text_of(plain)), (html, lambda: html_to_text(html_source))]
    if "<table" in html_source.lower():
        readers.reverse()
    readers = [(part, read) for part, read in readers if part is not None]
    chosen: tuple[EmailMessage | None, ParseResult] = (None, ParseResult())
    for part, read in readers:
        result = textlines.orders_from_text(read(), ctx, SourceKind.EMAIL)
        if chosen[0] is None or result.orders:
            chosen = (part, result)
        if result.orders:
            break
    return chosen


def _text_of(part: EmailMessage | None) -> str:
    """A text part's characters: the transfer encoding undone, the charset checked against the bytes."""
    if part is None:
        return ""
    raw = part.get_payload(decode=True) or b""
    charset = header_params(_raw(part, "Content-Type"), None).get_content_charset(None)
    return decode_text(raw, charset)


# --- attachments ---------------------------------------------------------------------------------

def part_name(part: EmailMessage) -> str | None:
    """The decoded file name of a part (RFC 2231, RFC 2047 in quotes, raw 8-bit), or None."""
    return filename(_raw(part, "Content-Type"), _raw(part, "Content-Disposition"))


def _attachments(msg: EmailMessage, body: EmailMessage | None) -> Iterator[EmailMessage]:
    """Every part that is not a body text, whatever its Content-Disposition says (Apple Mail marks
    attachments inline). A forwarded message is one attachment: it is read as a message."""
    if msg.get_content_type() == "message/rfc822":
        yield msg  # the whole message wraps another one
        return
    if not msg.is_multipart():
        if msg is not body and msg.get_content_type() not in BODY_TYPES:
            yield msg
        return
    stack = list(reversed(msg.get_payload()))
    while stack:
        part = stack.pop()
        if part is body:
            continue
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or not part.is_multipart():
            if not ctype.startswith("text/") or _is_attachment(part) or ctype not in (*BODY_TYPES, "text/enriched"):
                yield part
            continue
        stack.extend(reversed(part.get_payload()))


def _made_up_name(part: EmailMessage, data: bytes, n: int) -> str:
    """A name for an attachment that has none, from what its bytes are, else its content type."""
    magic = sniff(data).magic
    ext = {"pdf": ".pdf", "tiff": ".tif", "png": ".png", "jpeg": ".jpg", "gif": ".gif", "mail": ".eml"}.get(magic)
    if ext is None and sniff(data).zip_kind:
        ext = "." + str(sniff(data).zip_kind)
    ext = ext or mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"attachment-{n}{ext}"


def _attachment_orders(part: EmailMessage, n: int, ctx: ParseContext, parse_part: ParsePart) -> ParseResult:
    if part.get_content_type() == "message/rfc822":
        return _forwarded_orders(part, n, ctx, parse_part)
    data = part.get_payload(decode=True) or b""
    name = part_name(part) or _made_up_name(part, data, n)
    child = replace(ctx, part=name, depth=ctx.depth + 1)
    s = sniff(data, name)
    if s.magic in _IMAGE_MAGIC and is_decoration(data):
        return ParseResult(not_orders=(f"The picture {name} is too small to hold an order (a logo or an icon).",))
    if s.magic == "zip" and s.zip_kind is None:
        return _no_fax_email(zip_orders(data, child, parse_part=parse_part))
    result = _no_fax_email(parse_part(data, child))
    if s.magic in _IMAGE_MAGIC and not result.orders:
        # A photo of the factory or a product is not a failed order.
        return ParseResult(not_orders=(f"The picture {name} holds no order.",))
    return result


def _is_scan(part: EmailMessage) -> bool:
    """A picture attachment (PNG, JPEG, GIF, TIFF) big enough to be a scanned page."""
    if part.get_content_type() == "message/rfc822":
        return False
    data = part.get_payload(decode=True) or b""
    return sniff(data).magic in (*_IMAGE_MAGIC, "tiff") and not is_decoration(data)


def _scan_orders(part: EmailMessage, n: int, ctx: ParseContext, parse_part: ParsePart) -> ParseResult:
    """The message's only attachment, a scanned page, read by the fax reader; never "no order" by default."""
    data = part.get_payload(decode=True) or b""
    name = part_name(part) or _made_up_name(part, data, n)
    child = replace(ctx, part=name, depth=ctx.depth + 1)
    result = _no_fax_email(parse_part(data, child))
    if result.orders or result.failures or result.not_orders:
        return result
    return ParseResult(failures=(FailedPart(SourceRef(ctx.path, name, SourceKind.FAX),
                                            f"The message's only attachment, the scanned page {name}, should hold an "
                                            "order but nothing could be read from it; it needs a person to read it."),))


def _forwarded_orders(part: EmailMessage, n: int, ctx: ParseContext, parse_part: ParsePart) -> ParseResult:
    """A message attached to the message (forwarded as an attachment): read it as a message."""
    inner = forwarded_message(part)
    if inner is None:
        return ParseResult(not_orders=("An attached message is empty.",))
    if ctx.depth + 1 > MAX_DEPTH:
        raise ParseError("The message is nested inside other messages too deeply to be read.")
    subject = decode_header(_raw(inner, "Subject"))
    name = part_name(part) or f"{subject or f'attachment-{n}'}.eml"
    return _message_orders(inner, replace(ctx, part=name, depth=ctx.depth + 1), parse_part)


def forwarded_message(part: EmailMessage) -> EmailMessage | None:
    """The message a message/rfc822 part holds (None when it holds none); also when, against the
    rules but commonly, the attached message itself came base64- or quoted-printable-encoded.
    `ParseError` when that encoding is broken or the message is no message."""
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else None
    if not isinstance(inner, EmailMessage):
        return None
    cte = (_raw(part, "Content-Transfer-Encoding") or "").strip().lower()
    if cte in ("base64", "quoted-printable") and not inner.keys():
        inner = read_message(_undo_transfer_encoding(str(inner.get_payload()), cte))
    return inner


def _undo_transfer_encoding(text: str, cte: str) -> bytes:
    raw = text.encode("ascii", "surrogateescape")
    try:
        return base64.b64decode(raw) if cte == "base64" else quopri.decodestring(raw)
    except (binascii.Error, ValueError):
        raise ParseError("An attached message is encoded wrongly and cannot be read.") from None


def _no_fax_email(result: ParseResult) -> ParseResult:
    """A faxed order reached us through a fax server's mailbox, not the customer's: it has no e-mail."""
    if not any(o.source.kind is SourceKind.FAX and o.buyer.email for o in result.orders):
        return result
    orders = tuple(replace(o, buyer=replace(o.buyer, email=None)) if o.source.kind is SourceKind.FAX else o
                   for o in result.orders)
    return replace(result, orders=orders)


def is_decoration(data: bytes) -> bool:
    """A picture too small to be a scanned or photographed order (a logo, an icon, a signature
    picture): never read as an order, and the review desk offers it as a download, not a page."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False
    return min(width, height) < _MIN_ORDER_IMAGE_SIDE


def zip_orders(data: bytes, ctx: ParseContext, *, parse_part: ParsePart) -> ParseResult:
    """Every member of a zip archive, each to its own parser, within the size limits."""
    if ctx.depth > MAX_DEPTH:
        raise ParseError("The archive is nested inside other archives too deeply to be read.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ParseError(f"The zip archive {ctx.part or ''} is damaged.".replace("  ", " "))
    if members and members[0].filename == "mimetype":
        raise ParseError("The file is an OpenDocument or similar packaged document, which orderdesk cannot read.")
    if len(members) > MAX_PARTS or sum(m.file_size for m in members) > ctx.max_bytes:
        raise ParseError("The zip archive unpacks to more than orderdesk will open (a zip bomb?).")
    result = ParseResult()
    for member in members:
        try:
            with archive.open(member) as fh:
                content = fh.read(ctx.max_bytes + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
            raise ParseError(f"The zip archive member {member_name(member)} cannot be unpacked.") from None
        if len(content) > ctx.max_bytes:
            raise ParseError("The zip archive unpacks to more than orderdesk will open (a zip bomb?).")
        result += parse_part(content, replace(ctx, part=member_name(member), depth=ctx.depth + 1))
    return result


def member_name(member: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: Windows zips store Chinese names in GBK without saying so."""
    name = member.filename
    if not member.flag_bits & 0x800 and not name.isascii():
        raw = name.encode("cp437", errors="replace")
        name = decode_text(raw, None)
    return name.rsplit("/", 1)[-1] or name
