"""The worker: claim, parse in the sandbox, reconcile and save in one transaction; failures stay isolated."""
from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings
from daemon.ingest import ingest
from daemon import worker as worker_mod
from daemon.worker import Worker, release_claims
from pipeline import service as service_mod
from pipeline.sandbox import ParseSandbox
from store import catalog as catalog_store
from reconcile import CatalogSnapshot
from store import documents, snapshots
from store import orders as orders_store
from store.outbox import OUTBOX
from store.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "examples" / "catalog"
EDI = (ROOT / "examples" / "orders" / "example-trading-850.edi").read_bytes()
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


class Bell:
    def __init__(self) -> None:
        self.rung: list[str] = []

    def ring(self, topic: str) -> None:
        self.rung.append(topic)

    def wait(self, topics, timeout_s: float) -> bool:
        return False


@pytest.fixture
def catalog(engine):
    records = read_bundle(CATALOG)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """The default settings keep files under ./var (the packed catalog among them): here, a
    temporary folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def sandbox():
    with ParseSandbox(timeout_s=30) as box:
        yield box


def _worker(engine, sandbox, **kw) -> Worker:
    return Worker(engine, Settings(), name="test/w0", sandbox=sandbox, now=lambda: NOW,
                  today=lambda: date(2026, 11, 20), **kw)


def _add(engine, data: bytes, name: str = "order.edi") -> int:
    doc_id, _ = ingest(engine, data, source="edi", source_ref=f"var/inbox/edi/{name}", filename=name,
                       message_id=None, now=NOW)
    return doc_id


def _document(engine, doc_id: int):
    with session_scope(engine) as session:
        return session.execute(sa.select(documents.DOCUMENTS).where(documents.DOCUMENTS.c.id == doc_id)).one()


def _orders(engine, doc_id: int) -> list[dict]:
    with session_scope(engine) as session:
        return orders_store.orders_for_document(session, doc_id)


def test_an_edi_document_becomes_stored_orders_and_outbox_rows(engine, catalog, sandbox):
    bell = Bell()
    doc_id = _add(engine, EDI)
    w = _worker(engine, sandbox, doorbell=bell)
    assert w.run_once() == 1
    assert _document(engine, doc_id).status == "processed"
    orders = _orders(engine, doc_id)
    assert [(o["po_number"], o["status"], len(o["lines"])) for o in orders] == [("ET-2026-0042", "accepted", 2)]
    with session_scope(engine) as session:
        kinds = sorted(session.execute(sa.select(OUTBOX.c.kind)).scalars())
    assert "erp_export" in kinds and bell.rung == ["outbox"]
    assert w.run_once() == 0                       # nothing left


def test_the_same_po_in_a_later_document_is_a_duplicate(engine, catalog, sandbox):
    w = _worker(engine, sandbox)
    first = _add(engine, EDI, "a.edi")
    second = _add(engine, EDI.replace(b"000000101", b"000000102"), "b.edi")
    assert w.run_once() == 1 and w.run_once() == 1
    assert "DUPLICATE_PO" not in _orders(engine, first)[0]["anomalies"]
    assert "DUPLICATE_PO" in _orders(engine, second)[0]["anomalies"]


def test_an_exception_fails_that_document_only(engine, catalog, sandbox, monkeypatch):
    """Given evaluation raising on the first document, it is failed with a sentence; the next one works."""
    real = service_mod.evaluate
    calls = []

    def flaky(result, catalog, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise ZeroDivisionError("boom")
        return real(result, catalog, **kw)

    monkeypatch.setattr(service_mod, "evaluate", flaky)
    w = _worker(engine, sandbox)
    bad = _add(engine, EDI, "a.edi")
    good = _add(engine, EDI.replace(b"ET-2026-0042", b"ET-2026-0043"), "b.edi")
    assert w.run_once() == 1 and w.run_once() == 1
    failed = _document(engine, bad)
    assert failed.status == "failed" and "ZeroDivisionError" in failed.reason
    assert failed.reason.endswith(".") and _orders(engine, bad) == []
    assert _document(engine, good).status == "processed"


def test_an_unreadable_document_is_failed_with_its_reason(engine, catalog, sandbox):
    doc_id = _add(engine, b"ISA*00*this is not a complete interchange", "broken.edi")
    assert _worker(engine, sandbox).run_once() == 1
    doc = _document(engine, doc_id)
    assert doc.status == "failed" and doc.reason


def test_a_failure_seen_while_shutting_down_releases_the_document(engine, catalog, sandbox):
    """A parse failure during shutdown may be the shutdown's doing: the document goes back to `new`."""
    doc_id = _add(engine, b"ISA*00*broken", "broken.edi")
    assert _worker(engine, sandbox, stopping=lambda: True).run_once() == 1
    doc = _document(engine, doc_id)
    assert doc.status == "new" and doc.claimed_by is None


def test_without_a_catalog_documents_wait(engine, sandbox):
    doc_id = _add(engine, EDI)
    assert _worker(engine, sandbox).run_once() == 0
    assert _document(engine, doc_id).status == "new"


def test_release_claims_gives_back_only_the_named_workers_documents(engine):
    ids = [_add(engine, EDI.replace(b"101", str(n).encode()), f"{n}.edi") for n in range(3)]
    with session_scope(engine) as session:
        documents.claim_next_document(session, "host/w0", NOW)
        documents.claim_next_document(session, "host/w1", NOW)
    assert release_claims(engine, ["host/w0"]) == 1
    statuses = [(_document(engine, i).status, _document(engine, i).claimed_by) for i in ids]
    assert statuses == [("new", None), ("claimed", "host/w1"), ("new", None)]


def _confirmations(engine) -> list[dict]:
    with session_scope(engine) as session:
        rows = session.execute(sa.select(OUTBOX.c.stable_key, OUTBOX.c.payload_json)
                               .where(OUTBOX.c.kind == "mail")).all()
    payloads = [(key, json.loads(text)) for key, text in rows]
    return [{"key": key, **p} for key, p in payloads if p["purpose"] == "confirmation"]


def test_an_accepted_edi_order_is_confirmed_to_the_customers_master_address(engine, catalog, sandbox):
    """EDI carries no e-mail: the worker gives the planner the catalog's FEmail addresses."""
    doc_id = _add(engine, EDI)
    assert _worker(engine, sandbox).run_once() == 1
    assert [(o["status"], o["customer"]["code"]) for o in _orders(engine, doc_id)] == [("accepted", "C002")]
    assert [(c["key"], c["to"]) for c in _confirmations(engine)] == [
        (f"confirm:{doc_id}:0", ["buyer@example-trading.example.com"])]


def test_a_customer_with_only_a_domain_pattern_gets_no_confirmation(engine, sandbox):
    """'@domain' in FEmail recognises senders; it is no address: the order is exported, not confirmed."""
    records = read_bundle(CATALOG)
    customers = tuple(dataclasses.replace(c, emails=("@example-trading.example.com",))
                      if c.number == "C002" else c for c in records.customers)
    records = dataclasses.replace(records, customers=customers)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    doc_id = _add(engine, EDI)
    assert _worker(engine, sandbox).run_once() == 1
    assert _orders(engine, doc_id)[0]["status"] == "accepted"
    assert _confirmations(engine) == []
    with session_scope(engine) as session:
        kinds = set(session.execute(sa.select(OUTBOX.c.kind)).scalars())
    assert "erp_export" in kinds


def test_an_email_order_is_confirmed_to_its_sender(engine, catalog, sandbox):
    """A mail order's own sender gets the confirmation, not the master address, threaded to it."""
    mail = ("From: li@example-food.example.cn\r\nTo: orders@ourco.example\r\nSubject: PO 9\r\n"
            "Message-ID: <po-9@example-food.example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "订单号 PO-9\r\n1.01.0001 瓦楞纸箱 500个 单价1.10\r\n交货日期 2026-12-15\r\n").encode()
    doc_id, _ = ingest(engine, mail, source="mail", source_ref="var/inbox/mail/po.eml", filename="po.eml",
                       message_id="<po-9@example-food.example.cn>", now=NOW)
    assert _worker(engine, sandbox).run_once() == 1
    assert _orders(engine, doc_id)[0]["status"] == "accepted"
    [confirm] = _confirmations(engine)
    assert confirm["to"] == ["li@example-food.example.cn"]
    assert confirm["doc"]["message_id"] == "<po-9@example-food.example.cn>"


def test_a_po_saved_by_another_worker_meanwhile_is_still_a_duplicate(engine, catalog, sandbox, monkeypatch):
    """Given a second copy of a PO whose first copy another worker saves between our first look
    at the seen POs and our write lock, the second copy is still reported as DUPLICATE_PO."""
    first = _add(engine, EDI, "first.edi")
    again = _add(engine, EDI.replace(b"000000101", b"000000199"), "again.edi")
    w = _worker(engine, sandbox)
    real_seen_for = orders_store.seen_for
    looks = []

    def stale_first_look(session, pos):
        looks.append(1)
        return set() if len(looks) == 1 else real_seen_for(session, pos)

    assert w.run_once() == 1                      # the first copy is saved
    monkeypatch.setattr(orders_store, "seen_for", stale_first_look)
    assert w.run_once() == 1                      # the copy: first look misses, the locked look sees it
    assert len(looks) == 2
    assert _orders(engine, first)[0]["anomalies"] == []
    assert _orders(engine, again)[0]["anomalies"] == ["DUPLICATE_PO"]


def _replace(engine, records) -> str:
    fingerprint = catalog_fingerprint(records)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, fingerprint)
    return fingerprint


def test_a_worker_takes_up_a_new_catalog_version(engine, sandbox, tmp_path, monkeypatch):
    """Given a worker working with one catalog, when a new version is imported, its next look
    maps the new version's file (the old one is removed) and matches against it."""
    monkeypatch.setattr(worker_mod, "CATALOG_SECONDS", 0.0)
    records = read_bundle(CATALOG)
    first = _replace(engine, records)
    w = _worker(engine, sandbox)
    assert w.run_once() == 0 and w.service.fingerprint == first
    assert w.service.catalog.material("NEW-1") is None
    added = dataclasses.replace(records.materials[0], number="NEW-1", name="新品纸箱")
    second = _replace(engine, dataclasses.replace(records, materials=records.materials + (added,)))
    assert w.run_once() == 0 and w.service.fingerprint == second
    assert w.service.catalog.material("new-1") == added
    assert [p.name for p in (tmp_path / "var" / "catalog").glob("*.pack")] == [f"{second}{snapshots.SUFFIX}"]
    doc_id = _add(engine, EDI)
    assert w.run_once() == 1 and _orders(engine, doc_id)[0]["status"] == "accepted"


def test_workers_share_one_file_and_a_catalog_without_a_pack_is_packed_once(engine, sandbox, tmp_path):
    """A catalog stored by an older version has no pack: the first worker packs its rows into
    the file, the second maps that same file, and both answer like a snapshot of the records."""
    records = read_bundle(CATALOG)
    fingerprint = _replace(engine, records)
    with session_scope(engine) as session:
        session.execute(sa.delete(catalog_store.PACK))
        session.commit()
        assert catalog_store.stored_pack(session, fingerprint) is None
    one, two = _worker(engine, sandbox), _worker(engine, sandbox)
    one.run_once()
    [path] = (tmp_path / "var" / "catalog").glob("*.pack")
    written = path.stat()
    two.run_once()
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    expected = CatalogSnapshot.from_records(records)
    for m in records.materials:
        assert one.service.catalog.material(m.number) == two.service.catalog.material(m.number) == m
        assert two.service.catalog.prices(m.number) == expected.prices(m.number)
