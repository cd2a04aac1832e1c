"""How the case page shows an original document: its kind (found at arrival) decides.

PDFs and fax images become page images, drawn lazily (one page per request) in sandboxed
worker processes with a time and memory limit (`PageRenderer`, on pipeline.sandbox), so a
hostile PDF never runs pdfium in the desk's own process; images and page counts are cached;
EDI interchanges are listed segment by segment; e-mails show their headers, their text and
their HTML sanitised by nh3 (no script, no style, no image but the message's own `cid:` ones:
nothing that runs or loads from elsewhere), and their attachments as downloads;
other text is shown as text. Everything else is offered as a download only.
"""
from __future__ import annotations

import io
import logging
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import quote

import nh3

from parsers.build import a1_name
from pipeline.sandbox import CallSandbox, SandboxError

log = logging.getLogger(__name__)

PAGE_SCALE = 1.4              # about 100 dpi for a letter page: readable on a laptop screen
MAX_TEXT_CHARS = 200_000
SAFE_TAGS = {"a", "b", "i", "u", "em", "strong", "p", "br", "div", "span", "table", "thead", "tbody",
             "tfoot", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4", "pre", "code",
             "blockquote", "hr", "caption", "font", "center", "small", "sub", "sup"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
PAGE_KINDS = frozenset({"pdf", "tiff", "png", "jpeg", "gif"})
RENDER_TIMEOUT_S = 20         # one page, or one page count
SHEET_ROWS = 300              # a spreadsheet is shown up to this many rows and columns, with a note when cut
SHEET_COLS = 40
MAX_SHEET_BYTES = 16 * 1024 * 1024
RENDER_MEMORY_MB = 768


@dataclass(frozen=True)
class MailView:
    headers: list[tuple[str, str]]
    text: str
    html: str                       # sanitised: safe to put into the page as it is
    attachments: list[str] = field(default_factory=list)   # names, by their index in the message

    @property
    def lines(self) -> list[str]:
        """The text's lines as the reader numbers them (str.splitlines)."""
        return self.text.splitlines()

    @property
    def read_from_text(self) -> bool:
        """Whether an order in the body was read from this text: the reader prefers the HTML
        version when it holds a table (and the page shows that one as HTML, not as lines)."""
        return bool(self.text) and "<table" not in self.html.lower()


@dataclass(frozen=True)
class SheetView:
    """One sheet of a spreadsheet (or a CSV file) as a table, cut to SHEET_ROWS x SHEET_COLS.

    `prefix` is what the reader put before a cell's A1 name ("Sheet2!" in a workbook of several
    sheets, else nothing), after the mail attachment's name when the sheet is one ("po.xlsx/"),
    so a read cell's recorded name finds its cell here.
    """

    name: str
    prefix: str
    rows: list[list[str]]
    cut_rows: int = 0               # rows left out below
    cut_cols: int = 0               # columns left out on the right
    attachment: str = ""            # the mail attachment the sheet is, if it is one

    def cell(self, r: int, c: int) -> str:
        """The reader's name of the cell at row r, column c (0-based): "B7", "Sheet2!B7"."""
        return self.prefix + a1_name(r, c)

    @property
    def columns(self) -> list[str]:
        return [a1_name(0, c)[:-1] for c in range(max((len(row) for row in self.rows), default=0))]


@dataclass(frozen=True)
class PageSet:
    """The pages of one original shown as images: the document itself, or one mail attachment."""

    count: int
    path: str = "pages"             # where its page images are, under /documents/N/ (page number after)
    prefix: str = ""                # before a page's number in its figure id and in the marks pointing at it
    name: str = ""                  # the attachment's file name; "" for the document itself
    frames: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # page -> width, height, angle as read


@dataclass(frozen=True)
class OriginalView:
    """What the left half of the case page shows."""

    kind: str                       # pages | sheets | segments | mail | text | download
    page_sets: list[PageSet] = field(default_factory=list)   # the document's pages, or a mail's attachments'
    segments: list[str] = field(default_factory=list)
    mail: MailView | None = None
    text: str = ""
    sheets: list[SheetView] = field(default_factory=list)

    def shown_text(self, source_kind: str | None) -> list[str] | None:
        """The lines of the text an order read from the document itself (not an attachment) with
        `source_kind` was read from, when the page shows that text; else None."""
        if self.kind == "mail" and source_kind == "email" and self.mail is not None and self.mail.read_from_text:
            return self.mail.lines
        if self.kind == "text" and source_kind == "text":
            return self.text.splitlines()
        return None


def original_view(data: bytes, kind: str | None, *, page_count: int = 0, cid_base: str | None = None,
                  sheets: list[SheetView] | None = None, page_sets: list[PageSet] | None = None,
                  frames: dict[int, tuple[float, float, float]] | None = None,
                  message: EmailMessage | None = None) -> OriginalView:
    """Choose how to show a document from its stored kind (`page_count` for PDFs and images,
    from `PageRenderer.count`, with their `frames` as the reader saw them); a spreadsheet
    read as one is shown as its `sheets` (from `PageRenderer.sheets`); an e-mail (`message`,
    when already parsed) with its attachments' `sheets` and `page_sets`, its `cid:` images
    pointing under `cid_base` (the desk serves them from the stored message)."""
    if sheets and kind != "mail":
        return OriginalView("sheets", sheets=sheets)
    if kind in PAGE_KINDS:
        return OriginalView("pages", page_sets=[PageSet(page_count, frames=frames or {})])
    if kind in ("x12", "edifact"):
        return OriginalView("segments", segments=edi_segments(data, kind))
    if kind == "mail":
        return OriginalView("mail", mail=mail_view(data, cid_base=cid_base, message=message), sheets=sheets or [],
                            page_sets=page_sets or [])
    if kind == "text":
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


def parse_mail(data: bytes) -> EmailMessage:
    """The stored message, parsed as the desk shows it."""
    return BytesParser(policy=policy.default).parsebytes(data)


def mail_view(data: bytes, *, cid_base: str | None = None, message: EmailMessage | None = None) -> MailView:
    """Headers people read, the first text part, the first HTML part sanitised, attachment names."""
    message = message or parse_mail(data)
    headers = [(name, str(message[name])) for name in ("From", "To", "Cc", "Date", "Subject") if message[name]]
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    from review.attachments import attachments as attached   # it shows pages with review.originals' types

    attachments = [a.name or a.content_type for a in attached(message)]
    return MailView(headers=headers, text=_content(text_part),
                    html=sanitise_html(_content(html_part), cid_base=cid_base), attachments=attachments)


def mail_attachment(data: bytes, index: int) -> tuple[str, bytes] | None:
    """The message's attachment `index` (file name, bytes; forwarded messages' attachments
    counted after the message they came in), or None."""
    from review.attachments import attachments

    found = attachments(parse_mail(data))
    if not 0 <= index < len(found):
        return None
    return found[index].name or f"attachment-{index + 1}", found[index].data


def mail_image(data: bytes, cid: str) -> tuple[str, bytes] | None:
    """The image the message's HTML names as `cid:<cid>` (content type, bytes), if it is one."""
    for part in parse_mail(data).walk():
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


# --- page images: drawn in sandboxed workers --------------------------------------------------


def draw(task: str, data: bytes, kind: str, index: int | str = 0) -> object:
    """What a render worker does (run only inside `CallSandbox`): "count" the pages, "render"
    page `index` (0-based) as PNG (None when there is no such page), read the "sheets" of a
    spreadsheet or CSV file (`kind` "csv" or "sheet"; `index` the scope of its cell names),
    "kind": what the bytes are, for documents stored before kinds were (`kind` is then the
    file name), whether a picture is a "decoration" (too small to be a page), or "warm" up."""
    if task == "count":
        return pdf_page_count(data) if kind == "pdf" else image_page_count(data)
    if task == "render":
        return render_page(data, index, kind)
    if task == "decoration":
        from parsers.formats.mail import is_decoration

        return is_decoration(data)
    if task == "sheets":
        return sheet_views(data, kind, str(index or ""))
    if task == "kind":
        from pipeline.service import document_kind

        return document_kind(data, kind)
    if task == "warm":  # load the libraries a first page needs, before a clerk waits for them
        import pypdfium2  # noqa: F401
        from PIL import Image, PngImagePlugin  # noqa: F401

        return 0
    raise ValueError(f"unknown task {task!r}")


def sheet_views(data: bytes, kind: str, scope: str = "") -> list[SheetView] | None:
    """A workbook's sheets (or a CSV file's one table) as the reader splits them, cut to size;
    None when the bytes cannot be read as one. `scope` goes before every cell name (a mail
    attachment's "po.xlsx/")."""
    from parsers.errors import ParseError
    from parsers.formats import csvfile, excel

    if kind == "csv":
        rows = csvfile.table_rows(data[:MAX_SHEET_BYTES])
        return [_sheet_view("", scope, rows, scope)] if rows else None
    try:
        sheets = excel.read_sheets(data)
    except ParseError:
        return None
    several = len(sheets) > 1
    return [_sheet_view(name, scope + (f"{name}!" if several else ""), rows, scope) for name, rows in sheets] or None


def _sheet_view(name: str, prefix: str, rows: list[list[str | None]], scope: str) -> SheetView:
    """The rows cut to SHEET_ROWS x SHEET_COLS, empty trailing rows and columns dropped."""
    while rows and not any(rows[-1]):
        rows = rows[:-1]
    width = max((max((c + 1 for c, v in enumerate(row) if v), default=0) for row in rows), default=0)
    shown = [[(v or "") for v in row[:min(width, SHEET_COLS)]] for row in rows[:SHEET_ROWS]]
    return SheetView(name, prefix, shown, cut_rows=max(len(rows) - SHEET_ROWS, 0),
                     cut_cols=max(width - SHEET_COLS, 0), attachment=scope.removesuffix("/"))


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


def render_page(data: bytes, index: int, kind: str) -> bytes | None:
    """Page `index` (0-based) of a PDF or a fax image as PNG; None when there is no such page."""
    image = _pdf_page(data, index) if kind == "pdf" else _image_page(data, index)
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
    """The last `size` answers (page images, page counts), by key, shared by the desk's threads."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[str, int], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> object | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, key: tuple[str, int], value: object) -> None:
        with self._lock:
            self._pages[key] = value
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


class PageRenderer:
    """Page counts and page images of stored documents, drawn by `workers` sandboxed processes
    (each within RENDER_TIMEOUT_S and RENDER_MEMORY_MB) and cached by document hash.

    A page that cannot be drawn (the worker overran, ran out of memory or crashed) is None:
    the desk answers it like a missing page, and the next request gets a fresh worker.
    """

    def __init__(self, *, workers: int = 2, cache_size: int = 128) -> None:
        self.cache = PageCache(cache_size)
        self._warming: list[threading.Thread] = []
        self._idle: queue.Queue[CallSandbox] = queue.Queue()
        for _ in range(workers):
            self._idle.put(CallSandbox(draw, timeout_s=RENDER_TIMEOUT_S, memory_mb=RENDER_MEMORY_MB))

    def kind(self, sha256: str, data: bytes, filename: str | None) -> str:
        """What the bytes are, for a document stored before kinds were recorded."""
        return str(self._cached((sha256, -2), "kind", data, filename or "") or "binary")

    def count(self, sha256: str, data: bytes, kind: str) -> int:
        """How many pages the PDF or image has (0 when it cannot be read)."""
        return int(self._cached((sha256, -1), "count", data, kind) or 0)

    def decoration(self, sha256: str, data: bytes) -> bool:
        """Whether the picture is too small to be a page (a logo, a signature): the reader's rule."""
        return bool(self._cached((sha256, -4), "decoration", data, ""))

    def sheets(self, sha256: str, data: bytes, kind: str, scope: str = "") -> list[SheetView] | None:
        """The sheets of a spreadsheet (`kind` "sheet") or CSV file ("csv"), or None; `scope`
        names a mail attachment the bytes are (its cell names start with it)."""
        found = self._cached((sha256 + scope, -3), "sheets", data, kind, scope)
        return found if isinstance(found, list) else None

    def page(self, sha256: str, data: bytes, kind: str, number: int) -> bytes | None:
        """Page `number` (1-based) as PNG, or None."""
        png = self._cached((sha256, number), "render", data, kind, number - 1)
        return png if isinstance(png, bytes) else None

    def warm(self) -> None:
        """Start every worker now (in the background), so the first case page does not wait for one."""
        self._warming = [threading.Thread(target=self._call, args=("warm", b"", ""), daemon=True)
                         for _ in range(self._idle.qsize())]
        for thread in self._warming:
            thread.start()

    def ready(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the workers `warm` started; True when all are up."""
        for thread in self._warming:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in self._warming)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().close()

    def _cached(self, key: tuple[str, int], *args: object) -> object | None:
        found = self.cache.get(key)
        if found is None:
            found = self._call(*args)
            if found is not None:
                self.cache.put(key, found)
        return found

    def _call(self, *args: object) -> object | None:
        sandbox = self._idle.get()
        try:
            return sandbox.call(*args)
        except SandboxError as e:
            # A warm-up cut short (the desk stopping while its workers start) is no one's concern.
            log.log(logging.DEBUG if args[0] == "warm" else logging.WARNING, "a page could not be drawn (%s): %s",
                    args[0], e)
            return None
        finally:
            self._idle.put(sandbox)
