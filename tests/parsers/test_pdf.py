"""Text PDFs read through pypdfium2 and the layout reader, on documents drawn by reportlab."""
from __future__ import annotations

import importlib.util
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.formats import pdf
from parsers.context import ParseContext
from parsers.errors import ParseError

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

pytestmark = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed (./dev.sh test installs it)")
CTX = ParseContext(path="po.pdf")


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_table_and_bilingual_header_fields(ruled):
    """Given a Chinese PO with bilingual labels, its fields and three lines come out, ruled or not."""
    result = pdf.parse(gen.text_pdf(ruled=ruled), CTX)
    (order,) = result.orders
    assert order.po_number == "TP-2026-001"
    assert order.order_date == date(2026, 11, 17)
    assert order.delivery_date == date(2026, 12, 3)
    assert order.ship_to == "上海市浦东新区测试路1号"
    assert order.buyer.name == "测试食品有限公司"
    assert [l.quantity for l in order.lines] == [Decimal(1500), Decimal(288), Decimal(20000)]
    assert [l.code for l in order.lines] == ["AB-100", "AB-200", None]
    assert order.lines[0].description == "纸箱 400*300*250"
    assert order.lines[2].unit_price == Decimal("0.0046")
    assert order.stated_total == Decimal("11000.60")


def test_every_line_knows_its_page_and_box():
    order = pdf.parse(gen.text_pdf(), CTX).orders[0]
    for line in order.lines:
        assert line.provenance.page == 1
        x0, top, x1, bottom = line.provenance.box
        assert 330 <= x0 < x1 <= 400 and top < bottom
    assert order.fields["po_number"].page == 1


def test_table_continues_on_the_next_page_and_page_footers_are_skipped():
    rows = gen.ROWS + (("4", "AB-400", "缠绕膜 50cm", "60", "卷", "57.30"),)
    (order,) = pdf.parse(gen.text_pdf(rows, pages=2), CTX).orders
    assert [l.line_no for l in order.lines] == [1, 2, 3, 4]
    assert order.lines[3].description == "缠绕膜 50cm"
    assert order.lines[3].provenance.page == 2


def test_text_layer_is_detected():
    assert pdf.has_text_layer(gen.text_pdf())


def test_truncated_pdf_fails_with_one_sentence():
    data = gen.text_pdf()
    with pytest.raises(ParseError) as e:
        pdf.parse(data[: len(data) // 3], CTX)
    assert e.value.reason.endswith(".") and "PDF" in e.value.reason


def test_invoice_is_not_an_order():
    result = pdf.parse(gen.text_pdf(title="增值税发票 INVOICE"), CTX)
    assert result.orders == () and result.not_orders


def test_the_same_item_again_on_the_next_page_is_a_line_not_a_footer():
    """Given the item at the foot of page 1 ordered again at the foot of page 2 (another
    delivery), both lines are read; the repeated company name and page numbers are still skipped."""
    again = ("4",) + gen.ROWS[1][1:]
    rows = gen.ROWS[:2] + (("3", "AB-400", "缠绕膜 50cm", "60", "卷", "57.30"), again)
    (order,) = pdf.parse(gen.text_pdf(rows, pages=2), CTX).orders
    assert [(l.line_no, l.code or l.customer_sku) for l in order.lines] == [
        (1, "AB-100"), (2, "AB-200"), (3, "AB-400"), (4, "AB-200")]
    assert all("测试食品" not in (l.description or "") for l in order.lines)
