"""`orderdesk migrate` and `orderdesk backup`: the database chores of an upgrade.

Both read the database URL the daemon would use (`--db`, else `$ORDERDESK_DB`, else the
settings file's `database_url`), so they act on the daemon's own database.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from connectors.errors import ConfigError
from store.db import migrate, schema_revision

log = logging.getLogger(__name__)


def migrate_database(engine: Engine) -> tuple[str | None, str | None]:
    """Upgrade the schema to the newest migration; returns (revision before, revision after)."""
    before = schema_revision(engine)
    migrate(engine)
    return before, schema_revision(engine)


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy a SQLite database to `target` with SQLite's online backup, safe while the daemon runs.

    The copy is written beside `target` and renamed into place when complete, so `target`
    never holds half a backup; an existing `target` is refused rather than overwritten.
    """
    if engine.dialect.name != "sqlite":
        raise ConfigError(f"{engine.dialect.name} databases are backed up with their own tools: "
                          f"for PostgreSQL run `pg_dump --format=custom --file {target} DBNAME`.")
    target = Path(target)
    if target.exists():
        raise ConfigError(f"{target} already exists; choose another file name.")
    partial = target.with_name(f".{target.name}.part")
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        raw.close()
        partial.unlink(missing_ok=True)
    log.info("backup of %s written to %s", engine.url.database, target)
    return target


def backup_summary(target: Path) -> str:
    """One line about a backup file: its size and the number of documents it holds."""
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            documents = connection.execute(sa.text("SELECT count(*) FROM documents")).scalar()
    finally:
        engine.dispose()
    return f"backup written to {target} ({target.stat().st_size} bytes, {documents} documents)"
