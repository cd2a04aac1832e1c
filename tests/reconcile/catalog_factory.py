"""A small hand-made catalog for reconciliation tests (a packaging trader, like the real one)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile.catalog import (CatalogRecords, Customer, CustomerItem, Material, PriceEntry,
                               UnitConversion)
from reconcile.snapshot import CatalogSnapshot

TODAY = date(2026, 11, 20)   # a Friday

MATERIALS = (
    Material("1.01.0019", "瓦楞纸箱", "400×300×250mm 3层B楞 K=A", "PCS", None, D(20), D(200), 5),
    Material("1.01.0020", "瓦楞纸箱", "400×300×250mm 5层BC楞 K=K", "PCS", None, D(20), D(200), 7),
    Material("4.01.0009", "BOPP封箱胶带", "48mm×100m 透明", "ROLL", "6923450101124", D(6), D(36), 2),
    Material("4.01.0010", "BOPP封箱胶带", "48mm×100m 米黄", "ROLL", "6923450101193", D(6), D(36), 2),
    Material("5.01.0006", "PET瓶", "500ml 透明 28mm 1881牙", "PCS", "6923450103012", D(200), D(1000), 3),
    Material("5.01.0014", "PET瓶", "500ml 透明 28mm 1810牙", "PCS", "6923450103579", D(200), D(1000), 3,
             active=False),
    Material("2.01.0012", "CPP流延膜", "25μm×1000mm 1000m/卷", "M", None, D(1000), D(0), 5),
    Material("2.01.0033", "缠绕膜", "LLDPE 450mm×20μm 4.05kg/卷 手用", "KG", None, D(1), D(0), 2),
    Material("3.01.0030", "热敏纸标签", "50×30mm 1000张/卷 空白", "PCS", None, D(1000), D(5000), 2),
)

CUSTOMERS = (
    Customer("C0001", "上海味源食品有限公司", "味源食品", ("@weiyuan-food.example.com",), None, "CNY",
             D(100000), D(90000), "上海市嘉定区马陆镇宝安公路2999号"),
    Customer("C0002", "广州市穗丰食品有限公司", "穗丰食品", ("suifeng_cg@163.example.net",), None, "CNY"),
    Customer("C0010", "Golden Harvest Foods Inc.", "Golden Harvest",
             ("purchasing@goldenharvest.example.com",), "078451236", "USD"),
)

PRICES = (
    PriceEntry("1.01.0019", D("2.40"), effective=date(2026, 1, 1), currency="CNY"),
    PriceEntry("1.01.0020", D("3.10"), effective=date(2026, 1, 1), currency="CNY"),
    PriceEntry("4.01.0009", D("4.90"), currency="CNY"),
    PriceEntry("4.01.0010", D("4.90"), currency="CNY"),
    PriceEntry("5.01.0006", D("0.50"), from_qty=D(0), to_qty=D(9999), currency="CNY"),
    PriceEntry("5.01.0006", D("0.45"), from_qty=D(10000), currency="CNY"),
    PriceEntry("5.01.0006", D("0.42"), customer="C0001", from_qty=D(0), currency="CNY"),
    PriceEntry("5.01.0006", D("0.07"), customer="C0010", currency="USD"),
    PriceEntry("5.01.0014", D("0.48"), currency="CNY"),
    PriceEntry("2.01.0012", D("0.30"), currency="CNY"),
    PriceEntry("2.01.0033", D("11.09"), currency="CNY"),
    PriceEntry("3.01.0030", D("0.012"), effective=date(2026, 1, 1), expiry=date(2026, 9, 30), currency="CNY"),
)

CUSTOMER_ITEMS = (
    CustomerItem("C0001", "WY-BT-0500", "500ml调味瓶", "5.01.0006"),
    CustomerItem("C0010", "GH-31050", "PET BOTTLE 500ML", "5.01.0006"),
    CustomerItem("C0002", "SF-RM-5030", "热敏纸50*30", "3.01.0030"),
)

STOCK = (("1.01.0019", D(5000)), ("1.01.0020", D(100)), ("5.01.0006", D(100000)))

UNITS = (
    UnitConversion("5.01.0006", "BOX", "PCS", D(200)),
    UnitConversion("2.01.0033", "ROLL", "KG", D("4.05")),
    UnitConversion(None, "BOX", "ROLL", D(6)),
)

RECORDS = CatalogRecords(MATERIALS, CUSTOMERS, PRICES, CUSTOMER_ITEMS, STOCK, UNITS)


def snapshot(records: CatalogRecords = RECORDS) -> CatalogSnapshot:
    return CatalogSnapshot.from_records(records)


def line(no: int = 1, **kw) -> ParsedLine:
    """An order line; by default 1000 PET bottles by our code at the list price."""
    kw.setdefault("our_sku", "5.01.0006")
    kw.setdefault("quantity", D(1000))
    kw.setdefault("unit", "PCS")
    return ParsedLine(line_no=no, **kw)


def order(*lines: ParsedLine, buyer: Party | None = None, **kw) -> ParsedOrder:
    """An order from C0001 by e-mail, PO 'PO-1', dated today; by default one clean line."""
    kw.setdefault("po_number", "PO-1")
    kw.setdefault("order_date", TODAY)
    return ParsedOrder(source=SourceRef("in/test.eml", None, SourceKind.EMAIL),
                       buyer=buyer or Party(name="上海味源食品有限公司", email="buyer@weiyuan-food.example.com"),
                       lines=lines or (line(unit_price=D("0.42")),), **kw)
