"""Reads that check themselves: pure functions over the rows and lines a reader took from a page.

A reader can misread a digit, lose a row or stop before the printed total; nothing downstream
can tell unless the read checks itself against what the document prints about itself:

- row arithmetic: quantity x unit price = the row's amount, within the rounding the printed
  numbers allow. On an OCR read it chooses between readings of a number (9.991 or 9.99) and
  works out one number of the three that could not be read from the other two;
- row numbers: the printed row numbers run 1..N (or 10, 20 .. 10N), N = the rows read and,
  when the grid is known, the rows it holds;
- the total: the lines add up to the printed total;
- the pages: "page 1/2" (页 1/2, Page 1 of 2, 第1页 共2页, P.001/002, Página 1 de 2) means page 2 is there.

Each check gives a `ReadCheck` (passed, failed, or not made, with a sentence); a parser
puts them on `ParsedOrder.read_checks` and reconciliation turns the failed ones into
anomalies. Nothing here reads bytes or knows a format.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from parsers.layout.rowsettle import (_LOOKALIKES, RowValues, exact, mark_readings, readings,  # noqa: F401 (re-exported)
                                      settle_row, within_rounding)
from parsers.model import CheckName, CheckOutcome, ParsedLine, ReadCheck
from parsers.vocab.numbers import nfkc, parse_decimal

TOTAL_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RowNote:
    """What the builder knows about one line besides its values: the row number printed on it
    and, when a number was re-read or worked out, the sentence saying so."""

    number: str | None = None
    repaired: str | None = None


# --- row arithmetic -------------------------------------------------------------------------

def arithmetic(lines: Sequence[ParsedLine], notes: Sequence[RowNote]) -> list[ReadCheck]:
    """One check per line that prints a price and an amount: failed where they disagree, not made
    where a number had to be worked out (the row then vouches for nothing)."""
    checks: list[ReadCheck] = []
    for line, note in zip(lines, _padded(notes, len(lines))):
        q, p, a = line.quantity, line.unit_price, line.amount
        if note.repaired and "worked out" in note.repaired:
            checks.append(_check(CheckName.ROW_ARITHMETIC, CheckOutcome.NOT_MADE,
                                 f"Line {line.line_no}: {note.repaired}, so the row could not be checked.", line.line_no))
        elif q is None or p is None or a is None:
            continue
        elif within_rounding(q, p, a):
            said = f" ({note.repaired})" if note.repaired else ""
            checks.append(_check(CheckName.ROW_ARITHMETIC, CheckOutcome.PASSED,
                                 f"Line {line.line_no}: quantity x unit price = amount{said}.", line.line_no))
        else:
            checks.append(_check(CheckName.ROW_ARITHMETIC, CheckOutcome.FAILED,
                                 f"Line {line.line_no}: quantity {q} x unit price {p} = {q * p}, but the row's "
                                 f"amount reads {a}; one of the three was misread or misprinted.", line.line_no))
    return checks


# --- row numbers -----------------------------------------------------------------------------

def row_numbers(numbers: Sequence[str | None], grid_rows: int | None = None) -> ReadCheck | None:
    """The printed row numbers run 1..N (or step, 2 step .. N step) over the N lines read;
    None when no row number could be read at all (there is nothing to count the rows by).

    A number OCR could not read is no proof of a lost row; every number that was read must
    stand at its place, and the last line must be row N.
    """
    printed = [_row_number(n) for n in numbers]
    values = [int(n) if re.fullmatch(r"\d{1,5}", n) else None for n in printed]
    known = [(k, v) for k, v in enumerate(values, start=1) if v is not None]
    if not known:
        return None if grid_rows is None else _counted(len(values), grid_rows)
    step = _step(values)
    wrong = next((k for k, v in known if v != step * k), None)
    if wrong is not None:
        shown = ", ".join(n or "?" for n in printed)
        return _check(CheckName.ROW_NUMBERS, CheckOutcome.FAILED,
                      f"The row numbers read are {shown}, not {step} to {step * len(values)}: a row near "
                      f"line {wrong} was lost or misread.", wrong)
    if grid_rows is not None and grid_rows != len(values):
        return _check(CheckName.ROW_NUMBERS, CheckOutcome.FAILED,
                      f"The table has {grid_rows} filled rows but {len(values)} lines were read.")
    return _check(CheckName.ROW_NUMBERS, CheckOutcome.PASSED, f"The rows are numbered 1 to {len(values)}.")


def _counted(read: int, grid_rows: int) -> ReadCheck:
    """Unnumbered rows counted against the rows the table's rules enclose."""
    if read != grid_rows:
        return _check(CheckName.ROW_NUMBERS, CheckOutcome.FAILED,
                      f"The table has {grid_rows} filled rows but {read} lines were read.")
    return _check(CheckName.ROW_NUMBERS, CheckOutcome.PASSED, f"The table's {grid_rows} ruled rows were all read.")


def _step(values: list[int | None]) -> int:
    """1 for rows numbered 1, 2, 3; 10 for item numbers 10, 20, 30 (the first two read tell)."""
    first = next((v for v in values if v is not None), 1)
    k = values.index(first) + 1
    return first // k if first > 1 and first % k == 0 and first // k > 1 and (first // k) % 10 == 0 else 1


def _row_number(text: str | None) -> str:
    """A printed row number as digits: OCR specks around it dropped ("1.", ".1"), look-alikes read ("l" -> 1)."""
    raw = nfkc(text or "").strip(" .,:;·、)）(（")
    return "".join(_LOOKALIKES.get(ch, ch) for ch in raw) if len(raw) <= 5 else raw


# --- the total -------------------------------------------------------------------------------

def lines_sum(lines: Sequence[ParsedLine], *, cents: bool = False) -> Decimal | None:
    """Σ amounts (quantity x price where a line prints no amount, rounded to `cents` as a page
    prints each line's amount); None when a line has neither."""
    total = Decimal(0)
    for line in lines:
        if line.amount is not None:
            total += line.amount
        elif line.unit_price is not None and line.quantity is not None:
            product = line.quantity * line.unit_price
            total += product.quantize(_CENT, rounding=ROUND_HALF_UP) if cents else product
        else:
            return None
    return total


_CENT = Decimal("0.01")


def adds_up(lines: Sequence[ParsedLine], stated: Decimal) -> bool:
    """The lines make the printed total: summed as they are, or with each line's quantity x price
    rounded to cents, as the page's own system summed them (30 unprinted amounts may differ from
    their exact products by 0.15 in all)."""
    return any(summed is not None and abs(summed - stated) <= TOTAL_TOLERANCE
               for summed in (lines_sum(lines), lines_sum(lines, cents=True)))


def total(lines: Sequence[ParsedLine], stated: Decimal | None, settled: str | None = None) -> ReadCheck | None:
    """The lines add up to the printed total; None when the document prints no total. `settled`
    says which number `settle_total` re-read to make them."""
    if stated is None:
        return None
    if settled and "worked out" in settled:  # the total made a number: it cannot check it too
        return _check(CheckName.TOTAL, CheckOutcome.NOT_MADE,
                      f"The printed total {stated} could not be checked: {settled}.")
    summed = lines_sum(lines)
    if summed is None:
        return _check(CheckName.TOTAL, CheckOutcome.NOT_MADE,
                      f"The printed total {stated} could not be checked: some lines have no price or amount.")
    if adds_up(lines, stated):
        said = f" ({settled})" if settled else ""
        return _check(CheckName.TOTAL, CheckOutcome.PASSED, f"The lines add up to the printed total {stated}{said}.")
    return _check(CheckName.TOTAL, CheckOutcome.FAILED,
                  f"The lines add up to {summed.quantize(Decimal('0.01'))} but the printed total is {stated}: "
                  "a line was lost or misread.")


def settle_total(lines: Sequence[ParsedLine], stated: Decimal | None) -> tuple[Sequence[ParsedLine], str | None]:
    """On an OCR read whose rows print no amount, the printed total chooses between the readings
    of a misread mark (`mark_readings`: "5.000" for 5,000, "145" for 1.45): when the lines do not
    add up to it and exactly one such reading of one line's quantity or price makes them, that
    reading is taken, with a sentence saying so. A row with an amount was settled by its own
    arithmetic and is left alone; anything else (no reading, or two) leaves the lines as read."""
    summed = lines_sum(lines)
    if stated is None or summed is None or adds_up(lines, stated):
        return lines, None
    found: list[tuple[int, str, Decimal]] = []
    for k, line in enumerate(lines):
        if line.amount is not None or line.quantity is None or line.unit_price is None:
            continue
        for name, value, other in (("quantity", line.quantity, line.unit_price),
                                   ("unit_price", line.unit_price, line.quantity)):
            for text in _total_readings(value, count=name == "quantity"):
                alt = parse_decimal(text)
                if alt is not None and abs(summed - value * other + alt * other - stated) <= TOTAL_TOLERANCE:
                    found.append((k, name, alt))
    if len(set(found)) != 1:
        return lines, None
    k, name, alt = found[0]
    was = getattr(lines[k], name)
    fixed = [replace(line, **{name: alt}) if i == k else line for i, line in enumerate(lines)]
    said = name.replace("_", " ")
    return fixed, (f"line {lines[k].line_no}'s {said} read \"{format(was, 'f')}\" was taken as {alt}, "
                   "the reading that makes the lines add up to it")


def _total_readings(value: Decimal, *, count: bool) -> list[str]:
    """`mark_readings` of a number as read; a whole price also as if a leading "0." was lost with
    its point ("723" for 0.723), so that 3291 x 723 offers 3291 x 0.723 as well as 3.291 x 723
    and the total, fitting both, chooses neither."""
    text = format(value, "f")
    lost_zero = [] if count or not text.isdigit() else mark_readings("0" + text)
    return mark_readings(text, count=count) + lost_zero


# --- the pages -------------------------------------------------------------------------------

_PAGE_MARKS = (
    re.compile(r"(?i)\bpage\s*(\d{1,3})\s*(?:of|/)\s*(\d{1,3})\b"),
    re.compile(r"第\s*(\d{1,3})\s*页\s*[,，/]?\s*共\s*(\d{1,3})\s*页"),
    re.compile(r"页\s*[:：]?\s*(\d{1,3})\s*/\s*(\d{1,3})"),
    re.compile(r"(?i)(?<![a-z])p[.:]?\s*(\d{1,3})\s*/\s*(\d{1,3})\b"),
    re.compile(r"(?i)\bseite\s*(\d{1,3})\s*(?:von|/)\s*(\d{1,3})\b"),
    re.compile(r"(?i)\bp[áa]gina\s*(\d{1,3})\s*(?:de|/)\s*(\d{1,3})\b"),
)


def page_marks(text: str) -> list[tuple[int, int]]:
    """(page, of) pairs printed in a line: "Page 1 of 2", 第1页 共2页, 页 1/2, P.001/002, "Página 1 de 2"."""
    found = []
    for pattern in _PAGE_MARKS:
        for m in pattern.finditer(nfkc(text)):
            page, of = int(m.group(1)), int(m.group(2))
            if 1 <= page <= of <= 200:
                found.append((page, of))
    return found


def pages(texts: Sequence[str], present: int) -> ReadCheck | None:
    """Every page the document counts is there; None when no page prints a count."""
    marks = [mark for text in texts for mark in page_marks(text)]
    if not marks:
        return None
    said = max(of for _page, of in marks)
    if said > present:
        missing = ", ".join(str(n) for n in range(present + 1, said + 1))
        return _check(CheckName.PAGES, CheckOutcome.FAILED,
                      f"The document counts {said} pages but only {present} arrived (page {missing} missing).")
    return _check(CheckName.PAGES, CheckOutcome.PASSED, f"All {said} pages the document counts are there.")


# --- the read as a whole -------------------------------------------------------------------

def verify(lines: Sequence[ParsedLine], notes: Sequence[RowNote], stated_total: Decimal | None,
           *, unread: Sequence[str] = (), grid_rows: int | None = None,
           settled: str | None = None) -> tuple[ReadCheck, ...]:
    """Every check the lines allow, and what could not be vouched for.

    Besides the checks above: a row that could not be read is a failed check; printed prices
    that neither the row amounts nor a total vouch for, and a set of rows that neither a total
    nor row numbers count, are checks not made (which keep an OCR read out of `accepted`).
    `settled` is the sentence of a reading `settle_total` took to make the lines add up.
    """
    checks = [_check(CheckName.ROW_READ, CheckOutcome.FAILED, sentence) for sentence in unread]
    checks += arithmetic(lines, notes)
    numbered = row_numbers([n.number for n in _padded(notes, len(lines))], grid_rows)
    summed = total(lines, stated_total, settled)
    checks += [c for c in (numbered, summed) if c is not None]
    total_ok = summed is not None and summed.outcome is CheckOutcome.PASSED
    if not total_ok and any(ln.unit_price is not None and ln.amount is None for ln in lines):
        checks.append(_check(CheckName.ROW_ARITHMETIC, CheckOutcome.NOT_MADE,
                             "The unit prices could not be checked: the rows print no amount and the "
                             "order no total to add them up to."))
    if summed is None and numbered is None:
        checks.append(_check(CheckName.ROW_NUMBERS, CheckOutcome.NOT_MADE,
                             "Whether every row was read could not be checked: the rows are not numbered "
                             "and the order prints no total."))
    return tuple(checks)


def _padded(notes: Sequence[RowNote], n: int) -> list[RowNote]:
    return list(notes[:n]) + [RowNote()] * max(0, n - len(notes))


def _check(name: CheckName, outcome: CheckOutcome, message: str, line_no: int | None = None) -> ReadCheck:
    return ReadCheck(name, outcome, message, line_no)


def with_checks(line: ParsedLine, values: RowValues) -> ParsedLine:
    """The line with the row's settled numbers."""
    return replace(line, quantity=values.quantity, unit_price=values.price, amount=values.amount)
