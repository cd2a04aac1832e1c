"""Typed records that carry a document's outcome from the pipeline through the store and the outbox.

A document yields `OrderRecord`s (a reconciled order, or a part that should have been an order
but could not be read), the outbox rows they cause (`OutboxRow`) and one final state
(`DocumentOutcome`). These stay typed from `pipeline/` to the SQL in `store/`; JSON is made only
at the edges: the CONTRACT output, the stored payloads, the outbox payloads a sender renders.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parsers.model import FailedPart
from reconcile.anomalies import Anomaly
from reconcile.result import OrderStatus, ReconciledOrder
from store.contract import failed_json, order_json

PoKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One order a document yielded: reconciled, or `failed` (a part that could not be read), the
    failed part's `header` reconciled when one was read (customer, PO number, dates; no lines)."""

    reconciled: ReconciledOrder | None = None
    failed: FailedPart | None = None
    header: ReconciledOrder | None = None

    def __post_init__(self) -> None:
        if (self.reconciled is None) == (self.failed is None):
            raise ValueError("an OrderRecord holds either a reconciled order or a failed part")

    @property
    def status(self) -> str:
        return str(self.reconciled.status) if self.reconciled is not None else str(OrderStatus.FAILED)

    @property
    def po_number(self) -> str | None:
        """The PO number read; a failed part's too (it never makes a PO seen: see `pipeline.evaluate`)."""
        read = self.reconciled or self.header
        return read.po_number if read is not None else None

    @property
    def customer_code(self) -> str | None:
        read = self.reconciled or self.header
        return read.customer_code if read is not None else None

    @property
    def kind(self) -> str:
        source = self.reconciled.order.source if self.reconciled is not None else self.failed.source
        return str(source.kind)

    @property
    def is_change(self) -> bool:
        return bool(self.reconciled is not None and self.reconciled.order.is_change)

    @property
    def failure(self) -> str | None:
        return self.failed.reason if self.failed is not None else None

    def anomalies(self) -> tuple[Anomaly, ...]:
        """Order and line anomalies, each with its sentence for people."""
        return self.reconciled.all_anomalies() if self.reconciled is not None else ()

    def contract_json(self) -> dict[str, Any]:
        """The order as CONTRACT §3 prints it."""
        return order_json(self.reconciled) if self.reconciled is not None else failed_json(self.failed, self.header)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """Something to deliver later. `payload` is what the sender renders (JSON-ready: it is stored
    as is); `order_index` points into the document's orders, `order_id` at a stored order."""

    kind: str
    stable_key: str
    payload: dict[str, Any]
    order_index: int | None = None
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class SeenKey:
    """A (customer, PO number) this document's order `order_index` makes seen, for DUPLICATE_PO."""

    customer: str
    po_number: str
    order_index: int


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """Where one document ended: `state` is a `DocumentStatus` (processed, not_an_order, repeat,
    failed); `reason` is the sentence why when it yielded no order to show; `customer_code` the
    customer when known without an order (the sender of a mail that is not one)."""

    document_id: int
    state: str
    reason: str | None = None
    orders: tuple[OrderRecord, ...] = ()
    seen: tuple[SeenKey, ...] = ()
    outbox: tuple[OutboxRow, ...] = ()
    repeat_of: int | None = None
    customer_code: str | None = None
    repeat_orders: tuple[OrderRecord, ...] = ()  # a repeat read now: printed by `process`, never stored

    def printed(self) -> tuple[OrderRecord, ...]:
        """The orders `orderdesk process` prints for this document (CONTRACT §2)."""
        return self.orders or self.repeat_orders


@dataclass(frozen=True, slots=True)
class EnvelopeSet:
    """One X12 transaction set (ST..SE) or EDIFACT message (UNH..UNT) as its header names it."""

    type: str
    control: str
    complete: bool                 # its trailer (SE / UNT) was found
    version: str = ""              # EDIFACT message version, release and agency
    release: str = ""
    agency: str = ""
    group: str = ""                # the control number of its X12 group (GS06) or EDIFACT interchange


@dataclass(frozen=True, slots=True)
class Envelope:
    """`syntax` is "x12" or "edifact"; `facts` are the keys the acknowledgement builders echo
    (isa_*/gs_* or unb_*); `closed` says whether the group (GE) or interchange (UNZ) trailer came."""

    syntax: str
    facts: dict[str, str]
    sets: tuple[EnvelopeSet, ...]
    closed: bool

    @property
    def partner(self) -> str:
        """The sender's interchange id ("" when the envelope does not name one)."""
        return self.facts.get("isa_sender" if self.syntax == "x12" else "unb_sender", "")

    @property
    def control(self) -> str:
        """The control number an acknowledgement refers to (GS06 or the UNB reference)."""
        return self.facts.get("gs_control" if self.syntax == "x12" else "unb_control", "")
