"""Workers: claim a document and hand it to the document service; one process each.

Each worker is its own process (started by the supervisor) with its own `ParseSandbox` and
`DocumentService` (`pipeline.service`), which saves a document's whole outcome in one
transaction, so a crash leaves the document claimed (and later released), never half done.
A document that raises is marked failed with a sentence and the traceback is logged; the loop
goes on. Doorbells wake the loop; it also polls the database, so a lost doorbell costs latency only.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from daemon.bus import Doorbell
from daemon.config import Settings
from daemon.logs import bind, setup_logging
from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from store import documents, snapshots
from store.db import make_engine, session_scope, utcnow
from store.models import Document
from store.records import DocumentOutcome

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0          # longest a worker sleeps without looking at the database
HOUSEKEEPING_SECONDS = 30.0  # how often stale claims are released
CATALOG_SECONDS = 2.0        # how often the catalog's fingerprint is compared (one small query)


class Worker:
    """One worker loop; `stopping()` says the daemon is shutting down."""

    def __init__(self, engine: Engine, settings: Settings, *, name: str, sandbox: ParseSandbox,
                 doorbell: Doorbell | None = None, stopping: Callable[[], bool] = lambda: False,
                 now: Callable[[], datetime] = utcnow, today: Callable[[], date] | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.name = name
        self.doorbell = doorbell
        self.stopping = stopping
        self.now = now
        self.service = DocumentService(engine, settings, sandbox=sandbox, today=today, now=now,
                                       archive=Path(settings.paths.archive),
                                       catalog_folder=snapshots.folder(settings.paths.var))
        self._next_housekeeping = 0.0
        self._next_catalog_check = 0.0

    def run_once(self) -> int:
        """Process at most one document; returns 1 when one was handled, else 0."""
        if not self._housekeeping():
            return 0
        with session_scope(self.engine) as session:
            doc = documents.claim_next_document(session, self.name, self.now())
            if doc is None:
                return 0
            data = documents.load_blob(session, doc.sha256)
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
            result = self.service.parse(doc, data)
            if self.stopping() and result.failures:
                # The parser may have been killed by the shutdown itself: do not blame the document.
                release_claims(self.engine, [self.name])
                log.info("shutting down: document released for the next start")
                return
            outcome = self.service.settle_or_fail(doc, data, result)
        except OperationalError:
            release_claims(self.engine, [self.name])
            raise
        report(outcome, time.monotonic() - started)
        self._ring(outcome)

    def _ring(self, outcome: DocumentOutcome) -> None:
        if outcome.outbox and self.doorbell is not None:
            self.doorbell.ring("outbox")

    def _housekeeping(self) -> bool:
        """Release stale claims (every HOUSEKEEPING_SECONDS) and take up a new catalog version
        (looked for every CATALOG_SECONDS); False while no catalog is loaded (documents wait)."""
        now = time.monotonic()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + HOUSEKEEPING_SECONDS
            stale = timedelta(seconds=self.settings.thresholds.claim_stale_seconds)
            with session_scope(self.engine) as session:
                released = documents.release_stale_claims(session, claimed_before=self.now() - stale)
            if released:
                log.warning("released %d documents whose worker stopped answering", released)
        if now < self._next_catalog_check:
            return self.service.catalog is not None
        self._next_catalog_check = now + CATALOG_SECONDS
        if not self.service.refresh_catalog():
            log.error("no catalog is loaded; documents wait until one is")
            return False
        return True


def report(outcome: DocumentOutcome, seconds: float) -> None:
    """Log where a document ended: each order's status, or the document's state and why."""
    for order in outcome.orders:
        with bind(po=order.po_number):
            lines = len(order.reconciled.lines) if order.reconciled is not None else 0
            log.info("order %s, %d lines%s", order.status, lines,
                     f": {order.failure}" if order.failure else "")
    if not outcome.orders:
        log.info("document %s: %s", outcome.state, outcome.reason)
    log.debug("processed in %.3f s, %d outbox rows", seconds, len(outcome.outbox))


def release_claims(engine: Engine, workers: list[str]) -> int:
    """Give the documents claimed by `workers` back to `new` (they stopped before finishing)."""
    with session_scope(engine) as session:
        return documents.release_claims(session, workers)


def release_claims_like(engine: Engine, prefix: str) -> int:
    """Release every claim whose worker name starts with `prefix` (this host's last run)."""
    with session_scope(engine) as session:
        return documents.release_claims_like(session, prefix)


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
