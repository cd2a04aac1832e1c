"""Dates as printed on orders in every common written form."""
from datetime import date

import pytest

from parsers.vocab.dates import parse_date


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
