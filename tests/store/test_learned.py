"""Learned customer item codes and aliases: stored with who and when, audited, newest counts,
laid over the catalog by the document service from the next document on, exported for K3."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings
from pipeline.sandbox import ParseSandbox
from pipeline.service import DocumentService
from reconcile.catalog import AliasKind, CustomerAlias, CustomerItem
from store import catalog as catalog_store
from store import learned
from store.db import session_scope

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
HEADER = "客户名称,订单号,下单日期,交货日期,客户物料编码,物料名称,数量,单位,单价,金额\n"


def _trail(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT user_name, action, detail, document_id FROM audit_log ORDER BY id")).all()


def _with_catalog(engine) -> None:
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))


def test_the_newest_teaching_counts_and_every_one_is_audited(engine):
    _with_catalog(engine)
    with session_scope(engine) as session:
        first = learned.learned_version(session)
        learned.remember_item(session, CustomerItem("C001", "sf-box-01", "小纸箱", "1.01.0002"), by="ann", now=NOW,
                              document_id=7)
        learned.remember_item(session, CustomerItem("C001", "SF-BOX-01 ", "小纸箱", "1.01.0003"), by="bob",
                              now=NOW + timedelta(minutes=1))
        learned.remember_alias(session, CustomerAlias("C002", AliasKind.SENDER, " Li@Free.example.org "), by="ann",
                               now=NOW)
        version = learned.learned_version(session)
        taught = learned.load_learned(session)
        items = learned.taught_items(session)
    assert version != first
    assert taught.customer_items == (CustomerItem("C001", "SF-BOX-01", "小纸箱", "1.01.0003"),)
    assert taught.aliases == (CustomerAlias("C002", "sender", "Li@Free.example.org"),)
    assert items[0].user == "bob"
    trail = _trail(engine)
    assert [(u, a, d) for u, a, _, d in trail] == [("ann", "remember item", 7), ("bob", "remember item", None),
                                                   ("ann", "remember customer", None)]
    assert "means 1.01.0002 (was 1.01.0001)" in trail[0][2], "the bundle's mapping is what it was"
    assert "means 1.01.0003 (was 1.01.0002)" in trail[1][2]


@pytest.mark.parametrize("alias", [CustomerAlias("C002", AliasKind.SENDER, "no address"),
                                   CustomerAlias("C002", AliasKind.NAME, "  "),
                                   CustomerAlias("", AliasKind.NAME, "Some Co."),
                                   CustomerAlias("C002", "phone", "123")])
def test_an_alias_that_identifies_nothing_is_refused(engine, alias):
    with session_scope(engine) as session, pytest.raises(ValueError):
        learned.remember_alias(session, alias, by="ann", now=NOW)
    assert _trail(engine) == []


def test_learned_export_writes_a_k3_mapping_file(engine, run_cli, tmp_path, db_url):
    """`orderdesk learned export DIR`: SAL_CustMatMapping with the four K3 keys, a customer's
    rows grouped under it; `learned list` shows who taught what."""
    with session_scope(engine) as session:
        for customer, code, material in (("C002", "ET-9", "5.01.0001"), ("C001", "HZ-2", "1.01.0002"),
                                         ("C001", "HZ-1", "1.01.0001")):
            learned.remember_item(session, CustomerItem(customer, code, f"name {code}", material), by="ann", now=NOW)
        learned.remember_alias(session, CustomerAlias("C001", AliasKind.NAME, "示例食品(杭州)"), by="bob", now=NOW)
    status, out, _ = run_cli("learned", "export", tmp_path / "out", "--db", db_url)
    assert status == 0 and "3 customer item codes" in out
    sheet = load_workbook(tmp_path / "out" / "SAL_CustMatMapping.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.title == "SAL_CustMatMapping"
    assert rows[0] == ["FCustomerId", "FCustMatNo", "FCustMatName", "FMaterialId"]
    assert rows[2:] == [["C001", "HZ-1", "name HZ-1", "1.01.0001"], [None, "HZ-2", "name HZ-2", "1.01.0002"],
                        ["C002", "ET-9", "name ET-9", "5.01.0001"]]
    status, out, _ = run_cli("learned", "list", "--db", db_url)
    assert status == 0 and "HZ-2" in out and "示例食品(杭州)" in out and "bob" in out


def _csv_order(po: str, code: str) -> bytes:
    row = f"杭州示例食品有限公司,{po},2026-11-18,2026-12-10,{code},特制异形盒 款式九,1000,个,1.10,1100.00\n"
    return (HEADER + row).encode("utf-8")


def test_a_running_service_uses_a_remembered_code_from_the_next_document_on(engine):
    """Given a service with its catalog loaded, when a clerk remembers a customer's code, the
    next order with that code is accepted without reloading the catalog."""
    _with_catalog(engine)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        service = DocumentService(engine, Settings(), sandbox=sandbox, today=lambda: date(2026, 11, 20),
                                  now=lambda: NOW)
        assert service.refresh_catalog()
        first = service.take(_csv_order("HZ-1", "HZ-CX-777"), source="cli", source_ref="a.csv", filename="a.csv",
                             message_id=None, claimed_by="test")
        assert [o.status for o in first.orders] == ["review"]
        assert "UNKNOWN_ITEM" in {str(a.code) for a in first.orders[0].anomalies()}
        with session_scope(engine) as session:
            learned.remember_item(session, CustomerItem("C001", "HZ-CX-777", "特制异形盒", "1.01.0001"),
                                  by="ann", now=NOW)
        second = service.take(_csv_order("HZ-2", "HZ-CX-777"), source="cli", source_ref="b.csv", filename="b.csv",
                              message_id=None, claimed_by="test")
    assert [o.status for o in second.orders] == ["accepted"]
    assert second.orders[0].reconciled.lines[0].sku == "1.01.0001"


def test_a_forgotten_code_no_longer_matches_the_next_order_and_the_bundles_counts_again(engine, caplog):
    """Given a remembered code the next order matched by, when it is forgotten (audited), the
    order after matches it no more; a code that overrode the bundle's mapping gives that back;
    forgetting twice finds nothing; the K3 push never sees a forgotten row."""
    _with_catalog(engine)
    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C001", "HZ-CX-777", "特制异形盒", "1.01.0001"), by="ann", now=NOW)
        learned.remember_item(session, CustomerItem("C001", "SF-BOX-01", "小纸箱", "1.01.0003"), by="ann", now=NOW)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        service = DocumentService(engine, Settings(), sandbox=sandbox, today=lambda: date(2026, 11, 20),
                                  now=lambda: NOW)
        assert service.refresh_catalog()
        first = service.take(_csv_order("HZ-F1", "HZ-CX-777"), source="cli", source_ref="a.csv", filename="a.csv",
                             message_id=None, claimed_by="test")
        assert [o.status for o in first.orders] == ["accepted"]
        with session_scope(engine) as session:
            gone = learned.forget_item(session, "C001", "hz-cx-777", by="bob", now=NOW)
            learned.forget_item(session, "C001", "SF-BOX-01", by="bob", now=NOW)
            with pytest.raises(LookupError):
                learned.forget_item(session, "C001", "HZ-CX-777", by="bob", now=NOW)
            assert learned.taught_items(session) == [] and learned.unplanned_items(session, "k3map:") == []
        second = service.take(_csv_order("HZ-F2", "HZ-CX-777"), source="cli", source_ref="b.csv", filename="b.csv",
                              message_id=None, claimed_by="test")
        assert "UNKNOWN_ITEM" in {str(a.code) for a in second.orders[0].anomalies()}
        assert service.catalog.customer_item("C001", "SF-BOX-01").material == "1.01.0001"   # the bundle's again
    assert gone == CustomerItem("C001", "HZ-CX-777", "特制异形盒", "1.01.0001")
    assert [(u, a) for u, a, _, _ in _trail(engine)][-2:] == [("bob", "forget item"), ("bob", "forget item")]
    assert "no longer means 1.01.0001" in _trail(engine)[-2][2]


def test_a_forgotten_alias_is_gone_and_learned_forget_on_the_command_line(engine, run_cli, db_url):
    with session_scope(engine) as session:
        learned.remember_alias(session, CustomerAlias("C002", AliasKind.SENDER, "li@free.example.org"), by="ann",
                               now=NOW)
        learned.remember_alias(session, CustomerAlias("C001", AliasKind.NAME, "示例食品(杭州)"), by="ann", now=NOW)
        learned.remember_item(session, CustomerItem("C002", "ET-9", "x", "5.01.0001"), by="ann", now=NOW)
    status, out, _ = run_cli("learned", "forget", "sender", "LI@free.example.org", "--db", db_url)
    assert status == 0 and "no longer means customer C002" in out
    status, out, _ = run_cli("learned", "forget", "item", "C002", "ET-9", "--db", db_url)
    assert status == 0 and "ET-9" in out
    assert "K3 still maps the code" in out and "Delete it in K3" in out and "If this mapping reached K3" in out
    status, _, err = run_cli("learned", "forget", "name", "nobody taught this", "--db", db_url)
    assert status == 1 and "nothing is taught" in err
    with session_scope(engine) as session:
        assert [t.alias.text for t in learned.taught_aliases(session)] == ["示例食品(杭州)"]
        assert learned.taught_items(session) == []
    assert {u for u, a, _, _ in _trail(engine) if a.startswith("forget")} == {f"cli:{__import__('getpass').getuser()}"}


def test_learned_rows_naming_what_the_catalog_lacks_are_left_out_and_said_once(engine, caplog, run_cli, db_url):
    """Given taught rows whose item or customer the catalog does not have (gone from the ERP),
    the snapshot leaves them out and the first service to load the catalog warns once, naming them
    (a second worker loading the same version says nothing more)."""
    _with_catalog(engine)
    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C001", "OLD-1", "x", "9.99.9999"), by="ann", now=NOW)
        learned.remember_item(session, CustomerItem("C404", "NEW-1", "x", "1.01.0001"), by="ann", now=NOW)
        learned.remember_item(session, CustomerItem("C001", "OK-1", "x", "1.01.0001"), by="ann", now=NOW)
        learned.remember_alias(session, CustomerAlias("C404", AliasKind.NAME, "Gone Co."), by="ann", now=NOW)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox, caplog.at_level("WARNING", "pipeline.service"):
        service = DocumentService(engine, Settings(), sandbox=sandbox, now=lambda: NOW)
        assert service.refresh_catalog() and service.refresh_catalog()
        another_worker = DocumentService(engine, Settings(), sandbox=sandbox, now=lambda: NOW)
        assert another_worker.refresh_catalog()          # the same version: already said
        with session_scope(engine) as session:
            stale = service.catalog.left_out(learned.load_learned(session))
    assert {ci.code for ci in stale.customer_items} == {"OLD-1", "NEW-1"} and len(stale.aliases) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    status, out, _ = run_cli("learned", "list", "--db", db_url)
    marked = {line.split()[2] for line in out.splitlines() if line.endswith("STALE: not in the catalog")}
    assert status == 0 and marked >= {"OLD-1", "NEW-1"} and "OK-1" not in marked
    assert len(warnings) == 1 and "C001/OLD-1 -> 9.99.9999" in warnings[0] and "'Gone Co.' -> C404" in warnings[0]


def test_learned_forget_says_when_orderdesk_had_saved_the_mapping_in_k3(engine, run_cli, db_url):
    from tests.review.test_learning import sent_to_k3

    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C002", "ET-10", "x", "5.01.0001"), by="ann", now=NOW)
    sent_to_k3(engine, "C002", "ET-10")
    status, out, _ = run_cli("learned", "forget", "item", "C002", "ET-10", "--db", db_url)
    assert status == 0 and "orderdesk saved this mapping in K3 Cloud: K3 still maps the code" in out
