"""Approve and reject through the one document service: a corrected order is reconciled again,
replaces the order that was read, and plans the outbox rows an accepted order plans, once."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings
from outbox.mails import build_mail
from pipeline.approval import ApprovalRefused, Approvals, Correction, RecheckMemo
from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from review.corrections import (accept_price, accepted_prices, from_payload, remove_line, set_header, set_line,
                                to_parsed)
from reconcile.catalog import CustomerItem
from store import catalog as catalog_store
from store import learned
from store.decisions import AlreadyDecided
from store.db import make_engine, migrate, session_scope
from store.models import SeenPo
from store.queue import document_view, queue_items

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def service(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'od.db'}")
    migrate(engine)
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    base = Settings(database_url=str(engine.url), staff_emails=("desk@ourco.example",))
    paths = replace(base.paths, export=tmp_path / "export", maildir=tmp_path / "maildir",
                    edi_outbound=tmp_path / "outbound")
    settings = replace(base, paths=paths)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        svc = DocumentService(engine, settings, sandbox=sandbox, today=lambda: TODAY)
        svc.refresh_catalog()
        yield svc


def _take(service, name: str) -> dict:
    outcome = service.take((GOLDEN / name).read_bytes(), source="edi", source_ref=f"edi/{name}",
                           filename=name, message_id=None, claimed_by="test")
    with session_scope(service.engine) as session:
        return document_view(session, outcome.document_id)


def _stored_payload(service, order_id: int) -> dict:
    with service.engine.connect() as conn:
        return json.loads(conn.execute(sa.text("SELECT payload_json FROM orders WHERE id = :i"),
                                       {"i": order_id}).scalar_one())


def _outbox(service) -> list[tuple]:
    with service.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT order_id, kind, stable_key, payload_json FROM outbox "
                                                       "ORDER BY id"))]


def _corrected(service, view: dict):
    """The EDIFACT order in review, corrected as a clerk would: the unknown line removed, the
    quantity made a pack multiple, the price accepted, the delivery date moved."""
    order_id = view["orders"][0]["order_id"]
    draft = from_payload(_stored_payload(service, order_id))
    draft = remove_line(draft, 1)
    draft = set_line(draft, 0, "quantity", "25000")
    draft = accept_price(draft, 0, True)
    draft = set_header(draft, "delivery_date", "2027-01-29")
    return order_id, Correction(view["document_id"], order_id, to_parsed(draft), customer=draft.customer,
                                accepted_prices=accepted_prices(draft))


def test_a_corrected_edi_order_is_approved_once_with_confirmation_export_and_ordrsp(service):
    view = _take(service, "edifact-anomalies.edi")
    order_id, correction = _corrected(service, view)
    before = {row[2] for row in _outbox(service)}
    approvals = Approvals(service)
    assert approvals.check(correction).status == "accepted"
    new_id = approvals.approve(correction, by="mei", now=NOW)
    with pytest.raises(AlreadyDecided):
        approvals.approve(correction, by="mei", now=NOW)          # the second click changes nothing
    added = [row for row in _outbox(service) if row[2] not in before]
    assert sorted(row[2] for row in added) == sorted(
        f"approved:{new_id}:{key}" for key in (f"confirm:{view['document_id']}:0",
                                               f"erp:{view['document_id']}:0", f"poack:{view['document_id']}:0"))
    assert {row[0] for row in added} == {new_id}
    confirmation = next(json.loads(r[3]) for r in added if r[1] == "mail")
    assert confirmation["to"] == ["orders@beispiel.example.de"]
    mail = build_mail(confirmation, stable_key="k", order_id=new_id, settings=service.settings)
    assert "25000" in mail.get_content() and "BH-4480" in mail["Subject"]
    with session_scope(service.engine) as session:
        now_view = document_view(session, view["document_id"])
        assert [o["order_id"] for o in now_view["orders"]] == [new_id]
        assert now_view["orders"][0]["order"]["status"] == "accepted"    # as CONTRACT §3 says it
        assert now_view["orders"][0]["status"] == "approved"             # by a person
        assert not [i for i in queue_items(session) if i.state == "review"]


def test_approval_is_refused_while_an_item_is_unknown_and_nothing_is_written(service):
    view = _take(service, "edifact-anomalies.edi")
    order_id = view["orders"][0]["order_id"]
    draft = from_payload(_stored_payload(service, order_id))
    correction = Correction(view["document_id"], order_id, to_parsed(draft), customer=draft.customer,
                            accept_remaining=True)
    before = _outbox(service)
    with pytest.raises(ApprovalRefused, match="Line 2") as refused:
        Approvals(service).approve(correction, by="mei", now=NOW)
    assert "Line 2: Line 2" not in str(refused.value)          # the line is named once
    assert [a.code for a in refused.value.anomalies] == ["UNKNOWN_ITEM"]
    assert _outbox(service) == before
    with session_scope(service.engine) as session:
        assert document_view(session, view["document_id"])["orders"][0]["order_id"] == order_id


def test_a_rejected_order_mails_the_customer_the_reason_in_both_languages_once(service):
    view = _take(service, "edifact-anomalies.edi")
    order_id, correction = _corrected(service, view)
    approvals = Approvals(service)
    rec = approvals.check(correction)
    approvals.reject(correction, rec, reason="stock", note="Back in March.", by="mei", now=NOW)
    with pytest.raises(AlreadyDecided):
        approvals.reject(correction, rec, reason="stock", note="", by="mei", now=NOW)
    with pytest.raises(AlreadyDecided):
        approvals.approve(replace(correction, accept_remaining=True), by="mei", now=NOW)
    rows = [r for r in _outbox(service) if r[2] == f"rejected:{order_id}"]
    assert len(rows) == 1 and rows[0][0] == order_id
    mail = build_mail(json.loads(rows[0][3]), stable_key=rows[0][2], order_id=order_id, settings=service.settings)
    body = mail.get_content()
    assert "库存不足" in body and "not in stock" in body and "Back in March." in body
    assert mail["To"] == "orders@beispiel.example.de"
    with session_scope(service.engine) as session:
        assert document_view(session, view["document_id"])["orders"][0]["status"] == "rejected"


def test_an_approval_that_dies_half_way_leaves_nothing_and_can_be_made_again(service, monkeypatch):
    """Given a failure after the new order was inserted (as when the process dies before the
    commit), nothing of the approval remains; approving again then sends everything once."""
    from store import audit as audit_store

    view = _take(service, "edifact-anomalies.edi")
    order_id, correction = _corrected(service, view)
    before = _outbox(service)

    def dies(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(audit_store, "add", dies)
    with pytest.raises(OSError):
        Approvals(service).approve(correction, by="mei", now=NOW)
    assert _outbox(service) == before
    with session_scope(service.engine) as session:
        (order,) = document_view(session, view["document_id"])["orders"]
        assert (order["order_id"], order["status"]) == (order_id, "review")
    monkeypatch.undo()
    new_id = Approvals(service).approve(correction, by="mei", now=NOW)
    assert len([r for r in _outbox(service) if r[2].startswith(f"approved:{new_id}:")]) == 3


def test_the_approved_edi_order_is_delivered_as_ordrsp_export_and_mail(service, tmp_path):
    """The outbox sender delivers what the approval planned: an ORDRSP accepting the corrected
    line to the partner's folder, the ERP import files, the confirmation (to the local maildir)."""
    from outbox.sender import OutboxSender

    view = _take(service, "edifact-anomalies.edi")
    _, correction = _corrected(service, view)
    new_id = Approvals(service).approve(correction, by="mei", now=NOW)
    sender = OutboxSender(service.engine, service.settings)
    while sender.run_once():
        pass
    (ordrsp,) = [p for p in (tmp_path / "outbound").rglob(f"approved_{new_id}_*ordrsp*")]
    text = ordrsp.read_text(encoding="utf-8")
    assert "BGM+231" in text and "BH-4480" in text and "25000" in text and "PAPER STRAW" not in text
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == [f"SAL_{new_id}_BH-4480.json",
                                                                        f"SAL_{new_id}_BH-4480.xlsx"]
    with service.engine.connect() as conn:
        states = conn.execute(sa.text("SELECT DISTINCT status FROM outbox WHERE order_id = :o"), {"o": new_id}).scalars()
        assert set(states) == {"delivered"}


def _unknown_line_codes(rec) -> list[str]:
    return [a.code for a in rec.lines[1].anomalies]


def test_a_kept_recheck_is_given_again_only_while_nothing_that_decides_it_changed(service):
    """Given a re-check kept in the desk's memo, the same correction gets the kept result; an
    edited correction, a new catalog version and a PO seen meanwhile each get a fresh re-check
    that shows the change (nothing stale)."""
    view = _take(service, "edifact-anomalies.edi")
    order_id = view["orders"][0]["order_id"]
    draft = from_payload(_stored_payload(service, order_id))
    correction = Correction(view["document_id"], order_id, to_parsed(draft), customer=draft.customer)
    approvals = Approvals(service, RecheckMemo())
    first = approvals.check(correction)
    assert "UNKNOWN_ITEM" in _unknown_line_codes(first)
    assert approvals.check(correction) is first
    assert Approvals(service).check(correction) == first          # what a re-check without the memo gives

    edited = set_line(draft, 0, "quantity", "25000")
    changed = approvals.check(Correction(view["document_id"], order_id, to_parsed(edited), customer=draft.customer))
    assert changed.lines[0].parsed.quantity == 25000 and approvals.check(correction) is first

    records = read_bundle(GOLDEN / "catalog")
    taught = replace(records, customer_items=(*records.customer_items,
                                              CustomerItem(draft.customer, "BH-NOPE-1", "PAPER STRAW", "1.01.0001")))
    with session_scope(service.engine) as session:
        catalog_store.replace_catalog(session, taught, catalog_fingerprint(taught))
    in_new_catalog = approvals.check(correction)
    assert "UNKNOWN_ITEM" not in _unknown_line_codes(in_new_catalog)
    assert in_new_catalog.lines[1].sku == "1.01.0001"

    assert "DUPLICATE_PO" not in {a.code for a in in_new_catalog.all_anomalies()}
    with session_scope(service.engine) as session:   # the PO now counts as seen apart from this order
        session.execute(sa.update(SeenPo.__table__).where(SeenPo.__table__.c.po_number == "BH-4480")
                        .values(order_id=None))
        session.commit()
    assert "DUPLICATE_PO" in {a.code for a in approvals.check(correction).all_anomalies()}


def test_a_code_taught_at_the_desk_is_seen_by_the_next_recheck_of_a_kept_correction(service):
    """Given a kept re-check with an unknown line, when a clerk teaches that line's customer code,
    the same correction is checked afresh against what was taught (the learned version changed)."""
    view = _take(service, "edifact-anomalies.edi")
    order_id = view["orders"][0]["order_id"]
    draft = from_payload(_stored_payload(service, order_id))
    correction = Correction(view["document_id"], order_id, to_parsed(draft), customer=draft.customer)
    approvals = Approvals(service, RecheckMemo())
    assert "UNKNOWN_ITEM" in _unknown_line_codes(approvals.check(correction))
    with session_scope(service.engine) as session:
        learned.remember_item(session, CustomerItem(draft.customer, "BH-NOPE-1", "", "1.01.0001"), by="mei", now=NOW)
        session.commit()
    taught = approvals.check(correction)
    assert "UNKNOWN_ITEM" not in _unknown_line_codes(taught) and taught.lines[1].sku == "1.01.0001"


def test_the_memo_keeps_only_the_newest_rechecks():
    memo = RecheckMemo(size=2)
    for key in ("a", "b", "c"):
        memo.put(key, key)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, "b", "c")
