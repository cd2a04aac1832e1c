"""Word orders: generated .docx files with tables, merged cells, header fields in paragraphs."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import pytest

from parsers.formats import word
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import SourceKind

CTX = ParseContext(path="order.docx")
LINE_HEADER = ["序号", "物料编号", "品名", "规格", "数量", "单位", "单价(元)", "金额(元)"]
LINES = [["1", "AB-100", "纸箱", "400*300*250", "1,500", "个", "2.43", "3,645.00"],
         ["2", "AB-200", "胶带", "48mm", "200", "卷", "3.5", "700.00"]]


def _table(document, rows):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def chinese_order() -> bytes:
    """The usual Chinese layout: title, header fields in paragraphs, the line table, fields below it."""
    d = docx.Document()
    d.add_paragraph("采 购 订 单")
    d.add_paragraph("需方：深圳优品烘焙有限公司")
    d.add_paragraph("订单编号：YP-2026-118\t\t订单日期：2026年11月20日")
    _table(d, [LINE_HEADER, *LINES, ["合计", "", "", "", "", "", "", "4,345.00"]])
    d.add_paragraph("交货日期：2026年12月4日前送达")
    d.add_paragraph("收货地址：深圳市南山区科技园路1号")
    return _bytes(d)


def test_header_fields_in_paragraphs_reach_the_order_read_from_the_table():
    """Given fields above and below the line table, the one order carries them all."""
    (order,) = word.parse(chinese_order(), CTX).orders
    assert order.source.kind == SourceKind.DOCX
    assert order.po_number == "YP-2026-118"
    assert order.order_date == date(2026, 11, 20)
    assert order.delivery_date == date(2026, 12, 4)
    assert order.ship_to == "深圳市南山区科技园路1号"
    assert order.stated_total == Decimal("4345.00")
    assert order.buyer.name == "深圳优品烘焙有限公司"
    assert [(ln.code, ln.description, ln.quantity, ln.unit, ln.unit_price) for ln in order.lines] == [
        ("AB-100", "纸箱 400*300*250", Decimal("1500"), "个", Decimal("2.43")),
        ("AB-200", "胶带 48mm", Decimal("200"), "卷", Decimal("3.5"))]


def test_provenance_names_the_paragraph_and_the_table_cell():
    """A clerk is shown where each value was read: the paragraph, or the table row and column."""
    (order,) = word.parse(chinese_order(), CTX).orders
    assert order.fields["po_number"].cell == "paragraph 3"
    assert order.fields["ship_to"].cell == "paragraph 5"
    assert order.lines[0].provenance.cell == "table 1 row 2 col 5"


def test_merged_cells_are_read_once_and_vertical_merges_apply_to_every_row():
    """A title merged across the table is not repeated; a delivery date merged down two rows dates both."""
    d = docx.Document()
    header = ["物料编号", "品名", "数量", "单位", "交货日期"]
    table = _table(d, [["采购订单 PO No.: M-77", "", "", "", ""], header,
                       ["AB-100", "纸箱", "10", "个", "2026-12-01"], ["AB-200", "胶带", "20", "卷", ""]])
    title = table.cell(0, 0).merge(table.cell(0, 4))
    title.text = "采购订单 PO No.: M-77"
    table.cell(2, 4).merge(table.cell(3, 4))
    (order,) = word.parse(_bytes(d), CTX).orders
    assert [ln.delivery_date for ln in order.lines] == [date(2026, 12, 1)] * 2
    assert [ln.description for ln in order.lines] == ["纸箱", "胶带"]
    rows = word.table_rows(docx.Document(io.BytesIO(_bytes(d))).tables[0])
    assert rows[0] == ["采购订单 PO No.: M-77", None, None, None, None]


def test_a_description_merged_over_two_columns_is_not_doubled():
    """A name cell spanning the name and spec columns gives its text once."""
    d = docx.Document()
    table = _table(d, [["Item code", "Description", "Spec", "Qty", "Unit price"],
                       ["X-1", "Carton", "", "5", "1.20"]])
    table.cell(1, 1).merge(table.cell(1, 2)).text = "Carton 40x30"
    (order,) = word.parse(_bytes(d), CTX).orders
    assert order.lines[0].description == "Carton 40x30"
    assert order.lines[0].unit_price == Decimal("1.20")


def test_header_fields_in_a_label_table_and_in_the_page_header():
    """Fields laid out as a two-column table, and a PO number in the page header, are read."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Purchase Order No.: PO-4471"
    _table(d, [["Date", "11/20/2026"], ["Ship to", "12 Harbour Road, Singapore"], ["Currency", "SGD"]])
    d.add_paragraph("")
    _table(d, [["Part No.", "Description", "Qty", "Unit Price"], ["P-1", "Label 100x70", "2,000", "0.05"]])
    (order,) = word.parse(_bytes(d), CTX).orders
    assert order.po_number == "PO-4471"
    assert order.fields["po_number"].cell == "page header paragraph 1"
    assert order.order_date == date(2026, 11, 20)
    assert order.ship_to == "12 Harbour Road, Singapore"
    assert order.currency == "SGD"
    assert order.lines[0].quantity == Decimal("2000")


def test_a_table_continued_in_a_second_table_with_a_repeated_header():
    """Lines split over two tables (a page break) make one order; the repeated header is no line."""
    d = docx.Document()
    d.add_paragraph("订单号：SP-9")
    _table(d, [["品名", "数量"], ["纸箱", "10"]])
    d.add_page_break()
    _table(d, [["品名", "数量"], ["胶带", "20"]])
    (order,) = word.parse(_bytes(d), CTX).orders
    assert [ln.description for ln in order.lines] == ["纸箱", "胶带"]


def test_an_order_written_as_paragraphs_is_read_as_text():
    """A Word file with no table: the order lines in its paragraphs are read by the text reader."""
    d = docx.Document()
    for text in ["订单号：TX-55", "日期：2026-11-20", "品名\t数量\t单位\t单价",
                 "纸箱\t100\t个\t2.40", "胶带\t50\t卷\t3.50"]:
        d.add_paragraph(text)
    result = word.parse(_bytes(d), CTX)
    (order,) = result.orders
    assert order.po_number == "TX-55"
    assert order.source.kind == SourceKind.DOCX
    assert [ln.quantity for ln in order.lines] == [Decimal("100"), Decimal("50")]


def test_a_letter_without_order_lines_is_no_order():
    """A Word letter with no table and no lines yields no order."""
    d = docx.Document()
    d.add_paragraph("Dear supplier, please send us your new catalogue for 2027. Regards, Anna")
    assert not word.parse(_bytes(d), CTX).orders


@pytest.mark.parametrize("data", [chinese_order()[:3000], b"PK\x03\x04" + b"\x00" * 200, b""],
                         ids=["truncated", "not a zip", "empty"])
def test_a_damaged_word_file_raises_a_parse_error_with_a_sentence(data):
    """A truncated or broken .docx is a failure with one sentence, never a crash."""
    with pytest.raises(ParseError) as info:
        word.parse(data, CTX)
    assert info.value.reason.endswith(".")


def test_split_fields_splits_on_tabs_and_wide_gaps_only():
    """Single spaces stay inside a field ("采 购 订 单"); tabs and runs of spaces separate fields."""
    assert word.split_fields("采 购 订 单") == ["采 购 订 单"]
    assert word.split_fields("订单编号：X-1\t\t日期：2026-11-20") == ["订单编号：X-1", "日期：2026-11-20"]
    assert word.split_fields("需方（盖章）：    供方（盖章）：") == ["需方（盖章）：", "供方（盖章）："]
