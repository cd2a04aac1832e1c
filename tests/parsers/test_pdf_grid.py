"""Ruled text PDFs read by their grid: the path objects' rules -> cells -> one order row per grid row.

Every document is generated: columns in a random order (some as narrow as their text), a
description wrapped over two lines inside its cell, empty cells, a heading whose price group
spans two columns over a second heading row (merged cells), a totals row whose first cells are
merged, tables continued on the next page under a repeated heading, rules stroked as lines or
filled as thin rectangles, a box of header fields drawn right on top of the table. The rows the
grid holds are counted against the lines read.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from parsers.model import CheckName, CheckOutcome

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NAMES = ("纸箱 400*300*250", "封箱胶带 48mm 透明", "PE自封袋 200x300mm", "缠绕膜 500mm x 300m 加厚型", "热敏纸标签 50x30mm")
UNITS = ("个", "卷", "包", "箱", "PCS")
HEADS = {"zh": {"no": "序号", "code": "物料编码", "name": "品名规格", "unit": "单位", "qty": "数量", "price": "单价",
                "amount": "金额", "remark": "备注", "group": "价格(元)", "total": "合计"},
         "en": {"no": "No.", "code": "Item Code", "name": "Description", "unit": "Unit", "qty": "Qty", "price": "Unit Price",
                "amount": "Amount", "remark": "Remarks", "group": "Price (CNY)", "total": "Total"}}


@dataclass
class Doc:
    """What the generated PDF holds, and how it was drawn."""

    lines: list[tuple[str, Decimal, str, Decimal]] = field(default_factory=list)
    rows_per_page: list[int] = field(default_factory=list)
    columns: int = 0
    boxed: bool = False


def _canvas():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    return out, canvas.Canvas(out, pagesize=A4), A4


class _Pen:
    """Draws rules as stroked lines or as thin filled rectangles (both are path objects)."""

    def __init__(self, c, filled: bool) -> None:
        self.c, self.filled = c, filled

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        if self.filled:
            w = 0.6
            self.c.rect(min(x0, x1) - (w / 2 if x0 == x1 else 0), min(y0, y1) - (w / 2 if y0 == y1 else 0),
                        abs(x1 - x0) or w, abs(y1 - y0) or w, stroke=0, fill=1)
        else:
            self.c.line(x0, y0, x1, y1)


def _widths(c, keys: list[str], heads: dict, rows: list[dict], total: str, narrow: bool, size: float,
            wrap: bool) -> list[float]:
    """Each column as wide as its widest text (the wrapped name's longer line, the total) and its padding."""
    pad = 2.5 if narrow else 8
    out = []
    for k in keys:
        texts = [heads[k]] + [r[k] for r in rows] + ([total] if k == "amount" else [])
        if k == "name" and wrap:
            texts = [t for t in texts if t != NAMES[3]] + list(NAMES[3].rpartition(" ")[::2])
        out.append(max(c.stringWidth(t, "WQY", size) for t in texts) + 2 * pad)
    return out


def grid_pdf(rng: random.Random, *, merged_heading: bool | None = None,
             blank_quantity: int | None = None) -> tuple[bytes, Doc]:
    """A ruled purchase order drawn with the axes above chosen by `rng`; row `blank_quantity`
    (1-based) has a dash for its quantity."""
    lang = rng.choice(["zh", "en"])
    heads = HEADS[lang]
    keys = ["code", "name", "unit", "qty", "price", "amount"]
    rng.shuffle(keys)
    keys.remove("price"), keys.remove("amount")
    keys += ["price", "amount"]  # the price group keeps its two columns side by side
    if rng.random() < 0.5:
        keys.insert(0, "no")
    if rng.random() < 0.4:
        keys.append("remark")  # a column left empty on most rows
    merged = rng.random() < 0.4 if merged_heading is None else merged_heading
    narrow, filled, wrap = rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.5
    n = rng.randint(3, 26)
    doc = Doc()
    rows = []
    for i in range(1, n + 1):
        code = f"1.0{rng.randint(1, 5)}.{rng.randint(1000, 9999)}"
        q, p = Decimal(rng.choice([5, 12, 120, 1500, 20000])), Decimal(rng.randint(5, 9999)) / 100
        unit = rng.choice(UNITS)
        rows.append({"no": str(i), "code": code, "name": rng.choice(NAMES), "unit": unit,
                     "qty": "—" if i == blank_quantity else f"{q:,}",
                     "price": f"{p:.2f}", "amount": f"{q * p:,.2f}", "remark": "加急" if lang == "zh" and rng.random() < 0.1 else ""})
        doc.lines.append((code, q, unit, p))
    out, c, (width, height) = _canvas()
    pen = _Pen(c, filled)
    size = 8.5
    total = f"{sum(q * p for _, q, _, p in doc.lines):,.2f}"
    widths = _widths(c, keys, heads, rows, total, narrow, size, wrap)
    xs = [36.0]
    for w in widths:
        xs.append(xs[-1] + w)
    doc.columns = len(keys)
    per_page = rng.randint(8, 18)
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)]
    for p, page_rows in enumerate(pages):
        top = height - 60
        if p == 0:
            c.setFont("WQY", 15)
            c.drawCentredString(width / 2, top, "采购订单" if lang == "zh" else "PURCHASE ORDER")
            doc.boxed = rng.random() < 0.5
            top = _field_box(c, pen, xs[0], xs[-1], top - 16, lang) if doc.boxed else top - 40
            if top == height - 100:
                c.setFont("WQY", 9)
                c.drawString(xs[0], top + 16, "订单号：PO-2026-0417    日期：2026-11-17" if lang == "zh"
                             else "PO No.: PO-2026-0417    Order Date: 2026-11-17")
        y = _heading(c, pen, xs, keys, heads, top, size, merged)
        for r in page_rows:
            y = _row(c, pen, xs, keys, r, y, size, wrap and r["name"] == NAMES[3])
        if p == len(pages) - 1:
            y = _total_row(c, pen, xs, keys, heads["total"], total, y, size)
        doc.rows_per_page.append(len(page_rows))
        c.setFont("WQY", 8)
        c.drawCentredString(width / 2, 30, f"第 {p + 1} 页 共 {len(pages)} 页" if lang == "zh" else f"Page {p + 1} of {len(pages)}")
        c.showPage()
    c.save()
    return out.getvalue(), doc


def _field_box(c, pen: _Pen, x0: float, x1: float, top: float, lang: str) -> float:
    """Header fields in a ruled box whose bottom rule is the table's top rule: label | value | label | value."""
    labels = ("订单号", "PO-2026-0417", "日期", "2026-11-17") if lang == "zh" else ("PO No.", "PO-2026-0417", "Order Date", "2026-11-17")
    quarter = (x1 - x0) / 4
    edges = [x0 + k * quarter for k in range(5)]
    c.setFont("WQY", 9)
    for k, text in enumerate(labels):
        c.drawString(edges[k] + 4, top - 13, text)
    pen.line(x0, top, x1, top)
    for x in edges:
        pen.line(x, top, x, top - 18)
    return top - 18


def _heading(c, pen: _Pen, xs: list[float], keys: list[str], heads: dict, top: float, size: float, merged: bool) -> float:
    """The heading row; with `merged`, two rows: the price group's name over Unit price | Amount, the
    other headings in cells spanning both rows."""
    c.setFont("WQY", size)
    tall = 36 if merged else 18
    pen.line(xs[0], top, xs[-1], top)
    g = keys.index("price")
    for i, k in enumerate(keys):
        if merged and k in ("price", "amount"):
            c.drawString(xs[i] + 2.5, top - 31, heads[k])
        else:
            c.drawString(xs[i] + 2.5, top - tall / 2 - 3, heads[k])
    if merged:
        c.drawCentredString((xs[g] + xs[g + 2]) / 2, top - 13, heads["group"])
        pen.line(xs[g], top - 18, xs[g + 2], top - 18)
    for i, x in enumerate(xs):
        pen.line(x, top, x, top - (18 if merged and i == g + 1 else tall)) if not (merged and i == g + 1) else pen.line(x, top - 18, x, top - tall)
    pen.line(xs[0], top - tall, xs[-1], top - tall)
    return top - tall


def _row(c, pen: _Pen, xs: list[float], keys: list[str], r: dict, top: float, size: float, wrap: bool) -> float:
    """One body row, numbers right-aligned; a long name wrapped over two lines of its cell."""
    tall = 28 if wrap else 16
    c.setFont("WQY", size)
    for i, k in enumerate(keys):
        if k in ("qty", "price", "amount", "no"):
            c.drawRightString(xs[i + 1] - 2.5, top - tall / 2 - 3, r[k])
        elif k == "name" and wrap:
            first, _, rest = r[k].rpartition(" ")
            c.drawString(xs[i] + 2.5, top - 11, first)
            c.drawString(xs[i] + 2.5, top - 23, rest)
        else:
            c.drawString(xs[i] + 2.5, top - tall / 2 - 3, r[k])
    for x in xs:
        pen.line(x, top, x, top - tall)
    pen.line(xs[0], top - tall, xs[-1], top - tall)
    return top - tall


def _total_row(c, pen: _Pen, xs: list[float], keys: list[str], label: str, total: str, top: float, size: float) -> float:
    """The totals row: its label in one cell merged across every column before the amount."""
    a = keys.index("amount")
    c.setFont("WQY", size)
    c.drawString(xs[0] + 2.5, top - 11, label)
    c.drawRightString(xs[a + 1] - 2.5, top - 11, total)
    for i in (0, a, a + 1, len(xs) - 1):
        pen.line(xs[i], top, xs[i], top - 16)
    pen.line(xs[0], top - 16, xs[-1], top - 16)
    return top - 16


def _read(data: bytes):
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    return order


@pytest.mark.parametrize("seed", range(30))
def test_every_row_of_a_ruled_table_is_read_from_its_own_cells(seed):
    """Given a ruled order (random column order, narrow columns, wrapped names, empty cells, merged
    heading and totals cells, several pages), every line's code, quantity, unit and price come from
    its own cells, the rows are counted by the grid, and the printed total agrees."""
    data, doc = grid_pdf(random.Random(seed))
    order = _read(data)
    assert [(l.code, l.quantity, l.unit, l.unit_price) for l in order.lines] == doc.lines
    counted = [c for c in order.read_checks if c.check is CheckName.ROW_NUMBERS]
    assert [c.outcome for c in counted] == [CheckOutcome.PASSED]
    assert order.stated_total == sum(q * p for _, q, _, p in doc.lines)


@pytest.mark.parametrize("seed", range(6))
def test_a_heading_with_merged_cells_is_read_as_one_heading(seed):
    """Given a price group's name spanning Unit price | Amount over a second heading row, the two
    heading rows name one column each and the rows below are read as lines."""
    data, doc = grid_pdf(random.Random(100 + seed), merged_heading=True)
    order = _read(data)
    assert [(l.code, l.quantity, l.unit_price) for l in order.lines] == [(c, q, p) for c, q, _, p in doc.lines]


def test_the_grid_of_a_text_pdf_is_its_table_not_the_field_box_on_top():
    """Given a box of header fields drawn on the table's top rule (other column rules), the page's
    grid of several rows is the table alone: the box's rules add no columns to it (the box is a
    single ruled row of its own)."""
    boxed = 0
    for seed in range(20):
        data, doc = grid_pdf(random.Random(seed))
        page = pdf.read_page(pdf.open_pdf(data)[0], 1)
        (table,) = [g for g in page.grids if g.rows > 1]
        assert len(page.grids) == 1 + doc.boxed
        assert table.columns == doc.columns and table.rows >= doc.rows_per_page[0] + 1
        boxed += doc.boxed
    assert boxed, "no generated document had a field box"


@pytest.mark.parametrize("seed", range(6))
def test_a_grid_row_whose_quantity_cannot_be_read_keeps_the_order_from_acceptance(seed):
    """Given a ruled row whose quantity cell holds no number, the row stays a line in its place
    without a quantity, the row-read check fails and the order cannot be accepted."""
    data, doc = grid_pdf(random.Random(200 + seed), blank_quantity=2)
    order = _read(data)
    unread = [c for c in order.read_checks if c.check is CheckName.ROW_READ]
    assert [c.outcome for c in unread] == [CheckOutcome.FAILED] and not order.verified
    assert len(order.lines) == len(doc.lines)
    assert [line.quantity is None for line in order.lines] == [n == 2 for n in range(1, len(doc.lines) + 1)]
