"""Catalog search for a person picking an item or a customer: by our code, the customer's code,
a barcode, or words of the name and specification, with stock and the applicable price.

Pure, over the snapshot's own indexes (codes, barcodes, customer items, the bigram postings of
names), so a keystroke costs a few lookups even at 100,000 items. Hits are ordered by how they
were found: codes before names, exact before partial.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reconcile.catalog import Customer, Material
from reconcile.pricing import applicable_price
from reconcile.snapshot import CatalogSnapshot, code_key
from reconcile.textnorm import compact, name_key, tokens

MAX_HITS = 20


@dataclass(frozen=True, slots=True)
class ItemHit:
    """One item a search found, with what a clerk needs to choose it."""

    number: str
    name: str
    specification: str
    base_unit: str
    barcode: str | None
    active: bool
    stock: Decimal | None
    price: Decimal | None            # per base unit, for this customer, today
    currency: str | None
    how: str                         # our code | customer code | barcode | name
    customer_code: str | None = None  # the customer's own code for it, when the catalog has one

    def to_json(self) -> dict[str, object]:
        return {"number": self.number, "name": self.name, "specification": self.specification,
                "base_unit": self.base_unit, "barcode": self.barcode, "active": self.active,
                "stock": _text(self.stock), "price": _text(self.price), "currency": self.currency,
                "how": self.how, "customer_code": self.customer_code}


def search_items(catalog: CatalogSnapshot, query: str, *, customer: str | None, on: date,
                 limit: int = MAX_HITS) -> list[ItemHit]:
    """Items matching `query` for `customer` (their own codes and names count), best first."""
    text = " ".join(query.split())
    if not text:
        return []
    found: dict[str, str] = {}
    for number, how in _by_code(catalog, text, customer) + _by_name(catalog, text, customer, limit):
        found.setdefault(number, how)
        if len(found) >= limit:
            break
    own = {ci.material: ci.code for ci in catalog.customer_items(customer)}
    return [_hit(catalog, catalog.material(n), how, customer, on, own.get(n)) for n, how in found.items()
            if catalog.material(n) is not None]


def _by_code(catalog: CatalogSnapshot, text: str, customer: str | None) -> list[tuple[str, str]]:
    hits: list[tuple[str, str]] = []
    ours = catalog.material(text)
    if ours is not None:
        hits.append((ours.number, "our code"))
    item = catalog.customer_item(customer, text)
    if item is not None:
        hits.append((item.material, "customer code"))
    hits += [(n, "barcode") for n in catalog.by_barcode(text)]
    key = code_key(text)
    if len(key) >= 2 and any(ch.isdigit() for ch in key):   # a code being typed: 1.01 -> 1.01.0001 …
        hits += [(number, "our code") for number in catalog.numbers_with_code_prefix(key)]
    return hits


def _by_name(catalog: CatalogSnapshot, text: str, customer: str | None, limit: int) -> list[tuple[str, str]]:
    """Names holding every word typed (the customer's own item names first), then the nearest."""
    words = tokens(text)
    packed = compact(text)
    own = [(e.material, "customer name") for e in catalog.customer_names(customer) if packed in e.compact]
    holding = catalog.containing(words) or []
    whole = [(e.material, "name") for e in holding if all(w in e.compact for w in words)]
    near = [(e.material, "name") for e in catalog.name_candidates(packed, limit=limit)] if len(whole) < limit else []
    return own + whole + near


def _hit(catalog: CatalogSnapshot, material: Material, how: str, customer: str | None, on: date,
         own_code: str | None) -> ItemHit:
    currency = _currency(catalog.customer(customer))
    entry = applicable_price(catalog.prices(material.number), customer=customer, base_qty=material.min_qty,
                             on=on, currency=currency)
    return ItemHit(material.number, material.name, material.specification, material.base_unit, material.barcode,
                   material.active, catalog.stock(material.number), entry.price if entry else None,
                   (entry.currency or currency) if entry else None, how, own_code)


def _currency(customer: Customer | None) -> str | None:
    return customer.currency if customer is not None else None


@dataclass(frozen=True, slots=True)
class CustomerHit:
    number: str
    name: str
    emails: tuple[str, ...]
    currency: str

    def to_json(self) -> dict[str, object]:
        return {"number": self.number, "name": self.name, "emails": list(self.emails), "currency": self.currency}


def search_customers(catalog: CatalogSnapshot, query: str, *, limit: int = MAX_HITS) -> list[CustomerHit]:
    """Customers whose code, name, short name or e-mail holds `query`; codes first."""
    text = " ".join(query.split())
    if not text:
        return []
    key, folded, lower = code_key(text), name_key(text), text.lower()
    by_code = [c for c in catalog.customers if code_key(c.number).startswith(key)]
    by_name = [c for c in catalog.customers if folded and (folded in name_key(c.name) or folded in name_key(c.short_name))]
    by_mail = [c for c in catalog.customers if any(lower in e.lower() for e in c.emails)]
    chosen = list(dict.fromkeys(c.number for c in by_code + by_name + by_mail))[:limit]
    return [CustomerHit(c.number, c.name, c.emails, c.currency) for c in map(catalog.customer, chosen) if c]


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
