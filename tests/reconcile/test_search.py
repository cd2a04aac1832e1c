"""The pickers' catalog search: codes before names, the customer's own codes and names, stock and
the price that customer pays today, forbidden items shown as such."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.catalog_bundle import read_bundle
from reconcile import CatalogSnapshot
from reconcile.search import search_customers, search_items

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "catalog"
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def catalog() -> CatalogSnapshot:
    return CatalogSnapshot.from_records(read_bundle(GOLDEN))


@pytest.mark.parametrize("query, customer, first, how", [
    ("5.01.0001", None, "5.01.0001", "our code"),
    ("5.01.0001 ", "C002", "5.01.0001", "our code"),
    ("ET-CAP28", "C002", "5.02.0001", "customer code"),
    ("6900000000042", None, "4.01.0002", "barcode"),
    ("封箱胶带 米黄", None, "4.01.0002", "name"),
    ("CAP 28MM", "C002", "5.02.0001", "customer name"),
])
def test_the_first_hit_is_the_item_meant(catalog, query, customer, first, how):
    hits = search_items(catalog, query, customer=customer, on=TODAY)
    assert (hits[0].number, hits[0].how) == (first, how)


def test_a_hit_carries_stock_the_customers_price_and_their_code(catalog):
    (hit, *_) = search_items(catalog, "ET-500", customer="C002", on=TODAY)
    assert (hit.stock, hit.price, hit.currency, hit.customer_code) == (Decimal(200000), Decimal("0.065"), "USD", "ET-500")
    general = search_items(catalog, "5.01.0001", customer=None, on=TODAY)[0]
    assert (general.price, general.currency, general.customer_code) == (Decimal("0.45"), "CNY", None)


def test_a_forbidden_item_is_found_but_marked(catalog):
    hits = {h.number: h for h in search_items(catalog, "不干胶标签", customer=None, on=TODAY)}
    assert hits["3.01.0001"].active and not hits["3.01.0002"].active


def test_nothing_typed_finds_nothing_and_customers_are_found_by_code_name_or_mail(catalog):
    assert search_items(catalog, "  ", customer=None, on=TODAY) == []
    assert [c.number for c in search_customers(catalog, "c00")] == ["C001", "C002", "C003"]
    assert [c.number for c in search_customers(catalog, "示例食品")] == ["C001"]
    assert [c.number for c in search_customers(catalog, "beispiel.example")] == ["C003"]
