"""End-to-end figures of a real `orderdesk run`: Dovecot in, an aiosmtpd sink and files out.

Starts the test Dovecot (IDLE on), the SMTP sink and the daemon exactly as the end-to-end
tests do (tests/fixtures), then measures: latency from IMAP APPEND to the confirmation in the
sink for one text e-mail order at a time; text e-mail orders per second through the daemon
(a batch APPENDed at once, until every confirmation arrived); X12 850s of 20 lines per second
(files dropped at once, until every one is processed and its outbox delivered); and the
daemon's idle memory, summed over its process tree. Printed, never asserted.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.e2e import documents as docs
from tests.e2e.ledger import settled, try_read
from tests.fixtures.daemon_proc import DaemonProcess, ImapServer
from tests.fixtures.dovecot import DovecotServer, _write_config, free_port
from tests.fixtures.smtp_sink import SmtpSink

POLL_S = 0.005


@dataclass
class Figures:
    latency_p50: float
    latency_p90: float
    latency_n: int
    mail_rate: float
    mail_n: int
    mail_seconds: float
    edi_rate: float
    edi_n: int
    edi_lines: int
    edi_seconds: float
    rss_idle_mb: float
    pss_idle_mb: float | None
    rss_after_mb: float
    pss_after_mb: float | None
    processes: int


def memory_mb(pids: list[int]) -> tuple[float, float | None]:
    """(RSS, PSS) in MB summed over `pids`; PSS is None where smaps_rollup is not readable."""
    rss = pss = 0
    pss_ok = True
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        except (FileNotFoundError, ProcessLookupError, PermissionError, StopIteration):
            pss_ok = False
    return rss / 1024, (pss / 1024 if pss_ok else None)


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not deliver in time")
        time.sleep(POLL_S)


def _replied(sink: SmtpSink, message_ids: set[str]) -> int:
    return sum(1 for r in list(sink.received) if r.message["In-Reply-To"] in message_ids)


def append_latencies(dovecot: DovecotServer, sink: SmtpSink, n: int) -> list[float]:
    """Seconds from APPEND to the confirmation in the sink, one message at a time."""
    times = []
    with dovecot.client() as client:
        for i in range(n):
            data, mid = docs.text_mail(f"LAT-{i:04d}")
            start = time.perf_counter()
            client.append("INBOX", data)
            _wait(lambda: _replied(sink, {mid}) == 1, 30)
            times.append(time.perf_counter() - start)
    return times


def mail_throughput(dovecot: DovecotServer, sink: SmtpSink, n: int) -> float:
    """Seconds from the first APPEND of `n` text orders to the last confirmation."""
    batch = [docs.text_mail(f"TPUT-{i:04d}") for i in range(n)]
    wanted = {mid for _, mid in batch}
    start = time.perf_counter()
    with dovecot.client() as client:
        for data, _ in batch:
            client.append("INBOX", data)
    _wait(lambda: _replied(sink, wanted) == n, 300)
    return time.perf_counter() - start


def edi_throughput(daemon: DaemonProcess, n: int, lines: int, already: int) -> float:
    """Seconds from dropping `n` X12 850s to all processed with their outbox delivered."""
    files = [(f"tput-{i:05d}.edi", docs.x12_850(f"EDI-TPUT-{i:05d}", control=10_000 + i, lines=lines))
             for i in range(n)]
    engine = daemon.engine()
    try:
        start = time.perf_counter()
        for name, data in files:
            daemon.drop("edi_inbox", name, data)
        deadline = time.monotonic() + 600
        while not settled(try_read(engine), already + n):
            if time.monotonic() > deadline:
                raise TimeoutError("the EDI batch did not settle")
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        engine.dispose()


def run(latency_n: int = 30, mail_n: int = 100, edi_n: int = 200, lines: int = 20) -> Figures:
    """Start Dovecot, the sink and the daemon in a temporary folder, measure, tear down."""
    dv_root = Path(tempfile.mkdtemp(prefix="dvb"))
    dovecot = DovecotServer(root=dv_root, port=free_port(), tls_port=free_port())
    sink = SmtpSink()
    daemon = DaemonProcess(root=Path(tempfile.mkdtemp(prefix="odb")),
                           imap=ImapServer(0, "orders", dovecot.users["orders"]), smtp_port=sink.port)
    try:
        _write_config(dv_root, dovecot.port, dovecot.tls_port)
        dovecot.start()
        daemon.imap.port = dovecot.port
        sink.controller.start()
        daemon.start()
        time.sleep(3)  # let start-up finish (catalog snapshot built in the workers)
        rss_idle, pss_idle = memory_mb(daemon.pids())
        processes = len(daemon.pids())
        lat = sorted(append_latencies(dovecot, sink, latency_n))
        mail_s = mail_throughput(dovecot, sink, mail_n)
        edi_s = edi_throughput(daemon, edi_n, lines, already=latency_n + mail_n)
        time.sleep(2)
        rss_after, pss_after = memory_mb(daemon.pids())
        return Figures(statistics.median(lat), lat[int(0.9 * len(lat)) - 1], latency_n,
                       mail_n / mail_s, mail_n, mail_s, edi_n / edi_s, edi_n, lines, edi_s,
                       rss_idle, pss_idle, rss_after, pss_after, processes)
    finally:
        daemon.cleanup()
        sink.controller.stop()
        dovecot.kill()
        shutil.rmtree(dv_root, ignore_errors=True)


def print_figures(**kwargs: int) -> None:
    f = run(**kwargs)
    pss = lambda v: "n/a" if v is None else f"{v:,.0f} MB"  # noqa: E731
    print(f"e2e APPEND->confirmation p50 {f.latency_p50:6.3f} s  p90 {f.latency_p90:6.3f} s  "
          f"({f.latency_n} text e-mail orders one at a time, IMAP IDLE, SMTP sink)")
    print(f"e2e e-mail orders        {f.mail_rate:10,.1f} orders/s  ({f.mail_n} text e-mails APPENDed at once, "
          f"last confirmation after {f.mail_seconds:.2f} s)")
    print(f"e2e EDI orders           {f.edi_rate:10,.1f} orders/s  ({f.edi_n} X12 850s x {f.edi_lines} lines dropped at once, "
          f"all processed and delivered after {f.edi_seconds:.2f} s)")
    print(f"daemon memory idle       {f.rss_idle_mb:10,.0f} MB RSS  (PSS {pss(f.pss_idle_mb)}; {f.processes} processes; "
          f"after the runs RSS {f.rss_after_mb:,.0f} MB, PSS {pss(f.pss_after_mb)})")


if __name__ == "__main__":
    print_figures()
