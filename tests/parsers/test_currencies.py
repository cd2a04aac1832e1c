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
