"""Scanned orders (faxes): image-only PDFs, TIFF (multi-page G3/G4), PNG and JPEG.

Each page is rendered or decoded with a bounded size, read by the OCR engine (any `OcrEngine`;
RapidOCR by default), straightened by the slope of its text lines, and then read by the same
layout reader as a text PDF. Words read with doubt are read again together with the neighbours
they touch (the detector sometimes cuts a code like "AB-CD-50" in pieces and loses a letter at
the cut). OCR confidences travel with the words, so a value read with doubt
lowers the line's and the order's confidence and sends the order to review.
"""
from __future__ import annotations

import difflib
import io
import math
import re
import statistics
from collections.abc import Iterator
from dataclasses import replace

from PIL import Image, ImageSequence, UnidentifiedImageError

from parsers.layout import page as layout

from parsers.formats import pdf
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParsedOrder, ParseResult, SourceKind
from parsers.ocr import LineRecogniser, OcrEngine, OcrWord, PartReader, default_engine
from parsers.layout import grid
from parsers.formats import faxgrid, faxruns
from parsers.layout.words import CJK, union_box

_GROUPED = re.compile(r"\d{1,3}(?:[;:]\d{3})+(?:\.\d+)?")
_DOTTED = re.compile(r"\d+[:;]\d+(?:\.\d+)+")  # "1:01.0003": a dotted item code, never a time
_DIMENSIONS = re.compile(r"\d+(?:\.\d+)?(?:\s*[×xX]\s*\d+(?:\.\d+)?)+")  # 100×80×50
MAX_PAGES = 50            # a fax of more pages than this is not an order
MAX_PIXELS = 40_000_000   # per page; an A4 page at 300 dpi is 8.7 million
RENDER_DPI = 200          # faxes are sent at 200 dpi; more only slows OCR
MAX_SIDE = 2400           # longer sides (phone photos) are scaled down to this
DOUBT = 0.9               # a word read with less confidence than this is read again
NEAR = 0.8                # words closer than this many text heights on a line are one run
CODE_REACH = 3.5          # ... and Latin/digit words this close (a code cut where letters were lost)
RULE_TOLERANCE = 4        # px within which two ruling strokes meet
LEVEL_MIN = 0.05         # degrees: a page skewed less than this is read as it is
REREAD_SCALE = 2          # the run's crop is enlarged this much before it is read again
LOST_INK = 0.25           # text heights of inked pixel columns between two runs: a character lost there


def parse(data: bytes, ctx: ParseContext, *, ocr: OcrEngine | None = None) -> ParseResult:
    """OCR every page of a scanned order and read it with the layout reader."""
    engine = ocr or default_engine()
    pages = [_read(engine, image, n) for n, image in enumerate(page_images(data), start=1)]
    if not any(page.words for page in pages):
        raise ParseError("No text could be read from the scanned pages.")
    try:
        result = layout.read_pages(pages, ctx, SourceKind.FAX)
    except ParseError as e:
        raise ParseError(e.reason, e.where, header=e.header and _no_mailbox(e.header)) from None
    return replace(result, orders=tuple(_no_mailbox(o) for o in result.orders))


def _no_mailbox(order: ParsedOrder) -> ParsedOrder:
    """A fax that reaches us by e-mail comes from our fax server, not from the customer's mailbox."""
    return replace(order, buyer=replace(order.buyer, email=None))


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
    """One page read by the engine and straightened by the slope of its text; its ruled tables
    found on the page levelled by their own rules and, where the engine can read crops, read cell
    by cell (`faxgrid`) in place of what the detector saw there; words read with doubt read again."""
    tables, cells, angle = _tables(engine, image)
    found = [w for w in _detected(engine, image, tables if cells else [], angle) if w.text.strip()]
    # Cells are placed on the page levelled by its rules: the words around them are straightened
    # by the same angle, which long rules measure better than a few lines of text.
    angle = (angle if abs(angle) >= LEVEL_MIN else 0.0) if cells else skew(found)
    centre = (image.width / 2, image.height / 2)
    straight = [_straighten(w, angle, centre) for w in found]
    level = image.rotate(-angle, resample=Image.Resampling.NEAREST, fillcolor=255) if angle else image
    rules = vertical_rules(level)
    if cells:
        inside = [w for w in straight if any(_inside(w, g) for g in tables)]
        cells = [_surer(cell, inside) for cell in cells]
        straight = [w for w in straight if w not in inside]
    if isinstance(engine, LineRecogniser):
        # An unruled table's column edges stop a re-read from joining two columns' words into one
        # run, and runs the detector ran across an edge are read again piece by piece.
        edges = faxruns.table_edges(straight)
        straight = reread_doubtful(straight, level, rules + [e.rule() for e in edges], engine)
        straight = faxruns.reread_straddling(straight, level, edges, engine) if edges else straight
    words = [layout.Word(_digits(w.text), w.box, w.confidence) for w in cells + straight]
    return layout.Page(number=number, words=tuple(words), rules=tuple(rules), height=float(image.height),
                       grids=tuple(tables), width=float(image.width), angle=angle)


def _detected(engine: OcrEngine, image: Image.Image, tables: list[grid.Grid], angle: float) -> list[OcrWord]:
    """The page's words as the engine reads them; what lies inside the tables read cell by cell is
    only detected, not recognised, by an engine that can tell the two apart (half the work on a full page)."""
    if not tables or not isinstance(engine, PartReader):
        return engine.read(image)
    centre = (image.width / 2, image.height / 2)
    level = angle if abs(angle) >= LEVEL_MIN else 0.0

    def outside(box: layout.Box) -> bool:
        word = _straighten(OcrWord("", box, 1.0), level, centre)
        return not any(_inside(word, g) for g in tables)

    return engine.read_where(image, outside)


def _tables(engine: OcrEngine, image: Image.Image) -> tuple[list[grid.Grid], list[layout.Word], float]:
    """The page's ruled tables (on the page levelled by its longest rules, whose angle is returned)
    and, when the engine can read crops, the words of their cells read one text line at a time."""
    import numpy as np

    angle = grid.image_skew(np.asarray(image))
    if angle is None:
        return [], [], 0.0
    level = _rotated(image, angle)
    verticals, horizontals, ruled = grid.image_rules(np.asarray(level))
    tables = faxgrid.table_grids(grid.find_grids(verticals, horizontals, RULE_TOLERANCE), level.width)
    if not tables or not isinstance(engine, LineRecogniser):
        return tables, [], angle
    return tables, faxgrid.read_cells(engine, level, tables, ruled), angle


def _surer(cell: layout.Word, detected: list[layout.Word]) -> layout.Word:
    """A cell's reading, or the detector's reading of the same text when that one is surer and
    agrees on every digit (a number the detector cut or ran across a rule never does)."""
    rivals = [w for w in detected if _overlap(w.box, cell.box) > 0.5]
    if len(rivals) != 1:
        return cell
    rival = rivals[0]
    same = re.sub(r"\D", "", rival.text) == re.sub(r"\D", "", cell.text)
    return replace(rival, box=cell.box) if same and rival.confidence > cell.confidence else cell


def _overlap(a: layout.Box, b: layout.Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / area if area > 0 else 0.0


def _inside(w: layout.Word, table: grid.Grid) -> bool:
    x0, top, x1, bottom = table.box
    return x0 <= w.cx <= x1 and top <= w.cy <= bottom


def _rotated(image: Image.Image, angle: float) -> Image.Image:
    return image.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255) if abs(angle) >= LEVEL_MIN else image


def reread_doubtful(words: list[layout.Word], image: Image.Image, rules: list[layout.Box],
                    recogniser: LineRecogniser) -> list[layout.Word]:
    """Runs of words cut apart on one line, or read with doubt, are read again whole and enlarged,
    as they are and widened (ink lost at a run's ends); the surer acceptable reading replaces the
    run. Several words are joined only when read as one token: words really apart read with a space."""
    runs = _reread_runs(words, rules)
    tight = [union_box(w.box for w in run) for run in runs]
    wide = [_widened(box, words, rules) for box in tight]
    padded = [(b[0] - (b[3] - b[1]) / 4, b[1], b[2] + (b[3] - b[1]) / 4, b[3]) for b in tight]
    readings = recogniser.recognise([_crop(image, box) for box in padded + wide])
    result = list(words)
    for run, box, *read in zip(runs, tight, readings[:len(runs)], readings[len(runs):]):
        lost = _lost_between(run, image)
        better = [(conf, text) for text, conf in read if _better(text, conf, run, lost)]
        if better:
            confidence, text = max(better)
            at = min(result.index(w) for w in run)
            result = [w for w in result if w not in run]
            result.insert(at, layout.Word(_digits(text.strip()), box, confidence))
    return result


def _better(text: str, confidence: float, run: list[layout.Word], lost: bool) -> bool:
    """Sure, surer than the run's weakest word, and one token when it joins several words; or,
    where the detector lost characters between the words (`lost`), a reading that holds the
    words' characters and more."""
    if not text.strip() or confidence < DOUBT or confidence <= min(w.confidence for w in run):
        return False
    return len(run) == 1 or len(text.split()) == 1 or lost and _holds(text, run)


def _holds(text: str, run: list[layout.Word]) -> bool:
    """Whether a reading of a whole run keeps (nearly) every character its words were read with,
    and reads more of them."""
    joined, pieces = re.sub(r"\s+", "", text), re.sub(r"\s+", "", "".join(w.text for w in run))
    kept = sum(block.size for block in difflib.SequenceMatcher(None, pieces, joined, autojunk=False).get_matching_blocks())
    return len(joined) > len(pieces) and kept >= 0.9 * len(pieces)


def _lost_between(run: list[layout.Word], image: Image.Image) -> bool:
    """Whether ink lies between two neighbouring words of a run: characters the detector left out
    of both (a long line cut in two runs loses the letters at the cut: "quant" | "125pairs"), not a
    speck (LOST_INK text heights of inked pixel columns at least)."""
    import numpy as np

    for a, b in zip(run, run[1:]):
        top, bottom = max(a.box[1], b.box[1]), min(a.box[3], b.box[3])
        inset = (bottom - top) / 5
        x0, x1 = round(a.box[2]), round(b.box[0])
        if x1 - x0 < 2 or bottom - top < 4:
            continue
        strip = np.asarray(image.crop((x0, round(top + inset), x1, round(bottom - inset))).convert("L"))
        if strip.size and int((strip < 128).any(axis=0).sum()) >= LOST_INK * (bottom - top):
            return True
    return False


def _reread_runs(words: list[layout.Word], rules: list[layout.Box]) -> list[list[layout.Word]]:
    """Groups of words touching on one line (no ruling between them): doubtful ones, or Latin pieces."""
    group = list(range(len(words)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            if _touching(a, words[j], rules):
                group[root(j)] = root(i)
    runs: dict[int, list[layout.Word]] = {}
    for i, w in enumerate(words):
        runs.setdefault(root(i), []).append(w)
    return [sorted(run, key=lambda w: w.box[0]) for run in runs.values()
            if min(w.confidence for w in run) < DOUBT
            or (len(run) > 1 and not any(CJK.search(w.text) for w in run))]


def _touching(a: layout.Word, b: layout.Word, rules: list[layout.Box]) -> bool:
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    if overlap < min(a.height, b.height) / 2:
        return False
    gap = max(a.box[0], b.box[0]) - min(a.box[2], b.box[2])
    latin = not CJK.search(a.text) and not CJK.search(b.text)
    if gap > (CODE_REACH if latin else NEAR) * max(a.height, b.height):
        return False
    left, right = sorted((a.cx, b.cx))
    cy = (a.cy + b.cy) / 2
    return not any(left < r[0] < right and r[1] <= cy <= r[3] for r in rules)


def _widened(box: layout.Box, words: list[layout.Word], rules: list[layout.Box]) -> layout.Box:
    """The box stretched sideways by one text height (ink the detector lost at a run's ends),
    stopping short of a ruling or another word on the line."""
    x0, top, x1, bottom = box
    height = bottom - top
    cy = (top + bottom) / 2
    left, right = x0 - height, x1 + height
    edges = [(r[0], r[0]) for r in rules if r[1] <= cy <= r[3]]
    edges += [(w.box[0], w.box[2]) for w in words
              if w.box[1] < bottom and w.box[3] > top and (w.box[2] <= x0 or w.box[0] >= x1)]
    for start, end in edges:
        if end <= x0:
            left = max(left, end + 3)
        elif start >= x1:
            right = min(right, start - 3)
    return (min(left, x0), top, max(right, x1), bottom)


def _crop(image: Image.Image, box: layout.Box) -> Image.Image:
    """The box with a margin of a quarter of its height above and below, enlarged REREAD_SCALE times."""
    pad = (box[3] - box[1]) / 4
    x0, top = max(box[0], 0), max(box[1] - pad, 0)
    x1, bottom = min(box[2], image.width), min(box[3] + pad, image.height)
    crop = image.crop((round(x0), round(top), round(x1), round(bottom)))
    size = (max(crop.width * REREAD_SCALE, 1), max(crop.height * REREAD_SCALE, 1))
    return crop.resize(size, Image.Resampling.BICUBIC)


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
    """OCR reads a thousands comma as ';' or ':' at fax resolution ("3;000"); a number means a comma.
    It reads a dot as ':' too, which a dotted code shows ("1:01.0003" is 1.01.0003)."""
    if _GROUPED.fullmatch(text):
        return text.replace(";", ",").replace(":", ",")
    if _DOTTED.fullmatch(text):
        return text.replace(";", ".").replace(":", ".")
    return _DIMENSIONS.sub(_one_sign, text)


def _one_sign(chain: re.Match[str]) -> str:
    """A printed dimension uses one multiplication sign throughout; OCR reads a '×' as the far
    commoner 'x' now and then ("100×80x50mm"), so a chain holding a '×' has only '×'."""
    text = chain.group(0)
    return re.sub(r"(?<=\d)\s*[xX]\s*(?=\d)", "×", text) if "×" in text else text
