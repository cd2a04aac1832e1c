"""Numbers and quantities as printed on Chinese and English orders."""
from decimal import Decimal

import pytest

from parsers.vocab.numbers import nfkc, parse_decimal, parse_quantity


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", "1234.50"),
    ("1.234,50", "1234.50"),
    ("１０，０００", "10000"),
    ("¥1,000.00", "1000.00"),
    ("￥1,000.00", "1000.00"),
    ("3,000", "3000"),
    ("1.2万", "12000"),
    ("4.00元", "4.00"),
    ("4.00元/个", "4.00"),
    ("US$ 12.30", "12.30"),
    ("RMB 7.5", "7.5"),
    ("NTD39.81", "39.81"), ("NT$ 39.81", "39.81"), ("39.81新台幣", "39.81"),
    ("€ 1.234,5", "1234.5"),
    ("4,5", "4.5"),
    ("1.234.567", "1234567"),
    ("1 234,50", "1234.50"),
    ("0.79", "0.79"),
    ("-3", "-3"),
])
def test_parse_decimal_reads_printed_numbers(text, expected):
    """A number printed with separators, currency marks or 万 reads as its value."""
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12.5%", "abc", "", None, "400*300*250", "1,2,3", "PO-1"])
def test_parse_decimal_refuses_what_is_not_one_number(text):
    """Percentages, words and sizes are not amounts."""
    assert parse_decimal(text) is None


@pytest.mark.parametrize("text, qty, unit", [
    ("500个", "500", "个"),
    ("20 pcs", "20", "pcs"),
    ("1.2万卷", "12000", "卷"),
    ("3,000", "3000", None),
    ("１０，０００个", "10000", "个"),
    ("12 CTN", "12", "CTN"),
    ("3 万个", "30000", "个"),
])
def test_parse_quantity_splits_the_unit(text, qty, unit):
    """A unit glued to or written after the quantity comes back as written."""
    assert parse_quantity(text) == (Decimal(qty), unit)


@pytest.mark.parametrize("text", ["400*300*250", "10 x 20", "", "pcs"])
def test_parse_quantity_refuses_sizes_and_words(text):
    """A carton size or a bare word is not a quantity."""
    assert parse_quantity(text) == (None, None)


def test_nfkc_folds_full_width_and_strips():
    """Full-width letters, digits and the ideographic space read as ASCII."""
    assert nfkc("\u3000ＳＦ１１１６ ") == "SF1116"


@pytest.mark.parametrize("number", ["218", "1,284", "21.5", "9700"])
@pytest.mark.parametrize("unit", ["千克", "千米", "千瓦", "千升"])
@pytest.mark.parametrize("space", ["", " "])
def test_thousand_before_a_unit_character_is_part_of_the_unit(number, unit, space):
    """千克 is kilograms, not "thousand 克": "218 千克" is 218 of them; 2千个 is still 2000 pieces."""
    assert parse_quantity(f"{number}{space}{unit}") == (parse_decimal(number), unit)
    assert parse_quantity(f"2{space}千个") == (Decimal(2000), "个")


_LOOKALIKE_DIGITS = {"O": "0", "S": "5", "I": "1", "B": "8", "G": "6"}


@pytest.mark.parametrize("seed", range(10))
def test_a_unit_word_read_with_a_digit_for_a_letter_keeps_its_quantity(seed):
    """Generated: every Latin unit word with one of O, S, I, B, G read as its look-alike digit
    ("B0X", "PC5", "K6") after a quantity, glued or spaced: the quantity is read, the unit comes back
    as printed and the misread vocabulary names the word's own unit."""
    import random

    from parsers.vocab import misread
    from parsers.vocab.units import unit_words
    rng = random.Random(seed)
    for word, code in unit_words().items():
        # A first letter read as a digit runs into the number ("1250 5TK"): no reader can tell that.
        spots = [i for i, ch in enumerate(word) if ch in _LOOKALIKE_DIGITS and i > 0]
        if not word.isascii() or not spots or len(word) < 2:
            continue
        i = rng.choice(spots)
        slip = word[:i] + _LOOKALIKE_DIGITS[word[i]] + word[i + 1:]
        if unit_words().get(slip):
            continue  # "M2" and "M3" are units of their own
        qty = Decimal(rng.choice(["12", "72", "1,250", "3.5"]).replace(",", ""))
        text = f"{qty:,}{rng.choice(['', ' '])}{slip}"
        assert parse_quantity(text) == (qty, slip), text
        assert misread.unit_code(slip) == code, slip


@pytest.mark.parametrize("text", ["20 M8", "4 x30", "12 M10", "3 X1", "6 A4"])
def test_a_size_with_digits_is_still_no_unit(text):
    """A bolt size or a paper format after a number is no unit read with look-alike digits."""
    assert parse_quantity(text) == (None, None)


@pytest.mark.parametrize("mark", [".", ":", ";", ","])
def test_a_unit_with_a_mark_after_it_is_a_unit(mark):
    """"kg:" and "pcs." (a speck or a separator OCR read after the word) are units."""
    from parsers.vocab.units import unit_code
    assert unit_code(f"kg{mark}") == "KG" and unit_code(f"PCS{mark}") == "PCS"
