"""A catalog bundle folder into the database: read, checked, stored with its pack.

A bundle whose files are byte for byte those of the loaded catalog is not read again (a
distributor's bundle takes seconds and hundreds of MB to read, and the daemon looks at its
catalog folder at every start). Each step can be reported to `progress` (the command line
shows them on a terminal).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from connectors.catalog_bundle import Progress, bundle_digest, catalog_fingerprint, read_bundle
from reconcile.catalog import CatalogRecords
from store import catalog as catalog_store


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did: the catalog now loaded, its records when they were read, and
    whether it replaced a different catalog."""

    fingerprint: str
    records: CatalogRecords | None
    replaced: bool


def import_bundle(session: Session, folder: Path, *, reread: bool = False,
                  progress: Progress | None = None) -> Imported:
    """Load the bundle in `folder` unless it is the loaded catalog; `reread` reads and checks it
    even when its files are unchanged. Raises `CatalogError` for a bundle that cannot be read."""
    digest = bundle_digest(folder)
    stored = catalog_store.catalog_fingerprint_in_db(session)
    if not reread and stored is not None and catalog_store.catalog_source_in_db(session) == digest:
        return Imported(stored, None, False)
    records = read_bundle(folder, progress=progress)
    fingerprint = catalog_fingerprint(records)
    if fingerprint == stored:
        catalog_store.set_catalog_source(session, digest)
        return Imported(fingerprint, records, False)
    catalog_store.replace_catalog(session, records, fingerprint, source=digest, progress=progress)
    return Imported(fingerprint, records, True)
