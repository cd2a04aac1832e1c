"""Item-id qualifiers: whose code each X12 235 / EDIFACT 7143 qualifier marks, on generated lines."""
from __future__ import annotations

import random

import pytest

from parsers.context import ParseContext
from parsers.formats import edifact, x12
from parsers.vocab import item_ids
from parsers.vocab.item_ids import CUSTOMER, EDIFACT, GTIN, OURS, X12

FIELD = {CUSTOMER: "customer_sku", OURS: "our_sku", GTIN: "barcode"}


def _x12(pairs: list[tuple[str, str]]) -> bytes:
    ids = "*".join(f"{q}*{v}" for q, v in pairs)
    segs = ["ST*850*0001", "BEG*00*SA*PO-77**20261118", f"PO1*1*6*EA*22**{ids}", "CTT*1"]
    segs.append(f"SE*{len(segs) + 1}*0001")
    isa = ("ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *261118*1200*U*00401"
           "*000000001*0*P*>")
    return "~".join([isa, "GS*PO*BUYER*SELLER*20261118*1200*1*X*004010", *segs, "GE*1*1",
                     "IEA*1*000000001", ""]).encode()


def _edifact(lin: tuple[str, str], pia: list[tuple[str, str]]) -> bytes:
    body = ["UNH+1+ORDERS:D:96A:UN", "BGM+220+PO-77+9", "DTM+137:20261118:102",
            f"LIN+1++{lin[1]}:{lin[0]}"]
    if pia:
        body.append("PIA+5+" + "+".join(f"{v}:{q}" for q, v in pia))
    body += ["QTY+21:6:PCE", "UNS+S", f"UNT+{len(body) + 2}+1"]
    return "'".join(["UNB+UNOC:3+BUYER:14+SELLER:14+261118:1200+1", *body, "UNZ+1+1", ""]).encode()


def _expected(pairs: list[tuple[str, str]], table: dict[str, tuple[str, ...]]) -> dict[str, str | None]:
    """The owner's preferred qualifier wins, whatever order the document prints them in."""
    want: dict[str, str | None] = {}
    for who, field in FIELD.items():
        ranked = sorted((table[who].index(q), v) for q, v in pairs if q in table[who])
        want[field] = ranked[0][1] if ranked else None
    return want


@pytest.mark.parametrize("seed", range(40))
def test_x12_ids_go_to_their_owner_in_any_order(seed):
    """Given PO1 with a random mix of buyer, vendor, GTIN and descriptive qualifiers, each lands by owner."""
    rng = random.Random(seed)
    quals = [q for who in (CUSTOMER, OURS, GTIN) for q in X12[who]] + ["PD", "ZZ"]
    pairs = [(q, f"{q}-{rng.randint(100, 999)}") for q in rng.sample(quals, rng.randint(1, 4))]
    (order,) = x12.parse(_x12(pairs), ParseContext(path="in/po.x12")).orders
    (line,) = order.lines
    want = _expected(pairs, X12)
    assert {f: getattr(line, f) for f in FIELD.values()} == want
    owned = any(want.values())
    assert line.code == (None if owned else next((v for q, v in pairs if q == "ZZ"), None))
    assert line.ids == tuple(pairs)


@pytest.mark.parametrize("seed", range(40))
def test_edifact_ids_go_to_their_owner_in_any_order(seed):
    """Given LIN and PIA ids with random 7143 qualifiers, each lands by owner; HS is never an item."""
    rng = random.Random(seed)
    quals = [q for who in (CUSTOMER, OURS, GTIN) for q in EDIFACT[who]] + ["HS", "ZZZ"]
    pairs = [(q, f"{q}{rng.randint(100, 999)}") for q in rng.sample(quals, rng.randint(1, 4))]
    (order,) = edifact.parse(_edifact(pairs[0], pairs[1:]), ParseContext(path="in/po.edi")).orders
    (line,) = order.lines
    assert {f: getattr(line, f) for f in FIELD.values()} == _expected(pairs, EDIFACT)


@pytest.mark.parametrize("standard,qualifier,who", [
    ("x12", "SK", CUSTOMER), ("x12", "bp", CUSTOMER), ("x12", "VC", OURS), ("x12", "VN", OURS),
    ("x12", "UK", GTIN), ("x12", "PD", item_ids.NOT_AN_ID), ("x12", "QQ", None),
    ("edifact", "IN", CUSTOMER), ("edifact", "SA", OURS), ("edifact", "SRV", GTIN),
    ("edifact", "HS", item_ids.NOT_AN_ID),
])
def test_owner_of_a_qualifier(standard, qualifier, who):
    assert item_ids.owner(qualifier, standard) == who
