"""Words that say whether an order's prices include value-added tax (含税) or not (不含税).

A document may say it in its price column's heading ("不含税单价", "Net Price", "Prix HT") or in
a sentence anywhere ("以上价格不含税", "All prices excl. VAT"). Only explicit phrases count in
free text: "net" alone is payment terms there ("Net 30") and "HT" an item code prefix, so they
count in a price heading only.
"""
from __future__ import annotations

import re

from parsers.vocab.numbers import nfkc

_TAX = r"(?:vat|tax|gst|mwst|ust|iva|tva)"
# Tax-exclusive phrases, in Chinese (simplified and traditional), English, German, Spanish, French.
_EXCLUSIVE = re.compile(
    r"不含(?:\s*\d+(?:\.\d+)?\s*%)?\s*(?:增值)?[税稅]|未含?[税稅]|[税稅]前|除[税稅]"
    rf"|\bexcl(?:\.|uding|usive\s+of)?\s*{_TAX}\b|\bex\.?\s*{_TAX}\b|\bwithout\s+{_TAX}\b"
    rf"|\bplus\s+{_TAX}\b|\bnet\s+of\s+{_TAX}\b|\bbefore\s+{_TAX}\b|\+\s*{_TAX}\b"
    rf"|\bzzgl\.?\s*{_TAX}\b|\bzuzüglich\s+(?:{_TAX}|mehrwertsteuer)\b|\bohne\s+{_TAX}\b"
    r"|\bsin\s+iva\b|\bm[aá]s\s+iva\b|\biva\s+no\s+incluido\b|\bhors\s+taxes?\b"
    r"|\b(?:prix|montant|total|tarif)s?(?:\s+unitaires?)?\s+ht\b",
    re.I)
# Tax-inclusive phrases; "含税" only where it is not the tail of "不含税" / "未含税".
_INCLUSIVE = re.compile(
    r"(?<![不未])含(?:\s*\d+(?:\.\d+)?\s*%)?\s*(?:增值)?[税稅]|[价價][税稅]合[计計]单价"
    rf"|\bincl(?:\.|uding|usive\s+of)?\s*{_TAX}\b|\binkl(?:\.|usive)?\s*{_TAX}\b"
    rf"|\bwith\s+{_TAX}\b|\b{_TAX}\s+incl(?:\.|uded)?\b|\biva\s+incluido\b|\bcon\s+iva\b|\bttc\b"
    r"|\btoutes\s+taxes\s+comprises\b",
    re.I)
# In a price heading only: "HT" alone is an item code prefix in free text ("HT-2031").
_NET_HEADING = re.compile(r"\bnet(?:to)?\b|^net|netto|\bneto\b|\bnett\b|\bht\b", re.I)
_GROSS_HEADING = re.compile(r"\bgross\b|brutto|\bbruto\b", re.I)


def says_tax_included(text: str | None) -> bool | None:
    """True when `text` says prices include tax, False when it says they do not, None when it
    says neither or both (a document that says both is not taken at its word)."""
    folded = nfkc(text or "")
    exclusive = bool(_EXCLUSIVE.search(folded))
    inclusive = bool(_INCLUSIVE.search(folded))
    if exclusive == inclusive:
        return None
    return inclusive


def heading_tax_included(heading: str | None) -> bool | None:
    """What a price column's heading says about tax: its explicit words, else "net" / "gross"."""
    said = says_tax_included(heading)
    if said is not None:
        return said
    folded = nfkc(heading or "")
    if _NET_HEADING.search(folded):
        return False
    if _GROSS_HEADING.search(folded):
        return True
    return None
