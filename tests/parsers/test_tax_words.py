"""The tax words: what a document says of its prices' tax, in a sentence or a price heading."""
from __future__ import annotations

import pytest

from parsers.vocab.tax import heading_tax_included, says_tax_included


@pytest.mark.parametrize("text,says", [
    ("以上价格不含税", False), ("单价（未税）", False), ("不含增值税", False), ("價格不含稅", False),
    ("含税单价", True), ("以上价格含13%增值税", True), ("單價(含稅)", True),
    ("All prices excl. VAT", False), ("prices exclusive of VAT", False), ("plus VAT", False),
    ("Preise zzgl. MwSt.", False), ("precios sin IVA", False), ("prix unitaire HT", False),
    ("Prices incl. VAT", True), ("inkl. MwSt.", True), ("IVA incluido", True), ("prix TTC", True),
    ("Payment terms: Net 30", None), ("HT-2031 heat tape", None), ("价税合计", None),
    ("单价不含税，金额含税", None),   # both said: not taken at its word
])
def test_sentences(text, says):
    assert says_tax_included(text) is says


@pytest.mark.parametrize("heading,says", [
    ("Net Price", False), ("Nettopreis", False), ("Prix HT", False), ("Gross Price", True),
    ("Unit Price", None), ("不含税单价", False), ("含税单价", True), ("单价", None),
])
def test_price_headings(heading, says):
    assert heading_tax_included(heading) is says


@pytest.mark.parametrize("heading,says", [("Total TTC", True), ("Montant TTC", True), ("Total HT", False), ("Montant", None)])
def test_a_french_amount_heading_says_the_tax_of_the_table(heading, says):
    """An amount column headed "Total TTC" (tax included) or "Total HT" (without tax) is the line
    amount and says what the table's prices hold: the order carries it for the price check."""
    from parsers.build import orders_from_rows
    from parsers.context import ParseContext
    from parsers.model import SourceKind

    rows = [["Bon de commande N°: BC-2026-0042"], ["Référence", "Désignation", "Qté", "Prix", heading],
            ["1.01.1003", "Bouchon", "20", "3,50", "70,00"]]
    (order,) = orders_from_rows(rows, ParseContext(path="bc.csv"), SourceKind.CSV).orders
    assert order.lines[0].amount is not None
    assert order.prices_include_tax is says
