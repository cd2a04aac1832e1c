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

from store import repo
from store.models import WatchState

log = logging.getLogger(__name__)

WATCH = WatchState.__table__
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60, 300, 1800)


class Metrics:
    """The Prometheus registry and how to refresh it from the database."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime] = repo.utcnow,
                 node: str = "") -> None:
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
            _set(self.documents, conn.execute(sa.select(
                repo.DOCUMENTS.c.source, repo.DOCUMENTS.c.status, sa.func.count())
                .group_by(repo.DOCUMENTS.c.source, repo.DOCUMENTS.c.status)))
            _set(self.orders, conn.execute(sa.select(repo.ORDERS.c.status, sa.func.count())
                                           .group_by(repo.ORDERS.c.status)))
            _set(self.anomalies, conn.execute(sa.select(repo.ANOMALIES.c.code, sa.func.count())
                                              .group_by(repo.ANOMALIES.c.code)))
            _set(self.outbox, conn.execute(sa.select(repo.OUTBOX.c.kind, repo.OUTBOX.c.status, sa.func.count())
                                           .group_by(repo.OUTBOX.c.kind, repo.OUTBOX.c.status)))
            self.outbox_age.set(self._oldest_pending_age(conn, now))
            self.watch_age.clear()
            for key, contact in conn.execute(sa.select(WATCH.c.source_key, WATCH.c.last_contact_at)):
                if contact is not None:
                    self.watch_age.labels(key).set(max(0.0, (now - contact).total_seconds()))
            self._observe_latency(conn)

    def _oldest_pending_age(self, conn, now: datetime) -> float:
        oldest = conn.execute(sa.select(sa.func.min(repo.OUTBOX.c.created_at))
                              .where(repo.OUTBOX.c.status.in_(("pending", "sending")))).scalar()
        return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())

    def _observe_latency(self, conn) -> None:
        """Observe each document whose orders were stored since the last scrape, once."""
        query = (sa.select(repo.ORDERS.c.id, repo.ORDERS.c.document_id, repo.ORDERS.c.created_at,
                           repo.DOCUMENTS.c.received_at)
                 .join(repo.DOCUMENTS, repo.DOCUMENTS.c.id == repo.ORDERS.c.document_id)
                 .where(repo.ORDERS.c.id > self._last_order_id).order_by(repo.ORDERS.c.id))
        done: set[int] = set()
        for order_id, doc_id, stored, received in conn.execute(query):
            self._last_order_id = order_id
            if doc_id not in done:
                done.add(doc_id)
                self.latency.observe(max(0.0, (stored - received).total_seconds()))

    def _max_order_id(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(repo.ORDERS.c.id))).scalar() or 0


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
