"""Tables by their ruling lines: drawn rules -> the cell grid -> each word in the cell holding its centre.

A ruled table says where its columns and rows are; reading it by the gaps between words
instead merges narrow columns (单位|数量 a few pixels apart on a fax) and splits wide ones.
Rules come from PDFium path objects on text PDFs and from OpenCV morphology on scans
(`image_rules`); `find_grids` joins the rules that cross into tables of rows and columns,
noting where a vertical rule is missing (merged cells). Everything here is pure geometry.
"""
from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.layout.words import CJK, Box, Word

MIN_COLUMNS = 3     # fewer columns than this is a box around text, not a table
MIN_ROWS = 2


@dataclass(frozen=True, slots=True)
class Grid:
    """A ruled table: column edges `xs` and row edges `ys` (both ascending), and the inner edges
    drawn in each row (`drawn[r]` holds k when a rule at xs[k] separates cells in row r)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    drawn: tuple[frozenset[int], ...]

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    def row_of(self, y: float) -> int | None:
        """The row holding height y, None outside the table."""
        if not self.ys[0] <= y <= self.ys[-1]:
            return None
        return min(bisect.bisect_left(self.ys, y, 1) - 1, self.rows - 1)

    def column_of(self, x: float) -> int:
        """The column holding x; a point left or right of the table belongs to the outer column."""
        for c in range(self.columns):
            if x <= self.xs[c + 1]:
                return c
        return self.columns - 1

    def cells(self, row: int) -> list[tuple[int, int]]:
        """The cells of a row as column ranges [start, end): a missing rule merges its neighbours."""
        out: list[tuple[int, int]] = []
        start = 0
        for k in range(1, self.columns):
            if k in self.drawn[row]:
                out.append((start, k))
                start = k
        out.append((start, self.columns))
        return out

    def spans(self) -> list[tuple[float, float]]:
        return list(zip(self.xs, self.xs[1:]))


def find_grids(verticals: Sequence[Box], horizontals: Sequence[Box], tol: float, min_rows: int = MIN_ROWS) -> list[Grid]:
    """Tables made of crossing rules: groups of at least `min_rows` + 1 horizontal and MIN_COLUMNS + 1
    vertical edges, top to bottom. `tol` is how far apart (page units) two strokes still meet."""
    vs = _merge([((b[0] + b[2]) / 2, b[1], b[3]) for b in verticals], tol)
    hs = _merge([((b[1] + b[3]) / 2, b[0], b[2]) for b in horizontals], tol)
    vs, hs = _crossing(vs, hs, tol)
    parent = list(range(len(vs) + len(hs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (x, top, bottom) in enumerate(vs):
        for j, h in enumerate(hs):
            if _meets((x, top, bottom), h, tol):
                parent[root(i)] = root(len(vs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, v in enumerate(vs):
        groups.setdefault(root(i), ([], []))[0].append(v)
    for j, h in enumerate(hs):
        groups.setdefault(root(len(vs) + j), ([], []))[1].append(h)
    grids = [g for v, h in groups.values() if (g := _grid(v, h, tol, min_rows)) is not None]
    return sorted(grids, key=lambda g: g.ys[0])


def stacked(grids: Sequence[Grid], min_rows: int = MIN_ROWS) -> list[Grid]:
    """Each grid cut where its columns change: a box of header fields drawn on top of the order
    table shares a rule with it but not its columns, and a band no inner rule crosses (a title or
    remarks row, a frame around an unruled table) is no row of a ruled table. A row whose cells
    merge some of its neighbours' (a totals row) stays: its rules are a subset of theirs."""
    out: list[Grid] = []
    for g in grids:
        bands: list[list[int]] = []
        for r in range(g.rows):
            if not g.drawn[r]:
                bands.append([])
            elif bands and bands[-1] and not (g.drawn[r] <= g.drawn[r - 1] or g.drawn[r - 1] <= g.drawn[r]):
                bands.append([r])
            elif bands:
                bands[-1].append(r)
            else:
                bands.append([r])
        out.extend(piece for band in bands if band and (piece := _band(g, band[0], band[-1] + 1, min_rows)) is not None)
    return sorted(out, key=lambda g: g.ys[0])


def _band(g: Grid, first: int, end: int, min_rows: int) -> Grid | None:
    """Rows first..end-1 of a grid as a grid of their own, with only the column rules drawn in them."""
    edges = sorted(set().union(*g.drawn[first:end]))
    if len(edges) + 1 < MIN_COLUMNS or end - first < min_rows:
        return None
    new = {k: i for i, k in enumerate(edges, start=1)}
    return Grid((g.xs[0], *(g.xs[k] for k in edges), g.xs[-1]), g.ys[first:end + 1],
                tuple(frozenset(new[k] for k in row) for row in g.drawn[first:end]))


def _meets(v: tuple[float, float, float], h: tuple[float, float, float], tol: float) -> bool:
    return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol


def _crossing(vs: list[tuple[float, float, float]], hs: list[tuple[float, float, float]],
              tol: float) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Only strokes that meet two strokes of the other direction are rules: a vertical rule runs
    from one horizontal to another, while a text stroke touching a rule meets one at most."""
    vs = [v for v in vs if sum(_meets(v, h, tol) for h in hs) >= 2]
    hs = [h for h in hs if sum(_meets(v, h, tol) for v in vs) >= 2]
    return vs, hs


def _merge(segments: list[tuple[float, float, float]], tol: float) -> list[tuple[float, float, float]]:
    """Strokes of one drawn line (same position, touching extents) as one (position, start, end)."""
    out: list[list[float]] = []
    for pos, start, end in sorted(segments, key=lambda s: (s[0], s[1])):
        for seg in reversed(out[-8:]):
            if abs(seg[0] - pos) <= tol and start <= seg[2] + tol and end >= seg[1] - tol:
                seg[0] = (seg[0] + pos) / 2
                seg[1], seg[2] = min(seg[1], start), max(seg[2], end)
                break
        else:
            out.append([pos, start, end])
    return [(a, b, c) for a, b, c in out]


def _edges(positions: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for p in sorted(positions):
        if out and p - out[-1] <= 2 * tol:
            continue
        out.append(p)
    return out


def _grid(vs: list[tuple[float, float, float]], hs: list[tuple[float, float, float]], tol: float,
          min_rows: int) -> Grid | None:
    """The grid of one group of crossing rules; table sides drawn without a vertical rule are the
    ends of the horizontal ones (and the other way round)."""
    if len(hs) < 2 or len(vs) < 2:
        return None
    xs = _edges([v[0] for v in vs] + [min(h[1] for h in hs), max(h[2] for h in hs)], tol)
    ys = _edges([h[0] for h in hs] + [min(v[1] for v in vs), max(v[2] for v in vs)], tol)
    if len(xs) < MIN_COLUMNS + 1 or len(ys) < min_rows + 1:
        return None
    drawn = []
    for r in range(len(ys) - 1):
        mid = (ys[r] + ys[r + 1]) / 2
        drawn.append(frozenset(k for k in range(1, len(xs) - 1)
                               if any(abs(v[0] - xs[k]) <= 2 * tol and v[1] - tol <= mid <= v[2] + tol for v in vs)
                               or not any(abs(v[0] - xs[k]) <= 2 * tol for v in vs)))
    return Grid(tuple(xs), tuple(ys), tuple(drawn))


def split_at_rules(words: Sequence[Word], grid: Grid) -> list[Word]:
    """Words that run across a drawn column edge, cut there ("1 1.05.0031" over the 序号|编码 rule,
    "单位数量" read as one run over a narrow column), their text shared out by character widths."""
    out: list[Word] = []
    edges = [sorted(grid.xs[k] for k in drawn) for drawn in grid.drawn]
    for w in words:
        row = grid.row_of(w.cy)
        if row is None:
            out.append(w)
            continue
        margin = 0.25 * w.height
        cuts = [x for x in edges[row] if w.box[0] + margin < x < w.box[2] - margin]
        out.extend(_cut(w, cuts) if cuts else [w])
    return out


def _cut(w: Word, cuts: list[float]) -> list[Word]:
    """A word cut at the given x positions. Characters are placed by their widths (CJK full, others
    about half); a space in the text is where the cell padding was, so the nearest space wins."""
    weights = [1.0 if CJK.match(ch) else 0.55 for ch in w.text]
    scale = (w.box[2] - w.box[0]) / (sum(weights) or 1.0)
    starts = [w.box[0] + scale * sum(weights[:i]) for i in range(len(weights) + 1)]
    spaces = [i for i, ch in enumerate(w.text) if ch.isspace()]
    pieces: list[Word] = []
    start, begin = 0, w.box[0]
    for edge in cuts:
        after = [i for i in range(start + 1, len(w.text)) if starts[i] + weights[i] * scale / 2 > edge]
        at = after[0] if after else len(w.text)
        near = [i for i in spaces if i >= start]
        if near:
            at = min(near, key=lambda i: abs(starts[i] - edge))
        pieces.append(_piece(w, start, at, begin, edge))
        start, begin = at, edge
    pieces.append(_piece(w, start, len(w.text), begin, w.box[2]))
    return [p for p in pieces if p.text]


def _piece(w: Word, start: int, end: int, x0: float, x1: float) -> Word:
    return Word(w.text[start:end].strip(), (x0, w.box[1], x1, w.box[3]), w.confidence)


def row_cells(words: Sequence[Word], grid: Grid) -> list[list[list[Word]]]:
    """The words of each grid row by column (the column holding the word's centre), in reading order."""
    rows: list[list[list[Word]]] = [[[] for _ in range(grid.columns)] for _ in range(grid.rows)]
    for w in sorted(words, key=lambda w: (w.cy, w.box[0])):
        r = grid.row_of(w.cy)
        if r is not None and grid.xs[0] - w.height <= w.cx <= grid.xs[-1] + w.height:
            rows[r][grid.column_of(w.cx)].append(w)
    return [[_reading_order(cell) if len(cell) > 1 else cell for cell in row] for row in rows]


def _reading_order(cell: list[Word]) -> list[Word]:
    """A cell's words line by line (a wrapped description), left to right within a line."""
    lines: list[list[Word]] = []
    for w in sorted(cell, key=lambda w: w.cy):
        if lines and w.cy - sum(v.cy for v in lines[-1]) / len(lines[-1]) < 0.5 * w.height:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.box[0])]


def text_lines(cell: list[Word]) -> int:
    """How many text lines a cell's words stand on."""
    count, last = 0, -math.inf
    for w in sorted(cell, key=lambda w: w.cy):
        if w.cy - last >= 0.5 * w.height:
            count += 1
            last = w.cy
    return count


# --- rules in a scanned page -------------------------------------------------------------

RULE_MIN = 0.045    # share of the page width a horizontal ink run must reach to be a rule
VRULE_MIN = 0.024   # ... and of the page width (200 dpi: 40 px) for a vertical one, under a row's height
MAX_THICK = 9       # px: thicker dark bands are filled areas or logos, not rules


def image_skew(gray) -> float | None:
    """The page's skew in degrees from its long horizontal rules (positive: rising to the right),
    or None when it has no rule long enough to say."""
    import cv2
    import numpy as np

    ink = (gray < 128).astype(np.uint8)
    ink = cv2.dilate(ink, np.ones((7, 1), np.uint8))  # a slanted thin line becomes one long band
    width = ink.shape[1]
    mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(width // 20, 20), 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    angles: list[tuple[float, float]] = []
    for i in range(1, count):
        x, y, w, h, _area = stats[i]
        if w < width // 4 or h > w * 0.08 + 12:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append((float(w), -math.degrees(math.atan(slope))))
    if not angles:
        return None
    angles.sort(reverse=True)
    return statistics.median(a for _, a in angles[:5])


def image_rules(gray):
    """(vertical rules, horizontal rules, the rules' ink) of a level page image: rules as boxes, found
    by opening the ink with long thin kernels (text strokes are shorter than a row is high or a
    column is wide); the ink mask lets a cell be read without the rule beside it."""
    import cv2
    import numpy as np

    ink = (gray < 128).astype(np.uint8)
    width = ink.shape[1]
    found, ruled = [], np.zeros_like(ink)
    for kernel, bridge in (((1, max(round(width * VRULE_MIN), 15)), (1, 3)),
                           ((max(round(width * RULE_MIN), 20), 1), (3, 1))):
        thick = cv2.dilate(ink, np.ones(bridge[::-1], np.uint8))  # a pixel of slant or a break
        mask = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        vertical = kernel[0] == 1
        boxes = []
        for x, y, w, h, _area in stats[1:count]:
            if (w if vertical else h) <= MAX_THICK:
                boxes.append((float(x + w / 2), float(y), float(x + w / 2), float(y + h)) if vertical
                             else (float(x), float(y + h / 2), float(x + w), float(y + h / 2)))
        found.append(boxes)
        ruled |= mask
    return found[0], found[1], cv2.dilate(ruled, np.ones((3, 3), np.uint8)).astype(bool)
