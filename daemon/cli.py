"""The `orderdesk` command line."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy.exc

from connectors.catalog_import import import_bundle
from connectors.errors import CatalogError
from daemon.cli_support import (UsageError, add_settings_arguments, cli_worker_name, engine_for,
                                settings_for)
from daemon.config import ConfigError, Settings
from daemon.learned_cli import add_commands as add_learned_commands
from daemon.queue_cli import add_commands as add_queue_commands
from daemon.users_cli import add_commands as add_user_commands
from store import catalog as catalog_store
from store.db import make_engine, session_scope


def _today(arg: str | None, settings: Settings) -> date:
    if arg is None:
        return datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        return date.fromisoformat(arg)
    except ValueError:
        raise UsageError(f"--today must be a date like 2026-11-20, not {arg!r}.")


def _import_catalog(folder: str, session) -> None:
    import_bundle(session, Path(folder))


def cmd_process(args: argparse.Namespace) -> int:
    from parsers.headers import message_id_of
    from pipeline.sandbox import ParseSandbox
    from pipeline.service import CLI_SOURCE, DocumentService

    settings = settings_for(args)
    today = _today(args.today, settings)
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError(f"cannot read {missing[0]}: no such file.")
    engine = engine_for(settings)
    with session_scope(engine) as session:
        _import_catalog(args.catalog, session)
    limits = settings.thresholds
    out: list[dict] = []
    # Parsers run in a child process with time and memory limits: a hostile file fails alone.
    with ParseSandbox(timeout_s=args.parse_timeout or limits.parse_timeout_seconds,
                      memory_mb=args.parse_memory or limits.parse_memory_mb) as sandbox:
        service = DocumentService(engine, settings, sandbox=sandbox, today=lambda: today)
        service.refresh_catalog()
        for n, (given, path) in enumerate(zip(args.paths, paths), 1):
            _progress(n, len(paths), path)
            data = path.read_bytes()
            message_id = message_id_of(data) if path.suffix.lower() == ".eml" else None
            outcome = service.take(data, source=CLI_SOURCE, source_ref=str(given), filename=path.name,
                                   message_id=message_id, claimed_by=cli_worker_name())
            out.extend(order.contract_json() for order in outcome.printed())
    if args.json:
        json.dump({"orders": out}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(out)
    return 0


def _progress(n: int, total: int, path: Path) -> None:
    if total > 1 and sys.stderr.isatty():
        print(f"[{n}/{total}] {path}", file=sys.stderr)


def _print_summary(orders: list[dict]) -> None:
    for o in orders:
        codes = sorted(set(o["anomalies"]) | {c for ln in o["lines"] for c in ln["anomalies"]})
        why = o["failure"] or ", ".join(codes)
        print(f"{o['status']:<8} {o['source']['path']} {o['source']['part'] or ''} "
              f"PO {o['po_number'] or '-'}  {len(o['lines'])} lines  {why}".rstrip())
    if not orders:
        print("no orders found")


def cmd_catalog_import(args: argparse.Namespace) -> int:
    from daemon.progress import Progress

    engine = engine_for(settings_for(args))
    with Progress() as progress, session_scope(engine) as session:
        imported = import_bundle(session, Path(args.folder), reread=True, progress=progress)
    print(_catalog_summary(imported.records))
    if not imported.replaced:
        print("(unchanged: this catalog was already loaded)")
    return 0


def cmd_catalog_sync(args: argparse.Namespace) -> int:
    from connectors.errors import PermanentError, TransientError
    from daemon.catalog_sync import sync_catalog
    from daemon.progress import Progress

    settings = settings_for(args)
    if not settings.k3cloud.enabled:
        raise UsageError("catalog sync reads K3 Cloud: set [k3cloud] server_url and its sign-in "
                         "in the settings file (README, \"K3 Cloud\").")
    engine = engine_for(settings)
    try:
        with Progress() as progress:
            result = sync_catalog(settings, engine, progress=progress)
    except (TransientError, PermanentError) as exc:
        print(f"orderdesk: catalog sync failed, the stored catalog is unchanged: {exc}", file=sys.stderr)
        return 1
    print(_catalog_summary(result.records))
    print(f"read from K3 Cloud in {result.seconds:.1f} s; "
          + ("stored" if result.changed else "the stored catalog was already the same"))
    return 0


def cmd_catalog_show(args: argparse.Namespace) -> int:
    engine = engine_for(settings_for(args))
    with session_scope(engine) as session:
        records = catalog_store.load_catalog(session)
    if records is None:
        print("No catalog is loaded; run `orderdesk catalog import DIR` first.")
        return 1
    print(_catalog_summary(records))
    return 0


def _catalog_summary(records) -> str:
    forbidden = sum(1 for m in records.materials if not m.active)
    general = sum(1 for p in records.prices if p.customer is None)
    return "\n".join([
        f"materials       {len(records.materials):>7}  ({forbidden} forbidden)",
        f"customers       {len(records.customers):>7}",
        f"prices          {len(records.prices):>7}  ({general} general, {len(records.prices) - general} customer)",
        f"customer items  {len(records.customer_items):>7}",
        f"stock rows      {len(records.stock):>7}",
        f"unit rates      {len(records.units):>7}",
    ])


def _configured_db(args: argparse.Namespace) -> str:
    """--db, else $ORDERDESK_DB, else the settings file's database_url (what `run` would use)."""
    return settings_for(args).database_url


def cmd_migrate(args: argparse.Namespace) -> int:
    from daemon.maintenance import migrate_database

    engine = make_engine(_configured_db(args))
    try:
        before, after = migrate_database(engine)
    finally:
        engine.dispose()
    print(f"database schema at {after}" + ("" if before == after else f" (was {before or 'empty'})"))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from daemon.maintenance import backup_database, backup_summary

    engine = make_engine(_configured_db(args))
    try:
        target = backup_database(engine, Path(args.file))
    finally:
        engine.dispose()
    print(backup_summary(target))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from daemon.app import run

    return run(settings_for(args), log_level=args.log_level)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="orderdesk", description="Read purchase orders, check them "
                                 "against the ERP catalog, and report what needs a person.")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="read order documents and print the orders found")
    p.add_argument("paths", nargs="+", metavar="PATH", help="an order document as it arrived")
    p.add_argument("--catalog", required=True, metavar="DIR", help="the catalog bundle folder (CONTRACT §1)")
    add_settings_arguments(p)
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help="the business date (default: today in the configured time zone)")
    p.add_argument("--json", action="store_true", help="print one JSON object {\"orders\": [...]}")
    p.add_argument("--parse-timeout", type=float, metavar="S",
                   help="seconds one document may take to read (default: the configured 60)")
    p.add_argument("--parse-memory", type=int, metavar="MB",
                   help="memory one document's reader may use (default: the configured 2048)")
    p.set_defaults(func=cmd_process)
    c = sub.add_parser("catalog", help="load or show the ERP catalog")
    csub = c.add_subparsers(dest="catalog_command", required=True)
    ci = csub.add_parser("import", help="load a catalog bundle folder into the database")
    ci.add_argument("folder", metavar="DIR")
    add_settings_arguments(ci)
    ci.set_defaults(func=cmd_catalog_import)
    cy = csub.add_parser("sync", help="read the catalog from K3 Cloud ([k3cloud]) and store it")
    add_settings_arguments(cy)
    cy.set_defaults(func=cmd_catalog_sync)
    cs = csub.add_parser("show", help="summarise the loaded catalog")
    add_settings_arguments(cs)
    cs.set_defaults(func=cmd_catalog_show)
    r = sub.add_parser("run", help="run the daemon: watch the inboxes, process, deliver (until SIGTERM)")
    r.add_argument("--config", metavar="FILE", help="a TOML settings file (default: embedded defaults)")
    r.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    r.set_defaults(func=cmd_run)
    m = sub.add_parser("migrate", help="upgrade the database schema to this version (run also does it at start)")
    b = sub.add_parser("backup", help="copy the SQLite database to FILE while the daemon runs "
                                      "(PostgreSQL: use pg_dump)")
    b.add_argument("file", metavar="FILE", help="where the copy goes (must not exist yet)")
    for p in (m, b):
        add_settings_arguments(p)
    m.set_defaults(func=cmd_migrate)
    b.set_defaults(func=cmd_backup)
    add_queue_commands(sub)
    add_user_commands(sub)
    add_learned_commands(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, CatalogError, ConfigError) as e:
        print(f"orderdesk: {e}", file=sys.stderr)
        return 2
    except (sqlalchemy.exc.ArgumentError, sqlalchemy.exc.OperationalError, ModuleNotFoundError) as e:
        # A database URL that cannot be used is a bad invocation, not a crash.
        print(f"orderdesk: cannot use the database {getattr(args, 'db', None) or 'configured'}: "
              f"{str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
