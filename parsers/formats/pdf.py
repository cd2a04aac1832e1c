"""PDF purchase orders with a text layer: characters and ruling lines from PDFium, read by `layout`.

pypdfium2 gives a page's characters with their boxes and its path objects (ruling lines)
in a few milliseconds, where pdfplumber needs well over a hundred; the words and rules are
then read by the same layout reader as OCR'd faxes. Scanned PDFs without text go to `fax`.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.layout import grid
from parsers.layout import page as layout
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParseResult, SourceKind

MAX_PAGES = 200  # far more than any purchase order; a bigger file is not read at all
_MIN_TEXT_CHARS = 10
_WORD_GAP = 0.25  # a gap wider than this share of the text height ends a word
RULE_TOLERANCE = 1.5  # points within which two ruling strokes meet (a stroke is 0.5-1 pt wide)
_OFF_PAGE = 10.0  # points a rule may reach past the page edge


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open a PDF, or raise ParseError with one sentence when it is damaged, locked or huge."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ParseError("The PDF is password-protected and cannot be read.") from None
        raise ParseError("The PDF is damaged or truncated and cannot be opened.") from None
    if len(doc) > MAX_PAGES:
        pages = len(doc)
        doc.close()
        raise ParseError(f"The PDF has {pages} pages, more than the {MAX_PAGES} a purchase order may have.")
    if len(doc) == 0:
        doc.close()
        raise ParseError("The PDF has no pages.")
    return doc


def has_text_layer(data: bytes) -> bool:
    """True when the first pages carry text, False for scans.

    A PDF that cannot be opened at all counts as text, so the PDF reader reports it as a
    damaged PDF rather than the fax reader as a damaged scan.
    """
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return True
    try:
        for i in range(min(len(doc), 3)):
            text = doc[i].get_textpage().get_text_range()
            if sum(1 for ch in text if not ch.isspace()) >= _MIN_TEXT_CHARS:
                return True
        return False
    except pdfium.PdfiumError:
        return False
    finally:
        doc.close()


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read the purchase order(s) in a text PDF."""
    doc = open_pdf(data)
    try:
        pages = [read_page(doc[i], i + 1) for i in range(len(doc))]
    except pdfium.PdfiumError:
        raise ParseError("The PDF is damaged and its pages cannot be read.") from None
    finally:
        doc.close()
    if not any(page.words for page in pages):
        raise ParseError("The PDF has no text layer to read.")
    return layout.read_pages(pages, ctx, SourceKind.PDF)


def read_page(page: pdfium.PdfPage, number: int) -> layout.Page:
    """One page's words (y from the top) and vertical ruling lines."""
    rotation = page.get_rotation() % 360
    x0, y0, x1, y1 = page.get_mediabox()
    size = (x1 - x0, y1 - y0)
    textpage = page.get_textpage()
    words = tuple(_words(textpage, size, rotation))
    # Rules are read on upright pages only; a turned page's table falls back to its gutters.
    verticals, horizontals = _rules(page, size) if rotation == 0 and words else ([], [])
    # A single ruled row counts: a table's last line or totals row may stand alone on its page.
    grids = (grid.stacked(grid.find_grids(verticals, horizontals, RULE_TOLERANCE, min_rows=1), min_rows=1)
             if verticals and horizontals else [])
    return layout.Page(number=number, words=words, rules=tuple(verticals), hrules=tuple(horizontals),
                       height=size[0] if rotation in (90, 270) else size[1],
                       width=size[1] if rotation in (90, 270) else size[0], grids=tuple(grids))


def _upright(box: tuple[float, float, float, float], size: tuple[float, float], rotation: int) -> layout.Box:
    """A PDF-space box (left, bottom, right, top) as seen on the displayed page: x0, top, x1, bottom.

    A page with /Rotate 90 is shown turned clockwise, so its text reads along PDF y.
    """
    left, bottom, right, top = box
    width, height = size
    if rotation == 90:
        return (bottom, left, top, right)
    if rotation == 180:
        return (width - right, bottom, width - left, top)
    if rotation == 270:
        return (height - top, width - right, height - bottom, width - left)
    return (left, height - top, right, height - bottom)


def _words(textpage: pdfium.PdfTextPage, size: tuple[float, float], rotation: int) -> Iterator[layout.Word]:
    """Characters grouped into words at spaces, line changes and visible gaps. PDFium is asked
    straight (one reused rectangle, no wrapper per character): a page holds thousands of them."""
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    unicode_of, box_of = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetLooseCharBox
    text: list[str] = []
    word = last = (0.0, 0.0, 0.0, 0.0)  # the word's box so far, its last character's
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = unicode_of(raw, i)
        if code <= 32 or code >= 0x110000 or code in (0xFFFE, 0xFFFF) or chr(code).isspace():
            if text:
                yield layout.Word("".join(text), word)
                text.clear()
            continue
        if not box_of(raw, i, rect):
            raise pdfium.PdfiumError("Failed to get charbox.")
        box = _upright((rect.left, rect.bottom, rect.right, rect.top), size, rotation)
        if text and _breaks(last, box):
            yield layout.Word("".join(text), word)
            text.clear()
        word = (min(word[0], box[0]), min(word[1], box[1]), max(word[2], box[2]), max(word[3], box[3])) if text else box
        text.append(chr(code))
        last = box
    if text:
        yield layout.Word("".join(text), word)


def _breaks(prev: layout.Box, box: layout.Box) -> bool:
    """Whether a character starts a new word after the previous one: another line, a visible gap, or back to the left."""
    size = max(prev[3] - prev[1], 1.0)
    same_line = abs((box[1] + box[3]) / 2 - (prev[1] + prev[3]) / 2) < 0.5 * size
    return not same_line or box[0] - prev[2] > _WORD_GAP * size or box[0] < prev[0] - 0.5


def _rules(page: pdfium.PdfPage, size: tuple[float, float]) -> tuple[list[layout.Box], list[layout.Box]]:
    """(vertical, horizontal) line segments drawn by path objects: table borders, cell rectangles,
    and thin filled rectangles (many generators draw a rule as one). Paths reaching off the page
    (clipping areas, backgrounds) are no rules."""
    width, height = size
    verticals: list[layout.Box] = []
    horizontals: list[layout.Box] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if left < -_OFF_PAGE or bottom < -_OFF_PAGE or right > width + _OFF_PAGE or top > height + _OFF_PAGE:
            continue
        if top - bottom <= 3 and right - left > 5:
            horizontals.append((left, height - (top + bottom) / 2, right, height - (top + bottom) / 2))
        elif right - left <= 3 and top - bottom > 5:
            verticals.append(((left + right) / 2, height - top, (left + right) / 2, height - bottom))
        elif top - bottom > 3 and right - left > 3:
            for seg in _path_segments(obj, height):
                (verticals if seg[0] == seg[2] else horizontals).append(seg)
    return verticals, horizontals


def _path_segments(obj: pdfium.PdfObject, height: float) -> Iterator[layout.Box]:
    m = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            yield from _straight(prev, point, height)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            yield from _straight(point, start, height)
        prev = point


def _straight(a: tuple[float, float], b: tuple[float, float], height: float) -> Iterator[layout.Box]:
    """A segment as a vertical or horizontal rule (x0 == x1 marks a vertical one); slanted ones are not rules."""
    if abs(a[0] - b[0]) < 1.5 and abs(a[1] - b[1]) > 5:
        x = (a[0] + b[0]) / 2
        yield (x, height - max(a[1], b[1]), x, height - min(a[1], b[1]))
    elif abs(a[1] - b[1]) < 1.5 and abs(a[0] - b[0]) > 5:
        y = height - (a[1] + b[1]) / 2
        yield (min(a[0], b[0]), y, max(a[0], b[0]), y)
