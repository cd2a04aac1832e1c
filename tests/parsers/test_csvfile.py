"""CSV orders: encodings, delimiters, header fields repeated per row, failures as sentences."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.formats import csvfile
from parsers.context import ParseContext
from parsers.errors import ParseError

DATA = Path(__file__).parent.parent / "data" / "csv"


def _parse(name):
    return csvfile.parse((DATA / name).read_bytes(), ParseContext(path=name, sender="a@b.example"))


def test_semicolon_bom_export_gives_one_order_per_po():
    """A UTF-8-BOM, semicolon-separated ERP export with two PO numbers gives two orders."""
    orders = _parse("erp-export-two-pos.csv").orders
    assert [o.po_number for o in orders] == ["HX-1001", "HX-1002"]
    first = orders[0]
    assert first.order_date == date(2026, 11, 19) and first.delivery_date == date(2026, 12, 4)
    assert first.ship_to == "苏州市工业园区星湖街1号"
    assert [(l.code, l.description, l.quantity, l.unit) for l in first.lines] == [
        ("AB-100", "纸箱 400*300*250", Decimal(1200), "个"), (None, "封箱胶带 48mm", Decimal(20), "卷")]
    assert first.lines[0].provenance.cell == "F2"


def test_gbk_with_customer_column_and_text_numbers():
    """A GBK file with a customer-name column, quoted "3,000" and a 人民币 currency cell."""
    (order,) = _parse("gbk-customer-column.csv").orders
    assert order.buyer.name == "测试食品有限公司" and order.currency == "CNY"
    line = order.lines[0]
    assert (line.customer_sku, line.quantity, line.amount) == ("TS-01", Decimal(3000), Decimal("1230.00"))


def test_english_upc_export():
    """English headers with underscores: barcode, compact dates and address parts as ship-to."""
    (order,) = _parse("english-upc.csv").orders
    assert (order.po_number, order.order_date, order.buyer.name) == ("77001", date(2024, 1, 5), "ACME GMBH")
    assert order.ship_to == "Hauptstr 1, Berlin, 10115"
    assert [(l.barcode, l.quantity, l.unit, l.unit_price) for l in order.lines] == [
        ("4006381333931", Decimal(48), "PCE", Decimal(5)), ("4006381333948", Decimal(2), "KGM", Decimal(55))]


@pytest.mark.parametrize("name, expected", [
    ("erp-export-two-pos.csv", True), ("english-upc.csv", True), ("gbk-customer-column.csv", True),
    ("headerless.csv", False), ("no-order-table.csv", False)])
def test_looks_like(name, expected):
    """Only a delimited file naming two known columns looks like an order CSV."""
    assert csvfile.looks_like((DATA / name).read_bytes()) is expected


@pytest.mark.parametrize("name", ["headerless.csv", "no-order-table.csv", "header-no-lines.csv"])
def test_unreadable_tables_raise_parse_error(name):
    """No header, or a header without a line: ParseError, never another exception."""
    with pytest.raises(ParseError):
        _parse(name)


def test_undecodable_bytes_raise_parse_error():
    """Binary junk is a ParseError with a sentence."""
    with pytest.raises(ParseError, match="decoded"):
        csvfile.parse(b"\x00\x01\xff\xfe\x00" * 10, ParseContext(path="x.csv"))


def test_headerless_code_quantity_pairs_are_an_order():
    """Given rows "code;qty" and no header, when parsed, then each row is a line (code, quantity)."""
    data = "HX-CAP-90;12\r\nLID7;3\r\nSleeve-S;1.5\r\n".encode()
    assert csvfile.looks_like(data)
    order, = csvfile.parse(data, ParseContext(path="upload.csv")).orders
    assert [(l.code, l.quantity) for l in order.lines] == [
        ("HX-CAP-90", Decimal(12)), ("LID7", Decimal(3)), ("Sleeve-S", Decimal("1.5"))]
    assert order.po_number is None and order.confidence < 1


@pytest.mark.parametrize("text", ["HX-CAP-90;12;3\nLID7;3;1\n", "12;3\n40;1\n", "Item one;2\nLID7;3\n"])
def test_rows_that_are_not_code_quantity_pairs_are_no_order(text):
    """Three cells, numbers on both sides, or a code with a space: no headerless order is guessed."""
    assert not csvfile.looks_like(text.encode())
