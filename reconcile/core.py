"""`reconcile()`: a parsed order against a catalog snapshot, giving a checked, priced order.

Pure: the business date and the already-seen purchase orders are arguments, so the same
inputs always give the same answer.
"""
from __future__ import annotations

import logging
from collections.abc import Container
from datetime import date
from decimal import Decimal

from parsers.model import ParsedLine, ParsedOrder, SourceKind
from parsers.vocab import item_ids
from reconcile.catalog import Customer
from reconcile import ocrcodes
from reconcile.anomalies import Anomaly, AnomalyCode
from reconcile.checks import LINE_CHECKS, ORDER_CHECKS, LineFacts, OrderFacts, delivery_window, read_doubts
from reconcile.customers import CustomerMatch, identify_customer
from reconcile.items import Match, looks_like_gtin, match_item
from reconcile.pricing import applicable_price, money, plain
from reconcile.result import OrderStatus, ReconciledLine, ReconciledOrder
from reconcile.snapshot import CatalogSnapshot
from reconcile.terms import Terms
from reconcile.units import conversion_rate, to_base, unit_code

log = logging.getLogger(__name__)


def reconcile(order: ParsedOrder, catalog: CatalogSnapshot, *, today: date,
              seen_pos: Container[tuple[str, str]] = frozenset(),
              customer_code: str | None = None, terms: Terms = Terms()) -> ReconciledOrder:
    """Match the order's customer and items, price the lines and run every check.

    `seen_pos` holds the (customer code, PO number) pairs already processed; recording this
    order's pair afterwards is the caller's job (see `checks.po_key`). `customer_code` is a
    customer a person chose at the review desk: it replaces identifying one from the document
    (a code the catalog does not know is UNKNOWN_CUSTOMER, as any unknown customer). `terms`
    brings the calendar, tax and exchange rates the checks use.
    """
    found = _chosen(customer_code, catalog) if customer_code else identify_customer(order.buyer, catalog)
    customer = found.customer
    currency = order.currency or (customer.currency if customer else None)
    pricing_day = order.order_date or today
    ocr = order.source.kind == SourceKind.FAX
    printed = tuple(_ocr_repaired(ln, customer.number if customer else None, catalog) if ocr else ln
                    for ln in order.lines)
    facts = tuple(line_facts(ln, customer, catalog, pricing_day, currency, terms=terms,
                             stated_tax=order.prices_include_tax) for ln in printed)
    lines = tuple(_reconciled_line(f, catalog, ocr=ocr) for f in facts)
    total = order_total(lines)
    ofacts = OrderFacts(order, customer, currency, facts, total, today, seen_pos, customer_doubt=found.doubt,
                        customer_doubt_detail=found.doubt_detail, terms=terms)
    anomalies = tuple(a for check in ORDER_CHECKS if (a := check(ofacts)) is not None)
    anomalies += _new_doubts(read_doubts(order), anomalies)
    if ocr:
        anomalies += ocrcodes.doubts(order.lines, lines, customer.number if customer else None, catalog)
    clean = not anomalies and not any(ln.anomalies for ln in lines)
    log.info("reconciled po=%s customer=%s anomalies=%d", order.po_number,
             customer.number if customer else None, len(anomalies) + sum(len(ln.anomalies) for ln in lines))
    return ReconciledOrder(
        order=order, status=OrderStatus.ACCEPTED if clean else OrderStatus.REVIEW,
        customer_code=customer.number if customer else None,
        customer_name=customer.name if customer else order.buyer.name,
        customer_email=order.buyer.email, po_number=order.po_number,
        order_date=order.order_date, delivery_date=order.delivery_date, currency=currency,
        ship_to=order.ship_to or (customer.address if customer else None) or None,
        total=total, lines=lines, anomalies=anomalies, uncovered_years=_uncovered_years(ofacts))


def _ocr_repaired(line: ParsedLine, customer: str | None, catalog: CatalogSnapshot) -> ParsedLine:
    """A line read by OCR with its codes and a lost K of its unit put back where the catalog
    vouches for one reading (`reconcile.ocrcodes`)."""
    line = ocrcodes.tail_repaired(ocrcodes.repaired(line, customer, catalog), customer, catalog)
    return ocrcodes.kilo_repaired(ocrcodes.priced_repaired(line, customer, catalog), customer, catalog)


def _uncovered_years(o: OrderFacts) -> tuple[int, ...]:
    """The years between today and the delivery window's end that the calendar does not know,
    so the edge can tell staff once that they were counted on weekdays and configured days."""
    window = delivery_window(o)
    if window is None:
        return ()
    return o.terms.calendar.uncovered_years(o.today, max(window[0], window[1]))


def _chosen(code: str, catalog: CatalogSnapshot) -> CustomerMatch:
    customer = catalog.customer(code)
    if customer is None:
        return CustomerMatch(None, f"The customer code {code} chosen for this order is not in the catalog.")
    return CustomerMatch(customer)


def _new_doubts(doubts: tuple[Anomaly, ...], found: tuple[Anomaly, ...]) -> tuple[Anomaly, ...]:
    """The read's doubts, less a failed total check the printed-total check already reported."""
    reported = any(a.code is AnomalyCode.TOTAL_MISMATCH for a in found)
    return tuple(d for d in doubts if not (reported and dict(d.detail).get("check") == "total"))


def line_facts(line: ParsedLine, customer: Customer | None, catalog: CatalogSnapshot,
               pricing_day: date, currency: str | None, *, terms: Terms = Terms(),
               stated_tax: bool | None = None) -> LineFacts:
    """Identify the line's item, convert its quantity to the base unit and find its list price
    and whether that includes tax (the entry's FIsIncludedTax, else `terms`' default);
    `stated_tax` is what the document says of its own prices."""
    match = match_item(line, customer.number if customer else None, catalog)
    written = unit_code(line.unit)
    taxes = {"printed_includes_tax": stated_tax, "tax_rate": terms.tax_rate,
             "list_includes_tax": terms.prices_include_tax}
    if not isinstance(match, Match):
        return LineFacts(line, match, unit=written, **taxes)
    material = match.material
    unit = written or unit_code(material.base_unit)
    rate = conversion_rate(catalog.units, material, line.unit or unit)
    base_qty = to_base(line.quantity, rate) if rate is not None and line.quantity is not None else None
    entry = None
    if base_qty is not None:
        entry = applicable_price(catalog.prices(material.number), customer=customer.number if customer else None,
                                 base_qty=base_qty, on=pricing_day, currency=currency)
    if entry is not None and entry.includes_tax is not None:
        taxes["list_includes_tax"] = entry.includes_tax
    return LineFacts(line, match, material, unit, rate, base_qty,
                     entry.price if entry else None, catalog.stock(material.number), **taxes)


def _reconciled_line(f: LineFacts, catalog: CatalogSnapshot, *, ocr: bool) -> ReconciledLine:
    line = f.line
    anomalies = tuple(a for check in LINE_CHECKS if (a := check(f)) is not None)
    return ReconciledLine(
        line_no=line.line_no, customer_sku=printed_customer_sku(line, catalog),
        description=_description(f, ocr), quantity=line.quantity, unit=f.unit,
        unit_price=_unit_price(f), sku=f.material.number if f.material else None,
        anomalies=anomalies, parsed=line, base_quantity=f.base_qty, list_price=f.list_price,
        price_includes_tax=_price_includes_tax(f), tax_rate=f.tax_rate)


def _price_includes_tax(f: LineFacts) -> bool:
    """The tax basis of the line's unit price: as the document says for a printed price (the
    list's when it says nothing), the list's for a price taken from the list."""
    if f.line.unit_price is not None and f.printed_includes_tax is not None:
        return f.printed_includes_tax
    return f.list_includes_tax


def _description(f: LineFacts, ocr: bool) -> str | None:
    """As printed; for a line read by OCR and matched fuzzily, the catalog text it most likely says."""
    if ocr and isinstance(f.match, Match) and f.match.how == "fuzzy" and f.match.text:
        return f.match.text
    return f.line.description


def _unit_price(f: LineFacts) -> Decimal | None:
    """As printed; else the list price per ordered unit; None when neither exists."""
    if f.line.unit_price is not None:
        return f.line.unit_price
    if f.list_price is None or f.rate is None:
        return None
    return plain(f.list_price * f.rate)


def printed_customer_sku(line: ParsedLine, catalog: CatalogSnapshot) -> str | None:
    """The customer's own code as printed: never our FNumber or a GTIN. With no column naming it,
    the first code printed on the line that is not ours (a second code column under a heading no
    vocabulary knows) is the customer's."""
    if line.customer_sku:
        return line.customer_sku
    printed = [line.code] + ([value for label, value in line.ids if _unowned_code(label, value)]
                             if line.our_sku is None else [])
    for code in printed:
        if code and not looks_like_gtin(code) and code != line.barcode and catalog.material(code) is None:
            return code
    return None


def _unowned_code(label: str, value: str) -> bool:
    """An id printed under a table heading that is a code (no words): not one EDI marks as ours, a
    GTIN or no item id at all (a PD description, a lot or serial number)."""
    if not value or " " in value.strip() or not any(ch.isdigit() for ch in value):
        return False
    return all(item_ids.owner(label, standard) in (None, item_ids.CUSTOMER) for standard in item_ids.STANDARDS)


def order_total(lines: tuple[ReconciledLine, ...]) -> Decimal | None:
    """Σ quantity × unit price, two decimals; None when a line lacks either, or there are no lines."""
    if not lines or any(ln.unit_price is None or ln.quantity is None for ln in lines):
        return None
    return money(sum((ln.quantity * ln.unit_price for ln in lines), Decimal(0)))
