"""A header value's box covers the value, not its label: on text PDFs drawn by reportlab with
labels of several languages and separators (one field a line, or two on one line), on a fax
read by the real OCR engine, and on hand-placed words."""
from __future__ import annotations

import io
import os
import random

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.context import ParseContext
from parsers.formats import fax, pdf
from parsers.layout.spots import value_box
from parsers.layout.words import Word
from tests.data.gen_documents import FIELDS, FONT, fax_page, fax_tiff

pytestmark = pytest.mark.skipif(not os.path.exists(FONT), reason="fonts-wqy-microhei is not installed")

PO_LABELS = ("PO No.", "PO Number", "Order No.", "Purchase Order No.", "订单编号", "采购单号", "Bestellnummer",
             "N° de commande")
DATE_LABELS = ("Order Date", "Date", "订单日期", "Bestelldatum", "Date de commande")
SEPARATORS = (": ", ":", "：", " : ")
ROWS = (("No.", "Item Code", "Description", "Qty", "Unit", "Unit Price"),
        ("1", "AB-100", "Carton 400x300", "1,500", "PCS", "6.13"), ("2", "AB-200", "Tape 48mm", "288", "ROLL", "5.95"))


def header_pdf(seed: int) -> tuple[bytes, dict[str, tuple[float, float, float]]]:
    """A one-page order whose PO number and order date are each printed as one string "label
    value" (a random label, separator and font size; both on one line or one under the other);
    with, per field, where reportlab put the value: x where it starts, x where it ends (points),
    and the font size."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    c.setFont("WQY", 14)
    c.drawString(230, height - 70, "Purchase Order 采购订单")
    size = rng.choice((9, 10, 11))
    c.setFont("WQY", size)
    po = f"{rng.choice(('PO', 'TP', 'A'))}-{rng.randint(2020, 2030)}-{rng.randint(1, 9999):04d}"
    fields = (("po_number", rng.choice(PO_LABELS) + rng.choice(SEPARATORS), po),
              ("order_date", rng.choice(DATE_LABELS) + rng.choice(SEPARATORS), f"2026-11-{rng.randint(1, 28):02d}"))
    same_line = rng.random() < 0.5
    spots = {}
    for i, (name, label, value) in enumerate(fields):
        x = 320 if i and same_line else 40
        c.drawString(x, height - 120 - (0 if same_line else 16 * i), label + value)
        start = x + pdfmetrics.stringWidth(label, "WQY", size)
        spots[name] = (start, start + pdfmetrics.stringWidth(value, "WQY", size), size)
    for r, cells in enumerate(ROWS):
        for x, text in zip((44, 84, 154, 334, 404, 454), cells):
            c.drawString(x, height - 212 - 18 * r, text)
    c.showPage()
    c.save()
    return out.getvalue(), spots


def _covers_the_value_only(box, start: float, end: float, char: float) -> bool:
    """The box begins after the label (half a character's leeway: a run's characters are shared
    out by their usual widths) and ends where the value does, give or take as much."""
    return start - char / 2 <= box[0] < (start + end) / 2 < box[2] <= end + char / 2


@pytest.mark.parametrize("seed", range(24))
def test_a_pdf_header_value_printed_after_its_label_is_boxed_alone(seed):
    data, spots = header_pdf(seed)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    for name, (start, end, size) in spots.items():
        where = order.fields[name]
        assert where.page == 1 and _covers_the_value_only(where.box, start, end, size), (name, where, start, end)


def test_fax_header_values_are_boxed_without_their_labels():
    """Given a generated fax (skewed 0.7°, speckled) read by the real OCR engine, whose header
    prints "订单编号 PO No.：TP-2026-001" and three more such fields: each value's box starts
    after its label, on the levelled page."""
    (order,) = fax.parse(fax_tiff([fax_page()]), ParseContext(path="fax.tif")).orders
    font = ImageFont.truetype(FONT, 36)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    for name, printed in zip(("po_number", "order_date", "delivery_date", "ship_to"), FIELDS):
        label = printed[:printed.index("：") + 1]
        start, end = 100 + measure.textlength(label, font=font), 100 + measure.textlength(printed, font=font)
        assert _covers_the_value_only(order.fields[name].box, start, end, 36), (name, order.fields[name], start, end)


def _words(*placed: tuple[float, str]) -> list[Word]:
    """Words 10 units tall on one line, at x, 6 units a character."""
    return [Word(text, (x, 0, x + 6 * len(text), 10)) for x, text in placed]


@pytest.mark.parametrize("words, text, box", [
    (_words((0, "PO:"), (24, "AC-778")), "AC-778", (24, 0, 60, 10)),                # a word of its own
    (_words((0, "PO:AC-778")), "AC-778", (18, 0, 54, 10)),                         # glued to its label
    (_words((0, "Date:"), (36, "17"), (54, "Nov"), (78, "2026")), "17 Nov 2026", (36, 0, 102, 10)),
    (_words((0, "订单号：ＡＣ－７７８")), "AC-778", (24, 0, 60, 10)),               # full-width, read as NFKC
    (_words((0, "PO:"), (24, "AC-779")), "AC-778", None),                          # not printed as read
])
def test_value_box_covers_the_characters_that_spell_the_value(words, text, box):
    """Characters inside a word are placed by their usual printed widths: a box within a
    character or two of where evenly spaced characters would put it."""
    assert value_box(words, text) == (pytest.approx(box, abs=6) if box else None)
