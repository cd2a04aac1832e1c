"""Customers found on the page of a standalone document (no sender, no EDI id): letterhead, stamp,
labelled buyer field, printed address and e-mail domain, read from generated text PDFs through the
real reader and reconciled, so the customer's own item codes are matched too."""
from __future__ import annotations

import io

import pytest

from catalog_factory import CUSTOMER_ITEMS, CUSTOMERS, RECORDS, TODAY, snapshot
from parsers.context import ParseContext
from parsers.registry import parse_document
from reconcile.catalog import CatalogRecords, Customer, CustomerItem
from reconcile.core import reconcile

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
WORKS = Customer("C0020", "东莞市长安五金机械厂", "长安五金", ("@changan-hw.example.cn",), None, "CNY",
                 None, 0, "广东省东莞市长安镇振安路88号")
SNAP = snapshot(CatalogRecords(RECORDS.materials, CUSTOMERS + (WORKS,), RECORDS.prices,
                               CUSTOMER_ITEMS + (CustomerItem("C0020", "CA-5030", "热敏标签", "3.01.0030"),),
                               RECORDS.stock, RECORDS.units))
LINE = {"C0002": "SF-RM-5030", "C0020": "CA-5030", "C0001": "WY-BT-0500", "C0010": "GH-31050"}
SKU = {"C0002": "3.01.0030", "C0020": "3.01.0030", "C0001": "5.01.0006", "C0010": "5.01.0006"}


def _pdf(top: list[str], fields: list[str], code: str, bottom: list[str]) -> bytes:
    """A one-page order: `top` lines, the title, `fields`, a line table with the customer's code, `bottom`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    y = A4[1] - 50
    for text in [*top, "采购订单"]:
        c.setFont("WQY", 13 if text == top[:1] else 10)
        c.drawString(200, y, text)
        y -= 20
    c.setFont("WQY", 9)
    for text in ["订单编号：PO-7781", "订单日期：2026-11-18", *fields]:
        c.drawString(40, y, text)
        y -= 15
    y -= 15
    for row in (("序号", "客户料号", "品名", "数量", "单位", "单价"), ("1", code, "热敏标签 50×30mm", "5000", "PCS", "0.03")):
        for x, text in zip((40, 80, 180, 330, 390, 440), row):
            c.drawString(x, y, text)
        y -= 16
    y -= 20
    for text in bottom:
        c.drawString(300, y, text)
        y -= 15
    c.showPage()
    c.save()
    return out.getvalue()


CASES = {
    "letterhead is the exact FName": ("C0002", ["广州市穗丰食品有限公司", "广州市白云区太和镇1号"], ["采购员：王丽"], []),
    "name ending 机械厂 above an address line": ("C0020", ["东莞市长安五金机械厂", "东莞市长安镇工业区3号"], [], []),
    "stamp only": ("C0020", [], [], ["（盖章）东莞市长安五金机械厂采购专用章"]),
    "buyer field, a person as Buyer": ("C0010", [], ["Buyer: John Smith", "Bill To: Golden Harvest Foods Inc."], []),
    "printed e-mail domain only": ("C0001", [], ["联系人：张伟  邮箱：zhang.wei@weiyuan-food.example.com"], []),
    "printed master address only": ("C0001", [], ["收货地址：上海市嘉定区马陆镇宝安公路2999号"], []),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_customer_is_found_on_the_page(case):
    """A standalone PDF identifies its customer from what is printed, and so its item codes are known."""
    number, top, fields, bottom = CASES[case]
    data = _pdf(top, fields, LINE[number], bottom)
    (order,) = parse_document(data, ParseContext(path="po.pdf")).orders
    result = reconcile(order, SNAP, today=TODAY)
    assert result.customer_code == number, [a.message for a in result.anomalies]
    assert result.lines[0].sku == SKU[number]


def test_two_customers_on_one_page_is_unknown_with_both_named():
    """Letterhead of one customer, stamp of another: no guess, and the sentence names both."""
    data = _pdf(["广州市穗丰食品有限公司"], [], "X-1", ["东莞市长安五金机械厂采购专用章"])
    (order,) = parse_document(data, ParseContext(path="po.pdf")).orders
    result = reconcile(order, SNAP, today=TODAY)
    assert result.customer_code is None
    (unknown,) = [a for a in result.anomalies if a.code == "UNKNOWN_CUSTOMER"]
    assert "C0002" in unknown.message and "C0020" in unknown.message
