"""Repository functions: document ledger, claiming, saving a document's outcome, seen POs."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import repo
from store.db import make_engine, session_scope

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def order_json(po: str = "PO-1", status: str = "review") -> dict[str, Any]:
    """A CONTRACT §3 order with two lines, one order-level and one line-level anomaly."""
    return {
        "source": {"path": "in/mail-0001.eml", "part": "PO-77.pdf", "kind": "pdf"},
        "status": status,
        "customer": {"code": "C0001", "name": "上海味源食品有限公司", "email": "buyer@example.com"},
        "po_number": po, "order_date": "2026-11-20", "delivery_date": "2026-12-01",
        "currency": "CNY", "ship_to": "上海市嘉定区", "total": "1234.50",
        "lines": [
            {"line_no": 1, "customer_sku": "AB-100", "description": "纸箱", "quantity": "20",
             "unit": "PCS", "unit_price": "3.50", "sku": "1.01.0003", "anomalies": [],
             "_provenance": {"page": 1, "cell": "B7"}, "_confidence": 0.9},
            {"line_no": 2, "customer_sku": None, "description": "膜", "quantity": "1164.5",
             "unit": "KG", "unit_price": "1.00", "sku": None, "anomalies": ["UNKNOWN_ITEM"]},
        ],
        "anomalies": [{"code": "TOTAL_MISMATCH", "message": "stated 1200.00"}],
        "failure": None,
    }


def new_document(engine: Engine, data: bytes = b"%PDF-1.4 order") -> int:
    with session_scope(engine) as session:
        return repo.add_document(session, data, filename="PO-77.pdf", source="cli", now=NOW)[0]


def test_same_bytes_give_the_same_document(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = repo.add_document(session, b"abc", filename="a.csv", source="folder",
                                  source_ref="/in/a.csv", now=NOW)
        again = repo.add_document(session, b"abc", filename="b.csv", source="imap", now=NOW)
        other = repo.add_document(session, b"abd", filename="a.csv", source="folder", now=NOW)
        document = repo.get_document(session, first[0])
        assert repo.load_blob(session, document.sha256) == b"abc"
    assert first[1] is True and again == (first[0], False) and other[1] is True
    assert (document.status, document.source_ref, document.size) == ("new", "/in/a.csv", 3)
    assert count(engine, "blobs") == 2


def test_claim_gives_documents_oldest_first_then_none(engine: Engine) -> None:
    ids = [new_document(engine, f"doc {i}".encode()) for i in range(3)]
    with session_scope(engine) as session:
        claimed = [repo.claim_next_document(session, "w1", NOW) for _ in range(4)]
    assert [d.id if d else None for d in claimed] == ids + [None]
    assert (claimed[0].status, claimed[0].claimed_by, claimed[0].attempts) == ("claimed", "w1", 1)


def test_concurrent_claimers_never_share_a_document(engine: Engine, tmp_path: Path) -> None:
    """Four workers, each with its own engine (connections), drain 80 documents together."""
    ids = {new_document(engine, f"doc {i}".encode()) for i in range(80)}
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        own = make_engine(f"sqlite:///{tmp_path}/orderdesk.db")
        got: list[int] = []
        try:
            with session_scope(own) as session:
                while (document := repo.claim_next_document(session, name, NOW)) is not None:
                    got.append(document.id)
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        results[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    claimed = [doc_id for got in results.values() for doc_id in got]
    assert len(claimed) == len(set(claimed)) and set(claimed) == ids


def test_stale_claims_are_released(engine: Engine) -> None:
    doc_id = new_document(engine)
    with session_scope(engine) as session:
        repo.claim_next_document(session, "dead-worker", NOW)
        assert repo.release_stale_claims(session, claimed_before=NOW - timedelta(minutes=5)) == 0
        assert repo.release_stale_claims(session, claimed_before=NOW + timedelta(minutes=5)) == 1
        assert repo.claim_next_document(session, "w2", NOW).id == doc_id


def test_save_outcome_writes_everything(engine: Engine) -> None:
    doc_id = new_document(engine)
    order = order_json()
    outbox = [{"kind": "anomaly_mail", "stable_key": "anomaly-PO-1", "payload": {"to": "x"},
               "order_index": 0}]
    with session_scope(engine) as session:
        ids = repo.save_outcome(session, doc_id, [order], seen_keys=[("C0001", "PO-1")],
                                outbox=outbox, now=NOW)
        stored = repo.orders_for_document(session, doc_id)
        assert repo.get_document(session, doc_id).status == "processed"
    assert stored == [repo.contract_json(order)]
    assert "_provenance" not in stored[0]["lines"][0]
    with engine.connect() as connection:
        lines = connection.execute(sa.text(
            "SELECT line_no, quantity, unit_price, provenance_json, confidence FROM order_lines "
            "WHERE order_id = :id ORDER BY line_no"), {"id": ids[0]}).all()
        anomalies = connection.execute(sa.text(
            "SELECT line_no, code, message FROM anomalies ORDER BY id")).all()
        row = connection.execute(sa.text("SELECT order_id, kind, status FROM outbox")).one()
        seen = connection.execute(sa.text("SELECT customer_key, po_number, order_id FROM seen_pos")).one()
    assert lines == [(1, "20", "3.50", '{"page": 1, "cell": "B7"}', 0.9), (2, "1164.5", "1.00", None, None)]
    assert anomalies == [(None, "TOTAL_MISMATCH", "stated 1200.00"), (2, "UNKNOWN_ITEM", "")]
    assert tuple(row) == (ids[0], "anomaly_mail", "pending")
    assert tuple(seen) == ("C0001", "PO-1", ids[0])


def test_save_outcome_is_all_or_nothing(engine: Engine) -> None:
    """Given an outbox row that violates NOT NULL after the orders went in, nothing is kept."""
    doc_id = new_document(engine)
    bad_outbox = [{"kind": None, "stable_key": "k1", "payload": {}}]
    with session_scope(engine) as session:
        with pytest.raises(sa.exc.IntegrityError):
            repo.save_outcome(session, doc_id, [order_json(), order_json("PO-2")],
                              seen_keys=[("C0001", "PO-1")], outbox=bad_outbox, now=NOW)
        assert repo.get_document(session, doc_id).status == "new"
    for table in ("orders", "order_lines", "anomalies", "seen_pos", "outbox"):
        assert count(engine, table) == 0, table


def test_failed_orders_mark_the_document_failed(engine: Engine) -> None:
    doc_id = new_document(engine)
    failed = {"source": {"path": "x.pdf", "part": None, "kind": "pdf"}, "status": "failed",
              "customer": {"code": None, "name": None, "email": None}, "lines": [],
              "anomalies": [], "failure": "The PDF is truncated."}
    with session_scope(engine) as session:
        repo.save_outcome(session, doc_id, [failed], seen_keys=[], now=NOW)
        document = repo.get_document(session, doc_id)
    assert (document.status, document.failure) == ("failed", "The PDF is truncated.")


def test_no_orders_is_processed_and_crash_is_failed(engine: Engine) -> None:
    newsletter, crashed = new_document(engine, b"newsletter"), new_document(engine, b"bomb")
    with session_scope(engine) as session:
        assert repo.save_outcome(session, newsletter, [], seen_keys=[], now=NOW) == []
        repo.mark_document_failed(session, crashed, "Parser exceeded its time limit.")
        assert repo.get_document(session, newsletter).status == "processed"
        assert repo.get_document(session, crashed).status == "failed"
        assert repo.orders_for_document(session, newsletter) == []


def test_seen_po_round_trip_and_repeat_is_harmless(engine: Engine) -> None:
    first, second = new_document(engine, b"one"), new_document(engine, b"two")
    with session_scope(engine) as session:
        assert repo.seen_po_keys(session) == set() and not repo.is_po_seen(session, "C0001", "PO-1")
        repo.save_outcome(session, first, [order_json()], seen_keys=[("C0001", "PO-1")], now=NOW)
        # A change order of the same PO saves again without tripping the unique key.
        repo.save_outcome(session, second, [order_json()],
                          seen_keys=[("C0001", "PO-1"), ("@example.com", "PO-9")], now=NOW)
        assert repo.seen_po_keys(session) == {("C0001", "PO-1"), ("@example.com", "PO-9")}
        assert repo.is_po_seen(session, "C0001", "PO-1")
        assert not repo.is_po_seen(session, "C0002", "PO-1")


def test_outbox_stable_key_is_not_queued_twice(engine: Engine) -> None:
    first, second = new_document(engine, b"one"), new_document(engine, b"two")
    item = {"kind": "confirmation", "stable_key": "<po-1@orderdesk>", "payload": {"to": "x"}}
    with session_scope(engine) as session:
        repo.save_outcome(session, first, [], seen_keys=[], outbox=[item], now=NOW)
        repo.save_outcome(session, second, [], seen_keys=[], outbox=[item], now=NOW)
    assert count(engine, "outbox") == 1
