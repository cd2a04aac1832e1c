"""Scanned orders (faxes): image-only PDFs, TIFF (multi-page G3/G4), PNG and JPEG.

Each page is rendered or decoded with a bounded size, read by the OCR engine (any `OcrEngine`;
RapidOCR by default), straightened by the slope of its text lines, and then read by the same
layout reader as a text PDF. OCR confidences travel with the words, so a value read with doubt
lowers the line's and the order's confidence and sends the order to review.
"""
from __future__ import annotations

import io
import math
import re
import statistics
from collections.abc import Iterator
from dataclasses import replace

from PIL import Image, ImageSequence, UnidentifiedImageError

from parsers import layout, pdf
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParseResult, SourceKind
from parsers.ocr import OcrEngine, OcrWord, default_engine

_GROUPED = re.compile(r"\d{1,3}(?:[;:]\d{3})+(?:\.\d+)?")
MAX_PAGES = 50            # a fax of more pages than this is not an order
MAX_PIXELS = 40_000_000   # per page; an A4 page at 300 dpi is 8.7 million
RENDER_DPI = 200          # faxes are sent at 200 dpi; more only slows OCR
MAX_SIDE = 2400           # longer sides (phone photos) are scaled down to this


def parse(data: bytes, ctx: ParseContext, *, ocr: OcrEngine | None = None) -> ParseResult:
    """OCR every page of a scanned order and read it with the layout reader."""
    engine = ocr or default_engine()
    pages = [_read(engine, image, n) for n, image in enumerate(page_images(data), start=1)]
    if not any(page.words for page in pages):
        raise ParseError("No text could be read from the scanned pages.")
    result = layout.read_pages(pages, ctx, SourceKind.FAX)
    # A fax that reaches us by e-mail comes from our fax server, not from the customer's mailbox.
    return replace(result, orders=tuple(replace(o, buyer=replace(o.buyer, email=None)) for o in result.orders))


def page_images(data: bytes) -> Iterator[Image.Image]:
    """The pages of a scanned PDF or an image file, as grayscale images of bounded size."""
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        yield from _pdf_pages(data)
        return
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError):
        raise ParseError("The file is not an image that can be read.") from None
    for n, frame in enumerate(ImageSequence.Iterator(image)):
        if n >= MAX_PAGES:
            raise ParseError(f"The image has more than {MAX_PAGES} pages, more than an order may have.")
        yield _prepared(frame)


def _pdf_pages(data: bytes) -> Iterator[Image.Image]:
    doc = pdf.open_pdf(data)
    try:
        if len(doc) > MAX_PAGES:
            raise ParseError(f"The scanned PDF has {len(doc)} pages, more than an order may have.")
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            scale = min(RENDER_DPI / 72, MAX_SIDE / max(width, height, 1))
            yield page.render(scale=scale, grayscale=True).to_pil().convert("L")
    except Exception as e:  # pdfium raises its own error type for broken page content
        if isinstance(e, ParseError):
            raise
        raise ParseError("The scanned PDF is damaged and its pages cannot be rendered.") from None
    finally:
        doc.close()


def _prepared(frame: Image.Image) -> Image.Image:
    """A decoded page in grayscale, refusing decompression bombs and shrinking oversized photos."""
    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise ParseError(f"The image is {width}x{height} pixels, too large for a scanned page.")
    try:
        image = frame.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ParseError("The image is damaged or truncated and cannot be decoded.") from None
    longest = max(width, height)
    if longest > MAX_SIDE:
        factor = MAX_SIDE / longest
        image = image.resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)
    return image


def _read(engine: OcrEngine, image: Image.Image, number: int) -> layout.Page:
    words = [w for w in engine.read(image) if w.text.strip()]
    angle = skew(words)
    centre = (image.width / 2, image.height / 2)
    straight = tuple(_straighten(w, angle, centre) for w in words)
    level = image.rotate(-angle, resample=Image.Resampling.NEAREST, fillcolor=255) if angle else image
    return layout.Page(number=number, words=straight, rules=tuple(vertical_rules(level)),
                       height=float(image.height))


def vertical_rules(image: Image.Image, min_length: int = 60) -> list[layout.Box]:
    """Vertical ruling lines in a (straightened) page image: dark runs taller than `min_length` px."""
    import numpy as np

    dark = np.asarray(image.convert("L")) < 128
    dark = dark | np.roll(dark, 1, axis=1) | np.roll(dark, -1, axis=1)  # tolerate a pixel of slant
    run = np.zeros(dark.shape[1], dtype=np.int32)
    found: list[tuple[int, int, int]] = []
    for y, row in enumerate(dark):
        ended = np.nonzero(~row & (run >= min_length))[0]
        found.extend((int(x), y - int(run[x]), y) for x in ended)
        run = np.where(row, run + 1, 0)
    found.extend((int(x), dark.shape[0] - int(run[x]), dark.shape[0]) for x in np.nonzero(run >= min_length)[0])
    return _merge_rules(found)


def _merge_rules(found: list[tuple[int, int, int]]) -> list[layout.Box]:
    """Neighbouring pixel columns of one drawn line become one rule at their mean x."""
    rules: list[list[float]] = []  # x_sum, count, top, bottom, last x
    for x, top, bottom in sorted(found, key=lambda f: (f[1] // 20, f[0])):
        for r in rules:
            if abs(x - r[4]) <= 3 and top < r[3] and bottom > r[2]:
                r[0] += x; r[1] += 1; r[2] = min(r[2], top); r[3] = max(r[3], bottom); r[4] = x
                break
        else:
            rules.append([x, 1, top, bottom, x])
    return [(r[0] / r[1], r[2], r[0] / r[1], r[3]) for r in rules]


def skew(words: list[OcrWord]) -> float:
    """The page's skew in degrees: the median baseline slope of its longer text runs."""
    slopes = [w.angle for w in words if (w.box[2] - w.box[0]) > 4 * (w.box[3] - w.box[1]) and abs(w.angle) < 5]
    return statistics.median(slopes) if len(slopes) >= 3 else 0.0


def _straighten(w: OcrWord, angle: float, centre: tuple[float, float]) -> layout.Word:
    """The word with its box rotated back by the page skew (its centre moved, its size kept)."""
    x0, top, x1, bottom = w.box
    half_w, half_h = (x1 - x0) / 2, (bottom - top) / 2
    # Boxes are axis-aligned around a slanted run: take the run's own height, not the slant's.
    half_h = max(half_h - abs(math.tan(math.radians(angle))) * half_w, half_h * 0.5)
    cx, cy = (x0 + x1) / 2 - centre[0], (top + bottom) / 2 - centre[1]
    a = math.radians(-angle)  # angle > 0 means the text rises to the right (y decreasing)
    rx = cx * math.cos(a) + cy * math.sin(a) + centre[0]
    ry = -cx * math.sin(a) + cy * math.cos(a) + centre[1]
    return layout.Word(_digits(w.text), (rx - half_w, ry - half_h, rx + half_w, ry + half_h), w.confidence)


def _digits(text: str) -> str:
    """OCR reads a thousands comma as ';' or ':' at fax resolution ("3;000"); a number means a comma."""
    return text.replace(";", ",").replace(":", ",") if _GROUPED.fullmatch(text) else text
