"""English US-style purchase orders drawn by reportlab: labels over values, Ship To blocks,
unruled tables with "Item #", wrapped id lines, repeated per-destination tables, quotations."""
from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

from parsers.layout import page as layout

from parsers.formats import pdf
from parsers.context import ParseContext
from parsers.layout.page import Page, Word
from parsers.model import SourceKind

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)
CTX = ParseContext(path="po.pdf")


def test_values_under_labels_ship_to_block_and_item_numbers():
    """Given labels with values under them and an unruled table, a clerk's reading comes out."""
    (order,) = pdf.parse(gen.us_pdf(), CTX).orders
    assert order.po_number == "US-4471"
    assert order.ship_to == "Acme Supply Inc., 100 Main Street, Springfield, IL 62704"
    assert [l.code for l in order.lines] == ["WB-1020", "HX-330", "55012"]
    assert [l.quantity for l in order.lines] == [Decimal(1200), Decimal(500), Decimal(75)]  # "1 200"
    assert [l.unit for l in order.lines] == ["EA", "EA", "BX"]
    assert [l.unit_price for l in order.lines] == [Decimal("2.50"), Decimal("0.12"), Decimal("14.00")]
    assert order.lines[2].description == "SPRING CLIP ZINC"  # the "Item Code:" line is an id, not text
    assert ("Item Code", "55012") in order.lines[2].ids
    assert order.stated_total == Decimal("4110.00")


def test_ambiguous_slashed_date_is_month_first_only_at_a_us_address():
    us = pdf.parse(gen.us_pdf(date="02/10/2026"), CTX).orders[0]
    elsewhere = pdf.parse(gen.us_pdf(date="02/10/2026", city="Leeds LS1 4AP"), CTX).orders[0]
    proven = pdf.parse(gen.us_pdf(date="02/13/2026", city="Leeds LS1 4AP"), CTX).orders[0]
    assert us.order_date == date(2026, 2, 10)
    assert elsewhere.order_date == date(2026, 10, 2)
    assert proven.order_date == date(2026, 2, 13)


def test_tables_repeated_per_destination_after_the_total_add_no_lines():
    """Given the article repeated per warehouse on later pages, the first full table is the order."""
    (order,) = pdf.parse(gen.us_pdf(repeat=True), CTX).orders
    assert [l.quantity for l in order.lines] == [Decimal(1200), Decimal(500), Decimal(75)]
    assert order.lines[0].unit_price == Decimal("2.50")


def test_a_quotation_is_not_an_order():
    result = pdf.parse(gen.us_pdf(title="QUOTATION"), CTX)
    assert result.orders == () and result.not_orders


def _w(text: str, x: float, y: float) -> Word:
    return Word(text, (x, y, x + 6 * len(text), y + 10))


def test_wrapped_description_does_not_merge_columns_and_tight_unit_stays_with_quantity():
    """An unruled row "010 | | 10 EA | Rev" whose part number and text wrap below it."""
    words = [_w("PURCHASE", 200, 10), _w("ORDER", 254, 10), _w("PO-9", 400, 10),
             _w("Item", 10, 60), _w("Part/Description", 50, 60), _w("Quantity", 210, 60), _w("Rev", 310, 60),
             _w("Unit", 360, 60), _w("Cost", 388, 60),
             _w("010", 10, 80), _w("10", 266, 80), _w("EA", 281, 80), _w("B", 312, 80), _w("15.37", 365, 80),
             _w("2PART-TB-ASM", 50, 92), _w("PER QUOTATION 22-06 DATED 4/19-2022 ETC", 70, 104)]
    (order,) = layout.read_pages([Page(1, tuple(words))], CTX, SourceKind.PDF).orders
    assert order.po_number == "PO-9"
    (line,) = order.lines
    assert (line.quantity, line.unit, line.unit_price) == (Decimal(10), "EA", Decimal("15.37"))
    assert line.description.startswith("2PART-TB-ASM")
