"""Orders from Taiwan and Hong Kong: traditional-character labels and units read like simplified ones."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from parsers.context import ParseContext
from parsers.registry import parse_document
from reconcile.units import unit_code

BIG5_TEXT = ("台灣客戶 採購單\n訂單號：TW-2026-001\n訂單日期：2026-11-18\n交貨日期：2026年12月10日\n\n"
             "1. 瓦楞紙箱 400×300×250mm  500個  單價4.00元\n"
             "2. 封箱膠帶 48mm  100捲  單價2.50元\n\n謝謝！\n")
CSV = ("訂單號,訂單日期,品名,規格,數量,單位,單價,金額,幣別\n"
       "HK-77,2026-11-19,PET瓶,500ml 透明,2000,個,0.45,900.00,港幣\n"
       "HK-77,2026-11-19,瓶蓋,28mm 藍色,2000,個,0.05,100.00,港幣\n")


def test_a_big5_text_order_with_traditional_labels():
    """Given a Big5 text file labelled 訂單號/訂單日期/交貨日期, the header fields and lines come out."""
    (order,) = parse_document(BIG5_TEXT.encode("big5"), ParseContext(path="tw.txt")).orders
    assert order.po_number == "TW-2026-001"
    assert order.order_date == date(2026, 11, 18)
    assert order.delivery_date == date(2026, 12, 10)
    assert [(ln.quantity, ln.unit, ln.unit_price) for ln in order.lines] == [
        (Decimal(500), "個", Decimal("4.00")), (Decimal(100), "捲", Decimal("2.50"))]


def test_a_csv_with_traditional_column_names():
    """Given a CSV headed 品名/規格/數量/單位/單價/金額/幣別, every column lands in its field."""
    (order,) = parse_document(CSV.encode("utf-8"), ParseContext(path="hk.csv")).orders
    assert order.po_number == "HK-77"
    assert order.currency == "HKD"
    assert [(ln.description, ln.quantity, ln.unit_price, ln.amount) for ln in order.lines] == [
        ("PET瓶 500ml 透明", Decimal(2000), Decimal("0.45"), Decimal("900.00")),
        ("瓶蓋 28mm 藍色", Decimal(2000), Decimal("0.05"), Decimal("100.00"))]


def test_traditional_unit_spellings_map_to_codes():
    assert (unit_code("個"), unit_code("隻"), unit_code("張"), unit_code("捲")) == ("PCS", "PCS", "PCS", "ROLL")
