"""What a stress document says: the order drawn against the catalog, and its truth.

The truth is what a perfect reader reports (CONTRACT §3 facts) and whether the order should
be accepted. A controlled fraction carries one deliberate anomaly (a price off the list, a row
whose amount disagrees, a wrong printed total, a delivery date too early), and its truth
says `review`. A None in the truth means the document does not state it: it is not scored.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tests.stress.catalog import StressCatalog, StressCustomer, StressItem

TODAY = date(2026, 11, 20)  # the business date the bench passes as --today
ANOMALIES = ("price_mismatch", "row_amount", "total_mismatch", "early_delivery")
CENT = Decimal("0.01")


@dataclass
class TruthLine:
    sku: str
    customer_sku: str | None
    quantity: Decimal
    unit: str
    unit_price: Decimal | None
    amount: Decimal | None          # as printed (a `row_amount` anomaly prints it wrong)
    item: StressItem = field(repr=False, compare=False)


@dataclass
class Truth:
    customer: StressCustomer
    po_number: str
    order_date: date | None
    delivery_date: date | None
    currency: str | None
    lines: list[TruthLine]
    total: Decimal | None           # as printed
    status: str                     # accepted | review | change (a change request: status not scored)
    anomaly: str | None = None
    change: tuple[int, Decimal, Decimal] | None = None   # (line no, from, to) of a change request

    def as_json(self, kind: str, file: str, style: dict) -> dict:
        """The truth file written beside the document."""
        lines = [{"sku": ln.sku, "customer_sku": ln.customer_sku, "quantity": _s(ln.quantity), "unit": ln.unit,
                  "unit_price": _s(ln.unit_price), "amount": _s(ln.amount)} for ln in self.lines]
        return {"file": file, "kind": kind, "status": self.status, "anomaly": self.anomaly,
                "customer": self.customer.code, "po_number": self.po_number,
                "order_date": _d(self.order_date), "delivery_date": _d(self.delivery_date),
                "currency": self.currency, "total": _s(self.total), "lines": lines, "style": style}


def _s(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


def _d(v: date | None) -> str | None:
    return None if v is None else v.isoformat()


def draw_order(cat: StressCatalog, rng: random.Random, serial: int, *, anomaly_rate: float,
               own_codes: bool | None = None, max_lines: int = 40) -> Truth:
    """A consistent order from one customer; `own_codes` forces items the customer has codes for."""
    customer = rng.choice(cat.customers)
    if own_codes is None:
        own_codes = rng.random() < 0.4
    pool = [i for i in cat.items if not own_codes or (customer.code, i.code) in cat.customer_codes]
    n = min(_line_count(rng, max_lines), len(pool))
    items = rng.sample(pool, n)
    lines = [_line(cat, customer, item, rng, own_codes) for item in items]
    total = sum((ln.amount for ln in lines), Decimal(0))
    truth = Truth(customer, _po_number(rng, serial), TODAY - timedelta(days=rng.randint(0, 6)),
                  TODAY + timedelta(days=rng.randint(15, 60)), customer.currency, lines, total, "accepted")
    if any(ln.quantity % ln.item.pack for ln in lines):
        # a weighed half unit (1482.5 KG) is no multiple of the pack size 1: CONTRACT's QTY_NOT_PACK_MULTIPLE
        truth.status, truth.anomaly = "review", "qty_not_pack_multiple"
    if rng.random() < anomaly_rate:
        _spoil(truth, rng.choice(ANOMALIES), rng)
    return truth


def _line_count(rng: random.Random, max_lines: int) -> int:
    roll = rng.random()
    n = rng.randint(1, 6) if roll < 0.7 else rng.randint(7, 15) if roll < 0.92 else rng.randint(16, 40)
    return min(n, max_lines)


def _line(cat: StressCatalog, customer: StressCustomer, item: StressItem, rng: random.Random, own: bool) -> TruthLine:
    if item.unit in ("KG", "M"):
        qty = Decimal(rng.randint(5, 2000)) + (Decimal("0.5") if rng.random() < 0.2 else 0)
    else:
        qty = Decimal(item.pack * rng.randint(1, 300 if item.pack == 1 else 120))
    price = cat.prices[customer.code, item.code]
    return TruthLine(item.code, cat.customer_codes.get((customer.code, item.code)) if own else None,
                     qty, item.unit, price, (qty * price).quantize(CENT), item)


def _po_number(rng: random.Random, serial: int) -> str:
    forms = (f"PO-2026-{serial:04d}", f"CG{rng.randint(202611, 202611)}{serial:04d}", f"4500{rng.randint(10, 99)}{serial:04d}",
             f"{rng.choice('ABKMPT')}{rng.choice('ABKMPT')}{rng.randint(26, 26)}-{serial:05d}", f"{serial:04d}/{rng.randint(10, 99)}")
    return rng.choice(forms)


def _spoil(truth: Truth, anomaly: str, rng: random.Random) -> None:
    """Make one deliberate anomaly; the printed amounts and total follow what the customer wrote."""
    k = rng.randrange(len(truth.lines))
    line = truth.lines[k]
    if anomaly == "price_mismatch":
        places = 2 if line.unit_price >= 1 else 4
        line.unit_price = (line.unit_price * Decimal(str(rng.uniform(1.04, 1.3)))).quantize(Decimal(1).scaleb(-places))
        line.amount = (line.quantity * line.unit_price).quantize(CENT)
    elif anomaly == "row_amount":
        line.amount = (line.amount * Decimal(rng.choice(("10", "0.1", "1.1", "2")))).quantize(CENT) + Decimal(1)
    elif anomaly == "early_delivery":
        if max(ln.item.lead_days for ln in truth.lines) < 2:
            return  # nothing to be late against: keep the order clean
        truth.delivery_date = TODAY + timedelta(days=1)
    truth.total = sum((ln.amount for ln in truth.lines), Decimal(0))
    if anomaly == "total_mismatch":
        truth.total += Decimal(rng.choice(("100", "10", "0.9", "1000")))
    truth.status, truth.anomaly = "review", anomaly


def check_truth(truth: Truth) -> list[str]:
    """The truth's own arithmetic, as the document prints it; returns what does not hold."""
    errors = []
    for n, ln in enumerate(truth.lines, 1):
        if ln.amount is not None and ln.unit_price is not None and truth.anomaly != "row_amount":
            if (ln.quantity * ln.unit_price).quantize(CENT) != ln.amount:
                errors.append(f"row {n}: {ln.quantity} x {ln.unit_price} != {ln.amount}")
    if truth.total is not None and truth.anomaly != "total_mismatch":
        if sum((ln.amount for ln in truth.lines), Decimal(0)) != truth.total:
            errors.append(f"rows do not add up to the total {truth.total}")
    if (truth.status == "accepted") != (truth.anomaly is None) and truth.status != "change":
        errors.append(f"status {truth.status} with anomaly {truth.anomaly}")
    if truth.order_date and truth.delivery_date and truth.delivery_date < truth.order_date:
        errors.append("delivery before the order date")
    return errors


def as_change_request(truth: Truth, rng: random.Random) -> Truth:
    """Turn an order into a change request for one of its lines: the new quantity of line k."""
    k = rng.randrange(len(truth.lines))
    old = truth.lines[k]
    new_qty = old.quantity * rng.choice((2, 3)) if old.item.pack == 1 else old.quantity + old.item.pack * rng.randint(1, 20)
    changed = TruthLine(old.sku, old.customer_sku, new_qty, old.unit, None, None, old.item)
    return Truth(truth.customer, truth.po_number, None, None, None, [changed], None, "change",
                 change=(k + 1, old.quantity, new_qty))

