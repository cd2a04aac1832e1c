"""Progress counters of the long catalog commands: shown on a terminal, silent otherwise."""
from __future__ import annotations

import io
from pathlib import Path

from connectors.catalog_bundle import read_bundle
from daemon.progress import Progress

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "catalog"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_each_step_counted():
    screen = Terminal()
    with Progress(stream=screen) as progress:
        read_bundle(GOLDEN, progress)
    shown = screen.getvalue()
    assert "reading materials.csv" in shown and "checking prices" in shown and " rows" in shown


def test_nothing_is_printed_when_not_a_terminal():
    piped = io.StringIO()
    with Progress(stream=piped) as progress:
        read_bundle(GOLDEN, progress)
    assert piped.getvalue() == ""


def test_catalog_import_prints_only_its_summary_when_piped(run_cli, tmp_path):
    status, out, err = run_cli("catalog", "import", GOLDEN, "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert status == 0 and out.startswith("materials") and err == ""
