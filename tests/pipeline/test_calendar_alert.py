"""A delivery date in a year the installed chinese-calendar does not know is checked on weekdays
plus the configured days, and staff hear about that year once, however many orders ask for it."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from daemon.config import Settings, WorkdaySettings
from daemon.ingest import ingest
from daemon.worker import Worker
from outbox.mails import build_mail
from pipeline.sandbox import ParseSandbox
from store import catalog as catalog_store
from store.db import session_scope

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
TODAY = date(2026, 12, 28)
NOW = datetime(2026, 12, 28, 2, 0, tzinfo=timezone.utc)
HEADER = "客户名称,订单号,下单日期,交货日期,客户物料编码,物料名称,数量,单位,单价,金额\n"


def csv_order(po: str, due: date) -> bytes:
    """A one-line CSV order from C001 for 1000 cartons (5 working days lead time) due `due`."""
    row = f"杭州示例食品有限公司,{po},{TODAY.isoformat()},{due.isoformat()},SF-BOX-01,瓦楞纸箱 300×200×150mm,1000,个,1.20,1200.00\n"
    return (HEADER + row).encode("utf-8")


@pytest.fixture(scope="module")
def sandbox():
    with ParseSandbox(timeout_s=60, memory_mb=2048) as box:
        yield box


def test_orders_due_in_an_uncovered_year_give_one_staff_alert(engine, sandbox):
    """Given three orders due in January 2027 and one due in 2026, processed by a worker on the
    `cn` calendar with 2027-01-01 configured as a holiday: the orders are checked on weekdays plus
    that day (2026-12-28 + 5 working days = 2027-01-05), and the outbox holds exactly one staff
    mail saying 2027 is not covered."""
    assert 2027 not in {d.year for d in __import__("chinese_calendar").holidays}
    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    settings = replace(Settings(), workdays=WorkdaySettings(calendar="cn", holidays=("2027-01-01",)))
    docs = [("HZ-1", date(2027, 1, 4)), ("HZ-2", date(2027, 1, 5)), ("HZ-3", date(2027, 1, 20)),
            ("HZ-4", date(2026, 12, 31))]
    for po, due in docs:
        ingest(engine, csv_order(po, due), source="mail", source_ref=f"inbox/{po}.csv", filename=f"{po}.csv",
               message_id=None, now=NOW)
    worker = Worker(engine, settings, name="test/w0", sandbox=sandbox, today=lambda: TODAY, now=lambda: NOW)
    while worker.run_once():
        pass
    with engine.connect() as conn:
        alerts = conn.execute(sa.text("SELECT stable_key, payload_json FROM outbox "
                                      "WHERE stable_key LIKE 'calendar:%'")).all()
        anomalies = conn.execute(sa.text("SELECT o.po_number, a.message FROM anomalies a JOIN orders o "
                                         "ON o.id = a.order_id WHERE a.code = 'DELIVERY_DATE_INFEASIBLE' "
                                         "ORDER BY o.po_number")).all()
    assert [key for key, _ in alerts] == ["calendar:uncovered:2027"]
    assert [po for po, _ in anomalies] == ["HZ-1", "HZ-4"]
    assert all("earliest feasible date is 2027-01-05" in message for _, message in anomalies)
    mail = build_mail(json.loads(alerts[0][1]), stable_key=alerts[0][0], order_id=None, settings=settings)
    assert "2027" in mail["Subject"] and "[workdays]" in mail.get_content()
