"""The catalog copy in the database: replace and load give back equal records, Decimals exact."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from reconcile.catalog import CatalogRecords, Customer, Material, PriceEntry, UnitConversion
from reconcile import CatalogSnapshot
from store import catalog as catalog_store
from store.db import session_scope

DATA = Path(__file__).resolve().parents[1] / "data" / "catalog"
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def test_no_catalog_loaded_yet(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert catalog_store.load_catalog(session) is None
        assert catalog_store.catalog_fingerprint_in_db(session) is None


def test_bundle_round_trips_through_the_database(engine: Engine) -> None:
    records = read_bundle(DATA / "k3")
    fingerprint = catalog_fingerprint(records)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, fingerprint, now=NOW)
    with session_scope(engine) as session:
        loaded = catalog_store.load_catalog(session)
        assert catalog_store.catalog_fingerprint_in_db(session) == fingerprint
    assert loaded == records
    assert catalog_fingerprint(loaded) == fingerprint  # exact Decimal text, not just equal value


def test_decimals_keep_their_exact_digits(engine: Engine) -> None:
    """Values a float column would bend (0.1, 28 significant digits, exponents) come back as stored."""
    odd = [Decimal("0.1"), Decimal("123456789012345678.9012345678"), Decimal("1E+3"), Decimal("2.50")]
    records = CatalogRecords(
        materials=(Material("M1", "x", pack_qty=odd[0], min_qty=odd[1]),),
        customers=(Customer("C1", "y", emails=("a@b.example", "@c.example"), credit_limit=odd[2],
                            open_amount=odd[3]),),
        prices=(PriceEntry("M1", odd[1], "C1", odd[0], odd[2], date(2026, 1, 1), None, "CNY"),),
        stock=(("M1", odd[3]),),
        units=(UnitConversion(None, "BOX", "PCS", odd[0]),),
    )
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, "f1", now=NOW)
        loaded = catalog_store.load_catalog(session)
    assert loaded == records
    assert [str(v) for v in (loaded.materials[0].pack_qty, loaded.prices[0].price,
                             loaded.customers[0].credit_limit, loaded.stock[0][1])] == [
        "0.1", "123456789012345678.9012345678", "1E+3", "2.50"]


def test_replace_drops_the_old_catalog(engine: Engine) -> None:
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, read_bundle(DATA / "k3"), "old", now=NOW)
        smaller = CatalogRecords(materials=(Material("M1", "only"),))
        catalog_store.replace_catalog(session, smaller, "new", now=NOW)
        assert catalog_store.load_catalog(session) == smaller
        assert catalog_store.catalog_fingerprint_in_db(session) == "new"


def test_the_catalog_is_stored_with_its_pack(engine: Engine) -> None:
    """The pack written with the rows opens to a snapshot of those rows; a replaced catalog's
    pack is gone with it."""
    records = read_bundle(DATA / "k3")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, "v1", now=NOW)
        snapshot = CatalogSnapshot.from_buffer(catalog_store.stored_pack(session, "v1"))
        catalog_store.replace_catalog(session, CatalogRecords(materials=(Material("M1", "only"),)), "v2", now=NOW)
        assert catalog_store.stored_pack(session, "v1") is None
        assert CatalogSnapshot.from_buffer(catalog_store.stored_pack(session, "v2")).material("m1").name == "only"
    assert [snapshot.material(m.number) for m in records.materials] == list(records.materials)
    assert snapshot.customers == records.customers
