"""Item matching: codes before text, exact and partial descriptions, ties are never guessed."""
from __future__ import annotations

import pytest

from catalog_factory import line, snapshot
from reconcile.items import Ambiguous, Match, NoMatch, match_item, match_text

SNAP = snapshot()


@pytest.mark.parametrize("kw,customer,expected,how", [
    ({"our_sku": "5.01.0006"}, None, "5.01.0006", "our code"),
    ({"our_sku": None, "code": "５.０１.０００６"}, None, "5.01.0006", "our code"),
    ({"our_sku": None, "customer_sku": "wy-bt-0500"}, "C0001", "5.01.0006", "customer code"),
    ({"our_sku": None, "code": "GH-31050"}, "C0010", "5.01.0006", "customer code"),
    ({"our_sku": None, "barcode": "06923450101124"}, None, "4.01.0009", "barcode"),
    ({"our_sku": None, "code": "6923450101193"}, None, "4.01.0010", "barcode"),
    ({"our_sku": None, "description": "热敏纸50*30"}, "C0002", "3.01.0030", "name"),
])
def test_codes_and_names_find_the_item(kw, customer, expected, how):
    """Each kind of identifier on a line leads to the same catalog item."""
    result = match_item(line(**kw), customer, SNAP)
    assert isinstance(result, Match)
    assert (result.material.number, result.how) == (expected, how)


def test_customer_code_of_another_customer_is_not_used():
    """C0001's code means nothing for C0010, and without text nothing is matched."""
    assert isinstance(match_item(line(our_sku=None, customer_sku="WY-BT-0500"), "C0010", SNAP), NoMatch)


@pytest.mark.parametrize("text,expected", [
    ("PET瓶 500ml 透明 28mm 1881牙", "5.01.0006"),                 # exact name + spec
    ("ＰＥＴ瓶　５００ＭＬ 透明 28MM 1881牙", "5.01.0006"),           # full-width, other case
    ("瓦楞纸箱 400*300*250 5层BC楞 K=K 外箱", "1.01.0020"),          # all of one item's words, and more
    ("BOPP封箱胶带 48mm x 100m 米黄", "4.01.0010"),
    ("缠绕膜 450mm×20μm", "2.01.0033"),                             # fewer words, only one item has them
    ("CPP流延膜 25μm×1000mm 1000m/巻", "2.01.0012"),                # one OCR-like slip: fuzzy
])
def test_description_matches_one_item(text, expected):
    result = match_text(text, None, SNAP)
    assert isinstance(result, Match), result
    assert result.material.number == expected


@pytest.mark.parametrize("text,expected", [
    ("纸箱 400*300*250", ("1.01.0019", "1.01.0020")),              # layers not said
    ("BOPP封箱胶带 48mm×100m", ("4.01.0009", "4.01.0010")),          # colour not said
    ("封箱胶带 48mm", ("4.01.0009", "4.01.0010")),
    ("PET瓶 500ml 透明 28mm", ("5.01.0006", "5.01.0014")),           # thread not said
])
def test_underspecified_description_is_ambiguous(text, expected):
    """A description that fits several items equally well is reported, never guessed."""
    assert match_text(text, None, SNAP) == Ambiguous(expected)


@pytest.mark.parametrize("text", ["铝箔自立袋 16×24cm 拉链", "PAPER STRAW 6MM WRAPPED", "GLASS JAR 250ML", "纸箱 500*400*300"])
def test_things_we_do_not_sell_match_nothing(text):
    assert isinstance(match_text(text, None, SNAP), NoMatch)


def test_number_inside_a_longer_number_is_not_a_match():
    """'纸箱 40*30*25' is not the 400×300×250 carton: numbers are compared whole."""
    assert isinstance(match_text("纸箱 40*30*25", None, SNAP), NoMatch)


@pytest.mark.parametrize("ids, expected", [
    ((("Ref. X", "ZZ-77"), ("Part No.", "5.01.0006")), "ZZ-77"),   # their code left of ours
    ((("Part No.", "5.01.0006"), ("Mat.-Kz.", "QQ/9-1")), "QQ/9-1"),  # their code right of ours
    ((("Part No.", "5.01.0006"),), None),                          # only our code printed
    ((("Part No.", "5.01.0006"), ("EAN", "6923450101193")), None),  # a GTIN is no customer code
])
def test_a_second_code_printed_beside_ours_is_echoed_as_the_customers(ids, expected):
    """A line printing our code and another code under a heading no vocabulary names: the item is
    matched by our code wherever it stands, and the other code is the customer's own."""
    from reconcile.core import printed_customer_sku

    parsed = line(our_sku=None, code=ids[0][1], ids=ids)
    assert match_item(parsed, None, SNAP).material.number == "5.01.0006"
    assert printed_customer_sku(parsed, SNAP) == expected


@pytest.mark.parametrize("ids", [
    (("PD", "WIDGET 4 BLUE"),), (("LT", "L2026-11"),), (("SN", "SN-0042"),), (("VP", "VX-9"),), (("UP", "012345678905"),),
])
def test_edi_ids_that_are_no_customer_code_are_never_echoed_as_one(ids):
    """X12/EDIFACT ids marked as descriptions, lots, serials, ours or GTINs are not the customer's code."""
    from reconcile.core import printed_customer_sku

    assert printed_customer_sku(line(our_sku=None, code=None, ids=ids), SNAP) is None
