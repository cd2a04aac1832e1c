"""Working-day arithmetic for lead times, on a calendar handed in as data (CONTRACT §4).

A working day is Monday to Friday, less the calendar's closed days (statutory holidays and
the company's own closed days) and plus its make-up working days (调休: a Saturday or Sunday
worked in place of a holiday). Which statutory days exist is not known here: the edge builds
the calendar (from the `chinese-calendar` package and the settings) and says which years it
covers; a year it does not cover is counted on weekdays and the configured days only, and
`uncovered_years` lets the caller say so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = 5


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Closed days, make-up working days and the years whose statutory days are known.

    `covered` is None for a plain weekdays calendar, which claims no statutory holidays and so
    has no year it fails to cover.
    """

    closed: frozenset[date] = frozenset()
    working: frozenset[date] = frozenset()
    covered: frozenset[int] | None = None
    name: str = "weekdays"

    def is_workday(self, day: date) -> bool:
        """Closed days first (a company closure on a make-up day still closes), then make-up days."""
        if day in self.closed:
            return False
        return day in self.working or day.weekday() < _WEEK

    def uncovered_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years from `start` to `end` whose statutory days this calendar does not know."""
        if self.covered is None:
            return ()
        low, high = sorted((start.year, end.year))
        return tuple(y for y in range(low, high + 1) if y not in self.covered)


WEEKDAYS = WorkCalendar()


def is_workday(day: date, calendar: WorkCalendar = WEEKDAYS) -> bool:
    """Whether `day` is a working day on `calendar` (Monday to Friday by default)."""
    return calendar.is_workday(day)


def add_workdays(start: date, days: int, calendar: WorkCalendar = WEEKDAYS) -> date:
    """The date `days` working days after `start` (a lead time of 0 is `start` itself)."""
    current = start
    remaining = max(0, days)
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            remaining -= 1
    return current
