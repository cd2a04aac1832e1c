"""Unit codes and conversion to an item's base unit.

Orders write units many ways (箱, CTN, CT, BX; 包, PK); the catalog and the checks speak in codes
(`PCS`, `BOX`, `PACK`, `ROLL`, `M`, `KG`), and every quantity check is made in the base unit.
The words themselves live in `parsers.vocab.units`, the one table every reader uses too.
"""
from __future__ import annotations

import unicodedata
from decimal import Decimal

from parsers.vocab import units as vocab
from reconcile.catalog import Material, UnitConversion


def _written(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).strip().rstrip(".").strip()


def unit_code(written: str | None) -> str | None:
    """The unit code for a unit as written ("箱" -> "BOX"); an unknown unit comes back as written."""
    if written is None:
        return None
    cleaned = _written(written)
    if not cleaned:
        return None
    return vocab.unit_code(cleaned) or cleaned


ConversionTable = dict[tuple[str | None, str], tuple[UnitConversion, ...]]


def index_conversions(units: tuple[UnitConversion, ...]) -> ConversionTable:
    """Group conversions by (material or None, from-unit code) for constant-time lookup."""
    table: dict[tuple[str | None, str], list[UnitConversion]] = {}
    for conv in units:
        key = (conv.material or None, unit_code(conv.from_unit) or conv.from_unit)
        table.setdefault(key, []).append(conv)
    return {key: tuple(rows) for key, rows in table.items()}


def conversion_rate(table: ConversionTable, material: Material, unit: str | None) -> Decimal | None:
    """How many base units one `unit` of `material` is; None when the catalog cannot say.

    The same unit is rate 1; an item-specific row beats a row for any item; a row whose unit is
    written exactly as ordered beats one that only shares its code (盒 and 箱 both read BOX), and
    rows that disagree leave the rate unknown rather than guessed. Units fixed by definition (a
    dozen, a tonne) convert without a row.
    """
    base = unit_code(material.base_unit)
    code = unit_code(unit) if unit else base
    if code == base:
        return Decimal(1)
    written = _written(unit or "").upper()
    for owner in (material.number, None):
        rows = [c for c in table.get((owner, code), ()) if unit_code(c.to_unit) == base and c.rate > 0]
        exact = [c for c in rows if _written(c.from_unit).upper() == written]
        rates = {c.rate for c in (exact or rows)}
        if len(rates) == 1:
            return rates.pop()
        if rates:
            return None
    return vocab.fixed_rate(code, base) if code and base else None


def to_base(quantity: Decimal, rate: Decimal) -> Decimal:
    """A quantity in the ordered unit expressed in the base unit."""
    return quantity * rate


def from_base(quantity: Decimal, rate: Decimal) -> Decimal:
    """A base-unit quantity expressed in the ordered unit (the inverse of `to_base`)."""
    return quantity / rate
