"""The one document service: a document from its arrival to its outcome.

arrival (dedupe by content and Message-ID) -> parse in the sandbox -> reconcile -> decide the
document's final state -> plan the outbox -> save, all in typed records (`store.records`).
`orderdesk run`'s workers, `orderdesk process` and `orderdesk reprocess` (and later the review
desk) call this and nothing else, so a document gives the same stored outcome and outbox rows
whichever way it came in.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from outbox.plan import (DocumentFacts, interchange_ack, plan_outbox, plan_repeat, rejecting_ack,
                         with_rejected_sets)
from outbox.settings import OutboxSettings
from outbox.shadow import hold
from parsers.context import ParseContext
from parsers.detect import sniff
from parsers.formats import x12_tokens
from parsers.headers import MailHeaders, mail_headers
from parsers.model import ParseResult, Party
from pipeline.envelope import read_envelope
from pipeline.sandbox import ParseSandbox
from pipeline.terms import TermsSettings, terms_for
from reconcile import CatalogSnapshot, reconcile
from reconcile.catalog import LearnedRecords
from reconcile.checks import po_key
from reconcile.customers import match_customer
from reconcile.terms import Terms
from store import catalog as catalog_store
from store import documents, learned, orders, snapshots
from store.db import session_scope, utcnow
from store.documents import Arrival
from store.models import Document, DocumentStatus
from store.records import DocumentOutcome, OrderRecord, OutboxRow, PoKey, SeenKey

log = logging.getLogger(__name__)

NO_ORDER = "No order was found in it."
FOLDER_SOURCES = ("mail", "fax", "edi")
CLI_SOURCE = "cli"


def arrive(engine: Engine, data: bytes, *, source: str, source_ref: str, filename: str | None,
           message_id: str | None, now: datetime, claimed_by: str | None = None) -> Arrival:
    """Store an arrived document (or its repeat) and commit; the source may be acknowledged after."""
    name = filename or _name_from(source_ref)
    mail = mail_headers(data) if message_id or name.lower().endswith(".eml") else MailHeaders()
    with session_scope(engine) as session:
        arrival = documents.add_document(session, data, filename=name, source=source,
                                         source_ref=source_ref, message_id=message_id, now=now,
                                         claimed_by=claimed_by, sender=mail.sender, subject=mail.subject,
                                         kind=document_kind(data, name))
    if arrival.is_new:
        log.info("stored %s from %s (%d bytes) doc=%s", name, source, len(data), arrival.document_id)
    elif not arrival.created:
        log.info("%s from %s was stored before as doc=%s", name, source, arrival.document_id)
    else:
        log.info("%s from %s repeats doc=%s; stored as doc=%s", name, source, arrival.repeat_of,
                 arrival.document_id)
    return arrival


def document_kind(data: bytes, filename: str | None) -> str:
    """What the bytes are (pdf, tiff, png, mail, x12, edifact, text, zip, ...), by their magic."""
    return sniff(data, filename).magic


def evaluate(result: ParseResult, catalog: CatalogSnapshot, *, today: date,
             seen: set[PoKey], terms: Terms = Terms()) -> tuple[list[OrderRecord], list[SeenKey]]:
    """Reconcile every parsed order in document order (`seen` grows as POs are met); the parts
    that could not be read follow as failed orders, with the header read from them reconciled
    (whose order, which PO). A failed order neither makes its PO seen nor is checked against the
    seen ones: no line was read, so it is no order yet, and its PO may come again readable."""
    records: list[OrderRecord] = []
    keys: list[SeenKey] = []
    for parsed in result.orders:
        rec = reconcile(parsed, catalog, today=today, seen_pos=seen, terms=terms)
        key = po_key(rec.customer_code, rec.po_number)
        if key is not None:
            seen.add(key)
            keys.append(SeenKey(key[0], key[1], len(records)))
        records.append(OrderRecord(reconciled=rec))
    records += [OrderRecord(failed=f, header=reconcile(f.header, catalog, today=today, terms=terms) if f.header else None)
                for f in result.failures]
    return records, keys


def document_state(records: list[OrderRecord], result: ParseResult) -> tuple[str, str | None]:
    """The document's final state and the sentence why it has no order to show, if it has none."""
    if records and all(r.failed is not None for r in records):
        return DocumentStatus.FAILED, records[0].failure
    if records:
        return DocumentStatus.PROCESSED, None
    return DocumentStatus.NOT_AN_ORDER, " ".join(_sentence(s) for s in result.not_orders) or NO_ORDER


class ServiceSettings(OutboxSettings, TermsSettings, Protocol):
    """The settings the service reads: the outbox's and the terms'; `daemon.config.Settings` is one."""


class DocumentService:
    """Takes claimed documents to their outcome against the loaded catalog.

    One service per thread: it owns a `ParseSandbox`. `today` gives the business date (the
    configured time zone's, or `--today`); `now` the time stamps; `terms` the calendar, tax and
    exchange rates (by default those of the settings).
    """

    def __init__(self, engine: Engine, settings: ServiceSettings, *, sandbox: ParseSandbox,
                 today: Callable[[], date] | None = None, now: Callable[[], datetime] = utcnow,
                 archive: Path | None = None, catalog_folder: Path | None = None,
                 terms: Terms | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.terms = terms if terms is not None else terms_for(settings)
        self.sandbox = sandbox
        zone = ZoneInfo(settings.timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self.now = now
        self.archive = archive
        self.catalog_folder = catalog_folder   # where packed snapshots are mapped from; None: in memory
        self.catalog: CatalogSnapshot | None = None
        self.contacts: dict[str, tuple[str, ...]] = {}
        self.fingerprint: str | None = None
        self.learned_version: str | None = None

    def refresh_catalog(self) -> bool:
        """Load the stored catalog when it changed (with what clerks taught laid over it); False
        when none is loaded at all."""
        with session_scope(self.engine) as session:
            fingerprint = catalog_store.catalog_fingerprint_in_db(session)
            if fingerprint is None or fingerprint == self.fingerprint:
                self.refresh_learned(session)
                return self.catalog is not None
            current = snapshots.current_snapshot(session, self.catalog_folder)
            version = learned.learned_version(session)
            taught = learned.load_learned(session)
        if current is None:
            return self.catalog is not None
        self.fingerprint, base = current
        self.catalog = base.with_learned(taught)
        self.learned_version = version
        self.contacts = {c.number: c.emails for c in self.catalog.customers if c.emails}
        log.info("catalog %s loaded (%d materials)", self.fingerprint[:12], self.catalog.material_count)
        stale = base.left_out(taught)
        if stale.customer_items or stale.aliases:
            with session_scope(self.engine) as session:
                if learned.first_to_tell_of_stale(session, self.fingerprint):
                    warn_left_out(stale, self.fingerprint)
        return True

    def refresh_learned(self, session: Session) -> None:
        """Lay what clerks taught since the last look over the catalog: one small query when
        nothing changed, milliseconds when something did (the catalog's indexes are kept)."""
        if self.catalog is None:
            return
        version = learned.learned_version(session)
        if version != self.learned_version:
            self.catalog = self.catalog.with_learned(learned.load_learned(session))
            self.learned_version = version
            log.info("learned codes and aliases %s laid over the catalog", version)

    def load(self, document_id: int) -> tuple[Document, bytes]:
        """A document's ledger row and raw bytes."""
        with session_scope(self.engine) as session:
            doc = documents.get_document(session, document_id)
            if doc is None:
                raise LookupError(f"no document {document_id}")
            return doc, documents.load_blob(session, doc.sha256)

    def take(self, data: bytes, *, source: str, source_ref: str, filename: str | None,
             message_id: str | None, claimed_by: str) -> DocumentOutcome:
        """Store an arrival and take it to its outcome at once (`orderdesk process`)."""
        arrival = arrive(self.engine, data, source=source, source_ref=source_ref, filename=filename,
                         message_id=message_id, now=self.now(), claimed_by=claimed_by)
        doc, _ = self.load(arrival.document_id)
        if not arrival.created:  # this very arrival was taken before: its outcome stands
            return DocumentOutcome(int(doc.id), str(doc.status), doc.reason, repeat_of=doc.repeat_of)
        return self.process(doc, data)

    def parse(self, doc: Document, data: bytes) -> ParseResult:
        """Read the document in the sandbox; never raises for anything the document does."""
        return self.sandbox.parse(data, ParseContext(path=read_as(doc)))

    def process(self, doc: Document, data: bytes) -> DocumentOutcome:
        """Parse, reconcile, plan and save a claimed document; returns what was saved."""
        return self.settle_or_fail(doc, data, self.parse(doc, data))

    def settle_or_fail(self, doc: Document, data: bytes, result: ParseResult) -> DocumentOutcome:
        """`settle`; an internal error (not the database's) fails the document with a sentence."""
        try:
            return self.settle(doc, data, result)
        except OperationalError:
            raise
        except Exception as e:
            log.error("document failed: %s\n%s", e, traceback.format_exc())
            return self.fail(doc, data, f"Processing stopped on an internal error ({type(e).__name__}); "
                                        "a person must look at this document.")

    def settle(self, doc: Document, data: bytes, result: ParseResult) -> DocumentOutcome:
        """Decide against the seen POs and save in one writer transaction.

        Reconciling and planning happen before the write lock is taken, so workers do them in
        parallel; under the lock the seen POs are read again, and in the rare case another
        worker saved one of this document's POs meanwhile, the document is decided again.
        A repeat of an earlier document is settled as one (`settle_repeat`).
        """
        if doc.repeat_of is not None:
            return self.settle_repeat(doc, data, result)
        pos = [o.po_number for o in result.orders if o.po_number]
        with session_scope(self.engine) as session:
            self.refresh_learned(session)  # a clerk's "remember" counts from the next document on
            seen = orders.seen_for(session, pos)
        outcome = self.decide(doc, data, result, seen)
        with session_scope(self.engine) as session:
            orders.serialise_writers(session)
            seen_now = orders.seen_for(session, pos)
            if seen_now != seen:
                outcome = self.decide(doc, data, result, seen_now)
            orders.save_outcome(session, outcome, now=self.now())
        return outcome

    def decide(self, doc: Document, data: bytes, result: ParseResult, seen: set[PoKey]) -> DocumentOutcome:
        """The document's outcome (orders, state, outbox rows) given the POs already seen."""
        if self.catalog is None:
            raise RuntimeError("no catalog is loaded")
        records, keys = evaluate(result, self.catalog, today=self.today(), seen=set(seen), terms=self.terms)
        state, reason = document_state(records, result)
        facts = self.facts(doc, data)
        rows = plan_outbox(records, facts, self.settings, contacts=self.contacts)
        rows = answered(rows, data, facts, none_read=state == DocumentStatus.FAILED,
                        some_unread=any(r.failed is not None for r in records))
        rows = hold(rows, self.settings.mode)
        customer = self._sender_customer(doc) if not records else None
        return DocumentOutcome(int(doc.id), state, reason, tuple(records), tuple(keys), tuple(rows),
                               customer_code=customer)

    def _sender_customer(self, doc: Document) -> str | None:
        """The customer a document without orders came from, when its sender's address says so."""
        if not doc.sender or self.catalog is None:
            return None
        found = match_customer(Party(email=doc.sender), self.catalog)
        return found.number if found is not None else None

    def settle_repeat(self, doc: Document, data: bytes, result: ParseResult) -> DocumentOutcome:
        """End a repeat of an earlier document as `repeat`: no orders of its own, but an EDI
        interchange is acknowledged again (the partner re-sends when our acknowledgement did not
        arrive). What it reads as now (DUPLICATE_PO and all) is returned for `orderdesk process`
        to print, as CONTRACT §2 asks for a repeated purchase order, and never stored."""
        if self.catalog is None:
            raise RuntimeError("no catalog is loaded")
        with session_scope(self.engine) as session:
            seen = orders.seen_for(session, [o.po_number for o in result.orders if o.po_number])
        records, _ = evaluate(result, self.catalog, today=self.today(), seen=seen, terms=self.terms)
        facts = self.facts(doc, data)
        unread = [r for r in records if r.failed is not None]
        rows = answered(plan_repeat(records, facts), data, facts,  # answered again, as the first copy was
                        none_read=bool(records) and len(unread) == len(records), some_unread=bool(unread))
        rows = hold(rows, self.settings.mode)
        reason = f"{doc.reason} Its acknowledgement is sent again." if rows else doc.reason
        outcome = DocumentOutcome(int(doc.id), DocumentStatus.REPEAT, reason, outbox=tuple(rows),
                                  repeat_of=doc.repeat_of, customer_code=self._sender_customer(doc),
                                  repeat_orders=tuple(records))
        with session_scope(self.engine) as session:
            orders.save_outcome(session, outcome, now=self.now())
        return outcome

    def fail(self, doc: Document, data: bytes, reason: str) -> DocumentOutcome:
        """Mark the document failed with `reason`, with a staff mail naming it and its remedy."""
        try:
            rows = hold(plan_outbox([], self.facts(doc, data), self.settings, failure=reason), self.settings.mode)
        except Exception:  # the failed state matters more than the mail about it
            log.exception("could not plan the failure alert; marking the document failed only")
            rows = []
        outcome = DocumentOutcome(int(doc.id), DocumentStatus.FAILED, reason, outbox=tuple(rows))
        with session_scope(self.engine) as session:
            orders.save_outcome(session, outcome, now=self.now())
        return outcome

    def reopen(self, document_id: int, *, claimed_by: str) -> Document:
        """Keep a document's outcome in its history and claim it to be processed again."""
        with session_scope(self.engine) as session:
            return documents.reopen_document(session, document_id, claimed_by=claimed_by, now=self.now())

    def facts(self, doc: Document, data: bytes) -> DocumentFacts:
        """What the outbox needs about the document: sender and subject when it is mail, and
        where its original is kept and how to read it again."""
        is_mail = doc.message_id or (doc.filename or "").lower().endswith(".eml")
        mail = mail_headers(data) if is_mail else MailHeaders()
        return DocumentFacts(document_id=int(doc.id), source=doc.source, message_id=doc.message_id,
                             sender=mail.sender, subject=mail.subject, received_at=doc.received_at,
                             filename=doc.filename, references=mail.references,
                             original=self._original(doc), reprocess=f"orderdesk reprocess {doc.id}")

    def _original(self, doc: Document) -> str:
        kept = (f"kept in orderdesk's database as document {doc.id} "
                f"(`orderdesk show {doc.id} --original FILE` writes it out)")
        if doc.source in FOLDER_SOURCES and self.archive is not None:
            day = doc.received_at.astimezone(ZoneInfo(self.settings.timezone)).date().isoformat()
            return f"{kept}; the file was archived under {self.archive / day}"
        if doc.source == "imap":
            return f"{kept}; the message was moved to the mailbox's processed folder ({doc.source_ref})"
        return f"{kept}; it was read from {doc.source_ref or doc.filename}"


def answered(rows: list[OutboxRow], data: bytes, facts: DocumentFacts, *, none_read: bool,
             some_unread: bool) -> list[OutboxRow]:
    """An EDI interchange's answers beyond its orders' own. None of its orders read: a rejecting
    997/CONTRL when its envelope names the partner. Some unread: its functional acknowledgement
    names those rejected. And a TA1 when the X12 interchange asks for one or holds no functional
    group a 997 could answer. Rows of anything else stay as they are."""
    if not (none_read or some_unread or x12_tokens.looks_like(data)):
        return rows
    envelope = read_envelope(data)
    if envelope is None:
        return rows
    if none_read:
        rows = rows + [row for row in (rejecting_ack(envelope, facts),) if row is not None]
    elif some_unread:
        rows = with_rejected_sets(rows, envelope)
    ta1 = interchange_ack(envelope, facts)
    return rows + [ta1] if ta1 is not None else rows


def warn_left_out(stale: LearnedRecords, fingerprint: str) -> None:
    """Say which taught codes and aliases a catalog version cannot use (their item or customer is
    gone from the ERP): they are skipped, and /learned marks them. Said once per version, by
    the first document service to load it (store.learned.first_to_tell_of_stale)."""
    items = [f"{ci.customer}/{ci.code} -> {ci.material}" for ci in stale.customer_items]
    aliases = [f"{a.kind} {a.text!r} -> {a.customer}" for a in stale.aliases]
    if items or aliases:
        log.warning("catalog %s: %d learned item codes and %d learned aliases name an item or customer it does "
                    "not have and are not used: %s", fingerprint[:12], len(items), len(aliases),
                    "; ".join(items + aliases)[:2000])


def read_as(doc: Document) -> str:
    """The path a document is read as (CONTRACT `source.path`): as given to `orderdesk process`,
    else its file name."""
    if doc.source == CLI_SOURCE and doc.source_ref:
        return doc.source_ref
    return doc.filename or doc.source_ref or str(doc.id)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _name_from(source_ref: str) -> str:
    tail = source_ref.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return tail or source_ref
