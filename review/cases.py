"""The case page: one document, its original beside what was read from it.

What was read comes from `store.queue.document_view` (the same as `orderdesk show`); the
original from the stored bytes (review.originals). `/orders/N`, the link in staff mails,
leads to its document's case page.
"""
from __future__ import annotations

import re

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from outbox.mails import REJECT_REASONS
from review.actions import REPROCESS_STATES
from review.editing import TYPE_IN_STATES, edit_views
from review.handling import decision_offer, order_offers
from review.marks import OrderMarks, order_marks, page_frames, read_cells
from review.attachments import Attachment, attachment_named, attachments, page_sets
from review.originals import (PAGE_KINDS, OriginalView, SheetView, mail_attachment, mail_image, original_view,
                              parse_mail)
from review.web import PageRoute, desk_of, render
from store import audit, documents
from store.blobs import sha256_hex
from store.db import session_scope
from store.queue import document_view, order_view

SAFE_NAME = re.compile(r"[^\w.\-]+")


def routes() -> list[PageRoute]:
    return [PageRoute("/documents/{document_id}", case_page),
            PageRoute("/documents/{document_id}/original", original_file),
            PageRoute("/documents/{document_id}/parts/{index}", attachment_file),
            PageRoute("/documents/{document_id}/cid/{cid}", mail_image_file),
            PageRoute("/documents/{document_id}/pages/{page}", page_image),
            PageRoute("/documents/{document_id}/parts/{index}/pages/{page}", attachment_page_image),
            PageRoute("/orders/{order_id}", order_link)]


def _stored(request: Request, document_id: int) -> tuple[dict, bytes]:
    """The document's view and its bytes, or 404."""
    with session_scope(desk_of(request).engine) as session:
        view = document_view(session, document_id)
        if view is None:
            raise HTTPException(status_code=404)
        return view, documents.load_blob(session, view["sha256"])


def _kind(request: Request, view: dict, data: bytes) -> str:
    """The document's stored kind; for one stored before kinds were, found by a render worker."""
    return view["kind"] or desk_of(request).pages.kind(view["sha256"], data, view["file"])


def case_page(request: Request, document_id: int) -> Response:
    return case_response(request, document_id)


def case_response(request: Request, document_id: int, *, error: str = "", unsaved: dict | None = None,
                  status: int = 200) -> Response:
    """The case page; after a refused correction, with the sentence why and the clerk's draft."""
    view, data = _stored(request, document_id)
    with session_scope(desk_of(request).engine) as session:
        trail = audit.for_document(session, document_id)
    original, scopes = _original(request, view, data, _kind(request, view, data))
    marks = {o["order_id"]: _marks(o, scopes, original) for o in view["orders"]}
    lines_anomalies = {o["order_id"]: _by_line(o["anomalies"]) for o in view["orders"]}
    edits = edit_views(request, view, error=error, unsaved=unsaved)
    decision, may_reopen = decision_offer(request, document_id)
    editing = {e.order_id for e in edits}
    return render(request, "case.html", {
        "doc": view, "original": original, "line_anomalies": lines_anomalies, "edits": edits,
        "editing": editing, "marks": marks, "read_cells": read_cells(marks),
        "error": error if not unsaved else "", "reasons": list(REJECT_REASONS),
        "can_reprocess": view["state"] in REPROCESS_STATES,
        "can_type_in": view["state"] in TYPE_IN_STATES and not edits,
        "can_mark_not_order": view["state"] != "not_an_order" and view["state"] in REPROCESS_STATES,
        "done": request.query_params.get("done", ""), "trail": trail, "decision": decision,
        "may_reopen": may_reopen, "order_offers": order_offers(request, view)}, status_code=status)


Scopes = dict[str | None, tuple[str, bool]]   # source part (None: the document) -> mark scope, shown as a sheet


def _original(request: Request, view: dict, data: bytes, kind: str) -> tuple[OriginalView, Scopes]:
    """The original as the case page shows it, and where the marks of the orders read from each
    of its parts point (page images or sheet cells, and the scope of their names)."""
    pages = desk_of(request).pages
    cid_base = f"/documents/{view['document_id']}/cid/"
    if kind != "mail":
        sheets, scopes = _sheets(request, view, data, kind, [])
        count = pages.count(view["sha256"], data, kind) if kind in PAGE_KINDS else 0
        return original_view(data, kind, page_count=count, cid_base=cid_base, sheets=sheets,
                             frames=page_frames(view["orders"])), scopes
    message = parse_mail(data)
    found = attachments(message)
    sets, prefixes = page_sets(found, view["orders"], lambda a: pages.count(sha256_hex(a.data), a.data, a.kind),
                               lambda a: pages.decoration(sha256_hex(a.data), a.data))
    sheets, scopes = _sheets(request, view, data, kind, found)
    scopes.update({part: (prefix, False) for part, prefix in prefixes.items()})
    return original_view(data, kind, cid_base=cid_base, sheets=sheets, page_sets=sets, message=message), scopes


def _marks(order: dict, scopes: Scopes, original: OriginalView) -> OrderMarks:
    scope, sheet = scopes.get(_part(order), ("", False))
    kind = (order["order"].get("source") or {}).get("kind")
    text = original.shown_text(kind) if _part(order) is None else None
    return order_marks(order, sheet=sheet, scope=scope, text=text)


SHEET_SOURCES = {"xlsx": "sheet", "csv": "csv"}   # what an order was read from -> how its sheets are read


def _part(order: dict) -> str | None:
    return (order["order"].get("source") or {}).get("part")


def _sheets(request: Request, view: dict, data: bytes, kind: str,
            found: list[Attachment]) -> tuple[list[SheetView], Scopes]:
    """The spreadsheets orders were read from, as tables (the document itself, or a mail's
    attachments `found`), and for each such part (None: the document itself) what its cell names start with."""
    shown: list[SheetView] = []
    scopes: Scopes = {}
    for order in view["orders"]:
        read_as, part = SHEET_SOURCES.get((order["order"].get("source") or {}).get("kind")), _part(order)
        if read_as is None or part in scopes:
            continue
        if kind == "mail" and part:
            attachment = attachment_named(found, part)
            raw, scope = (attachment.data if attachment else None), f"{part}/"
        elif kind in ("zip", "ole", "text") and not part:
            raw, scope = data, ""
        else:
            continue
        sheets = desk_of(request).pages.sheets(view["sha256"], raw, read_as, scope) if raw else None
        if sheets:
            shown += sheets
            scopes[part] = (scope, True)
    return shown, scopes


def _by_line(anomalies: list[dict]) -> dict[int | None, list[dict]]:
    grouped: dict[int | None, list[dict]] = {}
    for anomaly in anomalies:
        grouped.setdefault(anomaly["line_no"], []).append(anomaly)
    return grouped


def _download(data: bytes, name: str) -> Response:
    """Bytes as a download, never shown by the browser as a page."""
    safe = SAFE_NAME.sub("_", name) or "document"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def original_file(request: Request, document_id: int) -> Response:
    view, data = _stored(request, document_id)
    return _download(data, view["file"] or f"document-{document_id}")


def attachment_file(request: Request, document_id: int, index: int) -> Response:
    """An e-mail's attachment (0-based, in the message's order) as a download."""
    _, data = _stored(request, document_id)
    found = mail_attachment(data, index)
    if found is None:
        raise HTTPException(status_code=404)
    return _download(found[1], found[0])


def mail_image_file(request: Request, document_id: int, cid: str) -> Response:
    """An image the mail's HTML shows by `cid:`, from the stored message itself."""
    _, data = _stored(request, document_id)
    found = mail_image(data, cid)
    if found is None:
        raise HTTPException(status_code=404)
    return Response(found[1], media_type=found[0])


def page_image(request: Request, document_id: int, page: int) -> Response:
    """Page `page` (1-based) of a PDF or fax as PNG, drawn by a render worker on first request
    and cached."""
    view, data = _stored(request, document_id)
    kind = _kind(request, view, data)
    return _png(desk_of(request).pages.page(view["sha256"], data, kind, page) if kind in PAGE_KINDS else None)


def attachment_page_image(request: Request, document_id: int, index: int, page: int) -> Response:
    """Page `page` (1-based) of a mail's PDF or picture attachment `index` (0-based) as PNG, drawn
    and cached like a document's own pages (by the attachment's own hash)."""
    view, data = _stored(request, document_id)
    found = attachments(parse_mail(data)) if _kind(request, view, data) == "mail" else []
    part = found[index] if 0 <= index < len(found) else None
    png = None
    if part is not None and part.kind in PAGE_KINDS:
        png = desk_of(request).pages.page(sha256_hex(part.data), part.data, part.kind, page)
    return _png(png)


def _png(png: bytes | None) -> Response:
    if png is None:
        raise HTTPException(status_code=404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def order_link(request: Request, order_id: int) -> Response:
    with session_scope(desk_of(request).engine) as session:
        found = order_view(session, order_id)
    if found is None:
        raise HTTPException(status_code=404)
    return RedirectResponse(f"/documents/{found['document_id']}#order-{order_id}", status_code=303)
