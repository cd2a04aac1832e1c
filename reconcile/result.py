"""What reconciliation makes of a parsed order: matched, priced, checked, with a status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from parsers.model import ParsedLine, ParsedOrder
from reconcile.anomalies import Anomaly


class OrderStatus(StrEnum):
    ACCEPTED = "accepted"
    REVIEW = "review"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ReconciledLine:
    """A line as we understood it: our item (`sku`), the unit code, the price per ordered unit."""

    line_no: int
    customer_sku: str | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    sku: str | None
    anomalies: tuple[Anomaly, ...]
    parsed: ParsedLine
    base_quantity: Decimal | None = None   # quantity in the item's base unit, when convertible
    list_price: Decimal | None = None      # applicable price list price per base unit
    price_includes_tax: bool = True        # unit_price includes tax (FTaxPrice) or not (FPrice)
    tax_rate: Decimal = Decimal(13)        # per cent (FEntryTaxRate)


@dataclass(frozen=True, slots=True)
class ReconciledOrder:
    """The order as CONTRACT §3 reports it. `anomalies` holds order-level findings only."""

    order: ParsedOrder
    status: OrderStatus
    customer_code: str | None
    customer_name: str | None
    customer_email: str | None
    po_number: str | None
    order_date: date | None
    delivery_date: date | None
    currency: str | None
    ship_to: str | None
    total: Decimal | None
    lines: tuple[ReconciledLine, ...]
    anomalies: tuple[Anomaly, ...]
    uncovered_years: tuple[int, ...] = ()   # years the delivery check counted without statutory days

    def all_anomalies(self) -> tuple[Anomaly, ...]:
        """Order-level and line-level findings together, for mails and the review queue."""
        return self.anomalies + tuple(a for ln in self.lines for a in ln.anomalies)
