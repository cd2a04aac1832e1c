"""Importing a bundle folder: stored with its pack, an unchanged bundle is not read again."""
from __future__ import annotations

import shutil
from pathlib import Path

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from connectors.catalog_import import import_bundle
from store import catalog as catalog_store
from store.db import session_scope

DATA = Path(__file__).resolve().parents[1] / "data" / "catalog"


def test_an_unchanged_bundle_is_not_read_again_and_a_changed_one_replaces(engine, tmp_path):
    bundle = shutil.copytree(DATA / "k3", tmp_path / "bundle")
    steps: list[tuple[str, int]] = []
    with session_scope(engine) as session:
        first = import_bundle(session, bundle, progress=lambda step, rows: steps.append((step, rows)))
        assert first.replaced and first.fingerprint == catalog_fingerprint(read_bundle(bundle))
        assert ("reading materials.csv", len(first.records.materials)) in steps
        again = import_bundle(session, bundle)
        assert (again.fingerprint, again.records, again.replaced) == (first.fingerprint, None, False)
        checked = import_bundle(session, bundle, reread=True)
        assert checked.records == first.records and not checked.replaced
        with open(bundle / "customers.csv", "a", encoding="utf-8") as f:
            f.write("C9999,新客户\n")
        changed = import_bundle(session, bundle)
        assert changed.replaced and changed.fingerprint != first.fingerprint
        assert catalog_store.stored_pack(session, changed.fingerprint) is not None
        assert [c.number for c in catalog_store.load_catalog(session).customers][-1] == "C9999"


def test_the_same_catalog_written_differently_is_not_replaced(engine, tmp_path):
    """Other bytes (a column moved) but the same records: recorded as the source, not reloaded."""
    bundle = shutil.copytree(DATA / "k3", tmp_path / "bundle")
    with session_scope(engine) as session:
        first = import_bundle(session, bundle)
        text = (bundle / "stock.csv").read_text(encoding="utf-8")
        (bundle / "stock.csv").write_text(text + "\n", encoding="utf-8")
        second = import_bundle(session, bundle)
        assert not second.replaced and second.records is not None
        assert import_bundle(session, bundle).records is None
        assert catalog_store.catalog_fingerprint_in_db(session) == first.fingerprint
