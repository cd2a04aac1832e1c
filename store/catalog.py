"""The catalog copy (CONTRACT §1) in the database: replaced whole, loaded whole, known by fingerprint.

With the rows goes the catalog packed for the snapshot (`reconcile.catalog_pack`), so packing
happens once per catalog version, where it is imported, and never in the workers.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reconcile.catalog import CatalogRecords, Customer, CustomerItem, Material, PriceEntry, UnitConversion
from reconcile.catalog_pack import pack_catalog
from reconcile.packed import FORMAT
from store.db import utcnow
from store.models import (CatalogMeta, CatalogPack, CustomerItemRow, CustomerRow, MaterialRow, PriceRow, StockRow,
                          UnitRow)

META = CatalogMeta.__table__
PACK = CatalogPack.__table__
# record type, table, CatalogRecords attribute, fields stored as decimal strings
CATALOG_TABLES: tuple[tuple[type, sa.Table, str, frozenset[str]], ...] = (
    (Material, MaterialRow.__table__, "materials", frozenset({"pack_qty", "min_qty"})),
    (Customer, CustomerRow.__table__, "customers", frozenset({"credit_limit", "open_amount"})),
    (PriceEntry, PriceRow.__table__, "prices", frozenset({"price", "from_qty", "to_qty"})),
    (CustomerItem, CustomerItemRow.__table__, "customer_items", frozenset()),
    (UnitConversion, UnitRow.__table__, "units", frozenset({"rate"})),
)
STOCK = StockRow.__table__

INSERT_CHUNK = 20_000   # rows per INSERT batch (and per progress report)


def replace_catalog(session: Session, records: CatalogRecords, fingerprint: str, *,
                    now: datetime | None = None, source: str | None = None,
                    progress: Callable[[str, int], None] | None = None) -> None:
    """Replace the stored catalog with `records`, and its pack, in one transaction and commit:
    readers see the old catalog or the new one, never a mix. `source` is the digest of the
    bundle files they were read from, if they were; `progress(step, rows)` follows the packing
    and the inserts."""
    if progress is not None:
        progress("packing for the workers", len(records.materials) + len(records.prices))
    packed = pack_catalog(records)   # before the transaction: packing takes seconds
    try:
        for _, table, _, _ in CATALOG_TABLES:
            session.execute(sa.delete(table))
        session.execute(sa.delete(STOCK))
        session.execute(sa.delete(META))
        session.execute(sa.delete(PACK))
        for record_type, table, attribute, decimals in CATALOG_TABLES:
            records_of = getattr(records, attribute)
            for start in range(0, len(records_of), INSERT_CHUNK):
                chunk = records_of[start:start + INSERT_CHUNK]
                session.execute(sa.insert(table), [_catalog_row(record, decimals) for record in chunk])
                if progress is not None:
                    progress(f"saving {attribute}", start + len(chunk))
        if records.stock:
            session.execute(sa.insert(STOCK), [{"material": m, "qty": str(q)} for m, q in records.stock])
        session.execute(sa.insert(PACK).values(id=1, fingerprint=fingerprint, format=FORMAT, data=packed))
        session.execute(sa.insert(META).values(id=1, fingerprint=fingerprint, loaded_at=now or utcnow(), source=source))
        session.commit()
    except BaseException:
        session.rollback()
        raise


def load_catalog(session: Session) -> CatalogRecords | None:
    """The stored catalog, equal to what was saved; None when none was ever loaded."""
    if catalog_fingerprint_in_db(session) is None:
        return None
    loaded: dict[str, tuple[Any, ...]] = {}
    for record_type, table, attribute, decimals in CATALOG_TABLES:
        rows = session.execute(sa.select(table).order_by(table.c.id)).mappings()
        loaded[attribute] = tuple(_catalog_record(record_type, row, decimals) for row in rows)
    stock_rows = session.execute(sa.select(STOCK.c.material, STOCK.c.qty).order_by(STOCK.c.id))
    loaded["stock"] = tuple((material, Decimal(qty)) for material, qty in stock_rows)
    return CatalogRecords(**loaded)


def stored_pack(session: Session, fingerprint: str) -> bytes | None:
    """The packed catalog stored with catalog `fingerprint` in this format; None when there is
    none (a catalog loaded by an older version, or replaced meanwhile)."""
    return session.execute(sa.select(PACK.c.data).where(PACK.c.fingerprint == fingerprint,
                                                        PACK.c.format == FORMAT)).scalar_one_or_none()


def catalog_source_in_db(session: Session) -> str | None:
    """The digest of the bundle files the loaded catalog was read from (None: not from a bundle)."""
    return session.execute(sa.select(META.c.source).where(META.c.id == 1)).scalar_one_or_none()


def set_catalog_source(session: Session, source: str) -> None:
    """Record that the loaded catalog is also what the bundle files with this digest hold; commits."""
    session.execute(sa.update(META).where(META.c.id == 1).values(source=source))
    session.commit()


def catalog_fingerprint_in_db(session: Session) -> str | None:
    """The fingerprint of the loaded catalog, or None when none was ever loaded."""
    return session.execute(sa.select(META.c.fingerprint).where(META.c.id == 1)).scalar_one_or_none()


def _catalog_row(record: Any, decimals: frozenset[str]) -> dict[str, Any]:
    row = {name: getattr(record, name) for name in _field_names(type(record))}
    for name, value in row.items():
        if name in decimals:
            row[name] = None if value is None else str(value)
        elif isinstance(value, tuple):  # Customer.emails
            row[name] = ";".join(value)
    return row


@functools.cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))


def _catalog_record(record_type: type, row: Any, decimals: frozenset[str]) -> Any:
    values = {}
    for field in fields(record_type):
        value = row[field.name]
        if field.name in decimals:
            value = None if value is None else Decimal(value)
        elif field.name == "emails":
            value = tuple(e for e in value.split(";") if e)
        values[field.name] = value
    return record_type(**values)


def catalog_loaded_at(session: Session) -> datetime | None:
    """When the stored catalog was last replaced, or None when none was ever loaded."""
    return session.execute(sa.select(META.c.loaded_at).where(META.c.id == 1)).scalar_one_or_none()
