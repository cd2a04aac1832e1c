"""The catalog snapshot as it was before it was packed (dictionaries and one object per row,
with the learned customer items and aliases laid over it), kept as the reference model the
packed snapshot must answer exactly like."""
from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import numpy as np

from reconcile.catalog import (AliasKind, CatalogRecords, Customer, CustomerItem, LearnedRecords,
                               Material, PriceEntry)
from reconcile.keys import NameEntry, barcode_key, bigrams, code_key, name_entry
from reconcile.keys import group as _group
from reconcile.snapshot import ranked_ids, sender_key
from reconcile.textnorm import name_key
from reconcile.units import ConversionTable, index_conversions

# The posting of a bigram no name holds.
_NO_IDS = np.zeros(0, dtype=np.int32)


class ReferenceSnapshot:
    """The dictionary-based snapshot: obviously right, too big for a distributor's catalog."""

    def __init__(self, records: CatalogRecords, learned: LearnedRecords = LearnedRecords()) -> None:
        self.records = records
        self._bundle_items = records.customer_items
        self._materials = {m.number: m for m in records.materials}
        self._material_keys = {code_key(m.number): m.number for m in records.materials}
        self._customers = {c.number: c for c in records.customers}
        self._barcodes = _group((barcode_key(m.barcode), m.number) for m in records.materials if m.barcode)
        self._prices = _group((p.material, p) for p in records.prices)
        self._stock: dict[str, Decimal] = defaultdict(Decimal)
        for number, qty in records.stock:
            self._stock[number] += qty
        self.units: ConversionTable = index_conversions(records.units)
        self.names: tuple[NameEntry, ...] = tuple(
            name_entry(m.number, f"{m.name} {m.specification}") for m in records.materials)
        self._postings = _bigram_postings(self.names)
        self._exact = _group((e.compact, e.material) for e in self.names)
        self._build_customer_index(records.customers)
        self._learn(learned)

    def with_learned(self, learned: LearnedRecords) -> ReferenceSnapshot:
        """This catalog with another set of learned rows laid over the bundle's: the heavy indexes
        are shared, so a clerk's "remember" costs milliseconds, not a rebuild."""
        twin = copy.copy(self)
        twin._learn(learned)
        return twin

    def _learn(self, learned: LearnedRecords) -> None:
        """Index the customer items (learned codes win over the bundle's for the same customer
        and code) and the learned aliases; rows naming an item or customer not in this catalog
        are left out."""
        taught = tuple(ci for ci in learned.customer_items
                       if ci.material in self._materials and ci.customer in self._customers)
        items = merge_customer_items(self._bundle_items, taught)
        self.records = replace(self.records, customer_items=items)
        self.learned = learned
        self._cust_codes = {(ci.customer, code_key(ci.code)): ci for ci in items}
        self._cust_names = _group((ci.customer, name_entry(ci.material, ci.name)) for ci in items if ci.name)
        aliases = [a for a in learned.aliases if a.customer in self._customers]
        self.sender_aliases = _group((sender_key(a.text), a.customer) for a in aliases
                                     if a.kind == AliasKind.SENDER and sender_key(a.text))
        self.name_aliases: tuple[tuple[str, str], ...] = tuple(
            (name_key(a.text), a.customer) for a in aliases if a.kind == AliasKind.NAME and name_key(a.text))

    # --- plain lookups -------------------------------------------------------------------

    def material(self, number: str | None) -> Material | None:
        """The item with this FNumber (spacing, width and case forgiven), or None."""
        if not number:
            return None
        found = self._materials.get(number)
        if found is None:
            key = self._material_keys.get(code_key(number))
            found = self._materials.get(key) if key else None
        return found

    def customer(self, number: str | None) -> Customer | None:
        return self._customers.get(number) if number else None

    @property
    def customers(self) -> tuple[Customer, ...]:
        return self.records.customers

    def by_barcode(self, code: str | None) -> tuple[str, ...]:
        key = barcode_key(code)
        return self._barcodes.get(key, ()) if key else ()

    def customer_item(self, customer: str | None, code: str | None) -> CustomerItem | None:
        if not customer or not code:
            return None
        return self._cust_codes.get((customer, code_key(code)))

    def customer_names(self, customer: str | None) -> tuple[NameEntry, ...]:
        return self._cust_names.get(customer, ()) if customer else ()

    def prices(self, material: str) -> tuple[PriceEntry, ...]:
        return self._prices.get(material, ())

    def stock(self, material: str) -> Decimal | None:
        """Available quantity, or None when the stock list has no row for the item."""
        return self._stock.get(material)

    def exact_name(self, compact: str) -> tuple[str, ...]:
        """Materials whose normalised name + spec is exactly `compact`."""
        return self._exact.get(compact, ())

    # --- free-text prefilter -------------------------------------------------------------

    def name_candidates(self, compact: str, limit: int = 200) -> list[NameEntry]:
        """The catalog names sharing the most character bigrams with `compact`, best first.

        Bigrams are counted rarest first until the posting budget is spent, so the count ranks
        names by what tells them apart.
        """
        postings = [self._postings.get(g, _NO_IDS) for g in bigrams(compact)]
        return [self.names[i] for i in ranked_ids(postings, limit)]

    def containing(self, words: Iterable[str]) -> list[NameEntry] | None:
        """Every catalog name holding all character bigrams of every word, in catalog order.

        A superset of the names that contain each word (the caller checks words whole); None
        when no word is two characters long, so nothing narrows the catalog.
        """
        grams = {g for w in words if len(w) >= 2 for g in bigrams(w)}
        if not grams:
            return None
        postings = sorted((self._postings.get(g, _NO_IDS) for g in grams), key=len)
        ids = postings[0]
        for posting in postings[1:]:
            if not len(ids):
                break
            at = np.searchsorted(posting, ids)
            at[at == len(posting)] = 0
            ids = ids[posting[at] == ids]
        return [self.names[i] for i in ids.tolist()]

    # --- customers -----------------------------------------------------------------------

    def _build_customer_index(self, customers: tuple[Customer, ...]) -> None:
        self.email_exact = _group((addr.strip().lower(), c.number) for c in customers
                                  for addr in c.emails if addr.strip() and not addr.strip().startswith("@"))
        self.email_domain = _group((addr.strip().lower().lstrip("@"), c.number) for c in customers
                                   for addr in c.emails if addr.strip().startswith("@"))
        self.edi_ids = _group((code_key(c.edi_id), c.number) for c in customers if c.edi_id)
        self.name_keys: tuple[tuple[str, str], ...] = tuple(
            (name_key(text), c.number) for c in customers for text in (c.name, c.short_name)
            if text and name_key(text))


def merge_customer_items(bundle: tuple[CustomerItem, ...],
                         learned: tuple[CustomerItem, ...]) -> tuple[CustomerItem, ...]:
    """The bundle's customer items with the learned ones laid over them: a learned code replaces
    the bundle's row for the same customer and code."""
    taught = {(ci.customer, code_key(ci.code)) for ci in learned}
    return tuple(ci for ci in bundle if (ci.customer, code_key(ci.code)) not in taught) + learned


def _bigram_postings(names: tuple[NameEntry, ...]) -> dict[str, np.ndarray]:
    """Bigram -> sorted int32 array of the names holding it (a tenth of the memory of lists)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(names):
        for gram in bigrams(entry.compact):
            postings[gram].append(i)
    return {gram: np.array(ids, dtype=np.int32) for gram, ids in postings.items()}
