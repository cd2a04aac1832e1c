"""/healthz and /metrics read the database at scrape time."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from connectors.catalog_bundle import read_bundle
from daemon.health import HealthServer, Metrics
from daemon.ingest import ingest
from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile import CatalogSnapshot, reconcile
from store.db import session_scope
from store.orders import save_outcome
from store.records import DocumentOutcome, OrderRecord, OutboxRow
from store.watch import touch

CATALOG = Path(__file__).resolve().parents[2] / "examples" / "catalog"

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_metrics_count_documents_orders_anomalies_outbox_and_latency(engine):
    """Every sample carries the node that served it, so several nodes' scrapes stay apart."""
    metrics = Metrics(engine, now=lambda: NOW + timedelta(seconds=30), node="n1")
    doc_id, _ = ingest(engine, b"ISA*x", source="edi", source_ref="a.edi", filename="a.edi",
                       message_id=None, now=NOW)
    parsed = ParsedOrder(source=SourceRef("a.edi", None, SourceKind.X12), po_number="P1",
                         buyer=Party(name="Nobody Known Ltd"),
                         lines=(ParsedLine(1, description="no such thing", quantity=Decimal("1")),))
    order = OrderRecord(reconciled=reconcile(parsed, CatalogSnapshot.from_records(read_bundle(CATALOG)),
                                             today=NOW.date()))
    outcome = DocumentOutcome(doc_id, "processed", orders=(order,), outbox=(OutboxRow("mail", "k1", {}, 0),))
    with session_scope(engine) as session:
        save_outcome(session, outcome, now=NOW + timedelta(seconds=2))
        touch(session, "folder:edi", NOW)
    server = HealthServer("127.0.0.1", 0, metrics=metrics, children=lambda: {"w0": True}).start()
    try:
        status, text = _get(server.port, "/metrics")
    finally:
        server.stop()
    assert status == 200
    assert 'orderdesk_documents{node="n1",source="edi",status="processed"} 1.0' in text
    assert 'orderdesk_orders{node="n1",status="review"} 1.0' in text
    assert 'orderdesk_anomalies{code="UNKNOWN_ITEM",node="n1"} 1.0' in text
    assert 'orderdesk_outbox{kind="mail",node="n1",status="pending"} 1.0' in text
    assert 'orderdesk_outbox_oldest_pending_seconds{node="n1"} 28.0' in text
    assert 'orderdesk_watcher_last_contact_seconds{node="n1",source="folder:edi"} 30.0' in text
    assert 'orderdesk_processing_latency_seconds_bucket{le="2.5",node="n1"} 1.0' in text
    assert 'orderdesk_processing_latency_seconds_bucket{le="1.5",node="n1"} 0.0' in text
    assert 'orderdesk_queue{node="n1",state="review"} 1.0' in text
    assert 'orderdesk_queue{node="n1",state="failed"} 0.0' in text
    assert 'orderdesk_queue_oldest_seconds{node="n1",state="review"} 30.0' in text


def test_metrics_count_the_queue_by_state_with_the_oldest_age(engine):
    """Given a repeat and a document that is not an order, each state counts one, aged from arrival."""
    metrics = Metrics(engine, now=lambda: NOW + timedelta(seconds=90), node="n1")
    first, _ = ingest(engine, b"hello", source="mail", source_ref="a.txt", filename="a.txt",
                      message_id=None, now=NOW)
    again, _ = ingest(engine, b"hello", source="mail", source_ref="b.txt", filename="b.txt",
                      message_id=None, now=NOW + timedelta(seconds=60))
    with session_scope(engine) as session:
        save_outcome(session, DocumentOutcome(first, "not_an_order", "The text holds no order lines."),
                     now=NOW)
        save_outcome(session, DocumentOutcome(again, "repeat", "The same content arrived before."), now=NOW)
    text = metrics.render().decode()
    assert 'orderdesk_queue{node="n1",state="not_an_order"} 1.0' in text
    assert 'orderdesk_queue{node="n1",state="repeat"} 1.0' in text
    assert 'orderdesk_queue_oldest_seconds{node="n1",state="not_an_order"} 90.0' in text
    assert 'orderdesk_queue_oldest_seconds{node="n1",state="repeat"} 30.0' in text


def test_healthz_says_which_part_is_down(engine):
    parts = {"w0": True, "folder-edi": True}
    server = HealthServer("127.0.0.1", 0, metrics=Metrics(engine), children=lambda: dict(parts)).start()
    try:
        status, body = _get(server.port, "/healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"
        parts["w0"] = False
        status, body = _get(server.port, "/healthz")
        assert status == 503 and json.loads(body)["parts"]["w0"] is False
    finally:
        server.stop()
