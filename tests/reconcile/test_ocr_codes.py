"""Codes read by OCR: separators the scan garbled are put back as the catalog spells the code,
and a customer's code on a fax that the catalog cannot vouch for keeps the order out of `accepted`."""
from __future__ import annotations

import random
import re
from dataclasses import replace
from decimal import Decimal as D

import pytest

from catalog_factory import CUSTOMER_ITEMS, MATERIALS, PRICES, RECORDS, TODAY, line, order, snapshot
from parsers.model import CheckName as N, CheckOutcome as O, ReadCheck, SourceKind, SourceRef
from reconcile import reconcile
from reconcile.anomalies import AnomalyCode as C
from reconcile.catalog import CustomerItem, Material, PriceEntry
from reconcile.ocrcodes import our_code, repaired, spellings, tail_repaired
from reconcile.result import OrderStatus

SNAP = snapshot()
FAX = SourceRef("in/fax.tif", None, SourceKind.FAX)
VOUCHED = (ReadCheck(N.TOTAL, O.PASSED, "The lines add up."),)
_GARBLES = (",", ":", ";", " ", " , ", "·", "，", "：")


def _garbled(code: str, rng: random.Random) -> str:
    """The code with one or more of its separators read as something else, as a scan does."""
    seps = [m.start() for m in re.finditer(r"[.\-/]", code)]
    chosen = rng.sample(seps, rng.randint(1, len(seps)))
    return "".join(rng.choice(_GARBLES) if i in chosen else ch for i, ch in enumerate(code))


@pytest.mark.parametrize("seed", range(12))
def test_a_garbled_code_of_ours_reads_as_the_catalog_spells_it(seed):
    rng = random.Random(seed)
    material = rng.choice(MATERIALS)
    garbled = _garbled(material.number, rng)
    assert our_code(garbled, SNAP) == material.number, garbled


@pytest.mark.parametrize("seed", range(6))
def test_a_garbled_customer_code_reads_as_theirs(seed):
    rng = random.Random(seed)
    item = rng.choice(CUSTOMER_ITEMS)
    garbled = _garbled(item.code, rng)
    fixed = repaired(line(our_sku=None, code=garbled, ids=(("Part", garbled),)), item.customer, SNAP)
    assert (fixed.code, fixed.ids) == (item.code, (("Part", item.code),))


@pytest.mark.parametrize("seed", range(8))
def test_a_customer_code_read_in_another_case_is_the_catalogs_spelling(seed):
    """Given a customer code a scan read with letters in the wrong case ('KDs-15355'), the line
    carries the code as the catalog spells it, in each field that held it."""
    rng = random.Random(seed)
    item = rng.choice([i for i in CUSTOMER_ITEMS if any(ch.isalpha() for ch in i.code)])
    letters = [k for k, ch in enumerate(item.code) if ch.isalpha()]
    flip = set(rng.sample(letters, rng.randint(1, len(letters))))
    read = "".join(ch.swapcase() if k in flip else ch for k, ch in enumerate(item.code))
    fixed = repaired(line(our_sku=None, code=read, customer_sku=read, ids=(("Part", read),)), item.customer, SNAP)
    assert (fixed.code, fixed.customer_sku, fixed.ids) == (item.code, item.code, (("Part", item.code),)), read


def test_a_code_that_names_two_items_once_repaired_is_left_as_read():
    """1.01.0020 and 1-01-0020 both in the catalog: "1,01,0020" could be either, so no guess."""
    twin = Material("1-01-0020", "瓦楞纸箱", "other", "PCS", None, D(1), D(0), 1)
    snap = snapshot(replace(RECORDS, materials=RECORDS.materials + (twin,)))
    assert set(spellings("1,01,0020")) >= {"1.01.0020", "1-01-0020"}
    assert our_code("1,01,0020", snap) is None
    assert our_code("1.01.0020", snap) is None, "a code the catalog knows as read needs no repair"


def test_a_number_is_not_taken_for_a_code():
    assert our_code("1,500", SNAP) is None and our_code("12 500", SNAP) is None


def _fax(*lines):
    return replace(order(*lines), source=FAX, read_checks=VOUCHED)


def test_an_echo_of_our_code_on_a_fax_is_no_customer_code():
    """A fax whose code column reads "5.01,0006": our code, matched, and no customer code echoed."""
    result = reconcile(_fax(line(our_sku=None, code="5.01,0006", unit_price=D("0.42"))), SNAP, today=TODAY)
    assert (result.lines[0].sku, result.lines[0].customer_sku) == ("5.01.0006", None)
    assert result.status is OrderStatus.ACCEPTED


@pytest.mark.parametrize("printed, accepted", [
    ("WY-BT-0500", True),            # C0001's own code for the bottle
    ("WY:BT 0500", True),            # ... garbled, and put back
    ("WY-BT-0501", False),           # a code no list holds: a misread, or a new code nobody checked
    ("SF-RM-5030", False),           # another customer's code
])
def test_a_customer_code_on_a_fax_must_be_vouched_for(printed, accepted):
    result = reconcile(_fax(line(customer_sku=printed, unit_price=D("0.42"))), SNAP, today=TODAY)
    assert (result.status is OrderStatus.ACCEPTED) is accepted
    if not accepted:
        assert [a.code for a in result.anomalies] == [C.MISSING_FIELD]
        assert printed in result.anomalies[0].message and "Line 1" in result.anomalies[0].message


def test_a_customer_code_in_a_text_document_is_echoed_unchecked():
    """A typed code is no guess: an unknown customer code on a text read is only echoed."""
    result = reconcile(order(line(customer_sku="WY-BT-0501", unit_price=D("0.42"))), SNAP, today=TODAY)
    assert result.status is OrderStatus.ACCEPTED and result.lines[0].customer_sku == "WY-BT-0501"


@pytest.mark.parametrize("printed, unit", [("paurs", "PR"), ("rol", "ROLL"), ("piecs", "PCS"), ("BOXES", "BOX")])
def test_a_unit_word_misread_by_a_letter_on_a_fax_is_its_unit(printed, unit):
    assert repaired(line(unit=printed), "C0001", SNAP).unit in (unit, printed)
    assert reconcile(_fax(line(unit=printed, quantity=D(1000))), SNAP, today=TODAY).lines[0].unit == unit


@pytest.mark.parametrize("seed", range(8))
def test_any_latin_unit_word_misread_by_one_letter_is_its_unit_or_left_alone(seed):
    """Generated: each Latin unit word of four letters or more, one letter dropped or changed, reads
    as its own unit or stays as printed; it never becomes another unit."""
    from parsers.vocab.misread import unit_code
    from parsers.vocab.units import unit_words
    rng = random.Random(seed)
    for word, code in unit_words().items():
        if not (word.isascii() and word.isalpha() and len(word) >= 4):
            continue
        i = rng.randrange(len(word))
        slip = word[:i] + (rng.choice("QXZJ") if rng.random() < 0.5 else "") + word[i + 1:]
        assert unit_code(slip) in (code, None) or unit_code(slip) == unit_code(slip.upper()) and slip in unit_words(), (word, slip)


@pytest.mark.parametrize("printed", ["圃", "隽", "price.GBP 0.8255", "个:单价:"])
def test_a_unit_read_as_no_unit_is_the_items_unit_and_a_doubt(printed):
    """A fax whose unit cell reads as no unit word: the item's own unit stands in, and the order
    waits for a clerk with a sentence naming what was read."""
    result = reconcile(_fax(line(unit=printed, unit_price=D("0.42"))), SNAP, today=TODAY)
    assert result.lines[0].unit == "PCS" and not result.lines[0].anomalies
    assert result.status is OrderStatus.REVIEW
    assert [a.code for a in result.anomalies] == [C.MISSING_FIELD] and printed in result.anomalies[0].message


def test_a_unit_only_the_catalogs_conversions_know_is_kept():
    """"PALX" is no vocabulary word, but the catalog converts it: it is a unit, read as printed."""
    from reconcile.catalog import UnitConversion
    snap = snapshot(replace(RECORDS, units=RECORDS.units + (UnitConversion("5.01.0006", "PALX", "PCS", D(1000)),)))
    assert repaired(line(unit="PALX"), "C0001", snap).unit == "PALX"
    assert repaired(line(unit="PALX"), "C0001", SNAP).unit is None


@pytest.mark.parametrize("printed, sku, accepted", [
    ("R0LL", "4.01.0009", True),     # the tape is sold by the roll: the item vouches for the guess
    ("ro1l", "4.01.0009", True),
    ("PC5", "5.01.0006", True),      # bottles are counted in pieces
    ("B0X", "5.01.0006", False),     # a box of 200 bottles converts, but nothing vouches that BOX was printed
    ("paurs", "4.01.0009", False),   # pairs of tape: no item's unit to vouch for it
])
def test_a_unit_taken_back_from_a_misreading_needs_the_items_unit_to_vouch(printed, sku, accepted):
    """A unit OCR misread ("B0X", "PC5", "paurs") is read as the unit it names; the order is accepted
    on it only when that is the matched item's own unit, else it waits with a sentence naming the read."""
    result = reconcile(_fax(line(our_sku=sku, unit=printed, quantity=D(1000), unit_price=None)), SNAP, today=TODAY)
    assert result.lines[0].unit == {"R": "ROLL", "r": "ROLL", "P": "PCS", "B": "BOX", "p": "PR"}[printed[0]]
    doubts = [a for a in result.anomalies if "unit read from the scan" in a.message]
    assert (not doubts) is accepted
    if not accepted:
        assert printed in doubts[0].message and "Line 1" in doubts[0].message


def _edited(code: str, edits: int, rng: random.Random) -> str:
    """The code with `edits` characters dropped, doubled or read as another, as a scan does."""
    for _ in range(edits):
        i = rng.randrange(len(code))
        code = rng.choice([code[:i] + code[i + 1:], code[:i] + code[i] + code[i:], code[:i] + rng.choice("IJ1l0O") + code[i + 1:]])
    return code


@pytest.mark.parametrize("seed", range(20))
def test_a_customer_code_read_a_letter_or_two_off_beside_our_code_is_the_catalogs(seed):
    """Generated: C0001's code for the bottle read with one or two characters dropped, doubled or
    changed ("WY-BT-05000", "WJ-BT-0500"), on a fax line that also prints our code: it is the
    catalog's code for that item, accepted when only letters differ and doubted when a digit does;
    without our code beside it, or three characters off, it stays as read and the order waits."""
    rng = random.Random(seed)
    read = _edited("WY-BT-0500", rng.choice([1, 2]), rng)
    if read == "WY-BT-0500":
        return
    beside = reconcile(_fax(line(customer_sku=read, unit_price=D("0.42"))), SNAP, today=TODAY)
    same_digits = re.sub(r"\D", "", read) == "0500"
    assert beside.lines[0].customer_sku == "WY-BT-0500", read
    # Letters the scan confused are its own; a digit read otherwise may be the customer's meaning.
    assert (beside.status is OrderStatus.ACCEPTED) is same_digits, read
    if not same_digits:
        assert any(read in a.message and "digits differ" in a.message for a in beside.anomalies)
    alone = reconcile(_fax(line(our_sku=None, customer_sku=read, unit_price=D("0.42"))), SNAP, today=TODAY)
    assert alone.status is OrderStatus.REVIEW, read
    far = "WY-BT-0500"[:-3] + "777"
    assert reconcile(_fax(line(customer_sku=far, unit_price=D("0.42"))), SNAP, today=TODAY).status is OrderStatus.REVIEW


def test_a_near_customer_code_of_another_item_is_not_taken():
    """A code close to C0001's code of the bottle, on a line whose own code names the tape, stays as read."""
    result = reconcile(_fax(line(our_sku="4.01.0009", customer_sku="WY-BT-050", unit_price=None)), SNAP, today=TODAY)
    assert result.lines[0].customer_sku != "WY-BT-0500" and result.status is OrderStatus.REVIEW


def _glue(rng: random.Random, left: str, right: str) -> str:
    return left + rng.choice(["", " ", "  ", ".", " · "]) + right


@pytest.mark.parametrize("seed", range(16))
def test_a_customer_code_read_glued_to_ours_is_parted(seed):
    """Generated: a customer's code and our code of the same item read as one run, either way round,
    with or without a gap ("WY-BT-05005.01.0006"), in the code or customer-code column: the line is
    matched by our code and echoes their code, with no doubt about it."""
    rng = random.Random(seed)
    item = rng.choice([i for i in CUSTOMER_ITEMS if i.customer == "C0001"])
    text = _glue(rng, item.code, item.material) if rng.random() < 0.7 else _glue(rng, item.material, item.code)
    field = rng.choice(["code", "customer_sku"])
    result = reconcile(_fax(line(our_sku=None, **{field: text})), SNAP, today=TODAY)
    assert (result.lines[0].sku, result.lines[0].customer_sku) == (item.material, item.code), text
    assert not [a for a in result.anomalies if item.code in a.message or text in a.message], text


@pytest.mark.parametrize("seed", range(16))
def test_our_code_read_with_a_unit_a_speck_or_spec_words_beside_it_is_ours(seed):
    """Generated: our code with the next column's unit ("5.01.0006.个"), a speck ("5.01.0006.", "-5.01.0006") or
    the description's last words ("x 490um 5.01.0006") read into its cell: our code, the unit taken
    when no unit was read, and no customer code made up from the rest."""
    rng = random.Random(seed)
    material = rng.choice(MATERIALS)
    unit = rng.choice(["个", "套", "PCS", "roll"])
    text = rng.choice([_glue(rng, material.number, unit), material.number + rng.choice([".", ",", ":", "·", "-"]),
                       rng.choice(["-", ".", "'", "_"]) + material.number,
                       f"{rng.choice(['x 490um', '70cm double layer', '白色 50kg'])} {material.number}"])
    field = rng.choice(["code", "customer_sku", "our_sku"])
    read = line(**{"our_sku": None, field: text, "unit": None})
    fixed = repaired(read, "C0001", SNAP)
    assert fixed.our_sku == material.number and fixed.customer_sku is None, text
    assert fixed.unit == (unit if text.endswith(unit) else None), text


@pytest.mark.parametrize("text", [
    "XY-999995.01.0006",   # a digit glued to our code's digit, and the rest no code of the customer's for it
    "AJ-5.01.0006",        # a stub that no column prints
    "5.01.0006 1.01.0019", # two of our items: which one is not for us to say
    "WY-BT-05004.01.0009", # their code for the bottle glued to the tape's code
])
def test_a_run_that_does_not_part_cleanly_is_left_as_read(text):
    assert repaired(line(our_sku=None, code=text), "C0001", SNAP).our_sku is None


@pytest.mark.parametrize("seed", range(12))
def test_a_code_of_ours_with_a_digit_read_twice_is_ours(seed):
    """Generated: our code with one of its digits doubled by the scan ("1.01.00199"), its separators
    garbled or not: the catalog's code, unless leaving a digit out could name two items."""
    rng = random.Random(seed)
    material = rng.choice(MATERIALS)
    i = rng.choice([k for k, ch in enumerate(material.number) if ch.isdigit()])
    doubled = material.number[:i + 1] + material.number[i] + material.number[i + 1:]
    read = _garbled(doubled, rng) if rng.random() < 0.3 else doubled
    names = {m.number for m in MATERIALS for k in range(len(doubled) - 1)
             if doubled[k] == doubled[k + 1] and doubled[:k] + doubled[k + 1:] == m.number}
    assert our_code(read, SNAP) == (material.number if names == {material.number} else None), read


@pytest.mark.parametrize("seed", range(12))
def test_a_customer_code_split_over_two_cells_and_glued_to_ours_is_parted(seed):
    """Generated: the customer's code cut by a column edge, its start in one cell and its rest read
    glued to our code in the next ("WY-B" | "T-05005.01.0006"), or our code with a speck after it
    beside their code ("WY-BT-0500 5.01.0006."): our code, and their code whole."""
    rng = random.Random(seed)
    item = rng.choice([i for i in CUSTOMER_ITEMS if i.customer == "C0001"])
    if rng.random() < 0.5:
        cut = rng.randint(2, min(5, len(item.code) - 2))
        read = line(our_sku=None, code=item.code[:cut], customer_sku=item.code[cut:] + item.material)
    else:
        read = line(our_sku=None, customer_sku=f"{item.code} {item.material}{rng.choice('.,:')}")
    fixed = repaired(read, "C0001", SNAP)
    assert (fixed.our_sku, fixed.customer_sku) == (item.material, item.code), read


_SPECKS = (".", ",", ":", "·", "'", "`")


@pytest.mark.parametrize("seed", range(10))
def test_a_customer_code_read_with_a_speck_at_an_end_is_theirs_and_vouched(seed):
    """Given a customer's own code a scan read with a speck as a mark before or after it
    ('WY-BT-0500.'), the line carries their code and the fax order is accepted on it."""
    rng = random.Random(seed)
    speck = rng.choice(_SPECKS)
    read = "WY-BT-0500" + speck if rng.random() < 0.7 else speck + "WY-BT-0500"
    result = reconcile(_fax(line(our_sku=None, customer_sku=read, unit_price=D("0.42"))), SNAP, today=TODAY)
    assert (result.lines[0].sku, result.lines[0].customer_sku) == ("5.01.0006", "WY-BT-0500"), read
    assert result.status is OrderStatus.ACCEPTED


def test_a_speck_beside_a_code_nobody_holds_is_not_vouched_for():
    result = reconcile(_fax(line(our_sku=None, customer_sku="WY-BT-0501.", unit_price=D("0.42"))), SNAP, today=TODAY)
    assert result.status is OrderStatus.REVIEW


@pytest.mark.parametrize("seed", range(12))
def test_a_code_of_ours_read_with_a_speck_as_one_more_dot_is_ours(seed):
    """'2.0.1.1045' for 2.01.1045: one dot more, between two characters, is a speck the catalog sees through."""
    rng = random.Random(seed)
    material = rng.choice(MATERIALS)
    at = rng.choice([k for k in range(1, len(material.number)) if material.number[k - 1].isdigit()
                     and material.number[k].isdigit()])
    read = material.number[:at] + "." + material.number[at:]
    assert our_code(read, SNAP) == material.number, read


def _tail_catalog(rng: random.Random, twin_price: str | None):
    """The small catalog with a twin of one item: another code ending the same way, priced otherwise
    (or, with `twin_price` "same", at the same price), so only the price can tell them apart."""
    material = rng.choice([m for m in MATERIALS if m.active])
    price = next(p.price for p in PRICES if p.material == material.number and p.customer is None)
    twin = Material("9" + material.number[1:], material.name, "twin", material.base_unit, None, D(1), D(0), 1)
    other = price if twin_price == "same" else price * 3
    records = replace(RECORDS, materials=RECORDS.materials + (twin,),
                      prices=RECORDS.prices + (PriceEntry(twin.number, other, currency="CNY"),))
    return snapshot(records), material, price


@pytest.mark.parametrize("seed", range(16))
def test_a_code_read_without_its_start_is_the_one_item_its_price_names(seed):
    """Given a code a scan read only the end of ('0019' for 1.01.0019) on a row printing a price,
    and a catalog holding two codes that end so: the one whose list price is the row's is taken;
    with no price printed, a price neither lists, or both at that price, the code stays as read."""
    rng = random.Random(seed)
    snap, material, price = _tail_catalog(rng, None)
    tail = material.number[-rng.randint(3, 7):]
    fixed = tail_repaired(line(our_sku=None, code=tail, unit_price=price, ids=(("Code", tail),)), None, snap)
    assert (fixed.code, fixed.ids) == (material.number, (("Code", material.number),)), tail
    for unsure in (line(our_sku=None, code=tail), line(our_sku=None, code=tail, unit_price=price * 2)):
        assert tail_repaired(unsure, None, snap) == unsure
    twins, _m, _p = _tail_catalog(random.Random(seed), "same")
    read = line(our_sku=None, code=tail, unit_price=price)
    assert tail_repaired(read, None, twins) == read


def test_a_code_read_without_its_start_is_only_repaired_on_a_fax():
    snap, material, price = _tail_catalog(random.Random(3), None)
    tail = material.number[-4:]
    typed = reconcile(order(line(our_sku=None, code=tail, unit_price=price)), snap, today=TODAY)
    faxed = reconcile(_fax(line(our_sku=None, code=tail, unit_price=price)), snap, today=TODAY)
    assert typed.lines[0].sku is None and faxed.lines[0].sku == material.number


def _kilo_catalog(rng: random.Random):
    """The small catalog with a few items counted in kilograms and one in pieces, each priced."""
    kilos = [Material(f"7.0{k}.{rng.randint(1000, 9999)}", f"缠绕膜 {k}", f"{rng.randint(10, 90)}mm", "KG", None,
                      D(1), D(0), 1) for k in range(1, 4)]
    pieces = Material("7.09.0001", "彩盒", "白卡", "PCS", None, D(1), D(0), 1)
    prices = tuple(PriceEntry(m.number, D(rng.randint(101, 9999)).scaleb(-2), currency="CNY") for m in (*kilos, pieces))
    records = replace(RECORDS, materials=RECORDS.materials + (*kilos, pieces), prices=RECORDS.prices + prices)
    return snapshot(records), kilos, pieces, {p.material: p.price for p in prices}


@pytest.mark.parametrize("seed", range(8))
def test_a_unit_read_g_for_kg_is_kg_when_the_items_price_per_kilogram_is_printed(seed):
    """Given a faxed line read 'G' or 'g' for an item counted in kilograms, printing the item's list
    price per kilogram: the unit is KG. A price per gram, an item counted in pieces, no printed
    price or a typed document keep the unit as read."""
    rng = random.Random(seed)
    snap, kilos, pieces, price = _kilo_catalog(rng)
    item = rng.choice(kilos)
    written = rng.choice(["G", "g", "g."])
    read = line(our_sku=item.number, unit=written, quantity=D(rng.randint(10, 999)), unit_price=price[item.number])
    faxed = reconcile(_fax(read), snap, today=TODAY)
    assert faxed.lines[0].unit == "KG"
    assert reconcile(order(read), snap, today=TODAY).lines[0].unit == "G"
    per_gram = replace(read, unit_price=price[item.number] / 1000)
    unpriced = replace(read, unit_price=None)
    counted = replace(read, our_sku=pieces.number, unit_price=price[pieces.number])
    for kept in (per_gram, unpriced, counted):
        assert reconcile(_fax(kept), snap, today=TODAY).lines[0].unit == "G"


@pytest.mark.parametrize("seed", range(12))
def test_a_code_read_with_one_digit_more_is_the_one_item_its_price_names(seed):
    """Given a code of ours a scan read with one digit more ('1.04.10383' for 1.04.1038, a speck
    read as a digit anywhere in it) on a row printing the item's list price: that item is taken;
    with no price or another price, the code stays as read."""
    from reconcile.ocrcodes import priced_repaired
    rng = random.Random(seed)
    snap, material, price = _tail_catalog(rng, None)
    at = rng.randrange(len(material.number) + 1)
    read_code = material.number[:at] + str(rng.randint(0, 9)) + material.number[at:]
    if snap.material(read_code) is not None:
        return  # the extra digit made another code of the catalog: nothing was misread then
    read = line(our_sku=None, code=read_code, unit_price=price, ids=(("Code", read_code),))
    fixed = priced_repaired(read, None, snap)
    assert (fixed.code, fixed.ids) == (material.number, (("Code", material.number),)), read_code
    for unsure in (replace(read, unit_price=None), replace(read, unit_price=price * 3)):
        assert priced_repaired(unsure, None, snap) == unsure


@pytest.mark.parametrize("seed", range(12))
def test_a_customer_code_read_without_its_first_letters_is_theirs_when_the_price_says_so(seed):
    """Given a customer's code a scan read without the letters it starts with ('D-51230' or
    '51230' for PGD-51230) on a row printing the item's price: the customer's code is taken; another customer,
    another price or no price leave it as read, and so does a cut that is not letters alone."""
    from reconcile.ocrcodes import priced_repaired
    rng = random.Random(seed)
    letters = "".join(rng.choice("ABCDGHKMPRSTW") for _ in range(rng.randint(2, 4)))
    code = f"{letters}-{rng.randint(10000, 99999)}"
    material = rng.choice([m for m in MATERIALS if m.active])
    price = next(p.price for p in PRICES if p.material == material.number and p.customer is None)
    snap = snapshot(replace(RECORDS, customer_items=RECORDS.customer_items + (CustomerItem("C0002", code, "x", material.number),)))
    cut = rng.randint(1, len(letters) + 1)  # the letters lost, and with them the hyphen ('51230')
    read_code = code[cut:]
    field = rng.choice(["customer_sku", "code"])
    read = line(our_sku=None, unit_price=price, **{field: read_code})
    assert getattr(priced_repaired(read, "C0002", snap), field) == code, read_code
    for unsure, customer in ((read, "C0001"), (replace(read, unit_price=price * 3), "C0002"),
                             (replace(read, unit_price=None), "C0002"),
                             (replace(read, **{field: code[len(letters) + 2:]}), "C0002")):  # digits lost too
        assert priced_repaired(unsure, customer, snap) == unsure
