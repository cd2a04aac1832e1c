"""A catalog's records packed for the snapshot (`pack_catalog`) and read back (`PackedCatalog`).

What is packed is what `CatalogSnapshot` looks up, already grouped the way it answers:
materials (one row of pool ids each), their lookup keys (FNumber, the forgiving code key,
barcodes), the name entries and their bigram postings, the exact-name table, prices grouped
by item with repeats dropped, stock summed per item, and customer item codes with their name
entries. Customers and unit rates are few; they travel as JSON and become records when the
snapshot is opened.
Decimals are stored as their exact text, dates as day numbers (0 for none).
"""
from __future__ import annotations

import bisect
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from reconcile.catalog import CatalogRecords, Customer, CustomerItem, Material, PriceEntry, UnitConversion
from reconcile.keys import NameEntry, barcode_key, bigrams, code_key, group, name_entry
from reconcile.packed import KeyIndex, Pool, PoolBuilder, index_arrays, pack_arrays, unpack_arrays

_MATERIAL = ("number", "name", "specification", "base_unit", "barcode", "pack_qty", "min_qty")
_PRICE = ("material", "price", "customer", "from_qty", "to_qty", "currency")
_DECIMALS = frozenset({"pack_qty", "min_qty", "price", "from_qty", "to_qty"})
# Records made from rows are kept for the next lookup, up to this many per kind (then the cache
# starts again): the items a desk's customers order are a small part of a big catalog.
_KEEP = 20_000
T = TypeVar("T")
# The small tables: record type and the fields that hold Decimals.
_SMALL: dict[str, tuple[type, frozenset[str]]] = {
    "customers": (Customer, frozenset({"credit_limit", "open_amount"})),
    "units": (UnitConversion, frozenset({"rate"})),
}


def pack_catalog(records: CatalogRecords) -> bytes:
    """The records as one buffer that `PackedCatalog` reads without copying."""
    pool = PoolBuilder()
    stock = {m: [pool.add(str(q))] for m, q in _stock_totals(records.stock).items()}
    small = json.dumps({name: [_small_row(r, decimals) for r in getattr(records, name)]
                        for name, (_, decimals) in _SMALL.items()}, ensure_ascii=False)
    arrays = _joined(_material_arrays(records.materials, pool), _name_arrays(records.materials, pool),
                     _price_arrays(records.prices, pool), _customer_item_arrays(records.customer_items, pool),
                     index_arrays("stock", stock, pool), {"small.json": np.frombuffer(small.encode(), dtype=np.uint8)})
    arrays |= pool.arrays("pool")   # last: every table above adds to the pool
    return pack_arrays(arrays, {"materials": len(records.materials), "prices": len(records.prices)})


def _material_arrays(materials: tuple[Material, ...], pool: PoolBuilder) -> dict[str, np.ndarray]:
    arrays = {f"material.{name}": pool.column(_texts(materials, name)) for name in _MATERIAL}
    arrays["material.lead_days"] = np.array([m.lead_days for m in materials], dtype=np.int64)
    arrays["material.active"] = np.array([m.active for m in materials], dtype=np.bool_)
    row_of = {m.number: i for i, m in enumerate(materials)}     # a repeated FNumber: the last row
    keys = [code_key(m.number) for m in materials]
    arrays["material.code_key"] = pool.column(keys)
    arrays["material.by_code_key"] = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int32)
    barcodes = group((barcode_key(m.barcode), m.number) for m in materials if m.barcode)
    return _joined(arrays, index_arrays("number", {n: [i] for n, i in row_of.items()}, pool),
                   index_arrays("code", {k: [row_of[m.number]] for k, m in zip(keys, materials)}, pool),
                   index_arrays("barcode", {k: [pool.add(n) for n in v] for k, v in barcodes.items()}, pool))


def _name_arrays(materials: tuple[Material, ...], pool: PoolBuilder) -> dict[str, np.ndarray]:
    """Each item's name entry (our name + spec), the bigram postings and the exact-name table."""
    entries = [name_entry(m.number, f"{m.name} {m.specification}") for m in materials]
    # One pool string per entry ("joined NUL compact NUL text"): one decode makes an entry.
    arrays = {"name.material": pool.column(e.material for e in entries),
              "name.record": pool.column(f"{e.joined}\0{e.compact}\0{e.text}" for e in entries)}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        for gram in bigrams(entry.compact):
            postings[gram].append(i)
    exact = group((e.compact, e.material) for e in entries)
    return _joined(arrays, index_arrays("posting", postings, pool),
                   index_arrays("exact", {k: [pool.add(n) for n in v] for k, v in exact.items()}, pool))


def _customer_item_arrays(items: tuple[CustomerItem, ...], pool: PoolBuilder) -> dict[str, np.ndarray]:
    """Customer item codes, one row each with its name entry, found by customer and code key
    (every row of a key, the last counts) and by customer (every row, in order)."""
    keys = [code_key(ci.code) for ci in items]
    entries = [name_entry(ci.material, ci.name) for ci in items]
    arrays = {f"citem.{name}": pool.column(getattr(ci, name) for ci in items)
              for name in ("customer", "code", "name", "material")}
    arrays["citem.key"] = pool.column(keys)
    arrays["citem.record"] = pool.column(f"{e.joined}\0{e.compact}\0{e.text}" for e in entries)
    by_code: dict[str, list[int]] = defaultdict(list)
    by_customer: dict[str, list[int]] = defaultdict(list)
    for row, (ci, key) in enumerate(zip(items, keys)):
        by_code[f"{ci.customer}\x1f{key}"].append(row)
        by_customer[ci.customer].append(row)
    return _joined(arrays, index_arrays("citem_by_code", by_code, pool),
                   index_arrays("citem_by_customer", by_customer, pool))


def _price_arrays(prices: tuple[PriceEntry, ...], pool: PoolBuilder) -> dict[str, np.ndarray]:
    """Prices grouped by item (first-seen order, exact repeats dropped), one row each."""
    grouped = group((p.material, p) for p in prices)
    rows = [p for entries in grouped.values() for p in entries]
    arrays = {f"price.{name}": pool.column(_texts(rows, name)) for name in _PRICE}
    for name in ("effective", "expiry"):
        arrays[f"price.{name}"] = np.array([_day(getattr(p, name)) for p in rows], dtype=np.int32)
    starts, at = {}, 0
    for material, entries in grouped.items():
        starts[material] = range(at, at + len(entries))
        at += len(entries)
    return _joined(arrays, index_arrays("prices", starts, pool))


def _joined(*parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of all parts; two arrays of one name would be a packing bug, not data."""
    joined: dict[str, np.ndarray] = {}
    for part in parts:
        clash = joined.keys() & part.keys()
        if clash:
            raise ValueError(f"packed arrays named twice: {sorted(clash)}")
        joined |= part
    return joined


def _stock_totals(rows: tuple[tuple[str, Decimal], ...]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for number, qty in rows:
        totals[number] += qty
    return totals


def _texts(records: Sequence[Any], name: str) -> list[str | None]:
    """One field of every record as text (Decimals as their exact text), None kept."""
    values = list(map(operator.attrgetter(name), records))
    if name in _DECIMALS:
        return [None if v is None else str(v) for v in values]
    return values


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> int:
    return 0 if value is None else value.toordinal()


def _small_row(record: Any, decimals: frozenset[str]) -> list[Any]:
    return [_text(getattr(record, f.name)) if f.name in decimals else getattr(record, f.name)
            for f in fields(record)]


class PackedCatalog:
    """A packed catalog opened over a buffer: rows come back as records on request."""

    def __init__(self, buffer: Any) -> None:
        arrays, meta = unpack_arrays(buffer)
        self.meta = meta
        self._names: dict[int, NameEntry] = {}
        self._materials: dict[int, Material] = {}
        self.pool = pool = Pool(arrays, "pool")
        self._arrays = arrays
        self._material = {name: memoryview(arrays[f"material.{name}"])
                          for name in (*_MATERIAL, "lead_days", "active")}
        self._code_keys = memoryview(arrays["material.code_key"])
        self._by_code_key = arrays["material.by_code_key"]
        self._price = {name: memoryview(arrays[f"price.{name}"]) for name in (*_PRICE, "effective", "expiry")}
        self._citem = {name: memoryview(arrays[f"citem.{name}"])
                       for name in ("customer", "code", "name", "material", "key", "record")}
        self.customer_items_by_code = KeyIndex(arrays, "citem_by_code", pool)
        self.customer_items_of = KeyIndex(arrays, "citem_by_customer", pool)
        self._name_material = memoryview(arrays["name.material"])
        self._name_record = memoryview(arrays["name.record"])
        self.number, self.code, self.barcode, self.postings, self.exact, self.prices, self.stock = (
            KeyIndex(arrays, name, pool) for name in ("number", "code", "barcode", "posting", "exact", "prices", "stock"))

    def __len__(self) -> int:
        """How many name entries (one per material row) there are."""
        return len(self._name_material)

    def material(self, row: int) -> Material:
        """The material of row `row` (made once, then kept while the cache has room)."""
        return _kept(self._materials, row, self._make_material)

    def rows_with_code_prefix(self, prefix: str) -> list[int]:
        """Material rows whose code key starts with `prefix`, in catalog order (two bisections
        over the rows sorted by code key)."""
        order, keys, pool = self._by_code_key, self._code_keys, self.pool
        sorted_key = lambda at: pool[keys[order[at]]]  # noqa: E731
        lo = bisect.bisect_left(range(len(order)), prefix, key=sorted_key)
        hi = bisect.bisect_left(range(len(order)), prefix + "\U0010ffff", lo=lo, key=sorted_key)
        return np.sort(order[lo:hi]).tolist()

    def number_at(self, row: int) -> str:
        return self.pool[self._material["number"][row]]

    def _make_material(self, row: int) -> Material:
        c, p = self._material, self.pool
        return Material(p[c["number"][row]], p[c["name"][row]], p[c["specification"][row]], p[c["base_unit"][row]],
                        p[c["barcode"][row]], Decimal(p[c["pack_qty"][row]]), Decimal(p[c["min_qty"][row]]),
                        c["lead_days"][row], bool(c["active"][row]))

    def price(self, row: int) -> PriceEntry:
        c, p = self._price, self.pool
        to_qty = c["to_qty"][row]
        return PriceEntry(p[c["material"][row]], Decimal(p[c["price"][row]]), p[c["customer"][row]],
                          Decimal(p[c["from_qty"][row]]), None if to_qty < 0 else Decimal(p[to_qty]),
                          _date(c["effective"][row]), _date(c["expiry"][row]), p[c["currency"][row]])

    def name(self, row: int) -> NameEntry:
        """The name entry of material row `row` (made once, then kept while the cache has room)."""
        return _kept(self._names, row, self._make_name)

    def _make_name(self, row: int) -> NameEntry:
        return _entry(self.pool[self._name_material[row]], self.pool[self._name_record[row]])

    def compact(self, row: int) -> str:
        """The name entry's compact text alone (a cheap first test before a whole entry is made)."""
        found = self._names.get(row)
        if found is not None:
            return found.compact
        return self.pool[self._name_record[row]].split("\0", 2)[1]

    def customer_item(self, row: int) -> CustomerItem:
        c, p = self._citem, self.pool
        return CustomerItem(p[c["customer"][row]], p[c["code"][row]], p[c["name"][row]], p[c["material"][row]])

    def customer_item_key(self, row: int) -> str:
        """The customer item's code as looked up (`code_key`)."""
        return self.pool[self._citem["key"][row]]

    def customer_item_entry(self, row: int) -> NameEntry:
        return _entry(self.pool[self._citem["material"][row]], self.pool[self._citem["record"][row]])

    def strings(self, ids: np.ndarray) -> tuple[str, ...]:
        return tuple(self.pool[i] for i in ids.tolist())

    def small_records(self) -> dict[str, tuple[Any, ...]]:
        """Customers and unit rates as records."""
        data = json.loads(bytes(memoryview(self._arrays["small.json"])))
        return {name: tuple(_small_record(kind, decimals, row) for row in data[name])
                for name, (kind, decimals) in _SMALL.items()}


def _entry(material: str, record: str) -> NameEntry:
    """A name entry from its packed record, "joined NUL compact NUL text"."""
    joined, compact, text = record.split("\0", 2)
    return NameEntry(material, text, tuple(joined.split(" ")) if joined else (), joined, compact)


def _kept(cache: dict[int, T], row: int, make: Callable[[int], T]) -> T:
    found = cache.get(row)
    if found is None:
        if len(cache) >= _KEEP:
            cache.clear()
        found = cache[row] = make(row)
    return found


def _date(day: int) -> date | None:
    return date.fromordinal(day) if day else None


def _small_record(kind: type, decimals: frozenset[str], row: list[Any]) -> Any:
    values = {}
    for f, value in zip(fields(kind), row):
        if f.name in decimals:
            value = None if value is None else Decimal(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return kind(**values)
