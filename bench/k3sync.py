"""`python -m bench` figure: a catalog sync of 100,000 materials and 300,000 price rows from the
test K3 (tests/fixtures/k3server.py) into a fresh SQLite database, run in a process of its own
so its memory does not count in the main benchmark's peak.

The test K3 serves pages from memory on loopback from a process of its own, so the figure is
orderdesk's side (paging, JSON, the bundle reader's checks, the fingerprint, the store) and the
stand-in's answering time on the same two cores: a real K3 Cloud's query time replaces the latter.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(materials: int, prices: int) -> str:
    from daemon.catalog_sync import sync_catalog
    from daemon.config import CatalogSettings, K3CloudSettings, Settings
    from store.db import make_engine, migrate
    from tests.fixtures.k3server import APP_SECRET, settings_for

    stand = subprocess.Popen([sys.executable, "-m", "tests.fixtures.k3server", "--materials", str(materials),
                              "--prices", str(prices)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    os.environ["ORDERDESK_TEST_K3_SECRET"] = APP_SECRET
    steps: dict[str, float] = {}
    started = time.monotonic()

    def progress(step: str, _: int) -> None:
        steps[step.split()[0]] = time.monotonic() - started

    try:
        url = stand.stdout.readline().strip()   # the test K3 is ready once it says where it is
        values = settings_for(url, page_size=2000)
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            migrate(engine)
            settings = Settings(k3cloud=K3CloudSettings(**values), catalog=CatalogSettings(source="k3cloud"))
            started, cpu = time.monotonic(), time.process_time()
            result = sync_catalog(settings, engine, progress=progress)
            cpu = time.process_time() - cpu
            engine.dispose()
    finally:
        stand.stdin.close()
        stand.wait(timeout=30)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    read, checked = steps.get("reading", 0.0), steps.get("checking", 0.0)
    return (f"K3 catalog sync          {result.seconds:10.1f} s        ({len(result.records.materials):,} materials, "
            f"{len(result.records.prices):,} prices from the test K3 (another process) in pages of 2,000: "
            f"read {read:.1f} s, checked {checked - read:.1f} s, stored {result.seconds - checked:.1f} s; "
            f"orderdesk's CPU {cpu:.1f} s, peak {peak:,.0f} MB)")


def figure_line(materials: int = 100_000, prices: int = 300_000) -> str:
    """The figure, measured in a child process."""
    done = subprocess.run([sys.executable, "-m", "bench.k3sync", "--materials", str(materials),
                           "--prices", str(prices)], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return f"K3 catalog sync          failed: {done.stderr.strip().splitlines()[-1:]}"
    return done.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.k3sync")
    ap.add_argument("--materials", type=int, default=100_000)
    ap.add_argument("--prices", type=int, default=300_000)
    a = ap.parse_args()
    print(run(a.materials, a.prices))


if __name__ == "__main__":
    main()
