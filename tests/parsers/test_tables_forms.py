"""Table readings that forms call for: PO numbers that look like identifiers, units beside the
quantity, currencies printed in money cells, and a numeric "Units" column as the count."""
from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.vocab.labels import heading_currency, is_unit, money_currency
from parsers.model import SourceKind
from parsers.layout.rows import us_context
from parsers.build import orders_from_rows

CTX = ParseContext(path="po.xlsx")
LINES = [["Description", "Quantity", "Unit Price", "Total"],
         ["Paper clips", "20", "1.00", "20.00"]]


def _order(rows):
    (order,) = orders_from_rows(rows, CTX, SourceKind.XLSX).orders
    return order


def test_title_beside_company_name_is_no_po_number_and_a_later_one_wins():
    """"Purchase Order: Hero Ltd" (no digit) leaves the PO number to "Purchase Order #: 948284" below."""
    order = _order([["Purchase Order:Hero Ltd"], ["Purchase Order #:948284"], *LINES])
    assert order.po_number == "948284"


def test_label_holding_another_label_gives_the_inner_value():
    """"Purchase Order:Purchase Order No.:PO1003 Acme Ltd." is PO1003."""
    order = _order([["Purchase Order:Purchase Order No.:PO1003 Acme Ltd."], *LINES])
    assert order.po_number == "PO1003"


def test_unit_in_an_unread_column_right_of_the_quantity():
    """"500 | (empty) | EA" under "Qty" and "Rev": EA is the line's unit; a revision letter is not."""
    rows = [["Item", "Description", "Qty", None, "Rev", "Unit Cost"],
            ["010", "Copper nut", "500", None, "EA", "0.25"],
            ["020", "Steel nut", "20", None, "B", "0.30"]]
    order = _order(rows)
    assert [(l.quantity, l.unit) for l in order.lines] == [(Decimal(500), "EA"), (Decimal(20), None)]


def test_currency_printed_in_money_cells_is_the_order_currency():
    """"1,460.00 USD" in the amount cells, with no currency label, makes the order USD."""
    rows = [["Item", "Qty", "Unit Cost", "Extended Cost"], ["Nut", "500", "2.92", "1,460.00 USD"]]
    assert _order(rows).currency == "USD"


def test_dollar_sign_on_the_total_row_is_the_currency():
    order = _order([*LINES, [None, None, "SUBTOTAL", "$20.00"]])
    assert order.currency == "USD" and order.stated_total == Decimal("20.00")


def test_printed_currency_label_beats_money_cells():
    order = _order([["Currency:", "EUR"], ["Item", "Qty", "Amount"], ["Nut", "5", "10.00 USD"]])
    assert order.currency == "EUR"


def test_numeric_units_column_is_the_quantity_without_a_quantity_column():
    """"SKU | Size | Units" with numbers under Units: Units is the count."""
    rows = [["SKU", "Size", "Units"], ["1754245", "XS", "198"], ["1754246", "S", "396"]]
    assert [(l.code, l.quantity, l.unit) for l in _order(rows).lines] == [
        ("1754245", Decimal(198), None), ("1754246", Decimal(396), None)]


def test_units_column_of_unit_words_stays_the_unit():
    """"Units" holding EA/BOX is a unit column; with no quantity column there is no order table."""
    rows = [["SKU", "Size", "Units"], ["1754245", "XS", "EA"]]
    assert not orders_from_rows(rows, CTX, SourceKind.XLSX).orders


@pytest.mark.parametrize("text, code", [("1.55 USD", "USD"), ("$140.00", "USD"), ("12.00元", "CNY"),
                                        ("EUR 3,977.32", "EUR"), ("140.00", None), ("12 pcs", None)])
def test_money_currency(text, code):
    assert money_currency(text) == code


@pytest.mark.parametrize("text, code", [("PRICE/PC USD", "USD"), ("Unit Price (EUR)", "EUR"),
                                        ("单价(元)", "CNY"), ("Unit Price", None), ("QTY", None)])
def test_heading_currency(text, code):
    assert heading_currency(text) == code


@pytest.mark.parametrize("text, unit", [("EA", True), ("pcs", True), ("箱", True), ("B", False), ("Rev", False)])
def test_is_unit(text, unit):
    assert is_unit(text) is unit


def test_us_place_found_when_ocr_lost_the_spaces():
    """OCR reads "Seattle, WA 98101" as "SeattleWA98101": still a US address."""
    assert us_context(["SeattleWA98101"]) and not us_context(["SEATTLEWA98101X"])
