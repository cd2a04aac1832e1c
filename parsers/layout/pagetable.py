"""A page run's order table laid out as rows of cells: the sheet the shared table reader reads.

The line that names an item and a quantity column heads the table; its columns come from the
ruling lines when the page has them (`grid`) and otherwise from the vertical gutters between
the heading's and the rows' words (`columns`). A table carried over to later pages keeps the
first page's columns when its own heading is repeated or missing. Every cell remembers its page,
box and OCR confidence, so `locate` can point each value read from the sheet back at the page.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from parsers.layout import columns
from parsers.layout import rows as pagerows
from parsers.layout.grid import text_lines
from parsers.layout.headings import is_header as _is_header
from parsers.layout.tablefind import Canon, Table, cells_by_column, find_table, remap
from parsers.layout.words import (CJK, Box, Line, Page, Word, column_label, union_box,
                                  group_lines, header_label, join_words, phrases)
from parsers.model import ParsedLine, ParsedOrder, Provenance
from parsers.vocab import labels as F


_PAGE_NUMBER = re.compile(r"(?i)^(第\s*\d+\s*页.*|共\s*\d+\s*页.*|page\s*\d+(\s*(of|/)\s*\d+)?|-?\s*\d+\s*-?|\d+\s*/\s*\d+)$")
_CELL_NAME = re.compile(r"^p(\d+) r(\d+) c(\d+)$")



@dataclass
class Sheet:
    """Rows of cells for the table reader, with each cell's page, box and confidence."""

    rows: list[list[str | None]] = field(default_factory=list)
    places: list[tuple[int, dict[int, Box], float, dict[int, float]]] = field(default_factory=list)
    qty_col: int | None = None
    table: int = -1  # the table occurrence being laid out (-1: outside any table)
    occurrence: list[int] = field(default_factory=list)  # per row
    totalled: set[int] = field(default_factory=set)  # occurrences closed by a totals row
    extras: dict[int, list[tuple[str, str, Box]]] = field(default_factory=dict)  # row -> labelled ids
    header: list[str | None] = field(default_factory=list)
    first_header: int | None = None
    headings: list[int] = field(default_factory=list)  # the rows that head a table occurrence
    grid_rows: int | None = 0  # filled rows of the ruled tables, counted by their rules (None: uncountable)

    def add(self, page: int, cells: list[list[Word]], offset: int = 0) -> None:
        self.add_cells(page, [(join_words(words) if words else None, words) for words in cells], offset)

    def add_cells(self, page: int, cells: list[tuple[str | None, list[Word]]], offset: int = 0) -> None:
        """A row of (text, words) cells, the first at column `offset`; a row with no text is dropped."""
        row: list[str | None] = [None] * offset
        boxes: dict[int, Box] = {}
        confs: dict[int, float] = {}
        for c, (text, words) in enumerate(cells, start=offset):
            row.append(text or None)
            if words:
                boxes[c] = union_box(w.box for w in words)
                confs[c] = min(w.confidence for w in words)
        if any(row):
            self.rows.append(row)
            self.places.append((page, boxes, min(confs.values(), default=1.0), confs))
            self.occurrence.append(self.table)

    def cell_name(self, r: int, c: int) -> str:
        return f"p{self.places[r][0]} r{r + 1} c{c + 1}"



def _phrase_cells(line: Line, spans: list[tuple[float, float]], index: list[int], width: int) -> list[list[Word]]:
    """A line's phrases, each whole in the column of its first word."""
    cells: list[list[Word]] = [[] for _ in range(width)]
    for phrase in phrases(line):
        cells[index[columns.column_of(phrase[0], spans)]].extend(phrase)
    return cells


def _heading_row(table: Table, width: int) -> list[list[Word]]:
    """Heading words by column, each heading cell whole in the column under its centre (a label
    wider than its column, "Unit Price (CNY)" over short prices, is not cut in two)."""
    cells: list[list[Word]] = [[] for _ in range(width)]
    spans, index = table.spans, table.index
    for cell in table.header_cells:
        box = union_box(w.box for w in cell)
        cells[index[columns.column_of(Word("", box), spans)]].extend(cell)
    return cells


def _named_columns(table: Table, name: str) -> frozenset[int]:
    """The columns a table heads as the given field's ("Unit", 单位, UoM for the unit)."""
    heads = table.header_cells
    return frozenset(table.index[columns.column_of(cell[len(cell) // 2], table.spans)] for cell in heads
                     if F.column_field(column_label(join_words(cell))) == name)



def _repeated(pages: list[list[Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of page headers and footers repeated from an earlier page, and page numbers.

    A header or footer comes back at the same height of the page; a table row that happens to
    read like one near the bottom of the page before sits elsewhere, and is kept.
    """
    seen: dict[str, list[float]] = {}
    skip: set[tuple[int, int]] = set()
    for p, lines in enumerate(pages):
        edge = set(range(min(3, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines)))
        for i in sorted(edge):
            text = join_words(lines[i])
            key = re.sub(r"\d+", "#", re.sub(r"\s+", "", text))
            where = _relative_top(lines[i], heights[p])
            again = p > 0 and any(abs(where - y) < _SAME_PLACE for y in seen.get(key, ()))
            if _PAGE_NUMBER.match(text.strip()) or (again and not _is_header(lines[i])):
                skip.add((p, i))
            seen.setdefault(key, []).append(where)
    return skip


_SAME_PLACE = 0.03   # share of the page height within which a repeated line is "at the same place"


def _relative_top(line: Line, height: float) -> float:
    top = min(w.box[1] for w in line)
    bottom = max(w.box[3] for w in line)
    page = height or bottom or 1.0
    return top / page


def lay_out(pages: list[Page], all_lines: list[list[Line]]) -> tuple[Sheet, bool]:
    """Lay every page out as rows: table lines by column, other lines by phrase, after the columns."""
    sheet = Sheet()
    skip = _repeated(all_lines, [page.height for page in pages])
    read: set[tuple[int, int]] = set()
    canon: Canon | None = None
    width = 0
    units: frozenset[int] = frozenset()
    for p, (page, lines) in enumerate(zip(pages, all_lines)):
        table = find_table(page, lines, canon)
        if table and canon is None:
            qty = _named_columns(table, F.QUANTITY)
            canon = Canon(table.spans, table.index, frozenset(k for k, c in enumerate(table.index) if c in qty))
            width = len(table.spans)
        elif table:  # a later table's columns, placed on the first table's, go where the first's went
            table.index = [canon.index[k] for k in table.index]
        if table and table.header is not None:  # a continued table's unit column is its first page's
            units = _named_columns(table, F.UNIT)
        if table and table.grid is None:  # a grid's rows are counted as they are laid out (`_add_grid`)
            sheet.grid_rows = None if table.rows is None or sheet.grid_rows is None else sheet.grid_rows + table.rows
        inside = set(range(table.first, table.last)) if table and canon is not None else set()
        free = pagerows.label_cells(lines, {i for i in range(len(lines)) if i not in inside and (p, i) not in skip})
        for i, line in enumerate(lines):
            # Inside the table a repeated line is an order line (the same item again), not a footer.
            if (p, i) in read or ((p, i) in skip and (i not in inside or _PAGE_NUMBER.match(join_words(line).strip()))):
                continue
            if i in inside and table.grid is not None:
                if i == table.first:
                    _add_grid(sheet, page.number, table, width)
            elif i in inside:
                heading = i == table.first and table.header is not None
                if heading:
                    sheet.table += 1
                cells = (_heading_row(table, width) if heading else
                         cells_by_column(line, table.spans, table.index, width, glue=not table.ruled, units=units))
                spread = None if heading or table.ruled else _phrase_cells(line, table.spans, table.index, width)
                _add_table_line(sheet, page.number, cells, heading, spread=spread)
                if heading and table.header is not line:
                    read.add((p, i + 1))  # the lower half of a two-line heading, already read
            else:
                sheet.add_cells(page.number, free[i], offset=width)
                _relabel(sheet.rows[-1] if sheet.rows else [])
    _complete_headings(sheet)
    return sheet, canon is not None


def _complete_headings(sheet: Sheet) -> None:
    """A heading repeated on a later page names, in the first heading's row, the columns whose
    labels the first one lost or OCR misread ("z°" for "N°"): they are one table's columns, and the
    first heading must stay the table's heading (the rows above a fuller later one were lost)."""
    if len(sheet.headings) < 2:
        return
    first = sheet.rows[sheet.headings[0]]
    for r in sheet.headings[1:]:
        for c, text in enumerate(sheet.rows[r][:len(first)]):
            if text and F.column_field(text) and not F.column_field(first[c]):
                first[c] = text



def _add_grid(sheet: Sheet, page: int, table: Table, width: int) -> None:
    """A ruled table, one order row per grid row; a grid row holding several quantities (a table
    ruled between columns only) is read line by line, with the grid's columns."""
    assert table.grid is not None
    if table.header is not None:  # a table continued from an earlier page stays that table's occurrence
        sheet.table += 1
        _add_table_line(sheet, page, remap(table.head, table.index, width), True)
    counted: int | None = 0  # the grid rows that hold an order line: numbers in them, no totals label
    for row in table.cells[table.body:]:
        cells = remap(row, table.index, width)
        if sheet.qty_col is not None and text_lines(cells[sheet.qty_col]) > 1:
            counted = None  # ruled between columns only: the rules do not count the lines
            for line in group_lines([w for cell in row for w in cell]):
                by_column = [[w for w in line if table.grid.column_of(w.cx) == c] for c in range(table.grid.columns)]
                _add_table_line(sheet, page, remap(by_column, table.index, width), False)
        else:
            texts = [join_words(c) for c in cells if c]
            if counted is not None and texts and not F.is_total_label(texts[0]) and any(re.search(r"\d", t) for t in texts):
                counted += 1
            _add_table_line(sheet, page, cells, False, joins=False)
    sheet.grid_rows = None if counted is None or sheet.grid_rows is None else sheet.grid_rows + counted


def _relabel(row: list[str | None]) -> None:
    for c, text in enumerate(row):
        if text:
            row[c] = header_label(text)


def _add_table_line(sheet: Sheet, page: int, cells: list[list[Word]], is_header: bool, joins: bool = True,
                    spread: list[list[Word]] | None = None) -> None:
    """A table line; a line with no quantity right under a row continues that row's cells (when it
    `joins`: a ruled row is a row of its own). In an unruled table the line is also given by phrase
    (`spread`): a wrapped description running past its column into the quantity's continues the row
    when no number stands anywhere on the line (an order row always has one)."""
    if is_header:
        sheet.add(page, cells)
        row = sheet.rows[-1]
        for c, text in enumerate(row):
            row[c] = column_label(text) if text else text
        sheet.header = list(row)
        sheet.first_header = len(sheet.rows) - 1 if sheet.first_header is None else sheet.first_header
        sheet.headings.append(len(sheet.rows) - 1)
        if sheet.qty_col is None:
            named = {F.column_field(t): c for c, t in reversed(list(enumerate(row)))}
            sheet.qty_col = named.get(F.QUANTITY, named.get(F.UNIT))  # no quantity: a heading "Units" counts
        return
    qty_col = sheet.qty_col
    first = next((join_words(c) for c in cells if c), "")
    # "Order Total 1,027.55" laid out over two columns ("Order" | "Total 1,027.55") is a totals line too.
    lead = join_words([w for w in itertools.takewhile(lambda w: not _NUMBER.fullmatch(w.text), (w for c in cells for w in c))])
    totals = F.is_total_label(first) or F.is_total_label(lead)
    if totals:
        sheet.totalled.add(sheet.table)
    if spread is not None and qty_col is not None and not spread[qty_col] and not any(_NUMBER.fullmatch(w.text) for c in cells for w in c):
        cells = spread  # no number anywhere on the line: the words of a wrapped description
    if (joins and qty_col is not None and not cells[qty_col] and sheet.rows and not totals
            and _has_quantity(sheet.rows[-1], qty_col) and sheet.places[-1][0] == page
            and sum(1 for c in cells if c) < 3):  # a row of its own whose quantity is unreadable
        if not _labelled_id(sheet, [w for c in cells for w in c]):
            _extend_row(sheet, cells)
        return
    sheet.add_cells(page, [(_cell_text(words, sheet.header[c] if c < len(sheet.header) else None), words)
                           for c, words in enumerate(cells)])


_NUMBER = re.compile(r"[-+(]?\d[\d,.]*\)?")
_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_ANNOTATED_CODE = re.compile(r"^(\S*\d\S*)\s+[(（][^)）]{1,12}[)）]$")


def _cell_text(words: list[Word], header: str | None) -> str | None:
    """A body cell's text: "8 885" (a space between thousands) is one number; "SQ004 (V5)" in a code column is SQ004."""
    if not words:
        return None
    text = _cell_lines(words)
    if _GROUPED.fullmatch(text):
        return text.replace(" ", "")
    m = _ANNOTATED_CODE.match(text)
    if m and F.column_field(header) in F.ITEM_FIELDS - {F.NAME, F.SPEC, F.DESCRIPTION}:
        return m.group(1)
    return text


def _cell_lines(words: list[Word]) -> str:
    """A cell's text, line by line (a ruled cell holds a wrapped description; a word starting left of
    the one before it and below it starts a line): a space between lines unless both sides are CJK."""
    lines: list[list[Word]] = []
    for w in words:
        prev = lines[-1][-1] if lines else None
        if prev is not None and (w.box[0] >= prev.box[0] or w.cy - prev.cy < 0.5 * min(w.height, prev.height)):
            lines[-1].append(w)
        else:
            lines.append([w])
    text = ""
    for line in lines:
        part = join_words(line)
        text += ("" if not text or (CJK.match(text[-1]) and CJK.match(part[:1])) else " ") + part
    return text


def _labelled_id(sheet: Sheet, words: list[Word]) -> bool:
    """A wrapped line "Item Code: 102246" under a row names that row's code: kept as an id, not as text."""
    label, sep, value = join_words(words).replace("：", ":").partition(":")
    value = value.strip()
    name = F.column_field(label) if sep and value and " " not in value else None
    if name not in F.ITEM_FIELDS - {F.NAME, F.SPEC, F.DESCRIPTION} or not re.search(r"\d", value):
        return False
    sheet.extras.setdefault(len(sheet.rows) - 1, []).append((label.strip(), value, union_box(w.box for w in words)))
    return True


def _has_quantity(row: list[str | None], qty_col: int) -> bool:
    return qty_col < len(row) and bool(row[qty_col]) and bool(re.search(r"\d", row[qty_col] or ""))


def _extend_row(sheet: Sheet, cells: list[list[Word]]) -> None:
    row = sheet.rows[-1]
    page, boxes, conf, confs = sheet.places[-1]
    for c, words in enumerate(cells):
        if not words or c >= len(row):
            continue
        extra = join_words(words)
        glue = "" if row[c] and CJK.match(row[c][-1]) and CJK.match(extra[:1]) else " "
        row[c] = f"{row[c]}{glue}{extra}" if row[c] else extra
        boxes[c] = union_box([boxes[c], *(w.box for w in words)]) if c in boxes else union_box(w.box for w in words)
        confs[c] = min([confs.get(c, 1.0)] + [w.confidence for w in words])
    sheet.places[-1] = (page, boxes, min(confs.values(), default=conf), confs)


def _cell_place(sheet: Sheet, name: str | None) -> tuple[Provenance, float, float] | None:
    """(provenance with page and box, the cell's confidence, its row's confidence) for a cell name."""
    m = _CELL_NAME.match(name or "")
    if not m:
        return None
    page, boxes, row_conf, confs = sheet.places[int(m.group(2)) - 1]
    c = int(m.group(3)) - 1
    return Provenance(page=page, box=boxes.get(c), cell=name), confs.get(c, row_conf), row_conf


def locate(order: ParsedOrder, sheet: Sheet) -> ParsedOrder:
    """Give every value its page and box, and let uncertain OCR lower the confidences."""
    lines: list[ParsedLine] = []
    for line in order.lines:
        place = _cell_place(sheet, line.provenance.cell if line.provenance else None)
        if place:
            line = replace(line, provenance=place[0], confidence=min(line.confidence, place[2]))
        cells = {name: _cell_place(sheet, where.cell) for name, where in line.fields.items()}
        lines.append(replace(line, fields={name: cell[0] for name, cell in cells.items() if cell and cell[0].box}))
    fields: dict[str, Provenance] = {}
    confidence = min([order.confidence] + [line.confidence for line in lines])
    for name, where in order.fields.items():
        place = _cell_place(sheet, where.cell)
        fields[name] = replace(place[0], text=where.text) if place else where
        confidence = min(confidence, place[1]) if place else confidence
    return replace(order, lines=tuple(lines), fields=fields, confidence=confidence)

