"""Where an order table's columns are on a page of positioned words: between its vertical rules,
else at the empty gutters between the words of its heading and rows (cut between two headings
printed closer than a word gap), and how many rows its horizontal rules enclose.

Pure geometry over `words.Word` boxes; the page reader (`page.py`) decides which lines are the
table and lays its words out by these columns.
"""
from __future__ import annotations

import statistics

from parsers.layout.headings import heading_cells
from parsers.layout.words import Line, Page, Word, join_words, line_height, phrases
from parsers.vocab import labels as F

def rule_spans(page: Page, line: Line) -> list[tuple[float, float]]:
    """Column spans between the vertical rules that cross the header line, if there are enough."""
    top, bottom = min(w.box[1] for w in line), max(w.box[3] for w in line)
    mid = (top + bottom) / 2
    near = 0.25 * line_height(line)
    xs: list[float] = []
    for x0, t, x1, b in sorted(page.rules):
        x = (x0 + x1) / 2
        if t <= mid <= b and (not xs or x - xs[-1] > near):
            xs.append(x)
    spans = list(zip(xs, xs[1:]))
    return spans if len(spans) >= 3 else []


def rule_bottom(page: Page, spans: list[tuple[float, float]], line: Line) -> float:
    """Where the ruled table ends: follow its column rules down while they touch (cell by cell)."""
    xs = {a for a, _ in spans} | {b for _, b in spans}
    mid = statistics.median(w.cy for w in line)
    near = 0.25 * line_height(line)
    rules = sorted((r for r in page.rules if any(abs((r[0] + r[2]) / 2 - x) <= near for x in xs)),
                   key=lambda r: r[1])
    bottom = max((r[3] for r in rules if r[1] <= mid <= r[3]), default=mid)
    for _x0, top, _x1, low in rules:
        if top <= bottom + 2 * near:
            bottom = max(bottom, low)
    return bottom


def ruled_rows(page: Page, spans: list[tuple[float, float]], top: float, bottom: float) -> int | None:
    """How many rows between `top` (the heading's foot) and `bottom` the table's horizontal rules
    enclose and words fill, totals rows left out; None when the table is not ruled between its rows."""
    x0, x1 = spans[0][0], spans[-1][1]
    near = 2.0
    ys: list[float] = []
    for a, y, b, _ in sorted(page.hrules, key=lambda r: r[1]):
        if top - near <= y <= bottom + near and min(b, x1) - max(a, x0) >= 0.6 * (x1 - x0):
            if not ys or y - ys[-1] > near:
                ys.append(y)
    if len(ys) < 3:
        return None
    count = 0
    for upper, lower in zip(ys, ys[1:]):
        inside = sorted((w for w in page.words if upper < w.cy < lower and x0 <= w.cx <= x1), key=lambda w: w.box[0])
        if inside and upper >= top - near and not F.is_total_label(inside[0].text):
            count += 1
    return count


def gutter_spans(lines: list[Line], h: int, end: int) -> list[tuple[float, float]]:
    """Column spans: the x ranges covered by header cells and row words, split at empty gutters.

    Rows of three or more cells place the columns; wrapped description lines, which run
    across the gutters, are left out of it when there are such rows.
    """
    size = line_height(lines[h])
    boxes = [(c[0].box[0], c[-1].box[2]) for c in heading_cells(lines[h])]
    body = [line for line in lines[h + 1:end]
            if not (F.is_total_label(line[0].text) or F.is_total_label(join_words(phrases(line)[0])))]
    rows = [line for line in body if len(phrases(line)) >= 3]
    for line in rows or body:
        boxes.extend((w.box[0], w.box[2]) for w in line)
    spans: list[list[float]] = []
    for x0, x1 in sorted(boxes):
        if spans and x0 <= spans[-1][1] + 0.3 * size:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    heads = [(c[0].box[0], c[-1].box[2]) for c in heading_cells(lines[h])]
    return [part for a, b in spans for part in split_between_heads((a, b), heads, boxes)]


def split_between_heads(span: tuple[float, float], heads: list[tuple[float, float]],
                         boxes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A span holding two headings' columns, printed closer than a word gap apart ("Part No." over
    "2.02.1053", "Qty" over "1,255"), cut at the widest empty strip between each pair of headings."""
    inside = sorted(hd for hd in heads if span[0] <= (hd[0] + hd[1]) / 2 <= span[1])
    cuts: list[float] = []
    for (a0, _a1), (_b0, b1) in zip(inside, inside[1:]):
        gaps = empty_strips([bx for bx in boxes if bx[1] > a0 and bx[0] < b1], a0, b1)
        if gaps:
            g0, g1 = max(gaps, key=lambda g: g[1] - g[0])
            cuts.append((g0 + g1) / 2)
    edges = [span[0], *cuts, span[1]]
    return list(zip(edges, edges[1:]))


def empty_strips(boxes: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """The x ranges between lo and hi that no box covers."""
    strips: list[tuple[float, float]] = []
    reach = lo
    for x0, x1 in sorted(boxes):
        if x0 > reach:
            strips.append((reach, min(x0, hi)))
        reach = max(reach, x1)
    return [(a, b) for a, b in strips if b > a and a > lo]


def column_of(w: Word, spans: list[tuple[float, float]]) -> int:
    for i, (a, b) in enumerate(spans):
        if a <= w.cx <= b:
            return i
    return min(range(len(spans)), key=lambda i: min(abs(w.cx - spans[i][0]), abs(w.cx - spans[i][1])))


def canonical(spans: list[tuple[float, float]], canon: list[tuple[float, float]]) -> list[int]:
    """Map a later page's columns onto the first table's, by overlap, else by nearest centre."""
    out = []
    for a, b in spans:
        overlaps = [min(b, d) - max(a, c) for c, d in canon]
        best = max(range(len(canon)), key=lambda i: overlaps[i])
        if overlaps[best] <= 0:
            best = min(range(len(canon)), key=lambda i: abs((a + b) / 2 - sum(canon[i]) / 2))
        out.append(best)
    return out


def headed(spans: list[tuple[float, float]], header: Line) -> list[int]:
    """Gutter columns without a heading belong to the headed column nearest their left edge.

    "10 EA" printed just right of "Quantity" and left of "Rev" is the quantity, not a column of its own.
    """
    heads: dict[int, tuple[float, float]] = {}
    for w in header:
        i = column_of(w, spans)
        a, b = heads.get(i, (w.box[0], w.box[2]))
        heads[i] = (min(a, w.box[0]), max(b, w.box[2]))
    if not heads:
        return list(range(len(spans)))
    return [i if i in heads else min(heads, key=lambda k: min(abs(x0 - heads[k][0]), abs(x0 - heads[k][1])))
            for i, (x0, _x1) in enumerate(spans)]
