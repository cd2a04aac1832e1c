"""The decimal mark is decided per document, the rows' own arithmetic judging (generated tables)."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import SourceKind
from parsers.vocab.numbers import document_mark, parse_decimal, respell, table_mark

HEADINGS = {"de": ["Pos", "Artikelnr", "Description", "Menge", "Einheit", "Price", "Amount"],
            "en": ["No.", "Item Code", "Description", "Qty", "Unit", "Unit Price", "Amount"]}


def _printed(value: D, places: int, style: str) -> str:
    text = f"{value:,.{places}f}"
    return text.translate(str.maketrans(",.", ".,")) if style == "de" else text


def _table(rng: random.Random, style: str, with_amount: bool):
    rows = [["Purchase Order", "PO-" + str(rng.randint(1000, 9999))], [], list(HEADINGS["en"])]
    if not with_amount:
        rows[-1] = rows[-1][:-1]
    want = []
    for n in range(1, rng.randint(2, 6)):
        qty = D(rng.choice([4, 12, 250, 1000, 4000, 12000, 2500]))
        price = D(rng.choice(["0.009", "0.125", "1.5", "12.40", "1234.5", "0.69"]))
        row = [str(n), f"A-{rng.randint(100, 999)}", "Schraube M4", _printed(qty, 0, style), "Stk",
               _printed(price, len(str(price).split(".")[1]), style)]
        if with_amount:
            row.append(_printed(qty * price, 2, style))
        rows.append(row)
        want.append((qty, price))
    return rows, want


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("style", ["de", "en"])
@pytest.mark.parametrize("with_amount", [True, False])
def test_a_table_reads_its_numbers_under_its_own_decimal_mark(seed, style, with_amount):
    """Given a table printed German style (4.000 | 0,009 | 36,00) or English style, with or without
    its amount column, quantities and prices read as the document means them."""
    rng = random.Random(seed)
    rows, want = _table(rng, style, with_amount)
    (order,) = orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    assert [(line.quantity, line.unit_price) for line in order.lines] == want


@pytest.mark.parametrize("cells,mark", [
    (("4.000", "0,009", "36,00"), ","), (("4,000", "0.009", "36.00"), "."),
    (("1.000", "12,50", "12.500,00"), ","), (("1,000", "12.50", "12,500.00"), "."),
    (("12", "3", "36"), None),
])
def test_row_arithmetic_decides_the_mark(cells, mark):
    assert table_mark([], [cells]) == mark


@pytest.mark.parametrize("texts,mark", [
    (["36,00", "4.000"], ","), (["1,234.50"], "."), (["0,009"], ","), (["4.000", "1,250"], None),
    (["12.11.2026", "1.05.0031"], None), (["3,5 mm", "1.234,00 EUR"], ","),
])
def test_unambiguous_numbers_show_the_mark(texts, mark):
    assert document_mark(texts) == mark


@pytest.mark.parametrize("text,mark,value", [
    ("4.000", ",", D(4000)), ("0,009", ",", D("0.009")), ("4.000", ".", D(4)), ("4,000", ".", D(4000)),
    ("€ 1.234,50", ",", D("1234.50")), ("0,009", None, D("0.009")),
])
def test_respelled_numbers(text, mark, value):
    assert parse_decimal(respell(text, mark)) == value


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("style", ["de", "en"])
def test_a_text_table_reads_its_numbers_under_its_own_decimal_mark(seed, style):
    """Given an e-mail table (an HTML table as text, tab separated) printed German or English style,
    quantities and prices read as the document means them."""
    from parsers.layout.textlines import orders_from_text
    rng = random.Random(seed)
    rows, want = _table(rng, style, with_amount=True)
    text = "Guten Tag,\n\nBestellung PO-77\n\n" + "\n".join("\t".join(r) for r in rows[2:]) + "\n\nDanke"
    (order,) = orders_from_text(text, ParseContext(path="m.eml"), SourceKind.EMAIL).orders
    assert [(line.quantity, line.unit_price) for line in order.lines] == want


def test_numbers_under_headings_no_vocabulary_knows_still_show_the_mark():
    """Given a German table whose price and sum headings are unknown, the cells under them
    (0,7598 | 7.522,02) still say that 9.900 is nine thousand nine hundred."""
    rows = [["Bestellnummer", "4500952009"], [],
            ["Pos", "Artikelnr", "Description", "Qty", "Unit", "Stückkosten", "Zwischensumme"],
            ["1", "A-100", "Schraube", "9.900", "Stk", "0,7598", "7.522,02"],
            ["2", "A-200", "Mutter", "1.973", "Stk", "0,4432", "874,43"]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    assert [line.quantity for line in order.lines] == [D(9900), D(1973)]
