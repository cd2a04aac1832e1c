"""Unit codes as written on orders, and conversion to the base unit."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from catalog_factory import snapshot
from reconcile.units import conversion_rate, unit_code

SNAP = snapshot()


@pytest.mark.parametrize("written,code", [
    ("个", "PCS"), ("只", "PCS"), ("张", "PCS"), ("件", "PCS"), ("pcs", "PCS"), ("PC", "PCS"), ("EA", "PCS"),
    ("PCE", "PCS"), ("箱", "BOX"), ("CTN", "BOX"), ("CT", "BOX"), ("CA", "BOX"), ("BX", "BOX"), ("box", "BOX"),
    ("卷", "ROLL"), ("ROLL", "ROLL"), ("RL", "ROLL"), ("RO", "ROLL"), ("米", "M"), ("M", "M"), ("MR", "M"),
    ("MTR", "M"), ("公斤", "KG"), ("千克", "KG"), ("KG", "KG"), ("KGM", "KG"), ("ＫＧ", "KG"), (" 箱 ", "BOX"),
    ("盒", "盒"), ("dozen", "dozen"), (None, None), ("", None),
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
