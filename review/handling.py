"""A document with no order to approve, decided as a whole: marked handled, or rejected.

A failed document (a fax that broke off, a file no reader could open), a document that is not
an order and a repeat stay in the queue until a clerk says what became of them: "handled"
(seen; nothing to do, with a sentence why) or, for a failure, "reject" (the sender is told
why, in both languages, through the outbox, once). Both are audited with who, when and why,
and take the document out of the queue (store.decisions.save_document_decision). An admin, or
the clerk who decided, can reopen it: back in the queue as it was (store.reopening), unless a
rejection mail was planned, in which case it stays rejected and the page says why. An order
rejected on its own is reopened likewise, while its rejection mail has not left.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from outbox.mails import REJECT_REASONS
from pipeline.approval import Approvals
from review.i18n import translate
from review.web import PageRoute, desk_of, language_of, signed_in
from store import decisions, reopening
from store.audit import AuditRecord
from store.db import session_scope, utcnow
from store.documents import get_document
from store.models import DocumentStatus, Order
from store.reopening import Decision

log = logging.getLogger(__name__)

HANDLE_STATES = decisions.DECIDABLE_DOCUMENTS
REJECT_STATES = (DocumentStatus.FAILED,)
WHY_LIMIT = 500
ORDERS = Order.__table__


def routes() -> list[PageRoute]:
    return [PageRoute("/documents/{document_id}/handled", handled, "POST"),
            PageRoute("/documents/{document_id}/reject", reject_document, "POST"),
            PageRoute("/documents/{document_id}/reopen", reopen_document, "POST"),
            PageRoute("/documents/{document_id}/reopen/{order_id}", reopen_order, "POST")]


async def handled(request: Request, document_id: int) -> Response:
    form = await request.form()
    return await run_in_threadpool(_handled, request, document_id, " ".join(str(form.get("why") or "").split()))


def _handled(request: Request, document_id: int, why: str) -> Response:
    """Mark the document handled with the clerk's sentence why; it leaves the queue."""
    if not why:
        return _refused(request, document_id, "err_handled_why")
    why, by, now = why[:WHY_LIMIT], signed_in(request).account.name, utcnow()
    _known(request, document_id)
    entry = AuditRecord(now, by, "handled", why, document_id=document_id)
    try:
        with session_scope(desk_of(request).engine) as session:
            decisions.save_document_decision(session, document_id, status=DocumentStatus.HANDLED,
                                             reason=f"Handled at the desk by {by}: {why}", rows=[], entry=entry)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided")
    log.info("user=%s marked the document handled doc=%s", by, document_id)
    return _back(document_id, "handled")


async def reject_document(request: Request, document_id: int) -> Response:
    form = await request.form()
    return await run_in_threadpool(_reject, request, document_id, str(form.get("reason") or ""),
                                   " ".join(str(form.get("note") or "").split()))


def _reject(request: Request, document_id: int, reason: str, note: str) -> Response:
    """Reject a failed document: its sender (when known) gets the reason in both languages."""
    if reason not in REJECT_REASONS or (reason == "other" and not note):
        return _refused(request, document_id, "err_reject_reason")
    doc = _known(request, document_id)
    if doc.status not in REJECT_STATES:
        return _back(document_id, "already_decided")
    by = signed_in(request).account.name

    def work(service: Any) -> bool:
        return Approvals(service).reject_document(document_id, reason=reason, note=note[:WHY_LIMIT], by=by,
                                                  now=utcnow())

    try:
        told = desk_of(request).reprocess.using(work)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided")
    return _back(document_id, "rejected_document" if told else "rejected_untold")


def decision_offer(request: Request, document_id: int) -> tuple[Decision | None, bool]:
    """For the case page: how a handled or rejected document was decided, and whether this user
    may reopen it."""
    me = signed_in(request).account
    with session_scope(desk_of(request).engine) as session:
        decision = reopening.decision_of(session, document_id)
    return decision, decision is not None and decision.may_reopen(me.name, is_admin=me.is_admin)


def reopen_document(request: Request, document_id: int) -> Response:
    """Put a handled document (or one rejected with nobody told) back in the queue, in the state
    it had; an admin or the clerk who decided it may. Audited."""
    me, now = signed_in(request).account, utcnow()
    decision, allowed = decision_offer(request, document_id)
    if decision is None:
        _known(request, document_id)
        return _back(document_id, "already_decided")
    if not allowed:
        raise HTTPException(status_code=403, detail="forbidden")
    entry = AuditRecord(now, me.name, "reopen", f"{decision.state} -> back to the queue", document_id=document_id)
    try:
        with session_scope(desk_of(request).engine) as session:
            state = reopening.reopen(session, document_id, entry=entry)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided")
    log.info("user=%s reopened the %s document: now %s doc=%s", me.name, decision.state, state, document_id)
    return _back(document_id, "reopened")


def order_offers(request: Request, view: dict[str, Any]) -> dict[int, tuple[Decision, bool]]:
    """For the case page: each order rejected on its own, how it was decided and whether this
    user may reopen it (an admin or whoever rejected it, while the customer was not told)."""
    me = signed_in(request).account
    rejected = [o["order_id"] for o in view["orders"] if o["status"] == decisions.REJECTED]
    offers = {}
    with session_scope(desk_of(request).engine) as session:
        for order_id in rejected:
            decision = reopening.order_decision(session, order_id)
            if decision is not None:
                offers[order_id] = (decision, decision.may_reopen(me.name, is_admin=me.is_admin))
    return offers


def reopen_order(request: Request, document_id: int, order_id: int) -> Response:
    """Open an order rejected on its own again, its rejection mail withdrawn before it left
    (store.reopening); an admin or the clerk who rejected it may. Audited."""
    me, now = signed_in(request).account, utcnow()
    with session_scope(desk_of(request).engine) as session:
        decision = reopening.order_decision(session, order_id)
        here = session.execute(sa.select(ORDERS.c.document_id).where(ORDERS.c.id == order_id)).scalar()
    if here != document_id:
        raise HTTPException(status_code=404)
    if decision is None or decision.told:
        return _back(document_id, "already_decided")
    if not decision.may_reopen(me.name, is_admin=me.is_admin):
        raise HTTPException(status_code=403, detail="forbidden")
    entry = AuditRecord(now, me.name, "reopen", f"order {order_id}: rejected -> back to review; "
                        "the rejection mail withdrawn before it was sent", document_id=document_id, order_id=order_id)
    try:
        with session_scope(desk_of(request).engine) as session:
            status = reopening.reopen_order(session, order_id, entry=entry)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided")
    log.info("user=%s reopened the rejected order=%s: now %s doc=%s", me.name, order_id, status, document_id)
    return _back(document_id, "reopened_order")


def _known(request: Request, document_id: int) -> Any:
    with session_scope(desk_of(request).engine) as session:
        doc = get_document(session, document_id)
    if doc is None:
        raise HTTPException(status_code=404)
    return doc


def _refused(request: Request, document_id: int, key: str) -> Response:
    from review.cases import case_response

    return case_response(request, document_id, error=translate(key, language_of(request)), status=422)


def _back(document_id: int, done: str) -> Response:
    return RedirectResponse(f"/documents/{document_id}?done={done}", status_code=303)
