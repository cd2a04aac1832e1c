"""Engines, sessions and schema migration.

SQLite is the embedded default (WAL, foreign keys, a busy timeout so several processes can
share one file); any other SQLAlchemy URL (PostgreSQL for several nodes) is used as given.
The schema comes only from the alembic migrations, applied by `migrate()`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
# PostgreSQL advisory lock keys: held while migrating and while loading the catalog at start,
# so nodes starting together take turns.
MIGRATION_LOCK = 7234500
CATALOG_LOCK = 7234502


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; for a SQLite file, create its folder and set WAL and friends."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, **kwargs)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in url
    if in_memory:
        # One shared connection, or every session would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    elif not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **kwargs)
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no commit
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest migration (creates it in a fresh database).

    On PostgreSQL the migration runs under a transaction-scoped advisory lock: when several
    nodes start together on an empty database, one creates the schema and the others wait,
    then find it at head (each used to run the first migration and all but one died on
    `alembic_version`). SQLite serialises the writers itself.
    """
    config = alembic_config()
    with engine.begin() as connection:
        lock_transaction(connection, MIGRATION_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def lock_transaction(connection: Connection | OrmSession, key: int) -> None:
    """On PostgreSQL, wait for the advisory lock `key`, held until this transaction ends; a no-op
    elsewhere (SQLite serialises writers itself). Call it first in the transaction."""
    bind = connection.get_bind() if isinstance(connection, OrmSession) else connection
    if bind.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def alembic_config(url: str | None = None) -> Config:
    """An alembic configuration built in code, pointing at this package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that is rolled back if the block raises and closed at the end."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def utcnow() -> datetime:
    """The current time, tz-aware UTC; for callers at the edge, never used inside decisions."""
    return datetime.now(timezone.utc)


def insert_new(session: Session, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """Insert `rows`, skipping each whose `keys` are already there (no commit)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        session.execute(insert(table).on_conflict_do_nothing(index_elements=keys), rows)
        return
    for row in rows:  # other engines: check first (fine inside the caller's transaction)
        match = sa.and_(*(table.c[k] == row[k] for k in keys))
        if session.execute(sa.select(sa.literal(1)).select_from(table).where(match)).first() is None:
            session.execute(sa.insert(table).values(**row))


def update_and_commit(session: Session, statement: Any) -> int:
    """Run one UPDATE in its own transaction; how many rows it changed."""
    try:
        count = session.execute(statement).rowcount
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return count
