"""The `[workdays]` and `[money]` settings sections: the calendar and the money terms that
reconciliation is given (as `reconcile.terms.Terms`, built by `pipeline.terms`).

They live beside what they configure, as plain data, so `reconcile/` needs nothing from
`daemon/`; `daemon.config` composes them into `Settings`.
"""
from __future__ import annotations

from dataclasses import dataclass

CALENDARS = ("cn", "weekdays")


@dataclass(frozen=True, slots=True)
class WorkdaySettings:
    calendar: str = "cn"                  # cn: PRC statutory holidays and make-up days | weekdays
    closed_days: tuple[str, ...] = ()     # the company's own closed days (YYYY-MM-DD), every calendar
    holidays: tuple[str, ...] = ()        # statutory holidays of years chinese-calendar does not know yet
    working_days: tuple[str, ...] = ()    # make-up working days (调休) of such years


@dataclass(frozen=True, slots=True)
class MoneySettings:
    prices_include_tax: bool = True       # price list entries without FIsIncludedTax include tax
    tax_rate: str = "13"                  # line tax rate in per cent (FEntryTaxRate)
    base_currency: str = "CNY"            # the currency the rates below are quoted in
    credit_currency: str = ""             # credit limits are kept in this ("" = each customer's FCurrency)
    rates: tuple[tuple[str, str], ...] = ()   # [money.rates] USD = "7.10": 1 USD is worth 7.10 base
