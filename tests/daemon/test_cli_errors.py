"""A bad invocation or an unreadable catalog: exit status 2, one line on standard error, nothing on stdout."""
from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
ORDER = GOLDEN / "x12-accepted.edi"


def _bad_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for f in (GOLDEN / "catalog").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    prices = (folder / "prices.csv").read_text().replace("1.20", "one twenty", 1)
    (folder / "prices.csv").write_text(prices)
    return folder


@pytest.mark.parametrize("case", ["missing file", "bad date", "bad catalog", "bad database"])
def test_bad_invocations_say_why_in_one_line(case, run_cli, db_url, tmp_path):
    args = {
        "missing file": [tmp_path / "nope.edi", "--catalog", GOLDEN / "catalog", "--db", db_url],
        "bad date": [ORDER, "--catalog", GOLDEN / "catalog", "--db", db_url, "--today", "20.11.2026"],
        "bad catalog": [ORDER, "--catalog", _bad_catalog(tmp_path), "--db", db_url],
        "bad database": [ORDER, "--catalog", GOLDEN / "catalog", "--db", "nosuchdb://x"],
    }[case]
    status, out, err = run_cli("process", *args, "--json")
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("orderdesk: ")
    if case == "bad catalog":
        assert "prices.csv" in err and "row" in err and "FPrice" in err
