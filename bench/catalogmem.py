"""A distributor-size catalog in a real `orderdesk run`: import time, memory, a new version.

Writes two versions of a 100,000-material, 300,000-price bundle, times `orderdesk catalog
import` of the first, starts the daemon with 2 workers on it (the review desk off, as in
the other daemon figures), waits until both workers hold the catalog and sums the memory of
its process tree; then imports the second version and times how long until every worker
says it is working with it (from the catalog's commit in the database to the worker's log
line). Printed, never asserted.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.catalogs import write_distributor_bundle
from bench.e2e import memory_mb
from tests.fixtures.daemon_proc import DaemonProcess, command

WORKERS = 2
_LOADED = re.compile(r"^(\S+ \S+) .*catalog ([0-9a-f]{12}) loaded")


@dataclass
class CatalogFigures:
    materials: int
    prices: int
    import_seconds: float
    rss_mb: float
    pss_mb: float | None
    processes: int
    ready_seconds: list[float]


def _orderdesk(daemon: DaemonProcess, *args: str) -> float:
    """Run an `orderdesk` command on the daemon's settings; returns its wall time."""
    start = time.perf_counter()
    subprocess.run([command()[0], *args, "--config", str(daemon.config)], check=True,
                   stdout=subprocess.DEVNULL, cwd=daemon.root)
    return time.perf_counter() - start


def _stored(daemon: DaemonProcess) -> tuple[str, datetime]:
    engine = daemon.engine()
    try:
        with engine.connect() as conn:
            fingerprint, at = conn.execute(sa.text("SELECT fingerprint, loaded_at FROM catalog_meta")).one()
    finally:
        engine.dispose()
    at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return fingerprint, at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _loads(daemon: DaemonProcess, fingerprint: str) -> list[datetime]:
    """When each worker logged that it loaded the catalog `fingerprint` (local time stamps)."""
    found = []
    for line in daemon.log.read_text(errors="replace").splitlines():
        match = _LOADED.match(line)
        if match and match[2] == fingerprint[:12] and "worker" in line:
            found.append(datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").astimezone(timezone.utc))
    return found


def _wait_loaded(daemon: DaemonProcess, fingerprint: str, timeout: float) -> list[datetime]:
    deadline = time.monotonic() + timeout
    while len(found := _loads(daemon, fingerprint)) < WORKERS:
        if time.monotonic() > deadline or not daemon.running():
            raise TimeoutError(f"the workers did not load catalog {fingerprint[:12]}:\n{daemon.log_tail()}")
        time.sleep(0.05)
    return found


def run(n_materials: int = 100_000, n_prices: int = 300_000) -> CatalogFigures:
    """Build the bundles and the daemon in a temporary folder, measure, tear down."""
    root = Path(tempfile.mkdtemp(prefix="odcat"))
    first = write_distributor_bundle(root / "bundle1", n_materials, n_prices, version=1)
    second = write_distributor_bundle(root / "bundle2", n_materials, n_prices, version=2)
    daemon = DaemonProcess(root=root / "daemon", catalog=first, overrides={"workers": WORKERS})
    try:
        daemon.var.mkdir(parents=True, exist_ok=True)
        daemon.write_config()
        import_s = _orderdesk(daemon, "catalog", "import", str(first))
        daemon.start(wait=False)
        daemon.wait_healthy(timeout=300)
        _wait_loaded(daemon, _stored(daemon)[0], timeout=300)
        time.sleep(2)  # let the workers settle after their load
        rss, pss = memory_mb(daemon.pids())
        processes = len(daemon.pids())
        _orderdesk(daemon, "catalog", "import", str(second))
        fingerprint, committed = _stored(daemon)
        loaded = _wait_loaded(daemon, fingerprint, timeout=300)
        ready = sorted((at - committed).total_seconds() for at in loaded)
        return CatalogFigures(n_materials, n_prices, import_s, rss, pss, processes, ready)
    finally:
        daemon.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def print_figures(**kwargs: int) -> None:
    f = run(**kwargs)
    pss = "n/a" if f.pss_mb is None else f"{f.pss_mb:,.0f} MB"
    print(f"catalog import           {f.import_seconds:10.1f} s        (`orderdesk catalog import` of {f.materials:,} "
          f"materials and {f.prices:,} prices, csv, into SQLite)")
    print(f"daemon memory, catalog   {f.rss_mb:10,.0f} MB RSS  (PSS {pss}; {WORKERS} workers holding that catalog, "
          f"{f.processes} processes)")
    print(f"worker ready, new catalog {max(f.ready_seconds):9.1f} s        (from the new version's commit to the last "
          f"of {WORKERS} workers using it; each: {', '.join(f'{s:.1f} s' for s in f.ready_seconds)})")


if __name__ == "__main__":
    print_figures()
