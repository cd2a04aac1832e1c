"""Item codes and units read by OCR, taken back to the catalog's spelling, and the codes that cannot be.

At fax resolution a code's separators are the first thing OCR loses: "1.01.1001" comes out
"1.01:1001", "1.04,1031" or "1.01 1004" (the dot too small to see, the words parted). A code
that is not the catalog's as read but is one of its codes once its doubtful separators are
put back (every ',', ':', ';', '·' or gap between two characters read as the catalog's own
separator) is that code. Only a repair that names one code is made, so nothing is guessed.

A customer's own code read by OCR that the catalog cannot vouch for (not a code of this
customer's for the item the line is matched to) may be a garbled echo of ours or a misread
of theirs: it is named in a sentence, and the order is not accepted on it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from rapidfuzz.distance import Levenshtein

from parsers.model import ParsedLine
from parsers.vocab import misread, units
from reconcile.anomalies import Anomaly, AnomalyCode
from reconcile.items import Match, match_item
from reconcile.result import ReconciledLine
from reconcile.snapshot import CatalogSnapshot
from reconcile.pricing import price_differs
from reconcile.units import unit_code

# Marks OCR reads in place of a code's separator (a dot or a hyphen lost at 200 dpi), and gaps.
_DOUBTFUL = re.compile(r"(?<=[0-9A-Za-z])\s*[,:;·・，：；。]\s*(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])\s+(?=[0-9A-Za-z])")
_SEPARATORS = (".", "-", "/", "_", "")
_MAX_LENGTH = 40
_NEAR_EDITS = 2      # characters a customer code may have lost, gained or changed in the scan ...
_NEAR_MIN_LENGTH = 6  # ... when it is at least this long


def spellings(code: str) -> list[str]:
    """The code with its doubtful separators read as each separator a catalog code may use."""
    text = code.strip()
    if len(text) > _MAX_LENGTH or not _DOUBTFUL.search(text):
        return []
    found = []
    for sep in _SEPARATORS:
        candidate = _DOUBTFUL.sub(sep, text)
        if candidate not in found:
            found.append(candidate)
    return found


def our_code(code: str | None, catalog: CatalogSnapshot) -> str | None:
    """The catalog's FNumber a code read by OCR means when one spelling of it names exactly one item."""
    if not code or catalog.material(code) is not None:
        return None
    numbers = {m.number for s in spellings(code) if (m := catalog.material(s)) is not None}
    if not numbers:
        numbers = {m.number for s in _undoubled(code) + _unspecked(code) for t in (s, *spellings(s))
                   if (m := catalog.material(t)) is not None}
    return numbers.pop() if len(numbers) == 1 else None


def _unspecked(code: str) -> list[str]:
    """The code with one of its dots left out ("2.0.1.1045" for 2.01.1045): a speck the scan read
    as a separator. Tried only when no spelling of the code as read names an item."""
    text = code.strip()
    if len(text) > _MAX_LENGTH:
        return []
    return [text[:i] + text[i + 1:] for i in range(1, len(text) - 1) if text[i] == "." and text[i - 1].isalnum()
            and text[i + 1].isalnum()]


def _undoubled(code: str) -> list[str]:
    """The code with one digit of a doubled pair left out ("1.02.10111", "1.002.1011"): a digit the
    scan read twice. Tried only when no spelling of the code as read names an item."""
    text = code.strip()
    if len(text) > _MAX_LENGTH:
        return []
    return list(dict.fromkeys(text[:i] + text[i + 1:] for i in range(len(text) - 1)
                              if text[i].isdigit() and text[i] == text[i + 1]))


def customer_code(code: str | None, customer: str | None, catalog: CatalogSnapshot) -> str | None:
    """The customer's own code as the catalog spells it, for a code read by OCR that names one.

    A code that names one as read but is spelled otherwise ('KDs-15355' for KDS-15355: lookups
    fold case and spaces) is the catalog's too: a letter's case on a scan is the recogniser's guess;
    so is one that names one once a speck read as a mark at either end is left off ('SC-65731.')."""
    if not code or not customer:
        return None
    stripped = code.strip(_END_SPECKS)
    named = catalog.customer_item(customer, code) or (
        catalog.customer_item(customer, stripped) if stripped != code else None)
    if named is not None:
        return named.code if named.code != code else None
    codes = {item.code for s in spellings(code) if (item := catalog.customer_item(customer, s)) is not None}
    if not codes:  # a speck read as one more dot inside it ("SC-657.31")
        codes = {item.code for s in _unspecked(code) if (item := catalog.customer_item(customer, s)) is not None}
    return codes.pop() if len(codes) == 1 else None


def repaired(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """The line with every code that OCR garbled put back as the catalog spells it, and a unit
    word it misread by a letter as its unit; what names nothing either way stays as read."""
    line = _unglued(line, customer, catalog)
    changes: dict[str, str] = {}
    for name in ("our_sku", "code", "customer_sku"):
        value = getattr(line, name)
        fixed = our_code(value, catalog)
        if fixed is None and name != "our_sku":
            fixed = customer_code(value, customer, catalog)
        if fixed is not None:
            changes[name] = fixed
    near = _customer_code_of_item(changes.get("customer_sku", line.customer_sku),
                                  changes.get("our_sku") or line.our_sku or changes.get("code") or line.code, customer, catalog)
    if near is not None:
        changes["customer_sku"] = near
    unit = _unit(line.unit, catalog)
    if not changes:
        return line if unit == line.unit else replace(line, unit=unit)
    ids = tuple((label, _same_fixed(value, line, changes)) for label, value in line.ids)
    return replace(line, ids=ids, unit=unit, **changes)


_MARKS = " .,:;·・，：；。'`"
_END_SPECKS = _MARKS + "-_~"   # what a speck reads as at a code's either end, where no code has a separator
_TAIL = re.compile(r"[.\-/]?\d[\d.\-/]{2,}")   # the end of a code: digits and separators, three or more
_MIN_TAIL_DIGITS = 3


def tail_repaired(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """The line with a code OCR read only the end of ("049", "1003", ".02.1015" for 2.01.1049,
    1.01.1003, 1.02.1015: the scan lost the code's start) put back as the one catalog code that ends so and whose list price
    (the customer's or the general one) is the row's printed unit price. Without a printed price,
    or with no or several such codes, the line stays as read: the catalog alone cannot vouch."""
    if line.unit_price is None:
        return line
    for name in ("our_sku", "code"):
        value = (getattr(line, name) or "").strip()
        if not _is_tail(value, customer, catalog):
            continue
        priced = [number for number in catalog.numbers_ending_with(value)
                  if _listed_at(number, line.unit_price, customer, catalog)]
        if len(priced) == 1:
            return _with_code(line, name, priced[0])
    return line


def _with_code(line: ParsedLine, name: str, code: str) -> ParsedLine:
    """The line with field `name` holding `code`, and the ids that printed it as read following it."""
    ids = tuple((label, _same_fixed(v, line, {name: code})) for label, v in line.ids)
    return replace(line, ids=ids, **{name: code})


def priced_repaired(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """The line with a code that names nothing as read put back as the one code the row's printed
    price vouches for: one of ours read with one digit more ("1.04.10383": a speck read as a digit),
    or the customer's read without the letters it starts with ("D-51230" or "51230" for PGD-51230).
    Without a printed price, or with no or several such codes, the line stays as read."""
    if line.unit_price is None:
        return line
    for name in ("our_sku", "code", "customer_sku"):
        value = (getattr(line, name) or "").strip()
        if not value or len(value) > _MAX_LENGTH or catalog.material(value) is not None \
                or catalog.customer_item(customer, value) is not None:
            continue
        ours = {m.number for i, ch in enumerate(value) if ch.isdigit() and name != "customer_sku"
                and (m := catalog.material(value[:i] + value[i + 1:])) is not None}
        theirs = {item.code: item.material for item in catalog.customer_items(customer) if name != "our_sku"
                  and item.code.endswith(value) and item.code[:-len(value)].rstrip("-_/. ").isalpha()}
        priced = [code for code, number in [*((n, n) for n in ours), *theirs.items()]
                  if _listed_at(number, line.unit_price, customer, catalog)]
        if len(priced) == 1:
            return _with_code(line, name, priced[0])
    return line


def kilo_repaired(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """The line with a unit read "G" (or "g") where the scan lost the K of "KG" put back as KG,
    when the line's item is counted in kilograms and its list price per kilogram is the row's
    printed unit price (a price per gram would be a thousandth of it). Otherwise as read."""
    if unit_code(line.unit) != "G" or line.unit_price is None:
        return line
    match = match_item(line, customer, catalog)
    if not isinstance(match, Match) or unit_code(match.material.base_unit) != "KG":
        return line
    return replace(line, unit="KG") if _listed_at(match.material.number, line.unit_price, customer, catalog) else line


def _is_tail(value: str, customer: str | None, catalog: CatalogSnapshot) -> bool:
    """A code that may be the end of one of ours: digits and separators, naming nothing as read."""
    return (bool(_TAIL.fullmatch(value)) and sum(ch.isdigit() for ch in value) >= _MIN_TAIL_DIGITS
            and catalog.material(value) is None and catalog.customer_item(customer, value) is None)


def _listed_at(number: str, price: Decimal, customer: str | None, catalog: CatalogSnapshot) -> bool:
    """Whether the item's price list (the customer's entries, or the general ones) holds `price`."""
    entries = catalog.prices(number)
    own = [e for e in entries if customer is not None and e.customer == customer] or [e for e in entries if not e.customer]
    return any(e.price and not price_differs(price, e.price) for e in own)


def glued(text: str | None, customer: str | None, catalog: CatalogSnapshot, before: str = "") -> tuple[str, str] | None:
    """(our code, what is left) for a code read by OCR that names nothing but holds one of our codes
    at its start or end, glued to or run into the next column's text: the customer's code
    ("AJ-929141.02.1014"), a unit ("1.03.1024.套"), spec words ("x 490um 2.01.1046") or a speck
    ("1.01.1003."). Where nothing parts the two (a digit glued to a digit), only the customer's
    code for that item left over vouches for the cut (read whole, or after the stub of it another
    cell holds, `before`: "AJ-8" | "28341.04.1034"). None unless exactly one item is named."""
    whole = (text or "").strip()
    if (not whole or len(whole) > 2 * _MAX_LENGTH or catalog.material(whole) is not None or our_code(whole, catalog)
            or customer_code(whole, customer, catalog) or catalog.customer_item(customer, whole) is not None):
        return None
    t = whole.strip(_END_SPECKS)  # specks at either end ("AJ-30203 1.01.1003.", "-1.04.1038")
    if t != whole and (ours := _ours(t, catalog)):
        return ours, ""
    found: dict[str, str] = {}
    for i in range(1, len(t)):
        for piece, rest, edge in ((t[i:], t[:i], t[i - 1:i + 1]), (t[:i], t[i:], t[i - 1:i + 1])):
            ours = _ours(piece, catalog) if piece == piece.strip(_MARKS) else None
            rest = rest.strip(_MARKS)
            if ours is None:
                continue
            if _vouched(rest, before, ours, customer, catalog) or _parted(edge) and _told(rest):
                found.setdefault(ours, rest)
    return next(iter(found.items())) if len(found) == 1 else None


def _vouched(rest: str, before: str, ours: str, customer: str | None, catalog: CatalogSnapshot) -> str | None:
    """The customer's code for our item that what is left reads as, alone or after a stub of it read
    into another cell."""
    return (_customer_item_code(rest, ours, customer, catalog)
            or (before and rest and _customer_item_code(before + rest, ours, customer, catalog)) or None)


def _told(rest: str) -> bool:
    """Whether what is left beside our code is something a neighbouring column prints: nothing
    (a speck), a unit, a code of the customer's, or words ("x 490um"); not a stub such as "AJ-"."""
    return not rest or bool(units.unit_code(rest)) or _code_like(rest) or " " in rest


def _ours(piece: str, catalog: CatalogSnapshot) -> str | None:
    if len(piece) < 3 or not any(ch.isdigit() for ch in piece):
        return None
    material = catalog.material(piece)
    return material.number if material is not None else our_code(piece, catalog)


def _parted(edge: str) -> bool:
    """Whether the two characters either side of a cut show two things: a mark or gap between them,
    or a letter or ideograph beside a digit."""
    a, b = edge[0], edge[-1]
    return not (a.isalnum() and b.isalnum()) or a.isdigit() != b.isdigit()


def _customer_item_code(rest: str, ours: str, customer: str | None, catalog: CatalogSnapshot) -> str | None:
    """The customer's code in the catalog for our item `ours` that `rest` reads as (or a letter or two off)."""
    item = catalog.customer_item(customer, rest) if rest else None
    if item is not None and item.material == ours:
        return item.code
    return _customer_code_of_item(rest, ours, customer, catalog)


def _unglued(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """The line with a code read glued to the next column's text (`glued`) parted: our code where it
    was read, the customer's code left over as theirs, a unit left over as the unit when none was read."""
    names = ("our_sku", "code", "customer_sku")
    for name in names:
        before = next((v for n in names if n != name and (v := getattr(line, n)) and _stub(v)), "")
        split = glued(getattr(line, name), customer, catalog, before)
        if split is None:
            continue
        ours, rest = split
        theirs = _vouched(rest, before, ours, customer, catalog) or (rest if _code_like(rest) else None)
        changes: dict[str, str | None] = {"our_sku": ours if name == "our_sku" else line.our_sku or ours}
        if name != "our_sku":
            changes[name] = None if name == "customer_sku" else ours
        if theirs and (name == "customer_sku" or not line.customer_sku):
            changes["customer_sku"] = theirs
        if not line.unit and units.unit_code(rest):
            changes["unit"] = rest
        old = getattr(line, name)
        ids = tuple((label, ours if value == old else value) for label, value in line.ids)
        return replace(line, ids=ids, **changes)
    return line


def _stub(text: str) -> bool:
    """The start of a code another cell took the rest of ("AJ-8", "A"): short, and no code of ours."""
    return len(text.strip()) <= 6 and not any(ch.isspace() for ch in text.strip())


def _code_like(text: str) -> bool:
    """A code of the customer's: one word of letters, digits and separators with a digit in it."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_./]{2,39}", text)) and any(ch.isdigit() for ch in text)


def _customer_code_of_item(code: str | None, ours: str | None, customer: str | None,
                           catalog: CatalogSnapshot) -> str | None:
    """The customer's code for the item our own code on the line names, for a customer code that
    OCR read a letter or two off ("PI-47239" for PJJ-47239, "ARC-6191938" for ARC-61938): the
    catalog holds exactly one code of this customer's for that item, and the read is that close to it.
    The item is named by our code, read apart, so the customer code only echoes what the catalog says."""
    if not code or not customer or len(code) < _NEAR_MIN_LENGTH or catalog.customer_item(customer, code) is not None:
        return None
    material = catalog.material(ours)
    if material is None:
        return None
    theirs = [item.code for item in catalog.customer_items(customer) if item.material == material.number]
    if len(theirs) != 1 or Levenshtein.distance(code.upper(), theirs[0].upper()) > _NEAR_EDITS:
        return None
    return theirs[0]


def _unit(written: str | None, catalog: CatalogSnapshot) -> str | None:
    """A unit word OCR misread by a letter ("paurs", "rol") as its unit code; None for a reading
    that is no unit at all ("圃" for 個): the item's own unit stands in, and `doubts` says so.
    A unit the catalog's conversions name is a unit, whether or not the vocabulary knows it."""
    if not written or units.unit_code(written) or any(code == unit_code(written) for _, code in catalog.units):
        return written
    return misread.unit_code(written)


def _same_fixed(value: str, line: ParsedLine, changes: dict[str, str]) -> str:
    """An id printed again in `ids` follows the repair of the field it was read into."""
    for name, fixed in changes.items():
        if getattr(line, name) == value:
            return fixed
    return value


def doubts(printed: tuple[ParsedLine, ...], lines: tuple[ReconciledLine, ...], customer: str | None,
           catalog: CatalogSnapshot) -> tuple[Anomaly, ...]:
    """What an OCR read leaves unchecked: units read as no unit (`unread_units`), units taken
    back from a misreading that the item does not vouch for (`guessed_units`) and customer codes
    the catalog cannot vouch for (`unvouched`)."""
    return (unread_units(printed, lines, catalog) + guessed_units(printed, lines, catalog)
            + unvouched(lines, customer, catalog) + near_codes(printed, lines))


def near_codes(printed: tuple[ParsedLine, ...], lines: tuple[ReconciledLine, ...]) -> tuple[Anomaly, ...]:
    """A doubt for each customer code taken as the catalog's code of the line's item although its
    digits read otherwise ("ARC-6191938" for ARC-61938): letters OCR confuses (J, I, l) and lost
    separators are the scan's, but a digit may be the customer's meaning, so a clerk looks."""
    found = []
    for read, line in zip(printed, lines):
        code, taken = read.customer_sku, line.customer_sku
        if code and taken and code != taken and _digits_besides(code, line.sku) != re.sub(r"\D", "", taken):
            found.append(_doubt("customer code", f"Line {line.line_no}: the customer's item code read from the scan, "
                                f"\"{code}\", was taken as {taken}, their code in the catalog for {line.sku}; "
                                "its digits differ, so a clerk must check it."))
    return tuple(found)


def _digits_besides(code: str, ours: str | None) -> str:
    """The digits of a code as read, less those of our code read glued to its start or end (`glued`)."""
    digits, own = re.sub(r"\D", "", code), re.sub(r"\D", "", ours or "")
    if own and digits != own and digits.endswith(own):
        return digits[:-len(own)]
    return digits[len(own):] if own and digits != own and digits.startswith(own) else digits


def guessed_units(printed: tuple[ParsedLine, ...], lines: tuple[ReconciledLine, ...],
                  catalog: CatalogSnapshot) -> tuple[Anomaly, ...]:
    """A doubt for each line whose unit was read back from a misreading ("B0X" as BOX, "paurs"
    as PR) to a unit that is not the matched item's own: only the item's unit vouches for a guess."""
    found = []
    for read, line in zip(printed, lines):
        written = read.unit
        if not written or _unit(written, catalog) == written or _unit(written, catalog) is None:
            continue
        own = (m := catalog.material(line.sku)) and unit_code(m.base_unit) if line.sku else None
        if own != line.unit:
            found.append(_doubt("unit", f"Line {line.line_no}: the unit read from the scan, \"{written}\", was taken "
                                f"as {line.unit}, which is not the item's own unit ({own or 'no item matched'}); "
                                "a clerk must check it."))
    return tuple(found)


def unread_units(printed: tuple[ParsedLine, ...], lines: tuple[ReconciledLine, ...],
                 catalog: CatalogSnapshot) -> tuple[Anomaly, ...]:
    """A doubt for each line whose unit was read as something that is no unit: the item's own
    unit stood in for it, which nobody checked."""
    return tuple(_doubt("unit", f"Line {line.line_no}: the unit read from the scan, \"{read.unit}\", is no unit; "
                                f"the item's unit {line.unit or '(none)'} was assumed, so a clerk must check it.")
                 for read, line in zip(printed, lines) if read.unit and _unit(read.unit, catalog) is None)


def _doubt(check: str, sentence: str) -> Anomaly:
    """A check an OCR read could not make, as `reconcile.checks.read_doubts` reports them."""
    return Anomaly(AnomalyCode.MISSING_FIELD, f"{sentence} (the {check} check could not be made)", None,
                   (("check", check), ("outcome", "not made"), ("say", "read_check"), ("note", sentence)))


def unvouched(lines: tuple[ReconciledLine, ...], customer: str | None, catalog: CatalogSnapshot) -> tuple[Anomaly, ...]:
    """A doubt for each line whose customer code, read by OCR, the catalog does not give as this
    customer's code of the item the line was matched to: an order is not accepted on a code nobody checked."""
    found = []
    for line in lines:
        code = line.customer_sku
        if not code:
            continue
        item = catalog.customer_item(customer, code)
        if item is not None and (line.sku is None or item.material == line.sku):
            continue
        whose = f"a code of {customer}'s" if customer else "a known customer's code"
        meant = f" for {line.sku}" if line.sku else ""
        found.append(_doubt("customer code", f"Line {line.line_no}: the customer's item code \"{code}\" read from "
                            f"the scan is not {whose}{meant} in the catalog, so it could not be checked "
                            "(it may be a misread code)."))
    return tuple(found)
