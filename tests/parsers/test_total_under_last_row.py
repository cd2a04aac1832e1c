"""A totals line printed right under an unruled table's last row, its label under the price column
("Order Total 1,027.55" with "Order" under "Unit Cost"), is the table's total: it never continues
the last row, so the printed total is read and checked against the lines."""
from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from parsers.model import CheckName, CheckOutcome

LABELS = ("Order Total", "Total", "Grand Total", "Total Amount", "合计", "总计")
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _order(rng: random.Random, label: str, off: Decimal) -> tuple[bytes, list[tuple], Decimal]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", FONT))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("wqy", 9.5)
    top = A4[1]
    c.drawString(40, top - 60, "PURCHASE ORDER")
    c.drawString(40, top - 80, "P.O. Number: PO-2026-1003   Order Date: 2026-11-17")
    xs = (40, 70, 140, 300, 340, 380, 450)
    for x, h in zip(xs, ("No.", "Item Code", "Description", "Qty", "UoM", "Unit Cost", "Extended")):
        c.drawString(x, top - 120, h)
    lines, y = [], top - 120
    for n in range(1, rng.randint(2, 4)):
        q, p = Decimal(rng.choice([5, 12, 112, 1500])), Decimal(rng.randint(10, 9999)) / 100
        y -= rng.choice([11.5, 12, 14])
        for x, text in zip(xs, (str(n), f"1.0{n}.10{n}6", "Work gloves", f"{q}", "PR", f"{p}")):
            c.drawString(x, y, text)
        c.drawRightString(520, y, f"{q * p:,.2f}")
        lines.append((f"1.0{n}.10{n}6", q, p))
    total = sum((q * p for _, q, p in lines), Decimal(0)) + off
    y -= rng.choice([11.5, 12, 14])
    c.drawRightString(rng.choice([440, 460]), y, label)  # the label stands under the price column
    c.drawRightString(520, y, f"{total:,.2f}")
    c.showPage()
    c.save()
    return out.getvalue(), lines, total


@pytest.mark.parametrize("seed", range(16))
def test_a_totals_line_right_under_the_last_row_is_read_as_the_total(seed):
    rng = random.Random(seed)
    off = rng.choice([Decimal(0), Decimal(1000)])
    data, lines, total = _order(rng, rng.choice(LABELS), off)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    assert [(l.code, l.quantity, l.unit_price) for l in order.lines] == lines
    assert order.stated_total == total
    outcome = [c.outcome for c in order.read_checks if c.check is CheckName.TOTAL]
    assert outcome == [CheckOutcome.FAILED if off else CheckOutcome.PASSED]
