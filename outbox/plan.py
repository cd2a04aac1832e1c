"""Decide what one processed document must send: pure, so the pipeline can call it before saving.

It takes the document's typed `OrderRecord`s and returns typed `OutboxRow`s for
`store.orders.save_outcome`. The payload carries the facts the sender needs to build the mail,
EDI acknowledgement or ERP export later (order ids are only known after the insert, so
rendering happens at delivery);
`stable_key` is derived from the document id and the order's index, so planning the same
document again never adds a second row.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from outbox.settings import OutboxSettings
from reconcile.anomalies import AnomalyCode
from reconcile.result import ReconciledOrder
from store.records import Envelope, EnvelopeSet, OrderRecord, OutboxRow

log = logging.getLogger(__name__)

# Where anomaly mails go when settings.staff_emails is empty: the row is still planned, so the
# alert is visible in the outbox (and in the local maildir) instead of being silently dropped.
DEFAULT_STAFF = "orderdesk-staff@localhost"
EDI_KINDS = ("x12", "edifact")
# Anomalies only the customer can answer; with settings.query_customers they are asked politely.
QUERY_CODES = frozenset({AnomalyCode.UNKNOWN_ITEM, AnomalyCode.PRICE_MISMATCH,
                         AnomalyCode.QTY_NOT_PACK_MULTIPLE})

MAIL = "mail"
EDI_ACK = "edi_ack"
ERP_EXPORT = "erp_export"
ERP_MAPPING = "erp_mapping"   # a learned customer item code, saved in K3 as SAL_CustMatMapping
CALENDAR_KEY = "calendar:"   # stable-key prefix of the staff notices about the working-day calendar


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What the outbox needs to know about the document the orders came from."""

    document_id: int
    source: str
    message_id: str | None
    sender: str | None
    subject: str | None
    received_at: datetime
    filename: str | None
    references: tuple[str, ...] = ()
    original: str | None = None    # where the original is kept, in a sentence
    reprocess: str | None = None   # the command that reads it again


def plan_outbox(orders: Sequence[OrderRecord], doc: DocumentFacts, settings: OutboxSettings, *,
                failure: str | None = None,
                contacts: Mapping[str, tuple[str, ...]] | None = None) -> list[OutboxRow]:
    """Outbox rows for a document's orders (reconciled, or failed parts), in document order.

    `failure` is the whole-document failure sentence, when no order could be read at all.
    `contacts` maps a customer code to its master addresses (catalog FEmail), used when the
    order carries no e-mail of its own (EDI, fax, files).
    """
    rows: list[OutboxRow] = []
    facts = doc_payload(doc)
    for index, record in enumerate(orders):
        order = order_payload(record)
        to = customer_recipients(order, contacts or {})
        rows += _order_rows(index, order, record.reconciled, facts, settings, to)
    rows += _functional_acks([(i, r.reconciled) for i, r in enumerate(orders) if r.reconciled is not None],
                             facts)
    if failure is not None and not orders:
        rows.append(_staff_row(f"failed:{doc.document_id}", None, "failure",
                               {"failure": failure, "index": None}, facts, settings))
    years = sorted({y for r in orders if r.reconciled is not None for y in r.reconciled.uncovered_years})
    rows += [calendar_alert_row(year, settings) for year in years]
    return rows


def calendar_alert_row(year: int, settings: OutboxSettings) -> OutboxRow:
    """Tell staff that delivery dates in `year` were counted without its statutory holidays.

    The stable key is the year's alone, so however many orders ask for dates in that year, the
    outbox keeps one such mail.
    """
    to = list(settings.staff_emails) or [DEFAULT_STAFF]
    message = (f"Delivery dates in {year} are checked on Monday to Friday plus the days listed under "
               f"[workdays] in the settings: the installed chinese-calendar package does not know "
               f"{year}'s statutory holidays and make-up working days yet. Update the package once it "
               f"covers {year}, or list that year's days as workdays.holidays and workdays.working_days.")
    return _row(MAIL, f"{CALENDAR_KEY}uncovered:{year}", None,
                {"purpose": "notice", "to": to, "subject": f"Working-day calendar does not cover {year}",
                 "message": message})


def plan_repeat(orders: Sequence[OrderRecord], doc: DocumentFacts) -> list[OutboxRow]:
    """Outbox rows for a repeat of an earlier document: it is not processed again, but an EDI
    partner re-sends an interchange when our functional acknowledgement did not arrive, so it is
    acknowledged again (under the repeat's own keys; the repeat has no orders to point at)."""
    acks = _functional_acks([(i, r.reconciled) for i, r in enumerate(orders) if r.reconciled is not None],
                            doc_payload(doc))
    return [replace(row, order_index=None) for row in acks]


def customer_recipients(order: dict[str, Any], contacts: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The order's own customer e-mail, else the customer's full master addresses.

    Master entries starting with '@' are domain patterns for recognising senders, not addresses.
    """
    customer = order.get("customer") or {}
    if customer.get("email"):
        return [customer["email"]]
    found = contacts.get(customer.get("code") or "", ())
    return list(dict.fromkeys(a.strip() for a in found
                              if "@" in a.strip() and not a.strip().startswith("@")))


def _order_rows(index: int, order: dict[str, Any], rec: ReconciledOrder | None,
                facts: dict[str, Any], settings: OutboxSettings, to: list[str]) -> list[OutboxRow]:
    doc_id = facts["document_id"]
    status = order["status"]
    rows: list[OutboxRow] = []
    if status == "accepted" and to:
        rows.append(_mail_row(f"confirm:{doc_id}:{index}", index, "confirmation", to,
                              order, facts))
    elif status == "accepted":
        log.info("no confirmation for document %s order %s (PO %s): no customer address known",
                 doc_id, index, order.get("po_number"))
    if status in ("review", "failed"):
        purpose = "anomaly" if status == "review" else "failure"
        rows.append(_staff_row(f"staff:{doc_id}:{index}", index, purpose, order, facts, settings))
    if status == "review" and to and settings.query_customers and _needs_query(order):
        rows.append(_mail_row(f"query:{doc_id}:{index}", index, "query", to, order, facts))
    if rec is not None and order["source"]["kind"] in EDI_KINDS and rec.order.envelope:
        rows.append(_row(EDI_ACK, f"poack:{doc_id}:{index}", index,
                         {"ack": "855" if order["source"]["kind"] == "x12" else "ORDRSP",
                          "envelope": dict(rec.order.envelope), "order": order, "doc": facts}))
    if status == "accepted":
        rows.append(_row(ERP_EXPORT, f"erp:{doc_id}:{index}", index,
                         {"order": order, "doc": facts}))
    return rows


def _needs_query(order: dict[str, Any]) -> bool:
    return any(a["code"] in QUERY_CODES for a in order["anomalies"])


def _functional_acks(reconciled: list[tuple[int, ReconciledOrder]],
                     facts: dict[str, Any]) -> list[OutboxRow]:
    """One 997 per X12 functional group, one CONTRL per EDIFACT interchange, naming their sets."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for index, rec in reconciled:
        env = dict(rec.order.envelope)
        if rec.order.source.kind == "x12" and env:
            key = ("997", env.get("isa_control", ""), env.get("gs_control", ""))
            member = {"control": env.get("st_control", ""), "type": env.get("st_type", "850")}
        elif rec.order.source.kind == "edifact" and env:
            key = ("CONTRL", env.get("unb_control", ""), "")
            member = {"control": env.get("unh_ref", ""), "type": env.get("message_type", "ORDERS"),
                      "version": env.get("message_version", ""),
                      "release": env.get("message_release", ""),
                      "agency": env.get("message_agency", "")}
        else:
            continue
        group = groups.setdefault(key, {"ack": key[0], "envelope": env, "sets": [], "index": index})
        group["sets"].append(member)
    return [_row(EDI_ACK, f"fack:{facts['document_id']}:{ack}:{ctl}:{grp}", g.pop("index"),
                 {**g, "doc": facts})
            for (ack, ctl, grp), g in groups.items()]


# What a rejecting acknowledgement says went wrong: X12 997 AK502 / AK905 syntax error codes, and
# the EDIFACT 0085 syntax error "missing" with the service segment that did not come.
AK5_TRAILER_MISSING = "2"          # transaction set trailer (SE) missing
AK5_SEGMENTS_IN_ERROR = "5"        # one or more segments in error
AK9_GROUP_TRAILER_MISSING = "2"    # functional group trailer (GE) missing
EDIFACT_MISSING = "13"
ORDER_SET_TYPES = frozenset({"850", "860", "ORDERS", "ORDCHG"})


def rejecting_ack(envelope: Envelope, doc: DocumentFacts) -> OutboxRow | None:
    """A 997 (AK5/AK9 `R`) or CONTRL (UCI/UCM action 4) rejecting an interchange none of whose
    orders could be read, when its envelope names the partner and the control number to answer;
    None otherwise (staff are told in any case)."""
    if not envelope.partner or not envelope.control:
        return None
    sets = [_rejected(s, envelope.syntax) for s in envelope.sets if s.group == envelope.control]
    if envelope.syntax == "x12":
        payload: dict[str, Any] = {"ack": "997", "group_status": "R",
                                   "group_errors": [] if envelope.closed else [AK9_GROUP_TRAILER_MISSING]}
    else:
        payload = {"ack": "CONTRL", "group_status": "R",
                   "group_errors": [] if envelope.closed else [EDIFACT_MISSING],
                   "group_segment": "" if envelope.closed else "UNZ"}
    payload.update(envelope=dict(envelope.facts), sets=sets, doc=doc_payload(doc))
    return _row(EDI_ACK, f"reject:{doc.document_id}:{payload['ack']}:{envelope.control}", None, payload)


# TA1 interchange acknowledgement: TA104 status and TA105 note code (X12 I18).
TA1_NO_ERROR = "000"
TA1_CONTROL_MISMATCH = "001"       # the IEA's control number is not the ISA's
TA1_PREMATURE_END = "023"          # the interchange ends before its IEA
TA1_INVALID_CONTENT = "024"        # no readable functional group (GS) in the interchange


def interchange_ack(envelope: Envelope, doc: DocumentFacts) -> OutboxRow | None:
    """A TA1 for an X12 interchange: when its ISA asks for one (ISA14 = 1), or when it holds no
    readable functional group, so no 997 can answer it and the partner would hear nothing. None
    when the envelope is not X12 or names no partner or control number to answer."""
    facts = envelope.facts
    if envelope.syntax != "x12" or not envelope.partner or not facts.get("isa_control"):
        return None
    if not envelope.control:
        status, note = "R", TA1_INVALID_CONTENT
    elif facts.get("isa_ack_requested") != "1":
        return None
    elif "iea_control" not in facts:
        status, note = "R", TA1_PREMATURE_END
    elif facts["iea_control"].lstrip("0") != facts["isa_control"].lstrip("0"):
        status, note = "E", TA1_CONTROL_MISMATCH
    else:
        status, note = "A", TA1_NO_ERROR
    payload = {"ack": "TA1", "status": status, "note": note, "envelope": dict(facts),
               "doc": doc_payload(doc)}
    return _row(EDI_ACK, f"ta1:{doc.document_id}:{facts['isa_control']}", None, payload)


def with_rejected_sets(rows: Sequence[OutboxRow], envelope: Envelope) -> list[OutboxRow]:
    """A partly read interchange: its functional acknowledgement also names the order sets or
    messages that could not be read, rejected (AK5 R, AK9 P / UCM action 4), so the partner
    knows which to send again instead of hearing nothing about them."""
    out = []
    for row in rows:
        env = row.payload.get("envelope") or {}
        group = env.get("gs_control" if envelope.syntax == "x12" else "unb_control")
        if row.kind != EDI_ACK or not row.stable_key.startswith("fack:") or group is None:
            out.append(row)
            continue
        read = {member.get("control") for member in row.payload["sets"]}
        unread = [_rejected(s, envelope.syntax) for s in envelope.sets
                  if s.group == group and s.type in ORDER_SET_TYPES and s.control not in read]
        out.append(replace(row, payload={**row.payload, "sets": row.payload["sets"] + unread})
                   if unread else row)
    return out


def _rejected(found: EnvelopeSet, syntax: str) -> dict[str, Any]:
    """One transaction set or message, rejected with the reason its envelope shows."""
    if syntax == "x12":
        return {"type": found.type, "control": found.control, "status": "R",
                "errors": [AK5_SEGMENTS_IN_ERROR if found.complete else AK5_TRAILER_MISSING]}
    return {"type": found.type, "control": found.control, "version": found.version,
            "release": found.release, "agency": found.agency, "status": "R",
            "errors": [] if found.complete else [EDIFACT_MISSING], "segment": "" if found.complete else "UNT"}


def watcher_alert_row(watcher: str, alert: str, message: str, at: datetime,
                      settings: OutboxSettings) -> OutboxRow:
    """A staff mail about a watcher (`alert` is e.g. "silent" or "refused"); the stable key holds
    the hour, so a flapping server yields at most one mail per watcher, kind and hour."""
    hour = at.strftime("%Y%m%d%H")
    to = list(settings.staff_emails) or [DEFAULT_STAFF]
    return _row(MAIL, f"watch:{watcher}:{alert}:{hour}", None,
                {"purpose": "watcher_alert", "to": to, "watcher": watcher, "alert": alert,
                 "message": message, "at": at.isoformat()})


def mapping_row(learned_id: int, customer: str, code: str, name: str, material: str) -> OutboxRow:
    """A customer item code a clerk taught, to be saved in K3 Cloud (SAL_CustMatMapping); keyed
    by the learned row, so each teaching is written once."""
    return _row(ERP_MAPPING, f"custmat:{learned_id}", None,
                {"customer": customer, "code": code, "name": name, "material": material})


def catalog_alert_row(source: str, message: str, loaded_at: str | None, at: datetime,
                      settings: OutboxSettings) -> OutboxRow:
    """A staff mail saying a catalog sync failed and the last good catalog stays in use; one per
    hour at most (the key holds the hour), however often the sync is retried."""
    to = list(settings.staff_emails) or [DEFAULT_STAFF]
    return _row(MAIL, f"catalog:{source}:failed:{at.strftime('%Y%m%d%H')}", None,
                {"purpose": "catalog_alert", "to": to, "source": source, "message": message,
                 "loaded_at": loaded_at or "never", "at": at.isoformat()})


def _staff_row(key: str, index: int | None, purpose: str, order: dict[str, Any],
               facts: dict[str, Any], settings: OutboxSettings) -> OutboxRow:
    to = list(settings.staff_emails) or [DEFAULT_STAFF]
    return _mail_row(key, index, purpose, to, order, facts)


def _mail_row(key: str, index: int | None, purpose: str, to: list[str],
              order: dict[str, Any], facts: dict[str, Any]) -> OutboxRow:
    return _row(MAIL, key, index, {"purpose": purpose, "to": to, "order": order, "doc": facts})


def _row(kind: str, key: str, index: int | None, payload: dict[str, Any]) -> OutboxRow:
    return OutboxRow(kind, key, payload, order_index=index)


# --- payload facts ---------------------------------------------------------------------------


def doc_payload(doc: DocumentFacts) -> dict[str, Any]:
    """The document facts as JSON-ready values."""
    return {"document_id": doc.document_id, "source": doc.source, "message_id": doc.message_id,
            "sender": doc.sender, "subject": doc.subject,
            "received_at": doc.received_at.isoformat(), "filename": doc.filename,
            "references": list(doc.references), "original": doc.original,
            "reprocess": doc.reprocess}


def order_payload(record: OrderRecord) -> dict[str, Any]:
    """CONTRACT §3 order plus what only the reconciled order knows: anomaly sentences, line dates,
    the unit and price as the customer printed them, and the change-order flag."""
    payload = record.contract_json()
    payload["anomalies"] = [{"code": str(a.code), "message": a.message, "line_no": a.line_no}
                            for a in record.anomalies()]
    payload["is_change"] = record.is_change
    rec = record.reconciled
    if rec is not None:
        payload["lines"] = [{**line, "delivery_date": _iso(r.parsed.delivery_date),
                             "ordered_unit": r.parsed.unit, "ordered_price": _num(r.parsed.unit_price),
                             "ids": [list(pair) for pair in r.parsed.ids],
                             "price_includes_tax": r.price_includes_tax, "tax_rate": _num(r.tax_rate)}
                            for line, r in zip(payload["lines"], rec.lines)]
    return payload


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
