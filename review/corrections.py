"""A clerk's corrections to an order: a typed `Draft` and pure functions over it.

A draft starts from what was read (`from_payload`, the stored order) or empty (`blank`: an
order the clerk types in for a failed fax or a document that was not one) and changes only by
the functions here: set a header field or a line field, split, merge, add or remove a line,
accept a line's price. `to_parsed` turns it into the `ParsedOrder` that the one reconciliation
path checks again (`pipeline.approval`); `changes` lists what moved, for the audit trail.
Nothing here touches the database, the clock or the request.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from parsers.model import CandidateKind, CustomerCandidate, ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from review.i18n import translate

HEADER_FIELDS = ("customer", "po_number", "order_date", "delivery_date", "currency", "ship_to")
LINE_FIELDS = ("customer_sku", "description", "quantity", "unit", "unit_price", "sku")
DATE_FIELDS = frozenset({"order_date", "delivery_date"})
NUMBER_FIELDS = frozenset({"quantity", "unit_price"})
UPPER_FIELDS = frozenset({"currency", "unit"})


class CorrectionError(ValueError):
    """A correction that cannot be made: a sentence for the clerk (`say` in their language; the
    exception's own text is English), or several (`several`)."""

    def __init__(self, key: str, **values: object) -> None:
        self.parts: tuple[tuple[str, dict[str, object]], ...] = ((key, values),)
        super().__init__(self.say("en"))

    @classmethod
    def several(cls, errors: list[CorrectionError]) -> CorrectionError:
        key, values = errors[0].parts[0]
        combined = cls(key, **values)
        combined.parts = tuple(part for e in errors for part in e.parts)
        combined.args = (combined.say("en"),)
        return combined

    def say(self, language: str) -> str:
        return " ".join(translate(key, language).format(**values) for key, values in self.parts)


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line as the clerk wants it; `sku` is our item (picked or typed), `accept_price` says
    the clerk accepts this line's price although it differs from the price list. `read_as` is
    the number of the line it was read as (None for a line the clerk added), so the case page
    can still show where its values came from after lines were split, merged or removed."""

    customer_sku: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    sku: str | None = None
    accept_price: bool = False
    read_as: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Draft:
    """The order as the clerk wants it, plus what the re-check needs to know about where it came
    from (source, the buyer as the document named it, an EDI envelope to acknowledge)."""

    source: SourceRef
    customer: str | None = None
    po_number: str | None = None
    order_date: date | None = None
    delivery_date: date | None = None
    currency: str | None = None
    ship_to: str | None = None
    lines: tuple[DraftLine, ...] = ()
    buyer: Party = Party()
    envelope: tuple[tuple[str, str], ...] = ()
    is_change: bool = False
    message_type: str | None = None
    prices_include_tax: bool | None = None   # what the document said of its prices' tax


# --- values as typed -----------------------------------------------------------------------


def parse_value(name: str, text: str | None) -> Any:
    """A form value as the field's type: '' is unknown (None); dates ISO; numbers decimal."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    if name in DATE_FIELDS:
        try:
            return date.fromisoformat(cleaned.replace("/", "-"))
        except ValueError:
            raise CorrectionError("err_not_a_date", text=cleaned) from None
    if name in NUMBER_FIELDS:
        return _number(name, cleaned)
    return cleaned.upper() if name in UPPER_FIELDS else cleaned


def _number(name: str, text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CorrectionError("err_not_a_number", text=text) from None
    if not value.is_finite() or value < 0 or (name == "quantity" and value == 0):
        raise CorrectionError("err_not_a_quantity" if name == "quantity" else "err_not_a_price", text=text)
    return value


def shown(value: Any) -> str:
    """A value as the audit trail and the form show it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, bool):
        return "yes" if value else ""
    return value.isoformat() if isinstance(value, date) else str(value)


# --- edits -----------------------------------------------------------------------------------


def set_header(draft: Draft, name: str, text: str | None) -> Draft:
    """The draft with header field `name` set from what the clerk typed."""
    if name not in HEADER_FIELDS:
        raise CorrectionError("err_no_field", name=name)
    return replace(draft, **{name: parse_value(name, text)})


def set_line(draft: Draft, index: int, name: str, text: str | None) -> Draft:
    """The draft with field `name` of line `index` (0-based) set from what the clerk typed."""
    if name not in LINE_FIELDS:
        raise CorrectionError("err_no_field", name=name)
    line = _line(draft, index)
    return _with_line(draft, index, replace(line, **{name: parse_value(name, text)}))


def accept_price(draft: Draft, index: int, accepted: bool) -> Draft:
    """The draft with line `index`'s price accepted (or no longer) for this order."""
    return _with_line(draft, index, replace(_line(draft, index), accept_price=accepted))


def add_line(draft: Draft) -> Draft:
    """The draft with an empty line at the end, for a line the reader missed."""
    return replace(draft, lines=draft.lines + (DraftLine(),))


def remove_line(draft: Draft, index: int) -> Draft:
    _line(draft, index)
    return replace(draft, lines=draft.lines[:index] + draft.lines[index + 1:])


def split_line(draft: Draft, index: int, quantity_text: str | None) -> Draft:
    """Line `index` split in two of the same item: the new line, right after it, takes
    `quantity`, the line keeps the rest (two deliveries, or two items read as one)."""
    line = _line(draft, index)
    part = parse_value("quantity", quantity_text)
    if line.quantity is None or part is None or part >= line.quantity:
        raise CorrectionError("err_split", n=index + 1, qty=shown(line.quantity) or "—")
    kept, moved = replace(line, quantity=line.quantity - part), replace(line, quantity=part)
    return replace(draft, lines=draft.lines[:index] + (kept, moved) + draft.lines[index + 1:])


def merge_lines(draft: Draft, index: int, other: int) -> Draft:
    """Lines `index` and `other` as one (a line read twice, or split across a page): the same
    item and unit, the quantities added; what only the second says fills the first's gaps."""
    first, second = _line(draft, index), _line(draft, other)
    if index == other:
        raise CorrectionError("err_merge_itself")
    if first.sku != second.sku or (first.unit or "") != (second.unit or ""):
        raise CorrectionError("err_merge_different", n=index + 1, m=other + 1)
    quantity = None if first.quantity is None or second.quantity is None else first.quantity + second.quantity
    filled = {f.name: getattr(second, f.name) for f in fields(DraftLine) if getattr(first, f.name) in (None, "")}
    merged = replace(first, **filled, quantity=quantity)
    lines = [merged if i == index else line for i, line in enumerate(draft.lines) if i != other]
    return replace(draft, lines=tuple(lines))


def _line(draft: Draft, index: int) -> DraftLine:
    if not 0 <= index < len(draft.lines):
        raise CorrectionError("err_no_line", n=index + 1)
    return draft.lines[index]


def _with_line(draft: Draft, index: int, line: DraftLine) -> Draft:
    return replace(draft, lines=draft.lines[:index] + (line,) + draft.lines[index + 1:])


def apply_form(draft: Draft, form: Mapping[str, str]) -> Draft:
    """Every field the case page's form sent (`po_number`, `line-2-quantity`, `line-2-accept_price`
    …) applied; the errors of all fields together in one `CorrectionError`."""
    errors: list[CorrectionError] = []
    for name in HEADER_FIELDS:
        if name in form:
            draft = _try(errors, lambda d=draft, n=name: set_header(d, n, form[n]), draft)
    for index in range(len(draft.lines)):
        if f"line-{index + 1}-present" not in form:
            continue
        for name in LINE_FIELDS:
            key = f"line-{index + 1}-{name}"
            if key in form:
                draft = _try(errors, lambda d=draft, i=index, n=name, k=key: set_line(d, i, n, form[k]), draft)
        draft = accept_price(draft, index, form.get(f"line-{index + 1}-accept_price") == "1")
    if errors:
        raise CorrectionError.several(errors)
    return draft


def _try(errors: list[CorrectionError], edit, draft: Draft) -> Draft:
    try:
        return edit()
    except CorrectionError as e:
        errors.append(e)
        return draft


@dataclass(frozen=True, slots=True)
class Change:
    """One field that moved: `field` as people read it ("po_number", "line 2 quantity")."""

    field: str
    old: str
    new: str

    def sentence(self) -> str:
        return f"{self.field}: {self.old or '—'} -> {self.new or '—'}"


def changes(before: Draft, after: Draft) -> list[Change]:
    """What differs between two drafts, field by field, lines compared by position."""
    found = [Change(name, shown(getattr(before, name)), shown(getattr(after, name)))
             for name in HEADER_FIELDS if getattr(before, name) != getattr(after, name)]
    for index in range(max(len(before.lines), len(after.lines))):
        old = before.lines[index] if index < len(before.lines) else None
        new = after.lines[index] if index < len(after.lines) else None
        for name in LINE_FIELDS + ("accept_price",):
            was, now = (shown(getattr(old, name)) if old else ""), (shown(getattr(new, name)) if new else "")
            if was != now:
                found.append(Change(f"line {index + 1} {name}", was, now))
    return found


# --- from the stored order, to the re-check ------------------------------------------------


def from_payload(payload: Mapping[str, Any]) -> Draft:
    """A draft holding the order as it was read (a stored payload: CONTRACT JSON + extras)."""
    customer = payload.get("customer") or {}
    printed = payload.get("_printed") or []
    lines = tuple(_line_from(line, printed[i] if i < len(printed) else None)
                  for i, line in enumerate(payload.get("lines") or []))
    source = payload.get("source") or {}
    buyer = payload.get("_buyer") or {}
    return Draft(
        source=SourceRef(source.get("path") or "", source.get("part"), SourceKind(source.get("kind") or "text")),
        customer=customer.get("code"), po_number=payload.get("po_number"),
        order_date=_day(payload.get("order_date")), delivery_date=_day(payload.get("delivery_date")),
        currency=payload.get("currency"), ship_to=payload.get("ship_to"), lines=lines,
        buyer=party_from({"name": customer.get("name"), "email": customer.get("email"), **buyer}),
        envelope=tuple(tuple(pair) for pair in payload.get("_envelope") or ()),
        is_change=bool(payload.get("_is_change")), message_type=payload.get("_message_type"),
        prices_include_tax=payload.get("_prices_include_tax"))


def _line_from(line: Mapping[str, Any], printed: Mapping[str, Any] | None) -> DraftLine:
    """A read line; its price is the one printed (a price filled from the list stays empty,
    so a changed quantity is priced from the list again)."""
    price = printed.get("unit_price") if printed is not None else line.get("unit_price")
    return DraftLine(customer_sku=line.get("customer_sku"), description=line.get("description"),
                     quantity=_dec(line.get("quantity")), unit=line.get("unit"),
                     unit_price=_dec(price), sku=line.get("sku"), read_as=line.get("line_no"))


def blank(source: SourceRef, *, customer: str | None = None, email: str | None = None) -> Draft:
    """An order to type in, for a document from which none could be read: one empty line."""
    return Draft(source=source, customer=customer, buyer=Party(email=email), lines=(DraftLine(),))


def to_parsed(draft: Draft) -> ParsedOrder:
    """The draft as a parsed order, for the one reconciliation path: a person typed or checked
    every value, so it carries no reader's doubts and no printed total."""
    lines = tuple(ParsedLine(line_no=i + 1, description=ln.description, quantity=ln.quantity, unit=ln.unit,
                             unit_price=ln.unit_price, amount=None, customer_sku=ln.customer_sku,
                             our_sku=ln.sku)
                  for i, ln in enumerate(draft.lines))
    return ParsedOrder(source=draft.source, po_number=draft.po_number, order_date=draft.order_date,
                       delivery_date=draft.delivery_date, currency=draft.currency, ship_to=draft.ship_to,
                       buyer=draft.buyer, is_change=draft.is_change, message_type=draft.message_type,
                       lines=lines, envelope=draft.envelope, prices_include_tax=draft.prices_include_tax)


def accepted_prices(draft: Draft) -> frozenset[int]:
    """The line numbers whose price the clerk accepts for this order."""
    return frozenset(i + 1 for i, line in enumerate(draft.lines) if line.accept_price)


# --- stored as JSON --------------------------------------------------------------------------


def to_json(draft: Draft) -> dict[str, Any]:
    return {"source": {"path": draft.source.path, "part": draft.source.part, "kind": str(draft.source.kind)},
            **{name: shown(getattr(draft, name)) or None for name in HEADER_FIELDS},
            "lines": [{**{name: shown(getattr(ln, name)) or None for name in LINE_FIELDS},
                       "accept_price": ln.accept_price, "read_as": ln.read_as} for ln in draft.lines],
            "buyer": party_json(draft.buyer), "envelope": [list(pair) for pair in draft.envelope], "is_change": draft.is_change,
            "message_type": draft.message_type, "prices_include_tax": draft.prices_include_tax}


def from_json(data: Mapping[str, Any]) -> Draft:
    source, buyer = data["source"], data.get("buyer") or {}
    lines = tuple(DraftLine(**{name: parse_value(name, line.get(name)) for name in LINE_FIELDS},
                            accept_price=bool(line.get("accept_price")), read_as=line.get("read_as"))
                  for line in data.get("lines") or [])
    return Draft(source=SourceRef(source["path"], source.get("part"), SourceKind(source["kind"])),
                 **{name: parse_value(name, data.get(name)) for name in HEADER_FIELDS},
                 lines=lines, buyer=party_from(buyer),
                 envelope=tuple(tuple(pair) for pair in data.get("envelope") or ()),
                 is_change=bool(data.get("is_change")), message_type=data.get("message_type"),
                 prices_include_tax=data.get("prices_include_tax"))


_HINT_KINDS = frozenset(kind.value for kind in CandidateKind)


def party_json(party: Party) -> dict[str, Any]:
    """The buyer as the document named it, with every hint the reader gathered (letterhead,
    stamp, ...): a re-check identifies the customer from the same hints, and learning offers them."""
    return {"name": party.name, "edi_id": party.edi_id, "email": party.email,
            "hints": [[str(c.kind), c.text] for c in party.candidates]}


def party_from(data: Mapping[str, Any]) -> Party:
    hints = tuple(CustomerCandidate(CandidateKind(kind), text) for kind, text in data.get("hints") or ()
                  if kind in _HINT_KINDS)
    return Party(name=data.get("name"), edi_id=data.get("edi_id"), email=data.get("email"), candidates=hints)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _dec(text: Any) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))
