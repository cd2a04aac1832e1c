"""Doorbells between the daemon's processes over pyzmq: hints that work is waiting, never the work.

Every ringer publishes into one XSUB socket and every waiter subscribes at one XPUB socket;
`BusProxy` (run by the supervisor) joins the two. A doorbell can be lost (a waiter that has
just connected, a restart): the database stays the truth, and every loop also polls it on a
timeout. Sockets are per thread, because zmq sockets must not be shared between threads.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import zmq

from daemon.config import Settings

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.1
Endpoints = tuple[str, str]  # (where ringers connect, where waiters connect)


def bus_endpoints(settings: Settings) -> Endpoints:
    """The ipc:// addresses under settings.bus_dir (absolute, so every process agrees)."""
    folder = Path(settings.bus_dir).resolve()
    return f"ipc://{folder / 'bell-in.ipc'}", f"ipc://{folder / 'bell-out.ipc'}"


class Doorbell:
    """Ring a topic ("document", "outbox") or wait for one; safe to share between threads."""

    def __init__(self, settings: Settings | None = None, *, endpoints: Endpoints | None = None,
                 context: zmq.Context | None = None) -> None:
        if endpoints is None:
            if settings is None:
                raise ValueError("Doorbell needs settings or endpoints")
            endpoints = bus_endpoints(settings)
        self.endpoints = endpoints
        self._context = context
        self._local = threading.local()

    def ring(self, topic: str) -> None:
        """Tell whoever waits on `topic`; never blocks and never raises for a missing listener."""
        try:
            self._pub().send(topic.encode(), zmq.NOBLOCK)
        except zmq.ZMQError as e:  # a doorbell is a hint: the pollers will find the work
            log.debug("doorbell %s not rung: %s", topic, e)

    def wait(self, topics: Iterable[str], timeout_s: float) -> bool:
        """True as soon as one of `topics` rings (draining repeats), False after `timeout_s`."""
        wanted = {t.encode() for t in topics}
        sub = self._sub(wanted)
        if not sub.poll(max(0, int(timeout_s * 1000))):
            return False
        rang = False
        while sub.poll(0):
            rang = sub.recv() in wanted or rang
        return rang

    def close(self) -> None:
        """Close this thread's sockets."""
        for name in ("pub", "sub"):
            sock = getattr(self._local, name, None)
            if sock is not None:
                sock.close(linger=0)
                setattr(self._local, name, None)

    def _ctx(self) -> zmq.Context:
        return self._context or zmq.Context.instance()

    def _pub(self) -> zmq.Socket:
        sock = getattr(self._local, "pub", None)
        if sock is None:
            sock = self._ctx().socket(zmq.PUB)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(self.endpoints[0])
            # A new publisher learns the subscriptions asynchronously; without this pause the
            # first ring of every thread would usually be dropped (the pollers would find the
            # work, but a poll interval later).
            time.sleep(SETTLE_SECONDS)
            self._local.pub = sock
        return sock

    def _sub(self, wanted: set[bytes]) -> zmq.Socket:
        sock = getattr(self._local, "sub", None)
        if sock is None:
            sock = self._ctx().socket(zmq.SUB)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(self.endpoints[1])
            self._local.sub, self._local.topics = sock, set()
        for topic in wanted - self._local.topics:
            sock.setsockopt(zmq.SUBSCRIBE, topic)
            self._local.topics.add(topic)
        return sock


class BusProxy:
    """Forwards every ring to every waiter (XSUB -> XPUB) in a thread until `stop()`."""

    def __init__(self, endpoints: Endpoints, *, context: zmq.Context | None = None) -> None:
        self.endpoints = endpoints
        self._context = context or zmq.Context.instance()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> BusProxy:
        for endpoint in self.endpoints:
            if endpoint.startswith("ipc://"):
                Path(endpoint[len("ipc://"):]).parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="bus-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        front = self._context.socket(zmq.XSUB)
        back = self._context.socket(zmq.XPUB)
        try:
            front.bind(self.endpoints[0])
            back.bind(self.endpoints[1])
            self._ready.set()
            self._forward(front, back)
        finally:
            front.close(linger=0)
            back.close(linger=0)
            self._ready.set()

    def _forward(self, front: zmq.Socket, back: zmq.Socket) -> None:
        poller = zmq.Poller()
        poller.register(front, zmq.POLLIN)
        poller.register(back, zmq.POLLIN)
        while not self._stop.is_set():
            for sock, _ in poller.poll(200):
                # rings flow front -> back; subscriptions flow back -> front
                (back if sock is front else front).send_multipart(sock.recv_multipart())
