"""Dates as printed on orders in every common written form."""
import re
from datetime import date

import pytest

from parsers.vocab.dates import DateReading, date_order, parse_date, read_date


@pytest.mark.parametrize("text, kwargs, expected", [
    ("2026-11-20", {}, date(2026, 11, 20)),
    ("2026/11/20", {}, date(2026, 11, 20)),
    ("2026.11.20", {}, date(2026, 11, 20)),
    ("20261120", {}, date(2026, 11, 20)),
    ("2026-11-20 00:00:00", {}, date(2026, 11, 20)),
    ("2026年12月14日", {}, date(2026, 12, 14)),
    ("２０２６年１２月１４日前", {}, date(2026, 12, 14)),
    ("12月14日", {"default_year": 2026}, date(2026, 12, 14)),
    ("11/20/2026", {"us": True}, date(2026, 11, 20)),
    ("03/04/2026", {"us": True}, date(2026, 3, 4)),
    ("03/04/2026", {}, date(2026, 4, 3)),
    ("20/11/2026", {}, date(2026, 11, 20)),
    ("20.11.2026", {}, date(2026, 11, 20)),
    ("20.11.26", {}, date(2026, 11, 20)),
    ("20 Nov 2026", {}, date(2026, 11, 20)),
    ("Nov 20, 2026", {}, date(2026, 11, 20)),
    ("Fri, 20 Nov 2026", {}, date(2026, 11, 20)),
    ("November 20th, 2026", {}, date(2026, 11, 20)),
    ("Nov 27", {"default_year": 2026}, date(2026, 11, 27)),
    ("11/27", {"default_year": 2026}, date(2026, 11, 27)),
])
def test_parse_date_reads_printed_dates(text, kwargs, expected):
    """Every common way of printing a date gives the same date."""
    assert parse_date(text, **kwargs) == expected


@pytest.mark.parametrize("text", ["12月14日", "xyz", "2026-13-40", "", None])
def test_parse_date_refuses_what_it_cannot_date(text):
    """No year known, no date, or an impossible date gives None."""
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [
    ("Nov 12, 2026", date(2026, 11, 12)),
    ("12-Nov-26", date(2026, 11, 12)),
    ("12.11.2026", date(2026, 11, 12)),
    ("2026年11月9日", date(2026, 11, 9)),
    ("12. November 2026", date(2026, 11, 12)),
    ("3. März 2026", date(2026, 3, 3)),
    ("12 de noviembre de 2026", date(2026, 11, 12)),
    ("le 12 novembre 2026", date(2026, 11, 12)),
    ("12 déc. 2026", date(2026, 12, 12)),
    ("mar., 10 nov. 2026", date(2026, 11, 10)),
    ("1 févr. 2027", date(2027, 2, 1)),
    ("15 juil. 2026", date(2026, 7, 15)),
])
def test_read_date_reads_every_written_form(text, expected):
    """Month names in English, German, Spanish and French, and the numeric forms, read without doubt."""
    reading = read_date(text)
    assert reading.value == expected and reading.doubt is None


@pytest.mark.parametrize("order, expected", [("mdy", date(2026, 11, 12)), ("dmy", date(2026, 12, 11))])
def test_ambiguous_slashed_date_follows_the_documents_order(order, expected):
    """11/12/2026 is the 12th of November in a US document, the 11th of December elsewhere."""
    assert read_date("11/12/2026", order=order) == DateReading(expected)


def test_ambiguous_slashed_date_without_an_order_is_a_doubt():
    """Nothing on the document says which: the reading says so instead of guessing silently."""
    reading = read_date("11/12/2026")
    assert reading.value is not None and "11/12/2026" in reading.doubt


@pytest.mark.parametrize("texts, expected", [
    (["Date: 11/20/2026"], "mdy"),
    (["Date: 20/11/2026"], "dmy"),
    (["919 Main Street, Springfield, IL 62704"], "mdy"),
    (["Hauptstraße 5, 10115 Berlin"], "dmy"),
    (["Calle Mayor 595, 28013 Madrid, España"], "dmy"),
    (["Order 11/12/2026"], None),
])
def test_date_order_from_dates_country_and_language(texts, expected):
    """A date above 12 proves the order; else the country and language of the document decide."""
    assert date_order(texts) == expected


def test_quantity_words_are_no_months():
    """"5 sets" is a quantity, never the 5th of September."""
    assert parse_date("5 sets", default_year=2026) is None


@pytest.mark.parametrize("seed", range(30))
def test_a_year_first_date_with_a_speck_inside_is_read_with_a_doubt_never_as_another_date(seed):
    """Generated: a year-first date (2026-11-19, 2026/11/19) whose month or day OCR read with a dot,
    comma or gap inside ("2026-1.1-19") reads as its own date with a doubt (no clerk-free accept on
    it), and never as another date without one; the same date read cleanly has no doubt."""
    import random
    rng = random.Random(seed)
    day = date(2026, rng.randint(1, 12), rng.randint(1, 28))
    sep = rng.choice("-/")
    parts = [f"{day.month:02d}", f"{day.day:02d}"]
    which = rng.randrange(2)
    parts[which] = parts[which][0] + rng.choice([".", ",", " ", "·"]) + parts[which][1]
    text = rng.choice(["", "日期：", "Date: "]) + f"{day.year}{sep}{parts[0]}{sep}{parts[1]}" + rng.choice(["", " 14:01", "。"])
    got = read_date(text)
    assert got.value == day and got.doubt and got.specked, text
    assert read_date(f"{day.year}{sep}{day.month:02d}{sep}{day.day:02d}") == DateReading(day)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-19 - 2026-12-01", date(2026, 11, 19)),   # a range: the first date, as printed
    ("2026-11-19 14:01", date(2026, 11, 19)),
    ("2026-13-1.9", None),                              # no month 13, specks or not
])
def test_a_clean_date_is_not_taken_for_a_specked_one(text, expected):
    assert read_date(text).value == expected and not read_date(text).specked


@pytest.mark.parametrize("seed", range(20))
def test_a_date_with_a_speck_before_it_or_a_misread_comma_is_its_own_date(seed):
    """Generated: "Nov 19, 2026" with its comma read as ";" or ":", and "17/11/2026" or "17.11.2026"
    with a speck read as a point or a middle dot before it, read as the printed date."""
    import random
    rng = random.Random(seed)
    day = date(2026, rng.randint(1, 12), rng.randint(13, 28))
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[day.month - 1]
    worded = f"{month} {day.day}{rng.choice([';', ':', '; ', ':'])}{rng.choice(['', ' '])}{day.year}"
    numeric = f"{rng.choice(['.', '·', ',', '. '])}{day.day:02d}{rng.choice('/.')}{day.month:02d}"
    numeric = numeric + numeric[-3] + str(day.year) if numeric[-3] in "/." else numeric
    assert read_date(worded).value == day, worded
    assert read_date(numeric, order="dmy").value == day, numeric
    inside = f"1.{day.day:02d}/{day.month:02d}/{day.year}"
    assert read_date(inside, order="dmy").value is None, inside  # inside a longer number: no date


@pytest.mark.parametrize("seed", range(40))
def test_a_worded_date_whose_day_ocr_split_with_a_speck_is_read_whole_with_a_doubt(seed):
    """Generated: "17-Nov-26" or "Nov 17, 2026" (month words of every language we read) whose day
    OCR read with a dot, comma or quote between its digits ("1.7-Nov-26") reads as the 17th with a
    doubt, never as the 7th without one; the same date read cleanly has no doubt."""
    import random
    from tests.stress.vocab import write_date
    rng = random.Random(seed)
    day = date(2026, rng.randint(1, 12), rng.randint(10, 28))
    clean = write_date(day, rng.choice(["dmy_abbr", "month_name"]))
    if rng.random() < 0.5:  # another language's month word in place of the English one
        from parsers.vocab.dates import _MONTH_NAMES
        word = rng.choice(_MONTH_NAMES[day.month]).capitalize()
        clean = re.sub(r"[A-Za-z]+", word, clean, count=1)
    at = re.search(r"\d\d", clean).start() if clean[0].isdigit() else re.search(r" (\d\d)", clean).start(1)
    specked = clean[:at + 1] + rng.choice([".", ",", "'", "·"]) + clean[at + 1:]
    text = rng.choice(["", "Order Date: ", "Fecha: "]) + specked
    got = read_date(text, default_year=2026)
    assert got.value == day and got.doubt and got.specked, text
    assert read_date(clean, default_year=2026) == DateReading(day), clean


@pytest.mark.parametrize("seed", range(6))
def test_a_numeric_date_followed_by_a_full_stop_or_a_speck_is_read(seed):
    """Given a date in each numeric form, with the full stop of a sentence or a speck OCR read as a
    point after it ("Bestelldatum 18.11.2026."), the date is read; a longer number is not a date."""
    import random
    rng = random.Random(seed)
    d = date(2026, rng.randint(1, 12), rng.randint(13, 28))
    forms = [f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day}.{d.month}.{d.year % 100:02d}",
             f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day:02d}-{d.month:02d}-{d.year}", d.isoformat()]
    for form in forms:
        assert parse_date(form + rng.choice([".", ". ", ".  Lieferung"])) == d, form
    assert parse_date(f"{d.day:02d}.{d.month:02d}.{d.year}.5") is None
