"""/healthz and /metrics, computed from the database at scrape time.

Watchers, workers and the sender live in other threads and processes; they all leave their
traces in the database (documents, orders, anomalies, outbox, watch_state), so one scrape
reads the truth from there. Processing latency (arrival to orders stored) is read from the
time stamps of orders saved since the last scrape, so it survives restarts of any worker.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import Metric
from sqlalchemy.engine import Engine

from store import metrics
from store.db import utcnow

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60, 300, 1800)


class Metrics:
    """The Prometheus registry and how to refresh it from the database."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime] = utcnow, node: str = "") -> None:
        self.engine = engine
        self.now = now
        self.node = node
        self.registry = CollectorRegistry()
        self.exposed = CollectorRegistry(auto_describe=False)
        self.exposed.register(NodeLabelled(self.registry, node))
        r = self.registry
        self.documents = Gauge("orderdesk_documents", "Documents in the ledger", ["source", "status"], registry=r)
        self.orders = Gauge("orderdesk_orders", "Orders read", ["status"], registry=r)
        self.anomalies = Gauge("orderdesk_anomalies", "Anomalies found", ["code"], registry=r)
        self.outbox = Gauge("orderdesk_outbox", "Outbox rows", ["kind", "status"], registry=r)
        self.outbox_age = Gauge("orderdesk_outbox_oldest_pending_seconds",
                                "Age of the oldest undelivered outbox row", registry=r)
        self.watch_age = Gauge("orderdesk_watcher_last_contact_seconds",
                               "Seconds since a watched source last answered", ["source"], registry=r)
        self.queue = Gauge("orderdesk_queue", "Items waiting for a person (see `orderdesk queue`)",
                           ["state"], registry=r)
        self.queue_age = Gauge("orderdesk_queue_oldest_seconds",
                               "Age of the oldest item waiting for a person", ["state"], registry=r)
        self.latency = Histogram("orderdesk_processing_latency_seconds",
                                 "From a document's arrival to its orders being stored",
                                 buckets=LATENCY_BUCKETS, registry=r)
        self._last_order_id = self._max_order_id()
        self._lock = threading.Lock()

    def render(self) -> bytes:
        """Refresh every metric from the database and return the text exposition."""
        with self._lock:
            self.refresh()
            return generate_latest(self.exposed)

    def refresh(self) -> None:
        now = self.now()
        with self.engine.connect() as conn:
            _set(self.documents, metrics.documents_by_source_and_status(conn))
            _set(self.orders, metrics.orders_by_status(conn))
            _set(self.anomalies, metrics.anomalies_by_code(conn))
            _set(self.outbox, metrics.outbox_by_kind_and_status(conn))
            self.outbox_age.set(_age(now, metrics.oldest_undelivered(conn)))
            self.watch_age.clear()
            for key, contact in metrics.watch_contacts(conn):
                if contact is not None:
                    self.watch_age.labels(key).set(_age(now, contact))
            for state, (size, oldest) in metrics.queue_sizes(conn).items():
                self.queue.labels(state).set(size)
                self.queue_age.labels(state).set(_age(now, oldest))
            self._observe_latency(conn)

    def _observe_latency(self, conn) -> None:
        """Observe each document whose orders were stored since the last scrape, once."""
        done: set[int] = set()
        for order_id, doc_id, stored, received in metrics.orders_stored_after(conn, self._last_order_id):
            self._last_order_id = order_id
            if doc_id not in done:
                done.add(doc_id)
                self.latency.observe(_age(stored, received))

    def _max_order_id(self) -> int:
        with self.engine.connect() as conn:
            return metrics.max_order_id(conn)


def _age(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else max(0.0, (now - then).total_seconds())


class NodeLabelled:
    """Every sample of `registry` with a `node` label added, so several nodes' metrics stay apart."""

    def __init__(self, registry: CollectorRegistry, node: str) -> None:
        self.registry = registry
        self.node = node

    def collect(self) -> Iterator[Metric]:
        for metric in self.registry.collect():
            labelled = Metric(metric.name, metric.documentation, metric.type, metric.unit)
            labelled.samples = [sample._replace(labels={**sample.labels, "node": self.node})
                                for sample in metric.samples]
            yield labelled


def _set(gauge: Gauge, rows) -> None:
    gauge.clear()
    for *labels, count in rows:
        gauge.labels(*[str(x) for x in labels]).set(count)


class HealthServer:
    """Serves /healthz (200 when every part is alive and the database answers, else 503) and /metrics."""

    def __init__(self, host: str, port: int, *, metrics: Metrics,
                 children: Callable[[], dict[str, bool]]) -> None:
        self.metrics = metrics
        self.children = children
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> HealthServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def health(self) -> tuple[int, dict]:
        parts = self.children()
        try:
            with self.metrics.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            database = True
        except Exception:
            database = False
        ok = database and all(parts.values())
        return (200 if ok else 503), {"status": "ok" if ok else "degraded", "database": database, "parts": parts}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._reply(200, outer.metrics.render(), CONTENT_TYPE_LATEST)
                elif path == "/healthz":
                    status, body = outer.health()
                    self._reply(status, json.dumps(body).encode(), "application/json")
                else:
                    self._reply(404, b"not found\n", "text/plain")

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, fmt: str, *args: object) -> None:
                log.debug("http: " + fmt, *args)

        return Handler
