"""How a table prints its numbers, told by its own rows: evidence for choosing between the
readings of a number a scan misread.

A recogniser that loses a price's decimal point ("180" for 1.80) or reads a quantity's
thousands comma as a point ("7.100" for 7,100) leaves a number that still parses, and often
the row arithmetic fits two readings alike (498 x 1.80 and 4.98 x 180 both make 896.40). The
column's other rows say which: a price column whose every other price prints decimals, a
quantity column of whole counts. Nothing here reads a page; the readers hand in cell texts.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# A column "prints decimals" when at least this share of its readable numbers do, and "prints
# whole numbers" when at most 1 - this share do; in between it says nothing.
_CLEAR_SHARE = Decimal("0.75")
_MIN_NUMBERS = 3


def has_fraction(value: Decimal) -> bool:
    """Whether a number as read shows decimals ("1.80", "7.100"; not "180" or "7,100")."""
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent < 0


def _says(with_fraction: int, read: int) -> bool | None:
    """True when a column's numbers mostly print decimals, False when mostly whole, None when
    the column is mixed or too short to say."""
    if read < _MIN_NUMBERS:
        return None
    share = Decimal(with_fraction) / read
    if share >= _CLEAR_SHARE:
        return True
    return False if share <= 1 - _CLEAR_SHARE else None


@dataclass(frozen=True, slots=True)
class ColumnStyle:
    """How many of a table's quantities and prices as read print decimals, of how many read."""

    quantities: tuple[int, int] = (0, 0)
    prices: tuple[int, int] = (0, 0)

    def fraction(self, column: int, own: Decimal | None = None) -> bool | None:
        """Whether column 0 (quantity) or 1 (price) prints decimals, told by its rows other than
        the one whose number reads `own`; None when they do not say (an amount never says)."""
        if column not in (0, 1):
            return None
        with_fraction, read = (self.quantities, self.prices)[column]
        if own is not None:
            with_fraction, read = with_fraction - has_fraction(own), read - 1
        return _says(with_fraction, read)

    def in_keeping(self, column: int, value: Decimal, own: Decimal | None = None) -> bool:
        """Whether `value` in column 0, 1 or 2 looks like the column's other numbers (those but
        the row's own, read `own`); a column that does not say keeps any value."""
        said = self.fraction(column, own)
        return said is None or has_fraction(value) == said


def _count(values: Iterable[Decimal | None]) -> tuple[int, int]:
    read = [v for v in values if v is not None]
    return sum(has_fraction(v) for v in read), len(read)


def column_style(quantities: Iterable[Decimal | None], prices: Iterable[Decimal | None]) -> ColumnStyle:
    """The style a table's quantity and price cells show, from their numbers as read."""
    return ColumnStyle(_count(quantities), _count(prices))
