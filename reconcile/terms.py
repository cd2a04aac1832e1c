"""The business terms reconciliation is given besides the catalog: the working-day calendar,
whether price lists include tax and at what rate, and exchange rates.

Plain data, built at the edge from the settings (`pipeline.terms`), so `reconcile()` stays a
pure function of its arguments. Exchange rates come from a settings table today; a table read
from K3 Cloud (BD_Rate) only needs to become an `ExchangeRates` too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reconcile.workdays import WEEKDAYS, WorkCalendar

DEFAULT_TAX_RATE = Decimal(13)   # PRC VAT on goods, per cent


@dataclass(frozen=True, slots=True)
class ExchangeRates:
    """How many units of `base` one unit of each currency is worth (1 USD = 7.10 CNY)."""

    base: str = "CNY"
    rates: tuple[tuple[str, Decimal], ...] = ()

    def rate(self, currency: str) -> Decimal | None:
        """The value of one unit of `currency` in the base currency, or None when unknown."""
        code = currency.upper()
        if code == self.base.upper():
            return Decimal(1)
        found = next((r for c, r in self.rates if c.upper() == code), None)
        return found if found is not None and found > 0 else None

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        """`amount` in `source` expressed in `target` (through the base), or None without a rate."""
        if source.upper() == target.upper():
            return amount
        into_base, out_of_base = self.rate(source), self.rate(target)
        if into_base is None or out_of_base is None:
            return None
        return amount * into_base / out_of_base


@dataclass(frozen=True, slots=True)
class Terms:
    """What reconciliation needs to know about the business besides the catalog.

    `prices_include_tax` is the default for price list entries that do not say; `credit_currency`
    is the currency credit limits and open amounts are kept in (None: each customer's own).
    """

    calendar: WorkCalendar = WEEKDAYS
    prices_include_tax: bool = True
    tax_rate: Decimal = DEFAULT_TAX_RATE
    rates: ExchangeRates = field(default_factory=ExchangeRates)
    credit_currency: str | None = None
