"""Accepted orders saved in the test K3 (tests/fixtures/k3server.py) by the outbox sender: exactly
once through crashes and lost answers, the FBillNo kept with the order, K3's refusal a dead letter
with K3's own words in the queue."""
from __future__ import annotations

import dataclasses
import time

import pytest
import sqlalchemy as sa

from connectors.k3cloud import K3Client
from connectors.settings import K3CloudSettings
from outbox.sender import OutboxSender, default_transports
from store.db import session_scope
from store.queue import queue_items
from tests.fixtures.k3server import APP_SECRET
from tests.outbox.test_sender import Clock, crash_after_delivery, files, mail_order, rows, store_mail_order

ERP_KEY = "erp:1:0"


@pytest.fixture
def settings(tmp_path, k3server):
    from tests.outbox.settings import Settings, Thresholds

    base = Settings(staff_emails=("desk@ourco.example",))
    paths = dataclasses.replace(base.paths, export=tmp_path / "export", maildir=tmp_path / "maildir",
                                edi_outbound=tmp_path / "outbound")
    return dataclasses.replace(base, paths=paths, k3cloud=K3CloudSettings(**k3server.settings(timeout_seconds=1)),
                               thresholds=Thresholds(outbox_max_attempts=3, outbox_backoff_seconds=5))


def bill_numbers(engine) -> list[str | None]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT erp_bill_no FROM orders ORDER BY id"))]


def test_an_accepted_order_is_saved_in_k3_once_and_its_bill_number_kept(engine, catalog, settings, k3server):
    store_mail_order(engine, catalog, settings, mail_order())
    sender = OutboxSender(engine, settings, clock=Clock())
    assert sender.run_once() == 2                     # the confirmation and the ERP row
    orders = k3server.orders()
    assert [(o["FBillNo"], o["FNote"], o["FCustId.FNumber"]) for o in orders] == [("XSDD000001", "SF-77", "C001")]
    model = k3server.saved_models[0]
    assert model["FSaleOrderEntry"][0]["FMaterialId"] == {"FNumber": "1.01.0001"}
    assert model["FSaleOrderEntry"][0]["FQty"] == "500"
    assert bill_numbers(engine) == ["XSDD000001"]
    assert rows(engine)[ERP_KEY]["status"] == "delivered"
    assert files(settings.paths.export) == []          # saved through the WebAPI, no import files


def test_a_repeat_after_a_crash_finds_the_order_instead_of_saving_it_again(engine, catalog, settings, k3server):
    """Given the sender died after K3 saved the order but before the row was recorded, the
    next attempt asks K3 first, finds the bill and records its number."""
    store_mail_order(engine, catalog, settings, mail_order())
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE orders SET erp_bill_no = NULL"))
    crash_after_delivery(engine, ERP_KEY)
    assert sender.run_once() == 1
    assert len(k3server.orders()) == 1 and k3server.calls["Save"] == 1
    assert bill_numbers(engine) == ["XSDD000001"]


def test_a_save_whose_answer_was_lost_is_looked_up_later_not_saved_twice(engine, catalog, settings, k3server):
    """Given K3 answers the Save after the client gave up (it did store the order), the row waits
    for its backoff instead of saving again at once, and the next attempt finds the bill."""
    store_mail_order(engine, catalog, settings, mail_order())
    k3server.fail("slow", operation="Save", seconds=2.0)
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock)
    sender.run_once()
    row = rows(engine)[ERP_KEY]
    assert row["status"] == "pending" and "may have saved it" in row["last_error"]
    deadline = time.monotonic() + 10
    while not k3server.orders() and time.monotonic() < deadline:
        time.sleep(0.05)
    clock.advance(6)
    assert sender.run_once() == 1
    assert len(k3server.orders()) == 1 and k3server.calls["Save"] == 1
    assert bill_numbers(engine) == ["XSDD000001"]


def test_a_lost_session_signs_in_again_mid_run(engine, catalog, settings, k3server):
    store_mail_order(engine, catalog, settings, mail_order())
    store_mail_order(engine, catalog, settings, dataclasses.replace(mail_order(), po_number="SF-78"), raw=b"mail-2")
    sender = OutboxSender(engine, settings, clock=Clock(), batch=1)
    sender.run_once()
    sender.run_once()   # the first ERP row (after its confirmation)
    k3server.fail("session", operation="ExecuteBillQuery")
    while sender.run_once():
        pass
    assert [o["FNote"] for o in k3server.orders()] == ["SF-77", "SF-78"]
    assert k3server.logins == 2 and bill_numbers(engine) == ["XSDD000001", "XSDD000002"]


def test_k3s_refusal_is_a_dead_letter_with_its_own_message_in_the_queue(engine, catalog, settings, k3server):
    store_mail_order(engine, catalog, settings, mail_order())
    k3server.fail("validation", operation="Save", message="物料“1.01.0001”在销售组织“100”中未分配")
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    assert rows(engine)[ERP_KEY]["status"] == "dead"
    with session_scope(engine) as session:
        dead = [item for item in queue_items(session, states=("dead",))]
    assert any("物料“1.01.0001”在销售组织“100”中未分配" in item.reason for item in dead)
    assert "dead:" in " ".join(rows(engine))           # and staff are told
    assert k3server.orders() == [] and bill_numbers(engine) == [None]


def test_without_k3cloud_the_import_files_are_written(engine, catalog, settings, k3server):
    settings = dataclasses.replace(settings, k3cloud=K3CloudSettings())
    store_mail_order(engine, catalog, settings, mail_order())
    assert default_transports(settings).k3 is None
    OutboxSender(engine, settings, clock=Clock()).run_once()
    assert k3server.orders() == [] and any(name.endswith(".xlsx") for name in files(settings.paths.export))


def test_the_default_transports_use_k3_when_configured(settings):
    transports = default_transports(settings)
    assert isinstance(transports.k3, K3Client) and transports.k3.app_secret == APP_SECRET


def test_show_names_the_k3_sales_order(engine, catalog, settings, k3server, run_cli):
    store_mail_order(engine, catalog, settings, mail_order())
    OutboxSender(engine, settings, clock=Clock()).run_once()
    with engine.connect() as conn:
        order_id = conn.execute(sa.text("SELECT id FROM orders")).scalar_one()
    status, out, err = run_cli("show", f"O{order_id}", "--db", str(engine.url))
    assert status == 0, err
    assert "in K3 Cloud as sales order XSDD000001" in out
    status, out, _ = run_cli("show", f"O{order_id}", "--db", str(engine.url), "--json")
    assert '"erp_bill_no": "XSDD000001"' in out
