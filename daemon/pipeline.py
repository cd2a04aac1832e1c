"""Parse, reconcile and shape one document's orders: the work a worker and `process` share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from parsers.model import ParseResult
from reconcile import CatalogSnapshot, reconcile
from reconcile.result import ReconciledOrder
from daemon.jsonout import failed_json, order_record


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one document yields: order records (CONTRACT §3 JSON plus `_` extras for the store),
    the PO keys to remember, the reconciled orders."""

    orders: list[dict[str, Any]]
    seen_keys: list[tuple[str, str]]
    reconciled: list[ReconciledOrder]
    not_orders: tuple[str, ...]


def po_key(order: ReconciledOrder) -> tuple[str, str] | None:
    """The (customer, PO number) pair a later order with the same PO would duplicate."""
    if not order.po_number or order.customer_code is None:
        return None
    return order.customer_code, order.po_number


def evaluate(result: ParseResult, catalog: CatalogSnapshot, *, today: date,
             seen: set[tuple[str, str]]) -> Outcome:
    """Reconcile every parsed order in document order; `seen` grows as POs are met."""
    orders: list[dict[str, Any]] = []
    keys: list[tuple[str, str]] = []
    done: list[ReconciledOrder] = []
    for parsed in result.orders:
        rec = reconcile(parsed, catalog, today=today, seen_pos=seen)
        key = po_key(rec)
        if key is not None:
            seen.add(key)
            keys.append(key)
        orders.append(order_record(rec))
        done.append(rec)
    orders.extend(failed_json(f) for f in result.failures)
    return Outcome(orders, keys, done, result.not_orders)
