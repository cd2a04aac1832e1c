"""How the case page shows an original document: its kind decides.

PDFs and fax images become page images (rendered lazily, one page per request, cached);
EDI interchanges are listed segment by segment; e-mails show their headers, their text and
their HTML sanitised by nh3 (no script, no style, no image but the message's own `cid:` ones:
nothing that runs or loads from elsewhere), and their attachments as downloads;
other text is shown as text. Everything else is offered as a download only.
"""
from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import quote

import nh3

from parsers.detect import sniff

PAGE_SCALE = 1.4              # about 100 dpi for a letter page: readable on a laptop screen
MAX_TEXT_CHARS = 200_000
SAFE_TAGS = {"a", "b", "i", "u", "em", "strong", "p", "br", "div", "span", "table", "thead", "tbody",
             "tfoot", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4", "pre", "code",
             "blockquote", "hr", "caption", "font", "center", "small", "sub", "sup"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


@dataclass(frozen=True)
class MailView:
    headers: list[tuple[str, str]]
    text: str
    html: str                       # sanitised: safe to put into the page as it is
    attachments: list[str] = field(default_factory=list)   # names, by their index in the message


@dataclass(frozen=True)
class OriginalView:
    """What the left half of the case page shows."""

    kind: str                       # pages | segments | mail | text | download
    pages: int = 0
    segments: list[str] = field(default_factory=list)
    mail: MailView | None = None
    text: str = ""


def original_view(data: bytes, filename: str | None, *, cid_base: str | None = None) -> OriginalView:
    """Choose how to show a document from its bytes; an e-mail's `cid:` images point under
    `cid_base` (the desk serves them from the stored message)."""
    magic = sniff(data, filename).magic
    if magic == "pdf":
        return OriginalView("pages", pages=pdf_page_count(data))
    if magic in ("tiff", "png", "jpeg", "gif"):
        return OriginalView("pages", pages=image_page_count(data))
    if magic in ("x12", "edifact"):
        return OriginalView("segments", segments=edi_segments(data, magic))
    if magic == "mail":
        return OriginalView("mail", mail=mail_view(data, cid_base=cid_base))
    if magic == "text":
        return OriginalView("text", text=_decode(data)[:MAX_TEXT_CHARS])
    return OriginalView("download")


def edi_segments(data: bytes, magic: str) -> list[str]:
    """An interchange's segments, one string each, as the parsers split them."""
    if magic == "x12":
        from parsers.formats import x12_tokens

        text = x12_tokens.decode(data)
        return [s for seps, chunk in x12_tokens.split_interchanges(text) for s in x12_tokens.segments(chunk, seps)]
    from parsers.formats import edifact_tokens

    tokens = edifact_tokens.tokenise(edifact_tokens.decode(data))
    return [raw + tokens.syntax.terminator for raw in tokens.raw]


def _message(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)


def mail_view(data: bytes, *, cid_base: str | None = None) -> MailView:
    """Headers people read, the first text part, the first HTML part sanitised, attachment names."""
    message = _message(data)
    headers = [(name, str(message[name])) for name in ("From", "To", "Cc", "Date", "Subject") if message[name]]
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    return MailView(headers=headers, text=_content(text_part),
                    html=sanitise_html(_content(html_part), cid_base=cid_base), attachments=attachments)


def mail_attachment(data: bytes, index: int) -> tuple[str, bytes] | None:
    """The message's attachment `index` (file name, bytes), or None."""
    parts = list(_message(data).iter_attachments())
    if not 0 <= index < len(parts):
        return None
    part = parts[index]
    return part.get_filename() or f"attachment-{index + 1}", part.get_payload(decode=True) or b""


def mail_image(data: bytes, cid: str) -> tuple[str, bytes] | None:
    """The image the message's HTML names as `cid:<cid>` (content type, bytes), if it is one."""
    for part in _message(data).walk():
        if part.get("Content-ID", "").strip().strip("<>") == cid and part.get_content_type() in IMAGE_TYPES:
            return part.get_content_type(), part.get_payload(decode=True) or b""
    return None


def sanitise_html(html: str, *, cid_base: str | None = None) -> str:
    """HTML that can neither run nor load anything from elsewhere: no script, style, frames or
    handlers; images only from the message itself (`cid:`, served under `cid_base`)."""
    if not html:
        return ""
    tags, attributes = set(SAFE_TAGS), dict(SAFE_ATTRIBUTES)
    if cid_base is not None:
        tags.add("img")
        attributes["img"] = {"src", "alt", "width", "height"}

    def only_cid_images(tag: str, attribute: str, value: str) -> str | None:
        if value.startswith("cid:"):
            is_image = tag == "img" and attribute == "src" and cid_base is not None
            return cid_base + quote(value[4:], safe="") if is_image else None
        return None if (tag, attribute) == ("img", "src") else value

    return nh3.clean(html, tags=tags, attributes=attributes, url_schemes={"http", "https", "mailto", "cid"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True,
                     clean_content_tags={"script", "style", "title", "head"}, attribute_filter=only_cid_images)


def _content(part) -> str:
    if part is None:
        return ""
    try:
        return str(part.get_content())[:MAX_TEXT_CHARS]
    except (LookupError, ValueError):
        return _decode(part.get_payload(decode=True) or b"")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- page images ------------------------------------------------------------------------------


def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return 0
    try:
        return len(document)
    finally:
        document.close()


def image_page_count(data: bytes) -> int:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return getattr(image, "n_frames", 1)
    except OSError:
        return 0


def render_page(data: bytes, index: int) -> bytes | None:
    """Page `index` (0-based) of a PDF or a fax image as PNG; None when there is no such page."""
    magic = sniff(data).magic
    image = _pdf_page(data, index) if magic == "pdf" else _image_page(data, index)
    if image is None:
        return None
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _pdf_page(data: bytes, index: int):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        if not 0 <= index < len(document):
            return None
        return document[index].render(scale=PAGE_SCALE).to_pil()
    finally:
        document.close()


def _image_page(data: bytes, index: int):
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if not 0 <= index < getattr(image, "n_frames", 1):
            return None
        image.seek(index)
        return image.convert("L" if image.mode in ("1", "L", "P") else "RGB")


class PageCache:
    """The last `size` rendered pages, by (document hash, page), shared by the desk's threads."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> bytes | None:
        with self._lock:
            png = self._pages.get(key)
            if png is not None:
                self._pages.move_to_end(key)
            return png

    def put(self, key: tuple[str, int], png: bytes) -> None:
        with self._lock:
            self._pages[key] = png
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
