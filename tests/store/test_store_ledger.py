"""The ledger: arrivals and repeats, claiming, saving a document's outcome, seen POs."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from connectors.catalog_bundle import read_bundle
from parsers.model import FailedPart, ParsedLine, ParsedOrder, Party, Provenance, SourceKind, SourceRef
from reconcile import CatalogSnapshot, reconcile
from store import documents
from store.db import make_engine, session_scope
from store.orders import orders_for_document, save_outcome, seen_for
from store.records import DocumentOutcome, OrderRecord, OutboxRow, SeenKey

ROOT = Path(__file__).resolve().parents[2]

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


@pytest.fixture(scope="module")
def catalog() -> CatalogSnapshot:
    return CatalogSnapshot.from_records(read_bundle(ROOT / "examples" / "catalog"))


def record(catalog: CatalogSnapshot, po: str = "PO-1") -> OrderRecord:
    """A reconciled e-mail order with two lines: one matched and priced, one unknown item."""
    lines = (ParsedLine(1, customer_sku="AB-100", description="瓦楞纸箱", quantity=Decimal("500"), unit="个",
                        unit_price=Decimal("1.10"), our_sku="1.01.0001",
                        provenance=Provenance(page=1, cell="B7"), confidence=0.9),
             ParsedLine(2, description="膜", quantity=Decimal("1164.5"), unit="KG", unit_price=Decimal("1.00")))
    parsed = ParsedOrder(source=SourceRef("in/mail-0001.eml", "PO-77.pdf", SourceKind.PDF), po_number=po,
                         order_date=date(2026, 11, 19), delivery_date=date(2026, 12, 15),
                         buyer=Party(name="杭州示例食品有限公司", email="li@example-food.example.cn"), lines=lines)
    return OrderRecord(reconciled=reconcile(parsed, catalog, today=date(2026, 11, 20)))


FAILED = OrderRecord(failed=FailedPart(SourceRef("x.pdf", None, SourceKind.PDF), "The PDF is truncated."))


def outcome(doc_id: int, *orders: OrderRecord, state: str = "processed", reason: str | None = None,
            seen: tuple[SeenKey, ...] = (), outbox: tuple[OutboxRow, ...] = ()) -> DocumentOutcome:
    return DocumentOutcome(doc_id, state, reason, orders, seen, outbox)


def new_document(engine: Engine, data: bytes = b"%PDF-1.4 order") -> int:
    with session_scope(engine) as session:
        return documents.add_document(session, data, filename="PO-77.pdf", source="cli", now=NOW).document_id


def test_same_bytes_again_are_a_repeat_of_the_first_document(engine: Engine) -> None:
    """Given the same bytes twice and other bytes once: the second is its own row (to be
    settled as a repeat), naming the first and saying so; the bytes are stored once."""
    with session_scope(engine) as session:
        first = documents.add_document(session, b"abc", filename="a.csv", source="folder",
                                       source_ref="/in/a.csv", now=NOW)
        again = documents.add_document(session, b"abc", filename="b.csv", source="imap", now=NOW)
        other = documents.add_document(session, b"abd", filename="a.csv", source="folder", now=NOW)
        document = documents.get_document(session, first.document_id)
        repeat = documents.get_document(session, again.document_id)
        assert documents.load_blob(session, document.sha256) == b"abc"
    assert first.is_new and other.is_new and again.repeat_of == first.document_id
    assert (document.status, document.source_ref, document.size) == ("new", "/in/a.csv", 3)
    assert repeat.status == "new" and repeat.repeat_of == first.document_id
    assert f"document {first.document_id} (a.csv" in repeat.reason and repeat.reason.endswith(".")
    assert count(engine, "blobs") == 2


def test_claim_gives_documents_oldest_first_then_none(engine: Engine) -> None:
    ids = [new_document(engine, f"doc {i}".encode()) for i in range(3)]
    with session_scope(engine) as session:
        claimed = [documents.claim_next_document(session, "w1", NOW) for _ in range(4)]
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
                while (document := documents.claim_next_document(session, name, NOW)) is not None:
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
        documents.claim_next_document(session, "dead-worker", NOW)
        assert documents.release_stale_claims(session, claimed_before=NOW - timedelta(minutes=5)) == 0
        assert documents.release_stale_claims(session, claimed_before=NOW + timedelta(minutes=5)) == 1
        assert documents.claim_next_document(session, "w2", NOW).id == doc_id


def test_save_outcome_writes_everything(engine: Engine, catalog: CatalogSnapshot) -> None:
    doc_id = new_document(engine)
    order = record(catalog)
    row = OutboxRow("mail", "staff:1:0", {"to": ["x"]}, order_index=0)
    with session_scope(engine) as session:
        ids = save_outcome(session, outcome(doc_id, order, seen=(SeenKey("C0001", "PO-1", 0),), outbox=(row,)),
                           now=NOW)
        stored = orders_for_document(session, doc_id)
        assert documents.get_document(session, doc_id).status == "processed"
    assert stored == [order.contract_json()]
    with engine.connect() as connection:
        lines = connection.execute(sa.text(
            "SELECT line_no, quantity, unit_price, provenance_json, confidence FROM order_lines "
            "WHERE order_id = :id ORDER BY line_no"), {"id": ids[0]}).all()
        anomalies = connection.execute(sa.text("SELECT line_no, code, message FROM anomalies ORDER BY id")).all()
        outbox = connection.execute(sa.text("SELECT order_id, kind, status FROM outbox")).one()
        seen = connection.execute(sa.text("SELECT customer_key, po_number, order_id FROM seen_pos")).one()
    assert lines == [(1, "500", "1.1", '{"page": 1, "cell": "B7"}', 0.9), (2, "1164.5", "1", None, 1.0)]
    assert [(a.line_no, a.code) for a in anomalies] == [(a.line_no, str(a.code)) for a in order.anomalies()]
    assert (2, "UNKNOWN_ITEM") in [(a.line_no, a.code) for a in anomalies]
    assert all(a.message.endswith(".") for a in anomalies)
    assert tuple(outbox) == (ids[0], "mail", "pending")
    assert tuple(seen) == ("C0001", "PO-1", ids[0])


def test_save_outcome_is_all_or_nothing(engine: Engine, catalog: CatalogSnapshot) -> None:
    """Given an outbox row that violates NOT NULL after the orders went in, nothing is kept."""
    doc_id = new_document(engine)
    bad = (OutboxRow(None, "k1", {}),)  # type: ignore[arg-type]
    with session_scope(engine) as session:
        with pytest.raises(sa.exc.IntegrityError):
            save_outcome(session, outcome(doc_id, record(catalog), record(catalog, "PO-2"),
                                          seen=(SeenKey("C0001", "PO-1", 0),), outbox=bad), now=NOW)
        assert documents.get_document(session, doc_id).status == "new"
    for table in ("orders", "order_lines", "anomalies", "seen_pos", "outbox"):
        assert count(engine, table) == 0, table


def test_a_failed_document_keeps_its_sentence(engine: Engine) -> None:
    doc_id = new_document(engine)
    with session_scope(engine) as session:
        save_outcome(session, outcome(doc_id, FAILED, state="failed", reason=FAILED.failure), now=NOW)
        document = documents.get_document(session, doc_id)
    assert (document.status, document.reason) == ("failed", "The PDF is truncated.")


def test_a_document_without_orders_keeps_the_sentence_why(engine: Engine) -> None:
    newsletter = new_document(engine, b"newsletter")
    with session_scope(engine) as session:
        why = "The message is a newsletter, not an order."
        assert save_outcome(session, outcome(newsletter, state="not_an_order", reason=why), now=NOW) == []
        document = documents.get_document(session, newsletter)
        assert (document.status, document.reason) == ("not_an_order", why)
        assert orders_for_document(session, newsletter) == []


def test_seen_pos_round_trip_and_a_repeat_key_is_harmless(engine: Engine, catalog: CatalogSnapshot) -> None:
    first, second = new_document(engine, b"one"), new_document(engine, b"two")
    with session_scope(engine) as session:
        assert seen_for(session, ["PO-1", "PO-9"]) == set()
        save_outcome(session, outcome(first, record(catalog), seen=(SeenKey("C0001", "PO-1", 0),)), now=NOW)
        # A change order of the same PO saves again without tripping the unique key.
        save_outcome(session, outcome(second, record(catalog), record(catalog, "PO-9"),
                                      seen=(SeenKey("C0001", "PO-1", 0), SeenKey("@example.com", "PO-9", 1))),
                     now=NOW)
        assert seen_for(session, ["PO-1", "PO-9", "PO-2"]) == {("C0001", "PO-1"), ("@example.com", "PO-9")}


def test_outbox_stable_key_is_not_queued_twice(engine: Engine) -> None:
    first, second = new_document(engine, b"one"), new_document(engine, b"two")
    row = OutboxRow("mail", "<po-1@orderdesk>", {"to": "x"})
    with session_scope(engine) as session:
        save_outcome(session, outcome(first, state="not_an_order", outbox=(row,)), now=NOW)
        save_outcome(session, outcome(second, state="not_an_order", outbox=(row,)), now=NOW)
    assert count(engine, "outbox") == 1
