"""The one place orders become CONTRACT §3 JSON (and the stored payload that extends it)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from parsers.model import FailedPart, Provenance, SourceRef
from reconcile.result import OrderStatus, ReconciledLine, ReconciledOrder


def _dec(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(Decimal("0.01")), "f")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _source(ref: SourceRef) -> dict[str, Any]:
    return {"path": ref.path, "part": ref.part, "kind": str(ref.kind)}


def line_json(line: ReconciledLine) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "customer_sku": line.customer_sku,
        "description": line.description,
        "quantity": _dec(line.quantity),
        "unit": line.unit,
        "unit_price": _dec(line.unit_price),
        "sku": line.sku,
        "anomalies": [str(a.code) for a in line.anomalies],
    }


def order_json(order: ReconciledOrder) -> dict[str, Any]:
    """A reconciled order as CONTRACT §3 prints it."""
    return {
        "source": _source(order.order.source),
        "status": str(order.status),
        "customer": {"code": order.customer_code, "name": order.customer_name,
                     "email": order.customer_email},
        "po_number": order.po_number,
        "order_date": _day(order.order_date),
        "delivery_date": _day(order.delivery_date),
        "currency": order.currency,
        "ship_to": order.ship_to,
        "total": _money(order.total),
        "lines": [line_json(ln) for ln in order.lines],
        "anomalies": [str(a.code) for a in order.anomalies],
        "failure": None,
    }


def failed_json(failed: FailedPart, header: ReconciledOrder | None = None) -> dict[str, Any]:
    """A document part that should have held an order but could not be read, with the header
    fields read from it (`header`: its header reconciled, no lines), else nulls."""
    h = header
    return {
        "source": _source(failed.source),
        "status": str(OrderStatus.FAILED),
        "customer": {"code": h.customer_code if h else None, "name": h.customer_name if h else None,
                     "email": h.customer_email if h else None},
        "po_number": h.po_number if h else None,
        "order_date": _day(h.order_date) if h else None,
        "delivery_date": _day(h.delivery_date) if h else None,
        "currency": h.currency if h else None,
        "ship_to": h.ship_to if h else None,
        "total": None,
        "lines": [],
        "anomalies": [],
        "failure": failed.reason,
    }


def _where(p: Provenance | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {k: v for k, v in asdict(p).items() if v is not None}


def stored_payload(order: ReconciledOrder) -> dict[str, Any]:
    """The CONTRACT JSON plus what the store keeps for people: provenance, confidence, sentences.

    This is the `orders.payload_json` storage format; the extras are `_`-prefixed keys, which
    `contract_json` strips again.
    """
    record = order_json(order)
    parsed = order.order
    record["_is_change"] = parsed.is_change
    record["_prices_include_tax"] = parsed.prices_include_tax   # what the document said of tax, if anything
    record["_confidence"] = parsed.confidence
    record["_fields"] = {name: _where(p) for name, p in parsed.fields.items()}
    record["_pages"] = [[f.width, f.height, f.angle] for f in parsed.page_frames]   # where the boxes lie
    record["_anomalies"] = [{"code": str(a.code), "message": a.message, "line_no": a.line_no}
                            for a in order.all_anomalies()]
    # What the review desk needs to check a corrected order again the same way: the buyer as the
    # document named it, the EDI envelope to acknowledge, and each line's unit and price as printed
    # (a price filled in from the list is not the customer's).
    buyer = parsed.buyer
    record["_buyer"] = {"name": buyer.name, "edi_id": buyer.edi_id, "email": buyer.email,
                        "hints": [[str(c.kind), c.text] for c in buyer.candidates]}
    record["_envelope"] = [list(pair) for pair in parsed.envelope]
    record["_message_type"] = parsed.message_type
    record["_printed"] = [{"unit": ln.parsed.unit, "unit_price": _dec(ln.parsed.unit_price)} for ln in order.lines]
    return record


def provenance_json(line: ReconciledLine) -> dict[str, Any] | None:
    """Where a line was read (page, cell, segment), and under "fields" where each of its values
    was (by attribute name: quantity, unit_price, ...), for the review desk."""
    where = _where(line.parsed.provenance)
    if line.parsed.fields:
        where = {**(where or {}), "fields": {name: _where(p) for name, p in line.parsed.fields.items()}}
    return where


def contract_json(payload: dict[str, Any]) -> dict[str, Any]:
    """The CONTRACT §3 part of a stored payload: without the `_`-prefixed extras, also per line."""
    clean = {k: v for k, v in payload.items() if not k.startswith("_")}
    if isinstance(clean.get("lines"), list):
        clean["lines"] = [{k: v for k, v in line.items() if not k.startswith("_")}
                          for line in clean["lines"]]
    return clean
