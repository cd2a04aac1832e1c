"""Generators of the PDF and fax test documents: a text PDF (reportlab) and a scanned fax (Pillow).

The tests call these into tmp_path, so no binary test file needs to be committed; run this
module as a script to write samples to tests/data/{pdf,fax}/ for a look by eye.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

HEADER = ("序号", "物料编号", "品名规格", "数量", "单位", "单价")
ROWS = (("1", "AB-100", "纸箱 400*300*250", "1,500", "个", "6.13"),
        ("2", "AB-200", "封箱胶带 48mm", "288", "卷", "5.95"),
        ("3", "-", "价格标签 40×30mm", "20,000", "张", "0.0046"))
FIELDS = ("订单编号 PO No.：TP-2026-001", "订单日期 Date：2026-11-17", "交货日期：2026年12月3日",
          "收货地址：上海市浦东新区测试路1号")
COLUMN_X = (40, 80, 150, 330, 400, 450, 520)  # points: rules between the columns


def text_pdf(rows=ROWS, *, ruled: bool = True, title: str = "采购订单", pages: int = 1) -> bytes:
    """A Chinese purchase order PDF with a text layer; `pages` > 1 splits the rows over pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    per_page = -(-len(rows) // pages)
    for p in range(pages):
        c.setFont("WQY", 14)
        c.drawString(200, height - 60, "测试食品有限公司")
        c.drawString(230, height - 85, title)
        c.setFont("WQY", 9)
        if p == 0:
            for i, text in enumerate(FIELDS):
                c.drawString(40, height - 120 - 16 * i, text)
        chunk = rows[p * per_page:(p + 1) * per_page]
        top = height - 200
        _pdf_table(c, top, chunk, ruled)
        if p == pages - 1:
            total = sum(_num(r[3]) * _num(r[5]) for r in rows)
            c.drawString(COLUMN_X[2] + 4, top - 18 * (len(chunk) + 2), "合计 Total")
            c.drawRightString(COLUMN_X[-1] - 4, top - 18 * (len(chunk) + 2), f"{total:,.2f}")
        c.drawString(260, 30, f"第 {p + 1} 页 共 {pages} 页")
        c.showPage()
    c.save()
    return out.getvalue()


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _pdf_table(c, top: float, rows, ruled: bool) -> None:
    lines = [HEADER, *rows]
    for r, cells in enumerate(lines):
        y = top - 18 * r
        for i, text in enumerate(cells):
            left, right = COLUMN_X[i], COLUMN_X[i + 1]
            if i in (3, 5):
                c.drawRightString(right - 4, y - 12, text)
            else:
                c.drawString(left + 4, y - 12, text)
    if ruled:
        bottom = top - 18 * len(lines)
        for x in COLUMN_X:
            c.line(x, top, x, bottom)
        for r in range(len(lines) + 1):
            c.line(COLUMN_X[0], top - 18 * r, COLUMN_X[-1], top - 18 * r)


def fax_page(rows=ROWS, *, skew: float = 0.7, speckle: int = 3000, seed: int = 7, total: str | None = None,
             banner: str | None = None, blot: int | None = None) -> Image.Image:
    """An A4 page at 200 dpi, drawn, skewed, speckled and binarised like a received fax.

    Rows are 70 px apart, closer when that many would not fit the page.
    `total` prints "合计金额：¥<total>" under the table, `banner` a fax machine's top line (such
    as "... P.001/002"), and `blot` inks over the quantity cell of that row (0-based), as a
    smudge or a fold does.
    """
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    big, small = ImageFont.truetype(FONT, 56), ImageFont.truetype(FONT, 36)
    if banner:
        draw.text((40, 30), banner, font=ImageFont.truetype(FONT, 28), fill=0)
    draw.text((560, 110), "测试食品有限公司", font=big, fill=0)
    draw.text((660, 200), "采购订单", font=big, fill=0)
    for i, text in enumerate(FIELDS):
        draw.text((100, 320 + 60 * i), text, font=small, fill=0)
    xs = [round(x * 200 / 72 * 1.05) for x in COLUMN_X]
    top = 620
    pitch = min(70, (page.height - top - 160) // (len(rows) + 1))  # a dense page (25 rows) still fits A4
    for r, cells in enumerate([HEADER, *rows]):
        y = top + pitch * r + 16
        for i, text in enumerate(cells):
            if i in (3, 5):
                width = draw.textlength(text, font=small)
                draw.text((xs[i + 1] - 12 - width, y), text, font=small, fill=0)
            else:
                draw.text((xs[i] + 12, y), text, font=small, fill=0)
    bottom = top + pitch * (len(rows) + 1)
    for x in xs:
        draw.line([(x, top), (x, bottom)], fill=0, width=3)
    for r in range(len(rows) + 2):
        draw.line([(xs[0], top + pitch * r), (xs[-1], top + pitch * r)], fill=0, width=3)
    if blot is not None:
        y = top + pitch * (blot + 1)
        for x in range(xs[3] + 10, xs[4] - 10, 6):  # scribbled over
            draw.line([(x, y + 20), (x + 6, y + 50)], fill=0, width=2)
    if total:
        draw.text((100, bottom + 50), f"合计金额：¥{total}", font=small, fill=0)
    return fax_scan(page, skew=skew, speckle=speckle, seed=seed)


def fax_scan(page: Image.Image, *, skew: float, speckle: int, seed: int) -> Image.Image:
    """A drawn greyscale page as a fax machine sends it: skewed, speckled and binarised."""
    page = page.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
    rng = random.Random(seed)
    pixels = page.load()
    for _ in range(speckle):
        pixels[rng.randrange(page.width), rng.randrange(page.height)] = 0
    return page.point(lambda v: 255 if v > 150 else 0).convert("1")


def fax_tiff(pages: list[Image.Image]) -> bytes:
    """Pages saved as one multi-page CCITT G4 TIFF at 200 dpi, as fax servers store them."""
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", compression="group4", dpi=(200, 200), save_all=True,
                  append_images=pages[1:])
    return out.getvalue()



US_HEADER = (("Line", 40), ("Item #", 75), ("Description", 150), ("Quantity", 330), ("UoM", 385),
             ("Unit Cost", 430), ("Extended Cost", 500))
US_ROWS = (("1", "WB-1020", "WIDGET BRACKET", "1 200", "EA", "2.50"),
           ("2", "HX-330", "HEX BOLT M8 X 30", "500", "EA", "0.12"),
           ("3", "", "SPRING CLIP ZINC", "75", "BX", "14.00"))


def us_pdf(*, title: str = "PURCHASE ORDER", city: str = "Springfield, IL 62704",
           date: str = "02/10/2026", repeat: bool = False) -> bytes:
    """An English US-style PO: labels with values under them, a Ship To block, an unruled table.

    Row 3 has no item number in its column; its code is printed on a wrapped "Item Code:" line.
    `repeat` adds, after the totals row, the same article again per destination warehouse.
    """
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=LETTER)
    top = LETTER[1]
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, top - 50, "Acme Supply Inc.")
    c.drawString(380, top - 50, title)
    c.setFont("Helvetica", 9)
    for x, label, value in ((40, "P.O. Number", "US-4471"), (160, "Order Date", date), (280, "Vendor No.", "V-100")):
        c.drawString(x, top - 90, label)
        c.drawString(x, top - 102, value)
    c.drawString(40, top - 130, "Ship To")
    for i, text in enumerate(("Acme Supply Inc.", "100 Main Street", city)):
        c.drawString(40, top - 142 - 12 * i, text)
    c.drawString(300, top - 130, "Terms")
    c.drawString(300, top - 142, "Net 30")
    y = _us_table(c, top - 220, US_ROWS)
    c.drawString(430, y - 14, "TOTAL")
    total = sum(float(r[3].replace(" ", "")) * float(r[5]) for r in US_ROWS)
    c.drawRightString(560, y - 14, f"{total:,.2f}")
    for dc, qty in (("DC West", "700"), ("DC East", "500")) if repeat else ():
        c.showPage()
        c.setFont("Helvetica", 9)
        c.drawString(40, top - 60, f"Quantity per destination: {dc}")
        y = _us_table(c, top - 90, (("1", "WB-1020", "WIDGET BRACKET", qty, "EA", "2.55"),))
        c.drawString(430, y - 14, "TOTAL")
    c.showPage()
    c.save()
    return out.getvalue()


def _us_table(c, y: float, rows) -> float:
    for label, x in US_HEADER:
        c.drawString(x, y, label)
    for row in rows:
        y -= 16
        for (label, x), text in zip(US_HEADER, (*row, f"{float(row[3].replace(' ', '')) * float(row[5]):,.2f}")):
            if label in ("Quantity", "Unit Cost", "Extended Cost"):
                c.drawRightString(x + 45, y, text)
            else:
                c.drawString(x, y, text)
        if not row[1]:
            y -= 12
            c.drawString(150, y, "Item Code: 55012")
    return y

def apparel_pdf(*, units_heading: bool = False, currency: str = "EUR", price_x: float = 430) -> bytes:
    """An apparel PO whose table heading is two lines ("ARTICLE" over "NO.", "PRICE/PC" over EUR),
    boxed by rules around the heading only; with `units_heading` the only count column is "Units".
    `price_x` places the price column: from 400 on it starts a few points right of "QTY"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    top = A4[1]
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, top - 50, "Purchase Order")
    c.setFont("Helvetica", 9)
    c.drawString(40, top - 80, "Purchase Order Number: AP-5521")
    c.drawString(300, top - 80, "PO Date: 20.01.2026")
    y = top - 140
    if units_heading:
        heads = (("Colour", 40), ("Size", 160), ("SKU", 220), ("Pack Ratio", 320), ("Units", 420))
        for label, x in heads:
            c.drawString(x, y, label)
        for colour, size, sku, ratio, units in (("NAVY", "S", "7012345", "2", "48"), ("NAVY", "M", "7012346", "3", "72")):
            y -= 16
            for (label, x), text in zip(heads, (colour, size, sku, ratio)):
                c.drawString(x, y, text)
            c.drawRightString(460, y, units)  # right-aligned, past the end of its heading
    else:
        for label, x in (("ARTICLE", 100), ("PRICE/PC", price_x)):
            c.drawString(x, y + 11, label)
        for label, x in (("STORE", 40), ("NO.", 100), ("COLOUR", 180), ("QTY", 380), (currency, price_x + 10)):
            c.drawString(x, y, label)
        for x in (35, 95, 175, 370, price_x - 5, price_x + 60):
            c.line(x, y + 22, x, y - 4)
        for store, article, colour, qty, price in (("12", "7012345", "NAVY", "24", "3.10"),
                                                    ("14", "7012346", "RED", "36", "3.20")):
            y -= 16
            for x, text in ((40, store), (100, article), (180, colour)):
                c.drawString(x, y, text)
            c.drawRightString(400, y, qty)
            c.drawRightString(price_x + 40, y, price)
    c.showPage()
    c.save()
    return out.getvalue()


def count_report_pdf(*, title: str = "Colour/Size Breakdown") -> bytes:
    """A report of counts per colour and size: no PO number, no price, no total; an order only if titled so."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    top = A4[1]
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, top - 50, title)
    c.setFont("Helvetica", 9)
    c.drawString(40, top - 80, "Article: AIVEN")
    y = top - 120
    sizes = ((200, "S"), (240, "M"), (280, "L"), (320, "XL"), (360, "XXL"), (400, "XXXL"))
    for x, text in ((40, "Color Desc."), *sizes[:-1], (400, "XXXL Total Qty.")):
        c.drawString(x, y, text)
    for colour, counts in (("MIDDLEGREY (20)", ("157", "522", "584", "384", "249", "64")),
                           ("DARKBLUEST (630)", ("224", "687", "788", "553", "323", "81")),
                           ("OLIVEGREEN (750)", ("142", "433", "484", "326", "195", "66"))):
        y -= 16
        c.drawString(40, y, colour)
        for (x, _), n in zip(sizes, counts):
            c.drawRightString(x + 20, y, n)
        c.drawRightString(490, y, f"{sum(int(n) for n in counts):,}")
    c.showPage()
    c.save()
    return out.getvalue()


if __name__ == "__main__":
    here = Path(__file__).parent
    (here / "pdf").mkdir(exist_ok=True)
    (here / "fax").mkdir(exist_ok=True)
    (here / "pdf" / "ruled-zh.pdf").write_bytes(text_pdf())
    (here / "fax" / "skewed-g4.tif").write_bytes(fax_tiff([fax_page()]))


# Ruled fax tables with the variations received faxes show: narrow columns (单位|数量 a few
# pixels apart), any column order, a 序号 column, a code right beside the row number, an amount
# column and a total row, skew, specks, 200 dpi binarised G4. Each column is (heading, field, width px).
GRID_COLUMNS = {
    "line_no": ("序号", 70), "code": ("物料编码", 210), "name": ("品名", 220), "spec": ("规格", 230),
    "unit": ("单位", 76), "quantity": ("数量", 110), "unit_price": ("单价", 120), "amount": ("金额", 150),
    "remark": ("备注", 120),
}
GRID_ITEMS = (("1.05.0031", "不锈钢螺丝", "M6*20", "个"), ("2.01.0107", "纸箱", "400*300*250", "只"),
              ("1.04.0047", "封箱胶带", "48mm*100m", "卷"), ("3.02.0005", "缠绕膜", "500mm", "卷"),
              ("1.01.0003", "价格标签", "40×30mm", "张"), ("2.03.0210", "PE自封袋", "20*30cm", "包"),
              ("4.11.0009", "工作手套", "L号", "双"), ("1.07.0120", "扎带", "4*200", "袋"))


def grid_rows(n: int, seed: int = 1) -> list[dict[str, str]]:
    """n order rows with every field filled; quantity x unit price = amount to the cent."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        code, name, spec, unit = GRID_ITEMS[(i + seed) % len(GRID_ITEMS)]
        qty = rng.choice((5, 12, 40, 100, 288, 500, 1200, 3000, 20000))
        price = rng.choice(("0.35", "1.20", "2.85", "6.13", "12.50", "48.00", "0.0046"))
        amount = f"{qty * float(price):,.2f}"
        rows.append({"line_no": str(i + 1), "code": code, "name": name, "spec": spec, "unit": unit,
                     "quantity": f"{qty:,}", "unit_price": price, "amount": amount, "remark": ""})
    return rows


def grid_fax(rows: list[dict[str, str]], columns: tuple[str, ...] = ("line_no", "code", "name", "spec", "unit",
             "quantity", "unit_price", "amount"), *, skew: float = 0.7, speckle: int = 2000, seed: int = 7,
             font_px: int = 32, pitch: int = 58, total: bool = True) -> Image.Image:
    """A ruled Chinese purchase-order fax page at 200 dpi with the given columns in the given order."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    big, small = ImageFont.truetype(FONT, 52), ImageFont.truetype(FONT, font_px)
    draw.text((520, 100), "测试机械配件有限公司", font=big, fill=0)
    draw.text((680, 185), "采购订单", font=big, fill=0)
    for i, text in enumerate(("订单编号：GF-2026-118", "订单日期：2026-11-17", "交货日期：2026-12-08")):
        draw.text((100, 300 + 52 * i), text, font=small, fill=0)
    widths = [GRID_COLUMNS[c][1] for c in columns]
    scale = min(1.0, 1480 / sum(widths))
    xs = [90]
    for w in widths:
        xs.append(xs[-1] + round(w * scale))
    top = 480
    lines = [[GRID_COLUMNS[c][0] for c in columns]] + [[r[c] for c in columns] for r in rows]
    for r, cells in enumerate(lines):
        y = top + pitch * r + (pitch - font_px) // 2 - 2
        for i, text in enumerate(cells):
            width = draw.textlength(text, font=small)
            numeric = r > 0 and columns[i] in ("quantity", "unit_price", "amount")
            x = xs[i + 1] - 8 - width if numeric else (xs[i] + xs[i + 1] - width) / 2 if r == 0 else xs[i] + 8
            draw.text((x, y), text, font=small, fill=0)
    bottom = top + pitch * len(lines)
    if total and "amount" in columns:
        value = sum(float(r["amount"].replace(",", "")) for r in rows)
        a = columns.index("amount")
        draw.text((xs[0] + 8, bottom + (pitch - font_px) // 2 - 2), "合计", font=small, fill=0)
        text = f"{value:,.2f}"
        draw.text((xs[a + 1] - 8 - draw.textlength(text, font=small), bottom + (pitch - font_px) // 2 - 2),
                  text, font=small, fill=0)
        bottom += pitch
    for x in xs:
        draw.line([(x, top), (x, bottom)], fill=0, width=2)
    for y in range(top, bottom + 1, pitch):
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    draw.text((100, bottom + 60), "采购员：王丽    审核：李强", font=small, fill=0)
    return fax_scan(page, skew=skew, speckle=speckle, seed=seed)


def grid_pdf(rows: list[dict[str, str]], columns: tuple[str, ...] = ("line_no", "code", "name", "spec", "unit",
             "quantity", "unit_price", "amount"), *, cell_boxes: bool = False) -> bytes:
    """The ruled order of `grid_fax` as a text PDF: the same columns, widths and order, drawn as lines
    (or, with `cell_boxes`, as one rectangle per cell, as some ERPs draw them)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    c.setFont("WQY", 14)
    c.drawString(200, height - 50, "测试机械配件有限公司")
    c.drawString(250, height - 75, "采购订单")
    c.setFont("WQY", 8)
    for i, text in enumerate(("订单编号：GF-2026-118", "订单日期：2026-11-17", "交货日期：2026-12-08")):
        c.drawString(36, height - 105 - 13 * i, text)
    widths = [GRID_COLUMNS[col][1] * 0.36 for col in columns]
    scale = min(1.0, 530 / sum(widths))
    xs = [32.0]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    pitch, top = 16.0, height - 160
    lines = [[GRID_COLUMNS[col][0] for col in columns]] + [[r[col] for col in columns] for r in rows]
    for r, cells in enumerate(lines):
        y = top - pitch * r - 11
        for i, text in enumerate(cells):
            if r > 0 and columns[i] in ("quantity", "unit_price", "amount"):
                c.drawRightString(xs[i + 1] - 2, y, text)
            elif r == 0:
                c.drawCentredString((xs[i] + xs[i + 1]) / 2, y, text)
            else:
                c.drawString(xs[i] + 2, y, text)
    bottom = top - pitch * len(lines)
    if cell_boxes:
        for r in range(len(lines)):
            for i in range(len(columns)):
                c.rect(xs[i], top - pitch * (r + 1), xs[i + 1] - xs[i], pitch)
    else:
        for x in xs:
            c.line(x, top, x, bottom)
        for r in range(len(lines) + 1):
            c.line(xs[0], top - pitch * r, xs[-1], top - pitch * r)
    c.showPage()
    c.save()
    return out.getvalue()
