"""`orderdesk learned ...`: what clerks taught at the review desk, from the command line.

`learned export DIR` writes the taught customer item codes as a K3 Cloud customer-material
mapping import file; `learned list` shows the codes and customer aliases with who taught them
and when.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from daemon.cli_support import add_settings_arguments, engine_for, settings_for
from outbox.k3_mapping import write_mapping
from store import learned
from store.db import session_scope


def add_commands(sub: Any) -> None:
    """Add `learned export|list` to the top-level parser."""
    p = sub.add_parser("learned", help="what clerks taught at the review desk: item codes and customer aliases")
    lsub = p.add_subparsers(dest="learned_command", required=True)
    export = lsub.add_parser("export", help="write the taught item codes as a K3 SAL_CustMatMapping import file")
    export.add_argument("folder", metavar="DIR", help="where SAL_CustMatMapping.xlsx goes (made when missing)")
    listing = lsub.add_parser("list", help="list the taught item codes and customer aliases")
    for sp, func in ((export, cmd_export), (listing, cmd_list)):
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
    finally:
        engine.dispose()
    when = lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    for t in items:
        i = t.item
        print(f"item      {i.customer:<12} {i.code:<20} -> {i.material:<14} {i.name[:30]:<30} {t.user} {when(t.at)}")
    for t in aliases:
        a = t.alias
        print(f"{a.kind:<9} {a.text[:40]:<40} -> {a.customer:<14} {t.user} {when(t.at)}")
    if not items and not aliases:
        print("Nothing has been taught yet.")
    return 0
