"""Table headings as forms print them: two-line headings boxed alone, a "Units" count column,
and reports of counts that nothing marks as a purchase order."""
from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.formats import pdf
from parsers.context import ParseContext

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)
CTX = ParseContext(path="po.pdf")


@pytest.mark.parametrize("price_x", [430, 404, 400])
def test_two_line_heading_boxed_alone_heads_the_rows_below(price_x):
    """"ARTICLE" over "NO." and "PRICE/PC" over "EUR" head the columns; rules box only the heading.
    A price column printed a few points right of "QTY" is still a column of its own: the heading's
    two-line cells are not grouped again by gaps measured against their two-line height."""
    order, = pdf.parse(gen.apparel_pdf(price_x=price_x), CTX).orders
    assert order.po_number == "AP-5521" and order.order_date == date(2026, 1, 20)
    assert [(l.code, l.quantity, l.unit_price) for l in order.lines] == [
        ("7012345", Decimal(24), Decimal("3.10")), ("7012346", Decimal(36), Decimal("3.20"))]
    assert order.currency == "EUR"  # named by the price column's heading


def test_heading_currency_follows_the_heading():
    """The same form priced in USD says so only in the heading's lower line."""
    order, = pdf.parse(gen.apparel_pdf(currency="USD"), CTX).orders
    assert order.currency == "USD"


def test_numeric_units_column_is_the_quantity_when_there_is_no_other():
    """A table whose only count column is headed "Units" (numbers right-aligned past it) gives its lines."""
    order, = pdf.parse(gen.apparel_pdf(units_heading=True), CTX).orders
    assert [(l.code, l.description, l.quantity, l.unit) for l in order.lines] == [
        ("7012345", "S", Decimal(48), None), ("7012346", "M", Decimal(72), None)]


def test_report_of_counts_is_not_an_order():
    """Rows of counts with no PO number, price, total or order title are a report, not an order."""
    result = pdf.parse(gen.count_report_pdf(), CTX)
    assert not result.orders and "purchase order" in result.not_orders[0]


def test_same_counts_titled_purchase_order_are_an_order():
    """The title alone is enough for a clerk to treat the same rows as an order."""
    assert len(pdf.parse(gen.count_report_pdf(title="Purchase Order"), CTX).orders) == 1


from parsers.layout.headings import heading_cells  # noqa: E402
from parsers.layout.words import Word, join_words  # noqa: E402


def _phrase(texts: list[str]) -> list[Word]:
    """Words printed one space apart: one phrase, whatever labels it holds."""
    out, x = [], 40.0
    for t in texts:
        out.append(Word(t, (x, 100, x + 6 * len(t), 110)))
        x += 6 * len(t) + 3
    return out


@pytest.mark.parametrize("words, cells", [
    (["Unit", "Cost", "(USD)", "Amount"], ["Unit Cost (USD)", "Amount"]),
    (["Precio", "(EUR)", "Importe"], ["Precio (EUR)", "Importe"]),
    (["Pos.", "Mystery", "Col.", "Código"], ["Pos. Mystery Col. Código"]),
    (["Descripción", "del", "artículo"], ["Descripción del artículo"]),
    (["Nuestra", "ref.", "Cantidad"], ["Nuestra ref.", "Cantidad"]),
])
def test_a_heading_phrase_is_cut_at_its_labels(words, cells):
    """A bracketed note stays with the label before it; a phrase with words no label names stays whole
    (its columns come from the rows' gutters), so "Descripción del artículo" is one heading."""
    assert [join_words(c) for c in heading_cells(_phrase(words))] == cells
