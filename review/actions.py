"""What a clerk can do from the desk so far: read a document again, send a dead row again.

Both go through the same code as `orderdesk reprocess` and `orderdesk resend`: the one
document service (pipeline.service, with its parse sandbox) and store.outbox.resend.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine

from pipeline.approval import RecheckMemo
from review.web import PageRoute, desk_of, signed_in
from store import audit, snapshots
from store import outbox as outbox_store
from store.audit import AuditRecord
from store.db import session_scope, utcnow
from store.models import DocumentStatus, Order, OutboxItem

log = logging.getLogger(__name__)
T = TypeVar("T")

# A document in one of these states is finished and may be read again.
REPROCESS_STATES = (DocumentStatus.PROCESSED, DocumentStatus.FAILED, DocumentStatus.NOT_AN_ORDER)


def routes() -> list[PageRoute]:
    return [PageRoute("/documents/{document_id}/reprocess", reprocess, "POST"),
            PageRoute("/outbox/{row_id}/resend", resend, "POST")]


class Reprocessor:
    """The desk's document service; its parse sandbox starts on the first use and reads one
    document at a time (a second clerk waits for the first). Checking and approving corrected
    orders (`using`) need its catalog, not its sandbox: they wait only for each other and for a
    catalog being loaded, never for a fax being read."""

    def __init__(self, engine: Engine, settings: Any) -> None:
        self.engine = engine
        self.settings = settings
        self._lock = threading.Lock()           # the sandbox: one document read at a time
        self._catalog_lock = threading.Lock()   # loading the catalog; checks and approvals
        self._start_lock = threading.Lock()
        self._service: Any = None
        self.checks = RecheckMemo()             # the case pages' re-checks of corrected orders

    def __call__(self, document_id: int, *, by: str) -> str:
        """Read the document again (and say so in the audit trail); returns its new state."""
        with self._lock:
            service = self._started()
            with self._catalog_lock:
                loaded = service.refresh_catalog()
            if not loaded:
                raise HTTPException(status_code=409, detail="no catalog is loaded")
            doc, data = service.load(document_id)
            if doc.status not in REPROCESS_STATES:
                raise HTTPException(status_code=409, detail=f"the document is {doc.status}")
            outcome = service.process(service.reopen(document_id, claimed_by=f"desk/{by}"), data)
        with session_scope(self.engine) as session:
            audit.record(session, AuditRecord(utcnow(), by, "reprocess", f"{doc.status} -> {outcome.state}",
                                              document_id=document_id))
        log.info("user=%s read the document again: now %s doc=%s", by, outcome.state, document_id)
        return outcome.state

    def using(self, work: Callable[[Any], T]) -> T:
        """Run `work(service)` with the desk's document service, one at a time (approvals and
        re-checks of corrected orders share its catalog and settings)."""
        service = self._started()
        with self._catalog_lock:
            return work(service)

    def _started(self) -> Any:
        with self._start_lock:
            return self._service or self._start()

    def _start(self) -> Any:
        from pipeline.sandbox import ParseSandbox
        from pipeline.service import DocumentService

        limits = self.settings.thresholds
        sandbox = ParseSandbox(timeout_s=limits.parse_timeout_seconds, memory_mb=limits.parse_memory_mb)
        self._service = DocumentService(self.engine, self.settings, sandbox=sandbox,
                                        archive=self.settings.paths.archive,
                                        catalog_folder=snapshots.folder(self.settings.paths.var))
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.sandbox.close()


def reprocess(request: Request, document_id: int) -> Response:
    """The case page's "read again" button."""
    try:
        state = desk_of(request).reprocess(document_id, by=signed_in(request).account.name)
    except LookupError:
        raise HTTPException(status_code=404)
    return RedirectResponse(f"/documents/{document_id}?done=reprocessed&state={state}", status_code=303)


def resend(request: Request, row_id: int) -> Response:
    """A dead outbox row goes back to the sender, due now."""
    by = signed_in(request).account.name
    with session_scope(desk_of(request).engine) as session:
        done = outbox_store.resend(session, [row_id], utcnow())
        if not done:
            raise HTTPException(status_code=404)
        audit.record(session, AuditRecord(utcnow(), by, "resend", "dead -> pending", outbox_id=row_id,
                                          document_id=_document_of_row(session, row_id)))
    log.info("user=%s sends outbox row=%s again", by, row_id)
    return RedirectResponse("/?done=resent", status_code=303)


def _document_of_row(session, row_id: int) -> int | None:
    """The document whose case page shows this outbox row (through its order), if any."""
    row = session.get(OutboxItem, row_id)
    order = session.get(Order, row.order_id) if row is not None and row.order_id else None
    return order.document_id if order is not None else None
