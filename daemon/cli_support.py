"""What every `orderdesk` command shares: settings from `--config` and `--db`, the database, errors."""
from __future__ import annotations

import argparse
import os
import socket
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

from daemon.config import Settings, load_settings
from store.db import make_engine, migrate


class UsageError(Exception):
    """A bad invocation: one line on standard error, exit status 2."""


def settings_for(args: argparse.Namespace) -> Settings:
    """The configured settings (`--config`, then the environment), then this command's flags."""
    settings = load_settings(Path(args.config) if getattr(args, "config", None) else None)
    if getattr(args, "db", None):
        settings = replace(settings, database_url=args.db)
    return settings


def engine_for(settings: Settings) -> Engine:
    """An engine on the configured database, its schema brought up to date."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    return engine


def cli_worker_name() -> str:
    """The claim name of a command-line run: a daemon's workers leave its documents alone."""
    return f"cli-{socket.gethostname()}-{os.getpid()}"


def add_settings_arguments(p: argparse.ArgumentParser) -> None:
    """--config and --db, which every command that opens the database takes."""
    p.add_argument("--config", metavar="FILE", help="a TOML settings file (default: embedded defaults)")
    p.add_argument("--db", metavar="URL", help="database URL (default: the configured one; "
                   "$ORDERDESK_DB, else sqlite:///var/orderdesk.db)")
