"""Where an order table's columns are on a page of positioned words: between its vertical rules,
else at the empty gutters between the words of its heading and rows (cut between two headings
printed closer than a word gap), and how many rows its horizontal rules enclose.

Pure geometry over `words.Word` boxes; the page reader (`page.py`) decides which lines are the
table and lays its words out by these columns.
"""
from __future__ import annotations

import re
import statistics

from parsers.layout.headings import heading_cells
from parsers.layout.words import Line, Page, Word, column_label, join_words, line_height, phrases
from parsers.vocab import labels as F
from parsers.vocab.currencies import currency_code

def body_end(lines: list[Line], h: int, bottom: float | None) -> int:
    """Index past the last table line: ruled tables end at their rules, others at a wide gap or a total."""
    size = line_height(lines[h])
    end = h + 1
    while end < len(lines):
        line = lines[end]
        if bottom is not None:
            if statistics.median(w.cy for w in line) > bottom:
                break
        elif min(w.box[1] for w in line) - max(w.box[3] for w in lines[end - 1]) > 2.5 * size:
            break
        end += 1
        if F.is_total_label(line[0].text) or F.is_total_label(join_words(phrases(line)[0])):
            break
    return end


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


def gutter_spans(lines: list[Line], h: int, end: int,
                 cells: list[list[Word]] | None = None) -> list[tuple[float, float]]:
    """Column spans: the x ranges covered by header cells (`cells`, else line h's) and row words,
    split at empty gutters.

    Rows of three or more cells place the columns; wrapped description lines, which run
    across the gutters, are left out of it when there are such rows.
    """
    size = line_height(lines[h])
    cells = cells if cells is not None else heading_cells(lines[h])
    heads = [(c[0].box[0], c[-1].box[2]) for c in cells]
    body = [line for line in lines[h + 1:end]
            if not (F.is_total_label(line[0].text) or F.is_total_label(join_words(phrases(line)[0])))]
    rows = [line for line in body if len(phrases(line)) >= 3]
    words = [(w.box[0], w.box[2]) for line in rows or body for w in line]
    spans: list[list[float]] = []
    for x0, x1 in sorted(heads + words):
        if spans and x0 <= spans[-1][1] + 0.3 * size:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    numeric = {hd for hd, c in zip(heads, cells) if F.column_field(column_label(join_words(c))) in _NUMBERS}
    texts = {(w.box[0], w.box[2]) for line in rows or body for w in _text_words(line, size)}
    return [part for a, b in spans for part in split_between_heads((a, b), heads, words, size, numeric, texts)]


_NUMBERS = frozenset({F.QUANTITY, F.UNIT_PRICE, F.AMOUNT})
_WORDY = re.compile(r"[^\W\d_]{2,}")


def _text_words(line: Line, size: float) -> list[Word]:
    """The line's words no number column holds (`_is_text`), and a lone letter a word space after
    one of them ("cannelure B", "Type A"): it ends the same name."""
    out: list[Word] = []
    for k, w in enumerate(line):
        prev = line[k - 1] if k else None
        if _is_text(w.text) or (prev is not None and prev in out and re.fullmatch(r"[^\W\d_]", w.text)
                                and w.box[0] - prev.box[2] < _WORD_GAP * size):
            out.append(w)
    return out


_WORD_GAP = 0.6  # text heights: a gap narrower than this is a word space inside a name


def _is_text(text: str) -> bool:
    """A word no number column holds: letters, not a unit or currency word ("flute", "BC"; not "KG",
    "USD", "1,200")."""
    return (bool(_WORDY.search(text)) and not re.search(r"\d", text) and not F.is_unit(text)
            and currency_code(text) is None)


def cut_at_gutters(cells: list[list[Word]], lines: list[Line], size: float) -> list[list[Word]]:
    """Heading cells whose words are labels of their own ("Item" "Description" printed closer than a
    word gap, one label read together) cut between two words where the rows below leave an empty
    gutter with words on both sides under the cell: the rows show two columns there. A cell that is
    one known label is not cut into a part naming what another cell names ("Unit Price" beside
    "Unit"): the gutter under it lies where an estimated word box misplaced the label."""
    rows = [line for line in lines if len(phrases(line)) >= 3]
    if len(rows) < 2:
        return cells
    boxes = [(w.box[0], w.box[2]) for line in rows for w in line]
    out: list[list[Word]] = []
    for cell in cells:
        start = 0
        named = {F.column_field(join_words(c)) for c in cells if c is not cell} - {None}
        whole = F.is_known_column(join_words(cell))
        for k in range(1, len(cell)):
            left, right = cell[start:k], cell[k:]
            twice = whole and bool(named & {F.column_field(join_words(left)), F.column_field(join_words(right))})
            if (F.is_known_column(join_words(left)) and F.is_known_column(join_words(right)) and not twice
                    and _gutter_between(boxes, left, right, size)):
                out.append(left)
                start = k
        out.append(cell[start:])
    return out


def _gutter_between(boxes: list[tuple[float, float]], left: list[Word], right: list[Word], size: float) -> bool:
    """Whether some x between the middles of the last left word and the first right word is crossed
    by no row word (each taken `_EDGE` short at its ends), with row words centred under each part
    on its side ("Line" over no word of its own in "Line Total" is no column)."""
    lo, hi = left[-1].cx, right[0].cx
    edge = _EDGE * size
    crossed = [(a + edge, b - edge) for a, b in boxes if b - edge > lo and a + edge < hi]
    x, free = lo, None
    for a, b in sorted(crossed):
        if a - x >= _GUTTER * size:
            free = (x + a) / 2
            break
        x = max(x, b)
    if free is None and hi - x >= _GUTTER * size:
        free = (x + hi) / 2
    if free is None:
        return False
    centres = [(a + b) / 2 for a, b in boxes]
    reach = 0.25 * size
    return (any(left[0].box[0] - reach <= c <= min(left[-1].box[2] + reach, free) for c in centres)
            and any(max(right[0].box[0] - reach, free) <= c <= right[-1].box[2] + reach for c in centres))


def split_between_heads(span: tuple[float, float], heads: list[tuple[float, float]],
                        boxes: list[tuple[float, float]], size: float,
                        numeric: set[tuple[float, float]] = frozenset(),
                        texts: set[tuple[float, float]] = frozenset()) -> list[tuple[float, float]]:
    """A span holding two headings' columns, printed closer than a word gap apart ("Part No." over
    "2.02.1053", "Qty" over "1,255"), cut between each pair of headings (`column_cut`). Between a
    text column and a `numeric` heading's, the words of `texts` (words, not numbers or units) stay
    on the text column's side: a long name's last words ("… 5-ply BC flute") are no quantity."""
    inside = sorted(hd for hd in heads if span[0] <= (hd[0] + hd[1]) / 2 <= span[1])
    cuts: list[float] = []
    for a, b in zip(inside, inside[1:]):
        near = [bx for bx in boxes if bx[1] > a[0] and bx[0] < b[1]]
        side = None if (a in numeric) == (b in numeric) else ("left" if b in numeric else "right")
        cut = column_cut(near, a, b, size, [bx for bx in near if bx in texts] if side else [], side)
        if cut is not None:
            cuts.append(cut)
    edges = [span[0], *cuts, span[1]]
    return list(zip(edges, edges[1:]))


_EDGE = 0.15    # text heights at each end of a word that OCR boxes get wrong (they overlap a close neighbour's)
_ALIGNED = 0.5  # text heights within which the words of a column start (or end) in line
_GUTTER = 0.3   # text heights: the narrowest strip between two columns that no word crosses


def column_cut(words: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float],
               size: float, texts: list[tuple[float, float]] = (), side: str | None = None) -> float | None:
    """Where heading a's column ends and heading b's begins. The words centred under one heading only
    stay in its column; between them, a strip no word crosses (the widest), else such a strip anywhere
    between the two headings' middles (a heading's words placed by estimated widths, "Unit Price"
    of one run "Quantity Unit Price", may reach over the right-aligned quantities' ends), else the
    place where most words of a column start or end in line (left- or right-aligned) less the words
    it cuts. `texts` are words that stay on the `side` ("left" or "right") of the text column (the
    other heading names a number column), wherever they are centred."""
    def under(h: tuple[float, float], other: tuple[float, float]) -> list[float]:
        centres = [(x0 + x1) / 2 for x0, x1 in words]
        return [c for c in centres if h[0] <= c <= h[1] and not other[0] <= c <= other[1]]

    middles = (a[0] + a[1]) / 2, (b[0] + b[1]) / 2
    between = [(x0 + x1) / 2 for x0, x1 in texts if middles[0] < (x0 + x1) / 2 < middles[1]]
    lo = max([middles[0], *under(a, b), *(between if side == "left" else ())])
    hi = min([middles[1], *under(b, a), *(between if side == "right" else ())])
    if hi - lo < 1:
        lo, hi = middles
    if free_cut(words, lo, hi, size) is None:
        wider = free_cut(words, *middles, size)
        if wider is not None:
            return wider
    return best_cut(words, lo, hi, size, mid=sum(middles) / 2)


def best_cut(boxes: list[tuple[float, float]], lo: float, hi: float, size: float,
             mid: float | None = None) -> float | None:
    """The middle of the widest strip between lo and hi that no word crosses (each taken `_EDGE` short
    at both ends), else of the longest run of places where most words start or end in line, less
    the words cut there. Past `mid` (halfway between the two headings) a word belongs to the right
    column: only its start can mark the cut, and only the ends of words left of it do. A left column's
    word that starts just inside the range ("4900." under "Qty", its right end run into the price's
    "0.0069") is no start of the right column."""
    import numpy as np

    if hi - lo < 1:
        return None
    if not boxes:
        return (lo + hi) / 2
    free = free_cut(boxes, lo, hi, size)
    if free is not None:
        return free
    xs = np.arange(lo, hi, 1.0)
    a, b = (np.array(v, dtype=float)[None, :] for v in zip(*boxes))
    tol, edge = _ALIGNED * size, _EDGE * size
    crossed = ((a + edge < xs[:, None]) & (b - edge > xs[:, None])).sum(axis=1)
    right = (a + b) / 2 > mid if mid is not None else np.ones_like(a, dtype=bool)
    left = ~right if mid is not None else right
    starts = (right & (a >= xs[:, None]) & (a <= xs[:, None] + tol)).sum(axis=1)
    ends = (left & (b <= xs[:, None]) & (b >= xs[:, None] - tol)).sum(axis=1)
    score = np.maximum(starts, ends) - crossed
    run = max(_runs(np.flatnonzero(score == score.max())), key=len)
    return float((xs[run[0]] + xs[run[-1]]) / 2)


def free_cut(boxes: list[tuple[float, float]], lo: float, hi: float, size: float) -> float | None:
    """The middle of the widest strip between lo and hi, at least `_GUTTER` text heights wide, that
    no word crosses (each taken `_EDGE` short at both ends); None when there is none."""
    import numpy as np

    if hi - lo < 1 or not boxes:
        return None
    xs = np.arange(lo, hi, 1.0)
    a, b = (np.array(v, dtype=float)[None, :] for v in zip(*boxes))
    edge = _EDGE * size
    crossed = ((a + edge < xs[:, None]) & (b - edge > xs[:, None])).sum(axis=1)
    wide = [r for r in _runs(np.flatnonzero(crossed == 0)) if len(r) >= _GUTTER * size]
    if not wide:
        return None
    run = max(wide, key=len)
    return float((xs[run[0]] + xs[run[-1]]) / 2)


def _runs(indexes):
    """Consecutive runs in a sorted array of indexes."""
    import numpy as np

    return [r for r in np.split(indexes, np.flatnonzero(np.diff(indexes) > 1) + 1) if len(r)]


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
