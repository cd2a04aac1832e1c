"""Fixtures shared by the whole suite."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file database, as a user's first run would have."""
    return f"sqlite:///{tmp_path / 'orderdesk.db'}"


@pytest.fixture
def engine(tmp_path: Path):
    """A fresh SQLite file database with the schema migrated, disposed after the test."""
    from store.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'orderdesk.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def run_cli(capsys):
    """Run `orderdesk ARGS...` in this process; returns (exit status, stdout, stderr)."""
    from daemon.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def process_json(run_cli, db_url):
    """Run `orderdesk process` with --json on one database and return the parsed orders."""

    def run(*paths: Path, catalog: Path, today: str = "2026-11-20", db: str | None = None) -> list[dict]:
        status, out, err = run_cli("process", *paths, "--catalog", catalog, "--db", db or db_url,
                                   "--today", today, "--json")
        assert status == 0, err
        return json.loads(out)["orders"]

    return run


# Fixture modules of the real servers, one per server: Dovecot, the aiosmtpd sink, the daemon,
# PostgreSQL.
pytest_plugins = ["tests.fixtures.dovecot", "tests.fixtures.smtp_sink", "tests.fixtures.daemon_proc",
                  "tests.fixtures.postgres", "tests.fixtures.k3server"]
