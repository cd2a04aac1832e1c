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
