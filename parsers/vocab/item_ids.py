"""Whose item code is it: the qualifiers EDI puts before an item number, sorted by owner.

An order may name an item by the buyer's own code (kept as `customer_sku` and matched through
the customer's item list), by our code (a vendor's or supplier's number: matched as our
FNumber), by a GTIN (matched as a barcode), or by a code whose owner it does not say. X12
writes the qualifier from code list 235 before each value (PO1 ... BP 123 VN 456), EDIFACT from
code list 7143 (LIN/PIA C212: 123:IN, 456:SA, 4006381333931:SRV). Qualifiers that carry no item
number (a description, a customs tariff) are neither.
"""
from __future__ import annotations

from dataclasses import dataclass

CUSTOMER = "customer"   # the buyer's own code
OURS = "ours"           # the vendor's code, i.e. ours
GTIN = "gtin"           # a barcode number
NOT_AN_ID = "not_an_id"  # text or a classification, never matched as an item

# X12 235 Product/Service ID Qualifier. Within one owner the earlier qualifier is preferred.
X12: dict[str, tuple[str, ...]] = {
    CUSTOMER: ("BP", "IN", "SK", "CB", "PI"),
    OURS: ("VP", "VN", "VC", "VA", "MG"),
    GTIN: ("EN", "UP", "UK", "UA", "EA", "UI"),
    NOT_AN_ID: ("PD", "PL", "CH", "B8", "LT", "SN"),
}
# UN/EDIFACT 7143 Item type identification code.
EDIFACT: dict[str, tuple[str, ...]] = {
    CUSTOMER: ("IN", "BP"),
    OURS: ("SA", "VN", "VP", "MF"),
    GTIN: ("SRV", "EN", "SRS", "UP"),
    NOT_AN_ID: ("HS", "CG", "NB", "SN", "GB", "GN", "CC"),
}
STANDARDS = {"x12": X12, "edifact": EDIFACT}


@dataclass(frozen=True, slots=True)
class SortedIds:
    """A line's codes by owner; `code` is an unowned code, kept only when no owned one exists."""

    customer_sku: str | None = None
    our_sku: str | None = None
    barcode: str | None = None
    code: str | None = None


def owner(qualifier: str, standard: str) -> str | None:
    """Whose code a qualifier marks (CUSTOMER, OURS, GTIN, NOT_AN_ID), None when unknown."""
    q = qualifier.strip().upper()
    return next((who for who, quals in STANDARDS[standard].items() if q in quals), None)


def _preferred(ids: list[tuple[str, str]], qualifiers: tuple[str, ...]) -> str | None:
    ranked = [(qualifiers.index(q), i) for i, (q, _) in enumerate(ids) if q in qualifiers]
    return ids[min(ranked)[1]][1] if ranked else None


def sort_ids(ids: list[tuple[str, str]] | tuple[tuple[str, str], ...], standard: str) -> SortedIds:
    """Sort qualifier/value pairs of one line into the buyer's code, ours, a GTIN and the rest."""
    table = STANDARDS[standard]
    pairs = [(q.strip().upper(), v) for q, v in ids if v]
    customer = _preferred(pairs, table[CUSTOMER])
    ours = _preferred(pairs, table[OURS])
    barcode = _preferred(pairs, table[GTIN])
    known = {q for quals in table.values() for q in quals}
    code = None
    if customer is None and ours is None and barcode is None:
        code = next((v for q, v in pairs if q not in known), None)
    return SortedIds(customer, ours, barcode, code)


def is_gtin(text: str | None) -> bool:
    """True for a GTIN-8, -12, -13 or -14 whose check digit is right (a barcode, not any number)."""
    digits = (text or "").strip()
    if len(digits) not in (8, 12, 13, 14) or not digits.isdigit():
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check
