"""Unit codes as written on orders, and conversion to the base unit."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from catalog_factory import snapshot
from parsers.vocab import units as vocab_units
from reconcile.catalog import Material, UnitConversion
from reconcile.units import conversion_rate, index_conversions, unit_code

SNAP = snapshot()


@pytest.mark.parametrize("written,code", [
    ("个", "PCS"), ("只", "PCS"), ("张", "PCS"), ("件", "PCS"), ("pcs", "PCS"), ("PC", "PCS"), ("EA", "PCS"),
    ("PCE", "PCS"), ("箱", "BOX"), ("CTN", "BOX"), ("CT", "BOX"), ("CA", "BOX"), ("BX", "BOX"), ("box", "BOX"),
    ("卷", "ROLL"), ("ROLL", "ROLL"), ("RL", "ROLL"), ("RO", "ROLL"), ("米", "M"), ("M", "M"), ("MR", "M"),
    ("MTR", "M"), ("公斤", "KG"), ("千克", "KG"), ("KG", "KG"), ("KGM", "KG"), ("ＫＧ", "KG"), (" 箱 ", "BOX"),
    ("盒", "BOX"), ("dozen", "DZN"), ("包", "PACK"), ("PK", "PACK"), ("pkts", "PACK"), ("双", "PR"),
    ("对", "PR"), ("pairs", "PR"), ("套", "SET"), ("C62", "PCS"), ("吨", "T"), ("TNE", "T"),
    ("KI", "KI"), ("widgets", "widgets"), (None, None), ("", None),
])
def test_unit_code(written, code):
    assert unit_code(written) == code


@pytest.mark.parametrize("number,unit,rate", [
    ("5.01.0006", "PCS", D(1)),
    ("5.01.0006", None, D(1)),            # no unit printed: the base unit
    ("5.01.0006", "箱", D(200)),           # item-specific row
    ("4.01.0009", "CTN", D(6)),            # row for any item with the right base unit
    ("2.01.0033", "卷", D("4.05")),
    ("2.01.0012", "KG", None),             # film sold by the metre, ordered in kg
    ("1.01.0019", "BOX", None),            # the any-item BOX row converts to ROLL, not PCS
])
def test_conversion_rate(number, unit, rate):
    assert conversion_rate(SNAP.units, SNAP.material(number), unit) == rate


def _material(base: str) -> Material:
    return Material("9.99.0001", "test item", "", base, None, D(1), D(0), 0)


@pytest.mark.parametrize("base", ["PACK", "包", "PK", "PR", "双", "SET", "套", "BAG", "袋", "EA", "个"])
@pytest.mark.parametrize("written_as", [str.upper, str.lower, lambda w: f" {w}. "])
def test_every_spelling_of_the_base_unit_is_the_base_unit(base, written_as):
    """Given an item whose base unit is written one way, every spelling of that unit is rate 1."""
    code = unit_code(base)
    for word in [w for w, c in vocab_units._CODES.items() if c == code]:
        assert conversion_rate({}, _material(base), written_as(word)) == D(1), word


@pytest.mark.parametrize("base,ordered,rate", [
    ("PCS", "打", D(12)), ("PCS", "dozen", D(12)), ("KG", "吨", D(1000)), ("KG", "克", D("0.001")),
    ("M", "mm", D("0.001")), ("L", "ML", D("0.001")), ("PCS", "包", None), ("PACK", "箱", None),
])
def test_units_fixed_by_definition_convert_without_a_catalog_row(base, ordered, rate):
    assert conversion_rate({}, _material(base), ordered) == rate


def test_a_row_written_as_ordered_beats_one_sharing_its_code_and_disagreeing_rows_give_no_rate():
    """盒 and 箱 both read BOX: the row written like the order wins; with neither written so, unsure."""
    table = index_conversions((UnitConversion("9.99.0001", "盒", "PCS", D(10)),
                               UnitConversion("9.99.0001", "箱", "PCS", D(200))))
    item = _material("PCS")
    assert conversion_rate(table, item, "箱") == D(200)
    assert conversion_rate(table, item, "盒") == D(10)
    assert conversion_rate(table, item, "CTN") is None


@pytest.mark.parametrize("base,ordered", [("PACK", "包"), ("PACK", "PK"), ("包", "pack"), ("PR", "双"),
                                          ("PAIR", "对"), ("SET", "套"), ("PCS", "支")])
def test_a_line_ordered_in_its_base_unit_spelled_another_way_is_no_unit_mismatch(base, ordered):
    """Given a catalog item in packs (pairs, sets), a line ordered in 包/PK (双, 套) reconciles cleanly."""
    from dataclasses import replace

    from catalog_factory import RECORDS, TODAY, line, order
    from reconcile import reconcile
    item = replace(RECORDS.materials[0], base_unit=base, pack_qty=D(1), min_qty=D(0))
    snap = snapshot(replace(RECORDS, materials=(item,) + RECORDS.materials[1:], units=()))
    result = reconcile(order(line(our_sku=item.number, quantity=D(40), unit=ordered, unit_price=D("2.40"))),
                       snap, today=TODAY)
    assert [a.code for a in result.lines[0].anomalies] == []
    assert result.lines[0].base_quantity == D(40)
