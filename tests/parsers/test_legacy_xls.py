"""Legacy Excel 97-2003 (.xls) orders, written by xlwt as old ERP exports still produce them."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import xlwt

from parsers.context import ParseContext
from parsers.registry import parse_document


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("订单")
    sheet.write_merge(0, 0, 0, 5, "采购订单")
    sheet.write(1, 0, "订单号：")
    sheet.write(1, 1, "XLS-2026-7")
    sheet.write(2, 0, "订单日期：")
    sheet.write(2, 1, date(2026, 11, 18), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    for col, head in enumerate(["序号", "客户物料编码", "物料名称", "数量", "单位", "单价"]):
        sheet.write(4, col, head)
    rows = [(1, "CX-01", "瓦楞纸箱 400×300×250mm", 500, "个", 2.6), (2, "CX-02", "封箱胶带 48mm", 72, "卷", 6.8)]
    for r, row in enumerate(rows, start=5):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    sheet.write(7, 2, "合计")
    sheet.write(7, 5, 1789.6)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xls_order_is_read_like_an_xlsx_one():
    """Given an .xls with a merged title, labelled header cells and a totals row, the order comes out whole."""
    result = parse_document(_xls(), ParseContext(path="order.xls"))
    assert not result.failures
    (order,) = result.orders
    assert order.source.kind == "xlsx"
    assert order.po_number == "XLS-2026-7"
    assert order.order_date == date(2026, 11, 18)
    assert [(ln.customer_sku, ln.quantity, ln.unit, ln.unit_price) for ln in order.lines] == [
        ("CX-01", Decimal(500), "个", Decimal("2.6")), ("CX-02", Decimal(72), "卷", Decimal("6.8"))]
    assert order.stated_total == Decimal("1789.6")


def test_an_xls_with_a_wrong_extension_is_still_read():
    """The format comes from the bytes: an .xls named .dat is still a spreadsheet order."""
    result = parse_document(_xls(), ParseContext(path="order.dat"))
    assert [o.po_number for o in result.orders] == ["XLS-2026-7"]
