"""Price list choice: customer before general, quantity band, validity dates, currency."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from reconcile.catalog import PriceEntry
from reconcile.pricing import applicable_price, price_differs

DAY = date(2026, 11, 20)
ROWS = (
    PriceEntry("X", D("1.00"), currency="CNY"),
    PriceEntry("X", D("0.90"), from_qty=D(1000), to_qty=D(4999), currency="CNY"),
    PriceEntry("X", D("0.80"), from_qty=D(5000), currency="CNY"),
    PriceEntry("X", D("0.85"), customer="C1", currency="CNY"),
    PriceEntry("X", D("0.70"), customer="C2", effective=date(2026, 1, 1), expiry=date(2026, 6, 30), currency="CNY"),
    PriceEntry("X", D("0.75"), customer="C2", effective=date(2026, 7, 1), currency="CNY"),
    PriceEntry("X", D("0.12"), customer="C3", currency="USD"),
    PriceEntry("X", D("0.80"), customer="C3", currency="CNY"),
)


@pytest.mark.parametrize("customer,qty,on,currency,price", [
    (None, D(10), DAY, "CNY", D("1.00")),
    (None, D(1000), DAY, "CNY", D("0.90")),         # quantity break
    (None, D(6000), DAY, "CNY", D("0.80")),
    ("C9", D(2000), DAY, "CNY", D("0.90")),         # no own price: general list
    ("C1", D(6000), DAY, "CNY", D("0.85")),         # customer price beats a cheaper general break
    ("C2", D(10), date(2026, 3, 1), "CNY", D("0.70")),
    ("C2", D(10), DAY, "CNY", D("0.75")),           # the old contract expired
    ("C3", D(10), DAY, "USD", D("0.12")),           # the order's currency first
    ("C3", D(10), DAY, "CNY", D("0.80")),
])
def test_applicable_price(customer, qty, on, currency, price):
    entry = applicable_price(ROWS, customer=customer, base_qty=qty, on=on, currency=currency)
    assert entry is not None and entry.price == price


@pytest.mark.parametrize("qty,price", [(D(500), D("0.95")), (D(50), D("0.95"))])
def test_latest_effective_date_wins_over_an_older_narrower_band(qty, price):
    """CONTRACT §1: an old open-ended break (from 100, 2025) and a newer list price (from 0, 2026-06)
    both apply to 500 pieces on 2026-11-20; the newer one wins, in either row order."""
    rows = (PriceEntry("X", D("0.80"), from_qty=D(100), effective=date(2025, 1, 1), currency="CNY"),
            PriceEntry("X", D("0.95"), effective=date(2026, 6, 1), currency="CNY"))
    for ordered in (rows, rows[::-1]):
        entry = applicable_price(ordered, customer=None, base_qty=qty, on=DAY, currency="CNY")
        assert entry is not None and entry.price == price


def test_the_newer_price_does_not_apply_before_it_takes_effect():
    """Before the newer entry's FEffectiveDate only the old break applies."""
    rows = (PriceEntry("X", D("0.80"), from_qty=D(100), effective=date(2025, 1, 1)),
            PriceEntry("X", D("0.95"), effective=date(2026, 6, 1)))
    entry = applicable_price(rows, customer=None, base_qty=D(500), on=date(2026, 5, 31))
    assert entry is not None and entry.price == D("0.80")


def test_nothing_applies():
    """Only an expired entry: no price."""
    rows = (PriceEntry("X", D(1), expiry=date(2026, 9, 30)),)
    assert applicable_price(rows, customer=None, base_qty=D(1), on=DAY) is None


@pytest.mark.parametrize("printed,listed,differs", [
    (D("0.42"), D("0.42"), False),
    (D("0.4221"), D("0.42"), False),    # 0.5 % exactly is tolerated
    (D("0.4222"), D("0.42"), True),
    (D("0.40"), D("0.42"), True),
    (D("0"), D("0"), False),
])
def test_price_tolerance(printed, listed, differs):
    assert price_differs(printed, listed) is differs
