"""Learning at the desk: "remember" on an item choice and on a customer choice, what was
learned (stale rows marked, each one can be forgotten), and it as a K3 customer-material
mapping file.

A remember button sits in the case page's correction form (`_edit.html`,
`_remember_customer.html`) and posts that whole form here: the corrections are saved first,
exactly as "save" does (review.editing), then what the saved draft says is taught through
`store.learned` (audited there): the customer's item code on a line means the item picked, or
the sender's address / a company name the document printed means the customer picked. The
document service lays it over its catalog before the next document (pipeline.service), so the
next order from that customer matches untouched.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from outbox.k3_mapping import FILE_NAME, mapping_xlsx
from parsers.model import CandidateKind
from reconcile.catalog import AliasKind, CustomerAlias, CustomerItem, LearnedRecords
from review.corrections import Draft
from review.editing import _back, _case, _current_draft, _edit, _order_of
from review.web import PageRoute, desk_of, render, signed_in
from store import decisions, learned
from store.db import session_scope, utcnow
from store.documents import get_document

log = logging.getLogger(__name__)

NAME_KINDS = (CandidateKind.LETTERHEAD, CandidateKind.STAMP, CandidateKind.BUYER_FIELD)


def routes() -> list[PageRoute]:
    return [PageRoute("/documents/{document_id}/remember/{key}", remember, "POST"),
            PageRoute("/learned", learned_page),
            PageRoute("/learned/forget", forget, "POST"),
            PageRoute(f"/learned/{FILE_NAME}", mapping_file)]


def name_hints(draft: Draft) -> list[str]:
    """The company names the document printed for its buyer (buyer field, letterhead, stamp),
    each once: what "remember this name" offers."""
    names = [draft.buyer.name] + [c.text for c in draft.buyer.candidates if c.kind in NAME_KINDS]
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


async def remember(request: Request, document_id: int, key: str) -> Response:
    """Save the posted corrections, then remember what the button (`remember`) names:
    `item:N` (line N's customer code means its item), `sender`, or `name:TEXT`."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_remember, request, document_id, _order_of(key), form)


def _remember(request: Request, document_id: int, order_id: int | None, form: dict[str, str]) -> Response:
    what = form.pop("remember", "")
    saved = _edit(request, document_id, order_id, {**form, "op": "save"})
    if saved.status_code != 303 or "done=saved" not in saved.headers.get("location", ""):
        return saved  # the corrections were refused (the page says why) or the order was decided
    try:
        draft = _current_draft(request, document_id, order_id)
    except decisions.AlreadyDecided:
        return _back(document_id, "already_decided", order_id)
    try:
        _teach(request, document_id, order_id, draft, what)
    except ValueError as e:
        return _case(request, document_id, error=str(e), status=422)
    return _back(document_id, "remembered", order_id)


def _teach(request: Request, document_id: int, order_id: int | None, draft: Draft, what: str) -> None:
    """Store one learned row for the saved draft; ValueError with a sentence when it names nothing."""
    desk, by = desk_of(request), signed_in(request).account.name
    customer = _known_customer(request, draft.customer)
    kind, _, rest = what.partition(":")
    with session_scope(desk.engine) as session:
        if kind == "item":
            item = _item(request, draft, customer, rest)
            learned.remember_item(session, item, by=by, now=utcnow(), document_id=document_id, order_id=order_id)
            log.info("user=%s remembered %s's code %s as %s doc=%s", by, customer, item.code, item.material,
                     document_id)
            return
        if kind == "sender":
            text = draft.buyer.email or _sender_of(session, document_id)
            alias = CustomerAlias(customer, AliasKind.SENDER, text or "")
        elif kind == "name" and rest in name_hints(draft):
            alias = CustomerAlias(customer, AliasKind.NAME, rest)
        else:
            raise ValueError("There is nothing to remember here.")
        learned.remember_alias(session, alias, by=by, now=utcnow(), document_id=document_id, order_id=order_id)
        log.info("user=%s remembered %s %r as customer %s doc=%s", by, alias.kind, alias.text, customer, document_id)


def _known_customer(request: Request, code: str | None) -> str:
    found = _catalog(request).customer(code) if code else None
    if found is None:
        raise ValueError("Pick the customer first: only a customer of the catalog can be remembered.")
    return found.number


def _item(request: Request, draft: Draft, customer: str, number: str) -> CustomerItem:
    index = int(number) - 1 if number.isdigit() else -1
    if not 0 <= index < len(draft.lines):
        raise ValueError("There is no such line.")
    line = draft.lines[index]
    if not line.customer_sku:
        raise ValueError(f"Line {index + 1} has no customer item code to remember.")
    material = _catalog(request).material(line.sku) if line.sku else None
    if material is None:
        raise ValueError(f"Pick the item of line {index + 1} first: only an item of the catalog can be remembered.")
    return CustomerItem(customer, line.customer_sku, line.description or "", material.number)


def _catalog(request: Request) -> Any:
    """The desk's catalog (the document service's snapshot, with what was learned so far)."""
    def loaded(service: Any) -> Any:
        if not service.refresh_catalog():
            raise ValueError("No catalog is loaded, so nothing can be remembered.")
        return service.catalog

    return desk_of(request).reprocess.using(loaded)


def _sender_of(session: Any, document_id: int) -> str | None:
    doc = get_document(session, document_id)
    return doc.sender if doc is not None else None


# --- what was learned -----------------------------------------------------------------------


def learned_page(request: Request) -> Response:
    """The customer item codes and aliases clerks taught, with who and when, the ones the loaded
    catalog cannot use marked stale, a "forget" on each, and the K3 file."""
    with session_scope(desk_of(request).engine) as session:
        items, aliases = learned.taught_items(session), learned.taught_aliases(session)
    stale = _left_out(request, LearnedRecords(tuple(t.item for t in items), tuple(t.alias for t in aliases)))
    return render(request, "learned.html", {
        "items": items, "aliases": aliases, "file_name": FILE_NAME, "done": request.query_params.get("done", ""),
        "stale_items": set(stale.customer_items), "stale_aliases": set(stale.aliases)})


def _left_out(request: Request, taught: LearnedRecords) -> LearnedRecords:
    """What the desk's catalog cannot use of `taught` (nothing is judged when none is loaded)."""
    def judged(service: Any) -> LearnedRecords:
        return service.catalog.left_out(taught) if service.refresh_catalog() else LearnedRecords()

    return desk_of(request).reprocess.using(judged)


async def forget(request: Request) -> Response:
    """Forget one taught row: `kind` item (with `customer` and `code`), sender or name (with `text`)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_forget, request, form)


def _forget(request: Request, form: dict[str, str]) -> Response:
    by, kind, done = signed_in(request).account.name, form.get("kind", ""), "forgotten"
    try:
        with session_scope(desk_of(request).engine) as session:
            if kind == "item":
                gone = learned.forget_item(session, form.get("customer", ""), form.get("code", ""), by=by, now=utcnow())
                sent = learned.sent_to_erp(session, gone.customer, gone.code)
                done = "forgotten_item_in_k3" if sent == "delivered" else "forgotten_item"
            else:
                gone = learned.forget_alias(session, kind, form.get("text", ""), by=by, now=utcnow())
    except LookupError:
        return RedirectResponse("/learned?done=nothing_to_forget", status_code=303)
    log.info("user=%s forgot %s", by, gone)
    return RedirectResponse(f"/learned?done={done}", status_code=303)


def mapping_file(request: Request) -> Response:
    """The taught item codes as a K3 SAL_CustMatMapping import file (the same as `orderdesk
    learned export`)."""
    with session_scope(desk_of(request).engine) as session:
        items = [t.item for t in learned.taught_items(session)]
    return Response(mapping_xlsx(items),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{FILE_NAME}"'})
