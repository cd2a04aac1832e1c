"""Workers: claim a document, read it in the sandbox, reconcile, and save everything in one transaction.

Each worker is its own process (started by the supervisor) with its own `ParseSandbox`.
A document's orders, lines, anomalies, seen POs, status and outbox rows are written in one
transaction, so a crash leaves the document claimed (and later released), never half done.
A document that raises is marked failed with a sentence and the traceback is logged; the loop
goes on. Doorbells wake the loop; it also polls the database, so a lost doorbell costs latency only.
"""
from __future__ import annotations

import gc
import logging
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from daemon.bus import Doorbell
from daemon.config import Settings
from daemon.logs import bind, setup_logging
from daemon.pipeline import Outcome, evaluate
from daemon.sandbox import ParseSandbox
from outbox.shadow import hold
from parsers.context import ParseContext
from parsers.model import ParseResult
from reconcile import CatalogSnapshot
from store import repo
from store.db import make_engine, session_scope
from store.models import Document, DocumentStatus

try:  # the outbox engineer's planner; without it nothing is planned
    from outbox.plan import DocumentFacts, plan_outbox
except ImportError:  # pragma: no cover - only while outbox/plan.py does not exist
    DocumentFacts = plan_outbox = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0          # longest a worker sleeps without looking at the database
HOUSEKEEPING_SECONDS = 30.0  # how often stale claims are released and the catalog is re-checked
ADVISORY_LOCK = 7234501      # PostgreSQL: serialises the seen-PO read with the save


class Worker:
    """One worker loop; `stopping()` says the daemon is shutting down."""

    def __init__(self, engine: Engine, settings: Settings, *, name: str, sandbox: ParseSandbox,
                 doorbell: Doorbell | None = None, stopping: Callable[[], bool] = lambda: False,
                 now: Callable[[], datetime] = repo.utcnow, today: Callable[[], date] | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.name = name
        self.sandbox = sandbox
        self.doorbell = doorbell
        self.stopping = stopping
        self.now = now
        zone = ZoneInfo(settings.timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self._catalog: CatalogSnapshot | None = None
        self._contacts: dict[str, tuple[str, ...]] = {}
        self._fingerprint: str | None = None
        self._next_housekeeping = 0.0

    def run_once(self) -> int:
        """Process at most one document; returns 1 when one was handled, else 0."""
        self._housekeeping()
        if self._catalog is None:
            return 0
        with session_scope(self.engine) as session:
            doc = repo.claim_next_document(session, self.name, self.now())
            if doc is None:
                return 0
            data = repo.load_blob(session, doc.sha256)
        with bind(doc=doc.id):
            self._handle(doc, data)
        return 1

    def run_forever(self, stop: threading.Event) -> None:
        """Work until `stop` is set; a document in hand is finished first."""
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # the database is away or locked: wait and look again
                log.exception("worker %s could not take work", self.name)
                handled = 0
                stop.wait(POLL_SECONDS)
            if not handled and not stop.is_set():
                if self.doorbell is not None:
                    self.doorbell.wait(["document"], POLL_SECONDS)
                else:
                    stop.wait(POLL_SECONDS)
        log.info("worker %s stopped", self.name)

    def _handle(self, doc: Document, data: bytes) -> None:
        started = time.monotonic()
        try:
            result = self.sandbox.parse(data, ParseContext(path=doc.filename or doc.source_ref or str(doc.id)))
            if self.stopping() and result.failures:
                # The parser may have been killed by the shutdown itself: do not blame the document.
                release_claims(self.engine, [self.name])
                log.info("shutting down: document released for the next start")
                return
            outcome, rows = self._save(doc, data, result)
        except OperationalError:
            release_claims(self.engine, [self.name])
            raise
        except Exception as e:
            log.error("document failed: %s\n%s", e, traceback.format_exc())
            self._fail(doc, data, f"Processing stopped on an internal error ({type(e).__name__}); "
                                  "a person must look at this document.")
            return
        self._report(outcome, rows, time.monotonic() - started)

    def _save(self, doc: Document, data: bytes, result: ParseResult) -> tuple[Outcome, list[dict]]:
        """Evaluate against the seen POs and save in one writer transaction.

        Reconciling and planning happen before the write lock is taken, so workers do them in
        parallel; under the lock the seen POs are read again, and in the rare case another
        worker saved one of this document's POs meanwhile, the document is evaluated again.
        """
        assert self._catalog is not None
        with session_scope(self.engine) as session:
            seen = seen_for(session, result)
        outcome, rows = self._evaluate(doc, data, result, seen)
        with session_scope(self.engine) as session:
            _serialise_writers(session)
            seen_now = seen_for(session, result)
            if seen_now != seen:
                outcome, rows = self._evaluate(doc, data, result, seen_now)
            repo.save_outcome(session, doc.id, outcome.orders, seen_keys=outcome.seen_keys,
                              outbox=rows, now=self.now())
        return outcome, rows

    def _evaluate(self, doc: Document, data: bytes, result: ParseResult,
                  seen: set[tuple[str, str]]) -> tuple[Outcome, list[dict]]:
        outcome = evaluate(result, self._catalog, today=self.today(), seen=set(seen))
        return outcome, self._plan(outcome, doc, data)

    def _plan(self, outcome: Outcome, doc: Document, data: bytes, failure: str | None = None) -> list[dict]:
        if plan_outbox is None:
            return []
        facts = document_facts(doc, data)
        if failure is not None:
            rows = plan_outbox([], [], facts, self.settings, failure=failure)
        else:
            rows = plan_outbox(outcome.reconciled, outcome.orders, facts, self.settings,
                               contacts=self._contacts)
        return hold(rows, self.settings.mode)

    def _fail(self, doc: Document, data: bytes, reason: str) -> None:
        """Mark the document failed (with a staff alert when the planner can make one)."""
        try:
            with session_scope(self.engine) as session:
                rows = self._plan(Outcome([], [], [], ()), doc, data, failure=reason)
                repo.save_outcome(session, doc.id, [], seen_keys=[], outbox=rows,
                                  now=self.now(), failure=reason)
            self._ring(rows)
        except Exception:
            log.exception("could not plan the failure alert; marking the document failed only")
            with session_scope(self.engine) as session:
                repo.mark_document_failed(session, doc.id, reason)

    def _report(self, outcome: Outcome, rows: list[dict], seconds: float) -> None:
        for order in outcome.orders:
            with bind(po=order.get("po_number")):
                log.info("order %s, %d lines%s", order.get("status"), len(order.get("lines") or []),
                         f": {order['failure']}" if order.get("failure") else "")
        if not outcome.orders:
            log.info("no orders in the document%s", f" ({'; '.join(outcome.not_orders)})" if outcome.not_orders else "")
        log.debug("processed in %.3f s, %d outbox rows", seconds, len(rows))
        self._ring(rows)

    def _ring(self, rows: list[dict]) -> None:
        if rows and self.doorbell is not None:
            self.doorbell.ring("outbox")

    def _housekeeping(self) -> None:
        if time.monotonic() < self._next_housekeeping:
            return
        self._next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
        stale = timedelta(seconds=self.settings.thresholds.claim_stale_seconds)
        with session_scope(self.engine) as session:
            released = repo.release_stale_claims(session, claimed_before=self.now() - stale)
            if released:
                log.warning("released %d documents whose worker stopped answering", released)
            self._refresh_catalog(session)

    def _refresh_catalog(self, session) -> None:
        fingerprint = repo.catalog_fingerprint_in_db(session)
        if fingerprint is None or fingerprint == self._fingerprint:
            if fingerprint is None and self._catalog is None:
                log.error("no catalog is loaded; documents wait until one is")
            return
        records = repo.load_catalog(session)
        if records is None:
            return
        gc.unfreeze()
        self._catalog = CatalogSnapshot.from_records(records)
        self._contacts = customer_contacts(self._catalog)
        self._fingerprint = fingerprint
        gc.collect()
        gc.freeze()  # the snapshot lives for the process: keep it out of every GC pass
        log.info("catalog %s loaded (%d materials)", fingerprint[:12], len(records.materials))


def customer_contacts(catalog: CatalogSnapshot) -> dict[str, tuple[str, ...]]:
    """Customer code -> master e-mail entries (FEmail), for confirmations of orders without one."""
    return {c.number: c.emails for c in catalog.customers if c.emails}


def seen_for(session, result: ParseResult) -> set[tuple[str, str]]:
    """The seen (customer, PO) keys that could match this document's orders, read now."""
    pos = {o.po_number for o in result.orders if o.po_number}
    if not pos:
        return set()
    query = sa.select(repo.SEEN.c.customer_key, repo.SEEN.c.po_number).where(repo.SEEN.c.po_number.in_(pos))
    return {(row[0], row[1]) for row in session.execute(query)}


def _serialise_writers(session) -> None:
    """Take the write lock first, so no other worker saves a PO between our read and our save."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(sa.text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        session.execute(sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))


def release_claims(engine: Engine, workers: list[str]) -> int:
    """Give the documents claimed by `workers` back to `new` (they stopped before finishing)."""
    docs = repo.DOCUMENTS
    with session_scope(engine) as session:
        count = session.execute(
            sa.update(docs).where(docs.c.status == DocumentStatus.CLAIMED, docs.c.claimed_by.in_(workers))
            .values(status=DocumentStatus.NEW, claimed_by=None, claimed_at=None)).rowcount
        session.commit()
    return count


def release_claims_like(engine: Engine, prefix: str) -> int:
    """Release every claim whose worker name starts with `prefix` (this host's last run)."""
    docs = repo.DOCUMENTS
    with session_scope(engine) as session:
        count = session.execute(
            sa.update(docs).where(docs.c.status == DocumentStatus.CLAIMED,
                                  docs.c.claimed_by.startswith(prefix, autoescape=True))
            .values(status=DocumentStatus.NEW, claimed_by=None, claimed_at=None)).rowcount
        session.commit()
    return count


def document_facts(doc: Document, data: bytes):
    """What the outbox planner needs about the document, with sender and subject when it is mail."""
    sender = subject = None
    references: tuple[str, ...] = ()
    if doc.message_id or (doc.filename or "").lower().endswith(".eml"):
        try:
            headers = BytesHeaderParser(policy=policy.default).parsebytes(data[:256 * 1024])
            sender = _address(headers.get("From"))
            subject = str(headers.get("Subject") or "") or None
            references = tuple(str(headers.get("References") or "").split())
        except Exception:  # odd headers: the reply just goes unthreaded
            log.warning("could not read the mail headers", exc_info=True)
    return DocumentFacts(document_id=int(doc.id), source=doc.source, message_id=doc.message_id,
                         sender=sender, subject=subject, received_at=doc.received_at,
                         filename=doc.filename, references=references)


def _address(value) -> str | None:
    addresses = getattr(value, "addresses", ()) if value is not None else ()
    return addresses[0].addr_spec if addresses else None


def worker_main(settings: Settings, name: str, log_level: str = "INFO") -> None:
    """Entry point of a worker process: run until SIGTERM, finishing the document in hand."""
    setup_logging(log_level)
    _forget_main_script()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which tells us
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engine = make_engine(settings.database_url)
    doorbell = Doorbell(settings)
    limits = settings.thresholds
    try:
        with ParseSandbox(timeout_s=limits.parse_timeout_seconds, memory_mb=limits.parse_memory_mb) as sandbox:
            Worker(engine, settings, name=name, sandbox=sandbox, doorbell=doorbell,
                   stopping=stop.is_set).run_forever(stop)
    finally:
        doorbell.close()
        engine.dispose()


def _forget_main_script() -> None:
    """Let the sandbox's parse processes start without re-running the `orderdesk` script.

    multiprocessing re-imports a script-run __main__ in every child it starts; for the parse
    process that would import the whole CLI (SQLAlchemy, alembic: ~60 MB) it never uses.
    """
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None and getattr(main, "__file__", None):
        sys.modules["__main__"] = types.ModuleType("__main__")
