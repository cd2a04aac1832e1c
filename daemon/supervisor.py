"""The supervisor: keeps the worker processes, the review desk's process and the watcher
threads alive, and stops them in time.

It restarts a child that dies (with a growing pause if it keeps dying), tells systemd it is
alive only while every child is, and on SIGTERM or SIGINT stops taking work, lets workers
finish the document in hand and releases the claims of any that do not stop in time, well
inside the 10 s a service manager waits.
"""
from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from daemon import systemd
from daemon.config import Settings, node_name
from daemon.worker import release_claims, worker_main

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
WORKER_GRACE_SECONDS = 6.0  # of the 10 s: the rest is for threads and the final release
MAX_RESTART_PAUSE = 30.0


@dataclass
class ThreadSpec:
    """A long-running part run in a thread: `target(stop)` returns when `stop` is set."""

    name: str
    target: Callable[[threading.Event], None]
    thread: threading.Thread | None = None
    failures: int = 0
    not_before: float = 0.0


@dataclass
class ProcessSlot:
    """A part run in a process of its own, `target(*args)`: a worker, or the review desk.

    A worker holds document claims, released when it dies. Workers come from the fork server
    (preloaded parsers); other parts are spawned fresh, so they inherit no threads or sockets.
    """

    name: str
    target: Callable[..., None]
    args: tuple[Any, ...] = ()
    holds_claims: bool = False
    process: multiprocessing.process.BaseProcess | None = None
    failures: int = 0
    not_before: float = 0.0
    started_at: float = field(default=0.0)


def worker_prefix(node: str = "") -> str:
    """Names of this node's workers start with this, so a restart can release their old claims."""
    return f"{node_name(node)}/w"


class Supervisor:
    """Runs `workers` worker processes, the given other processes and threads until `stop()` or
    a signal."""

    def __init__(self, settings: Settings, engine: Engine, *, threads: list[ThreadSpec],
                 processes: tuple[ProcessSlot, ...] = (), log_level: str = "INFO",
                 start_method: str = "forkserver") -> None:
        self.settings = settings
        self.engine = engine
        self.threads = threads
        self.log_level = log_level
        names = [f"{worker_prefix(settings.node)}{i}" for i in range(settings.workers)]
        self.slots = [ProcessSlot(name, worker_main, (settings, name, log_level), holds_claims=True)
                      for name in names]
        self.processes = list(processes)
        self.stop_event = threading.Event()
        self._stopping = False
        self._next_tick = 0.0
        self._mp = multiprocessing.get_context(start_method)
        self._spawn = multiprocessing.get_context("spawn")
        if start_method == "forkserver":
            self._mp.set_forkserver_preload(["daemon.worker"])

    def children(self) -> dict[str, bool]:
        """Every part and whether it is running, for /healthz."""
        parts = {s.name: bool(s.process and s.process.is_alive()) for s in self.slots + self.processes}
        parts.update({t.name: bool(t.thread and t.thread.is_alive()) for t in self.threads})
        return parts

    def stop(self, *_: object) -> None:
        """Ask the loop to stop (safe in a signal handler: sets a flag only)."""
        self._stopping = True

    def run(self, on_ready: Callable[[], None] = lambda: None) -> int:
        """Start everything, watch it until asked to stop, then stop it; returns the exit status."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self._tick()
        on_ready()
        systemd.notify("READY=1\nSTATUS=processing documents")
        log.info("orderdesk is running: %d workers, %d other processes, %d threads", len(self.slots),
                 len(self.processes), len(self.threads))
        while not self._stopping:
            time.sleep(0.1)
            if time.monotonic() >= self._next_tick:
                self._tick()
        self.shutdown()
        return 0

    def _tick(self) -> None:
        self._next_tick = time.monotonic() + TICK_SECONDS
        for slot in self.slots + self.processes:
            self._keep_process(slot)
        for spec in self.threads:
            self._keep_thread(spec)
        if all(self.children().values()):
            systemd.notify("WATCHDOG=1")

    def _keep_process(self, slot: ProcessSlot) -> None:
        process = slot.process
        if process is not None and process.is_alive():
            if time.monotonic() - slot.started_at > 60:
                slot.failures = 0
            return
        if process is not None:
            what = "worker" if slot.holds_claims else "process"
            log.error("%s %s died (exit %s); restarting it", what, slot.name, process.exitcode)
            process.join(0)
            if slot.holds_claims:
                release_claims(self.engine, [slot.name])
            slot.failures += 1
            slot.not_before = time.monotonic() + min(MAX_RESTART_PAUSE, 2 ** (slot.failures - 1) - 1)
            slot.process = None
        if time.monotonic() < slot.not_before:
            return
        context = self._mp if slot.holds_claims else self._spawn
        title = f"orderdesk-worker-{slot.name.rsplit('/w', 1)[-1]}" if slot.holds_claims else f"orderdesk-{slot.name}"
        slot.process = context.Process(target=slot.target, name=title, args=slot.args)
        slot.process.start()
        slot.started_at = time.monotonic()

    def _keep_thread(self, spec: ThreadSpec) -> None:
        if spec.thread is not None and spec.thread.is_alive():
            return
        if spec.thread is not None:
            log.error("%s stopped unexpectedly; restarting it", spec.name)
            spec.failures += 1
            spec.not_before = time.monotonic() + min(MAX_RESTART_PAUSE, 2 ** (spec.failures - 1) - 1)
            spec.thread = None
        if time.monotonic() < spec.not_before:
            return
        spec.thread = threading.Thread(target=self._guard(spec), name=spec.name, daemon=True)
        spec.thread.start()

    def _guard(self, spec: ThreadSpec) -> Callable[[], None]:
        def run() -> None:
            try:
                spec.target(self.stop_event)
            except Exception:
                log.exception("%s crashed", spec.name)
        return run

    def shutdown(self) -> None:
        """Stop taking work; give workers their grace; release what they still hold."""
        systemd.notify("STOPPING=1")
        log.info("stopping")
        self.stop_event.set()
        deadline = time.monotonic() + WORKER_GRACE_SECONDS
        live = [s for s in self.slots + self.processes if s.process is not None and s.process.is_alive()]
        for slot in live:
            slot.process.terminate()
        for slot in live:
            slot.process.join(max(0.0, deadline - time.monotonic()))
        late = [s for s in live if s.process.is_alive()]
        for slot in late:
            log.warning("%s did not stop in time%s", slot.name,
                        "; its document goes back to the queue" if slot.holds_claims else "")
            slot.process.kill()
            slot.process.join(1)
        released = release_claims(self.engine, [s.name for s in self.slots])
        if released:
            log.info("released %d documents for the next start", released)
        for spec in self.threads:
            if spec.thread is not None:
                spec.thread.join(max(0.1, deadline + 2 - time.monotonic()))
        log.info("stopped")
