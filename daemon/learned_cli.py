"""`orderdesk learned ...`: what clerks taught at the review desk, from the command line.

`learned export DIR` writes the taught customer item codes as a K3 Cloud customer-material
mapping import file; `learned list` shows the codes and customer aliases with who taught them
and when, marking those the loaded catalog cannot use (STALE); `learned forget item CUSTOMER CODE` and `learned forget sender|name TEXT` stop using
one (audited as `cli:<login>`), exactly as the desk's "forget" does.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from daemon.cli_support import add_settings_arguments, engine_for, settings_for
from outbox.k3_mapping import write_mapping
from reconcile.catalog import LearnedRecords
from store import learned, snapshots
from store.db import session_scope, utcnow


def add_commands(sub: Any) -> None:
    """Add `learned export|list|forget` to the top-level parser."""
    p = sub.add_parser("learned", help="what clerks taught at the review desk: item codes and customer aliases")
    lsub = p.add_subparsers(dest="learned_command", required=True)
    export = lsub.add_parser("export", help="write the taught item codes as a K3 SAL_CustMatMapping import file")
    export.add_argument("folder", metavar="DIR", help="where SAL_CustMatMapping.xlsx goes (made when missing)")
    listing = lsub.add_parser("list", help="list the taught item codes and customer aliases")
    forget = lsub.add_parser("forget", help="stop using a taught item code or customer alias",
                             description="Forget what was taught: `item CUSTOMER CODE` (the customer's item "
                                         "code), `sender ADDRESS` or `name TEXT` (a customer alias).")
    forget.add_argument("what", choices=("item", "sender", "name"), help="what kind of taught row")
    forget.add_argument("text", nargs="+", metavar="TEXT", help="CUSTOMER CODE for an item; the address or name")
    for sp, func in ((export, cmd_export), (listing, cmd_list), (forget, cmd_forget)):
        add_settings_arguments(sp)
        sp.set_defaults(func=func)


def cmd_export(args: argparse.Namespace) -> int:
    engine = engine_for(settings_for(args))
    try:
        with session_scope(engine) as session:
            items = [t.item for t in learned.taught_items(session)]
    finally:
        engine.dispose()
    path = write_mapping(Path(args.folder), items)
    print(f"{len(items)} customer item codes written to {path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    zone = ZoneInfo(settings.timezone)
    engine = engine_for(settings)
    try:
        with session_scope(engine) as session:
            items, aliases = learned.taught_items(session), learned.taught_aliases(session)
            current = snapshots.current_snapshot(session, None)
    finally:
        engine.dispose()
    taught = LearnedRecords(tuple(t.item for t in items), tuple(t.alias for t in aliases))
    stale = current[1].left_out(taught) if current is not None else LearnedRecords()
    when = lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    for t in items:
        i = t.item
        mark = "  STALE: not in the catalog" if i in stale.customer_items else ""
        print(f"item      {i.customer:<12} {i.code:<20} -> {i.material:<14} {i.name[:30]:<30} {t.user} {when(t.at)}{mark}")
    for t in aliases:
        a = t.alias
        mark = "  STALE: not in the catalog" if a in stale.aliases else ""
        print(f"{a.kind:<9} {a.text[:40]:<40} -> {a.customer:<14} {t.user} {when(t.at)}{mark}")
    if not items and not aliases:
        print("Nothing has been taught yet.")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    if args.what == "item" and len(args.text) != 2:
        print("orderdesk learned forget item: give the customer's number and the item code", file=sys.stderr)
        return 2
    engine = engine_for(settings_for(args))
    by, now, sent = f"cli:{_login()}", utcnow(), None
    try:
        with session_scope(engine) as session:
            if args.what == "item":
                gone = learned.forget_item(session, args.text[0], args.text[1], by=by, now=now)
                said = f"customer {gone.customer}'s item code {gone.code} no longer means {gone.material}"
                sent = learned.sent_to_erp(session, gone.customer, gone.code)
            else:
                alias = learned.forget_alias(session, args.what, " ".join(args.text), by=by, now=now)
                said = f"{alias.kind} {alias.text} no longer means customer {alias.customer}"
    except LookupError as e:
        print(f"orderdesk learned forget: {e}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Forgotten: {said}.")
    if args.what == "item":
        print(erp_kept(sent))
    return 0


def erp_kept(sent: str | None) -> str:
    """What forgetting does not undo in K3: a mapping already saved there, or imported from an
    exported SAL_CustMatMapping file (that file can list mappings, not removals)."""
    told = {"delivered": "orderdesk saved this mapping in K3 Cloud", None: "If this mapping reached K3"}.get(
        sent, "orderdesk is saving this mapping in K3 Cloud")
    return (f"{told}: K3 still maps the code, because forgetting it here does not remove it there, and the next "
            "SAL_CustMatMapping export only leaves it out. Delete it in K3 (customer-material mapping) by hand.")


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment (a container without one)
        return "unknown"
