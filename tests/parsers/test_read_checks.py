"""Reads that check themselves: table tests of each check in `parsers/layout/checks.py`, and the
builder putting them on the orders it reads from tables (a lost row, a misread digit, a row
whose quantity cannot be read, a total written after its label)."""
from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from parsers import build
from parsers.context import ParseContext
from parsers.layout import checks
from parsers.layout.checks import RowNote, RowValues
from parsers.model import CheckName, CheckOutcome, ParsedLine, SourceKind
from parsers.vocab.numbers import parse_decimal

CTX = ParseContext(path="t.xlsx")


@pytest.mark.parametrize("q, p, a, is_exact, rounded", [
    ("10", "9.99", "99.90", True, True),
    ("10", "9.991", "99.90", False, True),      # agrees only if the price was printed rounded
    ("1500", "6.13", "9200.00", False, True),   # 6.1333 printed as 6.13
    ("1500", "6.13", "9300.00", False, False),
    ("20000", "0.0046", "92.00", True, True),
    ("3", "5.95", "17.85", True, True),
    ("3", "5.95", "18.85", False, False),
])
def test_row_arithmetic_within_the_printed_rounding(q, p, a, is_exact, rounded):
    """quantity x price = amount exactly at the amount's decimals, or allowing the price's rounding."""
    assert checks.exact(D(q), D(p), D(a)) is is_exact
    assert checks.within_rounding(D(q), D(p), D(a)) is rounded


@pytest.mark.parametrize("text, expected", [
    ("9.991", D("9.99")), ("1O0", D(100)), ("l,500", D(1500)), ("12S", D(125)),
    ("168", D("1.68")), ("33012", D("330.12")),  # a decimal point too small for the scan
    ("1.313", D(1313)), ("3.47246", D("3.47")), ("3.47246", D("3.472")),
])
def test_other_readings_of_an_ocr_number(text, expected):
    assert expected in checks.readings(text)


def _values(q, p, a):
    return RowValues(*(parse_decimal(t) if t is not None else None for t in (q, p, a)), (q, p, a))


@pytest.mark.parametrize("q, p, a, ocr, want, changed", [
    # A price read 9.991 where 9.99 was printed: the arithmetic picks 9.99 (OCR reads only).
    ("10", "9.991", "99.90", True, (D(10), D("9.99"), D("99.90")), "unit price"),
    ("10", "9.991", "99.90", False, (D(10), D("9.991"), D("99.90")), None),
    # A quantity that cannot be read is worked out from the amount and the price.
    ("1,5#0", "6.13", "9195.00", True, (D(1500), D("6.13"), D("9195.00")), "quantity"),
    ("", "6.13", "9195.00", True, (D(1500), D("6.13"), D("9195.00")), "quantity"),
    ("1500", "6.%3", "9195.00", True, (D(1500), D("6.13"), D("9195.00")), "unit price"),
    ("1500", "6.13", "~~", True, (D(1500), D("6.13"), D("9195.00")), "amount"),
    # A price whose decimal point the scan lost: only 1.68 makes the row exact (with a quantity of
    # several digits, 1.35 x 168 would do as well as 135 x 1.68, and nothing is guessed).
    ("5", "168", "8.40", True, (D(5), D("1.68"), D("8.40")), "unit price"),
    # Nothing to work from: the table has no amount column.
    ("1,5#0", "6.13", None, True, (None, D("6.13"), None), None),
    # Specks after the price's last digit read as digits: only 3.47 makes 120 x p = 416.40.
    ("120", "3.47246", "416.40", True, (D(120), D("3.47"), D("416.40")), "unit price"),
    # A price read "0" (its decimals lost) beside an amount: worked out, so the row vouches for nothing.
    ("300", "0", "44.67", True, (D(300), D("0.1489"), D("44.67")), "worked out"),
    # A quantity read with a digit lost ("9" for 90): worked out from the amount, not vouched for.
    ("9", "12.50", "1125.00", True, (D(90), D("12.50"), D("1125.00")), "worked out"),
    # ... but a number that is not the read one with a digit more is no lost digit: nothing changes.
    ("7", "12.50", "1125.00", True, (D(7), D("12.50"), D("1125.00")), None),
    # Two readings would both do: no guess is taken.
    ("10", "9.991", "99.91", True, (D(10), D("9.991"), D("99.91")), None),
])
def test_settle_row_chooses_a_reading_or_works_out_one_number(q, p, a, ocr, want, changed):
    settled, note = checks.settle_row(_values(q, p, a), ocr=ocr)
    assert (settled.quantity, settled.price, settled.amount) == want
    assert (note is not None) is (changed is not None)
    if changed:
        assert changed in note


@pytest.mark.parametrize("numbers, grid, outcome, line", [
    (["1", "2", "3"], None, CheckOutcome.PASSED, None),
    (["1.", ".2", "3"], None, CheckOutcome.PASSED, None),     # OCR specks around the numbers
    (["10", "20", "30"], None, CheckOutcome.PASSED, None),    # SAP-style item numbers
    (["1", "2", "4"], None, CheckOutcome.FAILED, 3),          # row 3 was lost
    (["2", "3"], None, CheckOutcome.FAILED, 1),               # row 1 was lost
    (["1", "", "3"], None, CheckOutcome.PASSED, None),       # a number OCR missed is no lost row
    ([None, "3"], None, CheckOutcome.FAILED, 2),
    (["1", "2", "3"], 4, CheckOutcome.FAILED, None),          # the grid holds a fourth filled row
    (["1", "2", "3"], 3, CheckOutcome.PASSED, None),
])
def test_row_numbers_run_one_to_n(numbers, grid, outcome, line):
    check = checks.row_numbers(numbers, grid)
    assert check.check is CheckName.ROW_NUMBERS and check.outcome is outcome and check.line_no == line


def test_rows_without_numbers_give_no_row_number_check():
    assert checks.row_numbers([None, None]) is None


def _line(q, p=None, a=None, no=1):
    return ParsedLine(line_no=no, description="x", quantity=D(q), unit_price=D(p) if p else None,
                      amount=D(a) if a else None)


@pytest.mark.parametrize("lines, stated, outcome", [
    ([_line("10", "9.99"), _line("2", "1.50")], "102.90", CheckOutcome.PASSED),
    ([_line("10", "9.99", "99.90"), _line("2", None, "3.00")], "102.90", CheckOutcome.PASSED),
    ([_line("10", "9.99")], "102.90", CheckOutcome.FAILED),   # a line was lost
    ([_line("10", "9.99"), _line("2")], "102.90", CheckOutcome.NOT_MADE),
    ([_line("10", "9.99")], None, None),
])
def test_lines_add_up_to_the_printed_total(lines, stated, outcome):
    check = checks.total(lines, D(stated) if stated else None)
    assert (check.outcome if check else None) is outcome


@pytest.mark.parametrize("texts, present, outcome", [
    (["2026-11-17 09:20 FROM: 0532-86961234 TO: 0512-66581234 P.001/002"], 1, CheckOutcome.FAILED),
    (["2026-11-17 09:20 FROM: 0532-86961234 P:001/002", "P:002/002"], 2, CheckOutcome.PASSED),
    (["第1页 共2页"], 1, CheckOutcome.FAILED),
    (["Page 1 of 2"], 1, CheckOutcome.FAILED),
    (["Page 1 of 2", "Page 2 of 2"], 2, CheckOutcome.PASSED),
    (["页 1/2"], 1, CheckOutcome.FAILED),
    (["Seite 1 von 3"], 2, CheckOutcome.FAILED),
    (["Página 1 de 3", "Pagina 2 de 3."], 2, CheckOutcome.FAILED),
    (["Página 1 de 2", "Página 2 de 2"], 2, CheckOutcome.PASSED),
    (["规格 1/2 英寸", "Ship 1/2 pallets"], 1, None),
    (["no page marks here"], 1, None),
])
def test_a_page_count_means_every_page_is_there(texts, present, outcome):
    check = checks.pages(texts, present)
    assert (check.outcome if check else None) is outcome
    if outcome is CheckOutcome.FAILED:
        assert "missing" in check.message


def test_a_read_with_nothing_to_vouch_for_it_says_so():
    """Given prices but no amounts, no total and no row numbers, two checks are not made."""
    made = checks.verify([_line("10", "9.99"), _line("2", "1.50", no=2)], [], None)
    not_made = {c.check for c in made if c.outcome is CheckOutcome.NOT_MADE}
    assert not_made == {CheckName.ROW_ARITHMETIC, CheckName.ROW_NUMBERS}


def test_numbered_rows_adding_up_to_the_total_are_verified():
    made = checks.verify([_line("10", "9.99"), _line("2", "1.50", no=2)], [RowNote("1"), RowNote("2")], D("102.90"))
    assert made and all(c.outcome is CheckOutcome.PASSED for c in made)


# --- the builder -------------------------------------------------------------------------------

HEAD = ["序号", "物料编码", "品名", "数量", "单价", "金额"]


def _read(rows, kind=SourceKind.XLSX):
    (order,) = build.orders_from_rows([["采购订单"], ["订单编号：PO-9"], ["订单日期：2026-11-16"], HEAD, *rows], CTX, kind).orders
    return order


def _outcomes(order):
    return {(c.check, c.outcome) for c in order.read_checks}


def test_a_table_that_lost_a_row_fails_its_row_numbers_and_total():
    order = _read([["1", "A-1", "纸箱", "10", "2.00", "20.00"], ["3", "A-3", "胶带", "5", "3.00", "15.00"],
                   ["合计", None, None, None, None, "45.00"]])
    assert (CheckName.ROW_NUMBERS, CheckOutcome.FAILED) in _outcomes(order)
    assert (CheckName.TOTAL, CheckOutcome.FAILED) in _outcomes(order)
    assert not order.verified


def test_a_row_whose_quantity_cannot_be_read_is_reported_not_dropped():
    order = _read([["1", "A-1", "纸箱", "10", "2.00", "20.00"], ["2", "A-2", "胶带", "see note", "3.00", None]])
    assert [(ln.code, ln.quantity) for ln in order.lines] == [("A-1", D(10)), ("A-2", None)]  # kept in its place
    (unread,) = [c for c in order.read_checks if c.check is CheckName.ROW_READ]
    assert unread.outcome is CheckOutcome.FAILED
    assert "Row 2" in unread.message and "see note" in unread.message


def test_a_row_that_does_not_multiply_out_fails_its_arithmetic():
    order = _read([["1", "A-1", "纸箱", "10", "2.00", "20.00"], ["2", "A-2", "胶带", "5", "3.00", "16.00"]])
    failed = [c for c in order.read_checks if c.outcome is CheckOutcome.FAILED]
    assert [(c.check, c.line_no) for c in failed] == [(CheckName.ROW_ARITHMETIC, 2)]
    assert "Line 2" in failed[0].message


def test_an_ocr_read_takes_the_reading_the_arithmetic_vouches_for():
    order = _read([["1", "A-1", "纸箱", "10", "9.991", "99.90"], ["2", "A-2", "胶带", "5", "3.00", "15.00"]],
                  kind=SourceKind.FAX)
    assert order.lines[0].unit_price == D("9.99")
    assert "9.991" in next(c.message for c in order.read_checks if c.line_no == 1)
    assert order.verified  # both rows multiply out and are numbered 1..2


def test_a_total_written_after_its_label_is_read():
    order = _read([["1", "A-1", "纸箱", "10", "2.00", "20.00"],
                   ["合计金额：¥1,020.00（大写）人民币壹仟零贰拾元整"]])
    assert order.stated_total == D("1020.00")
    assert (CheckName.TOTAL, CheckOutcome.FAILED) in _outcomes(order)


def test_a_total_ocr_read_with_points_for_commas_is_read():
    order = _read([["1", "A-1", "纸箱", "1000", "3.0764", "3076.40"], ["合计金额：￥3.076.40（大写）"]])
    assert order.stated_total == D("3076.40")
    assert (CheckName.TOTAL, CheckOutcome.PASSED) in _outcomes(order)


def test_a_text_table_row_whose_quantity_cannot_be_read_is_told_and_the_table_goes_on():
    """A plain-text table no longer stops at the first row whose quantity does not parse."""
    from parsers.layout import textlines

    text = ("订单号：PO-5\n\n序号  物料编码  品名       数量   单价\n1     A-1       纸箱       10     2.00\n"
            "2     A-2       胶带       待定   3.00\n3     A-3       标签       5      1.00\n")
    (order,) = textlines.orders_from_text(text, ParseContext(path="t.txt"), SourceKind.TEXT).orders
    assert [ln.code or ln.description for ln in order.lines][-1] in ("A-3", "标签")
    assert len(order.lines) == 2
    (told,) = [c for c in order.read_checks if c.check is CheckName.ROW_READ]
    assert "Row 2" in told.message and "待定" in told.message


@pytest.mark.parametrize("label", ["Order Date", "订单日期", "Fecha de pedido", "Bestelldatum", "Delivery Date", "交货日期",
                                   "PO No.", "订单号"])
@pytest.mark.parametrize("value", ["", "see below", "2026-11-16", "PO-2026-77"])
def test_a_printed_label_whose_value_is_not_read_keeps_the_order_out_of_accepted(label, value):
    """Given a PO-number or date label above the table, the read fails its header-field check exactly
    when no value was read for it (blank, or not a date / number), so no mail date stands in for it."""
    from parsers.vocab import labels as F

    rows = [["PO No.", "PO-1"] if F.header_field(label) != F.PO_NUMBER else ["Ref", "x"], [label, value],
            ["Item Code", "Qty", "Price", "Amount"], ["1.01.0003", "10", "1.50", "15.00"], ["Total", "", "", "15.00"]]
    (order,) = build.orders_from_rows(rows, ParseContext(path="po.csv"), SourceKind.CSV).orders
    field = F.header_field(label)
    read = {F.PO_NUMBER: order.po_number, F.ORDER_DATE: order.order_date, F.DELIVERY_DATE: order.delivery_date}[field]
    failed = [c for c in order.read_checks if c.check is CheckName.HEADER_FIELD]
    assert bool(failed) == (read is None)
    assert all(c.outcome is CheckOutcome.FAILED and label in c.message for c in failed)


@pytest.mark.parametrize("kind", [SourceKind.FAX, SourceKind.CSV, SourceKind.PDF])
@pytest.mark.parametrize("dated", [True, False])
def test_a_scanned_page_without_a_readable_order_date_is_not_vouched_for(kind, dated):
    """Only a scan's missing order date fails the read: OCR may have garbled the label, while a
    text document with no date label really prints none."""
    rows = [["PO No.", "PO-7"]] + ([["Order Date", "2026-11-16"]] if dated else []) + [
        ["Item Code", "Qty", "Price", "Amount"], ["1.01.0003", "10", "1.50", "15.00"], ["Total", "", "", "15.00"]]
    (order,) = build.orders_from_rows(rows, ParseContext(path="po.x"), kind).orders
    failed = [c for c in order.read_checks if c.check is CheckName.HEADER_FIELD]
    assert bool(failed) == (kind is SourceKind.FAX and not dated)
    assert all("order date" in c.message for c in failed)


@pytest.mark.parametrize("seed", range(40))
def test_digits_ocr_added_after_a_price_are_dropped_only_when_the_row_says_so(seed):
    """Generated rows whose price got specks read as digits after it ("3.47" -> "3.47246"), or
    whose quantity's thousands comma was read as a dot: the settled row is the printed one, or
    the row is left as read (never another number that merely happens to fit)."""
    import random
    rng = random.Random(seed)
    q = D(rng.choice([1313, 2500, 120, 48, 7, 36000]))
    p = D(rng.randint(1, 99999)).scaleb(-rng.choice([2, 3, 4]))
    a = (q * p).quantize(D("0.01"))
    if rng.random() < 0.5 and not (p * q - a):
        texts = (str(q), f"{p}{rng.randint(1, 999)}", str(a))
    else:
        texts = (f"{q:,}".replace(",", "."), str(p), str(a))
    settled, note = checks.settle_row(_values(*texts), ocr=True)
    if note:
        assert (settled.quantity, settled.price) == (q, p), texts
    else:
        read = _values(*texts)
        assert (settled.quantity, settled.price) == (read.quantity, read.price)


@pytest.mark.parametrize("seed", range(30))
def test_a_number_with_a_speck_read_as_a_mark_is_taken_when_the_row_vouches_for_it(seed):
    """Generated rows whose amount, price or quantity OCR read with a speck as a mark before or
    after it ("95,87.", ".1,66", "124:"): the printed number is taken back when it makes
    quantity x price = amount, with a note, and the row arithmetic passes (no number worked out)."""
    import random
    rng = random.Random(seed)
    q = D(rng.choice([238, 102, 1250, 7, 36]))
    p = D(rng.randint(1, 99999)).scaleb(-rng.choice([2, 3, 4]))
    a = (q * p).quantize(D("0.01"))
    texts = [str(q), str(p), str(a)]
    i = rng.randrange(3)
    speck = rng.choice([".", ":", ",", "·"])
    texts[i] = texts[i] + speck if rng.random() < 0.5 else speck + texts[i]
    values = checks.RowValues(*(parse_decimal(t) for t in texts), tuple(texts))
    if all(v is not None for v in (values.quantity, values.price, values.amount)):
        return  # the speck left a readable number ("238." is 238): nothing to settle
    settled, note = checks.settle_row(values, ocr=True)
    assert (settled.quantity, settled.price, settled.amount) == (q, p, a), texts
    assert note and "worked out" not in note, texts


@pytest.mark.parametrize("seed", range(40))
def test_a_number_with_a_speck_beside_one_of_its_marks_is_taken_when_the_row_vouches_for_it(seed):
    """Generated rows whose quantity, price or amount OCR read with a speck beside its thousands
    comma or decimal point ("1,.784", "10.,27", "18,321,.68"): the settled row is the printed one
    when the arithmetic vouches for it, else the row is left as read (never another number)."""
    import random
    rng = random.Random(seed)
    q = D(rng.choice([1784, 2500, 12600, 48, 7, 36000]))
    p = D(rng.randint(1, 99999)).scaleb(-rng.choice([2, 3, 4]))
    a = (q * p).quantize(D("0.01"))
    texts = [f"{q:,}", f"{p:,}", f"{a:,}"]
    marks = [(i, m.start()) for i, t in enumerate(texts) for m in re.finditer(r"[.,]", t)]
    if not marks:
        return
    i, at = rng.choice(marks)
    speck = rng.choice([".", ",", ":", "·"])
    texts[i] = texts[i][:at] + (speck + texts[i][at] if rng.random() < 0.5 else texts[i][at] + speck) + texts[i][at + 1:]
    values = _values(*texts)
    settled, note = checks.settle_row(values, ocr=True)
    if note:
        assert (settled.quantity, settled.price, settled.amount) == (q, p, a), texts
    else:
        assert (settled.quantity, settled.price, settled.amount) == (values.quantity, values.price, values.amount)
    # With a two-decimal price no other number reads as the printed one ("55.198" may be 55,198):
    # a speck that changed what a number reads as is then always taken back.
    changed = (values.quantity, values.price, values.amount) != (q, p, a)
    if changed and p.as_tuple().exponent == -2 and None not in (values.quantity, values.price, values.amount):
        assert note and "worked out" not in note, texts


def test_a_price_and_amount_read_as_one_run_are_parted_where_the_row_multiplies_out():
    """Generated: 300 rows whose price and amount OCR read as one run into one cell, the other
    empty ("0,663760.40", "1.46 175.20"), in the dot, comma and space styles: parted only as printed
    (never into another price and amount that merely multiply out), and nearly always parted."""
    import random
    from tests.stress.vocab import write_number
    rng = random.Random(7)
    parted = 0
    for _ in range(300):
        q = D(rng.choice([rng.randint(1, 99), rng.randint(100, 9999)]))
        p = D(rng.randint(1, 99999)).scaleb(-rng.choice([2, 3, 4]))
        a = (q * p).quantize(D("0.01"))
        form = rng.choice(["dot", "comma", "space"])
        run = write_number(p, -p.as_tuple().exponent, form, False) + rng.choice(["", " "]) + write_number(a, 2, form, rng.random() < 0.5)
        texts = (str(q), run, "") if rng.random() < 0.5 else (str(q), "", run)
        settled, note = checks.settle_row(_values(*texts), ocr=True)
        if note and "parted" in note:
            assert (settled.price, settled.amount) == (p, a), texts
            parted += 1
    assert parted >= 285
