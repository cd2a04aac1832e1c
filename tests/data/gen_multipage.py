"""Generated text-PDF orders whose table runs over several pages, with the truth beside each.

The axes: 1-4 pages, the table's page breaks anywhere (after one row, right before the totals
row), the heading repeated on every page or printed once, ruled (stroked lines or thin filled
rectangles) or unruled, descriptions wrapped over two lines, columns in any order and as
narrow as their text, a heading two lines tall ("PRICE/PC" over "USD", "Order" over "Qty")
with close columns a few points apart, the totals row only on the last page, English or
Chinese, a letterhead and page numbers repeated on every page.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PAGE_W, PAGE_H = 595.0, 842.0

NAMES = ("Carton box 400x300x250", "Sealing tape 48mm clear", "PE zip bag 200x300mm", "Stretch film 500mm",
         "Label 50x30mm", "纸箱 400*300*250", "封箱胶带 48mm 透明", "PE自封袋 200x300mm", "缠绕膜 500mm 加厚型")
WRAPPED = {"en": ("Stretch film 500mm x 300m", "extra thick, blue core"), "zh": ("缠绕膜 500mm x 300m", "加厚型 蓝色纸芯")}
OVERFLOW = {"en": ("Stretch film", "extra thick blue core, hand grade, cast"), "zh": ("缠绕膜", "加厚型 蓝色纸芯 手用级 流延")}
UNITS = ("PCS", "EA", "BOX", "ROLL", "个", "卷", "箱")
HEADS = {"en": {"no": "No.", "code": "Item Code", "name": "Description", "unit": "Unit", "qty": "Qty",
                "price": "Unit Price", "amount": "Amount", "total": "Total"},
         "zh": {"no": "序号", "code": "物料编码", "name": "品名规格", "unit": "单位", "qty": "数量",
                "price": "单价", "amount": "金额", "total": "合计"}}
# Headings printed over two lines, the upper half over the lower ("PRICE/PC" over "USD").
TWO_LINE = {"en": {"code": [("Item", "Code"), ("Part", "No.")], "qty": [("Order", "Qty"), ("Qty", "Ordered")],
                   "price": [("PRICE/PC", "USD"), ("Unit", "Price"), ("Unit", "Cost"), ("Net", "Price")],
                   "amount": [("Amount", "USD"), ("Line", "Total"), ("Ext.", "Price")]},
            "zh": {"price": [("单价", "(元)")], "amount": [("金额", "(元)")]}}
NUMERIC = ("no", "qty", "price", "amount")


@dataclass
class Truth:
    """What the PDF holds and how it was drawn."""

    lines: list[tuple[str, Decimal, str, Decimal]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # each line's description, both lines of a wrapped one
    rows_per_page: list[int] = field(default_factory=list)
    axes: dict[str, object] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((q * p for _, q, _, p in self.lines), Decimal(0))


@dataclass
class Axes:
    pages: int = 2
    repeat: bool = True         # the heading printed again on every page
    ruled: bool = True
    filled: bool = False        # rules drawn as thin filled rectangles
    wrap: bool = False          # some descriptions wrapped over two lines
    two_line: bool = False      # a heading two lines tall
    narrow: bool = False        # columns as narrow as their text, a few points apart
    lang: str = "en"
    total_alone: bool = False   # the last page holds the totals row only
    overflow: bool = False      # unruled: a wrapped description's second line runs past its column


def random_axes(rng: random.Random, **fixed) -> Axes:
    """Axes drawn at random, the given ones fixed."""
    axes = Axes(pages=rng.randint(1, 4), repeat=rng.random() < 0.5, ruled=rng.random() < 0.6,
                filled=rng.random() < 0.3, wrap=rng.random() < 0.5, two_line=rng.random() < 0.35,
                narrow=rng.random() < 0.5, lang=rng.choice(("en", "zh")), total_alone=rng.random() < 0.15,
                overflow=rng.random() < 0.4)
    for k, v in fixed.items():
        setattr(axes, k, v)
    return axes


def multipage_pdf(rng: random.Random, axes: Axes | None = None) -> tuple[bytes, Truth]:
    """An order whose table runs over `axes.pages` pages, and its truth."""
    axes = axes or random_axes(rng)
    keys = _columns(rng)
    heads = _heading(rng, keys, axes)
    sizes = _page_rows(rng, axes)
    rows, truth = _rows(rng, axes, keys, n=sum(sizes))
    truth.axes = vars(axes).copy() | {"columns": keys}
    c, out = _canvas()
    size = 8.5
    total = f"{truth.total:,.2f}"
    xs = _xs(c, keys, heads, rows, total, axes, size)
    chunks = [rows[sum(sizes[:p]):sum(sizes[:p + 1])] for p in range(len(sizes))]
    for p, chunk in enumerate(chunks):
        y = _page_top(c, p, len(chunks), axes.lang)
        if p == 0 or axes.repeat:
            y = _draw_heading(c, xs, keys, heads, y, size, axes)
        elif axes.ruled:
            _line(c, axes, xs[0], y, xs[-1], y)  # the table's top rule, where it goes on
        for row in chunk:
            y = _draw_row(c, xs, keys, row, y, size, axes)
        if p == len(chunks) - 1:
            _draw_total(c, xs, keys, HEADS[axes.lang]["total"], total, y, size, axes)
        truth.rows_per_page.append(len(chunk))
        c.showPage()
    c.save()
    return out.getvalue(), truth


def _columns(rng: random.Random) -> list[str]:
    keys = ["code", "name", "unit", "qty"]
    rng.shuffle(keys)
    keys += ["price", "amount"]
    if rng.random() < 0.6:
        keys.insert(0, "no")
    return keys


def _heading(rng: random.Random, keys: list[str], axes: Axes) -> dict[str, tuple[str, str]]:
    """(upper, lower) heading text per column; single-line headings have no upper half."""
    out = {k: ("", HEADS[axes.lang][k]) for k in keys}
    if axes.two_line:
        options = TWO_LINE[axes.lang]
        tall = [k for k in keys if k in options]
        for k in rng.sample(tall, k=rng.randint(1, len(tall))):
            out[k] = rng.choice(options[k])
    return out


def _rows(rng: random.Random, axes: Axes, keys: list[str], n: int) -> tuple[list[dict], Truth]:
    truth = Truth()
    rows = []
    names = [t for t in NAMES if (axes.lang == "zh") == (not t.isascii())]
    for i in range(1, n + 1):
        code = rng.choice([f"1.0{rng.randint(1, 5)}.{rng.randint(1000, 9999)}", f"AB-{rng.randint(100, 999)}"])
        q = Decimal(rng.choice([5, 12, 40, 120, 288, 1500, 20000]))
        p = Decimal(rng.randint(5, 99999)) / 100
        unit = rng.choice([u for u in UNITS if (axes.lang == "zh") or u.isascii()])
        wrapped = axes.wrap and rng.random() < 0.4
        name = ((OVERFLOW if axes.overflow and not axes.ruled else WRAPPED)[axes.lang] if wrapped
                else (rng.choice(names), ""))
        rows.append({"no": str(i), "code": code, "name": name, "unit": unit, "qty": f"{q:,}",
                     "price": f"{p:,.2f}", "amount": f"{q * p:,.2f}"})
        truth.lines.append((code, q, unit, p))
        cjk = name[1] and not name[0][-1].isascii() and not name[1][0].isascii()
        truth.names.append(("" if cjk else " ").join(t for t in name if t))  # Chinese lines join without a space
    return rows, truth


def _canvas():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    return canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H)), out


def _xs(c, keys: list[str], heads: dict, rows: list[dict], total: str, axes: Axes, size: float) -> list[float]:
    """Column edges: each column as wide as its widest text plus padding (a few points when narrow); a
    description's second line may overflow its column (`axes.overflow`)."""
    pad = 2.0 if axes.narrow else 7.0
    xs = [40.0]
    lines = 1 if axes.overflow and not axes.ruled else 2
    for k in keys:
        texts = [*heads[k], *(r[k] for r in rows if k != "name"), *(t for r in rows if k == "name" for t in r[k][:lines])]
        texts += [total] if k == "amount" else []
        xs.append(xs[-1] + max(c.stringWidth(t, "WQY", size) for t in texts) + 2 * pad)
    return xs


def _page_rows(rng: random.Random, axes: Axes) -> list[int]:
    """Rows on each page, 1-14 (the page breaks anywhere in the table); with `total_alone` the last
    page holds the totals row only."""
    sizes = [rng.randint(1, 14) for _ in range(axes.pages)]
    if axes.total_alone and axes.pages > 1:
        sizes[-1] = 0
    return sizes


def _page_top(c, p: int, pages: int, lang: str) -> float:
    """Letterhead on every page, title and fields on the first; the page number at the foot. Returns
    where the table starts (y from the bottom, PDF space)."""
    c.setFont("WQY", 12)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 40, "Acme Packaging Trading Co., Ltd." if lang == "en" else "测试包装贸易有限公司")
    c.setFont("WQY", 8)
    c.drawCentredString(PAGE_W / 2, 30, f"Page {p + 1} of {pages}" if lang == "en" else f"第 {p + 1} 页 共 {pages} 页")
    if p:
        return PAGE_H - 70
    c.setFont("WQY", 15)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 70, "PURCHASE ORDER" if lang == "en" else "采购订单")
    c.setFont("WQY", 9)
    fields = (("PO No.: MP-2026-0311", "Order Date: 2026-11-17") if lang == "en"
              else ("订单号：MP-2026-0311", "订单日期：2026-11-17"))
    for i, text in enumerate(fields):
        c.drawString(40, PAGE_H - 100 - 14 * i, text)
    return PAGE_H - 140


def _line(c, axes: Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    if not axes.filled:
        c.line(x0, y0, x1, y1)
        return
    w = 0.6
    c.rect(min(x0, x1) - (w / 2 if x0 == x1 else 0), min(y0, y1) - (w / 2 if y0 == y1 else 0),
           abs(x1 - x0) or w, abs(y1 - y0) or w, stroke=0, fill=1)


def _draw_heading(c, xs: list[float], keys: list[str], heads: dict, top: float, size: float, axes: Axes) -> float:
    """The heading: one line, or two (upper halves above, every lower half and single label below)."""
    two = any(upper for upper, _ in heads.values())
    tall = 26 if two else 16
    c.setFont("WQY", size)
    pad = 2.0 if axes.narrow else 7.0
    for i, k in enumerate(keys):
        upper, lower = heads[k]
        if upper:
            c.drawString(xs[i] + pad, top - 10, upper)
        c.drawString(xs[i] + pad, top - tall + 5, lower)
    if axes.ruled:
        _line(c, axes, xs[0], top, xs[-1], top)
        for x in xs:
            _line(c, axes, x, top, x, top - tall)
    _line(c, axes, xs[0], top - tall, xs[-1], top - tall)  # unruled tables underline their heading
    return top - tall


def _draw_row(c, xs: list[float], keys: list[str], row: dict, top: float, size: float, axes: Axes) -> float:
    """A body row, numbers right-aligned; a wrapped description on two lines of its cell."""
    wrapped = bool(row["name"][1])
    tall = 26 if wrapped else 15
    pad = 2.0 if axes.narrow else 7.0
    c.setFont("WQY", size)
    for i, k in enumerate(keys):
        if k == "name":
            c.drawString(xs[i] + pad, top - 10.5, row[k][0])
            if wrapped:
                c.drawString(xs[i] + pad, top - 21.5, row[k][1])
        elif k in NUMERIC:
            c.drawRightString(xs[i + 1] - pad, top - 10.5, row[k])
        else:
            c.drawString(xs[i] + pad, top - 10.5, row[k])
    if axes.ruled:
        for x in xs:
            _line(c, axes, x, top, x, top - tall)
        _line(c, axes, xs[0], top - tall, xs[-1], top - tall)
    return top - tall


def _draw_total(c, xs: list[float], keys: list[str], label: str, total: str, top: float, size: float,
                axes: Axes) -> None:
    """The totals row: its label in a cell merged across the columns before the amount."""
    a = keys.index("amount")
    pad = 2.0 if axes.narrow else 7.0
    if not axes.ruled:
        top -= 6
    c.setFont("WQY", size)
    c.drawString(xs[0] + pad, top - 10.5, label)
    c.drawRightString(xs[a + 1] - pad, top - 10.5, total)
    if axes.ruled:
        for i in sorted({0, a, a + 1, len(xs) - 1}):
            _line(c, axes, xs[i], top, xs[i], top - 15)
        _line(c, axes, xs[0], top - 15, xs[-1], top - 15)
