"""Build the `Terms` reconciliation is given from the `[workdays]` and `[money]` settings.

The PRC statutory holidays and make-up working days come from the `chinese-calendar`
package, which lags the State Council's yearly notice: the years it knows are the calendar's
`covered` years, and a later year is counted on weekdays plus the days listed in the settings
(reconciliation reports such years and the outbox tells staff once).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

import chinese_calendar

from reconcile.settings import CALENDARS, MoneySettings, WorkdaySettings
from reconcile.terms import ExchangeRates, Terms
from reconcile.workdays import WorkCalendar


class TermsSettings(Protocol):
    """The settings sections the terms are built from; `daemon.config.Settings` is one."""

    @property
    def workdays(self) -> WorkdaySettings: ...
    @property
    def money(self) -> MoneySettings: ...


def terms_for(settings: TermsSettings) -> Terms:
    """The terms of the configured settings (already checked by `daemon.config.load_settings`)."""
    return build_terms(settings.workdays, settings.money)


def build_calendar(settings: WorkdaySettings) -> WorkCalendar:
    """The configured calendar; raises ValueError with a plain sentence for a bad setting."""
    if settings.calendar not in CALENDARS:
        raise ValueError(f"workdays.calendar must be one of {', '.join(CALENDARS)}, "
                         f"not {settings.calendar!r}.")
    closed = _dates(settings.closed_days, "workdays.closed_days")
    if settings.calendar == "weekdays":
        return WorkCalendar(closed=closed, name="weekdays")
    listed = _dates(settings.holidays, "workdays.holidays")
    working = _dates(settings.working_days, "workdays.working_days")
    statutory = frozenset(chinese_calendar.holidays)
    made_up = frozenset(chinese_calendar.workdays)
    # Only the package's years are covered: a year known from the settings alone is still told
    # to staff once, so they know the package must be updated.
    covered = frozenset(day.year for day in statutory)
    return WorkCalendar(closed=closed | listed | statutory, working=(working | made_up) - closed,
                        covered=covered, name="cn")


def build_terms(workdays: WorkdaySettings, money: MoneySettings) -> Terms:
    """The calendar and money terms; raises ValueError with a plain sentence for a bad setting."""
    rates = tuple((code.upper(), _positive(value, f"money.rates.{code}")) for code, value in money.rates)
    return Terms(calendar=build_calendar(workdays), prices_include_tax=money.prices_include_tax,
                 tax_rate=_positive(money.tax_rate, "money.tax_rate", zero=True),
                 rates=ExchangeRates(base=money.base_currency.upper(), rates=rates),
                 credit_currency=money.credit_currency.upper() or None)


def _dates(values: tuple[str, ...], where: str) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(v) for v in values)
    except ValueError:
        bad = next(v for v in values if not _is_date(v))
        raise ValueError(f"{where} must list dates like 2027-01-01, not {bad!r}.") from None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _positive(text: str, where: str, *, zero: bool = False) -> Decimal:
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number < 0 or (number == 0 and not zero):
        raise ValueError(f"{where} must be a {'non-negative' if zero else 'positive'} number, not {text!r}.")
    return number
