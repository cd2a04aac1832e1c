"""The catalog read from the test K3 (tests/fixtures/k3server.py): the same records a bundle gives,
paged through large forms, used by the next order, and a failed sync keeps the old catalog and
tells staff."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.catalog_bundle import read_bundle
from daemon.catalog_sync import CatalogSyncer, sync_catalog
from daemon.config import CatalogSettings, K3CloudSettings, Settings
from pipeline.sandbox import ParseSandbox
from pipeline.service import CLI_SOURCE, DocumentService
from store import catalog as catalog_store
from store.db import session_scope
from tests.fixtures.k3server import generated_catalog, k3_rows

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def k3_settings(stand, **k3) -> Settings:
    return Settings(k3cloud=K3CloudSettings(**stand.settings(**k3)),
                    catalog=CatalogSettings(source="k3cloud"), staff_emails=("staff@example.com",))


def stored(engine):
    with session_scope(engine) as session:
        return catalog_store.catalog_fingerprint_in_db(session), catalog_store.load_catalog(session)


def test_a_k3_catalog_gives_the_records_its_bundle_gives(k3server, engine):
    """Given the golden bundle's rows kept in K3's forms under K3's field names, a sync stores
    records equal to the bundle's own."""
    bundle = read_bundle(GOLDEN / "catalog")
    k3server.put_forms(k3_rows(bundle))
    result = sync_catalog(k3_settings(k3server), engine)
    assert result.changed
    _, records = stored(engine)
    assert records == bundle
    again = sync_catalog(k3_settings(k3server), engine)
    assert not again.changed and again.fingerprint == result.fingerprint


def test_a_large_catalog_is_paged_and_used_by_the_next_order(k3server, engine, tmp_path):
    """Given K3 holding the golden catalog plus 3,000 generated materials and 9,000 prices (pages
    of 500), a sync stores them all, and an order read afterwards is checked against the new
    prices: the carton's price changed in K3, so the golden CSV order is no longer accepted."""
    bundle = read_bundle(GOLDEN / "catalog")
    forms = k3_rows(bundle)
    for form, rows in generated_catalog(3000, 9000).items():
        forms[form] = forms[form] + ([] if form == "BD_Customer" else rows)
    for row in forms["BD_SAL_PriceList"]:
        if row["FMaterialId.FNumber"] == "1.01.0001":
            row["FPrice"] = 1.5
    k3server.put_forms(forms)
    pages: list[str] = []
    sync_catalog(k3_settings(k3server, page_size=500), engine, progress=lambda step, n: pages.append(step))
    _, records = stored(engine)
    assert len(records.materials) == len(bundle.materials) + 3000
    assert len(records.prices) == len(bundle.prices) + 9000
    assert pages.count("reading K3 BD_SAL_PriceList") > 9000 // 500
    settings = k3_settings(k3server)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        service = DocumentService(engine, settings, sandbox=sandbox, today=lambda: date(2026, 11, 20))
        assert service.refresh_catalog()
        outcome = service.take((GOLDEN / "csv-order.csv").read_bytes(), source=CLI_SOURCE,
                               source_ref="csv-order.csv", filename="csv-order.csv", message_id=None,
                               claimed_by="test")
    order = outcome.orders[0].contract_json()
    assert order["status"] == "review"
    assert order["lines"][0]["anomalies"] == ["PRICE_MISMATCH"]


@pytest.mark.parametrize("failure", ["unreachable", "refused row"])
def test_a_failed_sync_keeps_the_old_catalog_and_alerts_staff(failure, k3server, engine):
    """Given a stored catalog, a sync that cannot finish (K3 answering 500 on every page; a
    material without a number) leaves it as it was and queues one staff mail saying why."""
    bundle = read_bundle(GOLDEN / "catalog")
    k3server.put_forms(k3_rows(bundle))
    settings = k3_settings(k3server)
    sync_catalog(settings, engine)
    before = stored(engine)
    if failure == "unreachable":
        k3server.fail("http500", times=100, operation="ExecuteBillQuery", form="BD_SAL_PriceList")
    else:
        forms = k3_rows(bundle)
        forms["BD_MATERIAL"][2]["FNumber"] = ""
        forms["BD_MATERIAL"][0]["FName"] = "renamed in K3"
        k3server.put_forms(forms)
    syncer = CatalogSyncer(settings, engine)
    assert syncer.run_once() is False
    assert syncer.run_once() is False
    assert stored(engine) == before
    with engine.connect() as conn:
        alerts = conn.execute(sa.text("SELECT payload_json FROM outbox WHERE stable_key LIKE 'catalog:%'")).all()
    assert len(alerts) == 1   # one an hour, however often it fails
    payload = json.loads(alerts[0][0])
    assert payload["purpose"] == "catalog_alert" and payload["to"] == ["staff@example.com"]
    assert ("HTTP 500" if failure == "unreachable" else "BD_MATERIAL row 3, column FNumber") in payload["message"]


def test_catalog_sync_command(k3server, tmp_path, run_cli):
    """`orderdesk catalog sync` with a settings file naming the test K3 stores its catalog and
    prints the summary; without [k3cloud] it says what to set."""
    k3server.put_forms(k3_rows(read_bundle(GOLDEN / "catalog")))
    lines = [f'{key} = {json.dumps(value)}' for key, value in k3server.settings().items()]
    config = tmp_path / "orderdesk.toml"
    config.write_text("[catalog]\nsource = \"k3cloud\"\n[k3cloud]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'od.db'}"
    status, out, err = run_cli("catalog", "sync", "--config", config, "--db", db)
    assert status == 0, err
    assert "materials" in out and "read from K3 Cloud" in out and err == ""
    status, out, err = run_cli("catalog", "sync", "--db", db)
    assert status == 2 and "[k3cloud] server_url" in err



def test_the_daemon_reads_k3_at_start_only_when_no_catalog_is_stored(k3server, engine):
    """Given catalog.source = "k3cloud": an empty database gets K3's catalog at start; a stored
    one is kept (the sync thread refreshes it), and its next sync is due sync_minutes after it."""
    from daemon.app import load_catalog

    bundle = read_bundle(GOLDEN / "catalog")
    k3server.put_forms(k3_rows(bundle))
    settings = k3_settings(k3server)
    load_catalog(settings, engine)
    fingerprint, records = stored(engine)
    assert records == bundle and k3server.calls["ExecuteBillQuery"] > 0
    calls = k3server.calls["ExecuteBillQuery"]
    load_catalog(settings, engine)
    assert k3server.calls["ExecuteBillQuery"] == calls and stored(engine)[0] == fingerprint
    wait = CatalogSyncer(settings, engine)._seconds_to_next(settings.catalog.sync_minutes * 60)
    assert 3500 < wait <= 3600


def test_the_daemon_will_not_start_without_any_catalog_when_k3_cannot_be_read(k3server, engine):
    from daemon.app import load_catalog
    from daemon.config import ConfigError

    k3server.fail("http500", times=100)
    with pytest.raises(ConfigError, match="no catalog: none is stored and K3 Cloud's could not be read"):
        load_catalog(k3_settings(k3server), engine)


def test_the_sync_thread_waits_an_interval_after_each_attempt(k3server, engine):
    """Given an unchanged K3 catalog (its stored time does not move), the thread still waits a
    whole interval between attempts instead of asking K3 again at once."""
    k3server.put_forms(k3_rows(read_bundle(GOLDEN / "catalog")))
    settings = k3_settings(k3server)
    sync_catalog(settings, engine)

    class Stop:
        waits: list[float] = []

        def wait(self, seconds: float) -> bool:
            self.waits.append(seconds)
            return len(self.waits) > 3

    before = k3server.calls["ExecuteBillQuery"]
    CatalogSyncer(settings, engine).run_forever(Stop())
    first, *later = Stop.waits
    assert 3500 < first <= 3600 and later == [3600.0, 3600.0, 3600.0]
    assert k3server.calls["ExecuteBillQuery"] - before == 3 * 6   # three syncs of six forms
