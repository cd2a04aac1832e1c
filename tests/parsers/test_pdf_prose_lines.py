"""A PDF whose header fields sit in a ruled box and whose lines are written as prose: the box is
no order table, so the lines are read as text instead of the document failing."""
from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ITEMS = (("1.01.0003", "Carton 400x300x250"), ("1.02.0011", "Sealing tape 48mm"), ("1.04.0047", "PE zip bag"))
UNITS = ("PCS", "ROLL", "PK", "BOX")


def _boxed_prose_pdf(rng: random.Random) -> tuple[bytes, list[tuple[str, Decimal, Decimal]]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    top = A4[1] - 60
    c.setFont("WQY", 14)
    c.drawString(220, top, "PURCHASE ORDER")
    c.setFont("WQY", 9)
    box = [("PO No.", f"PO-{rng.randint(1000, 9999)}"), ("Date", "2026-11-17")]
    y = top - 40
    for label, value in box:  # a two-column ruled box of header fields
        c.rect(40, y - 4, 240, 16)
        c.line(140, y - 4, 140, y + 12)
        c.drawString(44, y, label)
        c.drawString(144, y, value)
        y -= 16
    want = []
    for i, (code, name) in enumerate(rng.sample(ITEMS, rng.randint(2, 3)), start=1):
        qty, price, unit = Decimal(rng.randint(2, 90) * 10), Decimal(rng.randint(11, 999)) / 100, rng.choice(UNITS)
        y -= 18
        c.drawString(40, y, f"Item {i}: {name} (P/N {code}), quantity {qty} {unit}, unit price USD {price}")
        want.append((code, qty, price))
    c.save()
    return out.getvalue(), want


@pytest.mark.parametrize("seed", range(4))
def test_prose_lines_under_a_boxed_header_are_read(seed):
    data, want = _boxed_prose_pdf(random.Random(seed))
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    got = [(l.code or l.our_sku or l.customer_sku, l.quantity, l.unit_price) for l in order.lines]
    assert got == want
