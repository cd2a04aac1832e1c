"""Item matching on descriptions a clerk would still understand: attributes left out, a
character or two misread by OCR, but numbers never bent and ties never guessed."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from bench.catalogs import catalog, fuzzy_description
from reconcile.catalog import CatalogRecords, Material
from reconcile.items import Ambiguous, Match, NoMatch, held_score, match_text
from reconcile.snapshot import CatalogSnapshot
from reconcile.textnorm import tokens


def _item(number: str, name: str, spec: str) -> Material:
    return Material(number, name, spec, "PCS", None, D(1), D(0), 1)


SNAP = CatalogSnapshot.from_records(CatalogRecords(materials=(
    _item("7.01.0001", "彩盒", "154×44×27mm PP 透明"),
    _item("7.01.0002", "彩盒", "154×44×30mm PP 透明"),
    _item("7.01.0003", "彩盒", "154×44×27mm PE 红色"),
    _item("7.02.0001", "PET瓶", "330ml 透明 28mm 1881牙"),
    _item("7.02.0002", "PET瓶", "330ml 透明 28mm 1810牙"),
    _item("7.02.0003", "PET瓶", "300ml 透明 28mm 1881牙"),
    _item("7.02.0004", "PET瓶", "30ml 透明 18mm 1881牙"),
    _item("7.03.0001", "铜版纸不干胶标签", "50×25mm 2000张/卷 空白"),
    _item("7.03.0002", "铜版纸不干胶标签", "50×30mm 2000张/卷 空白"),
    _item("7.03.0003", "热敏纸不干胶标签", "50×25mm 1000张/卷 空白"),
    _item("7.04.0001", "瓦楞纸箱", "400×300×250mm 3层B楞"),
    _item("7.04.0002", "瓦楞纸箱", "400×300×250mm 5层BC楞"),
)))


def _matched(text: str) -> str:
    result = match_text(text, None, SNAP)
    assert isinstance(result, Match), result
    return result.material.number


@pytest.mark.parametrize("text,expected", [
    ("彩盒 154x44x27mm 透明", "7.01.0001"),             # material left out, only one is 透明
    ("彩盒 154*44*27 pe", "7.01.0003"),                  # colour left out, other separator, lower case
    ("pet瓶 30ml", "7.02.0004"),                          # 30 ml is its own item, not 300 or 330
    ("彩盒 154×44×27mmPP透明", "7.01.0001"),               # OCR lost the spaces after "mm"
    ("彩盒 154×44×27mmPE", "7.01.0003"),
])
def test_subset_of_one_items_attributes_matches_it(text, expected):
    assert _matched(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("彩盒 154×44×27mm", ("7.01.0001", "7.01.0003")),
    ("纸箱 400*300*250", ("7.04.0001", "7.04.0002")),     # layers not said
    ("PET瓶 33Oml 透明 28mm", ("7.02.0001", "7.02.0002")),  # misread, and the thread not said
])
def test_subset_of_two_items_is_ambiguous(text, expected):
    assert match_text(text, None, SNAP) == Ambiguous(expected)


@pytest.mark.parametrize("text,expected", [
    ("彩盒 154×44×27mm PP 透朋", "7.01.0001"),            # a substituted CJK character
    ("铜版纸干胶标签 50×25mm 2000张/卷 空白", "7.03.0001"),  # a dropped CJK character
    ("铜版纸不干胶标签 5O×25mm", "7.03.0001"),               # a letter for a digit, spec cut short
    ("PET瓶 33Oml 透明 28mm 1881牙", "7.02.0001"),          # a letter for a digit
    ("PET瓶 330ml 透明 28mm l881牙", "7.02.0001"),
])
def test_ocr_misread_matches_the_closest_item(text, expected):
    result = match_text(text, None, SNAP)
    assert isinstance(result, Match) and result.how == "fuzzy", result
    assert result.material.number == expected


@pytest.mark.parametrize("text", [
    "PET瓶 30ml 透明 28mm 1881牙",        # only 300 ml and 330 ml come with a 28 mm neck
    "PET瓶 3300ml 透明 28mm 1881牙",
    "彩盒 154×44×2mm PP 透明",
    "铜版纸不干胶标签 5×25mm 2000张/卷 空白",
])
def test_a_number_is_never_read_as_another(text):
    assert isinstance(match_text(text, None, SNAP), NoMatch)


@pytest.mark.parametrize("text", ["铝箔自立袋 16×24cm 拉链", "PAPER STRAW 6MM WRAPPED", "玻璃罐 250ml 金色盖"])
def test_unknown_item_stays_unknown(text):
    assert isinstance(match_text(text, None, SNAP), NoMatch)


def test_held_score_ignores_words_left_out_and_counts_misreads():
    words = tokens("彩盒 154×44×27mm PP 透明")
    assert held_score(tokens("彩盒 154x44x27"), words) == 100.0
    assert 85.0 < held_score(tokens("彩盒 154x44x27 透朋"), words) < 100.0
    assert held_score(tokens("彩盒 154x44x2"), words) == 0.0


def test_generated_catalog_descriptions_each_find_their_item():
    """Loosely written lines for a 5,000-item catalog where each line has exactly one answer."""
    records = catalog(5000)
    snap = CatalogSnapshot.from_records(records)
    rng = random.Random(5)
    wrong = []
    for _ in range(300):
        m = records.materials[rng.randrange(len(records.materials))]
        text = fuzzy_description(m, rng)
        result = match_text(text, None, snap)
        if not (isinstance(result, Match) and result.material.number == m.number):
            wrong.append((text, result))
    assert wrong == []
