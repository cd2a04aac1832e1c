"""`orderdesk run` as a real process on embedded defaults (but the desk's port): an EDI drop becomes
orders; killed workers and the killed review desk come back; SIGTERM ends it cleanly."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from store import documents as documents_store
from store import orders as orders_store
from store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
EDI = ROOT / "examples" / "orders" / "example-trading-850.edi"


def _command() -> list[str]:
    script = Path(sys.executable).parent / "orderdesk"
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "daemon", "run"]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    yield path, sock
    sock.close()


def _notifications(sock) -> list[str]:
    got = []
    try:
        while True:
            got.append(sock.recv(4096).decode())
    except (socket.timeout, BlockingIOError):
        return got


def _documents(engine) -> list:
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(documents_store.DOCUMENTS.c.id, documents_store.DOCUMENTS.c.status)).all()
    except sa.exc.OperationalError:  # the schema is not there yet
        return []


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _workers(pid: int) -> set[int]:
    """The worker processes: children of the supervisor's fork server."""
    found = set()
    for child in _children(pid):
        if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
            found |= set(_children(child))
    return found


def _a_killed_worker_is_restarted(pid: int, log: Path) -> None:
    if not Path(f"/proc/{pid}/task/{pid}/children").exists():
        return  # a kernel without the children list: the restart is not observable this way
    workers = _wait_for(lambda: _workers(pid) if len(_workers(pid)) == 2 else None, 10, "two workers")
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: "died" in log.read_text(errors="replace"), 10, "the death to be logged")
    _wait_for(lambda: len(_workers(pid)) == 2 and victim not in _workers(pid), 10, "a new worker")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _desk_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _desk_pid(pid: int) -> int | None:
    """The review desk's process: the supervisor's spawned child."""
    found = [c for c in _children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return found[0] if len(found) == 1 else None


def _a_killed_desk_is_restarted(pid: int, port: int) -> None:
    if not Path(f"/proc/{pid}/task/{pid}/children").exists():
        return
    victim = _wait_for(lambda: _desk_pid(pid), 10, "the review desk's process")
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: _desk_pid(pid) not in (None, victim), 10, "a new review desk process")
    _wait_for(lambda: _desk_answers(port), 30, "the review desk to answer again")


def test_run_processes_an_edi_drop_and_stops_on_sigterm(tmp_path, notify_socket):
    desk_port = _free_port()  # the desk's default 8080 may be taken on a shared test machine
    (tmp_path / "orderdesk.toml").write_text(f"[review]\nport = {desk_port}\n", encoding="utf-8")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "catalog").symlink_to(ROOT / "examples" / "catalog")
    env = {k: v for k, v in os.environ.items() if k not in ("ORDERDESK_DB", "JOURNAL_STREAM")}
    env["NOTIFY_SOCKET"] = notify_socket[0]
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen([*_command(), "--config", "orderdesk.toml"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'orderdesk.db'}")
    try:
        inbox = tmp_path / "var" / "inbox" / "edi"
        _wait_for(inbox.is_dir, 30, "the inbox folders")
        (inbox / "po.edi.tmp").write_bytes(EDI.read_bytes())
        (inbox / "po.edi.tmp").rename(inbox / "po.edi")
        docs = _wait_for(lambda: [d for d in _documents(engine) if d.status != "new" and d.status != "claimed"],
                         40, "the document to be processed")
        assert [d.status for d in docs] == ["processed"]
        with engine.connect() as conn:
            orders = conn.execute(sa.select(orders_store.ORDERS.c.po_number, orders_store.ORDERS.c.status)).all()
        assert [tuple(o) for o in orders] == [("ET-2026-0042", "accepted")]
        assert not (inbox / "po.edi").exists()
        assert list((tmp_path / "var" / "archive").glob("*/edi/po.edi"))
        assert "READY=1" in "".join(_notifications(notify_socket[1]))
        _a_killed_worker_is_restarted(proc.pid, tmp_path / "run.log")
        _wait_for(lambda: _desk_answers(desk_port), 30, "the review desk on its port")
        _a_killed_desk_is_restarted(proc.pid, desk_port)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        engine.dispose()
        log.close()
    assert "Traceback" not in (tmp_path / "run.log").read_text(errors="replace")
