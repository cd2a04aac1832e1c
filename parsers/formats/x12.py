"""ANSI X12 purchase orders (850, and 860 change orders) read into `ParsedOrder`s.

Layered like pydifact: the ISA header fixes the separators, each interchange is cut into
segments, segments are grouped into transaction sets (ST..SE), and each 850/860 set is mapped
to one order. Other transaction sets (invoices, acknowledgements) are reported in `not_orders`.
Tokenising uses `str.split` only, so a 50 MB interchange is read in linear time.
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Iterator

from parsers.context import ParseContext
from parsers.formats.x12_tokens import Separators, decode, looks_like, segments, split_interchanges

__all__ = ["looks_like", "parse"]
from parsers.errors import ParseError
from parsers.vocab import item_ids
from parsers.model import (FailedPart, ParsedLine, ParsedOrder, ParseResult, Party, Provenance,
                           SourceKind, SourceRef)

log = logging.getLogger(__name__)

_ORDER_TYPES = ("850", "860")
_TYPE_NAMES = {
    "810": "invoice", "855": "purchase order acknowledgment", "856": "ship notice",
    "865": "purchase order change acknowledgment", "997": "functional acknowledgment",
    "999": "implementation acknowledgment", "820": "payment order/remittance advice",
    "270": "eligibility inquiry", "271": "eligibility response", "276": "claim status inquiry",
    "277": "claim status response", "835": "claim payment advice", "837": "health care claim",
    "846": "inventory advice", "852": "product activity data", "832": "price/sales catalog",
    "830": "planning schedule", "862": "shipping schedule", "824": "application advice",
    "864": "text message", "875": "grocery purchase order", "940": "warehouse shipping order",
    "945": "warehouse shipping advice", "204": "load tender", "214": "shipment status",
    "TA1": "interchange acknowledgment",
}
_BUYER_CODES = ("BY", "OB", "BT")
_DELIVERY_QUALS = ("002", "010")
_LINE_TAGS = frozenset(("PO1", "POC"))
_ENVELOPE_TAGS = frozenset(("ST", "SE", "GS", "GE", "IEA", "ISA"))
_MAX_FAILURES = 100


@dataclass(slots=True)
class _TransactionSet:
    """The segments of one ST..SE, split into elements; `closed` is False when SE is missing."""

    kind: str
    control: str
    sender_id: str | None
    segments: list[str]
    closed: bool = False
    count_ok: bool = True
    envelope: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class _LineDraft:
    """A PO1/POC line while its PID/DTM segments are still being read."""

    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    ids: list[tuple[str, str]]
    provenance: Provenance
    texts: list[str] = field(default_factory=list)
    dates: dict[str, date] = field(default_factory=dict)


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read every 850/860 transaction set of every interchange in `data` as one order each."""
    if len(data) > ctx.max_bytes:
        raise ParseError(f"The X12 file is larger than the {ctx.max_bytes} byte limit.")
    try:
        return _parse_text(decode(data), SourceRef(ctx.path, ctx.part, SourceKind.X12))
    except (ParseError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - the contract: a clerk sentence, never a traceback
        log.warning("x12 parser failed on doc=%s: %r", ctx.path, exc)
        raise ParseError("The X12 interchange could not be read (it is malformed).") from exc


def _parse_text(text: str, source: SourceRef) -> ParseResult:
    orders: list[ParsedOrder] = []
    failures: list[tuple[FailedPart, bool]] = []
    not_orders: dict[str, None] = {}  # an ordered set: one sentence per kind of document
    dropped = 0
    for seps, chunk in split_interchanges(text):
        isa = chunk[: chunk.find(seps.segment)].split(seps.element)
        isa_sender = _norm(isa[6]) if len(isa) > 6 else None
        if isa_sender is not None and not isa_sender.strip("0"):
            isa_sender = None  # a placeholder id: the GS02 application sender is used instead
        for ts in _transaction_sets(segments(chunk, seps), seps.element, isa_sender, not_orders,
                                    _isa_envelope(isa, seps)):
            if ts.kind not in _ORDER_TYPES:
                not_orders[_not_order_sentence(ts.kind)] = None
                continue
            order, reason, order_like = _read_order(ts, seps.element, source)
            if order is not None:
                orders.append(order)
            elif len(failures) < _MAX_FAILURES:
                failures.append((FailedPart(source, reason), order_like))
            else:
                dropped += 1
    if dropped:
        reason = f"{dropped} more X12 transaction sets could not be read either."
        failures.append((FailedPart(source, reason), failures[-1][1]))
    return _result(orders, failures, list(not_orders))


def _result(orders: list[ParsedOrder], failures: list[tuple[FailedPart, bool]],
            not_orders: list[str]) -> ParseResult:
    """Assemble the result; with nothing order-like at all, say why in a ParseError."""
    if not orders and not not_orders and not any(order_like for _, order_like in failures):
        if failures:
            raise ParseError(failures[0][0].reason)
        raise ParseError("The X12 interchange holds no transaction set.")
    return ParseResult(tuple(orders), tuple(f for f, _ in failures), tuple(not_orders))


def _not_order_sentence(kind: str) -> str:
    name = _TYPE_NAMES.get(kind)
    label = f"X12 {kind} ({name})" if name else f"X12 {kind or 'transaction set without a type'}"
    return f"{label} is not a purchase order."


# --- tokens: interchanges and segments -------------------------------------------------

def _isa_envelope(isa: list[str], seps: Separators) -> tuple[tuple[str, str], ...]:
    """The interchange facts an acknowledgement echoes (ISA05-08 ids, ISA12/13/15, separators)."""
    names = {5: "isa_sender_qualifier", 6: "isa_sender", 7: "isa_receiver_qualifier",
             8: "isa_receiver", 12: "isa_version", 13: "isa_control", 15: "isa_usage"}
    facts = [(name, _el(isa, i).strip()) for i, name in names.items()]
    facts += [("element_separator", seps.element), ("component_separator", seps.component),
              ("segment_terminator", seps.segment)]
    return tuple(facts)


def _group_envelope(gs: list[str]) -> tuple[tuple[str, str], ...]:
    """The functional group facts: GS01 code, GS02 sender, GS03 receiver, GS06 control, GS08."""
    names = {1: "gs_code", 2: "gs_sender", 3: "gs_receiver", 6: "gs_control", 8: "gs_version"}
    return tuple((name, _el(gs, i).strip()) for i, name in names.items())


def _transaction_sets(segments: list[str], element: str, isa_sender: str | None,
                      not_orders: dict[str, None],
                      isa_facts: tuple[tuple[str, str], ...] = ()) -> Iterator[_TransactionSet]:
    """Group segments into ST..SE sets; a set cut short by the end of data stays unclosed.

    A generator, so only one set is alive at a time however many the interchange holds.
    """
    current: _TransactionSet | None = None
    group_sender: str | None = None
    group_facts: tuple[tuple[str, str], ...] = ()
    for segment in segments:
        tag = _tag(segment, element)
        if tag in _ENVELOPE_TAGS:
            if current is not None:
                if tag == "SE":
                    current.segments.append(segment)
                    current.closed = True
                    current.count_ok = _el(segment.split(element), 1).lstrip("0") \
                        == str(len(current.segments))
                yield current
                current = None
            if tag == "ST":
                current = _new_set(segment, element, isa_sender or group_sender,
                                   isa_facts + group_facts)
            elif tag == "GS":
                els = segment.split(element)
                group_sender = _norm(_el(els, 2))
                group_facts = _group_envelope(els)
        elif current is not None:
            current.segments.append(segment)
        elif tag == "TA1":
            not_orders[_not_order_sentence("TA1")] = None
    if current is not None:
        yield current


def _new_set(segment: str, element: str, sender: str | None,
             facts: tuple[tuple[str, str], ...]) -> _TransactionSet:
    els = segment.split(element)
    kind, control = _el(els, 1).strip(), _el(els, 2).strip()
    return _TransactionSet(kind, control, sender, [segment],
                           envelope=facts + (("st_type", kind), ("st_control", control)))


# --- orders -------------------------------------------------------------------------------

def _read_order(ts: _TransactionSet, element: str,
                source: SourceRef) -> tuple[ParsedOrder | None, str, bool]:
    """One order from an 850/860 set, or why it cannot be trusted and whether it looked like one."""
    if len(ts.segments) == 1:
        return None, f"X12 {ts.kind} transaction set {ts.control or '?'} is empty.", False
    reader = _OrderReader(ts, source)
    reader.run(element, until_line=not ts.closed)  # a set cut short: read up to its first line
    where = f"X12 {ts.kind} transaction set {ts.control or '?'}"
    if reader.po_number is not None:
        where += f" (PO {reader.po_number})"
    if not reader.seen_header and not reader.seen_line:
        reason = f"{where} has no {'BCH' if ts.kind == '860' else 'BEG'} segment and no lines."
        return None, reason, False
    if not ts.closed:
        reason = f"{where} is truncated: the data ends before its SE trailer."
        return None, reason, True
    return reader.order(), "", True


class _OrderReader:
    """Walks one transaction set's segments in order, collecting header fields and lines."""

    def __init__(self, ts: _TransactionSet, source: SourceRef) -> None:
        self.ts = ts
        self.source = source
        self.prefix = f"ST {ts.control}, segment "
        self.po_number: str | None = None
        self.order_date: date | None = None
        self.is_change = ts.kind == "860"
        self.seen_header = False
        self.seen_line = False
        self.currency: str | None = None
        self.dates: dict[str, date] = {}
        self.buyer_name: tuple[int, str] | None = None  # (rank of the N1 code, name)
        self.party = ""
        self.address: list[str] | None = None
        self.ship_to: str | None = None
        self.stated_total: Decimal | None = None
        self.summary = False
        self.fields: dict[str, Provenance] = {}
        self.lines: list[ParsedLine] = []
        self.draft: _LineDraft | None = None

    def run(self, element: str, until_line: bool = False) -> None:
        handlers = _HANDLERS
        for n, segment in enumerate(self.ts.segments, start=1):
            tag = _tag(segment, element)
            if tag in _LINE_TAGS:
                self.seen_line = True
                if until_line:
                    return
            handler = handlers.get(tag)
            if handler is not None:
                handler(self, segment.split(element), n)
        self._finish_line()
        self._finish_address()

    def where(self, n: int, tag: str) -> Provenance:
        return Provenance(segment=f"{self.prefix}{n}: {tag}")

    def on_beg(self, els: list[str], n: int) -> None:
        if not self.seen_header:
            self.is_change = self.is_change or _el(els, 1) in ("04", "05")
            self._header(_el(els, 3), _el(els, 5), self.where(n, els[0]))

    def on_bch(self, els: list[str], n: int) -> None:
        if not self.seen_header:
            self._header(_el(els, 3), _el(els, 6), self.where(n, els[0]))

    def _header(self, po_number: str, order_date: str, where: Provenance) -> None:
        self.seen_header = True
        self.po_number = _norm(po_number)
        self.order_date = _date(order_date)
        self.fields["po_number"] = self.fields["order_date"] = where

    def on_cur(self, els: list[str], n: int) -> None:
        if self.currency is None and _norm(_el(els, 2)):
            self.currency = _norm(_el(els, 2)).upper()
            self.fields["currency"] = self.where(n, "CUR")

    def on_dtm(self, els: list[str], n: int) -> None:
        qualifier, when = _el(els, 1), _date(_el(els, 2))
        if when is None or qualifier not in _DELIVERY_QUALS:
            return
        if self.draft is not None:
            self.draft.dates.setdefault(qualifier, when)
        elif qualifier not in self.dates:
            self.dates[qualifier] = when
            if qualifier == "002" or "delivery_date" not in self.fields:
                self.fields["delivery_date"] = self.where(n, "DTM")

    def on_n1(self, els: list[str], n: int) -> None:
        self._finish_address()
        self.party = _el(els, 1)
        name = _norm(_el(els, 2))
        if self.party in _BUYER_CODES and name:
            rank = _BUYER_CODES.index(self.party)
            if self.buyer_name is None or rank < self.buyer_name[0]:
                self.buyer_name = (rank, name)
                self.fields["buyer"] = self.where(n, "N1")
        if self.party == "ST" and self.ship_to is None:
            self.address = []
            self.fields["ship_to"] = self.where(n, "N1")

    def on_n3(self, els: list[str], _n: int) -> None:
        if self.address is not None:
            self.address.extend(p for p in map(_norm, els[1:3]) if p)

    def on_n4(self, els: list[str], _n: int) -> None:
        if self.address is None:
            return
        city, state, postcode = _norm(_el(els, 1)), _norm(_el(els, 2)), _norm(_el(els, 3))
        tail = " ".join(p for p in (state, postcode) if p)
        if city and state:
            self.address.extend((city, tail))
        else:
            self.address.append(" ".join(p for p in (city, tail) if p))

    def _finish_address(self) -> None:
        if self.address is not None:
            self.ship_to = ", ".join(p for p in self.address if p) or None
            if self.ship_to is None:
                self.fields.pop("ship_to", None)
        self.address = None

    def on_po1(self, els: list[str], n: int) -> None:
        """PO1: line id, quantity, unit, price, basis, then qualifier/value pairs."""
        self._finish_line()
        self.draft = _LineDraft(_decimal(_el(els, 2)), _norm(_el(els, 3)), _decimal(_el(els, 4)),
                                _id_pairs(els, 6), self.where(n, els[0]))

    def on_poc(self, els: list[str], n: int) -> None:
        """POC (860): line id, change type, quantity, quantity left, unit, price, basis, pairs."""
        self._finish_line()
        if _el(els, 2) == "DI":  # a deleted item is not part of the restated order
            return
        self.draft = _LineDraft(_decimal(_el(els, 3)), _norm(_el(els, 5)), _decimal(_el(els, 6)),
                                _id_pairs(els, 8), self.where(n, els[0]))

    def on_pid(self, els: list[str], _n: int) -> None:
        text = _el(els, 5).strip()
        if self.draft is not None and text:
            self.draft.texts.append(text)

    def on_ctt(self, _els: list[str], _n: int) -> None:
        self._finish_line()
        self.summary = True

    def on_amt(self, els: list[str], n: int) -> None:
        qualifier = _el(els, 1)
        if qualifier == "TT" or (qualifier == "1" and self.summary and self.stated_total is None):
            amount = _decimal(_el(els, 2))
            if amount is not None:
                self.stated_total = amount
                self.fields["stated_total"] = self.where(n, "AMT")

    def _finish_line(self) -> None:
        draft, self.draft = self.draft, None
        if draft is not None:
            self.lines.append(_line(len(self.lines) + 1, draft))

    def order(self) -> ParsedOrder:
        delivery = self.dates.get("002") or self.dates.get("010")
        line_dates = [ln.delivery_date for ln in self.lines if ln.delivery_date]
        if delivery is None and line_dates:
            delivery = min(line_dates)
        if self.ts.sender_id:
            self.fields.setdefault("buyer_edi_id", Provenance(segment="ISA06/GS02: sender id"))
        return ParsedOrder(
            source=self.source, po_number=self.po_number, order_date=self.order_date,
            delivery_date=delivery, currency=self.currency, ship_to=self.ship_to,
            stated_total=self.stated_total,
            buyer=Party(name=self.buyer_name[1] if self.buyer_name else None,
                        edi_id=self.ts.sender_id),
            is_change=self.is_change, message_type=self.ts.kind, lines=tuple(self.lines),
            confidence=1.0 if self.ts.count_ok else 0.8, fields=self.fields,
            envelope=self.ts.envelope)


_HANDLERS = {
    "BEG": _OrderReader.on_beg, "BCH": _OrderReader.on_bch, "CUR": _OrderReader.on_cur,
    "DTM": _OrderReader.on_dtm, "N1": _OrderReader.on_n1, "N3": _OrderReader.on_n3,
    "N4": _OrderReader.on_n4, "PO1": _OrderReader.on_po1, "POC": _OrderReader.on_poc,
    "PID": _OrderReader.on_pid, "CTT": _OrderReader.on_ctt, "AMT": _OrderReader.on_amt,
}


def _line(line_no: int, draft: _LineDraft) -> ParsedLine:
    """A finished line: ids sorted into the customer's code, ours, a barcode or an unowned code."""
    ids = tuple(draft.ids)
    owned = item_ids.sort_ids(ids, "x12")
    description = " ".join(draft.texts) or next((v for q, v in ids if q == "PD"), None)
    return ParsedLine(
        line_no=line_no, description=description, quantity=draft.quantity, unit=draft.unit,
        unit_price=draft.unit_price, customer_sku=owned.customer_sku, our_sku=owned.our_sku,
        barcode=owned.barcode, code=owned.code, ids=ids,
        delivery_date=draft.dates.get("002") or draft.dates.get("010"),
        confidence=1.0 if draft.quantity is not None else 0.5, provenance=draft.provenance)


def _id_pairs(els: list[str], start: int) -> list[tuple[str, str]]:
    """Qualifier/value pairs from element `start` on (1-based); empty pairs are skipped."""
    pairs = []
    for i in range(start, len(els) - 1, 2):
        qualifier, value = els[i].strip(), els[i + 1].strip()
        if qualifier and value:
            if not (qualifier.isascii() and value.isascii()):
                qualifier, value = _norm(qualifier) or "", _norm(value) or ""
            pairs.append((qualifier.upper(), value))
    return pairs


# --- values ---------------------------------------------------------------------------------

def _tag(segment: str, element: str) -> str:
    end = segment.find(element, 0, 4)
    return segment[:end] if end >= 0 else segment


def _el(els: list[str], i: int) -> str:
    return els[i] if i < len(els) else ""


def _norm(value: str) -> str | None:
    """NFKC-normalised and stripped, None when empty (full-width codes become ASCII)."""
    value = value.strip()
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).strip()
    return value or None


def _decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: str) -> date | None:
    """CCYYMMDD, or YYMMDD with years 70-99 in the 1900s."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return None
    if len(value) == 8:
        year, rest = int(value[:4]), value[4:]
    elif len(value) == 6:
        short = int(value[:2])
        year, rest = (2000 + short if short < 70 else 1900 + short), value[2:]
    else:
        return None
    try:
        return date(year, int(rest[:2]), int(rest[2:]))
    except ValueError:
        return None
