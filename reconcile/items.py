"""Which of our items an order line means: by code first, then by what its text says.

Codes are tried in order of trust (our FNumber, the customer's own code, a GTIN). Text is
compared with every item's "name + spec" and the customer's item names: an exact match,
then a description that names every word of exactly one item, then a description whose
words all sit in the catalog text of exactly one item, then a fuzzy score. Two items that
fit equally well are `Ambiguous`, never a guess.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import LCSseq, Levenshtein

from parsers.model import ParsedLine
from reconcile.catalog import Material
from reconcile.snapshot import CatalogSnapshot, NameEntry
from reconcile.textnorm import all_tokens_in, tokens

FUZZY_THRESHOLD = 85.0     # share of a description (0-100) an item must hold to be meant by it
FUZZY_TIE = 1.0            # scores this close count as "equally well"
_MIN_COVER = 0.5           # an item named inside a text must account for half of the text
_MAX_LISTED = 50           # an ambiguous description lists at most this many items
_GTIN = re.compile(r"\d{8}|\d{12,14}")


@dataclass(frozen=True, slots=True)
class Match:
    """One item, and how it was found ("our code", "customer code", "barcode", "name", "fuzzy").

    `text` is the catalog or customer-item text a fuzzy match was closest to, so a line read
    by OCR can be shown as the text it most likely says.
    """

    material: Material
    how: str
    text: str | None = None


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
    for code in (line.our_sku, line.code, *(value for _, value in line.ids)):
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
    near = list(own) + catalog.name_candidates(compact)
    found = _named_inside(query, compact, near)
    if not found:
        holding = catalog.containing(query)
        found = _containing_all(query, near if holding is None else list(own) + holding)
    if found:
        return _decide(catalog, found, "name")
    return _fuzzy(query, near, catalog)


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


def _containing_all(query: tuple[str, ...], candidates: list[NameEntry]) -> set[str]:
    """Items whose catalog text contains every word of the description (at most _MAX_LISTED)."""
    found: set[str] = set()
    for e in candidates:
        if all(t in e.compact for t in query) and all_tokens_in(query, e.tokens):
            found.add(e.material)
            if len(found) >= _MAX_LISTED:
                break
    return found


def _fuzzy(query: tuple[str, ...], candidates: list[NameEntry], catalog: CatalogSnapshot) -> ItemMatch:
    """The items that hold the description best, allowing a few misread characters.

    rapidfuzz's longest common subsequence bounds each candidate's score from above, so the
    character-level alignment runs only for the few that could still win.
    """
    compact = "".join(query)
    cutoff = math.ceil(FUZZY_THRESHOLD * len(compact) / 100)
    ranked = process.extract(compact, [e.compact for e in candidates], scorer=LCSseq.similarity,
                             score_cutoff=cutoff, limit=None)
    best: dict[str, float] = {}
    texts: dict[str, str] = {}
    top = 0.0
    for _, common, i in ranked:
        if 100 * common / len(compact) < top - FUZZY_TIE:
            break
        score = held_score(query, candidates[i].tokens)
        if score >= FUZZY_THRESHOLD and score > best.get(candidates[i].material, 0.0):
            best[candidates[i].material] = score
            texts[candidates[i].material] = candidates[i].text
            top = max(top, score)
    if not best:
        return NoMatch()
    found = _decide(catalog, {m for m, s in best.items() if s >= top - FUZZY_TIE}, "fuzzy")
    if isinstance(found, Match):
        return Match(found.material, found.how, texts.get(found.material.number))
    return found


def held_score(query: tuple[str, ...], words: tuple[str, ...]) -> float:
    """How much of a description (its words) a catalog text (its words) holds, 0-100.

    The share of the description's characters found in order in the text: words the
    description leaves out cost nothing, a missing or misread character costs one. A number
    never changes: each digit of the description must be in the text as written, and the
    text's number may not be longer ("30" is not "300"), though a misread non-digit may stand
    for one digit ("33Oml" is "330ml").
    """
    compact, text = "".join(query), "".join(words)
    bounds = _Bounds(compact, text, set(itertools.accumulate(len(w) for w in query)),
                     set(itertools.accumulate(len(w) for w in words)))
    # Equally long alignments place a misread digit differently; either reading may be the one
    # that keeps every number whole, so the fewest-errors one and the fewest-edits one are tried.
    return max(_aligned_score(bounds, LCSseq.opcodes(compact, text)),
               _aligned_score(bounds, Levenshtein.opcodes(compact, text)))


def _aligned_score(bounds: _Bounds, opcodes) -> float:
    errors = 0
    for i1, i2, j1, j2 in _gaps(opcodes):
        if any(ch.isdigit() for ch in bounds.compact[i1:i2]) or bounds.changes_number(i1, i2, j1, j2):
            return 0.0
        errors += i2 - i1
    return max(0.0, 100.0 * (1 - errors / len(bounds.compact)))


def _gaps(opcodes) -> list[tuple[int, int, int, int]]:
    """Where the longest common subsequence leaves (description span, text span) unmatched."""
    gaps: list[list[int]] = []
    last_end = -1
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if gaps and last_end == (i1, j1):
            gaps[-1][1], gaps[-1][3] = i2, j2
        else:
            gaps.append([i1, i2, j1, j2])
        last_end = (i2, j2)
    return [tuple(g) for g in gaps]


@dataclass(frozen=True, slots=True)
class _Bounds:
    """A description, a catalog text and where each one's words start."""

    compact: str
    text: str
    query_starts: set[int]
    text_starts: set[int]

    def changes_number(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        """Whether text[j1:j2] standing for compact[i1:i2] lengthens or splits a number."""
        q, t = self.compact, self.text
        before = i1 > 0 and q[i1 - 1].isdigit() and j1 not in self.text_starts
        after = i2 < len(q) and q[i2].isdigit() and j2 not in self.text_starts
        if i1 == i2 and before and after and i1 not in self.query_starts:
            return True                       # "12" is not "1×2"
        extra = sum(ch.isdigit() for ch in t[j1:j2]) - (i2 - i1)
        touches = (before and (t[j1].isdigit() or t[j1:j1 + 2].startswith(".") and t[j1 + 1:j1 + 2].isdigit())) \
            or (after and t[j2 - 1].isdigit())
        return touches and extra > 0


def _decide(catalog: CatalogSnapshot, numbers, how: str) -> ItemMatch:
    distinct = sorted(set(numbers))
    if len(distinct) == 1:
        material = catalog.material(distinct[0])
        return Match(material, how) if material is not None else NoMatch()
    return Ambiguous(tuple(distinct))
