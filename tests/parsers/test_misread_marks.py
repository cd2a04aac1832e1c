"""Numbers whose marks a fax recogniser misread: a thousands comma read as a point ("5.800" for
5,800), a speck read as the only mark ("1.16" for 116), a decimal point lost or read as a gap
("145" or "1 45" for 1.45). The document's own checks choose the reading: the row's arithmetic
where the row prints an amount, else the printed total; nothing else is guessed."""
from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal as D

import pytest

from parsers import build
from parsers.context import ParseContext
from parsers.layout import checks
from parsers.model import CheckName, CheckOutcome, ParsedLine, SourceKind
from parsers.vocab import misread
from parsers.vocab.numbers import parse_decimal, parse_quantity, respell


def _misread_quantity(rng: random.Random, q: D) -> str:
    """A whole quantity as a scan may read it: its thousands comma as a point, or a speck as a point."""
    if q >= 1000 and rng.random() < 0.5:
        return f"{q:,}".replace(",", ".")
    cut = rng.randrange(1, len(str(q)))
    return f"{str(q)[:cut]}.{str(q)[cut:]}"


def _misread_price(rng: random.Random, p: D) -> str:
    """A price as a scan may read it: its decimal point lost, or read as a gap."""
    return str(p).replace(".", rng.choice(["", " "]))


def _row(rng: random.Random) -> tuple[D, D, D]:
    q = D(rng.choice([rng.randint(10, 999), rng.randint(1000, 9999), rng.randint(1, 9) * 1000]))
    p = D(rng.randint(101, 99999)).scaleb(-rng.choice([2, 3, 4]))
    return q, p, (q * p).quantize(D("0.01"))


@pytest.mark.parametrize("text, count, expected", [
    ("5.800", False, D(5800)), ("1.16", True, D(116)), ("1 45", False, D("1.45")), ("145", False, D("1.45")),
])
def test_readings_of_a_misread_mark(text, count, expected):
    assert expected in checks.readings(text, count=count)


@pytest.mark.parametrize("text, count, never", [
    ("0.008", False, D(8)),      # a leading 0 opens no group of thousands
    ("74.84", False, D(7484)),   # a price keeps its mark: only a count is read without it
    ("129.05", False, D(12905)),
])
def test_readings_that_are_not_taken(text, count, never):
    assert never not in checks.readings(text, count=count)


def test_a_row_with_a_misread_mark_is_settled_by_its_arithmetic():
    """Generated: 400 rows whose quantity or price was read with a misread mark. The settled row
    is the printed one, or the row is left as read (never another number that merely fits); most
    rows are taken back, the rest fit two readings alike and stay for a clerk."""
    rng = random.Random(11)
    taken = 0
    for _ in range(400):
        q, p, a = _row(rng)
        texts = [str(q), str(p), f"{a:,}"]
        i = rng.randrange(2)
        texts[i] = _misread_quantity(rng, q) if i == 0 else _misread_price(rng, p)
        read = checks.RowValues(parse_quantity(texts[0])[0], parse_decimal(texts[1]), parse_decimal(texts[2]),
                                tuple(texts))
        settled, note = checks.settle_row(read, ocr=True)
        if note:
            assert (settled.quantity, settled.price, settled.amount) == (q, p, a), texts
            taken += 1
        else:
            assert (settled.quantity, settled.price) == (read.quantity, read.price), texts
    assert taken >= 220  # the rest are rows two readings fit alike (1857 x 93.017 or 1.857 x 93017)


def _lines(rng: random.Random, n: int) -> list[ParsedLine]:
    return [ParsedLine(line_no=k, description=f"item {k}", quantity=q, unit="PCS", unit_price=p)
            for k, (q, p, _a) in enumerate((_row(rng) for _ in range(n)), start=1)]


def test_rows_without_amounts_are_settled_by_the_printed_total():
    """Generated: 300 orders of 2-9 lines printing no row amounts but a total, one line's quantity
    or price read with a misread mark. The reading that makes the lines add up is taken (with a
    sentence naming the line) or nothing changes; most orders are taken back."""
    rng = random.Random(5)
    taken = 0
    for _ in range(300):
        lines = _lines(rng, rng.randint(2, 9))
        stated = sum((ln.quantity * ln.unit_price for ln in lines), D(0)).quantize(D("0.01"))
        k = rng.randrange(len(lines))
        if rng.random() < 0.5:
            wrong = {"quantity": parse_decimal(_misread_quantity(rng, lines[k].quantity))}
        else:
            wrong = {"unit_price": parse_decimal(_misread_price(rng, lines[k].unit_price))}
        read = [replace(ln, **wrong) if i == k else ln for i, ln in enumerate(lines)]
        settled, note = checks.settle_total(read, stated)
        if note:
            assert list(settled) == lines
            assert f"line {k + 1}'s" in note
            taken += 1
        else:
            assert list(settled) == read
    assert taken >= 200  # the rest fit two readings alike, or lost a leading zero with the point ("0.766" as 766)


def test_a_total_no_single_reading_reaches_is_left_failing():
    """Generated: orders that lost a line (the total counts it): no reading is taken to cover the gap."""
    rng = random.Random(8)
    for _ in range(200):
        lines = _lines(rng, rng.randint(3, 9))
        stated = sum((ln.quantity * ln.unit_price for ln in lines), D(0)).quantize(D("0.01"))
        kept = lines[:-1]
        settled, note = checks.settle_total(kept, stated)
        if note:  # a reading may by chance add up: it must then be one misread mark of one line
            assert sum(a != b for a, b in zip(settled, kept)) == 1
        else:
            assert list(settled) == kept


@pytest.mark.parametrize("seed", range(12))
def test_a_faxed_table_without_amounts_reads_a_misread_quantity_by_its_total(seed):
    """Generated tables (no amount column, a printed total) whose one quantity OCR read with its
    thousands comma as a point: the fax order carries the printed quantity and its total check
    passes, naming the re-read line; a typed table keeps what it printed."""
    rng = random.Random(seed)
    lines = [(f"1.0{rng.randint(1, 4)}.{1000 + k}", D(rng.randint(1, 9) * 1000), D(rng.randint(101, 9999)).scaleb(-2))
             for k in range(rng.randint(2, 6))]
    k = rng.randrange(len(lines))
    total = sum((q * p for _c, q, p in lines), D(0))
    rows = [["Line", "Item Code", "Qty", "Unit Price"]]
    rows += [[str(n), code, f"{q:,}".replace(",", ".") if n == k + 1 else f"{q:,}", str(p)]
             for n, (code, q, p) in enumerate(lines, start=1)]
    rows += [["Total", "", "", f"{total:,.2f}"]]
    order = build.orders_from_rows(rows, ParseContext(path="t.tif"), SourceKind.FAX).orders[0]
    assert [ln.quantity for ln in order.lines] == [q for _c, q, _p in lines]
    passed = [c for c in order.read_checks if c.check is CheckName.TOTAL]
    assert passed and passed[0].outcome is CheckOutcome.PASSED and f"line {k + 1}'s quantity" in passed[0].message
    typed = build.orders_from_rows(rows, ParseContext(path="t.xlsx"), SourceKind.XLSX).orders[0]
    assert typed.lines[k].quantity != lines[k][1]


@pytest.mark.parametrize("mark, text, expected", [
    (".", "5,900", "5,900"),    # reads the same under the mark: left as printed, marks and all
    (",", "4.000", "4000"),     # reads otherwise under the mark: rewritten
    (",", "1.234,50", "1.234,50"),  # reads the same either way
    (",", "12.500 KG", "12500 KG"),
])
def test_respelling_keeps_what_reads_the_same(mark, text, expected):
    assert respell(text, mark) == expected
    assert parse_decimal(respell(text, mark)) == parse_decimal(expected)


@pytest.mark.parametrize("seed", range(20))
def test_a_currency_sign_read_as_a_letter_leaves_the_price(seed):
    rng = random.Random(seed)
    price = D(rng.randint(1, 99999)).scaleb(-rng.choice([2, 3, 4]))
    sign = rng.choice("EefC")
    assert parse_decimal(misread.unsigned_money(f"{sign}{rng.choice(['', ' ', '.'])}{price}")) == price
    assert misread.unsigned_money("EUR 1.20") == "EUR 1.20"  # a code is no misread sign


def test_a_speck_read_as_one_more_mark_inside_a_number_is_settled_by_the_row():
    """Generated: 300 rows whose price OCR read with a speck as one more point inside it ("2.7.1"
    for 2.71), which leaves it unreadable: the row takes the printed price back when the arithmetic
    vouches for it (never another number), and most rows do."""
    rng = random.Random(21)
    taken = 0
    for _ in range(300):
        q, p, a = _row(rng)
        text = str(p)
        at = rng.choice([k for k in range(1, len(text)) if text[k - 1].isdigit() and text[k].isdigit()])
        texts = (str(q), text[:at] + "." + text[at:], f"{a:,}")
        settled, note = checks.settle_row(checks.RowValues(q, None, a, texts), ocr=True)
        if note and "worked out" not in note:
            assert settled.price == p, texts
            taken += 1
    assert taken >= 240


@pytest.mark.parametrize("seed", range(16))
def test_a_prose_quantity_whose_point_was_read_as_a_colon_is_read(seed):
    """Generated lines written as labelled fields whose weighed quantity OCR read with its decimal
    point as a colon ("1,667:5 MTR"), and the price's currency sign as a letter."""
    from parsers.layout import prose
    rng = random.Random(seed)
    q = D(rng.randint(10, 99999)) / 10
    p = D(rng.randint(101, 99999)).scaleb(-4)
    qty = f"{q:,}".replace(".", ":")  # (a semicolon parts labelled fields: "；" read as ";")
    text = f"Item {seed + 1}: Bubble wrap 60cm (P/N 2.01.1041), quantity {qty} MTR, unit price {rng.choice('Ef')} {p}"
    got = prose.labelled_line(text, 0)
    assert got is not None and (got.quantity, got.unit_price) == (q, p), text


@pytest.mark.parametrize("seed", range(12))
def test_a_prose_code_label_read_with_a_speck_before_its_code_is_a_label(seed):
    """"(P/N'1.02.1010)": a speck read as an apostrophe, point or colon between a code's label and
    the code glued to it still gives the line its code."""
    from parsers.layout import prose
    rng = random.Random(seed)
    code = f"{rng.randint(1, 2)}.0{rng.randint(1, 4)}.{rng.randint(1000, 1059)}"
    speck = rng.choice(["'", "`", ".", ":"])
    text = (f"Item {seed + 1}: Deep groove bearing 6214-2RS (P/N{speck}{code}), "
            f"quantity {rng.randint(2, 900)} SET, unit price USD {rng.randint(101, 999) / 100}")
    got = prose.labelled_line(text, 0)
    assert got is not None and code in (got.our_sku, got.code), text
