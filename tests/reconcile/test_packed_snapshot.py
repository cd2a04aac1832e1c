"""The packed snapshot answers exactly like the dictionary snapshot it replaced.

Generated catalogs hold what breaks naive indexes (a repeated FNumber, codes equal only after
case and width folding, barcodes with and without leading zeros, repeated price rows, stock on
several rows, items sharing a name); random lookups and random order lines must get the same
answer from both, and the packed form must survive a round trip through bytes.
"""
from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile import CatalogSnapshot, reconcile
from reconcile.catalog import (AliasKind, CatalogRecords, Customer, CustomerAlias, CustomerItem, LearnedRecords, Material,
                               PriceEntry, UnitConversion)
from reconcile.catalog_pack import pack_catalog
from reconcile.keys import code_key
from reconcile.packed import PackError
from reference_snapshot import ReferenceSnapshot

KINDS = ["瓦楞纸箱", "彩盒", "PET瓶", "封箱胶带", "LABEL", "CARTON", "缠绕膜", "JAR"]
COLOURS = ["透明", "白色", "CLEAR", "GOLD", "米黄"]
TODAY = date(2026, 11, 20)


def generated_catalog(seed: int, n: int = 400) -> CatalogRecords:
    rng = random.Random(seed)
    numbers = [f"{rng.randint(1, 3)}.{rng.randint(1, 20):02d}.{i:04d}" for i in range(n)]
    numbers += [numbers[3], numbers[7].lower().replace(".", "．") + " ", "ａｂ-1", "AB-1"]  # repeats, folds
    materials = tuple(
        Material(number, rng.choice(KINDS), f"{rng.randint(10, 60)}×{rng.randint(10, 60)}mm {rng.choice(COLOURS)}",
                 rng.choice(["PCS", "ROLL", "KG"]), rng.choice([None, f"0{690000 + i % 97}", f"{690000 + i % 97}", "N/A"]),
                 D(rng.choice(["1", "10", "2.50", "1E+2"])), D(rng.choice(["0", "100.0"])), rng.randint(0, 9),
                 rng.random() > 0.1)
        for i, number in enumerate(numbers))
    customers = tuple(Customer(f"C{i}", f"客户{i}有限公司", f"客户{i}", (f"buy{i}@c{i}.example.com", f"@c{i % 3}.example"),
                               f"EDI{i}" if i % 2 else None, rng.choice(["CNY", "USD"]),
                               rng.choice([None, D("1000.00")]), D("12.5"), rng.choice([None, f"深圳市南山区{i}号"]))
                      for i in range(6))
    prices = [PriceEntry(rng.choice(numbers), D(rng.randint(1, 999)) / 100, rng.choice([None, "C1", "C2"]),
                         D(rng.choice([0, 100, 1000])), rng.choice([None, D(999), D("5E+3")]),
                         rng.choice([None, date(2026, 1, 1)]), rng.choice([None, date(2026, 12, 31)]),
                         rng.choice([None, "CNY", "USD"])) for _ in range(3 * n)]
    prices += prices[:20]                                                     # exact repeats
    items = tuple(CustomerItem(f"C{rng.randint(0, 5)}", f"x-{i}", f"{rng.choice(KINDS)} {i}", rng.choice(numbers))
                  for i in range(60))
    stock = tuple((rng.choice(numbers), D(rng.choice(["5", "2.50", "1E+3", "0"]))) for _ in range(n))
    units = (UnitConversion(None, "BOX", "PCS", D(24)), UnitConversion(numbers[0], "箱", "PCS", D("12")),
             UnitConversion(numbers[0], "CTN", "PCS", D("10")))
    return CatalogRecords(materials, customers, tuple(prices), items, stock, units)


@pytest.fixture(scope="module", params=[1, 2])
def pair(request) -> tuple[CatalogRecords, ReferenceSnapshot, CatalogSnapshot]:
    records = generated_catalog(request.param)
    return records, ReferenceSnapshot(records), CatalogSnapshot.from_records(records)


def _probe(records: CatalogRecords, rng: random.Random) -> str:
    """A lookup key: an existing code, a mangled one, or noise."""
    m = rng.choice(records.materials)
    return rng.choice([m.number, m.number.lower(), f" {m.number} ", m.barcode or "", m.number[:-1], "",
                       "0" + (m.barcode or "1"), f"{m.name}{m.specification}", "ab-1", "nothing"])


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_plain_lookups_answer_alike(pair, seed):
    records, old, new = pair
    rng = random.Random(seed)
    for _ in range(20):
        key = _probe(records, rng)
        m = rng.choice(records.materials).number
        assert new.material(key) == old.material(key)
        assert new.by_barcode(key) == old.by_barcode(key)
        assert new.prices(m) == old.prices(m) and new.prices(key) == old.prices(key)
        assert new.stock(m) == old.stock(m) and str(new.stock(m)) == str(old.stock(m))
        assert new.stock(key) == old.stock(key)
        customer = rng.choice([c.number for c in records.customers] + [None, "C9"])
        code = rng.choice([ci.code for ci in records.customer_items] + ["X-1 ", "nothing"])
        assert new.customer(customer) == old.customer(customer)
        assert new.customer_item(customer, code) == old.customer_item(customer, code)
        assert new.customer_names(customer) == old.customer_names(customer)


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_text_lookups_answer_alike(pair, seed):
    records, old, new = pair
    rng = random.Random(seed)
    for _ in range(10):
        entry = old.names[rng.randrange(len(old.names))]
        words = list(entry.tokens)
        rng.shuffle(words)
        compact = "".join(words[:rng.randint(1, len(words))])
        assert new.exact_name(entry.compact) == old.exact_name(entry.compact)
        assert new.exact_name(compact) == old.exact_name(compact)
        assert new.name_candidates(compact) == old.name_candidates(compact)
        assert new.name_candidates(compact, limit=5) == old.name_candidates(compact, limit=5)
        # The packed snapshot leaves out names that lack a word as written (the caller would).
        held = old.containing(words[:2])
        assert new.containing(words[:2]) == [e for e in held if all(w in e.compact for w in words[:2])]
        assert new.containing(["x"]) is old.containing(["x"]) is None


def test_whole_tables_answer_alike(pair):
    records, old, new = pair
    assert list(new.names) == list(old.names)
    assert new.customers == old.customers
    assert new.units == old.units
    assert (new.email_exact, new.email_domain, new.edi_ids, new.name_keys) == (
        old.email_exact, old.email_domain, old.edi_ids, old.name_keys)


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_order_lines_reconcile_alike(pair, seed):
    """Whole orders (codes, barcodes, loosely written descriptions) come out the same."""
    records, old, new = pair
    rng = random.Random(seed)
    lines = []
    for no in range(1, 6):
        m = rng.choice(records.materials)
        words = f"{m.name} {m.specification}".replace("×", rng.choice(["*", "x", "×"])).split()
        lines.append(ParsedLine(line_no=no, quantity=D(rng.choice([1, 10, 1200])), unit=rng.choice(["PCS", "箱", None]),
                                our_sku=rng.choice([None, m.number, m.number.lower()]),
                                barcode=rng.choice([None, m.barcode]),
                                description=" ".join(rng.sample(words, rng.randint(1, len(words))))))
    buyer = Party(email=rng.choice(["buy1@c1.example.com", "x@c2.example", "nobody@else.example"]))
    order = ParsedOrder(source=SourceRef("t", None, SourceKind.TEXT), po_number=f"P{seed}", buyer=buyer,
                        lines=tuple(lines))
    assert reconcile(order, new, today=TODAY) == reconcile(order, old, today=TODAY)


def test_the_packed_form_round_trips_through_bytes(pair):
    """What a worker maps from a file is what was packed: a copy of the bytes answers alike."""
    records, old, new = pair
    data = pack_catalog(records)
    again = CatalogSnapshot.from_buffer(bytearray(data))
    m = records.materials[5].number
    assert again.material(m) == old.material(m) and again.prices(m) == old.prices(m)
    assert pack_catalog(records) == data   # the same catalog packs to the same bytes


def test_a_foreign_or_torn_buffer_is_refused():
    data = pack_catalog(generated_catalog(3, 20))
    with pytest.raises(PackError):
        CatalogSnapshot.from_buffer(b"PK\x03\x04 not a catalog at all")
    with pytest.raises(PackError):
        CatalogSnapshot.from_buffer(data[: len(data) // 2])


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_learned_rows_laid_over_answer_alike(pair, seed):
    """Learned codes and aliases laid over the packed catalog answer like the reference's merge:
    a learned code replaces the bundle's for the same customer and code, rows naming unknown
    items or customers are left out, items without a name give no name entry."""
    records, old, new = pair
    rng = random.Random(seed)
    codes = [ci.code.upper() for ci in records.customer_items] + [f"new-{i}" for i in range(5)]
    items = tuple(CustomerItem(f"C{rng.randint(0, 6)}", rng.choice(codes), rng.choice(["", f"{rng.choice(KINDS)} 9"]),
                               rng.choice([rng.choice(records.materials).number, "9.99.9999"]))
                  for _ in range(rng.randint(0, 8)))
    aliases = (CustomerAlias("C1", AliasKind.SENDER, "Li@Free.example.org"), CustomerAlias("C9", AliasKind.SENDER, "x@y.example"),
               CustomerAlias("C2", AliasKind.NAME, "穗丰贸易(广州)有限公司"))
    learned = LearnedRecords(items, aliases[:rng.randint(0, 3)])
    ref, laid = old.with_learned(learned), new.with_learned(learned)
    assert (laid.sender_aliases, laid.name_aliases) == (ref.sender_aliases, ref.name_aliases)
    for customer in [f"C{i}" for i in range(8)]:
        assert laid.customer_names(customer) == ref.customer_names(customer)
        assert laid.customer_items(customer) == tuple(ci for ci in ref.records.customer_items if ci.customer == customer)
        for ci in records.customer_items + items:
            assert laid.customer_item(customer, ci.code) == ref.customer_item(customer, ci.code)
    assert new.customer_names("C1") == old.customer_names("C1")   # the base is untouched
    again = CatalogSnapshot.from_records(records, learned)
    assert again.customer_names("C0") == ref.customer_names("C0")


def test_codes_being_typed_find_items_in_catalog_order(pair):
    records, _, new = pair
    for prefix in ["1", "1.0", "2.1", "AB", "ＡＢ-1", "9", ""]:
        key = code_key(prefix)
        assert new.numbers_with_code_prefix(key) == [m.number for m in records.materials
                                                     if code_key(m.number).startswith(key)]


SAMPLES = {"str": "x-1", "str | None": "y-2", "Decimal": D("12.50"), "Decimal | None": D("1E+3"),
           "date": date(2026, 3, 4), "date | None": date(2026, 3, 5), "int": 7, "bool": False,
           "bool | None": True, "tuple[str, ...]": ("a@b.example", "@c.example")}


def _filled(kind: type, **fixed):
    """A record with no field at its default (a field of a type SAMPLES lacks fails here)."""
    return kind(**{**{f.name: SAMPLES[str(f.type)] for f in dataclasses.fields(kind)}, **fixed})


def test_every_field_of_every_record_survives_packing():
    """A field added to a record type is packed and read back too (or packing refuses it
    loudly): records with every field set come back equal."""
    records = CatalogRecords(materials=(_filled(Material, number="M1"),), customers=(_filled(Customer, number="C1"),),
                             prices=(_filled(PriceEntry, material="M1"),),
                             customer_items=(_filled(CustomerItem, customer="C1"),), units=(_filled(UnitConversion),))
    snapshot = CatalogSnapshot.from_records(records)
    assert snapshot.material("M1") == records.materials[0]
    assert snapshot.prices("M1") == records.prices
    assert snapshot.customers == records.customers
    assert snapshot.customer_items("C1") == records.customer_items
    assert [c for rows in snapshot.units.values() for c in rows] == list(records.units)


@pytest.mark.parametrize("seed", [3, 4])
def test_numbers_ending_with_a_tail_are_found_by_the_index_as_by_a_scan(seed):
    """Generated catalogs (a repeated FNumber, full-width and lower-case numbers among them):
    for tails of every length cut from their own numbers, and tails no number ends with, the
    indexed lookup gives the numbers a scan of every row gives, in catalog order."""
    rng = random.Random(seed)
    records = generated_catalog(seed)
    snapshot = CatalogSnapshot.from_records(records)
    numbers = [m.number for m in records.materials]
    tails = [n[-rng.randint(1, len(n)):] for n in rng.sample(numbers, 60)] + ["9999", ".0000", "Z", ""]
    for tail in tails:
        assert snapshot.numbers_ending_with(tail) == [n for n in numbers if n.endswith(tail)], tail
