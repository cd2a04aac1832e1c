"""The store and the workers on a real PostgreSQL (the several-nodes backend), started by the
`postgres` fixture: the migrations, the catalog copy, claiming under concurrency with
FOR UPDATE SKIP LOCKED, the golden `orderdesk process` run, and two workers racing on one PO.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings
from daemon.ingest import ingest
from daemon.worker import Worker
from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from store import catalog as catalog_store
from store import documents
from store import orders as orders_store
from store import outbox as outbox_repo
from store.records import OutboxRow
from store.db import alembic_config, make_engine, migrate, session_scope
from tests.daemon import test_process_golden as golden

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
THREADS = 6
ROWS = 300
EDI = (golden.GOLDEN.parents[2] / "examples" / "orders" / "example-trading-850.edi").read_bytes()


@pytest.fixture
def engine(pg_url: str):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def migrated(engine):
    migrate(engine)
    return engine


def in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in threads started together; re-raise the first error."""
    start = threading.Barrier(count, timeout=30)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = work(n)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish within 60 s"
    if errors:
        raise errors[0]
    return results


def test_migrate_creates_the_models_schema_and_a_rerun_is_a_no_op(engine) -> None:
    migrate(engine)
    migrate(engine)
    with engine.connect() as connection:
        assert connection.dialect.name == "postgresql"
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head


def test_time_stamps_come_back_utc_whatever_the_session_zone(migrated, pg_url) -> None:
    database = sa.make_url(pg_url).database
    with migrated.connect() as connection:
        connection.exec_driver_sql(f"ALTER DATABASE {database} SET timezone TO 'Asia/Shanghai'")
        connection.commit()
    migrated.dispose()  # new connections take the database's zone
    shanghai = timezone(timedelta(hours=8))
    with session_scope(migrated) as session:
        assert session.execute(sa.text("SHOW timezone")).scalar() == "Asia/Shanghai"
        doc_id = documents.add_document(session, b"x", filename="x.txt", source="cli",
                                        now=datetime(2026, 11, 20, 9, 30, tzinfo=shanghai)).document_id
    with session_scope(migrated) as session:
        received = documents.get_document(session, doc_id).received_at
    assert received == datetime(2026, 11, 20, 1, 30, tzinfo=timezone.utc)
    assert received.tzinfo == timezone.utc


def test_catalog_round_trip_is_exact(migrated) -> None:
    records = read_bundle(golden.GOLDEN / "catalog")
    assert records.prices and records.materials and records.stock
    with session_scope(migrated) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records), now=NOW)
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records), now=NOW)  # replaces
    with session_scope(migrated) as session:
        loaded = catalog_store.load_catalog(session)
        assert catalog_store.catalog_fingerprint_in_db(session) == catalog_fingerprint(records)
    assert loaded == records
    # Decimal("1.20") == Decimal("1.2"): the repr also compares the exact digits.
    assert repr(loaded) == repr(records)
    assert any(str(p.price).endswith("0") and "." in str(p.price) for p in loaded.prices)
    assert all(isinstance(qty, Decimal) for _, qty in loaded.stock)


def test_concurrent_document_claims_take_each_document_exactly_once(migrated) -> None:
    with session_scope(migrated) as session:
        ids = {documents.add_document(session, f"doc {n}".encode(), filename=f"{n}.txt", source="cli",
                                      now=NOW).document_id for n in range(ROWS)}

    def claim_all(n: int) -> list[int]:
        got = []
        with session_scope(migrated) as session:
            while (doc := documents.claim_next_document(session, f"node{n}", NOW)) is not None:
                assert doc.claimed_by == f"node{n}" and doc.status == "claimed"
                got.append(doc.id)
        return got

    claimed = in_threads(THREADS, claim_all)
    everything = [doc_id for got in claimed for doc_id in got]
    assert sorted(everything) == sorted(ids)
    assert sum(1 for got in claimed if got) > 1, "the claims did not run concurrently"
    with session_scope(migrated) as session:
        rows = session.execute(sa.select(documents.DOCUMENTS.c.id, documents.DOCUMENTS.c.claimed_by,
                                         documents.DOCUMENTS.c.attempts)).all()
    owner = {doc_id: f"node{n}" for n, got in enumerate(claimed) for doc_id in got}
    assert all(row.claimed_by == owner[row.id] and row.attempts == 1 for row in rows)


def test_concurrent_outbox_claims_take_each_row_exactly_once(migrated) -> None:
    rows = [OutboxRow("mail", f"row-{n}", {"n": n}) for n in range(ROWS)]
    with session_scope(migrated) as session:
        outbox_repo.add_rows(session, rows, NOW - timedelta(minutes=1))
        outbox_repo.add_rows(session, [OutboxRow("mail", "later", {})],
                             NOW + timedelta(hours=1))  # not due yet

    def claim_all(n: int) -> list[str]:
        got = []
        with session_scope(migrated) as session:
            while batch := outbox_repo.claim_due(session, NOW, limit=7, claimer=f"node{n}"):
                assert len(batch) <= 7
                got += [row.stable_key for row in batch]
        return got

    claimed = in_threads(THREADS, claim_all)
    keys = Counter(key for got in claimed for key in got)
    assert keys == Counter(row.stable_key for row in rows)
    assert sum(1 for got in claimed if got) > 1, "the claims did not run concurrently"
    with session_scope(migrated) as session:
        assert outbox_repo.backlog(session) == {"sending": ROWS, "pending": 1}
        owners = dict(session.execute(sa.select(outbox_repo.OUTBOX.c.stable_key,
                                                outbox_repo.OUTBOX.c.claimed_by)).all())
    assert all(owners[key] == f"node{n}" for n, got in enumerate(claimed) for key in got)


# --- the daemon on PostgreSQL ---------------------------------------------------------------


@pytest.fixture(scope="module")
def golden_run_pg(postgres) -> dict[str, list[dict]]:
    """`orderdesk process` over the golden sequence, --db on a fresh PostgreSQL database."""
    return golden.run_golden(postgres.new_database())


@pytest.mark.parametrize("case", golden.SEQUENCE)
def test_golden_case_on_postgres(case: str, golden_run_pg) -> None:
    """The same expected orders as on SQLite (tests/daemon/test_process_golden.py's comparison)."""
    golden.test_golden_case(case, golden_run_pg)


@pytest.fixture(scope="module")
def sandboxes():
    with ParseSandbox(timeout_s=30) as one, ParseSandbox(timeout_s=30) as two:
        yield one, two


def _edi(po: str, control: int) -> bytes:
    return EDI.replace(b"ET-2026-0042", po.encode()).replace(b"000000101", b"%09d" % control)


def test_two_workers_racing_on_one_po_flag_exactly_one_duplicate(migrated, sandboxes, monkeypatch) -> None:
    """Both workers read the seen POs before either saves (a barrier makes sure); PostgreSQL's
    advisory lock then makes the second one see the first one's PO and call it a duplicate."""
    records = read_bundle(golden.GOLDEN.parents[2] / "examples" / "catalog")
    with session_scope(migrated) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records), now=NOW)
    batch = [_edi("ET-2026-0042", 101), _edi("ET-2026-0042", 102)]  # the race: first two claimed
    batch += [_edi(f"ET-2026-{n:04d}", 200 + n) for n in range(1, 9)]
    ids = [ingest(migrated, data, source="edi", source_ref=f"var/inbox/edi/{n}.edi", filename=f"{n}.edi",
                  message_id=None, now=NOW)[0] for n, data in enumerate(batch)]
    both_read = threading.Barrier(2, timeout=30)
    first_read = threading.local()
    real_seen_for = orders_store.seen_for

    def seen_for(session, pos):
        seen = real_seen_for(session, pos)
        if not getattr(first_read, "done", False):  # each worker's first, unlocked read
            first_read.done = True
            both_read.wait()
        return seen

    monkeypatch.setattr(orders_store, "seen_for", seen_for)
    evaluations = Counter()
    real_decide = DocumentService.decide

    def decide(self, doc, data, result, seen):
        evaluations[doc.id] += 1
        return real_decide(self, doc, data, result, seen)

    monkeypatch.setattr(DocumentService, "decide", decide)

    def work(n: int) -> int:
        w = Worker(migrated, Settings(), name=f"node{n}/w0", sandbox=sandboxes[n], now=lambda: NOW,
                   today=lambda: date(2026, 11, 20))
        handled = 0
        while w.run_once():
            handled += 1
        return handled

    handled = in_threads(2, work)
    assert sum(handled) == len(batch) and min(handled) >= 1
    with session_scope(migrated) as session:
        docs = session.execute(sa.select(documents.DOCUMENTS.c.id, documents.DOCUMENTS.c.status,
                                         documents.DOCUMENTS.c.attempts)).all()
        orders = {doc_id: orders_store.orders_for_document(session, doc_id) for doc_id in ids}
    assert {(d.status, d.attempts) for d in docs} == {("processed", 1)}
    assert all(len(found) == 1 and found[0]["status"] != "failed" for found in orders.values())
    duplicates = [doc_id for doc_id, found in orders.items() if "DUPLICATE_PO" in found[0]["anomalies"]]
    assert len(duplicates) == 1 and duplicates[0] in ids[:2]
    # The one that saved second found the PO seen under the lock and evaluated again.
    assert evaluations == Counter({doc_id: 2 if doc_id == duplicates[0] else 1 for doc_id in ids})


def test_the_queue_and_the_learned_rows_on_postgres(migrated) -> None:
    """The queue page's one query (a UNION of every kind of item, filtered and counted in the
    database) and the learned codes give on PostgreSQL what they give on SQLite."""
    from reconcile.catalog import CustomerItem
    from review.queue import QueueFilter, queue_view
    from store import learned
    from tests.review import test_queue

    test_queue.store_items(migrated)
    with session_scope(migrated) as session:
        everything = queue_view(session, QueueFilter.from_query({}), test_queue.NOW)
        acme = queue_view(session, QueueFilter.from_query({"customer": "acme", "age": "1h"}), test_queue.NOW)
        learned.remember_item(session, CustomerItem("C1", "X-1", "x", "1.01"), by="ann", now=NOW)
        taught = learned.load_learned(session)
    assert [i.document_id for i in everything.rows] == [3, 2, 5, 1, 4]
    assert everything.counts == {"failed": 1, "review": 2, "not_an_order": 1, "repeat": 1, "dead": 0}
    assert [i.document_id for i in acme.rows] == [2, 5] and acme.rows[0].since.tzinfo is not None
    assert taught.customer_items == (CustomerItem("C1", "X-1", "x", "1.01"),)


def test_the_customer_filter_folds_any_script_on_postgres(migrated) -> None:
    """PostgreSQL's lower() follows the database's locale; the stored folded text does not."""
    from review.queue import QueueFilter, queue_view
    from tests.review import test_queue

    test_queue.store_named(migrated)
    with session_scope(migrated) as session:
        for typed, shown in test_queue.NAME_QUERIES:
            view = queue_view(session, QueueFilter.from_query({"customer": typed}), test_queue.NOW)
            assert [i.document_id for i in view.rows] == shown, typed
