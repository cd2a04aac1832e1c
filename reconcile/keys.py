"""How catalog values are keyed for lookup: codes, barcodes, item texts and their bigrams.

Shared by the snapshot and by its packed form, which must key everything exactly alike.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from reconcile.textnorm import tokens


def code_key(code: str | None) -> str:
    """An item or customer code for lookup: NFKC, upper-case, no white space."""
    if not code:
        return ""
    return "".join(unicodedata.normalize("NFKC", code).upper().split())


def barcode_key(code: str | None) -> str:
    """A GTIN for lookup: digits only, leading zeros dropped (GTIN-13 and GTIN-14 agree)."""
    if not code:
        return ""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", code) if ch.isdigit())
    return digits.lstrip("0")


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One text an item can be ordered by: our name + spec, or a customer's item name."""

    material: str
    text: str
    tokens: tuple[str, ...]
    joined: str          # tokens joined by spaces, what rapidfuzz scores
    compact: str         # tokens joined without spaces, for exact comparison


def name_entry(material: str, text: str) -> NameEntry:
    toks = tokens(text)
    return NameEntry(material, text, toks, " ".join(toks), "".join(toks))


def bigrams(text: str) -> set[str]:
    """Character bigrams of a compact string (a single character counts as one)."""
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def group(pairs: Iterable[tuple]) -> dict:
    """Key -> tuple of values, keeping first-seen order and dropping repeats."""
    grouped: dict = {}
    for key, value in pairs:
        bucket = grouped.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)
    return {key: tuple(values) for key, values in grouped.items()}
