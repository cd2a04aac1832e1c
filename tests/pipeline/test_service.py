"""The one document service: `orderdesk process` and the daemon's workers take a document to the
same stored outcome; a document without an order ends in a state with its sentence; re-processing
keeps the old outcome in the history."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings
from daemon.ingest import ingest
from daemon.worker import Worker
from parsers.headers import message_id_of
from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from store import catalog as catalog_store
from store import documents
from store.db import make_engine, migrate, session_scope
from store.queue import document_view, queue_items

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
# Facts that say how a document came in, not what became of it.
ARRIVAL_FACTS = ("source", "received_at", "original")
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


@pytest.fixture(scope="module")
def sandbox():
    with ParseSandbox(timeout_s=60, memory_mb=2048) as box:
        yield box


def fresh_engine(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    return engine


def stored(engine) -> dict[str, list]:
    """Everything a document's outcome wrote, without ids of arrival and time stamps."""
    with engine.connect() as conn:
        docs = conn.execute(sa.text("SELECT id, status, reason, repeat_of FROM documents ORDER BY id")).all()
        orders = conn.execute(sa.text("SELECT document_id, status, po_number, payload_json FROM orders "
                                      "ORDER BY id")).all()
        lines = conn.execute(sa.text("SELECT order_id, line_no, quantity, unit_price, sku, provenance_json "
                                     "FROM order_lines ORDER BY id")).all()
        anomalies = conn.execute(sa.text("SELECT order_id, line_no, code, message FROM anomalies "
                                         "ORDER BY id")).all()
        outbox = conn.execute(sa.text("SELECT order_id, kind, stable_key, status, payload_json FROM outbox "
                                      "ORDER BY id")).all()
        seen = conn.execute(sa.text("SELECT customer_key, po_number, order_id FROM seen_pos ORDER BY id")).all()
    return {"documents": [(d.id, d.status, re.sub(STAMP, "(time)", d.reason or ""), d.repeat_of) for d in docs],
            "orders": [(o.document_id, o.status, o.po_number, json.loads(o.payload_json)) for o in orders],
            "lines": [tuple(ln) for ln in lines], "anomalies": [tuple(a) for a in anomalies],
            "outbox": [(r.order_id, r.kind, r.stable_key, r.status, _without_arrival(json.loads(r.payload_json)))
                       for r in outbox],
            "seen": [tuple(s) for s in seen]}


def _without_arrival(payload: dict) -> dict:
    doc = {k: v for k, v in (payload.get("doc") or {}).items() if k not in ARRIVAL_FACTS}
    return {**payload, "doc": doc}


@pytest.mark.parametrize("names", [("mail-csv-attachment.eml",), ("edifact-anomalies.edi", "edifact-anomalies.edi")])
def test_process_and_the_worker_store_the_same_outcome_and_outbox_rows(names, tmp_path, monkeypatch,
                                                                        run_cli, sandbox):
    """Given the same documents (a mail order; an EDI order and its identical re-send), `orderdesk
    process` and a daemon worker leave the same documents, orders, lines, anomalies, seen POs and
    outbox rows; the re-send is a repeat of the first, not a second order on its row."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in set(names):
        shutil.copy(GOLDEN / name, inbox / name)
    monkeypatch.chdir(inbox)
    status, out, err = run_cli("process", *names, "--catalog", GOLDEN / "catalog", "--db",
                               f"sqlite:///{tmp_path / 'cli.db'}", "--today", TODAY.isoformat(), "--json")
    assert status == 0, err
    by_cli = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")

    by_worker = fresh_engine(tmp_path / "worker.db")
    worker = Worker(by_worker, Settings(), name="test/w0", sandbox=sandbox, today=lambda: TODAY, now=lambda: NOW)
    for n, name in enumerate(names):  # a watcher names each arrival by path and modification time
        data = (inbox / name).read_bytes()
        ingest(by_worker, data, source="mail" if name.endswith(".eml") else "edi",
               source_ref=f"{inbox / name}@{n}", filename=name, now=NOW,
               message_id=message_id_of(data) if name.endswith(".eml") else None)
        while worker.run_once():
            pass

    expected = stored(by_worker)
    assert stored(by_cli) == expected
    assert expected["orders"] and expected["outbox"]
    if len(names) == 2:  # the re-send: its own row, a repeat, no order of its own
        assert [d[1:] for d in expected["documents"]][1][0] == "repeat"
        assert {o[0] for o in expected["orders"]} == {1}
        printed = json.loads(out)["orders"]
        assert len(printed) == 2 and "DUPLICATE_PO" in printed[1]["anomalies"]  # CONTRACT §2 unchanged


def test_documents_without_orders_end_in_a_state_with_their_sentence(engine, sandbox):
    """Given a text that is no order, an empty file twice and an order sent twice, each ends
    listed in the queue with its sentence, and none is `processed` without an order."""
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    order = (GOLDEN / "csv-order.csv").read_bytes()
    arrivals = [(b"Dear team, thank you for the visit last week. Best regards\n", "note.txt"),
                (b"", "empty.txt"), (b"", "empty-again.txt"), (order, "po.csv"), (order, "po-resent.csv")]
    for data, name in arrivals:
        ingest(engine, data, source="mail", source_ref=f"inbox/{name}", filename=name, message_id=None, now=NOW)
    worker = Worker(engine, Settings(), name="test/w0", sandbox=sandbox, today=lambda: TODAY, now=lambda: NOW)
    while worker.run_once():
        pass
    with session_scope(engine) as session:
        items = {item.name: item for item in queue_items(session)}
        rows = session.execute(sa.text("SELECT d.status, count(o.id) FROM documents d LEFT JOIN orders o "
                                       "ON o.document_id = d.id GROUP BY d.id")).all()
    assert items["note.txt"].state == "not_an_order" and items["note.txt"].reason.endswith(".")
    assert items["empty.txt"].state == "failed" and "empty" in items["empty.txt"].reason
    assert items["empty-again.txt"].state == "repeat" and "document 2 (empty.txt" in items["empty-again.txt"].reason
    assert items["po-resent.csv"].state == "repeat" and "document 4 (po.csv" in items["po-resent.csv"].reason
    assert all(count > 0 for status, count in rows if status == "processed")
    assert {status for status, _ in rows} <= {"processed", "not_an_order", "failed", "repeat"}


def test_reprocessing_keeps_the_old_outcome_in_the_history(engine, sandbox):
    """Given a document read before the catalog was loaded (so it failed), reading it again with
    the catalog gives its order, while the failure stays in the document's history."""
    doc_id = ingest(engine, (GOLDEN / "csv-order.csv").read_bytes(), source="edi", source_ref="po.csv",
                    filename="po.csv", message_id=None, now=NOW)[0]
    service = DocumentService(engine, Settings(), sandbox=sandbox, today=lambda: TODAY, now=lambda: NOW)
    with session_scope(engine) as session:
        documents.claim_next_document(session, "test", NOW)
    doc, data = service.load(doc_id)
    service.fail(doc, data, "The catalog was not loaded yet.")
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    assert service.refresh_catalog()

    outcome = service.process(service.reopen(doc_id, claimed_by="test"), data)
    assert outcome.state == "processed" and [o.po_number for o in outcome.orders]
    with session_scope(engine) as session:
        view = document_view(session, doc_id)
        items = queue_items(session, states=("failed",))
    assert view["state"] == "processed" and len(view["orders"]) == 1
    assert [(h["status"], h["reason"]) for h in view["history"]] == [("failed", "The catalog was not loaded yet.")]
    assert items == []
