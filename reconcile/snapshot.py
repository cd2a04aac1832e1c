"""The catalog as reconciliation reads it: the records plus the indexes matching needs.

The indexes are built once per catalog version into a packed buffer (`reconcile.catalog_pack`)
that a worker maps read-only from a file, so the processes of a machine share one copy and a
new version is ready as soon as its file is mapped. Matching one order line is a few hash
lookups and, for free text, character-bigram posting arrays: intersected to find every item
holding all the words of a description, counted to hand only a few hundred candidates to
rapidfuzz. Records (`Material`, `PriceEntry`, `NameEntry`, `CustomerItem`) are made from the
packed rows when asked for; customers and unit rates are few and kept as records. What clerks
taught (learned item codes and customer aliases) is laid over the packed base without a rebuild.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from reconcile.catalog import (AliasKind, CatalogRecords, Customer, CustomerItem, LearnedRecords, Material,
                               PriceEntry)
from reconcile.catalog_pack import PackedCatalog, pack_catalog
from reconcile.keys import NameEntry, barcode_key, bigrams, code_key, group, name_entry
from reconcile.textnorm import name_key
from reconcile.units import ConversionTable, index_conversions

__all__ = ["CatalogSnapshot", "NameEntry", "barcode_key", "bigrams", "code_key", "name_entry", "sender_key"]

# The prefilter counts the rarest bigrams of a text until this many postings are read: common
# ones ("×4", "00") say little and would cost most of the time.
_POSTING_BUDGET = 50_000


class _Names(Sequence[NameEntry]):
    """Every item's name entry, in catalog order, made from the packed rows when read."""

    def __init__(self, packed: PackedCatalog) -> None:
        self._packed = packed

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._packed.name(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._packed.name(i)


class CatalogSnapshot:
    """An immutable, indexed view of one catalog version, with what clerks taught laid over it."""

    def __init__(self, packed: PackedCatalog) -> None:
        self._packed = packed
        small = packed.small_records()
        self._customer_list: tuple[Customer, ...] = small["customers"]
        self._customers = {c.number: c for c in self._customer_list}
        self.units: ConversionTable = index_conversions(small["units"])
        self.names: Sequence[NameEntry] = _Names(packed)
        self._build_customer_index(self._customer_list)
        self._lay_over(())
        self._learn_aliases(LearnedRecords())

    @classmethod
    def from_records(cls, records: CatalogRecords, learned: LearnedRecords = LearnedRecords()) -> CatalogSnapshot:
        """Index a catalog's records (packed in memory), with the learned customer items and
        aliases over them."""
        return cls.from_buffer(pack_catalog(records)).with_learned(learned)

    @classmethod
    def from_buffer(cls, buffer: Any) -> CatalogSnapshot:
        """Open a catalog packed by `reconcile.catalog_pack.pack_catalog` (bytes or an mmap),
        without copying it. Raises `reconcile.packed.PackError` for a buffer of another format."""
        return cls(PackedCatalog(buffer))

    def with_learned(self, learned: LearnedRecords) -> CatalogSnapshot:
        """This catalog with another set of learned rows laid over the bundle's (learned codes
        win over the bundle's for the same customer and code); rows naming an item or customer
        not in this catalog are left out. The packed data is shared: milliseconds, not a rebuild."""
        taught = (ci for ci in learned.customer_items if self._knows(ci))
        twin = self.with_customer_items(taught)
        twin._learn_aliases(learned)
        return twin

    def left_out(self, learned: LearnedRecords) -> LearnedRecords:
        """The learned rows this catalog cannot use, because their item or customer is not in
        it (deleted or renumbered in the ERP since): `with_learned` skips them; people are told."""
        return LearnedRecords(customer_items=tuple(ci for ci in learned.customer_items if not self._knows(ci)),
                              aliases=tuple(a for a in learned.aliases if a.customer not in self._customers))

    def _knows(self, item: CustomerItem) -> bool:
        return bool(len(self._packed.number.get(item.material))) and item.customer in self._customers

    def _learn_aliases(self, learned: LearnedRecords) -> None:
        self.learned = learned
        aliases = [a for a in learned.aliases if a.customer in self._customers]
        self.sender_aliases = group((sender_key(a.text), a.customer) for a in aliases
                                    if a.kind == AliasKind.SENDER and sender_key(a.text))
        self.name_aliases: tuple[tuple[str, str], ...] = tuple(
            (name_key(a.text), a.customer) for a in aliases if a.kind == AliasKind.NAME and name_key(a.text))

    def with_customer_items(self, items: Iterable[CustomerItem]) -> CatalogSnapshot:
        """This catalog with `items` laid over the packed customer item codes: an item for the
        same customer and code replaces the packed one, the others are added after them. The
        packed data is shared, so this costs what `items` cost, not a rebuild."""
        twin = copy.copy(self)
        twin._lay_over(tuple(items))
        return twin

    def _lay_over(self, items: tuple[CustomerItem, ...]) -> None:
        self._extra_items = items
        self._extra_codes = {(ci.customer, code_key(ci.code)): ci for ci in items}
        self._cust_names: dict[str, tuple[NameEntry, ...]] = {}   # made per customer when first asked

    @property
    def material_count(self) -> int:
        return int(self._packed.meta["materials"])

    # --- plain lookups -------------------------------------------------------------------

    def material(self, number: str | None) -> Material | None:
        """The item with this FNumber (spacing, width and case forgiven), or None."""
        if not number:
            return None
        rows = self._packed.number.get(number)
        if not len(rows):
            rows = self._packed.code.get(code_key(number))
        return self._packed.material(int(rows[0])) if len(rows) else None

    def customer(self, number: str | None) -> Customer | None:
        return self._customers.get(number) if number else None

    @property
    def customers(self) -> tuple[Customer, ...]:
        return self._customer_list

    def by_barcode(self, code: str | None) -> tuple[str, ...]:
        key = barcode_key(code)
        return self._packed.strings(self._packed.barcode.get(key)) if key else ()

    def customer_item(self, customer: str | None, code: str | None) -> CustomerItem | None:
        if not customer or not code:
            return None
        key = code_key(code)
        found = self._extra_codes.get((customer, key))
        if found is None:
            rows = self._packed.customer_items_by_code.get(f"{customer}\x1f{key}")
            found = self._packed.customer_item(int(rows[-1])) if len(rows) else None
        return found

    def customer_items(self, customer: str | None) -> tuple[CustomerItem, ...]:
        """The customer's item codes: the packed ones not replaced, then the laid-over ones."""
        if not customer:
            return ()
        packed = self._packed
        rows = packed.customer_items_of.get(customer).tolist()
        own = [packed.customer_item(r) for r in rows if (customer, packed.customer_item_key(r)) not in self._extra_codes]
        return tuple(own) + tuple(ci for ci in self._extra_items if ci.customer == customer)

    def numbers_with_code_prefix(self, prefix: str) -> list[str]:
        """FNumbers whose code key (`code_key`) starts with `prefix`, in catalog order: a code
        being typed."""
        return [self._packed.number_at(row) for row in self._packed.rows_with_code_prefix(prefix)]

    def numbers_ending_with(self, tail: str) -> list[str]:
        """FNumbers that end with `tail`, in catalog order: a code a scan read only the end of
        (two bisections over the numbers read backwards, however big the catalog)."""
        packed = self._packed
        return [packed.number_at(row) for row in packed.rows_with_number_end(tail)]

    def customer_names(self, customer: str | None) -> tuple[NameEntry, ...]:
        """The customer's own item names (packed ones not replaced, then the laid-over ones),
        each once, in that order; items without a name give none."""
        if not customer:
            return ()
        found = self._cust_names.get(customer)
        if found is None:
            packed = self._packed
            entries = [packed.customer_item_entry(row) for row in packed.customer_items_of.get(customer).tolist()
                       if (customer, packed.customer_item_key(row)) not in self._extra_codes]
            entries = [e for e in entries if e.text]
            entries += [name_entry(ci.material, ci.name) for ci in self._extra_items if ci.customer == customer and ci.name]
            found = self._cust_names[customer] = tuple(dict.fromkeys(entries))
        return found

    def prices(self, material: str) -> tuple[PriceEntry, ...]:
        return tuple(self._packed.price(row) for row in self._packed.prices.get(material).tolist())

    def stock(self, material: str) -> Decimal | None:
        """Available quantity, or None when the stock list has no row for the item."""
        found = self._packed.stock.get(material)
        return Decimal(self._packed.pool[int(found[0])]) if len(found) else None

    def exact_name(self, compact: str) -> tuple[str, ...]:
        """Materials whose normalised name + spec is exactly `compact`."""
        return self._packed.strings(self._packed.exact.get(compact))

    # --- free-text prefilter -------------------------------------------------------------

    def name_candidates(self, compact: str, limit: int = 200) -> list[NameEntry]:
        """The catalog names sharing the most character bigrams with `compact`, best first.

        Bigrams are counted rarest first until the posting budget is spent, so the count ranks
        names by what tells them apart.
        """
        postings = [self._packed.postings.get(g) for g in bigrams(compact)]
        return [self._packed.name(i) for i in ranked_ids(postings, limit)]

    def containing(self, words: Iterable[str]) -> list[NameEntry] | None:
        """Every catalog name holding each word as written, in catalog order; None when no word
        is two characters long, so nothing narrows the catalog.

        Bigram postings are intersected first, then each name's compact text is checked for the
        words, so only names that can contain them are made into entries. A superset of the names
        that contain each word whole (the caller checks that).
        """
        words = tuple(words)
        grams = {g for w in words if len(w) >= 2 for g in bigrams(w)}
        if not grams:
            return None
        postings = sorted((self._packed.postings.get(g) for g in grams), key=len)
        ids = postings[0]
        for posting in postings[1:]:
            if not len(ids):
                break
            at = np.searchsorted(posting, ids)
            at[at == len(posting)] = 0
            ids = ids[posting[at] == ids]
        packed = self._packed
        return [packed.name(i) for i in ids.tolist() if all(w in packed.compact(i) for w in words)]

    # --- customers -----------------------------------------------------------------------

    def _build_customer_index(self, customers: tuple[Customer, ...]) -> None:
        self.email_exact = group((addr.strip().lower(), c.number) for c in customers
                                  for addr in c.emails if addr.strip() and not addr.strip().startswith("@"))
        self.email_domain = group((addr.strip().lower().lstrip("@"), c.number) for c in customers
                                   for addr in c.emails if addr.strip().startswith("@"))
        self.edi_ids = group((code_key(c.edi_id), c.number) for c in customers if c.edi_id)
        self.name_keys: tuple[tuple[str, str], ...] = tuple(
            (name_key(text), c.number) for c in customers for text in (c.name, c.short_name)
            if text and name_key(text))


def sender_key(address: str | None) -> str:
    """A sender address (or an `@domain`) for lookup: trimmed, no angle brackets, lower-case."""
    return (address or "").strip().strip("<>").strip().lower()


def ranked_ids(postings: Sequence[np.ndarray], limit: int) -> list[int]:
    """Name ids by how many of the postings hold them, best first, at most `limit`. Postings are
    taken rarest first until the budget is spent: common bigrams cost much and tell little."""
    chosen, spent = [], 0
    for posting in sorted(postings, key=len):
        if spent and spent + len(posting) > _POSTING_BUDGET:
            break
        chosen.append(posting)
        spent += len(posting)
    if not spent:
        return []
    ids, counts = np.unique(np.concatenate(chosen), return_counts=True)
    if len(ids) > limit:
        keep = np.argpartition(-counts, limit - 1)[:limit]
        ids, counts = ids[keep], counts[keep]
    return ids[np.argsort(-counts, kind="stable")].tolist()
