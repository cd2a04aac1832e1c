"""Several misread numbers of one faxed order, vouched for together by its printed total.

`checks.settle_total` takes back one misread mark of one line. A scan often misreads the same
mark on several lines of one page ("7.100" and "1.600" for 7,100 and 1,600 where the rows print
no amount), and then no single reading adds up. Trying every reading of every line together
would let the total vouch for a chance fit, so only numbers that the page itself doubts are
re-read: a count of whole things read with decimals (7.1 PCS), a quantity or a price unlike
its column's other rows (a price without decimals among prices with them). Exactly one
combination of their readings, each in keeping with its column, must make the lines add up.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from parsers.layout.checks import TOTAL_TOLERANCE, adds_up, lines_sum, settle_total
from parsers.layout.numberstyle import ColumnStyle, column_style
from parsers.layout.rowsettle import mark_readings
from parsers.model import ParsedLine
from parsers.vocab.numbers import parse_decimal
from parsers.vocab.units import is_counted

MAX_TRIALS = 4096  # combinations tried at most; a page doubting more numbers is left to a clerk

Change = tuple[int, str, Decimal]  # line index, "quantity" or "unit_price", the reading taken


def settle_by_total(lines: Sequence[ParsedLine], stated: Decimal | None) -> tuple[Sequence[ParsedLine], str | None]:
    """An OCR read's lines settled by the printed total where their rows print no amount: one
    misread mark of one line (`checks.settle_total`), else the numbers the page doubts together,
    else one unreadable quantity worked out; with the sentence saying what was taken."""
    for settle in (settle_total, settle_doubtful, worked_out_quantity):
        fixed, said = settle(lines, stated)
        if said is not None:
            return fixed, said
    return lines, None


def settle_doubtful(lines: Sequence[ParsedLine], stated: Decimal | None) -> tuple[Sequence[ParsedLine], str | None]:
    """The lines with the one combination of readings of their doubted numbers that makes them
    add up to the printed total, and a sentence naming each; the lines as read otherwise.
    Lines that print an amount were settled by their own arithmetic and are left alone."""
    summed = lines_sum(lines)
    if stated is None or summed is None or adds_up(lines, stated):
        return lines, None
    style = column_style([ln.quantity for ln in lines], [ln.unit_price for ln in lines])
    slots = [options for k, line in enumerate(lines) if line.amount is None
             for options in _doubted(k, line, style) if options]
    trials = 1
    for options in slots:
        trials *= len(options) + 1
    if not slots or trials > MAX_TRIALS:
        return lines, None
    # Each line's product rounded to cents may move the sum by half a cent: a near fit is checked whole.
    slack = TOTAL_TOLERANCE + Decimal("0.005") * len(lines)
    found = [changes for pick in itertools.product(*[[None, *options] for options in slots])
             if (changes := [c for c in pick if c is not None])
             and abs(summed + _delta(lines, changes) - stated) <= slack and adds_up(_changed(lines, changes), stated)]
    if len(found) != 1:
        return lines, None
    return _applied(lines, found[0])


def _doubted(k: int, line: ParsedLine, style: ColumnStyle) -> list[list[Change]]:
    """The readings, in keeping with their columns, of the line's quantity and price where the
    page doubts them: a whole-thing count with decimals, or a number unlike its column."""
    q, p = line.quantity, line.unit_price
    slots: list[list[Change]] = []
    if q is not None:
        counted = is_counted(line.unit)
        if (counted and q != q.to_integral_value()) or not style.in_keeping(0, q, q):
            texts = mark_readings(format(q, "f"), count=True)
            slots.append([(k, "quantity", v) for v in _values(texts) if style.in_keeping(0, v, q)
                          and not (counted and v != v.to_integral_value())])
    if p is not None and not style.in_keeping(1, p, p):
        text = format(p, "f")
        texts = mark_readings(text) + (mark_readings("0" + text) if text.isdigit() else [])  # "145" for 0.145 too
        slots.append([(k, "unit_price", v) for v in _values(texts) if style.in_keeping(1, v, p) and v != p])
    return slots


def _values(texts: list[str]) -> list[Decimal]:
    found: list[Decimal] = []
    for value in map(parse_decimal, texts):
        if value is not None and value not in found:
            found.append(value)
    return found


def _delta(lines: Sequence[ParsedLine], changes: list[Change]) -> Decimal:
    """How much the lines' sum moves with the changes (a line's quantity and price may both change)."""
    new = {k: [lines[k].quantity or Decimal(0), lines[k].unit_price or Decimal(0)] for k, _n, _v in changes}
    for k, name, value in changes:
        new[k][name == "unit_price"] = value
    return sum((q * p - (lines[k].quantity or 0) * (lines[k].unit_price or 0) for k, (q, p) in new.items()), Decimal(0))


def _changed(lines: Sequence[ParsedLine], changes: list[Change]) -> list[ParsedLine]:
    fixed = list(lines)
    for k, name, value in changes:
        fixed[k] = replace(fixed[k], **{name: value})
    return fixed


def _applied(lines: Sequence[ParsedLine], changes: list[Change]) -> tuple[list[ParsedLine], str]:
    said = [f"line {lines[k].line_no}'s {name.replace('_', ' ')} read \"{format(getattr(lines[k], name), 'f')}\" "
            f"was taken as {value}" for k, name, value in changes]
    return _changed(lines, changes), ("; ".join(said) + ", the readings in keeping with their columns that together make the lines "
                   "add up to it")


def worked_out_quantity(lines: Sequence[ParsedLine], stated: Decimal | None) -> tuple[Sequence[ParsedLine], str | None]:
    """A faxed order whose one line was kept without a quantity (its cell unreadable) and whose
    rows print no amount: that quantity worked out from the printed total, when every other line
    adds up, the line prints a price and the quantity comes out a whole number above 0. The total
    then vouches for nothing (the sentence says "worked out", and `checks.total` says not made)."""
    missing = [k for k, line in enumerate(lines) if line.quantity is None]
    if stated is None or len(missing) != 1:
        return lines, None
    k = missing[0]
    line = lines[k]
    rest = lines_sum([other for i, other in enumerate(lines) if i != k])
    if rest is None or not line.unit_price or line.amount is not None:
        return lines, None
    whole = ((stated - rest) / line.unit_price).to_integral_value()
    fixed = [replace(line, quantity=whole) if i == k else other for i, other in enumerate(lines)]
    if whole <= 0 or not adds_up(fixed, stated):
        return lines, None
    return fixed, f"line {line.line_no}'s quantity could not be read; {whole} was worked out from the printed total"

