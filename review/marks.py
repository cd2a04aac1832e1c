"""Where each value on the case page was read, as data attributes the page's script can use.

A reader records, per header field and per line value, a page and box (PDF points or scan
pixels, on the page as the reader saw it: `_pages` gives each page's size and the angle a scan
was levelled by) or a spreadsheet cell ("B7", "Sheet2!B7"). Here they become what the browser
needs: a box in percent of its page, or the cell's name. No script is written into the page
(the Content-Security-Policy forbids it); `static/case.js` reads the attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from markupsafe import Markup, escape

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


def order_marks(order: dict[str, Any], *, sheet: bool, scope: str = "") -> OrderMarks:
    """The marks of one order of `store.queue.order_view`; `sheet` when what it was read from
    is shown as a spreadsheet (cells, their names after `scope`: a mail attachment's "po.xlsx/"),
    else as page images (boxes on pages whose ids carry `scope`: a mail attachment's "a2-")."""
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
