"""Choosing the applicable price list entry (CONTRACT §1) and comparing a printed price with it.

A customer-specific entry beats a general one; an entry applies when its quantity band
contains the ordered quantity in base units and its validity dates contain the pricing date.
The choice never depends on the order of the rows in the price list.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from reconcile.catalog import PriceEntry

PRICE_TOLERANCE = Decimal("0.005")   # 0.5 %


def applies(entry: PriceEntry, base_qty: Decimal, on: date) -> bool:
    """The entry's quantity band holds `base_qty` and its dates hold `on` (both ends inclusive)."""
    if entry.effective is not None and on < entry.effective:
        return False
    if entry.expiry is not None and on > entry.expiry:
        return False
    if base_qty < entry.from_qty:
        return False
    return entry.to_qty is None or entry.to_qty <= 0 or base_qty <= entry.to_qty


def _preference(entry: PriceEntry, currency: str | None) -> tuple:
    """Sort key, smallest first: order currency, latest effective date (CONTRACT §1: an old
    open-ended price yields to a newer one, even one with a wider band), narrowest band, then a
    stable tie-break. An entry without an effective date counts as the oldest."""
    other_currency = currency is not None and (entry.currency or "").upper() != currency.upper()
    newest = entry.effective.toordinal() if entry.effective else 0
    return (other_currency, -newest, -entry.from_qty, entry.price, entry.currency or "")


def applicable_price(entries: Iterable[PriceEntry], *, customer: str | None, base_qty: Decimal,
                     on: date, currency: str | None = None) -> PriceEntry | None:
    """The price list entry that applies to `customer` buying `base_qty` base units on `on`.

    Customer entries that apply win over general ones; among several, one in the order's
    currency, then the latest effective date, then the most specific quantity break, is taken.
    """
    usable = [e for e in entries if applies(e, base_qty, on)]
    own = [e for e in usable if customer is not None and e.customer == customer]
    general = [e for e in usable if not e.customer]
    pool = own or general
    if not pool:
        return None
    return min(pool, key=lambda e: _preference(e, currency))


def price_differs(printed_per_base: Decimal, list_price: Decimal) -> bool:
    """More than 0.5 % away from the list price (any difference from a zero list price counts)."""
    if list_price == 0:
        return printed_per_base != 0
    return abs(printed_per_base - list_price) / abs(list_price) > PRICE_TOLERANCE


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros and without an exponent (500, not 5E+2)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def money(value: Decimal) -> Decimal:
    """Two decimals, half up, as totals are shown."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
