"""One small function per anomaly code (CONTRACT §4), in the order they are reported.

Each check reads the facts reconciliation established (`LineFacts`, `OrderFacts`) and
returns an `Anomaly` or None; the message is one sentence a clerk can act on, in English, and
the detail holds every value the sentence names (with `say` naming which sentence when a code
has several), so the review desk can say it in the clerk's language (review.sentences).
"""
from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from parsers.model import CheckName, CheckOutcome, ParsedLine, ParsedOrder, SourceKind
from reconcile.anomalies import Anomaly, AnomalyCode
from reconcile.catalog import Customer, Material
from reconcile.items import Ambiguous, ItemMatch, NoMatch
from reconcile.pricing import money, plain, price_differs
from reconcile.terms import DEFAULT_TAX_RATE, Terms
from reconcile.workdays import add_workdays

TOTAL_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What reconciliation found out about one line; `rate` converts the ordered unit to the base unit."""

    line: ParsedLine
    match: ItemMatch
    material: Material | None = None
    unit: str | None = None
    rate: Decimal | None = None
    base_qty: Decimal | None = None
    list_price: Decimal | None = None
    stock: Decimal | None = None
    list_includes_tax: bool = True            # the applicable entry's FIsIncludedTax (or the default)
    printed_includes_tax: bool | None = None  # what the document says of its prices; None: silent
    tax_rate: Decimal = DEFAULT_TAX_RATE      # per cent

    @property
    def no(self) -> int:
        return self.line.line_no

    def printed_as_listed(self, printed: Decimal) -> Decimal:
        """A printed price on the list's tax basis: a price stated without tax is compared with a
        tax-inclusive list after adding the tax, and the other way round; an order that does not
        say is taken on the list's basis."""
        if self.printed_includes_tax is None or self.printed_includes_tax == self.list_includes_tax:
            return printed
        factor = 1 + self.tax_rate / 100
        return printed * factor if self.list_includes_tax else printed / factor


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """The order, its customer and lines, and the business context the order checks need."""

    order: ParsedOrder
    customer: Customer | None
    currency: str | None
    lines: tuple[LineFacts, ...]
    total: Decimal | None
    today: date
    seen_pos: Container[tuple[str, str]] = frozenset()
    customer_doubt: str | None = None   # why no customer was chosen (`customers.identify_customer`)
    customer_doubt_detail: tuple[tuple[str, str], ...] = ()   # its values, for the desk's sentence
    terms: Terms = Terms()


def _n(value: Decimal) -> str:
    return str(plain(value))


def _line(code: AnomalyCode, f: LineFacts, message: str, **detail: object) -> Anomaly:
    pairs = tuple((k, str(v)) for k, v in detail.items())
    return Anomaly(code, f"Line {f.no}: {message}", f.no, pairs)


# --- line checks ---------------------------------------------------------------------------

def unknown_item(f: LineFacts) -> Anomaly | None:
    if not isinstance(f.match, NoMatch):
        return None
    what = f.line.description or f.line.customer_sku or f.line.code or f.line.barcode or "the item"
    return _line(AnomalyCode.UNKNOWN_ITEM, f, f"no item in the catalog matches \"{what}\".", what=what)


def ambiguous_item(f: LineFacts) -> Anomaly | None:
    if not isinstance(f.match, Ambiguous):
        return None
    names = ", ".join(f.match.candidates[:5])
    return _line(AnomalyCode.AMBIGUOUS_ITEM, f,
                 f"\"{f.line.description}\" fits several items equally well ({names}); pick one.",
                 what=f.line.description, candidates=names)


def inactive_item(f: LineFacts) -> Anomaly | None:
    if f.material is None or f.material.active:
        return None
    return _line(AnomalyCode.INACTIVE_ITEM, f,
                 f"item {f.material.number} is no longer sold (forbidden in the catalog).", item=f.material.number)


def unit_mismatch(f: LineFacts) -> Anomaly | None:
    if f.material is None or f.rate is not None:
        return None
    return _line(AnomalyCode.UNIT_MISMATCH, f,
                 f"the unit {f.unit} cannot be converted to {f.material.number}'s base unit "
                 f"{f.material.base_unit}.", unit=f.unit, item=f.material.number, base_unit=f.material.base_unit)


def price_mismatch(f: LineFacts) -> Anomaly | None:
    printed = f.line.unit_price
    if f.rate is None or printed is None or f.list_price is None:
        return None
    per_base = f.printed_as_listed(printed) / f.rate
    if not price_differs(per_base, f.list_price):
        return None
    return _line(AnomalyCode.PRICE_MISMATCH, f,
                 f"the price {_n(printed)} per {f.unit}{_tax_note(f)} differs by more than 0.5% from the "
                 f"list price {_n(f.list_price * f.rate)}.", printed=printed, list_price=f.list_price,
                 price=_n(printed), unit=f.unit, listed=_n(f.list_price * f.rate), **_tax_detail(f))


def _tax_note(f: LineFacts) -> str:
    """The note ' (stated without tax; 1.017 with 13% tax)' when the printed price was converted."""
    printed = f.line.unit_price
    if printed is None or f.printed_includes_tax is None or f.printed_includes_tax == f.list_includes_tax:
        return ""
    said = "with" if f.printed_includes_tax else "without"
    other = "with" if f.list_includes_tax else "without"
    converted = f.printed_as_listed(printed).quantize(Decimal("0.0001"))
    return f" (stated {said} tax; {_n(converted)} {other} {_n(f.tax_rate)}% tax)"


def _tax_detail(f: LineFacts) -> dict[str, str]:
    """The values of `_tax_note`, when there is one: the printed basis, the list's, the rate and
    the converted price."""
    printed = f.line.unit_price
    if printed is None or f.printed_includes_tax is None or f.printed_includes_tax == f.list_includes_tax:
        return {}
    return {"tax_stated": "with" if f.printed_includes_tax else "without",
            "tax_list": "with" if f.list_includes_tax else "without", "tax_rate": _n(f.tax_rate),
            "tax_converted": _n(f.printed_as_listed(printed).quantize(Decimal("0.0001")))}


def no_price(f: LineFacts) -> Anomaly | None:
    if f.material is None or f.rate is None or f.line.unit_price is not None or f.list_price is not None:
        return None
    return _line(AnomalyCode.NO_PRICE, f,
                 f"no price list entry applies to {f.material.number} and the order states no price.",
                 item=f.material.number)


def qty_not_pack_multiple(f: LineFacts) -> Anomaly | None:
    if f.material is None or f.base_qty is None or f.material.pack_qty <= 0:
        return None
    if f.base_qty % f.material.pack_qty == 0:
        return None
    return _line(AnomalyCode.QTY_NOT_PACK_MULTIPLE, f,
                 f"{_n(f.base_qty)} {f.material.base_unit} is not a multiple of the pack size "
                 f"{_n(f.material.pack_qty)}.", quantity=_n(f.base_qty), pack=_n(f.material.pack_qty),
                 base_unit=f.material.base_unit)


def below_min_qty(f: LineFacts) -> Anomaly | None:
    if f.material is None or f.base_qty is None or f.base_qty >= f.material.min_qty:
        return None
    return _line(AnomalyCode.BELOW_MIN_QTY, f,
                 f"{_n(f.base_qty)} {f.material.base_unit} is below the minimum order quantity "
                 f"{_n(f.material.min_qty)}.", quantity=_n(f.base_qty), minimum=_n(f.material.min_qty),
                 base_unit=f.material.base_unit)


def insufficient_stock(f: LineFacts) -> Anomaly | None:
    # An item without a stock row is not known to be short, so it is not flagged.
    if f.material is None or f.base_qty is None or f.stock is None or f.base_qty <= f.stock:
        return None
    return _line(AnomalyCode.INSUFFICIENT_STOCK, f,
                 f"{_n(f.base_qty)} {f.material.base_unit} ordered but only {_n(f.stock)} in stock.",
                 quantity=_n(f.base_qty), stock=_n(f.stock), base_unit=f.material.base_unit)


LINE_CHECKS: tuple[Callable[[LineFacts], Anomaly | None], ...] = (
    unknown_item, ambiguous_item, inactive_item, price_mismatch, no_price,
    qty_not_pack_multiple, below_min_qty, insufficient_stock, unit_mismatch,
)


# --- order checks --------------------------------------------------------------------------

def _order(code: AnomalyCode, message: str, **detail: object) -> Anomaly:
    return Anomaly(code, message, None, tuple((k, str(v)) for k, v in detail.items()))


def unknown_customer(o: OrderFacts) -> Anomaly | None:
    if o.customer is not None:
        return None
    if o.customer_doubt:
        return Anomaly(AnomalyCode.UNKNOWN_CUSTOMER, o.customer_doubt, None, o.customer_doubt_detail)
    buyer = o.order.buyer
    who = buyer.name or buyer.email or buyer.edi_id
    return _order(AnomalyCode.UNKNOWN_CUSTOMER, f"The buyer \"{who or 'the sender'}\" is not in the customer master.",
                  say="who" if who else "sender", who=who or "")


def po_key(customer_code: str | None, po_number: str | None) -> tuple[str, str] | None:
    """The (customer, PO number) a processed order is remembered by, for DUPLICATE_PO; unknown
    customers have none (they cannot repeat)."""
    if customer_code is None or not po_number:
        return None
    return (customer_code, po_number)


def duplicate_po(o: OrderFacts) -> Anomaly | None:
    key = po_key(o.customer.number if o.customer is not None else None, o.order.po_number)
    if key is None or o.order.is_change or key not in o.seen_pos:
        return None
    return _order(AnomalyCode.DUPLICATE_PO,
                  f"Purchase order {key[1]} from {key[0]} was already processed.", po=key[1], customer=key[0])


# Below this, a value read by OCR (or guessed from layout) is not trusted: the order goes to a
# person rather than being accepted on a guess. Clean 200-dpi fax reads score 0.85 and above.
LOW_CONFIDENCE = 0.6


def missing_field(o: OrderFacts) -> Anomaly | None:
    if not o.order.po_number:
        return _order(AnomalyCode.MISSING_FIELD, "The order has no purchase order number.", field="po_number")
    if not any(_readable(f.line) for f in o.lines):
        return _order(AnomalyCode.MISSING_FIELD, "No order line has both an item and a quantity.", field="lines",
                      say="no_line")
    doubtful = [f.line.line_no for f in o.lines if f.line.confidence < LOW_CONFIDENCE]
    if doubtful:
        numbers = ", ".join(str(n) for n in doubtful)
        return _order(AnomalyCode.MISSING_FIELD, f"Line {numbers} could not be read with confidence; "
                      "check it against the original.", field="lines", say="doubtful", lines=numbers)
    if o.order.confidence < LOW_CONFIDENCE:
        return _order(AnomalyCode.MISSING_FIELD, "Some header fields could not be read with confidence; "
                      "check them against the original.", field="header")
    return _implausible_order_date(o)


# A scanned order dated after the day it arrived (a day's grace for time zones), or this long
# before it, was most likely misread (a speck, a 1 read as 0): a clerk reads it from the original.
ORDER_DATE_AHEAD_DAYS = 1
ORDER_DATE_BEHIND_DAYS = 90


def _implausible_order_date(o: OrderFacts) -> Anomaly | None:
    """On an OCR read, an order date after the business day (the day it arrived) or months before
    it is no date a clerk would let through unchecked: nothing else on the page vouches for it."""
    dated = o.order.order_date
    if dated is None or o.order.source.kind not in OCR_KINDS:
        return None
    ahead = (dated - o.today).days
    if -ORDER_DATE_BEHIND_DAYS <= ahead <= ORDER_DATE_AHEAD_DAYS:
        return None
    when = "after" if ahead > 0 else "long before"
    return _order(AnomalyCode.MISSING_FIELD, f"The order date was read from a scan as {dated.isoformat()}, {when} the "
                  f"day the order arrived ({o.today.isoformat()}); a clerk must check it against the original.",
                  field="order_date", say="order_date", dated=dated, today=o.today)


def _readable(line: ParsedLine) -> bool:
    named = line.description or line.code or line.customer_sku or line.our_sku or line.barcode
    return bool(named) and line.quantity is not None


def stated_lines_sum(order: ParsedOrder) -> Decimal:
    """Σ printed line amounts (quantity × printed price where no amount is printed)."""
    total = Decimal(0)
    for line in order.lines:
        if line.amount is not None:
            total += line.amount
        elif line.unit_price is not None and line.quantity is not None:
            total += money(line.quantity * line.unit_price)
    return total


def total_mismatch(o: OrderFacts) -> Anomaly | None:
    stated = o.order.stated_total
    if stated is None:
        return None
    lines = stated_lines_sum(o.order)
    if abs(stated - lines) <= TOTAL_TOLERANCE:
        return None
    return _order(AnomalyCode.TOTAL_MISMATCH,
                  f"The stated total {money(stated)} differs from the sum of the lines {money(lines)}.",
                  stated=money(stated), lines=money(lines))


def requested_delivery(order: ParsedOrder) -> date | None:
    """The order's delivery date, else the earliest delivery date of its lines."""
    dates = [ln.delivery_date for ln in order.lines if ln.delivery_date is not None]
    return order.delivery_date or (min(dates) if dates else None)


def delivery_window(o: OrderFacts) -> tuple[date, date, int] | None:
    """(requested date, earliest feasible date, lead days) on the configured calendar; None when
    the order asks for no date or no line names an item with a lead time."""
    wanted = requested_delivery(o.order)
    leads = [f.material.lead_days for f in o.lines if f.material is not None]
    if wanted is None or not leads:
        return None
    return wanted, add_workdays(o.today, max(leads), o.terms.calendar), max(leads)


def delivery_date_infeasible(o: OrderFacts) -> Anomaly | None:
    window = delivery_window(o)
    if window is None or window[0] >= window[1]:
        return None
    wanted, earliest, lead = window
    return _order(AnomalyCode.DELIVERY_DATE_INFEASIBLE,
                  f"Delivery is requested for {wanted.isoformat()} but the earliest feasible date is "
                  f"{earliest.isoformat()} ({lead} working days lead time).",
                  requested=wanted, earliest=earliest, lead=lead)


def _credit_terms(o: OrderFacts) -> tuple[str, str, Decimal | None]:
    """(order currency, currency credit is kept in, the order's total in it or None without a
    rate): credit is kept in the configured credit currency, else the customer's own."""
    c = o.customer
    kept_in = (o.terms.credit_currency or (c.currency if c else None) or "CNY").upper()
    ordered_in = (o.currency or kept_in).upper()
    amount = None if o.total is None else o.terms.rates.convert(o.total, ordered_in, kept_in)
    return ordered_in, kept_in, amount


def _unconvertible(o: OrderFacts) -> str | None:
    """Why this order's value cannot be set against the customer's credit limit, or None."""
    c = o.customer
    if c is None or c.credit_limit is None or o.total is None:
        return None
    ordered_in, kept_in, amount = _credit_terms(o)
    if amount is not None:
        return None
    missing = " and ".join(x for x in dict.fromkeys((ordered_in, kept_in)) if o.terms.rates.rate(x) is None)
    return (f"the credit check could not be made: {c.number}'s credit limit is kept in {kept_in} and no "
            f"exchange rate for {missing} is configured")


def _unconvertible_detail(o: OrderFacts) -> dict[str, str]:
    """The values of `_unconvertible`'s sentence: whose limit, kept in what, which rates lack."""
    _, kept_in, _ = _credit_terms(o)
    ordered_in = (o.currency or kept_in).upper()
    missing = " and ".join(x for x in dict.fromkeys((ordered_in, kept_in)) if o.terms.rates.rate(x) is None)
    return {"customer": o.customer.number if o.customer else "", "kept_in": kept_in, "missing": missing}


def credit_limit_exceeded(o: OrderFacts) -> Anomaly | None:
    """Open amount + this order, in the currency credit is kept in; an order that cannot be
    converted is never summed wrongly: it goes to review with the sentence why (said by
    `currency_mismatch` when the order is not in the customer's currency, else here)."""
    c = o.customer
    if c is None or c.credit_limit is None or o.total is None:
        return None
    ordered_in, kept_in, amount = _credit_terms(o)
    if amount is None:
        if currency_mismatch(o) is not None:
            return None
        why = _unconvertible(o) or ""
        return _order(AnomalyCode.CREDIT_LIMIT_EXCEEDED, f"{why[:1].upper()}{why[1:]}.", check="not_made",
                      say="not_made", **_unconvertible_detail(o))
    if c.open_amount + amount <= c.credit_limit:
        return None
    converted = f" ({money(amount)} {kept_in})" if ordered_in != kept_in else ""
    return _order(AnomalyCode.CREDIT_LIMIT_EXCEEDED,
                  f"Open amount {money(c.open_amount)} plus this order's {money(o.total)}{converted} exceeds "
                  f"the credit limit {money(c.credit_limit)}.", open=money(c.open_amount), limit=money(c.credit_limit),
                  total=money(o.total), converted=money(amount) if converted else "", kept_in=kept_in)


def currency_mismatch(o: OrderFacts) -> Anomaly | None:
    c = o.customer
    if c is None or o.currency is None or o.currency.upper() == (c.currency or "").upper():
        return None
    message = f"The order is in {o.currency} but {c.number} buys in {c.currency}"
    why = _unconvertible(o)
    return _order(AnomalyCode.CURRENCY_MISMATCH, f"{message}; {why}." if why else f"{message}.",
                  **{"currency": o.currency, "buys_in": c.currency or "",
                     **({"say": "not_made", **_unconvertible_detail(o)} if why else {}), "customer": c.number})


ORDER_CHECKS: tuple[Callable[[OrderFacts], Anomaly | None], ...] = (
    unknown_customer, duplicate_po, missing_field, total_mismatch,
    delivery_date_infeasible, credit_limit_exceeded, currency_mismatch,
)


# --- the read's own checks -------------------------------------------------------------------

# Sums that disagree are a total mismatch; rows or pages missing, unreadable or uncounted are
# missing fields (CONTRACT §4 has no other codes for them).
_READ_CODES = {CheckName.ROW_ARITHMETIC: AnomalyCode.TOTAL_MISMATCH, CheckName.TOTAL: AnomalyCode.TOTAL_MISMATCH}
# Reads whose characters are guesses: a check they could not make is a doubt too.
OCR_KINDS = frozenset({SourceKind.FAX})
# Checks that no read can make, whatever its source: their absence is always a doubt.
_NEVER_VOUCHED = frozenset({CheckName.CHANGE_REQUEST})


def read_doubts(order: ParsedOrder) -> tuple[Anomaly, ...]:
    """The read's own checks that failed (any read) or could not be made (an OCR read), each an
    anomaly with the reader's sentence: such an order is never accepted."""
    ocr = order.source.kind in OCR_KINDS
    found = []
    for check in order.doubts():
        if check.outcome is CheckOutcome.NOT_MADE and not ocr and check.check not in _NEVER_VOUCHED:
            continue
        code = _READ_CODES.get(check.check, AnomalyCode.MISSING_FIELD)
        if check.outcome is CheckOutcome.NOT_MADE:
            code = AnomalyCode.MISSING_FIELD
        said = "could not be made" if check.outcome is CheckOutcome.NOT_MADE else "failed"
        found.append(Anomaly(code, f"{check.message} (the {check.check} check {said})", None,
                             (("check", str(check.check)), ("outcome", str(check.outcome)), ("say", "read_check"),
                              ("note", check.message))))
    return tuple(found)
