"""Properties of the arithmetic: price choice, unit round trips, pack multiples, working days."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from catalog_factory import line
from reconcile.catalog import Material, PriceEntry
from reconcile.checks import LineFacts, qty_not_pack_multiple
from reconcile.items import Match
from reconcile.pricing import applicable_price
from reconcile.units import from_base, to_base
from reconcile.workdays import add_workdays

money = st.decimals(min_value=D("0.01"), max_value=D(1000), places=4)
qty = st.decimals(min_value=D(0), max_value=D(100000), places=0)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
entries = st.builds(
    PriceEntry, material=st.just("X"), price=money, customer=st.sampled_from([None, "C1", "C2"]),
    from_qty=qty, to_qty=st.one_of(st.none(), qty), effective=st.one_of(st.none(), days),
    expiry=st.one_of(st.none(), days), currency=st.sampled_from(["CNY", "USD"]))


@given(st.lists(entries, max_size=12), st.randoms(), qty, days, st.sampled_from([None, "C1"]))
def test_price_choice_ignores_row_order(rows, rnd, q, on, customer):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = applicable_price(rows, customer=customer, base_qty=q, on=on, currency="CNY")
    b = applicable_price(shuffled, customer=customer, base_qty=q, on=on, currency="CNY")
    assert (a.price if a else None) == (b.price if b else None)


@given(st.decimals(min_value=D("0.001"), max_value=D(100000), places=3),
       st.sampled_from([D(1), D(6), D(200), D(500), D("4.05"), D("0.5")]))
def test_unit_conversion_round_trip(q, rate):
    assert from_base(to_base(q, rate), rate) == q


@given(st.integers(min_value=0, max_value=100000), st.integers(min_value=1, max_value=1000))
def test_pack_check_agrees_with_modulo(q, pack):
    material = Material("X", "x", pack_qty=D(pack))
    facts = LineFacts(line(), Match(material, "our code"), material, "PCS", D(1), D(q))
    assert (qty_not_pack_multiple(facts) is None) == (q % pack == 0)


@given(days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_workday_addition_is_monotone(start, n, m):
    lo, hi = sorted((n, m))
    assert add_workdays(start, lo) <= add_workdays(start, hi)
    assert add_workdays(start, hi) <= add_workdays(start + timedelta(days=1), hi)
    assert add_workdays(start, hi).weekday() < 5 or hi == 0
