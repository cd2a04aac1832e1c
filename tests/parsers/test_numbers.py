"""Numbers, quantities and dates as printed on Chinese and English orders."""
from datetime import date
from decimal import Decimal

import pytest

from parsers.vocab.numbers import nfkc, parse_date, parse_decimal, parse_quantity


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", "1234.50"),
    ("1.234,50", "1234.50"),
    ("１０，０００", "10000"),
    ("¥1,000.00", "1000.00"),
    ("￥1,000.00", "1000.00"),
    ("3,000", "3000"),
    ("1.2万", "12000"),
    ("4.00元", "4.00"),
    ("4.00元/个", "4.00"),
    ("US$ 12.30", "12.30"),
    ("RMB 7.5", "7.5"),
    ("€ 1.234,5", "1234.5"),
    ("4,5", "4.5"),
    ("1.234.567", "1234567"),
    ("1 234,50", "1234.50"),
    ("0.79", "0.79"),
    ("-3", "-3"),
])
def test_parse_decimal_reads_printed_numbers(text, expected):
    """A number printed with separators, currency marks or 万 reads as its value."""
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12.5%", "abc", "", None, "400*300*250", "1,2,3", "PO-1"])
def test_parse_decimal_refuses_what_is_not_one_number(text):
    """Percentages, words and sizes are not amounts."""
    assert parse_decimal(text) is None


@pytest.mark.parametrize("text, qty, unit", [
    ("500个", "500", "个"),
    ("20 pcs", "20", "pcs"),
    ("1.2万卷", "12000", "卷"),
    ("3,000", "3000", None),
    ("１０，０００个", "10000", "个"),
    ("12 CTN", "12", "CTN"),
    ("3 万个", "30000", "个"),
])
def test_parse_quantity_splits_the_unit(text, qty, unit):
    """A unit glued to or written after the quantity comes back as written."""
    assert parse_quantity(text) == (Decimal(qty), unit)


@pytest.mark.parametrize("text", ["400*300*250", "10 x 20", "", "pcs"])
def test_parse_quantity_refuses_sizes_and_words(text):
    """A carton size or a bare word is not a quantity."""
    assert parse_quantity(text) == (None, None)


@pytest.mark.parametrize("text, kwargs, expected", [
    ("2026-11-20", {}, date(2026, 11, 20)),
    ("2026/11/20", {}, date(2026, 11, 20)),
    ("2026.11.20", {}, date(2026, 11, 20)),
    ("20261120", {}, date(2026, 11, 20)),
    ("2026-11-20 00:00:00", {}, date(2026, 11, 20)),
    ("2026年12月14日", {}, date(2026, 12, 14)),
    ("２０２６年１２月１４日前", {}, date(2026, 12, 14)),
    ("12月14日", {"default_year": 2026}, date(2026, 12, 14)),
    ("11/20/2026", {"us": True}, date(2026, 11, 20)),
    ("03/04/2026", {"us": True}, date(2026, 3, 4)),
    ("03/04/2026", {}, date(2026, 4, 3)),
    ("20/11/2026", {}, date(2026, 11, 20)),
    ("20.11.2026", {}, date(2026, 11, 20)),
    ("20.11.26", {}, date(2026, 11, 20)),
    ("20 Nov 2026", {}, date(2026, 11, 20)),
    ("Nov 20, 2026", {}, date(2026, 11, 20)),
    ("Fri, 20 Nov 2026", {}, date(2026, 11, 20)),
    ("November 20th, 2026", {}, date(2026, 11, 20)),
    ("Nov 27", {"default_year": 2026}, date(2026, 11, 27)),
    ("11/27", {"default_year": 2026}, date(2026, 11, 27)),
])
def test_parse_date_reads_printed_dates(text, kwargs, expected):
    """Every common way of printing a date gives the same date."""
    assert parse_date(text, **kwargs) == expected


@pytest.mark.parametrize("text", ["12月14日", "xyz", "2026-13-40", "", None])
def test_parse_date_refuses_what_it_cannot_date(text):
    """No year known, no date, or an impossible date gives None."""
    assert parse_date(text) is None


def test_nfkc_folds_full_width_and_strips():
    """Full-width letters, digits and the ideographic space read as ASCII."""
    assert nfkc("\u3000ＳＦ１１１６ ") == "SF1116"
