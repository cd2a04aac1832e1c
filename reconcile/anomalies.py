"""Anomalies are data: a code from CONTRACT §4 and a sentence a clerk (or customer) reads."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnomalyCode(StrEnum):
    """CONTRACT §4. Order-level codes first, then line-level ones."""

    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"
    DUPLICATE_PO = "DUPLICATE_PO"
    MISSING_FIELD = "MISSING_FIELD"
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    DELIVERY_DATE_INFEASIBLE = "DELIVERY_DATE_INFEASIBLE"
    CREDIT_LIMIT_EXCEEDED = "CREDIT_LIMIT_EXCEEDED"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    UNKNOWN_ITEM = "UNKNOWN_ITEM"
    AMBIGUOUS_ITEM = "AMBIGUOUS_ITEM"
    INACTIVE_ITEM = "INACTIVE_ITEM"
    PRICE_MISMATCH = "PRICE_MISMATCH"
    NO_PRICE = "NO_PRICE"
    QTY_NOT_PACK_MULTIPLE = "QTY_NOT_PACK_MULTIPLE"
    BELOW_MIN_QTY = "BELOW_MIN_QTY"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    UNIT_MISMATCH = "UNIT_MISMATCH"


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One finding. `line_no` is None for order-level codes; `detail` holds the numbers behind it."""

    code: AnomalyCode
    message: str
    line_no: int | None = None
    detail: tuple[tuple[str, str], ...] = ()
