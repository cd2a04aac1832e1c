"""The case page's actions: correct an order, approve it, reject it, mark a document an order
or not, and the catalog searches the item and customer pickers ask.

Each correction is a form post: the fields the clerk typed are applied to the kept draft
(`review.corrections`), then the button's operation (save, add a line, split, merge, remove,
approve, discard); every field that moved is written to the audit trail. Approve and reject
go through `pipeline.approval`, with the desk's document service (one at a time).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from outbox.mails import REJECT_REASONS
from parsers.model import SourceKind, SourceRef
from pipeline.approval import ApprovalRefused, Approvals, Correction
from pipeline.service import read_as
from reconcile.anomalies import Anomaly
from reconcile.result import ReconciledOrder
from reconcile.search import search_customers, search_items
from review import corrections
from review.corrections import Change, CorrectionError, Draft
from review.i18n import translate
from review.marks import LINE_VALUES, OrderMarks
from review.sentences import say
from review.web import PageRoute, desk_of, language_of, render, signed_in
from store import decisions
from store.audit import AuditRecord
from store.db import session_scope, utcnow
from store.documents import get_document
from store.models import Order

log = logging.getLogger(__name__)

# Documents whose orders a clerk may type in: nothing usable was read from them.
TYPE_IN_STATES = ("failed", "not_an_order")
KIND_BY_MAGIC = {"pdf": SourceKind.PDF, "tiff": SourceKind.FAX, "png": SourceKind.FAX, "jpeg": SourceKind.FAX,
                 "gif": SourceKind.FAX, "mail": SourceKind.EMAIL, "x12": SourceKind.X12,
                 "edifact": SourceKind.EDIFACT}


def routes() -> list[PageRoute]:
    return [PageRoute("/documents/{document_id}/edit/{key}", edit, "POST"),
            PageRoute("/documents/{document_id}/reject/{order_id}", reject, "POST"),
            PageRoute("/documents/{document_id}/not-an-order", not_an_order, "POST"),
            PageRoute("/documents/{document_id}/type-in", type_in, "POST"),
            PageRoute("/catalog/items", item_search),
            PageRoute("/catalog/customers", customer_search)]


@dataclass(frozen=True)
class EditView:
    """One order on the case page as the clerk is correcting it: the draft, and what the one
    reconciliation path makes of it now (anomalies by line)."""

    key: str                       # the order id, or "new" for one typed in
    order_id: int | None
    draft: Draft
    kept: bool                     # a draft is stored (the clerk changed something)
    checked: ReconciledOrder | None
    error: str = ""

    def anomalies(self, line_no: int | None) -> list[Anomaly]:
        return self._by_line.get(line_no, [])

    @cached_property
    def _by_line(self) -> dict[int | None, list[Anomaly]]:
        """The re-check's anomalies by line number, grouped once (an order may have hundreds of lines)."""
        grouped: dict[int | None, list[Anomaly]] = {}
        for anomaly in self.checked.all_anomalies() if self.checked is not None else ():
            grouped.setdefault(anomaly.line_no, []).append(anomaly)
        return grouped

    @property
    def fields(self) -> dict[str, str]:
        return {name: corrections.shown(getattr(self.draft, name)) for name in corrections.HEADER_FIELDS}

    def rows(self, marks: OrderMarks | None) -> list[EditRow]:
        """Every line as the form shows it, worked out here in one pass: an order may have
        hundreds of lines, and each call the template makes per line costs more than this."""
        priced = self.checked.lines if self.checked is not None else ()
        found = []
        for index, line in enumerate(self.draft.lines):
            n = index + 1
            at = line.read_as if marks is not None else None
            found.append(EditRow(
                n, {name: corrections.shown(getattr(line, name)) for name in corrections.LINE_FIELDS},
                {column: marks.value(at, column) for column in LINE_VALUES} if at else NO_MARKS,
                self.anomalies(n), corrections.shown(priced[index].unit_price) if index < len(priced) else "",
                line.accept_price))
        return found


NO_MARKS: dict[str, Markup] = {column: Markup("") for column in LINE_VALUES}


@dataclass(frozen=True, slots=True)
class EditRow:
    """One line of the correction form: its number, its values as typed, each value's mark (where
    it was read, as attributes), its anomalies, the list price a re-check used when the clerk left
    the price empty, and whether the clerk accepted its price."""

    n: int
    values: dict[str, str]
    marks: dict[str, Markup]
    anomalies: list[Anomaly]
    list_price: str
    accept_price: bool


# --- the case page's part ----------------------------------------------------------------


def edit_views(request: Request, view: dict[str, Any], *, error: str = "",
               unsaved: dict[str, Draft] | None = None) -> list[EditView]:
    """The orders of a document a clerk can still correct (in review or failed, and one being
    typed in), each with its draft re-checked. `unsaved` holds drafts a refused post left."""
    desk = desk_of(request)
    document_id = view["document_id"]
    with session_scope(desk.engine) as session:
        kept = {d.order_id: d for d in decisions.drafts_for(session, document_id)}
    wanted: list[tuple[int | None, Draft, bool]] = []
    for o in view["orders"]:
        if o["status"] in decisions.OPEN_STATUSES:
            draft = kept.get(o["order_id"])
            wanted.append((o["order_id"], _draft(desk, o["order_id"], draft), draft is not None))
    if None in kept:
        wanted.append((None, corrections.from_json(kept[None].data), True))
    views = []
    for order_id, draft, is_kept in wanted:
        key = _key(order_id)
        draft = (unsaved or {}).get(key, draft)
        views.append(EditView(key, order_id, draft, is_kept, _check(desk, document_id, order_id, draft),
                              error if unsaved and key in unsaved else ""))
    return views


def check_ahead(desk: Any, document_id: int, order_id: int) -> bool:
    """Check an open order as its case page will (its kept draft, else the order as read), so the
    page finds the result in the desk's memo; False when there is no catalog to check with."""
    with session_scope(desk.engine) as session:
        kept = decisions.get_draft(session, document_id, order_id)
    return _check(desk, document_id, order_id, _draft(desk, order_id, kept)) is not None


def _draft(desk: Any, order_id: int, kept: decisions.StoredDraft | None) -> Draft:
    return corrections.from_json(kept.data) if kept else _read(desk, order_id)


def _read(desk: Any, order_id: int) -> Draft:
    """The order as it was read; one that could not be read at all starts with an empty line,
    for the clerk to type it in beside the original."""
    with session_scope(desk.engine) as session:
        order = session.get(Order, order_id)
        draft = corrections.from_payload(json.loads(order.payload_json))
    return draft if draft.lines else corrections.add_line(draft)


def _check(desk: Any, document_id: int, order_id: int | None, draft: Draft) -> ReconciledOrder | None:
    """The draft through the one reconciliation path; None when no catalog is loaded."""
    try:
        return desk.reprocess.using(
            lambda service: Approvals(service, desk.reprocess.checks).check(_correction(document_id, order_id, draft)))
    except ApprovalRefused:
        return None


def _correction(document_id: int, order_id: int | None, draft: Draft, *, accept_remaining: bool = False) -> Correction:
    return Correction(document_id, order_id, corrections.to_parsed(draft), customer=draft.customer,
                      accepted_prices=corrections.accepted_prices(draft), accept_remaining=accept_remaining)


def _key(order_id: int | None) -> str:
    return "new" if order_id is None else str(order_id)


def _order_of(key: str) -> int | None:
    if key == "new":
        return None
    if not key.isdigit():
        raise HTTPException(status_code=404)
    return int(key)


# --- correcting -----------------------------------------------------------------------------


async def edit(request: Request, document_id: int, key: str) -> Response:
    """Apply the typed fields, then the button's operation (`op`)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_edit, request, document_id, _order_of(key), form)


def _edit(request: Request, document_id: int, order_id: int | None, form: dict[str, str]) -> Response:
    desk, by, now = desk_of(request), signed_in(request).account.name, utcnow()
    try:
        before = _current_draft(request, document_id, order_id)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided", order_id)
    op = form.get("op", "save")
    try:
        typed = corrections.apply_form(before, form)
        after = _operate(typed, op, form)
    except CorrectionError as e:
        return _case(request, document_id, error=e.say(language_of(request)), unsaved={_key(order_id): before},
                     status=422)
    entries = _entries(before, typed, after, op, by=by, now=now, document_id=document_id, order_id=order_id)
    if op == "discard":
        with session_scope(desk.engine) as session:
            decisions.drop_draft(session, document_id, order_id,
                                 entry=AuditRecord(now, by, "discard", "corrections thrown away", document_id, order_id))
        return _back(document_id, "discarded", order_id)
    with session_scope(desk.engine) as session:
        decisions.save_draft(session, document_id, order_id, corrections.to_json(after), by=by, now=now,
                             entries=entries)
    if op != "approve":
        return _back(document_id, "saved", order_id)
    return _approve(request, document_id, order_id, after, accept_remaining=form.get("accept_remaining") == "1")


def _current_draft(request: Request, document_id: int, order_id: int | None) -> Draft:
    desk = desk_of(request)
    with session_scope(desk.engine) as session:
        if order_id is not None:
            order = session.get(Order, order_id)
            if order is None or order.document_id != document_id:
                raise HTTPException(status_code=404)
            decisions.ensure_open(session, document_id, order_id)
        kept = decisions.get_draft(session, document_id, order_id)
    if kept is not None:
        return corrections.from_json(kept.data)
    if order_id is None:
        raise decisions.AlreadyDecided("there is no order being typed in for this document")
    return _read(desk, order_id)


def _operate(draft: Draft, op: str, form: dict[str, str]) -> Draft:
    """The button's operation on the draft; `remove:2`, `split:2` (quantity in `split-2`), `merge:2`
    (with the next line)."""
    name, _, number = op.partition(":")
    index = int(number) - 1 if number.isdigit() else -1
    if name == "add_line":
        return corrections.add_line(draft)
    if name == "remove":
        return corrections.remove_line(draft, index)
    if name == "split":
        return corrections.split_line(draft, index, form.get(f"split-{number}"))
    if name == "merge":
        return corrections.merge_lines(draft, index, index + 1)
    if name in ("save", "approve", "discard"):
        return draft
    raise CorrectionError("err_unknown_action", op=op)


def _entries(before: Draft, typed: Draft, after: Draft, op: str, *, by: str, now: Any, document_id: int,
             order_id: int | None) -> list[AuditRecord]:
    """One audit entry per field the clerk changed, then one for the line operation."""
    def entry(action: str, detail: str) -> AuditRecord:
        return AuditRecord(now, by, action, detail, document_id=document_id, order_id=order_id)

    found = [entry(_action(c), c.sentence()) for c in corrections.changes(before, typed)]
    name, _, number = op.partition(":")
    if name in ("add_line", "remove", "split", "merge"):
        detail = {"add_line": f"line {len(after.lines)} added", "remove": f"line {number} removed",
                  "split": f"line {number} split: {len(typed.lines)} -> {len(after.lines)} lines",
                  "merge": f"lines {number} and {int(number) + 1 if number.isdigit() else '?'} merged"}[name]
        found.append(entry({"remove": "remove_line", "split": "split_line", "merge": "merge_lines"}.get(name, name),
                           detail))
    return found


def _action(change: Change) -> str:
    if change.field == "customer":
        return "set_customer"
    if change.field.endswith("accept_price"):
        return "accept_price"
    return "correct"


def _approve(request: Request, document_id: int, order_id: int | None, draft: Draft, *,
             accept_remaining: bool) -> Response:
    by = signed_in(request).account.name
    correction = _correction(document_id, order_id, draft, accept_remaining=accept_remaining)
    try:
        new_id = desk_of(request).reprocess.using(
            lambda service: Approvals(service).approve(correction, by=by, now=utcnow()))
    except ApprovalRefused as e:
        return _case(request, document_id, error=_refusal(request, e), unsaved={_key(order_id): draft}, status=409)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided", order_id)
    return RedirectResponse(f"/documents/{document_id}?done=approved#order-{new_id}", status_code=303)


def _refusal(request: Request, refused: ApprovalRefused) -> str:
    """Why approval (or rejection) was refused, with the anomalies concerned, in the clerk's language."""
    language = language_of(request)
    said = [say(a, language) for a in refused.anomalies] if refused.anomalies else list(refused.details)
    return " ".join((translate(f"refused_{refused.reason}", language), *said))


def _back(document_id: int, done: str, order_id: int | None) -> Response:
    return RedirectResponse(f"/documents/{document_id}?done={done}#edit-{_key(order_id)}", status_code=303)


def _case(request: Request, document_id: int, **kwargs: Any) -> Response:
    from review.cases import case_response

    return case_response(request, document_id, **kwargs)


# --- rejecting, and what a document is ----------------------------------------------------


async def reject(request: Request, document_id: int, order_id: int) -> Response:
    form = await request.form()
    return await run_in_threadpool(_reject, request, document_id, order_id, str(form.get("reason") or ""),
                                   str(form.get("note") or "").strip())


def _reject(request: Request, document_id: int, order_id: int, reason: str, note: str) -> Response:
    if reason not in REJECT_REASONS or (reason == "other" and not note):
        return _case(request, document_id, error=translate("err_reject_reason", language_of(request)), status=422)
    try:
        draft = _current_draft(request, document_id, order_id)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided", order_id)
    correction = _correction(document_id, order_id, draft)
    by = signed_in(request).account.name

    def work(service: Any) -> None:
        approvals = Approvals(service)
        approvals.reject(correction, approvals.check(correction), reason=reason, note=note, by=by, now=utcnow())

    try:
        desk_of(request).reprocess.using(work)
    except ApprovalRefused as e:
        return _case(request, document_id, error=_refusal(request, e), status=409)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided", order_id)
    return RedirectResponse(f"/documents/{document_id}?done=rejected", status_code=303)


def not_an_order(request: Request, document_id: int) -> Response:
    """The document holds no order after all: its orders go to the history."""
    by, now = signed_in(request).account.name, utcnow()
    entry = AuditRecord(now, by, "mark_not_order", "marked not an order", document_id=document_id)
    try:
        with session_scope(desk_of(request).engine) as session:
            decisions.save_not_an_order(session, document_id, reason=f"{by} marked it not an order at the desk.",
                                        entry=entry, now=now)
    except LookupError:
        raise HTTPException(status_code=404)
    except decisions.AlreadyDecided:
        return RedirectResponse(f"/documents/{document_id}?done=already_decided", status_code=303)
    return RedirectResponse(f"/documents/{document_id}?done=not_an_order", status_code=303)


def type_in(request: Request, document_id: int) -> Response:
    """The document is an order after all (a failed fax, a mail that was not read as one): start
    an empty order for the clerk to type in, beside the original."""
    desk, by, now = desk_of(request), signed_in(request).account.name, utcnow()
    with session_scope(desk.engine) as session:
        doc = get_document(session, document_id)
        if doc is None:
            raise HTTPException(status_code=404)
        if decisions.get_draft(session, document_id, None) is None:
            draft = corrections.blank(SourceRef(read_as(doc), None, _kind(session, doc)),
                                      customer=doc.customer_code, email=doc.sender)
            decisions.save_draft(session, document_id, None, corrections.to_json(draft), by=by, now=now,
                                 entries=[AuditRecord(now, by, "mark_order", "an order is typed in",
                                                      document_id=document_id)])
    return _back(document_id, "typing", None)


def _kind(session: Any, doc: Any) -> SourceKind:
    """The format an order typed in beside this document counts as read from: what its bytes
    were found to be at arrival (older rows, without it, are looked at once)."""
    kind = doc.kind
    if kind is None:
        from parsers.detect import sniff
        from store.documents import load_blob

        kind = sniff(load_blob(session, doc.sha256), doc.filename).magic
    return KIND_BY_MAGIC.get(kind, SourceKind.TEXT)


# --- the pickers' searches ----------------------------------------------------------------


def item_search(request: Request, q: str = "", customer: str = "") -> Response:
    """Items for the picker: JSON for the page's script, a plain list for a browser."""
    desk = desk_of(request)
    hits = desk.reprocess.using(lambda service: _items(service, q, customer or None))
    if _wants_json(request):
        return JSONResponse({"items": [h.to_json() for h in hits]})
    return render(request, "catalog_items.html", {"q": q, "customer": customer, "hits": hits})


def _items(service: Any, query: str, customer: str | None) -> list[Any]:
    if not service.refresh_catalog():
        return []
    return search_items(service.catalog, query, customer=customer, on=service.today())


def customer_search(request: Request, q: str = "") -> Response:
    desk = desk_of(request)
    hits = desk.reprocess.using(lambda service: search_customers(service.catalog, q)
                                if service.refresh_catalog() else [])
    if _wants_json(request):
        return JSONResponse({"customers": [h.to_json() for h in hits]})
    return render(request, "catalog_customers.html", {"q": q, "hits": hits})


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.query_params.get("format") == "json"

