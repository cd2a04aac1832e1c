"""`orderdesk queue`, `show`, `reprocess` and `resend`: the review queue from the command line.

The queries are `store.queue`'s and the re-processing is `pipeline.service`'s, which the web
review desk uses too; this module only parses arguments and prints.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from daemon.cli_support import UsageError, add_settings_arguments, cli_worker_name, engine_for, settings_for
from store import documents, snapshots
from store import outbox as outbox_store
from store.db import session_scope, utcnow
from store.models import DocumentStatus
from store.queue import STATES, document_view, order_view, queue_items

RETRY_STATES = (DocumentStatus.PROCESSED, DocumentStatus.FAILED, DocumentStatus.NOT_AN_ORDER)


def add_commands(sub: Any) -> None:
    """Add the queue commands to the `orderdesk` sub-command parser."""
    q = sub.add_parser("queue", help="list what needs a person: failed, review, not an order, "
                                     "repeats, dead outbox rows")
    q.add_argument("--status", action="append", choices=STATES, metavar="STATE",
                   help=f"only this state ({', '.join(STATES)}); may be given more than once")
    q.add_argument("--since", metavar="WHEN", help="only items since a date (YYYY-MM-DD, local time) "
                   "or an ISO time")
    q.add_argument("--json", action="store_true", help="print one JSON object {\"items\": [...]}")
    add_settings_arguments(q)
    q.set_defaults(func=cmd_queue)
    s = sub.add_parser("show", help="everything known about a document (12 or D12) or an order (O34)")
    s.add_argument("ref", metavar="DOC|ORDER")
    s.add_argument("--json", action="store_true", help="print it as one JSON object")
    s.add_argument("--original", metavar="FILE", help="also write the document's original bytes to FILE")
    add_settings_arguments(s)
    s.set_defaults(func=cmd_show)
    r = sub.add_parser("reprocess", help="read documents again with today's code and catalog "
                                         "(the old outcome is kept in their history)")
    r.add_argument("documents", nargs="+", metavar="DOC")
    add_settings_arguments(r)
    r.set_defaults(func=cmd_reprocess)
    o = sub.add_parser("resend", help="deliver dead outbox rows again, once their cause is fixed")
    o.add_argument("rows", nargs="+", type=int, metavar="OUTBOX_ID")
    add_settings_arguments(o)
    o.set_defaults(func=cmd_resend)


def cmd_queue(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    since = _since(args.since, settings.timezone)
    with session_scope(engine_for(settings)) as session:
        items = queue_items(session, states=tuple(args.status or STATES), since=since)
    if args.json:
        _dump({"items": [item.to_json() for item in items]})
        return 0
    for item in items:
        ref = f"D{item.document_id}" if item.document_id is not None else "-"
        extra = f" O{item.order_id}" if item.order_id else f" outbox {item.outbox_id}" if item.outbox_id else ""
        po = f" PO {item.po_number}" if item.po_number else ""
        print(f"{ref}{extra}  {item.state:<12} {item.name}{po}  [{item.customer or 'customer unknown'}]  "
              f"{item.reason}")
    if not items:
        print("the queue is empty")
    return 0


def _since(text: str | None, zone: str) -> datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), ZoneInfo(zone))
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since must be a date like 2026-12-01 or an ISO time, not {text!r}.")
    return when if when.tzinfo is not None else when.replace(tzinfo=ZoneInfo(zone))


def cmd_show(args: argparse.Namespace) -> int:
    kind, number = parse_ref(args.ref)
    with session_scope(engine_for(settings_for(args))) as session:
        view = document_view(session, number) if kind == "document" else order_view(session, number)
        if view is None:
            raise UsageError(f"there is no {kind} {number}.")
        if args.original:
            _write_original(session, view["document_id"], Path(args.original))
    if args.json:
        _dump(view)
    else:
        print(_describe(view) if kind == "document" else _describe_order(view))
    return 0


def _write_original(session: Any, document_id: int, target: Path) -> None:
    """Write a document's bytes as they arrived to `target`, which must not exist yet."""
    doc = documents.get_document(session, document_id)
    try:
        with target.open("xb") as out:
            out.write(documents.load_blob(session, doc.sha256))
    except FileExistsError:
        raise UsageError(f"{target} exists already; name a new file for the original.")
    print(f"the original of D{document_id} ({doc.filename}) is in {target}", file=sys.stderr)


def parse_ref(text: str) -> tuple[str, int]:
    """`12` or `D12` is document 12, `O34` is order 34."""
    head, digits = text[:1].upper(), text[1:] if text[:1].isalpha() else text
    if digits.isdigit() and (head.isdigit() or head in ("D", "O")):
        return ("order" if head == "O" else "document"), int(digits)
    raise UsageError(f"{text!r} is neither a document (12 or D12) nor an order (O34).")


def _describe(view: dict[str, Any]) -> str:
    out = [f"document D{view['document_id']}: {view['state']}",
           f"  arrived as {view['subject'] or view['file']} from {view['source']} "
           f"({view['source_ref']}) at {view['received_at']}"]
    if view["reason"]:
        out.append(f"  why: {view['reason']}")
    if view["repeat_of"]:
        out.append(f"  repeats D{view['repeat_of']}")
    out += [_describe_order(order, indent="  ") for order in view["orders"]]
    if view["history"]:
        out.append(f"  re-processed {len(view['history'])} time(s); `--json` shows the earlier outcomes")
    return "\n".join(out)


def _describe_order(view: dict[str, Any], indent: str = "") -> str:
    order = view["order"]
    who = order["customer"]["name"] or order["customer"]["code"] or "unknown customer"
    out = [f"{indent}order O{view['order_id']}: {order['status']}, PO {order['po_number'] or '-'}, "
           f"{who}, {len(order['lines'])} lines, total {order['total'] or '-'} {order['currency'] or ''}"]
    if order["failure"]:
        out.append(f"{indent}  why: {order['failure']}")
    if view.get("erp_bill_no"):
        out.append(f"{indent}  in K3 Cloud as sales order {view['erp_bill_no']}")
    out += [f"{indent}  - {a['message']} [{a['code']}]" for a in view["anomalies"]]
    out += [f"{indent}  outbox {o['id']}: {o['kind']} {o['status']}" for o in view["outbox"]]
    return "\n".join(out)


def cmd_reprocess(args: argparse.Namespace) -> int:
    from pipeline.sandbox import ParseSandbox
    from pipeline.service import DocumentService

    settings = settings_for(args)
    numbers = [parse_ref(text) for text in args.documents]
    if any(kind != "document" for kind, _ in numbers):
        raise UsageError("reprocess takes documents (12 or D12), not orders.")
    engine = engine_for(settings)
    limits = settings.thresholds
    with ParseSandbox(timeout_s=limits.parse_timeout_seconds, memory_mb=limits.parse_memory_mb) as sandbox:
        service = DocumentService(engine, settings, sandbox=sandbox, archive=settings.paths.archive,
                                  catalog_folder=snapshots.folder(settings.paths.var))
        if not service.refresh_catalog():
            raise UsageError("no catalog is loaded; run `orderdesk catalog import DIR` first.")
        for _, number in numbers:
            print(reprocess_one(service, number))
    return 0


def reprocess_one(service: Any, number: int) -> str:
    """Read document `number` again and say where it ended."""
    doc, data = service.load(number)
    if doc.status == DocumentStatus.REPEAT:
        return f"D{number}: a repeat of D{doc.repeat_of}; reprocess D{doc.repeat_of} instead"
    if doc.status not in RETRY_STATES:
        return f"D{number}: still {doc.status}; the daemon has not finished it yet"
    before = doc.status
    outcome = service.process(service.reopen(number, claimed_by=cli_worker_name()), data)
    what = ", ".join(f"order {o.status}" for o in outcome.orders) or outcome.reason
    return f"D{number}: was {before}, now {outcome.state}: {what}"


def cmd_resend(args: argparse.Namespace) -> int:
    with session_scope(engine_for(settings_for(args))) as session:
        done = outbox_store.resend(session, args.rows, utcnow())
    for row in args.rows:
        print(f"outbox {row}: " + ("queued to be sent again" if row in done else
                                   "not dead (unknown, pending or delivered): left alone"))
    return 0 if len(done) == len(set(args.rows)) else 1


def _dump(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
