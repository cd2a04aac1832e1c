"""xlsx orders: Excel dates and numbers, merged titles, text quantities, several sheets, damage."""
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from parsers.formats import excel
from parsers.context import ParseContext
from parsers.errors import ParseError

CTX = ParseContext(path="po.xlsx", sender="buyer@example.com")


def _book(*sheets) -> bytes:
    """Build a workbook in memory: each sheet is (title, rows, merged ranges)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, merges in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in merges:
            sheet.merge_cells(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


PORTAL = [
    ["好味食品有限公司  采购订单"],
    [],
    ["订单编号：", "HW-1", None, None, "订单日期：", datetime(2026, 11, 17)],
    ["收货地址：", "深圳市宝安区1号"],
    ["币别：", "USD"],
    ["序号", "物料编号", "物料名称", "单位", "数量", "单价", "金额"],
    [1, "HW-BX-06", "蛋糕盒", "个", 3000, 2.49, 7470],
    [2, "HW-NP-15", "牛皮盒", "个", "5,000", "0.2983", "1,491.50"],
    ["合计", None, None, None, None, None, 8961.5],
]


def test_portal_sheet_with_merged_title():
    """Excel date cells, float prices without noise, '5,000' as text and a totals row."""
    data = _book(("采购单", PORTAL, ["A1:G1", "B4:G4"]))
    (order,) = excel.parse(data, CTX).orders
    assert (order.po_number, order.order_date.isoformat(), order.currency) == ("HW-1", "2026-11-17", "USD")
    assert order.buyer.name == "好味食品有限公司" and order.ship_to == "深圳市宝安区1号"
    assert order.stated_total == Decimal("8961.5")
    assert [(l.code, l.quantity, l.unit_price) for l in order.lines] == [
        ("HW-BX-06", Decimal(3000), Decimal("2.49")), ("HW-NP-15", Decimal(5000), Decimal("0.2983"))]
    assert order.lines[0].provenance.cell == "E7"


def test_every_sheet_with_an_order_table():
    """Two sheets with a table give two orders; a notes sheet is skipped; cells name the sheet."""
    table = [["PO No.", "A-1"], ["Description", "Qty"], ["Box", 5]]
    other = [["PO No.", "A-2"], ["Description", "Qty"], ["Cap", 7]]
    data = _book(("One", table, []), ("Notes", [["just notes"]], []), ("Two", other, []))
    orders = excel.parse(data, CTX).orders
    assert [o.po_number for o in orders] == ["A-1", "A-2"]
    assert orders[1].lines[0].provenance.cell == "Two!B3"


def test_workbook_without_order_table_raises():
    """No sheet with an item and a quantity: one clear sentence."""
    with pytest.raises(ParseError, match="no row with both an item and a quantity"):
        excel.parse(_book(("S", [["hello"]], [])), CTX)


@pytest.mark.parametrize("data", [b"PK\x03\x04broken zip", b"not a workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk"])
def test_damaged_files_raise_parse_error(data):
    """Damaged or foreign bytes give ParseError, never another exception."""
    with pytest.raises(ParseError):
        excel.parse(data, CTX)


@pytest.mark.parametrize("value, text", [
    (datetime(2026, 12, 4), "2026-12-04"), (0.7268, "0.7268"), (2907.2, "2907.2"),
    (4000.0, "4000"), (None, None), ("  x ", "x")])
def test_cell_text(value, text):
    """Cells become the text a clerk sees."""
    assert excel.cell_text(value) == text
