"""Dates as people print them on orders: ISO, 2026年11月9日, 20.11.2026, 11/20/2026, 20 Nov 2026.

Every function takes text and returns `None` rather than raising: a cell that is not a date is
data for the caller to judge, not an error.
"""
from __future__ import annotations

import re
from datetime import date

from parsers.vocab.numbers import nfkc

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_WORD = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _ymd(s: str, default_year: int | None, us: bool) -> date | None:
    m = re.search(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)", s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", s)
    if m and default_year:
        return _make(default_year, int(m[1]), int(m[2]))
    return None


def _numeric(s: str, default_year: int | None, us: bool) -> date | None:
    m = re.search(r"(?<![\d.])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d.])", s)
    if m:
        a, b, year = int(m[1]), int(m[3]), int(m[4])
        month_first = a <= 12 and (b > 12 or us)
        return _make(year, a, b) if month_first else _make(year, b, a)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", s)
    if m and default_year:
        a, b = int(m[1]), int(m[2])
        return _make(default_year, b, a) if a > 12 else _make(default_year, a, b)
    return None


def _worded(s: str, default_year: int | None) -> date | None:
    low = s.lower()
    m = re.search(rf"(?<![a-z])(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.]*{_MONTH_WORD}[\s\-/.,]*(\d{{4}}|\d{{2}})?(?!\d)", low)
    if m:
        year = int(m[3]) if m[3] else default_year
        return _make(year, _MONTHS[m[2][:3]], int(m[1])) if year else None
    m = re.search(rf"(?<![a-z]){_MONTH_WORD}[\s\-/.]*(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)[\s,./-]*(\d{{4}})?", low)
    if m:
        year = int(m[3]) if m[3] else default_year
        return _make(year, _MONTHS[m[1][:3]], int(m[2])) if year else None
    return None


def parse_date(text: str | None, *, default_year: int | None = None, us: bool = False) -> date | None:
    """Read a date as printed: ISO, 2026/11/20, 2026年12月14日, 20.11.2026, 11/20/2026 (us), 20 Nov 2026.

    A date printed without a year ("12月14日", "Nov 20") needs `default_year`; dd/mm/yyyy is
    read day first unless `us` or the first number cannot be a day-after-month.
    """
    if text is None:
        return None
    s = nfkc(str(text))
    if not s:
        return None
    for reader in (_ymd, _numeric):
        found = reader(s, default_year, us)
        if found:
            return found
    return _worded(s, default_year)
