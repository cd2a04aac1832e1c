"""EDI orders per second end to end on PostgreSQL: one `orderdesk run` node, then two sharing the
database and the folders (as README "Several nodes" describes), each with its default workers.

X12 850s are dropped at once into the shared EDI inbox; the clock stops when every one is
processed and its outbox (997, 855, confirmation, ERP files) delivered. Both nodes run on this
machine, so the two-node figure shows the coordination cost, not the gain of a second machine.
Printed, never asserted.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from tests.e2e import documents as docs
from tests.e2e.ledger import settled, try_read
from tests.fixtures.daemon_proc import DaemonProcess
from tests.fixtures.postgres import PostgresServer, _server_user, free_port, pg_bindir
from tests.fixtures.smtp_sink import SmtpSink

FOLDERS = ("mail_inbox", "fax_inbox", "edi_inbox", "archive", "export", "maildir", "edi_outbound")


def edi_rate(server: PostgresServer, sink: SmtpSink, nodes: int, n: int, lines: int) -> float:
    """Orders per second through `nodes` daemons sharing one fresh database and the folders."""
    shared = Path(tempfile.mkdtemp(prefix="odbs"))
    url = server.new_database()
    daemons = [DaemonProcess(root=Path(tempfile.mkdtemp(prefix=f"odb{i}")), smtp_port=sink.port, database=url,
                             overrides={"node": f"bench-{i}",
                                        "paths": {k: str(shared / k) for k in FOLDERS}})
               for i in range(nodes)]
    try:
        for daemon in daemons:
            daemon.start()
        time.sleep(3)  # let start-up finish (catalog snapshot built in the workers)
        files = [(f"n{i:05d}.edi", docs.x12_850(f"EDI-NODES-{i:05d}", control=20_000 + i, lines=lines))
                 for i in range(n)]
        engine = daemons[0].engine()
        try:
            start = time.perf_counter()
            for name, data in files:
                daemons[0].drop("edi_inbox", name, data)
            deadline = time.monotonic() + 600
            while not settled(try_read(engine), n):
                if time.monotonic() > deadline:
                    raise TimeoutError("the EDI batch did not settle")
                time.sleep(0.05)
            return n / (time.perf_counter() - start)
        finally:
            engine.dispose()
    finally:
        for daemon in daemons:
            daemon.cleanup()
        shutil.rmtree(shared, ignore_errors=True)


def print_figures(n: int = 200, lines: int = 20) -> None:
    bindir = pg_bindir()
    if bindir is None:
        print("e2e EDI on PostgreSQL     skipped: no PostgreSQL binaries (./dev.sh test installs them)")
        return
    root = Path(tempfile.mkdtemp(prefix="pgb"))
    server = PostgresServer(bindir=bindir, root=root, port=free_port(), user=_server_user())
    sink = SmtpSink()
    try:
        root.chmod(0o700)
        server._own(root)
        server.init()
        server.start()
        sink.controller.start()
        for nodes in (1, 2):
            rate = edi_rate(server, sink, nodes, n, lines)
            print(f"e2e EDI orders, {nodes} node{'s' if nodes > 1 else ' '} {rate:8,.1f} orders/s  "
                  f"({n} X12 850s x {lines} lines, PostgreSQL, shared folders, this machine)")
    finally:
        sink.controller.stop()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures()
