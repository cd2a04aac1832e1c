"""UN/EDIFACT interchanges: each UNH ORDERS/ORDCHG message becomes a ParsedOrder.

Three layers: `edifact_tokens` splits segments; `_messages` finds the UNH..UNT spans by tag
alone (cheap, so a huge or truncated file is judged before anything is built); `_OrderReader`
maps BGM/DTM/NAD/CUX/LIN/PIA/IMD/QTY/PRI/MOA of one complete message. Values are reported as
the document prints them; units, customers and items are reconciliation's business.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from parsers.context import ParseContext
from parsers.formats.edifact_tokens import Segments, decode, tokenise
from parsers.errors import ParseError
from parsers.vocab import item_ids
from parsers.model import (FailedPart, ParsedLine, ParsedOrder, ParseResult, Party, Provenance,
                           SourceKind, SourceRef)

# A real order never comes near this; a message claiming more is a runaway file, not an order.
MAX_LINES = 200_000
MAX_MESSAGES = 100_000
ORDER_TYPES = ("ORDERS", "ORDCHG")
CHANGE_FUNCTIONS = ("4", "5")  # BGM 1225: change, replace
NOT_ORDER_NAMES = {
    "INVOIC": "invoice", "DESADV": "despatch advice", "CONTRL": "syntax acknowledgement",
    "APERAK": "application acknowledgement", "ORDRSP": "order response",
    "PRICAT": "price catalogue", "IFTMIN": "transport instruction",
    "IFCSUM": "consolidation summary", "PAORES": "availability response",
    "MEDRPT": "medical report", "RECADV": "receiving advice", "REMADV": "remittance advice",
    "INVRPT": "inventory report", "SLSRPT": "sales report", "DELFOR": "delivery schedule",
    "QUOTES": "quote", "REQOTE": "request for quote", "PARTIN": "party information",
}
ORDER_DATE_QUALIFIERS = ("137", "4")
DELIVERY_QUALIFIERS = ("2", "69", "64", "63")
TOTAL_QUALIFIERS = ("86", "128", "79")
_LONG_DATE_FORMATS = ("102", "203", "204", "205", "303", "304", "718", "719")
_SHORT_DATE_FORMATS = ("101", "201", "202")
_SECTION_TAGS = {
    "head": ("BGM", "DTM", "CUX", "NAD", "MOA", "LIN", "UNS"),
    "line": ("DTM", "MOA", "LIN", "SLN", "LOC", "PIA", "IMD", "QTY", "PRI", "UNS"),
    "summary": ("MOA", "LIN"),
}
_ENVELOPE_TAGS = ("UNH", "UNT", "UNB", "UNG", "UNE", "UNZ")
_NUMBER = re.compile(r"-?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_HEAD_START = re.compile(rb"(?:\A|['\r\n])[ \t]*UN[ABH][^A-Za-z0-9\s]")


def looks_like(data: bytes) -> bool:
    """Cheap sniff: the bytes start (after a BOM and white space) with UNA, UNB or UNH."""
    head = data[:2048]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return _HEAD_START.search(head) is not None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read every message of an interchange; raise ParseError only when nothing is readable."""
    if len(data) > ctx.max_bytes:
        raise ParseError(f"The EDIFACT file is larger than the {ctx.max_bytes} bytes allowed.")
    segs = tokenise(decode(data))
    if not len(segs):
        raise ParseError("The file holds no EDIFACT UNA, UNB or UNH segment.")
    messages = _messages(segs)
    if not messages:
        raise ParseError("The EDIFACT interchange holds no UNH message.")
    source = SourceRef(ctx.path, ctx.part, SourceKind.EDIFACT)
    orders: list[ParsedOrder] = []
    failures: list[FailedPart] = []
    others: list[str] = []
    for message in messages:
        outcome = _read_message(segs, message, source)
        if isinstance(outcome, ParsedOrder):
            orders.append(outcome)
        elif isinstance(outcome, FailedPart):
            failures.append(outcome)
        elif outcome not in others:  # one sentence per kind of message is enough
            others.append(outcome)
    if not orders and not others and len(failures) == 1:
        raise ParseError(failures[0].reason)
    return ParseResult(tuple(orders), tuple(failures), tuple(others))


@dataclass(slots=True)
class _Message:
    """One UNH..UNT span found by tags alone; `end` is None when UNT never came."""

    ref: str
    type: str
    sender: str | None
    start: int
    end: int | None = None
    declared: str = ""
    bgm: int = 0
    lin: int = 0
    envelope: tuple[tuple[str, str], ...] = ()


def _messages(segs: Segments) -> list[_Message]:
    """Group segments into messages, noting the UNB sender and where a message was cut off."""
    found: list[_Message] = []
    current: _Message | None = None
    sender: str | None = None
    unb: tuple[tuple[str, str], ...] = ()
    for index in range(len(segs)):
        tag = segs.tag(index)
        if current is not None and tag == "BGM":
            current.bgm += 1
        elif current is not None and tag == "LIN":
            current.lin += 1
        elif tag in _ENVELOPE_TAGS:
            if tag == "UNT" and current is not None:
                _close(current, segs, index)
            current = None  # anything but UNT while a message is open leaves it truncated
            if tag == "UNB":
                sender = _code(_get(segs.elements(index), 2, 0))
                unb = _unb_envelope(segs.elements(index))
            elif tag == "UNH":
                if len(found) == MAX_MESSAGES:
                    raise ParseError(f"The EDIFACT file holds more than {MAX_MESSAGES} messages; "
                                     "it is not read.")
                current = _open(segs, index, sender)
                current.envelope = unb + _unh_envelope(segs.elements(index))
                found.append(current)
    return found


def _unb_envelope(el: list[list[str]]) -> tuple[tuple[str, str], ...]:
    """The interchange facts an acknowledgement echoes: syntax, sender, recipient, control ref."""
    return (
        ("unb_syntax", _get(el, 1, 0).strip()), ("unb_syntax_version", _get(el, 1, 1).strip()),
        ("unb_sender", _get(el, 2, 0).strip()), ("unb_sender_qualifier", _get(el, 2, 1).strip()),
        ("unb_recipient", _get(el, 3, 0).strip()),
        ("unb_recipient_qualifier", _get(el, 3, 1).strip()),
        ("unb_control", _get(el, 5, 0).strip()),
    )


def _unh_envelope(el: list[list[str]]) -> tuple[tuple[str, str], ...]:
    """The message facts: reference, type, version, release, agency, association code."""
    names = ("message_type", "message_version", "message_release", "message_agency",
             "message_association")
    return (("unh_ref", _get(el, 1, 0).strip()),) + tuple(
        (name, _get(el, 2, i).strip()) for i, name in enumerate(names))


def _open(segs: Segments, index: int, sender: str | None) -> _Message:
    elements = segs.elements(index)
    kind = (_code(_get(elements, 2, 0)) or "").upper()
    return _Message(_get(elements, 1, 0).strip(), kind, sender, index)


def _close(message: _Message, segs: Segments, index: int) -> None:
    message.end = index
    message.declared = _get(segs.elements(index), 1, 0).strip()


def _read_message(segs: Segments, msg: _Message, source: SourceRef) -> ParsedOrder | FailedPart | str:
    """One message: an order, a failure saying what is broken, or a not-an-order sentence."""
    if msg.type not in ORDER_TYPES:
        if not msg.type:
            return f"EDIFACT message {msg.ref} names no message type, so it is not read as an order."
        name = NOT_ORDER_NAMES.get(msg.type)
        what = f"EDIFACT {msg.type} ({name})" if name else f"EDIFACT {msg.type}"
        return f"{what} is not a purchase order."
    problem = _damage(msg)
    if problem:
        return FailedPart(source, problem)
    try:
        return _OrderReader(segs, msg, source).read()
    except (ValueError, IndexError, KeyError, ArithmeticError) as exc:
        return FailedPart(source, f"EDIFACT {msg.type} message {msg.ref} could not be read ({exc}).")


def _damage(msg: _Message) -> str | None:
    """Say why a message cannot be trusted as a complete order, or None."""
    label = f"EDIFACT {msg.type} message {msg.ref}"
    if msg.end is None:
        return f"{label} ends without its UNT trailer; the interchange is truncated."
    if msg.bgm > 1:
        return f"{label} holds {msg.bgm} BGM segments where one belongs; the file is damaged."
    if msg.lin > MAX_LINES:
        return f"{label} holds {msg.lin} lines, more than the {MAX_LINES} an order may have."
    if msg.bgm == 0 and msg.lin == 0:
        return f"{label} has neither a BGM header nor any LIN line."
    return None


@dataclass(slots=True)
class _Line:
    """A line group being read: everything from one LIN to the next."""

    index: int
    ids: list[tuple[str, str]]
    qty: list[str] | None = None
    price: list[str] | None = None
    amount: str | None = None
    texts: list[str] | None = None
    dates: dict[str, date] | None = None
    in_split: bool = False
    in_subline: bool = False


class _OrderReader:
    """Maps the segments of one complete ORDERS/ORDCHG message to a ParsedOrder."""

    def __init__(self, segs: Segments, msg: _Message, source: SourceRef) -> None:
        self.segs, self.msg, self.source = segs, msg, source
        self.section = "head"
        self.po: str | None = None
        self.function: str | None = None
        self.dates: dict[str, date] = {}
        self.currency: str | None = None
        self.parties: dict[str, list[list[str]]] = {}
        self.totals: dict[str, Decimal] = {}
        self.lines: list[_Line] = []
        self.where: dict[str, Provenance] = {}

    def read(self) -> ParsedOrder:
        """Walk the message once, then assemble the order."""
        segs, start = self.segs, self.msg.start
        handlers = {section: {tag: getattr(self, "on_" + tag) for tag in tags}
                    for section, tags in _SECTION_TAGS.items()}
        for index in range(start + 1, self.msg.end or start):
            # Only segments that matter in the current section are split into elements.
            handler = handlers[self.section].get(segs.tag(index))
            if handler is not None:
                handler(segs.elements(index), index)
        return self._order()

    def _mark(self, field: str, index: int) -> None:
        self.where.setdefault(field, self._provenance(index))

    def _provenance(self, index: int) -> Provenance:
        n = index - self.msg.start + 1
        return Provenance(segment=f"UNH {self.msg.ref}, segment {n}: {self.segs.tag(index)}")

    # -- header segments -------------------------------------------------------------------

    def on_BGM(self, el: list[list[str]], index: int) -> None:
        self.po = _code(_get(el, 2, 0))
        self.function = _get(el, 3, 0).strip()
        self._mark("po_number", index)

    def on_DTM(self, el: list[list[str]], index: int) -> None:
        qualifier, value, fmt = _get(el, 1, 0).strip(), _get(el, 1, 1), _get(el, 1, 2).strip()
        if self.section == "line":
            line = self.lines[-1]
            if not (line.in_split or line.in_subline) and qualifier in DELIVERY_QUALIFIERS:
                day = _date(value, fmt)
                if day is not None:
                    line.dates = line.dates or {}
                    line.dates.setdefault(qualifier, day)
        elif self.section == "head" and qualifier not in self.dates:
            day = _date(value, fmt)
            if day is not None:
                self.dates[qualifier] = day
                self._mark("dtm" + qualifier, index)

    def on_CUX(self, el: list[list[str]], index: int) -> None:
        if self.currency is None:
            self.currency = _code(_get(el, 1, 1))
            self._mark("currency", index)

    def on_NAD(self, el: list[list[str]], index: int) -> None:
        role = _get(el, 1, 0).strip().upper()
        if role not in self.parties:
            self.parties[role] = el
            self._mark("nad" + role, index)

    def on_MOA(self, el: list[list[str]], index: int) -> None:
        qualifier, value = _get(el, 1, 0).strip(), _get(el, 1, 1)
        if self.section == "line":
            line = self.lines[-1]
            if qualifier == "203" and line.amount is None and not line.in_subline:
                line.amount = value
        elif qualifier in TOTAL_QUALIFIERS and qualifier not in self.totals:
            amount = _decimal(value)
            if amount is not None:
                self.totals[qualifier] = amount
                self._mark("moa" + qualifier, index)

    def on_UNS(self, el: list[list[str]], index: int) -> None:
        self.section = "summary"

    # -- line segments ---------------------------------------------------------------------

    def on_LIN(self, el: list[list[str]], index: int) -> None:
        if self.lines and _get(el, 4, 0).strip() == "1":  # C829 5495: this is a sub-line
            self.lines[-1].in_subline = True
            return
        self.section = "line"
        self.lines.append(_Line(index, []))
        _add_id(self.lines[-1].ids, el[3] if len(el) > 3 else [])

    def on_SLN(self, el: list[list[str]], index: int) -> None:
        self.lines[-1].in_subline = True

    def on_LOC(self, el: list[list[str]], index: int) -> None:
        self.lines[-1].in_split = True  # LOC/QTY/DTM after here describe split deliveries

    def on_PIA(self, el: list[list[str]], index: int) -> None:
        if not self.lines[-1].in_subline:
            for element in el[2:]:
                _add_id(self.lines[-1].ids, element)

    def on_IMD(self, el: list[list[str]], index: int) -> None:
        if not self.lines[-1].in_subline and len(el) > 3:
            text = " ".join(part.strip() for part in el[3][3:5] if part.strip())
            if text:
                line = self.lines[-1]
                if line.texts is None:
                    line.texts = []
                line.texts.append(text)

    def on_QTY(self, el: list[list[str]], index: int) -> None:
        if self.lines[-1].in_subline:
            return
        line, c186 = self.lines[-1], el[1] if len(el) > 1 else [""]
        qualifier = c186[0].strip()
        if qualifier == "21" and (line.qty is None or line.qty[0].strip() != "21"):
            line.qty = c186
        elif line.qty is None and qualifier != "11" and not line.in_split:
            line.qty = c186

    def on_PRI(self, el: list[list[str]], index: int) -> None:
        if self.lines[-1].price is None and not self.lines[-1].in_subline:
            self.lines[-1].price = el[1] if len(el) > 1 else []

    # -- assembly --------------------------------------------------------------------------

    def _order(self) -> ParsedOrder:
        msg = self.msg
        is_change = msg.type == "ORDCHG" or self.function in CHANGE_FUNCTIONS
        confidence = 1.0 if msg.declared == str(msg.end - msg.start + 1) else 0.9
        return ParsedOrder(
            source=self.source, po_number=self.po,
            order_date=self._pick_date("order_date", ORDER_DATE_QUALIFIERS),
            delivery_date=self._pick_date("delivery_date", DELIVERY_QUALIFIERS),
            currency=self.currency, ship_to=self._ship_to(), stated_total=self._total(),
            buyer=self._buyer(), is_change=is_change, message_type=msg.type,
            lines=tuple(_parsed_line(n, line, self._provenance(line.index))
                        for n, line in enumerate(self.lines, 1)),
            confidence=confidence, fields=self._fields(), envelope=msg.envelope)

    def _pick_date(self, field: str, qualifiers: tuple[str, ...]) -> date | None:
        for qualifier in qualifiers:
            if qualifier in self.dates:
                self.where[field] = self.where["dtm" + qualifier]
                return self.dates[qualifier]
        return None

    def _total(self) -> Decimal | None:
        for qualifier in TOTAL_QUALIFIERS:
            if qualifier in self.totals:
                self.where["stated_total"] = self.where["moa" + qualifier]
                return self.totals[qualifier]
        return None

    def _buyer(self) -> Party:
        nad = self.parties.get("BY")
        nad_id = _code(_get(nad, 2, 0)) if nad else None
        name = _party_name(nad) if nad else None
        if nad:
            self.where["buyer.name"] = self.where["nadBY"]
            if nad_id:
                where = self.where["nadBY"].segment
                self.where["buyer.nad_id"] = Provenance(segment=f"{where} {nad_id}")
        if self.msg.sender:
            self.where["buyer.edi_id"] = Provenance(segment="UNB, element 2: sender")
        elif nad_id:
            self.where["buyer.edi_id"] = self.where["nadBY"]
        return Party(name=name, edi_id=self.msg.sender or nad_id)

    def _ship_to(self) -> str | None:
        for role in ("DP", "ST"):
            nad = self.parties.get(role)
            address = _address(nad) if nad else None
            if address:
                self.where["ship_to"] = self.where["nad" + role]
                return address
        return None

    def _fields(self) -> dict[str, Provenance]:
        return {k: v for k, v in self.where.items()
                if not k.startswith(("dtm", "nad", "moa"))}


def _parsed_line(line_no: int, line: _Line, where: Provenance) -> ParsedLine:
    """Assemble one ParsedLine; the item ids are sorted into buyer's, ours and GTIN by qualifier."""
    qty = line.qty or []
    quantity = _decimal(_at(qty, 1))
    price = _unit_price(line.price) if line.price else None
    owned = item_ids.sort_ids(line.ids, "edifact")
    dates = line.dates or {}
    delivery = next((dates[q] for q in DELIVERY_QUALIFIERS if q in dates), None)
    readable = quantity is not None and (line.ids or line.texts)
    return ParsedLine(
        line_no=line_no, description=" ".join(line.texts) if line.texts else None,
        quantity=quantity, unit=_code(_at(qty, 2)), unit_price=price,
        amount=_decimal(line.amount) if line.amount else None,
        customer_sku=owned.customer_sku, our_sku=owned.our_sku, barcode=owned.barcode,
        code=owned.code,
        ids=tuple(line.ids), delivery_date=delivery,
        confidence=1.0 if readable else 0.5, provenance=where)


def _add_id(ids: list[tuple[str, str]], c212: list[str]) -> None:
    """Keep one C212 item number (7140 value, 7143 qualifier) when it holds a value."""
    value = _code(_at(c212, 0))
    if value:
        ids.append(((_code(_at(c212, 1)) or "").upper(), value))


def _unit_price(c509: list[str]) -> Decimal | None:
    """C509 5118 per unit; a price quoted per N units (5284) is divided down to one unit."""
    price = _decimal(_at(c509, 1))
    basis = _decimal(_at(c509, 4))
    if price is not None and basis is not None and basis > 0 and basis != 1:
        return price / basis
    return price


def _party_name(nad: list[list[str]]) -> str | None:
    """Party name from C080 (element 4), else the first line of C058 (element 3)."""
    name = " ".join(part.strip() for part in _element(nad, 4)[:5] if part.strip())
    if not name:
        name = next((part.strip() for part in _element(nad, 3) if part.strip()), "")
    return name or None


def _address(nad: list[list[str]]) -> str | None:
    """Street (C059), then "city postcode": "Lagerstrasse 5, Hamburg 21129"."""
    street = " ".join(part.strip() for part in _element(nad, 5) if part.strip())
    place = " ".join(p for p in (_get(nad, 6, 0).strip(), _get(nad, 8, 0).strip()) if p)
    address = ", ".join(p for p in (street, place) if p)
    if not address:  # only the unstructured C058 lines are printed
        address = ", ".join(part.strip() for part in _element(nad, 3) if part.strip())
    return address or None


def _date(value: str, fmt: str) -> date | None:
    """A DTM value in format 102/203/204/303/718... (CCYY first) or 101/201 (YYMMDD)."""
    digits = value.strip()
    if fmt in _SHORT_DATE_FORMATS or (not fmt and len(digits) in (6, 10)):
        if len(digits) < 6 or not digits[:6].isdigit():
            return None
        yy = int(digits[:2])
        year, rest = (2000 + yy if yy < 70 else 1900 + yy), digits[2:6]
    elif fmt in _LONG_DATE_FORMATS or (not fmt and len(digits) in (8, 12, 14)):
        if len(digits) < 8 or not digits[:8].isdigit():
            return None
        year, rest = int(digits[:4]), digits[4:8]
    else:
        return None
    try:
        return date(year, int(rest[:2]), int(rest[2:4]))
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    """An EDIFACT number: decimal point or comma, optional minus, no thousands separators."""
    if not value:
        return None
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _code(value: str | None) -> str | None:
    """A code or number as printed, NFKC-normalised and stripped; None when empty."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    return text or None


def _element(elements: list[list[str]], index: int) -> list[str]:
    return elements[index] if index < len(elements) else []


def _get(elements: list[list[str]] | None, index: int, component: int) -> str:
    """Component `component` of element `index`, "" when absent."""
    if elements is None or index >= len(elements):
        return ""
    element = elements[index]
    return element[component] if component < len(element) else ""


def _at(components: list[str], index: int) -> str:
    return components[index] if index < len(components) else ""
