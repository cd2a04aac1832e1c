"""Numbers a fax recogniser misread where the row arithmetic alone cannot choose: a price whose
point was lost ("180" for 1.80) fits 498 x 1.80 and 4.98 x 180 alike, so the columns' other
rows choose (prices print decimals, counts print whole, or the other way round); an amount whose
every mark reads alike ("4.007.50") beside a quantity whose thousands comma reads as a point
("1.750"); a quantity and a price misread in the same row; a decimal point read as a gap after
grouped thousands ("1,591 59"). Generated tables, read as a fax and as a typed sheet."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from parsers import build
from parsers.context import ParseContext
from parsers.layout import checks
from parsers.layout.numberstyle import ColumnStyle, column_style
from parsers.model import CheckName, CheckOutcome, SourceKind
from parsers.vocab.numbers import parse_decimal

# Styles of eight other rows: whole counts at decimal prices, and kilograms to 0.5 at whole prices.
WHOLE_COUNTS = ColumnStyle(quantities=(0, 9), prices=(9, 9))
WHOLE_PRICES = ColumnStyle(quantities=(9, 9), prices=(0, 9))
HEADING = ["No.", "Item Code", "Qty", "Unit", "Unit Price", "Amount"]


def _table(rng: random.Random, n: int, *, fractional_prices: bool = True) -> list[tuple[str, D, D, D]]:
    """Rows (code, quantity, price, amount): whole counts and priced to cents or 1/10,000 (or,
    with `fractional_prices` False, counted in kilograms to 0.5 at whole prices)."""
    rows = []
    for k in range(n):
        if fractional_prices:
            q = D(rng.randint(100, 999))
            p = D(rng.randint(101, 9999)).scaleb(-rng.choice([2, 2, 4]))
        else:
            q = D(rng.randint(20, 1999)) + D("0.5")
            p = D(rng.randint(100, 999))
        rows.append((f"1.0{rng.randint(1, 4)}.{1000 + k}", q, p, (q * p).quantize(D("0.01"))))
    return rows


def _read(rows: list[list[str]], kind: SourceKind):
    return build.orders_from_rows(rows, ParseContext(path="t.tif" if kind is SourceKind.FAX else "t.xlsx"), kind).orders[0]


def _cells(table, misread: dict[int, tuple[str | None, str | None, str | None]]) -> list[list[str]]:
    rows = [HEADING]
    for n, (code, q, p, a) in enumerate(table, start=1):
        q_text, p_text, a_text = misread.get(n - 1, (None, None, None))
        rows.append([str(n), code, q_text or f"{q:,}", "KG", p_text or str(p), a_text or f"{a:,}"])
    total = sum((a for *_r, a in table), D(0))
    return rows + [["Total", "", "", "", "", f"{total:,.2f}"]]


def _arithmetic_passed(order) -> bool:
    row_checks = [c for c in order.read_checks if c.check is CheckName.ROW_ARITHMETIC]
    return bool(row_checks) and all(c.outcome is CheckOutcome.PASSED for c in row_checks)


def test_a_lost_point_that_both_readings_fit_is_chosen_by_the_columns():
    """Generated: 160 tables whose one or two prices lost their point (or read it as a gap) on
    rows where moving the point into the quantity fits as well, printed either way round
    (decimal prices and whole counts, or kilograms to 0.5 at whole prices, where the quantity's
    point is the one lost). The fax order carries the printed numbers and every row checks, or
    a row is left as read and its check fails (when a third reading fits too: "290" as 29 with
    a speck for its 0); nearly all are taken back. A typed sheet keeps what it printed."""
    rng = random.Random(3)
    taken = 0
    for n in range(160):
        decimal_prices = n % 2 == 0
        table = _table(rng, rng.randint(5, 9), fractional_prices=decimal_prices)
        misread = {}
        for k in rng.sample(range(len(table)), rng.randint(1, 2)):
            _code, q, p, _a = table[k]
            gap = rng.choice(["", " "])
            misread[k] = (None, str(p).replace(".", gap), None) if decimal_prices else (str(q).replace(".", gap), None, None)
        order = _read(_cells(table, misread), SourceKind.FAX)
        if [(ln.quantity, ln.unit_price) for ln in order.lines] == [(q, p) for _c, q, p, _a in table]:
            assert _arithmetic_passed(order)
            taken += 1
        else:
            assert not _arithmetic_passed(order)
        typed = _read(_cells(table, misread), SourceKind.XLSX)
        assert [(ln.quantity, ln.unit_price) for ln in typed.lines] != [(q, p) for _c, q, p, _a in table]
    assert taken >= 140


@pytest.mark.parametrize("seed", range(12))
def test_an_amount_with_its_marks_alike_and_a_thousands_point_in_the_quantity(seed):
    """Generated: a row whose quantity's thousands comma and amount's thousands comma were both
    read as points ("1.750" x 2.29 = "4.007.50"): read as printed, not as 1.75 x 2.29 = 4.0075;
    a typed sheet that prints "4.007.50" has no such amount and stays unread there."""
    rng = random.Random(seed)
    table = _table(rng, rng.randint(3, 7))
    k = rng.randrange(len(table))
    code, _q, p, _a = table[k]
    q = D(rng.randint(1001, 9999))
    table[k] = (code, q, p, (q * p).quantize(D("0.01")))
    a_text = f"{table[k][3]:,}"
    misread = {k: (f"{q:,}".replace(",", "."), None, a_text.replace(",", "."))}
    order = _read(_cells(table, misread), SourceKind.FAX)
    assert [(ln.quantity, ln.unit_price, ln.amount) for ln in order.lines] == [(q, p, a) for _c, q, p, a in table]
    assert _arithmetic_passed(order)


@pytest.mark.parametrize("seed", range(12))
def test_a_quantity_and_a_price_misread_in_one_row_are_taken_back_together(seed):
    """Generated: a row whose quantity's thousands comma read as a point and whose price lost its
    point ("5.150" x "1 48" = 7,622.00): no one number's reading fits, the one pair that fits and
    looks like its columns is taken."""
    rng = random.Random(seed)
    table = _table(rng, rng.randint(4, 8))
    k = rng.randrange(len(table))
    code, _q, _p, _a = table[k]
    q, p = D(rng.randint(1, 9) * 1000 + rng.randint(1, 99) * 10), D(rng.randint(101, 999)).scaleb(-2)
    table[k] = (code, q, p, (q * p).quantize(D("0.01")))
    misread = {k: (f"{q:,}".replace(",", "."), str(p).replace(".", rng.choice(["", " "])), None)}
    order = _read(_cells(table, misread), SourceKind.FAX)
    assert (order.lines[k].quantity, order.lines[k].unit_price) == (q, p)
    assert _arithmetic_passed(order)


@pytest.mark.parametrize("text, printed", [
    ("1,591 59", D("1591.59")), ("2.601 20", D("2601.20")), ("12,345,678 9", D("12345678.9")),
    ("4698:45", D("4698.45")), ("1,667:5", D("1667.5")), ("0;4725", D("0.4725")),  # ... or as a colon
    ("-3.23", D("3.23")), ("~12.50", D("12.50")),  # a speck before it read as a minus sign or a dash
])
def test_a_decimal_point_read_as_a_gap_or_a_colon_and_a_speck_as_a_sign(text, printed):
    assert printed in checks.readings(text)


@pytest.mark.parametrize("q, p, a, style, want", [
    ("498", "180", "896.40", WHOLE_COUNTS, (D(498), D("1.80"))),
    ("498", "180", "896.40", WHOLE_PRICES, (D("4.98"), D(180))),
    ("498", "180", "896.40", ColumnStyle(), (D(498), D(180))),        # nothing says which: left as read
    ("1.750", "2.29", "4.007.50", ColumnStyle(), (D(1750), D("2.29"))),
    ("5.150", "1 48", "7622.00", WHOLE_COUNTS, (D(5150), D("1.48"))),
    ("5.150", "1 48", "7622.00", ColumnStyle(), (D("5.150"), D(1480))),  # two numbers changed need the columns' word
])
def test_settle_row_takes_the_reading_in_keeping_with_the_columns(q, p, a, style, want):
    values = checks.RowValues(*(parse_decimal(t) for t in (q, p, a)), (q, p, a))
    settled, _note = checks.settle_row(values, ocr=True, style=style)
    assert (settled.quantity, settled.price) == want


def test_a_column_says_how_it_prints_only_when_most_of_its_other_rows_agree():
    style = column_style([D(1), D(20), D(300), D("4.5"), D(8)], [D("1.20"), D("3.4500"), D(7), D("0.50"), D("1.1")])
    assert (style.fraction(0), style.fraction(1)) == (False, True)
    assert style.fraction(0, own=D(8)) is False and style.fraction(1, own=D(7)) is True  # the row's own vote left out
    short = column_style([D(1), D("2.5"), D(3)], [D("1.20"), D("2.40"), D("3.60")])
    assert (short.fraction(0, own=D(3)), short.fraction(1, own=D("1.20"))) == (None, None)  # two others: too few
    mixed = column_style([D(1), D("2.5"), D(3), D("4.5"), D(5), D("6.5")], [])
    assert mixed.fraction(0) is None


@pytest.mark.parametrize("seed", range(10))
def test_a_quantity_cell_with_the_end_of_a_description_run_into_it(seed):
    """Generated rows whose quantity cell also caught the last words of a long description
    ("flute 820", "B flute 120 EA"): the number the row's arithmetic vouches for is the quantity;
    where the amount disagrees, nothing is taken."""
    rng = random.Random(seed)
    q = D(rng.randint(2, 9999))
    p = D(rng.randint(101, 99999)).scaleb(-rng.choice([2, 4]))
    a = (q * p).quantize(D("0.01"))
    words = rng.choice(["flute", "B flute", "BC flute", "nitrile coated", "白卡"])
    text = f"{words} {q:,}" + rng.choice(["", " EA", " PCS"])
    values = checks.RowValues(None, p, a, (text, str(p), str(a)))
    settled, note = checks.settle_row(values, ocr=True)
    assert settled.quantity == q and note and text in note
    wrong = checks.RowValues(None, p, a + 1, (text, str(p), str(a + 1)))
    assert checks.settle_row(wrong, ocr=True)[0].quantity != q
