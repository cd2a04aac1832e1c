"""Where each value on the case page was read, as data attributes the page's script can use.

A reader records, per header field and per line value, a page and box (PDF points or scan
pixels, on the page as the reader saw it: `_pages` gives each page's size and the angle a scan
was levelled by), a spreadsheet cell ("B7", "Sheet2!B7") or a text line (a plain-text mail or
text file, with a header value as printed). Here they become what the browser needs: a box in
percent of its page, the cell's name, or the characters of a shown text line that spell the
value. No script is written into the page (the Content-Security-Policy forbids it);
`static/marks.js` reads the attributes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from markupsafe import Markup, escape

from parsers.vocab.numbers import nfkc, parse_decimal

# The case page's columns and the reader's value names that fill them (first found wins).
LINE_VALUES = {"line_no": (), "customer_sku": ("customer_sku",), "description": ("description",),
               "quantity": ("quantity",), "unit": ("unit",), "unit_price": ("unit_price",),
               "sku": ("our_sku", "code", "barcode", "customer_sku")}
HEADER_VALUES = {"customer": "buyer", "po_number": "po_number", "order_date": "order_date",
                 "delivery_date": "delivery_date", "currency": "currency", "ship_to": "ship_to",
                 "total": "stated_total"}


@dataclass(frozen=True)
class PageBox:
    """A box on page `page` (1-based), in percent of the page's width and height, on the page as
    the reader saw it (a skewed scan levelled; `page_frames` gives the angle to turn it back)."""

    page: int
    left: float
    top: float
    width: float
    height: float


@dataclass
class OrderMarks:
    """The marks of one order: header fields by the page's field name, line values by
    (line number, column name); each an attribute string ready for the template."""

    header: dict[str, str] = field(default_factory=dict)
    lines: dict[tuple[int, str], str] = field(default_factory=dict)

    def field(self, name: str) -> Markup:
        return _attributes(self.header.get(name))

    def value(self, line_no: int, column: str) -> Markup:
        return _attributes(self.lines.get((line_no, column)))


def _attributes(mark: str | None) -> Markup:
    """` data-mark="…" tabindex="0"` for a located value (focusable, so the keyboard shows it too)."""
    if not mark:
        return Markup("")
    # escaped once here (a sheet's name may hold anything); Markup's own % would escape again
    return Markup(f' data-mark="{escape(mark)}" tabindex="0"')


def page_box(where: dict[str, Any] | None, pages: list[list[float]]) -> PageBox | None:
    """The stored provenance's box as percent of its page, or None when it has no usable box."""
    scale = _scales(pages)
    if not where or where.get("box") is None or not 0 < (where.get("page") or 0) <= len(scale):
        return None
    number = int(where["page"])
    sx, sy = scale[number - 1]
    if not sx:
        return None
    x0, top, x1, bottom = where["box"]
    return PageBox(number, x0 * sx, top * sy, (x1 - x0) * sx, (bottom - top) * sy)


def _scales(pages: list[list[float]]) -> list[tuple[float, float]]:
    """Per page, what turns its units into percent of its width and height; (0, 0): unknown size."""
    return [(100 / p[0], 100 / p[1]) if p[0] > 0 and p[1] > 0 else (0.0, 0.0) for p in pages]


def _marker(pages: list[list[float]], sheet: bool, scope: str) -> Callable[[dict[str, Any] | None], str | None]:
    """A function from a stored provenance to its mark: "page <n> <left> <top> <width> <height>"
    (hundredths of a percent of page n, as integers; n after `scope`, "a2-" for a mail's
    attachment 2) or "cell <name>" (after `scope`, "po.xlsx/"); None when not located.
    It runs for every value of every line, so the page scales are worked out once."""
    if sheet:
        return lambda where: f"cell {scope}{where['cell']}" if where and where.get("cell") else None
    scale = _scales(pages)

    def mark(where: dict[str, Any] | None) -> str | None:
        box = where.get("box") if where else None
        number = where.get("page") if box else None
        if not number or not 0 < number <= len(scale) or not scale[number - 1][0]:
            return None
        sx, sy = scale[number - 1]
        return "page %s%d %d %d %d %d" % (scope, number, round(100 * box[0] * sx), round(100 * box[1] * sy),
                                        round(100 * (box[2] - box[0]) * sx), round(100 * (box[3] - box[1]) * sy))
    return mark


def order_marks(order: dict[str, Any], *, sheet: bool, scope: str = "", text: list[str] | None = None) -> OrderMarks:
    """The marks of one order of `store.queue.order_view`; `sheet` when what it was read from
    is shown as a spreadsheet (cells, their names after `scope`: a mail attachment's "po.xlsx/"),
    `text` (its lines) when it was read from a text the page shows (a mail's plain text), else
    as page images (boxes on pages whose ids carry `scope`: a mail attachment's "a2-")."""
    if text is not None:
        return text_marks(order, text)
    mark = _marker(order.get("pages") or [], sheet, scope)
    marks = OrderMarks()
    fields = order.get("fields") or {}
    for name, stored in HEADER_VALUES.items():
        found = mark(fields.get(stored))
        if found:
            marks.header[name] = found
    for line in order.get("provenance") or []:
        where = line.get("where") or {}
        values = where.get("fields") or {}
        for column, names in LINE_VALUES.items():
            found = next((mark(values[n]) for n in names if n in values), None)
            if column == "line_no":
                found = mark(where)
            if found:
                marks.lines[(line["line_no"], column)] = found
    return marks


def read_cells(marks: dict[int, OrderMarks]) -> set[str]:
    """The spreadsheet cells the reader took values from, to mark them in the sheet's table."""
    return {mark[5:] for m in marks.values() for mark in (*m.header.values(), *m.lines.values())
            if mark.startswith("cell ")}


def page_frames(orders: list[dict[str, Any]]) -> dict[int, tuple[float, float, float]]:
    """Each page as the reader saw it (page number -> width, height, angle), from the first
    order that says: the size gives a page image its shape before it loads, the angle turns the
    page's marks back onto a skewed scan."""
    for order in orders:
        pages = order.get("pages") or []
        if pages:
            return {n: (float(p[0]), float(p[1]), float(p[2]) if len(p) > 2 else 0.0)
                    for n, p in enumerate(pages, start=1) if p[0] > 0 and p[1] > 0}
    return {}


# --- values read from a text the page shows: the characters that spell them ----------------------

_NUMBERS = (re.compile(r"\d+(?:[.,]\d+)*"), re.compile(r"\d{1,3}(?:[ '\u00a0\u202f]\d{3})+(?:[.,]\d+)?"))
TEXT_COLUMNS = {"customer_sku": ("customer_sku",), "description": ("description",), "quantity": ("quantity",),
                "unit": ("unit",), "unit_price": ("unit_price",), "sku": ("sku", "customer_sku")}
NUMBER_COLUMNS = frozenset({"quantity", "unit_price"})


def text_marks(order: dict[str, Any], lines: list[str]) -> OrderMarks:
    """The marks of an order read from a shown text: each header value's characters in its line
    (as printed, `Provenance.text`), each line value's in its line, the row number the whole line.
    A value not found where the reader says it was is left unmarked, never guessed elsewhere."""
    marks = OrderMarks()
    fields = order.get("fields") or {}
    for name, stored in HEADER_VALUES.items():
        where = fields.get(stored) or {}
        found = _text_mark(lines, where.get("line"), where.get("text"), [])
        if found:
            marks.header[name] = found
    read = {line.get("line_no"): line for line in (order.get("order") or {}).get("lines") or []}
    for line in order.get("provenance") or []:
        number = (line.get("where") or {}).get("line")
        if not number or not 0 < number <= len(lines):
            continue
        marks.lines[(line["line_no"], "line_no")] = _mark_of(number, lines[number - 1], 0, len(lines[number - 1]))
        values, taken = read.get(line["line_no"]) or {}, _row_number(lines[number - 1], line["line_no"])
        for column, names in TEXT_COLUMNS.items():
            found = next((m for n in names if (m := _text_mark(lines, number, values.get(n), taken,
                                                                 numeric=column in NUMBER_COLUMNS))), None)
            if found:
                marks.lines[(line["line_no"], column)] = found
    return marks


_ROW_NUMBER = re.compile(r"\s*(\d+)(?:[.)、:：]|\s)")


def _row_number(line: str, line_no: int) -> list[tuple[int, int]]:
    """The span of the row's own number printed first ("2. 瓶盖 2个"), so a quantity of the same
    value is not taken for it; none when the line starts otherwise."""
    m = _ROW_NUMBER.match(line)
    return [m.span(1)] if m and int(m.group(1)) == line_no else []


def _text_mark(lines: list[str], number: int | None, value: object, taken: list[tuple[int, int]], *,
               numeric: bool = False) -> str | None:
    """"text <line> <start> <end>" for `value` (a number when `numeric`) in line `number`
    (1-based), clear of the spans `taken` (which it joins); None when it is not there."""
    if not number or not 0 < number <= len(lines) or value in (None, ""):
        return None
    line = lines[number - 1]
    span = number_span(line, str(value), taken) if numeric else text_span(line, str(value), taken)
    if span is None:
        return None
    taken.append(span)
    return _mark_of(number, line, *span)


def _mark_of(number: int, line: str, start: int, end: int) -> str:
    """The mark of characters start..end of text line `number`, counted in UTF-16 units as the
    browser counts them (a character beyond the BMP is two)."""
    def units(i: int) -> int:
        return len(line[:i].encode("utf-16-le")) // 2
    return f"text {number} {units(start)} {units(end)}"


def text_span(line: str, printed: str, taken: list[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """Where `printed` stands in `line` (character offsets), compared in NFKC and any case (a
    full-width "ＰＯ１２" holds "PO12"), clear of the spans `taken`; None when it is not there."""
    folded, places = "", []
    for i, ch in enumerate(line):
        piece = nfkc(ch).casefold() if not ch.isspace() else " "
        folded += piece
        places += [i] * len(piece)
    wanted = nfkc(printed).casefold()
    start = folded.find(wanted) if wanted else -1
    while start >= 0:
        span = (places[start], places[start + len(wanted) - 1] + 1)
        if not any(span[0] < b and a < span[1] for a, b in taken):
            return span
        start = folded.find(wanted, start + 1)
    return None


def number_span(line: str, value: str, taken: list[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """Where a number equal to `value` is printed in `line` ("1,500" or "1 500" for 1500, "3.5"
    for 3.50), clear of the spans `taken`; None when none is."""
    wanted = parse_decimal(value)
    if wanted is None:
        return None
    for pattern in _NUMBERS:
        for m in pattern.finditer(line):
            span = (m.start(), m.end())
            if parse_decimal(m.group(0)) == wanted and not any(span[0] < b and a < span[1] for a, b in taken):
                return span
    return None
