"""Where a page's order table is: its heading line or ruled heading row, its columns and its lines.

The line that names an item and a quantity column heads the table. A ruled table (`grid`) is
found by a grid row whose cells, each read on its own, name the columns; an unruled one by its
heading line, its columns at the vertical gutters between the heading's and the rows' words
(`columns`). A table carried over to a later page is placed on the first page's columns (`Canon`).
The page reader (`pagetable`) lays the lines found here out as rows of cells.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from parsers.layout import columns
from parsers.layout.grid import MIN_COLUMNS, Grid, row_cells, split_at_rules
from parsers.layout.headings import (header_at as _header_at, heading_cells, is_header as _is_header, split_labels,
                                     blank, with_count)
from parsers.layout.words import Line, Page, Word, join_words, line_height, tokenised
from parsers.vocab import labels as F


@dataclass
class Table:
    """Column spans of the order table on a page, the canonical column each maps to, its lines."""

    spans: list[tuple[float, float]]
    index: list[int]
    first: int
    last: int
    ruled: bool = False
    header: Line | None = None  # the heading words (both lines of a two-line heading); None: continued
    header_cells: list[list[Word]] = field(default_factory=list)  # the heading's cells, label by label
    grid: Grid | None = None  # a ruled table read cell by cell ...
    cells: list[list[list[Word]]] = field(default_factory=list)  # ... its words by grid row and column
    body: int = 0  # the first grid row under the heading
    head: list[list[Word]] = field(default_factory=list)  # the heading's words by grid column
    rows: int | None = None  # filled body rows between its horizontal rules, when it is ruled so



def cells_by_column(line: Line, spans: list[tuple[float, float]], index: list[int], width: int,
           glue: bool = False, units: frozenset[int] = frozenset()) -> list[list[Word]]:
    """Words by column; with `glue` (no ruling), a unit set tight after the quantity ("10 EA") stays in
    its cell, unless the table has a unit column of its own (`units`): then a unit word elsewhere is
    its own column's ("5 | Carton box" in a narrow table). Nothing else is glued: in narrow tables a
    word that close is the next column's ("2.02.1053 1,255", "1.03.1029 彩盒")."""
    cells: list[list[Word]] = [[] for _ in range(width)]
    col = -1
    for k, w in enumerate(line):
        prev = line[k - 1] if k else None
        own = index[columns.column_of(w, spans)]
        if prev is not None and col >= 0 and _runs_on(line, k, spans):
            own = col
        tight = prev is not None and w.box[0] - prev.box[2] < 0.6 * min(w.height, prev.height)
        if not (glue and tight and not units and F.is_unit(w.text) and re.match(r"[-+(]?\d", prev.text)):
            col = own
        cells[col].append(w)
    return cells



_WORD_SPACE = 0.5  # text heights: a gap narrower than this is a space inside a cell, not between columns


def _runs_on(line: Line, k: int, spans: list[tuple[float, float]]) -> bool:
    """Whether word k, centred in no column, continues the word before it: a description longer
    than any other row's runs past its column's span toward the next column, and the pieces of a
    word there ("3层B楞" cut by script into "3", "层", "B", "楞"), nearer the next span than their
    own, are one word printed a word space after the text before it and closer to it than to the
    next column's. (A number right-aligned in its column can centre between two spans a column
    gap after the word before it: that is no continuation.)"""
    w = line[k]
    if any(a <= w.cx <= b for a, b in spans):
        return False
    glued = lambda i: line[i].box[0] - line[i - 1].box[2] < 0.1 * line[i].height  # noqa: E731
    first, last = k, k
    while first > 0 and glued(first):
        first -= 1
    while last + 1 < len(line) and glued(last + 1):
        last += 1
    before = line[first].box[0] - line[first - 1].box[2] if first > 0 else float("inf")
    after = line[last + 1].box[0] - line[last].box[2] if last + 1 < len(line) else float("inf")
    return before < _WORD_SPACE * w.height and before <= after


@dataclass(frozen=True)
class Canon:
    """The first table's columns, which later pages' tables are placed on: their spans, the sheet
    column each goes to, and which of them (by position) head the quantity."""

    spans: list[tuple[float, float]]
    index: list[int]
    qty: frozenset[int]


_HEAD_ROWS = 4  # grid rows searched for the heading (a title or field rows may be boxed above it)


def _grid_table(page: Page, lines: list[Line], canon: Canon | None) -> Table | None:
    """A ruled table whose heading row, each cell read on its own, names an item, a quantity and a
    third column: narrow columns stay apart however close their labels are printed. On a later
    page, a ruled table without a heading continues the first page's (`_continued_grid`)."""
    if not page.words or not page.grids:
        return None
    mids = [statistics.median(w.cy for w in line) for line in lines]
    read: list[tuple[Grid, list[list[list[Word]]]]] = []
    for grid in page.grids:
        x0, top, x1, bottom = grid.box
        words = split_at_rules([w for w in page.words if top <= w.cy <= bottom and x0 - w.height <= w.cx <= x1 + w.height],
                               grid)
        rows = row_cells(words, grid)
        read.append((grid, rows))
        for r in range(min(grid.rows - 1, _HEAD_ROWS)):
            depth = _heading_depth(grid, rows, r)
            inside = [i for i, y in enumerate(mids) if grid.ys[r] <= y <= bottom]
            if depth and inside:
                spans = grid.spans()
                index = columns.canonical(spans, canon.spans) if canon else list(range(len(spans)))
                head = _grid_heading(grid, rows, r, depth)
                return Table(spans, index, inside[0], inside[-1] + 1, True, [w for c in head for w in c],
                              [c for c in head if c], grid=grid, cells=rows, body=r + depth, head=head)
    return _continued_grid(read, mids, canon) if canon else None


def _continued_grid(read: list[tuple[Grid, list[list[list[Word]]]]], mids: list[float],
                    canon: Canon) -> Table | None:
    """A ruled table on a later page that does not repeat its heading continues the first page's
    table: read by its own grid from its first order row (or its totals row), its columns placed in
    the first table's by overlap, keeping their order. A single ruled row (the last line or the
    totals row alone on the page) continues it only where its rules are the first table's."""
    for grid, rows in read:
        spans = grid.spans()
        index = columns.canonical(spans, canon.spans)
        if index != sorted(index) or len(set(index)) < MIN_COLUMNS or (grid.rows == 1 and not _aligned(grid, canon.spans, rows)):
            continue
        placed = [remap(row, index, len(canon.spans)) for row in rows]
        body = next((r for r, row in enumerate(placed) if _order_row(row, canon.qty) or _totals_row(row)), None)
        inside = [i for i, y in enumerate(mids) if body is not None and grid.ys[body] <= y <= grid.ys[-1]]
        if inside:
            return Table(spans, index, inside[0], inside[-1] + 1, True, None, grid=grid, cells=rows, body=body)
    return None


def _order_row(cells: list[list[Word]], qty: frozenset[int]) -> bool:
    """A table line, its cells in the first table's columns, that reads as an order row: three cells
    or more, a number in the quantity column (a number after the first cell when none is known)."""
    filled = [join_words(c) for c in cells if c]
    if qty:
        return len(filled) >= 3 and any(re.match(r"[-+(]?\d", join_words(cells[k])) for k in qty if cells[k])
    return len(filled) >= 3 and any(re.search(r"\d", t) for t in filled[1:])


def _totals_row(cells: list[list[Word]]) -> bool:
    filled = [join_words(c) for c in cells if c]
    return len(filled) >= 2 and F.is_total_label(filled[0]) and any(re.search(r"\d", t) for t in filled[1:])


def _aligned(grid: Grid, canon: list[tuple[float, float]], rows: list[list[list[Word]]]) -> bool:
    """Whether every column rule of a grid stands where one of the first table's stands (within half
    a text height)."""
    words = [w for row in rows for cell in row for w in cell]
    near = 0.5 * statistics.median(w.height for w in words) if words else 0.0
    edges = [a for a, _ in canon] + [canon[-1][1]]
    return all(min(abs(x - e) for e in edges) <= near for x in grid.xs)


def _grid_heading(grid: Grid, rows: list[list[list[Word]]], r: int, depth: int) -> list[list[Word]]:
    """The heading's words by grid column (rows r to r + depth - 1), an empty or misread heading
    over the count column named as one (`with_count`: the detector loses a faint "Qty")."""
    head = [[w for k in range(depth) for w in rows[r + k][c]] for c in range(len(rows[r]))]
    below = [w for c in rows[r + depth] for w in c] if r + depth < len(rows) else None
    spans = grid.spans()
    marked = [c or blank((spans[k][0], grid.ys[r], spans[k][1], grid.ys[r + depth])) for k, c in enumerate(head)]
    return [c if join_words(c) else [] for c in with_count(marked, below)]


def _heading_depth(grid: Grid, rows: list[list[list[Word]]], r: int) -> int:
    """1 when grid row r is the table's heading, 2 when rows r and r + 1 head it together, else 0."""
    for depth in (1, 2):
        if r + depth >= len(rows):
            return 0
        named = [c for c in _grid_heading(grid, rows, r, depth) if c]
        below = [w for c in rows[r + depth] for w in c]
        if named and _is_header([w for c in named for w in c], below or None, named):
            return depth
    return 0


def find_table(page: Page, lines: list[Line], canon: Canon | None) -> Table | None:
    gridded = _grid_table(page, lines, canon)
    if gridded is not None:
        return gridded
    # Words, not OCR runs: the detector runs narrow columns together ("Buyer Item # Item Code", "2 2.02.1051").
    heads = [tokenised(line, scripts=False) for line in lines]
    found = next(((i, head) for i in range(len(heads)) if (head := _header_at(heads, i)) is not None), None)
    if found is None:
        return _continued_table(page, lines, canon) if canon else None
    h, head = found
    if head is heads[h]:
        lines[h] = head = split_labels(head)  # "单位数量" read as one run heads two columns
        cells = heading_cells(head)
    else:
        # Each word of a two-line heading is one column's cell already; grouped again by gaps
        # measured against its two-line height, close columns ("QTY" | "PRICE/PC USD") would merge.
        head = split_labels(head)
        cells = [[w] for w in head]
    cells = with_count(cells, lines[h + 1] if h + 1 < len(lines) else None)
    spans = columns.rule_spans(page, lines[h])
    bottom = columns.rule_bottom(page, spans, lines[h]) if spans else None
    if bottom is not None and bottom <= max(w.box[3] for w in lines[h]) + line_height(lines[h]):
        bottom = None  # only the heading is boxed: the rows below end as an unruled table's do
    end = columns.body_end(lines, h, bottom)
    lines[h + 1:end] = [tokenised(line) for line in lines[h + 1:end]]
    ruled = bool(spans)
    if not ruled:
        cells = columns.cut_at_gutters(cells, lines[h + 1:end], line_height(lines[h]))
    spans = spans or columns.gutter_spans(lines, h, end, cells)
    index = columns.canonical(spans, canon.spans) if canon else list(range(len(spans)))
    if not ruled and not canon:
        index = columns.headed(spans, [w for c in cells for w in c])
    first = h - 1 if head is not lines[h] else h
    rows = columns.ruled_rows(page, spans, max(w.box[3] for w in lines[h]), bottom) if bottom is not None else None
    return Table(spans, index, first, end, ruled, head, cells, rows=rows)


def _continued_table(page: Page, lines: list[Line], canon: Canon) -> Table | None:
    """A page without a header continues the previous page's table from its first row with a number.
    Its columns are its own (its rules, else the places of its own words: a longer description
    than any on the first page stays in its column), mapped onto the first table's."""
    same = list(range(len(canon.spans)))
    for i, line in enumerate(lines):
        if _order_row(cells_by_column(line, canon.spans, same, len(canon.spans)), canon.qty):
            bottom = columns.rule_bottom(page, canon.spans, line) if page.rules else None
            top = min(w.box[1] for w in line) - 0.5 * line_height(line)
            rows = columns.ruled_rows(page, canon.spans, top, bottom) if bottom is not None else None
            end = columns.body_end(lines, i, None)
            lines[i:end] = [tokenised(line) for line in lines[i:end]]
            ordered = [row for row in lines[i:end] if _order_row(cells_by_column(row, canon.spans, same, len(same)), canon.qty)]
            spans = columns.rule_spans(page, line) or _own_spans(ordered, canon.spans)
            return Table(spans, columns.canonical(spans, canon.spans), i, end, rows=rows)
    return None


def _own_spans(rows: list[Line], canon: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The x ranges the words of a continued table's order rows cover (not its wrapped lines), each cut
    between the first table's columns whose middles it holds."""
    size = statistics.median(line_height(line) for line in rows)
    merged: list[list[float]] = []
    for x0, x1 in sorted((w.box[0], w.box[2]) for line in rows for w in line):
        if merged and x0 <= merged[-1][1] + 0.3 * size:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    spans: list[tuple[float, float]] = []
    for a, b in merged:
        inside = [k for k, (c, d) in enumerate(canon) if a <= (c + d) / 2 <= b]
        edges = [a, *((canon[k][1] + canon[k + 1][0]) / 2 for k in inside[:-1]), b]
        spans.extend(zip(edges, edges[1:]))
    return spans



def remap(cells: list[list[Word]], index: list[int], width: int) -> list[list[Word]]:
    """Cells of a table's own columns placed in the first table's columns."""
    out: list[list[Word]] = [[] for _ in range(width)]
    for c, words in enumerate(cells):
        out[index[c]].extend(words)
    return out

