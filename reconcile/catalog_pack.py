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

# Records made from rows are kept for the next lookup, up to this many per kind (then the cache
# starts again): the items a desk's customers order are a small part of a big catalog.
_KEEP = 20_000
T = TypeVar("T")
# The small tables, kept as JSON.
_SMALL: dict[str, type] = {"customers": Customer, "units": UnitConversion}


def pack_catalog(records: CatalogRecords) -> bytes:
    """The records as one buffer that `PackedCatalog` reads without copying."""
    pool = PoolBuilder()
    stock = {m: [pool.add(str(q))] for m, q in _stock_totals(records.stock).items()}
    small = json.dumps({name: [[_json_value(getattr(r, f.name)) for f in fields(kind)] for r in getattr(records, name)]
                        for name, kind in _SMALL.items()}, ensure_ascii=False)
    arrays = _joined(_material_arrays(records.materials, pool), _name_arrays(records.materials, pool),
                     _price_arrays(records.prices, pool), _customer_item_arrays(records.customer_items, pool),
                     index_arrays("stock", stock, pool), {"small.json": np.frombuffer(small.encode(), dtype=np.uint8)})
    arrays |= pool.arrays("pool")   # last: every table above adds to the pool
    return pack_arrays(arrays, {"materials": len(records.materials), "prices": len(records.prices)})


def _material_arrays(materials: tuple[Material, ...], pool: PoolBuilder) -> dict[str, np.ndarray]:
    arrays = record_arrays("material", Material, materials, pool)
    row_of = {m.number: i for i, m in enumerate(materials)}     # a repeated FNumber: the last row
    keys = [code_key(m.number) for m in materials]
    arrays["material.code_key"] = pool.column(keys)
    arrays["material.by_code_key"] = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int32)
    backwards = [m.number[::-1] for m in materials]   # numbers by their ends: a scan that lost a code's start
    arrays["material.by_number_end"] = np.array(sorted(range(len(backwards)), key=backwards.__getitem__), dtype=np.int32)
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
    arrays = record_arrays("citem", CustomerItem, items, pool)
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
    arrays = record_arrays("price", PriceEntry, rows, pool)
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


# --- record fields, by their declared type ---------------------------------------------------


def _texts(values: list[Any], pool: PoolBuilder) -> np.ndarray:
    return pool.column(values)


def _decimals(values: list[Any], pool: PoolBuilder) -> np.ndarray:
    return pool.column(None if v is None else str(v) for v in values)   # the exact text


def _days(values: list[Any], pool: PoolBuilder) -> np.ndarray:
    return np.array([0 if v is None else v.toordinal() for v in values], dtype=np.int32)


def _ints(values: list[Any], pool: PoolBuilder) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _flags(values: list[Any], pool: PoolBuilder) -> np.ndarray:
    return np.array([-1 if v is None else int(v) for v in values], dtype=np.int8)


_FIELD_ARRAYS: dict[str, Callable[[list[Any], PoolBuilder], np.ndarray]] = {
    "str": _texts, "str | None": _texts, "Decimal": _decimals, "Decimal | None": _decimals,
    "date": _days, "date | None": _days, "int": _ints, "bool": _flags, "bool | None": _flags,
}


def record_arrays(prefix: str, kind: type, records: Sequence[Any], pool: PoolBuilder) -> dict[str, np.ndarray]:
    """One array per field of the record type `kind`, chosen by the field's declared type, so a
    field added to the record is packed too (or refused loudly, never dropped)."""
    arrays = {}
    for f in fields(kind):
        make = _FIELD_ARRAYS.get(str(f.type))
        if make is None:
            raise TypeError(f"{kind.__name__}.{f.name} ({f.type}) has no packed form")
        arrays[f"{prefix}.{f.name}"] = make(list(map(operator.attrgetter(f.name), records)), pool)
    return arrays


def _field_reader(annotation: str, pool: Pool) -> Callable[[int], Any]:
    """How a packed value of a field of this declared type becomes the field's value again."""
    if annotation.startswith("str"):
        return pool.__getitem__
    if annotation.startswith("Decimal"):
        return lambda i: None if i < 0 else Decimal(pool[i])
    if annotation.startswith("date"):
        return _date
    if annotation == "bool | None":
        return lambda v: None if v < 0 else bool(v)
    return bool if annotation == "bool" else int


class _Records:
    """Records of one type read back, row by row, from the arrays `record_arrays` wrote."""

    def __init__(self, arrays: dict[str, np.ndarray], prefix: str, kind: type, pool: Pool) -> None:
        self._kind = kind
        self._columns = [(memoryview(arrays[f"{prefix}.{f.name}"]), _field_reader(str(f.type), pool))
                         for f in fields(kind)]

    def __getitem__(self, row: int) -> Any:
        return self._kind(*[read(column[row]) for column, read in self._columns])


def _json_value(value: Any) -> Any:
    if isinstance(value, (Decimal, date)):
        return str(value)
    return list(value) if isinstance(value, tuple) else value


def _from_json(annotation: str, value: Any) -> Any:
    if value is None:
        return None
    if annotation.startswith("Decimal"):
        return Decimal(value)
    if annotation.startswith("date"):
        return date.fromisoformat(value)
    return tuple(value) if isinstance(value, list) else value


class PackedCatalog:
    """A packed catalog opened over a buffer: rows come back as records on request."""

    def __init__(self, buffer: Any) -> None:
        arrays, meta = unpack_arrays(buffer)
        self.meta = meta
        self._names: dict[int, NameEntry] = {}
        self._materials: dict[int, Material] = {}
        self.pool = pool = Pool(arrays, "pool")
        self._arrays = arrays
        self._material_rows = _Records(arrays, "material", Material, pool)
        self._numbers = memoryview(arrays["material.number"])
        self._code_keys = memoryview(arrays["material.code_key"])
        self._by_code_key = arrays["material.by_code_key"]
        self._by_number_end = arrays["material.by_number_end"]
        self._price_rows = _Records(arrays, "price", PriceEntry, pool)
        self._citem_rows = _Records(arrays, "citem", CustomerItem, pool)
        self._citem = {name: memoryview(arrays[f"citem.{name}"]) for name in ("material", "key", "record")}
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

    def rows_with_number_end(self, tail: str) -> list[int]:
        """Material rows whose FNumber ends with `tail`, in catalog order (two bisections over
        the rows sorted by their numbers read backwards)."""
        order, numbers, pool = self._by_number_end, self._numbers, self.pool
        backwards_key = lambda at: pool[numbers[order[at]]][::-1]  # noqa: E731
        start = tail[::-1]
        lo = bisect.bisect_left(range(len(order)), start, key=backwards_key)
        hi = bisect.bisect_left(range(len(order)), start + "\U0010ffff", lo=lo, key=backwards_key)
        return np.sort(order[lo:hi]).tolist()

    def number_at(self, row: int) -> str:
        return self.pool[self._numbers[row]]

    def _make_material(self, row: int) -> Material:
        return self._material_rows[row]

    def price(self, row: int) -> PriceEntry:
        return self._price_rows[row]

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
        return self._citem_rows[row]

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
        return {name: tuple(kind(*[_from_json(str(f.type), v) for f, v in zip(fields(kind), row)]) for row in data[name])
                for name, kind in _SMALL.items()}


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
