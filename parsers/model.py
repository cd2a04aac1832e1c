"""The normalized order every parser produces (CONTRACT §3), before reconciliation.

Parsers fill in what the document says, as it says it; matching to the catalog, unit codes
and anomalies are the reconciliation core's business. Money and quantities are `Decimal`,
dates `datetime.date`, unknown is `None`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class SourceKind(StrEnum):
    """The format an order's lines were read from (CONTRACT §3 `source.kind`)."""

    EMAIL = "email"
    PDF = "pdf"
    FAX = "fax"
    X12 = "x12"
    EDIFACT = "edifact"
    XLSX = "xlsx"
    CSV = "csv"
    DOCX = "docx"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an order came from: the file as it arrived, the attachment inside it, the format."""

    path: str
    part: str | None
    kind: SourceKind


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one value was read, so a clerk can be shown the spot in the original.

    `segment` is an EDI segment position ("ST 2, segment 14: PO1"), `cell` a table cell
    ("B7" or "row 3, 数量"), `line` a text line number, `page`/`box` a PDF or image region.
    `text` is a header value as printed, when a cell or line may hold more than the value (its
    label beside it): what narrows a box to the value's words, and what the desk marks in a line.
    """

    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    cell: str | None = None
    line: int | None = None
    segment: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class PageFrame:
    """A page as a reader saw it: its size in the units of its boxes (PDF points, scan pixels),
    and the angle (degrees, counter-clockwise) it turned a skewed scan by before reading, so the
    boxes lie on the levelled page, turned about its centre. 0 x 0: the page was not read."""

    width: float
    height: float
    angle: float = 0.0


class CandidateKind(StrEnum):
    """Where on (or around) a document a hint of the customer was found."""

    SENDER = "sender"            # the e-mail From address
    REPLY_TO = "reply_to"        # the e-mail Reply-To address
    EDI_ID = "edi_id"            # ISA/UNB sender id, NAD/N1 party id
    LETTERHEAD = "letterhead"    # a company name at the top of the page or in the title
    BUYER_FIELD = "buyer_field"  # a labelled buyer / bill-to / 客户 / 采购方 company field
    STAMP = "stamp"              # the text of a company stamp (…采购专用章)
    ADDRESS = "address"          # a printed postal address
    PHONE = "phone"              # a printed telephone or fax number
    EMAIL = "email"              # a printed e-mail address
    DOMAIN = "domain"            # a printed web site or e-mail domain


@dataclass(frozen=True, slots=True)
class CustomerCandidate:
    """One hint of who the customer is, as printed; reconciliation weighs them all together."""

    kind: CandidateKind
    text: str
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """Who sent the order, as the document identifies them; the customer match is done later.

    `name`, `edi_id` and `email` are the best single reading; `candidates` every hint the
    document and its envelope gave (letterhead, stamp, labelled buyer field, address, phone,
    e-mail, domain), so the customer can be found from what agrees.
    """

    name: str | None = None
    edi_id: str | None = None
    email: str | None = None
    candidates: tuple[CustomerCandidate, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One order line as printed.

    The item may be identified several ways at once: `customer_sku` is a code the document
    marks as the buyer's own (X12 BP, EDIFACT PIA IN, a "customer item code" column);
    `our_sku` a code it marks as ours (X12 VP, EDIFACT SA, "物料编码"); `barcode` a GTIN;
    `code` a code whose owner the document does not say (reconciliation tries ours, then the
    customer's). `ids` keeps every qualifier/value pair the document printed.
    `provenance` is where the line as a whole was read; `fields` maps a value's name (as the
    attribute here: "quantity", "unit_price", "customer_sku", ...) to the cell it was read from,
    so the review desk can point at each value in the original.
    """

    line_no: int
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    customer_sku: str | None = None
    our_sku: str | None = None
    barcode: str | None = None
    code: str | None = None
    ids: tuple[tuple[str, str], ...] = ()
    delivery_date: date | None = None
    confidence: float = 1.0
    provenance: Provenance | None = None
    fields: dict[str, Provenance] = field(default_factory=dict, compare=False, hash=False)


class CheckName(StrEnum):
    """The checks a read makes on itself (`parsers/layout/checks.py`)."""

    ROW_ARITHMETIC = "row arithmetic"   # quantity x unit price = the row's amount
    ROW_NUMBERS = "row numbers"         # printed row numbers run 1..N, N = the grid's row count
    TOTAL = "total"                     # the lines add up to the printed total
    PAGES = "pages"                     # "page 1/2": every page is there
    ROW_READ = "row read"               # a row in the table could be read at all
    DATE_ORDER = "date order"           # a date like 11/12/2026 whose day-month order the document settles
    CHANGE_REQUEST = "change request"   # a change written as a sentence names only what changes
    HEADER_FIELD = "header field"       # a PO number or date whose label is printed has its value read


class CheckOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_MADE = "not made"   # the document gives nothing to check against (no amounts, no total)


@dataclass(frozen=True, slots=True)
class ReadCheck:
    """One check a reader made on its own read, with one sentence a clerk understands.

    `line_no` is the order line the check concerns (None for the whole order). A failed check
    keeps the order out of `accepted`; on an OCR read so does a check that could not be made.
    """

    check: CheckName
    outcome: CheckOutcome
    message: str
    line_no: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedOrder:
    """One purchase order as the document states it.

    `stated_total` is a total printed on the document, used only to check the lines
    (`TOTAL_MISMATCH`); `is_change` marks change orders (X12 860 or BEG01 04/05, EDIFACT
    ORDCHG or BGM function 4/5, a subject saying 订单变更), which are not duplicates.
    `fields` maps a header field name to where it was read. `envelope` keeps the EDI
    interchange facts an acknowledgement must echo (sender, receiver, control numbers).
    `read_checks` are the checks the reader made on itself (row arithmetic, row numbers, the
    printed total, the pages); `verified` says whether every one of them passed.
    `page_frames` are the pages (1..N) as the reader saw them, so the desk can place a
    provenance box on a page image of any size.
    `prices_include_tax` is False when the document states its prices without tax ("不含税单价",
    "excl. VAT"), True when it states them with tax, None when it does not say.
    """

    source: SourceRef
    po_number: str | None = None
    order_date: date | None = None
    delivery_date: date | None = None
    currency: str | None = None
    ship_to: str | None = None
    stated_total: Decimal | None = None
    buyer: Party = field(default_factory=Party)
    is_change: bool = False
    message_type: str | None = None
    lines: tuple[ParsedLine, ...] = ()
    confidence: float = 1.0
    fields: dict[str, Provenance] = field(default_factory=dict, compare=False, hash=False)
    envelope: tuple[tuple[str, str], ...] = ()
    read_checks: tuple[ReadCheck, ...] = ()
    prices_include_tax: bool | None = None   # what the document says of its prices (含税 / 不含税); None: silent
    page_frames: tuple[PageFrame, ...] = field(default=(), compare=False)

    @property
    def verified(self) -> bool:
        """True when the read checked itself and every check passed."""
        return bool(self.read_checks) and all(c.outcome is CheckOutcome.PASSED for c in self.read_checks)

    def doubts(self) -> tuple[ReadCheck, ...]:
        """The read checks that failed or could not be made."""
        return tuple(c for c in self.read_checks if c.outcome is not CheckOutcome.PASSED)


@dataclass(frozen=True, slots=True)
class FailedPart:
    """A part that should have held an order but could not be read; becomes a `failed` order.

    `header` is the order as far as it was read, with no lines (customer, PO number, dates): the
    clerk who reads the part sees whose order it is, and which.
    """

    source: SourceRef
    reason: str
    header: ParsedOrder | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything read from one document.

    `not_orders` lists, in a sentence each, the parts recognised as something other than an
    order (an invoice, an acknowledgement, a newsletter), which produce no order.
    """

    orders: tuple[ParsedOrder, ...] = ()
    failures: tuple[FailedPart, ...] = ()
    not_orders: tuple[str, ...] = ()

    def __add__(self, other: ParseResult) -> ParseResult:
        return ParseResult(self.orders + other.orders, self.failures + other.failures,
                           self.not_orders + other.not_orders)
