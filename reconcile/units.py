"""Unit codes and conversion to an item's base unit.

Orders write units many ways (箱, CTN, CT, BX); the catalog and the checks speak in codes
(`PCS`, `BOX`, `ROLL`, `M`, `KG`), and every quantity check is made in the base unit.
"""
from __future__ import annotations

import unicodedata
from decimal import Decimal

from reconcile.catalog import Material, UnitConversion

_ALIASES: dict[str, tuple[str, ...]] = {
    # Traditional spellings (個 隻 張 捲) come from Taiwan and Hong Kong customers.
    "PCS": ("个", "個", "只", "隻", "张", "張", "件", "PCS", "PC", "EA", "PCE"),
    "BOX": ("箱", "CTN", "CT", "CA", "BX", "BOX"),
    "ROLL": ("卷", "捲", "ROLL", "RL", "RO"),
    "M": ("米", "M", "MR", "MTR"),
    "KG": ("公斤", "千克", "KG", "KGM"),
}
UNIT_CODES: dict[str, str] = {alias: code for code, aliases in _ALIASES.items() for alias in aliases}


def unit_code(written: str | None) -> str | None:
    """The unit code for a unit as written ("箱" -> "BOX"); an unknown unit comes back as written."""
    if written is None:
        return None
    cleaned = unicodedata.normalize("NFKC", written).strip().rstrip(".")
    if not cleaned:
        return None
    return UNIT_CODES.get(cleaned.upper(), cleaned)


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

    The same unit is rate 1; an item-specific row beats a row for any item.
    """
    base = unit_code(material.base_unit)
    code = unit_code(unit) if unit else base
    if code == base:
        return Decimal(1)
    for owner in (material.number, None):
        for conv in table.get((owner, code), ()):
            if unit_code(conv.to_unit) == base and conv.rate > 0:
                return conv.rate
    return None


def to_base(quantity: Decimal, rate: Decimal) -> Decimal:
    """A quantity in the ordered unit expressed in the base unit."""
    return quantity * rate


def from_base(quantity: Decimal, rate: Decimal) -> Decimal:
    """A base-unit quantity expressed in the ordered unit (the inverse of `to_base`)."""
    return quantity / rate
