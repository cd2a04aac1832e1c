"""Fixtures of the outbox tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.catalog_bundle import read_bundle
from reconcile import CatalogSnapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> CatalogSnapshot:
    """The sample catalog the project ships, as the outbox tests' orders are reconciled against it."""
    return CatalogSnapshot.from_records(read_bundle(ROOT / "examples" / "catalog"))
