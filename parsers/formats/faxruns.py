"""OCR runs that straddle an unruled table's column edges, read again piece by piece.

The text detector runs narrow columns together into one run: '93包67.446271.92' is a quantity, a
unit, a price and an amount; 'PDW-98229.1.03.1029' two codes; '7ADG-830221.03.1022.劳保手套' a row
number, two codes and a name. Sharing such a run's characters out by their estimated widths puts a
wrong number in a column now and then. Once the table's columns are known (the heading's labels
and the body's gutters, the same columns the layout reader will use), each run that crosses a
column edge is cut there in the image (at the blank pixel column nearest the edge) and each piece
is recognised on its own, all pieces of a page in one batch. The pieces replace the run only when
every piece is read surely, each reads as what its column holds (a number under a quantity, price
or amount), and together they read what the run read or more surely than it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

from parsers.layout import columns
from parsers.layout.headings import header_at, heading_cells, split_labels
from parsers.layout.words import Box, Line, Word, column_label, group_lines, join_words, phrases, tokenised
from parsers.ocr import LineRecogniser
from parsers.vocab import labels as F

MARGIN = 0.3        # text heights a run must reach past an edge on both sides to straddle it
REACH = 0.7         # text heights either side of the gap between two columns searched for the blank pixel column to cut at
MIN_BLANK = 2       # px: the narrowest blank strip that separates two columns' ink inside one run ...
BLANK_HEIGHTS = 0.2  # ... and in text heights: the blank between two glyphs of one code ("1.02.101|9") is narrower
SURE = 0.9          # a piece read with less confidence than this keeps the run as it was
SCALE = 2           # pieces are enlarged this much before they are recognised (as `fax.reread_doubtful`)
_NUMBER = re.compile(r"[-+]?(?:[^\d\s.,:;'+-]{1,3} ?)?\d[\d,.;:']*")  # "1,234.50", "$3.20", "¥ 12"
_QUANTITY = re.compile(r"\d[\d,.;:']* ?[^\W\d_]{0,6}")  # "1,200", "10 EA", "93包"; not "50mm x310um"
_NUMERIC = frozenset({F.QUANTITY, F.UNIT_PRICE, F.AMOUNT, F.LINE_NO})



@dataclass(frozen=True, slots=True)
class Edge:
    """Where two columns of an unruled table meet: its x and the gap its columns leave, the height of the table's body (`top`,
    `bottom`) and of its rows of three or more phrases (`rows`), the fields left and right of it."""

    x: float
    gap: tuple[float, float]  # the strip between the two columns' words (empty where a heading cut them)
    top: float
    bottom: float
    rows: tuple[float, float]
    left: str | None
    right: str | None

    def rule(self) -> Box:
        """The edge as a ruling line over the rows: words apart on either side are not read as one
        run (a totals line below the rows, "TO" "TAL 691.35", may still be)."""
        return (self.x, self.rows[0], self.x, self.rows[1])


def table_edges(words: list[Word]) -> list[Edge]:
    """Where an unruled order table's columns meet, over the height of its rows: each edge with the
    fields of the headed columns on either side (None for a column the heading does not name)."""
    lines = group_lines(words)
    heads = [tokenised(line, scripts=False) for line in lines]
    found = next(((i, head) for i in range(len(heads)) if (head := header_at(heads, i)) is not None), None)
    if found is None:
        return []
    h, head = found
    lines[h] = split_labels(head)
    end = columns.body_end(lines, h, None)
    if end <= h + 1:
        return []
    lines[h + 1:end] = [tokenised(line) for line in lines[h + 1:end]]
    spans = columns.gutter_spans(lines, h, end)
    index = columns.headed(spans, lines[h])
    fields = _span_fields(lines[h], spans, index)
    body = [w for line in lines[h + 1:end] for w in line]
    rows = [w for line in lines[h + 1:end] if len(phrases(line)) >= 3 for w in line] or body
    extent = (min(w.box[1] for w in rows), max(w.box[3] for w in rows))
    top, bottom = max(w.box[3] for w in lines[h]), max(w.box[3] for w in body)
    return [Edge((spans[k][1] + spans[k + 1][0]) / 2, (spans[k][1], spans[k + 1][0]), top, bottom, extent,
                 fields.get(index[k]), fields.get(index[k + 1]))
            for k in range(len(spans) - 1) if index[k] != index[k + 1]]


def _span_fields(header: Line, spans: list[tuple[float, float]], index: list[int]) -> dict[int, str | None]:
    """The field each headed column names, by its heading cell."""
    fields: dict[int, str | None] = {}
    for cell in heading_cells(header):
        k = index[columns.column_of(cell[len(cell) // 2], spans)]
        fields[k] = fields.get(k) or F.column_field(column_label(join_words(cell)))
    return fields


def reread_straddling(words: list[Word], image: Image.Image, edges: list[Edge],
                      recogniser: LineRecogniser) -> list[Word]:
    """The words with every run that crosses a column edge replaced by its pieces read on their own,
    where those readings can be vouched for (`_kept`)."""
    gray = image.convert("L")
    plans = [(w, cuts) for w in words if (cuts := _cuts(w, edges, gray))]
    if not plans:
        return words
    pieces = [(w, [(_trimmed(gray, box), field) for box, field in _pieces(w, cuts)]) for w, cuts in plans]
    crops = [_piece_image(gray, box) for _w, boxes in pieces for box, _field in boxes]
    readings = iter(recogniser.recognise(crops))
    replaced: dict[int, list[Word]] = {}
    for w, boxes in pieces:
        read = [next(readings) for _ in boxes]
        kept = _kept(w, boxes, read)
        if kept:
            replaced[id(w)] = kept
    return [p for w in words for p in replaced.get(id(w), [w])]


def _cuts(w: Word, edges: list[Edge], image: Image.Image) -> list[tuple[float, str | None, str | None]]:
    """Where to cut the run: at each column edge it reaches well past on both sides, the blank pixel
    column nearest the edge; no cut where the run's ink has no blank strip near the edge."""
    margin = MARGIN * w.height
    inside = [e for e in edges if w.box[0] + margin < e.x < w.box[2] - margin and e.top <= w.cy <= e.bottom]
    if not inside:
        return []
    ink = _ink(image, w.box)
    cuts: list[tuple[float, str | None, str | None]] = []
    for e in inside:
        reach = REACH * w.height
        at = _blank_near(ink, e.x - w.box[0], (min(e.gap) - w.box[0] - reach, max(e.gap) - w.box[0] + reach),
                         max(MIN_BLANK, BLANK_HEIGHTS * w.height))
        if at is not None:
            cuts.append((w.box[0] + at, e.left, e.right))
    xs = [w.box[0], *(c[0] for c in cuts), w.box[2]]
    if any(b - a < MARGIN * w.height for a, b in zip(xs, xs[1:])):
        return []  # two edges found the same gap: which column owns what is not clear
    return cuts


def _ink(image: Image.Image, box: Box) -> list[int]:
    """Dark pixels in each pixel column of the box."""
    import numpy as np

    x0, top, x1, bottom = (round(v) for v in box)
    pixels = np.asarray(image.crop((x0, max(top, 0), x1, min(bottom, image.height))))
    return (pixels < 128).sum(axis=0).tolist() if pixels.size else []


def _blank_near(ink: list[int], x: float, within: tuple[float, float], least: float) -> float | None:
    """The middle of the widest blank strip (at least `least` px) centred `within`, the nearest to x
    of equally wide ones: the gap between two columns is a word gap, wider than the gaps in a word;
    a run with no such strip near the edge ("1.02.1019" reaching past a misplaced edge) is not cut."""
    strips: list[tuple[int, int]] = []
    start = None
    for i, count in enumerate(ink + [1]):
        if count == 0 and start is None:
            start = i
        elif count and start is not None:
            if i - start >= least and start > 0 and i < len(ink):
                strips.append((start, i))
            start = None
    near = [(-(b - a), abs((a + b) / 2 - x), (a + b) / 2) for a, b in strips if within[0] <= (a + b) / 2 <= within[1]]
    return min(near)[2] if near else None


def _pieces(w: Word, cuts: list[tuple[float, str | None, str | None]]) -> list[tuple[Box, str | None]]:
    """The run's box cut at the cuts, each piece with the field of the column it lies in."""
    xs = [w.box[0], *(c[0] for c in cuts), w.box[2]]
    owners = [cuts[0][1], *(c[2] for c in cuts)]
    return [((a, w.box[1], b, w.box[3]), owner) for a, b, owner in zip(xs, xs[1:], owners)]


def _trimmed(image: Image.Image, box: Box) -> Box:
    """The piece's box narrowed to its ink: two columns' pieces keep the gap between them apart, as
    the layout reader finds the gutters."""
    ink = _ink(image, box)
    dark = [i for i, count in enumerate(ink) if count]
    if not dark:
        return box
    return (round(box[0]) + dark[0], box[1], round(box[0]) + dark[-1] + 1, box[3])


def _piece_image(image: Image.Image, box: Box) -> Image.Image:
    """The piece with white margins of a quarter of its height, enlarged SCALE times: the ink of the
    neighbouring column never enters the crop."""
    height = box[3] - box[1]
    pad = height / 4
    x0, x1 = round(box[0]), round(box[2])
    top, bottom = round(max(box[1] - pad, 0)), round(min(box[3] + pad, image.height))
    crop = image.crop((x0, top, max(x1, x0 + 1), max(bottom, top + 1)))
    side = round(pad)
    canvas = Image.new("L", (crop.width + 2 * side, crop.height), 255)
    canvas.paste(crop, (side, 0))
    return canvas.resize((canvas.width * SCALE, canvas.height * SCALE), Image.Resampling.BICUBIC)


def _kept(w: Word, pieces: list[tuple[Box, str | None]], read: list[tuple[str, float]]) -> list[Word] | None:
    """The pieces as words, when every piece is read surely, as what its column holds, and the
    pieces together read the run's characters, or read them more surely than the run was read."""
    texts = [text.strip() for text, _conf in read]
    confs = [conf for _text, conf in read]
    if not all(texts) or min(confs) < SURE:
        return None
    if not all(_fits(text, field) for text, (_box, field) in zip(texts, pieces)):
        return None
    same = _plain("".join(texts)) == _plain(w.text)
    if not same and min(confs) <= w.confidence:
        return None
    return [Word(text, box, conf) for text, conf, (box, _f) in zip(texts, confs, pieces)]


def _fits(text: str, field: str | None) -> bool:
    """Whether a piece reads as what its column holds: a number under a quantity, price, amount or
    row number (a quantity may carry its unit); anything under other columns."""
    if field not in _NUMERIC:
        return True
    if field == F.QUANTITY:
        return bool(_QUANTITY.fullmatch(text))
    return bool(_NUMBER.fullmatch(text))


def _plain(text: str) -> str:
    """Text without spaces, its dot-like marks (OCR swaps . , : ;) made one."""
    return re.sub(r"[.,:;·．，：；]", ".", re.sub(r"\s+", "", text))
