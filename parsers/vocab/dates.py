"""Dates as people print them on orders: ISO, 2026年11月9日, 12.11.2026, 11/12/2026, 12/11/2026,
`Nov 12, 2026`, `12-Nov-26`, and month names in English, German, Spanish and French.

Every function takes text and returns `None` rather than raising: a cell that is not a date is
data for the caller to judge, not an error. Whether 11/12/2026 is the 11th of December or the
12th of November depends on where the document comes from; `date_order` judges that from the
document, and `read_date` says so in a doubt when nothing does.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from parsers.vocab.numbers import nfkc

DayMonth = Literal["dmy", "mdy"]

# Month names without accents (compared after accents are removed), every language we read.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "januar", "janner", "enero", "janvier"),
    2: ("february", "februar", "febrero", "fevrier"),
    3: ("march", "marz", "maerz", "mrz", "marzo", "mars"),
    4: ("april", "abril", "avril"),
    5: ("may", "mai", "mayo"),
    6: ("june", "juni", "junio", "juin"),
    7: ("july", "juli", "julio", "juillet"),
    8: ("august", "agosto", "aout"),
    9: ("september", "sept", "septiembre", "setiembre", "septembre"),
    10: ("october", "oktober", "octubre", "octobre"),
    11: ("november", "noviembre", "novembre"),
    12: ("december", "dezember", "diciembre", "decembre"),
}
_NOT_MONTHS = frozenset({"set", "sets"})  # "5 sets" is a quantity, not the 5th of September
_WORD = r"[^\W\d_]{3,12}\.?"
_DAY_MONTH = re.compile(rf"(?<![\w])(\d{{1,2}})(?:st|nd|rd|th|er|º|°)?\.?[\s\-/.]*(?:de\s+)?({_WORD})"
                        rf"[\s\-/.,]*(?:de\s+|del\s+)?(\d{{4}}|\d{{2}})?(?!\d)")
# "Nov 19;2026": the comma before the year read as a semicolon or colon.
_MONTH_DAY = re.compile(rf"(?<![\w])({_WORD})[\s\-/.]*(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)[\s,;:./-]*(\d{{4}})?")


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date read from text; `doubt` says in a sentence why the reading may be wrong (None: sure)."""

    value: date | None
    doubt: str | None = None
    specked: bool = False  # a mark inside the date's numbers was taken for a speck of the scan


def _plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def month_number(word: str) -> int | None:
    """The month a written month name or abbreviation means ("Nov", "März", "dic.", "juil"), or None."""
    w = _plain(word).casefold().rstrip(".")
    if len(w) < 3 or w in _NOT_MONTHS:
        return None
    found = {m for m, names in _MONTH_NAMES.items() for name in names if name.startswith(w)}
    return found.pop() if len(found) == 1 else None


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _ymd(s: str, default_year: int | None) -> date | None:
    # The day ends the date: "2026-1.1-19" (a speck in the month) is not the 1st of January.
    m = re.search(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d|[-/.]\d)", s)
    if m and len(m[3]) == 1 and re.match(r"[.,·' ]\d", s[m.end():]):
        return None  # "2026-04-1·9": a one-digit day with a speck and a digit after it, not the 1st
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", s)
    if m and default_year:
        return _make(default_year, int(m[1]), int(m[2]))
    return None


# A year-first date whose month or day OCR read with a speck inside ("2026-1.1-19", "2026/1 2/05"):
# the date's own separator, printed twice, says where its parts end.
_SPECKED_YMD = re.compile(r"(?<![\d.])(\d{4})\s*([-/])\s*(\d[.,·' ]?\d|\d)\s*\2\s*(\d[.,·' ]?\d|\d)(?![\d.,])")


def _specked_ymd(s: str) -> DateReading | None:
    """A year-first date read with a speck inside its month or day, with a doubt saying so: nothing
    on the page vouches for the reading, so the order waits for a clerk."""
    m = _SPECKED_YMD.search(s)
    if not m or not re.search(r"\d\D\d", m[3] + "|" + m[4]):
        return None
    value = _make(int(m[1]), int(re.sub(r"\D", "", m[3])), int(re.sub(r"\D", "", m[4])))
    if value is None:
        return None
    return DateReading(value, f"The date \"{m[0]}\" was read as {value.isoformat()}, a mark inside its numbers "
                              "taken for a speck of the scan; a clerk must check it.", specked=True)


def _numeric(s: str, default_year: int | None, order: DayMonth | None) -> DateReading | None:
    """dd.mm.yyyy (always day first), a/b/yyyy and a-b-yyyy (day first unless the order is mdy)."""
    # Not inside a longer number ("1.17/11/2026", "18.11.2026.5"); a speck read as a point before it is no
    # digit (".17/11/2026"), nor is one after it, or the full stop that ends a sentence ("18.11.2026.").
    m = re.search(r"(?<!\d)(?<!\d\.)(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|\.\d)", s)
    if m:
        a, sep, b, year = int(m[1]), m[2], int(m[3]), int(m[4])
        return _pick(a, b, year, None if sep == "." else order, ambiguous=sep != ".", printed=m[0])
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", s)
    if m and default_year:
        a, b = int(m[1]), int(m[2])
        return _pick(a, b, default_year, "mdy", ambiguous=False, printed=m[0])  # "11/27": as US mail writes it
    return None


def _pick(a: int, b: int, year: int, order: DayMonth | None, *, ambiguous: bool, printed: str) -> DateReading:
    """Day and month from two numbers: one above 12 settles it, else the document's order."""
    if a > 12 or b > 12:
        return DateReading(_make(year, b, a) if a > 12 else _make(year, a, b))
    if a == b:
        return DateReading(_make(year, a, b))
    if order == "mdy":
        return DateReading(_make(year, a, b))
    doubt = None
    if ambiguous and order is None:
        doubt = (f"The date \"{printed}\" may be day-month or month-day and nothing on the document "
                 f"says which; it was read day first.")
    return DateReading(_make(year, b, a), doubt)


# A mark OCR reads inside a worded date's day ("1.7-Nov-26", "Nov 1,7, 2026"): a digit, a speck, a digit.
_SPECK = "[.,·'`]"


def _worded(s: str, default_year: int | None) -> DateReading:
    """"17 Nov 2026", "Nov 17, 2026", in every language we read; a day with a digit beside it across a
    speck of the scan ("1.7-Nov-26") is read with a doubt, and a one-digit day with that digit
    ("1.7" is the 17th), never as its last digit alone."""
    for m in _DAY_MONTH.finditer(s):
        month = month_number(m[2])
        year = int(m[3]) if m[3] else default_year
        if month and year:
            split = re.search(rf"(?<!\d)(\d){_SPECK}$", s[:m.start()])
            if split is None:
                return DateReading(_make(year, month, int(m[1])))
            return _split_day(year, month, split[1], m[1], "", s[split.start():m.end()])
    for m in _MONTH_DAY.finditer(s):
        month = month_number(m[1])
        split = re.match(rf"{_SPECK}(\d)(?!\d)", s[m.end(2):])
        year = int(m[3]) if m[3] else (_year_after(s[m.end(2) + split.end():]) if split else None) or default_year
        if month and year:
            if split is None:
                return DateReading(_make(year, month, int(m[2])))
            return _split_day(year, month, "", m[2], split[1], s[m.start():m.end(2) + split.end()])
    return DateReading(None)


def _year_after(rest: str) -> int | None:
    m = re.match(r"[\s,;:./-]*(\d{4})(?!\d)", rest)
    return int(m[1]) if m else None


def _split_day(year: int, month: int, before: str, day: str, after: str, printed: str) -> DateReading:
    """A worded date whose day has a digit beside it across a mark ("1.7-Nov", "Nov 1,7"): a one-digit
    day joined with it, a two-digit day as it is; a doubt either way, since nothing on the page
    says whether the mark is a speck or the day is the 7th."""
    whole = before + day + after if len(day) == 1 else day
    value = _make(year, month, int(whole))
    if value is None:
        return DateReading(None)
    return DateReading(value, f"The date \"{printed.strip()}\" was read as {value.isoformat()}, a mark beside its "
                              "day taken for a speck of the scan; a clerk must check it.", specked=True)


def read_date(text: str | None, *, default_year: int | None = None,
              order: DayMonth | None = None) -> DateReading:
    """Read a printed date, with a doubt when its day-month order is a guess.

    `order` is the document's order of day and month ("dmy" or "mdy", see `date_order`); a date
    printed without a year ("12月14日", "Nov 20") needs `default_year`.
    """
    if text is None:
        return DateReading(None)
    s = nfkc(str(text))
    if not s:
        return DateReading(None)
    found = _ymd(s, default_year)
    if found:
        return DateReading(found)
    specked = _specked_ymd(s)
    if specked:
        return specked
    numeric = _numeric(s, default_year, order)
    if numeric and numeric.value:
        return numeric
    return _worded(s, default_year)


def parse_date(text: str | None, *, default_year: int | None = None, us: bool = False) -> date | None:
    """Read a date as printed: ISO, 2026/11/20, 2026年12月14日, 20.11.2026, 11/20/2026 (us), 20 Nov 2026.

    dd/mm/yyyy is read day first unless `us` or the first number cannot be a day-after-month;
    callers that must know when that was a guess use `read_date`.
    """
    return read_date(text, default_year=default_year, order="mdy" if us else "dmy").value


# --- which order a document writes day and month in --------------------------------------------

_MDY_SIGNS = re.compile(r"(?i)\b(USA|U\.S\.A\.|United States|America)\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|"
                        r"\+1[\s\-(]|\(\d{3}\)\s*\d{3}-\d{4}|\b(?:Philippines)\b")
_DMY_SIGNS = re.compile(r"(?i)\b(United Kingdom|UK|England|Australia|New Zealand|India|Ireland|Singapore|"
                        r"Malaysia|Hong Kong|Deutschland|Germany|Österreich|Austria|Schweiz|España|Spain|"
                        r"México|Mexico|Argentina|Chile|Colombia|Perú|France|Belgique|Italia|Italy|"
                        r"GmbH|S\.A\.|S\.L\.|SARL|S\.A\.S\.|Ltd\.?|Pty|Pte)\b|\.co\.uk\b|\.de\b|\.es\b|\.fr\b|"
                        r"\+(?:44|49|43|41|33|34|39|61|64|91|353|65|60|852)\b|"
                        r"\b(Datum|Fecha|Date de|Lieferung|Pedido|Commande|Bestellung)\b|[äöüßéèçñ]")


def date_order(texts: list[str]) -> DayMonth | None:
    """The day-month order a document writes its dates in, or None when nothing says.

    A slashed date whose first number is above 12 proves day first, whose second is, month
    first; failing that, the country and language: a US address or phone says month first;
    German, Spanish, French, British and most other addresses and words say day first.
    """
    month_first = day_first = False
    for text in texts:
        for a, b in re.findall(r"(?<![\d.])(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}", nfkc(text)):
            month_first |= int(b) > 12
            day_first |= int(a) > 12
    if month_first != day_first:
        return "mdy" if month_first else "dmy"
    joined = "\n".join(nfkc(t) for t in texts)
    us, rest = bool(_MDY_SIGNS.search(joined)), bool(_DMY_SIGNS.search(joined))
    if us != rest:
        return "mdy" if us else "dmy"
    return None
