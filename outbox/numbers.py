"""How quantities and prices are written in outgoing EDI: plain decimals, no exponent, no trailing zeros."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def edi_number(value: Any) -> str:
    """`Decimal("20000.00")` → "20000", `"0.0450"` → "0.045", None → ""; text that is no number as is."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
