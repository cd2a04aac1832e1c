"""Which of our items an order line means: by code first, then by what its text says.

Codes are tried in order of trust (our FNumber, the customer's own code, a GTIN). Text is
compared with every item's "name + spec" and the customer's item names: an exact match,
then a description that names every word of exactly one item, then a description whose
words all sit in the catalog text of exactly one item, then a fuzzy score. Two items that
fit equally well are `Ambiguous`, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from parsers.model import ParsedLine
from reconcile.catalog import Material
from reconcile.snapshot import CatalogSnapshot, NameEntry
from reconcile.textnorm import all_tokens_in, tokens

FUZZY_THRESHOLD = 85.0     # rapidfuzz ratio (0-100) below which a text names nothing we sell
FUZZY_TIE = 1.0            # scores this close count as "equally well"
_MIN_COVER = 0.5           # an item named inside a text must account for half of the text
_GTIN = re.compile(r"\d{8}|\d{12,14}")


@dataclass(frozen=True, slots=True)
class Match:
    """One item, and how it was found ("our code", "customer code", "barcode", "name", "fuzzy")."""

    material: Material
    how: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Several items fit the line equally well (their FNumbers, sorted)."""

    candidates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Nothing we sell fits the line."""


ItemMatch = Match | Ambiguous | NoMatch


def looks_like_gtin(code: str | None) -> bool:
    """8, 12, 13 or 14 digits: an EAN/UPC/GTIN rather than an item code."""
    return bool(code) and _GTIN.fullmatch(code.strip()) is not None


def match_item(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ItemMatch:
    """The item an order line asks for, trying codes before text."""
    for code in (line.our_sku, line.code):
        found = catalog.material(code)
        if found is not None:
            return Match(found, "our code")
    for code in (line.customer_sku, line.code):
        item = catalog.customer_item(customer, code)
        if item is not None and catalog.material(item.material) is not None:
            return Match(catalog.material(item.material), "customer code")
    by_code = _match_barcode(line, catalog)
    if not isinstance(by_code, NoMatch):
        return by_code
    if line.description:
        return match_text(line.description, customer, catalog)
    return NoMatch()


def _match_barcode(line: ParsedLine, catalog: CatalogSnapshot) -> ItemMatch:
    codes = [line.barcode] + [c for c in (line.code, line.customer_sku, line.our_sku) if looks_like_gtin(c)]
    for code in codes:
        numbers = catalog.by_barcode(code)
        if numbers:
            return _decide(catalog, numbers, "barcode")
    return NoMatch()


def match_text(description: str, customer: str | None, catalog: CatalogSnapshot) -> ItemMatch:
    """The item a free-text description names, or why none can be chosen."""
    query = tokens(description)
    if not query:
        return NoMatch()
    compact = "".join(query)
    own = catalog.customer_names(customer)
    exact = {e.material for e in own if e.compact == compact} | set(catalog.exact_name(compact))
    if exact:
        return _decide(catalog, exact, "name")
    candidates = list(own) + catalog.name_candidates(compact)
    for step in (_named_inside, _containing_all):
        found = step(query, compact, candidates)
        if found:
            return _decide(catalog, found, "name")
    return _fuzzy(compact, candidates, catalog)


def _named_inside(query: tuple[str, ...], compact: str, candidates: list[NameEntry]) -> set[str]:
    """Items all of whose words appear in the description; the fullest such items win."""
    weight_of_query = len(compact)
    best, found = 0, set()
    for entry in candidates:
        if not all(t in compact for t in entry.tokens) or not all_tokens_in(entry.tokens, query):
            continue
        weight = len(entry.compact)
        if weight < _MIN_COVER * weight_of_query or weight < best:
            continue
        if weight > best:
            best, found = weight, set()
        found.add(entry.material)
    return found


def _containing_all(query: tuple[str, ...], compact: str, candidates: list[NameEntry]) -> set[str]:
    """Items whose catalog text contains every word of the description."""
    return {e.material for e in candidates
            if all(t in e.compact for t in query) and all_tokens_in(query, e.tokens)}


def _fuzzy(compact: str, candidates: list[NameEntry], catalog: CatalogSnapshot) -> ItemMatch:
    best: dict[str, float] = {}
    for entry in candidates:
        score = fuzz.ratio(compact, entry.compact, score_cutoff=FUZZY_THRESHOLD - FUZZY_TIE)
        if score > best.get(entry.material, 0.0):
            best[entry.material] = score
    if not best:
        return NoMatch()
    top = max(best.values())
    if top < FUZZY_THRESHOLD:
        return NoMatch()
    return _decide(catalog, {m for m, s in best.items() if s >= top - FUZZY_TIE}, "fuzzy")


def _decide(catalog: CatalogSnapshot, numbers, how: str) -> ItemMatch:
    distinct = sorted(set(numbers))
    if len(distinct) == 1:
        material = catalog.material(distinct[0])
        return Match(material, how) if material is not None else NoMatch()
    return Ambiguous(tuple(distinct))
