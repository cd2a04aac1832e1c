"""An order a clerk corrected, checked again and approved, or rejected: the desk's way through
the one document service.

The corrected order goes through the same `reconcile` and `plan_outbox` as every document
(`DocumentService`'s catalog, customer contacts, document facts and shadow mode), so an approved
order gets the confirmation, ERP export and EDI purchase-order acknowledgement an accepted one
gets. What the clerk vouches for is explicit: a line whose price was accepted loses its
PRICE_MISMATCH; anomalies that leave the order unusable (no item, no price, no customer…)
refuse approval; any other that remains must be accepted in so many words (`accept_remaining`).
The write happens under the writers' lock, against the seen POs read under it.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from outbox.plan import CALENDAR_KEY, MAIL, DocumentFacts, customer_recipients, doc_payload, order_payload, plan_outbox
from outbox.shadow import hold
from parsers.model import ParsedOrder
from reconcile import CatalogSnapshot, reconcile
from reconcile.anomalies import Anomaly, AnomalyCode
from reconcile.checks import po_key
from reconcile.result import OrderStatus, ReconciledOrder
from reconcile.terms import Terms
from store import decisions, orders
from store.audit import AuditRecord
from store.db import session_scope
from store.models import DocumentStatus
from store.records import OrderRecord, OutboxRow, PoKey

log = logging.getLogger(__name__)

# Anomalies no approval can cover: the order could not be exported or confirmed as it is.
BLOCKING = frozenset({AnomalyCode.UNKNOWN_CUSTOMER, AnomalyCode.MISSING_FIELD, AnomalyCode.UNKNOWN_ITEM,
                      AnomalyCode.AMBIGUOUS_ITEM, AnomalyCode.INACTIVE_ITEM, AnomalyCode.NO_PRICE,
                      AnomalyCode.UNIT_MISMATCH})


class ApprovalRefused(Exception):
    """The corrected order cannot be approved (or rejected) yet. `reason` names why for the desk
    to say in the clerk's language (blocking, remaining, no_catalog, no_address, not_read);
    `details` are the anomaly sentences concerned (`anomalies` the anomalies, for the desk to say
    in the clerk's language); the exception's text is English."""

    ENGLISH = {"blocking": "These must be fixed before the order can be approved:",
               "remaining": "Accept the remaining anomalies to approve:",
               "no_catalog": "No catalog is loaded, so nothing can be checked.",
               "no_address": "No e-mail address of this customer is known, so the reason cannot be sent; "
                             "set the customer first.",
               "not_read": "Only an order that was read can be rejected."}

    def __init__(self, reason: str, details: tuple[str, ...] = (), anomalies: tuple[Anomaly, ...] = ()) -> None:
        self.reason, self.details, self.anomalies = reason, details, anomalies
        super().__init__(" ".join((self.ENGLISH[reason], *details)))


@dataclass(frozen=True, slots=True)
class Correction:
    """A corrected order to check or approve: the order as the clerk wants it (`parsed`), the
    customer they chose, the lines whose price they accept, and whether they accept whatever
    other anomaly remains."""

    document_id: int
    order_id: int | None             # the order that was read; None for one typed in
    parsed: ParsedOrder
    customer: str | None = None
    accepted_prices: frozenset[int] = frozenset()
    accept_remaining: bool = False


def recheck(correction: Correction, catalog: CatalogSnapshot, *, today: Any,
            seen: set[PoKey], terms: Terms = Terms()) -> ReconciledOrder:
    """The corrected order reconciled again (on the service's calendar, tax and rates), less the
    price differences the clerk accepted."""
    rec = reconcile(correction.parsed, catalog, today=today, seen_pos=seen, customer_code=correction.customer,
                    terms=terms)
    return waive_prices(chosen_items(rec, catalog), correction.accepted_prices)


def chosen_items(rec: ReconciledOrder, catalog: CatalogSnapshot) -> ReconciledOrder:
    """A line whose item code the clerk gave must be that item: a code the catalog does not know
    is UNKNOWN_ITEM, never quietly replaced by what the description matches."""
    lines = []
    for ln in rec.lines:
        code = ln.parsed.our_sku
        if code and catalog.material(code) is None:
            # whatever else was found concerned another item (or none): only this is true of the line
            ln = replace(ln, sku=None, base_quantity=None, list_price=None, anomalies=(Anomaly(
                AnomalyCode.UNKNOWN_ITEM, f"The item code {code} given for line {ln.line_no} is not in the catalog.",
                ln.line_no, (("say", "given"), ("code", code))),))
        lines.append(ln)
    return replace(rec, lines=tuple(lines))


def waive_prices(rec: ReconciledOrder, accepted: frozenset[int]) -> ReconciledOrder:
    """Drop PRICE_MISMATCH from the lines whose price was accepted; the status follows."""
    lines = tuple(replace(ln, anomalies=tuple(a for a in ln.anomalies if a.code is not AnomalyCode.PRICE_MISMATCH))
                  if ln.line_no in accepted else ln for ln in rec.lines)
    clean = not rec.anomalies and not any(ln.anomalies for ln in lines)
    return replace(rec, lines=lines, status=OrderStatus.ACCEPTED if clean else OrderStatus.REVIEW)


def blocking(rec: ReconciledOrder) -> tuple[Anomaly, ...]:
    """The anomalies that keep this order from being approved, whoever vouches for it."""
    found = tuple(a for a in rec.all_anomalies() if a.code in BLOCKING)
    if not rec.lines:
        found += (Anomaly(AnomalyCode.MISSING_FIELD, "The order has no lines.", None, (("say", "no_lines"),)),)
    return found


def verdict(rec: ReconciledOrder, accept_remaining: bool) -> ReconciledOrder:
    """The order as approved (status accepted), or `ApprovalRefused` saying what must change."""
    stop = blocking(rec)
    if stop:
        raise ApprovalRefused("blocking", tuple(_numbered(a) for a in stop), stop)
    remaining = rec.all_anomalies()
    if remaining and not accept_remaining:
        raise ApprovalRefused("remaining", tuple(_numbered(a) for a in remaining), remaining)
    return replace(rec, status=OrderStatus.ACCEPTED)


def _numbered(a: Anomaly) -> str:
    """The sentence with its line number in front, once (a line check's sentence starts with it)."""
    if a.line_no is None or a.message.startswith(f"Line {a.line_no}:"):
        return a.message
    return f"Line {a.line_no}: {a.message}"


def approval_rows(rec: ReconciledOrder, facts: DocumentFacts, settings: Any,
                  contacts: dict[str, tuple[str, ...]]) -> list[OutboxRow]:
    """What an accepted order sends (confirmation, ERP export, the EDI purchase-order
    acknowledgement), less the interchange's functional acknowledgement, sent when it arrived,
    and any calendar notice (planned when the document was read)."""
    rows = plan_outbox([OrderRecord(reconciled=rec)], facts, settings, contacts=contacts)
    # A calendar notice is about the settings, not the order: keyed by its year alone, it is not
    # made the approved order's own (that would mail it again for every approval).
    return hold([r for r in rows if not r.stable_key.startswith(("fack:", CALENDAR_KEY))], settings.mode)


class RecheckMemo:
    """The last re-checks of corrected orders, by everything that decides them: the correction
    itself, the catalog version (bundle fingerprint and what clerks taught), the business date and
    the POs already seen. Reconciliation is a pure function of these, so a kept result is exactly
    what a new re-check would give: an edited draft, a new catalog or a new day is another key,
    and nothing stale is ever returned. One memo serves one document service (its terms are fixed).
    Opening a case page again (a 400-line order) then costs no re-check."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, ReconciledOrder] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> ReconciledOrder | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: Hashable, rec: ReconciledOrder) -> None:
        with self._lock:
            self._kept[key] = rec
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


def correction_key(correction: Correction) -> bytes:
    """A digest of everything in the correction (every value as typed, `Decimal('3.50')` not
    `3.5`: the re-check keeps a value's places in amounts and totals)."""
    return hashlib.blake2b(repr(correction).encode("utf-8"), digest_size=20).digest()


class Approvals:
    """Check, approve and reject corrected orders with a `DocumentService` (its catalog, settings,
    business date and document facts). One at a time per service: the caller holds its lock."""

    def __init__(self, service: Any, memo: RecheckMemo | None = None) -> None:
        self.service = service
        self.memo = memo

    def check(self, correction: Correction) -> ReconciledOrder:
        """The corrected order as reconciliation sees it now (for the case page); from the memo
        when the same correction was checked against the same catalog, day and seen POs."""
        with session_scope(self.service.engine) as session:
            seen = orders.seen_for(session, [correction.parsed.po_number or ""], excluding=_own(correction))
        catalog, today = self._catalog(), self.service.today()
        key = (correction_key(correction), self.service.fingerprint, self.service.learned_version, today,
               frozenset(seen))
        found = self.memo.get(key) if self.memo is not None else None
        if found is None:
            found = recheck(correction, catalog, today=today, seen=seen, terms=self.service.terms)
            if self.memo is not None:
                self.memo.put(key, found)
        return found

    def approve(self, correction: Correction, *, by: str, now: datetime) -> int:
        """Approve the corrected order; returns the new order's id. `ApprovalRefused` when it
        cannot be approved as it is, `decisions.AlreadyDecided` when it was decided meanwhile."""
        doc, data = self.service.load(correction.document_id)
        facts = self.service.facts(doc, data)
        with session_scope(self.service.engine) as session:
            orders.serialise_writers(session)
            decisions.ensure_open(session, correction.document_id, correction.order_id)
            seen = orders.seen_for(session, [correction.parsed.po_number or ""], excluding=_own(correction))
            rec = verdict(recheck(correction, self._catalog(), today=self.service.today(), seen=seen,
                                  terms=self.service.terms), correction.accept_remaining)
            rows = approval_rows(rec, facts, self.service.settings, self.service.contacts)
            entry = AuditRecord(now, by, "approve", _approved_detail(rec, correction),
                                document_id=correction.document_id)
            order_id = decisions.save_approval(
                session, document_id=correction.document_id, old_order_id=correction.order_id,
                record=OrderRecord(reconciled=rec), seen=po_key(rec.customer_code, rec.po_number),
                rows=rows, entry=entry, now=now)
        log.info("user=%s approved po=%s as order=%s doc=%s", by, rec.po_number, order_id, correction.document_id)
        return order_id

    def reject(self, correction: Correction, rec: ReconciledOrder, *, reason: str, note: str, by: str,
               now: datetime) -> None:
        """Reject an open order (`rec`: as the clerk sees it): the customer is told why, in both
        languages, through the outbox."""
        if correction.order_id is None:
            raise ApprovalRefused("not_read")
        doc, data = self.service.load(correction.document_id)
        facts = self.service.facts(doc, data)
        row = rejection_row(correction.order_id, rec, facts, reason, note, self.service.contacts)
        entry = AuditRecord(now, by, "reject", f"{reason}: {note}" if note else reason,
                            document_id=correction.document_id, order_id=correction.order_id)
        with session_scope(self.service.engine) as session:
            decisions.save_rejection(session, order_id=correction.order_id,
                                     rows=hold([row], self.service.settings.mode), entry=entry, now=now)
        log.info("user=%s rejected order=%s (%s) doc=%s", by, correction.order_id, reason, correction.document_id)

    def reject_document(self, document_id: int, *, reason: str, note: str, by: str, now: datetime) -> bool:
        """Reject a document that holds no order to approve (a failed fax, an unreadable file):
        its sender is told why, in both languages, through the outbox, when known. Returns
        whether a mail was planned; `decisions.AlreadyDecided` when it was decided meanwhile."""
        doc, data = self.service.load(document_id)
        facts = self.service.facts(doc, data)
        catalog = self.service.catalog if self.service.refresh_catalog() else None
        customer = catalog.customer(doc.customer_code) if catalog is not None else None
        row = document_rejection_row(facts, doc.customer_code, customer.name if customer else None,
                                     reason, note, self.service.contacts)
        rows = hold([row], self.service.settings.mode) if row is not None else []
        told = f"; {', '.join(row.payload['to'])} told why" if row is not None else "; no sender known, nobody told"
        entry = AuditRecord(now, by, "reject_document", (f"{reason}: {note}" if note else reason) + told,
                            document_id=document_id)
        with session_scope(self.service.engine) as session:
            decisions.save_document_decision(session, document_id, status=DocumentStatus.REJECTED,
                                             reason=f"Rejected at the desk by {by}{told}.", rows=rows, entry=entry)
        log.info("user=%s rejected the document (%s) doc=%s", by, reason, document_id)
        return row is not None

    def _catalog(self) -> CatalogSnapshot:
        if not self.service.refresh_catalog():
            raise ApprovalRefused("no_catalog")
        return self.service.catalog


def _own(correction: Correction) -> list[int]:
    return [correction.order_id] if correction.order_id is not None else []


def _approved_detail(rec: ReconciledOrder, correction: Correction) -> str:
    accepted = [f"{a.code}" + (f" (line {a.line_no})" if a.line_no else "") for a in rec.all_anomalies()]
    prices = ", ".join(str(n) for n in sorted(correction.accepted_prices))
    said = f"PO {rec.po_number or '—'}, customer {rec.customer_code}, total {rec.total or '—'}"
    if prices:
        said += f"; price accepted on line {prices}"
    return said + (f"; accepted: {', '.join(accepted)}" if accepted else "")


def rejection_row(order_id: int, rec: ReconciledOrder, facts: DocumentFacts, reason: str, note: str,
                  contacts: dict[str, tuple[str, ...]]) -> OutboxRow:
    """The bilingual mail telling the customer why their order was rejected, or
    `ApprovalRefused` when no address of theirs is known."""
    order = order_payload(OrderRecord(reconciled=rec))
    to = customer_recipients(order, contacts)
    if not to:
        raise ApprovalRefused("no_address")
    payload = {"purpose": "rejection", "to": to, "order": order, "doc": doc_payload(facts),
               "reason": reason, "note": note}
    return OutboxRow(MAIL, f"rejected:{order_id}", payload, order_id=order_id)


def document_rejection_row(facts: DocumentFacts, customer_code: str | None, customer_name: str | None,
                           reason: str, note: str, contacts: dict[str, tuple[str, ...]]) -> OutboxRow | None:
    """The bilingual mail telling a document's sender why it was rejected: to the mail's sender,
    else the known customer's master addresses; None when nobody is known (a fax with no
    customer). Keyed by the document, so it is sent once."""
    customer = {"code": customer_code, "name": customer_name, "email": facts.sender}
    to = customer_recipients({"customer": customer}, contacts)
    if not to:
        return None
    payload = {"purpose": "rejection", "to": to, "order": {"customer": customer, "po_number": None},
               "doc": doc_payload(facts), "reason": reason, "note": note}
    return OutboxRow(MAIL, f"rejected-document:{facts.document_id}", payload)
