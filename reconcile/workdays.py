"""Working-day arithmetic (Monday to Friday, no holidays) for lead times."""
from __future__ import annotations

from datetime import date, timedelta

_WEEK = 5


def is_workday(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < _WEEK


def add_workdays(start: date, days: int) -> date:
    """The date `days` working days after `start` (a lead time of 0 is `start` itself)."""
    current = start
    remaining = max(0, days)
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current
