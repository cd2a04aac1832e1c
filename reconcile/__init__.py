"""The reconciliation core: a parsed order against the ERP catalog, pure and deterministic."""
from reconcile.core import reconcile
from reconcile.snapshot import CatalogSnapshot
from reconcile.units import unit_code

__all__ = ["CatalogSnapshot", "reconcile", "unit_code"]
