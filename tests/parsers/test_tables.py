"""The one table header mapper: header anywhere, labels around the table, totals, ERP exports."""
from datetime import date
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.vocab.labels import column_field, currency_code, header_field, is_placeholder
from parsers.model import SourceKind
from parsers.build import a1_name, orders_from_rows

CTX = ParseContext(path="in/po.xlsx", sender="buyer@example.com", sent=date(2026, 11, 18),
                   subject="采购单")


def _read(rows, ctx=CTX):
    return orders_from_rows(rows, ctx, SourceKind.XLSX)


def test_header_below_a_title_and_label_cells():
    """Given a merged title, "label：" cells with values beside them and a header on row 8,
    the order carries the labels' values and the lines under the header."""
    rows = [
        ["好味食品有限公司  采购订单", None, None, None, None, None, None],
        [],
        ["订单编号：", "HW-1117-01", None, None, "订单日期：", "2026-11-17", None],
        ["供应商：", "苏州某包装有限公司", None, None, "交货日期：", "2026/12/10", None],
        ["收货地址：", "深圳市宝安区石岩街道1号", None, None, None, None, None],
        ["币别：", "人民币", None, None, None, None, None],
        [],
        ["序号", "物料编号", "物料名称", "规格", "单位", "数量", "单价", "金额"],
        ["1", "HW-BX-06", "蛋糕盒", "6寸", "个", "3000", "2.49", "7470"],
        ["2", "—", "热敏纸", "50*30", "张", "50,000", "0.0047", "235"],
        ["合计", None, None, None, None, None, None, "7705.00"],
        ["备注：请随货附送货单。"],
    ]
    (order,) = _read(rows).orders
    assert (order.po_number, order.order_date, order.delivery_date) == (
        "HW-1117-01", date(2026, 11, 17), date(2026, 12, 10))
    assert (order.currency, order.ship_to, order.stated_total) == ("CNY", "深圳市宝安区石岩街道1号", Decimal("7705.00"))
    assert order.buyer.name == "好味食品有限公司" and order.buyer.email == "buyer@example.com"
    assert [l.description for l in order.lines] == ["蛋糕盒 6寸", "热敏纸 50*30"]
    assert [l.code for l in order.lines] == ["HW-BX-06", None]
    assert order.lines[1].quantity == Decimal("50000")
    assert order.lines[0].provenance.cell == "F9"
    assert order.fields["po_number"].cell == "B3"


def test_label_above_value():
    """A "PO No." label with its value in the cell below it is read."""
    rows = [["PO No.", "Order Date"], ["PO-778", "2026-11-02"], [],
            ["Item No.", "Description", "Qty", "Unit Price"], ["X-1", "Bottle", "10", "1.5"]]
    (order,) = _read(rows).orders
    assert order.po_number == "PO-778" and order.order_date == date(2026, 11, 2)


def test_erp_export_one_order_per_po():
    """Header fields repeated on every row: each distinct PO number is its own order."""
    rows = [["订单号", "下单日期", "客户料号", "品名规格", "数量", "单位", "交货日期"],
            ["A-1", "2026-11-17", "C-1", "纸箱", "5", "箱", "2026-12-09"],
            ["A-2", "2026-11-17", "C-2", "胶带", "6", "卷", "2026-12-10"],
            ["A-1", "2026-11-17", "C-3", "标签", "7", "张", "2026-12-08"]]
    orders = _read(rows).orders
    assert [o.po_number for o in orders] == ["A-1", "A-2"]
    assert [l.customer_sku for l in orders[0].lines] == ["C-1", "C-3"]
    assert [l.line_no for l in orders[0].lines] == [1, 2]
    assert orders[0].delivery_date == date(2026, 12, 8)


def test_quantity_with_glued_unit_and_no_unit_column():
    """"500个" in the quantity column gives the quantity and the unit."""
    rows = [["品名", "数量"], ["纸箱", "500个"], ["膜", "1.2万米"]]
    lines = _read(rows).orders[0].lines
    assert [(l.quantity, l.unit) for l in lines] == [(Decimal(500), "个"), (Decimal(12000), "米")]


def test_order_date_defaults_to_mail_date_and_change_from_subject():
    """No printed order date: the mail's date; a subject saying 订单变更 marks a change."""
    ctx = ParseContext(path="x", sent=date(2026, 11, 18), subject="订单变更 HW-1")
    (order,) = _read([["品名", "数量"], ["纸箱", "5"]], ctx).orders
    assert order.order_date == date(2026, 11, 18) and order.is_change


def test_change_title_marks_change():
    """A title "Revised PO" marks the order as a change."""
    rows = [["Revised PO"], ["Description", "Qty"], ["Box", "5"]]
    assert _read(rows, ParseContext(path="x")).orders[0].is_change


def test_header_without_lines_raises():
    """A header but no row with item and quantity is a ParseError with a sentence."""
    with pytest.raises(ParseError, match="no row with both an item and a quantity"):
        _read([["品名", "数量"], ["纸箱", ""], ["", "5"]])


def test_no_header_is_not_an_order():
    """A table with no order header (a statement) gives no order and says so."""
    result = _read([["送货日期", "订单号", "金额"], ["2026-10-08", "YP-1", "12,460.00"]])
    assert result.orders == () and result.not_orders


def test_item_column_of_counters_is_a_line_number():
    """An "Item" column that holds 1, 2, 3 does not become the description."""
    rows = [["Item", "Our Code", "Description", "Qty"], ["1", "AC-1", "Carton", "5"], ["2", "AC-2", "Cap", "6"]]
    lines = _read(rows).orders[0].lines
    assert [(l.customer_sku, l.description) for l in lines] == [("AC-1", "Carton"), ("AC-2", "Cap")]


@pytest.mark.parametrize("label, field", [
    ("客户物料编码", "customer_sku"), ("Customer Part No.", "customer_sku"), ("Our Code", "customer_sku"),
    ("Supplier Part No.", "our_sku"), ("条码", "barcode"), ("GTIN", "barcode"), ("品名", "name"),
    ("规格型号", "spec"), ("订购数量", "quantity"), ("UOM", "unit"), ("含税单价", "unit_price"),
    ("单价(元)", "unit_price"), ("Line Total", "amount"), ("交期", "line_delivery"),
    ("币种", "currency"), ("Ship To", "ship_to"), ("备注", None), ("供应商名称", None),
    ("Nuestra ref.", "customer_sku"), ("Notre réf.", "customer_sku"), ("Su ref.", "our_sku"), ("Votre réf.", "our_sku"),
])
def test_column_vocabulary(label, field):
    """Column headings in Chinese and English map to the fields they name."""
    assert column_field(label) == field


@pytest.mark.parametrize("label, field", [
    ("订单号", "po_number"), ("PO Number", "po_number"), ("下单日期", "order_date"),
    ("Delivery Date", "delivery_date"), ("Bill To", "customer"), ("总计", "total"), ("客户原话", None),
])
def test_label_vocabulary(label, field):
    """Header labels outside the table map to header fields; unknown labels to nothing."""
    assert header_field(label) == field


@pytest.mark.parametrize("text, code", [
    ("人民币", "CNY"), ("元", "CNY"), ("¥", "CNY"), ("RMB", "CNY"), ("美元", "USD"), ("US$", "USD"),
    ("欧元", "EUR"), ("€", "EUR"), ("新加坡元", "SGD"), ("港币", "HKD"), ("", None),
])
def test_currency_words(text, code):
    """Currency words and signs become ISO codes."""
    assert currency_code(text) == code


@pytest.mark.parametrize("text", ["-", "/", "—", "N/A", "", None])
def test_placeholder_codes(text):
    """Placeholders in a code cell mean no code."""
    assert is_placeholder(text)


def test_a1_names():
    """Zero-based row/column to spreadsheet names."""
    assert (a1_name(6, 1), a1_name(0, 26)) == ("B7", "AA1")


def test_item_column_of_codes_beside_description_is_a_code():
    """An "Item" column holding codes next to a "Description" column is the item code."""
    rows = [["Item", "Description", "Qty"], ["AB-100", "Carton", "5"]]
    line = _read(rows).orders[0].lines[0]
    assert (line.code, line.description) == ("AB-100", "Carton")


@pytest.mark.parametrize("cell, total", [("總計 39,761.21", "39761.21"), ("Total: 1,234.50", "1234.50"),
                                         ("合计金额：¥11,535.60（大写）壹万", "11535.60"), ("Grand Total USD 88.00", "88.00")])
def test_a_totals_cell_holding_its_label_and_amount_is_the_stated_total(cell, total):
    """Given a table with no amount column whose totals row writes label and amount in one cell,
    the amount is the order's stated total (so the total check can be made)."""
    rows = [["品名", "产品编号", "数量", "单位", "单价"],
            ["纸箱", "1.01.0003", "10", "个", "2.00"],
            [None, None, None, None, cell]]
    (order,) = _read(rows).orders
    assert order.stated_total == Decimal(total) and len(order.lines) == 1


@pytest.mark.parametrize("seed", range(6))
def test_a_column_of_codes_under_an_unknown_heading_is_kept_on_the_line(seed):
    """Given a table with our code column and a column of other codes headed by words no vocabulary
    knows, placed left or right of ours, each line keeps both codes; a column of sizes is no code."""
    import random as _random

    from parsers import build

    rng = _random.Random(seed)
    heading = rng.choice(("Ref. interne", "Mat.-Kz.", "Zeichen", "Cod. int.", "Bezug"))
    theirs = [f"{rng.choice('ABQ')}{rng.choice('KMZ')}-{rng.randint(1000, 99999)}" for _ in range(3)]
    ours = ["1.01.0003", "1.02.0011", "1.04.0047"]
    left = rng.random() < 0.5
    head = [heading, "Item Code", "Size", "Qty", "Price"] if left else ["Item Code", heading, "Size", "Qty", "Price"]
    rows = [head] + [([t, o] if left else [o, t]) + [f"{rng.randint(2, 90)}x{rng.randint(2, 90)}mm", "10", "1.50"]
                     for t, o in zip(theirs, ours)]
    (order,) = build.orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    for got, t, o in zip(order.lines, theirs, ours):
        values = [v for _, v in got.ids]
        assert got.code == o and t in values and not any("mm" in v for v in values)


@pytest.mark.parametrize("heading", ["Article", "Item", "Artikel", "Part"])
@pytest.mark.parametrize("names", [("Strapping band", "Corrugated carton"), ("Bolt", "Sealing tape", "PE zip bag"),
                                   ("Hex bolt M13x720 zinc 100/box", "Printed box 60x35x470mm white card"),
                                   ("Deep groove bearing 6208-2RS", "Sealing tape 70mm x 300m", "Bolt")])
def test_a_code_heading_over_names_is_read_as_the_description(heading, names):
    """Given a column headed like a code ("Article") whose cells are names (words, sizes too) and no
    codes, its cells are the items' names, not their codes, beside the real code column."""
    rows = [[heading, "Réf. fournisseur", "Qty", "Price"]] + [[n, f"1.0{k}.100{k}", "5", "1.20"] for k, n in enumerate(names, 1)]
    rows += [["Montant total: 12,00"], ["Tel +66 530 7549116"]]  # text under the table (an HTML mail's paragraphs)
    (order,) = orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    assert [(l.description, l.our_sku or l.code) for l in order.lines] == [(n, f"1.0{k}.100{k}") for k, n in enumerate(names, 1)]


@pytest.mark.parametrize("codes", [("AB-100", "CD-200"), ("KD300", "KD310"), ("1.01.0003", "M8-BOLT")])
def test_a_code_heading_over_codes_keeps_its_codes(codes):
    """Given an "Article" column of codes beside a description column, its cells stay codes."""
    rows = [["Article", "Description", "Qty", "Price"]] + [[c, "Strapping band 40mm", "5", "1.20"] for c in codes]
    (order,) = orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    assert [l.code or l.our_sku or l.customer_sku for l in order.lines] == list(codes)


@pytest.mark.parametrize(("values", "numbers_lines"), [
    (["1", "2", "3"], True),
    ([">", "2", "3.", "4"], True),      # OCR read a row number as a mark and another with a dot
    (["1", "l", "3"], True),
    (["3", "1", ">"], False),           # numbers that do not rise
    (["1", "Box", "3"], False),         # a word
    (["Cap", "Nut", "Pin"], False),
])
def test_an_item_column_of_row_numbers_numbers_the_lines(values, numbers_lines):
    """A column headed "Item" whose cells are row numbers, some misread on a scan, numbers the lines."""
    from parsers import build

    rows = [["Item", "Description", "Qty"]] + [[v, f"Thing {k}", "5"] for k, v in enumerate(values)]
    columns = build.demote_counters(rows, 1, {0: "description", 1: "description", 2: "quantity"})
    assert (columns[0] == "line_no") is numbers_lines
