"""Currencies as printed, in every script and sign, and the marks a number reader strips."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from parsers.vocab.currencies import currency_code, money_currency
from parsers.vocab.numbers import parse_decimal

NAMES = [
    ("人民币", "CNY"), ("人民幣", "CNY"), ("RMB", "CNY"), ("元", "CNY"), ("￥", "CNY"), ("美元", "USD"),
    ("美金", "USD"), ("US$", "USD"), ("$", "USD"), ("欧元", "EUR"), ("歐元", "EUR"), ("€", "EUR"),
    ("港币", "HKD"), ("港幣", "HKD"), ("港元", "HKD"), ("HK$", "HKD"), ("新台币", "TWD"),
    ("新台幣", "TWD"), ("NT$", "TWD"), ("新加坡元", "SGD"), ("S$", "SGD"), ("日元", "JPY"),
    ("英镑", "GBP"), ("£", "GBP"), ("澳元", "AUD"), ("A$", "AUD"), ("加元", "CAD"), ("韩元", "KRW"),
    ("chf", "CHF"), ("Euro", "EUR"), ("NTD", "TWD"), ("件", None), ("", None),
]


@pytest.mark.parametrize("written,code", NAMES)
def test_currency_names(written, code):
    assert currency_code(written) == code


@pytest.mark.parametrize("written,code", [(w, c) for w, c in NAMES if c and len(w) <= 3 and not w.isalpha()])
@pytest.mark.parametrize("form", ["{m}1,234.50", "{m} 1,234.50", "1,234.50 {m}"])
def test_a_sign_beside_an_amount_names_its_currency_and_is_stripped(written, code, form):
    """Given 1,234.50 with a currency sign before or after it, the sign names the currency and the
    number still reads."""
    text = form.format(m=written)
    assert money_currency(text) == code
    assert parse_decimal(text) == D("1234.50")


@pytest.mark.parametrize("text", ["5 ALL", "12 TRY", "3 TOP", "2 CUP"])
def test_words_that_are_rare_currency_codes_are_not_money(text):
    assert parse_decimal(text) is None and money_currency(text) is None


@pytest.mark.parametrize("written,code", [
    ("TAL", None), ("tal", None), ("Total", None), ("Neuronal", None), ("TOTAL", None), ("Montant", None),
    ("CA$", "CAD"), ("ca$ 12", "CAD"), ("euros", "EUR"), ("(€)", "EUR"), ("USD", "USD"), ("usd", "USD"),
])
def test_only_whole_tokens_of_the_vocabulary_name_a_currency(written, code):
    """Three capitals are a currency only when they are a known code; a name inside a longer word
    ("eur" in "Neuronal", "a$" in "CA$") names none, or not that one."""
    assert currency_code(written) == code


@pytest.mark.parametrize("label", ["TOTAL", "Total", "Montant total", "Importe total", "Gesamtsumme"])
@pytest.mark.parametrize("amount", ["10.347,82", "1 234,50", "1,234.50", "TAL 5"])
def test_a_total_label_keeps_its_letters_out_of_the_amount(label, amount):
    """Given "TOTAL 10.347,82", the label is TOTAL and the amount 10.347,82: no "TAL" currency
    is cut from the label's tail."""
    from parsers.tablerow import label_and_amount

    got_label, got_amount = label_and_amount(f"{label} {amount}")
    if amount.startswith("TAL"):
        assert got_label == f"{label} TAL"
    else:
        assert (got_label, got_amount) == (label, amount)


@pytest.mark.parametrize("seed", range(8))
def test_a_french_or_spanish_mail_totalled_in_capitals_keeps_its_currency(seed):
    """Given a French or Spanish mail table priced in a heading ("Prix unitaire (€)") with a "TOTAL
    1.234,50" line under it, the order's currency is the heading's, never letters of TOTAL."""
    import random

    from parsers.context import ParseContext
    from parsers.layout.textlines import orders_from_text
    from parsers.model import SourceKind

    rng = random.Random(seed)
    lang = rng.choice(["fr", "es"])
    sign, code = rng.choice([("€", "EUR"), ("EUR", "EUR"), ("USD", "USD"), ("£", "GBP")])
    head = (f"Réf.    Désignation    Quantité    Prix unitaire ({sign})    Total" if lang == "fr"
            else f"Ref.    Descripción    Cantidad    Precio unitario ({sign})    Importe")
    rows, total = [], D(0)
    for n in range(1, rng.randint(2, 5)):
        q, p = rng.choice([10, 250, 1200]), D(rng.randint(101, 9999)) / 100
        total += q * p
        rows.append(f"A-{n}00    Article {n}    {q}    {str(p).replace('.', ',')}    {str(q * p).replace('.', ',')}")
    text = "\n".join(["Bonjour," if lang == "fr" else "Hola,", "", head, *rows, "",
                      f"{rng.choice(['TOTAL', 'Total'])} {str(total).replace('.', ',')}"])
    (order,) = orders_from_text(text, ParseContext(path="m.eml"), SourceKind.EMAIL).orders
    assert order.currency == code and order.stated_total == total
