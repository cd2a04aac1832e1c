"""Engine set-up and migrations: a fresh SQLite file gets the schema, in WAL mode."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.script import ScriptDirectory
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from store import documents
from store.db import alembic_config, make_engine, migrate, session_scope


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/nested/folder/orderdesk.db"


def test_fresh_file_is_created_in_wal_mode_with_foreign_keys(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    assert (tmp_path / "nested" / "folder" / "orderdesk.db").exists()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        tables = set(sa.inspect(connection).get_table_names())
    assert {"documents", "blobs", "orders", "order_lines", "anomalies", "outbox", "seen_pos",
            "materials", "customers", "prices", "customer_items", "stock", "units",
            "catalog_meta", "alembic_version"} <= tables


def test_migration_matches_the_models_and_is_idempotent(db_url: str) -> None:
    """The hand-written migration creates exactly what models.py declares; a rerun is a no-op."""
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head


def test_schema_comes_only_from_migrations(db_url: str) -> None:
    """make_engine alone creates no tables."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []


def test_timestamps_come_back_tz_aware_utc(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    shanghai = timezone(timedelta(hours=8))
    with session_scope(engine) as session:
        doc_id = documents.add_document(session, b"x", filename="x.txt", source="cli",
                                        now=datetime(2026, 11, 20, 9, 30, tzinfo=shanghai)).document_id
    with session_scope(engine) as session:
        received = documents.get_document(session, doc_id).received_at
    assert received == datetime(2026, 11, 20, 1, 30, tzinfo=timezone.utc)
    assert received.tzinfo == timezone.utc


def test_naive_timestamps_are_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with session_scope(engine) as session, pytest.raises(sa.exc.StatementError):
        documents.add_document(session, b"x", filename="x.txt", source="cli", now=datetime(2026, 11, 20))


def test_in_memory_database_is_shared_by_sessions() -> None:
    engine = make_engine("sqlite://")
    migrate(engine)
    with session_scope(engine) as session:
        documents.add_document(session, b"x", filename="x", source="cli", now=datetime.now(timezone.utc))
    with session_scope(engine) as session:
        assert session.execute(sa.text("SELECT count(*) FROM documents")).scalar() == 1
