"""`orderdesk migrate` (also on PostgreSQL by several nodes at once) and `orderdesk backup`."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from daemon.ingest import ingest
from store.db import make_engine, schema_revision

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def _orderdesk(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "daemon", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_nodes_migrating_an_empty_postgresql_together_all_succeed(pg_url):
    """Given an empty database, when three nodes migrate at the same moment, then every one
    exits 0 and the schema is at head once (they take turns under the advisory lock)."""
    runs = [_orderdesk("migrate", "--db", pg_url) for _ in range(3)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert [status for status, _out, _err in results] == [0, 0, 0], results
    engine = make_engine(pg_url)
    try:
        assert schema_revision(engine) is not None
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()


def test_migrate_reports_the_revision(run_cli, db_url):
    status, out, err = run_cli("migrate", "--db", db_url)
    assert status == 0, err
    assert "was empty" in out
    status, again, _ = run_cli("migrate", "--db", db_url)
    assert status == 0 and "was" not in again and again.split()[3] == out.split()[3]


def test_backup_copies_a_live_sqlite_database(run_cli, engine, tmp_path):
    """The copy is a complete database holding what was committed, taken while the source is
    open; an existing target file is refused, not overwritten."""
    ingest(engine, b"ISA*backup-me", source="edi", source_ref="a.edi", filename="a.edi",
           message_id=None, now=NOW)
    target = tmp_path / "copy.db"
    status, out, err = run_cli("backup", str(target), "--db", str(engine.url))
    assert status == 0, err
    assert "1 documents" in out
    copy = make_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as connection:
            names = connection.execute(sa.text("SELECT filename FROM documents")).scalars().all()
        assert names == ["a.edi"]
    finally:
        copy.dispose()
    status, _out, err = run_cli("backup", str(target), "--db", str(engine.url))
    assert status == 2 and "already exists" in err


def test_backup_of_postgresql_points_to_pg_dump(run_cli, tmp_path):
    status, _out, err = run_cli("backup", str(tmp_path / "x.dump"),
                                "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert status == 2 and "pg_dump" in err
    assert not (tmp_path / "x.dump").exists()
