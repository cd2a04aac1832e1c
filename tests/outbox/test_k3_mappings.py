"""Customer item codes clerks taught are written to the test K3 as SAL_CustMatMapping entries, once
each, by the outbox sender; a code K3 already maps elsewhere is a dead letter a clerk sees."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from connectors.settings import K3CloudSettings
from outbox.sender import OutboxSender
from reconcile.catalog import CustomerItem
from store.db import session_scope
from store.learned import remember_item
from tests.outbox.test_k3_orders import settings  # noqa: F401 - the fixture
from tests.outbox.test_sender import START, Clock, crash_after_delivery, rows


def teach(engine, code: str, material: str, name: str = "") -> None:
    with session_scope(engine) as session:
        remember_item(session, CustomerItem("C001", code, name, material), by="mei", now=START)


def mappings(k3server) -> list[tuple]:
    return [(r["FID"], r["FCustomerId.FNumber"], r["FCustMatNo"], r["FMaterialId.FNumber"])
            for r in k3server.forms["SAL_CustMatMapping"]]


def test_taught_codes_become_audited_mapping_bills_once(engine, settings, k3server):
    teach(engine, "SF-BOX-01", "1.01.0001", "纸箱")
    teach(engine, "TAPE-48", "1.02.0001")
    sender = OutboxSender(engine, settings, clock=Clock(), batch=1)
    while sender.run_once():
        pass
    found = mappings(k3server)
    assert [(c, code, m) for _, c, code, m in found] == [("C001", "SF-BOX-01", "1.01.0001"),
                                                        ("C001", "TAPE-48", "1.02.0001")]
    assert found[0][0] != found[1][0]              # a bill of its own each, audited at once
    assert {m["FDocumentStatus"] for m in k3server.forms["SAL_CustMatMapping"]} == {"C"}
    sender._next_learned = 0.0
    assert sender.run_once() == 0                  # each teaching is planned once
    assert {r["status"] for r in rows(engine).values()} == {"delivered"}


def test_a_repeat_after_a_crash_finds_its_entry(engine, settings, k3server):
    teach(engine, "SF-BOX-01", "1.01.0001")
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    crash_after_delivery(engine, "custmat:1")
    assert sender.run_once() == 1
    assert len(mappings(k3server)) == 1 and k3server.calls["Save"] == 1


def test_a_code_k3_maps_to_another_item_is_left_to_a_clerk(engine, settings, k3server):
    k3server.put_forms({"SAL_CustMatMapping": [{"FID": 7, "FDocumentStatus": "C", "FCustomerId.FNumber": "C001",
                                                "FCustMatNo": "SF-BOX-01", "FCustMatName": "",
                                                "FMaterialId.FNumber": "1.01.0002"}]})
    teach(engine, "SF-BOX-01", "1.01.0001")
    OutboxSender(engine, settings, clock=Clock()).run_once()
    row = rows(engine)["custmat:1"]
    assert row["status"] == "dead" and "maps customer C001's code 'SF-BOX-01' to 1.01.0002" in row["last_error"]
    assert k3server.calls["Save"] == 0


def test_only_the_newest_teaching_of_a_code_is_written(engine, settings, k3server):
    teach(engine, "SF-BOX-01", "1.01.0002")
    teach(engine, "SF-BOX-01", "1.01.0001")        # corrected before the sender looked
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    assert [m for *_, m in mappings(k3server)] == ["1.01.0001"]


def test_nothing_is_planned_without_k3_or_when_switched_off(engine, settings, k3server):
    teach(engine, "SF-BOX-01", "1.01.0001")
    for changed in (dataclasses.replace(settings, k3cloud=K3CloudSettings()),
                    dataclasses.replace(settings, k3cloud=dataclasses.replace(settings.k3cloud,
                                                                              write_customer_items=False)),
                    dataclasses.replace(settings, mode="shadow")):
        OutboxSender(engine, changed, clock=Clock()).run_once()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one() == 0
