"""A Taiwan or Hong Kong customer's name and address as a fax's OCR reads them, in any mix of
traditional and simplified characters, still name that customer (generated names)."""
from __future__ import annotations

import random

import pytest

from catalog_factory import RECORDS, snapshot
from parsers.model import CandidateKind, CustomerCandidate, Party
from parsers.vocab.script import simplified
from reconcile.catalog import CatalogRecords, Customer
from reconcile.customers import identify_customer

FIRST = ("寶華", "利豐", "恒昌", "德利", "永興", "台豐", "新光", "佳和", "大成", "興業", "萬達", "長榮")
SUFFIX = ("實業有限公司", "貿易有限公司", "食品股份有限公司", "企業有限公司", "實業股份有限公司")
STREETS = ("香港九龍觀塘開源道{n}號", "香港新界荃灣沙咀道{n}號", "台北市內湖區瑞光路{n}號", "台中市西屯區工業區一路{n}號")


def _customers(rng: random.Random) -> tuple[Customer, ...]:
    names = rng.sample([f + s for f in FIRST for s in SUFFIX], 8)
    return tuple(Customer(f"T{i:03d}", name, name[:2], (), None, "HKD", None, 0,
                          rng.choice(STREETS).format(n=rng.randint(1, 999))) for i, name in enumerate(names))


def _as_read(text: str, rng: random.Random) -> str:
    """Each character, with even odds, in the simplified form the OCR model often gives."""
    return "".join(simplified(ch) if rng.random() < 0.5 else ch for ch in text)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("kind", [CandidateKind.LETTERHEAD, CandidateKind.STAMP, CandidateKind.ADDRESS])
def test_a_mixed_script_reading_names_the_customer(seed, kind):
    rng = random.Random(seed)
    customers = _customers(rng)
    snap = snapshot(CatalogRecords(RECORDS.materials, RECORDS.customers + customers, RECORDS.prices))
    meant = rng.choice(customers)
    printed = _as_read(meant.address if kind is CandidateKind.ADDRESS else meant.name, rng)
    found = identify_customer(Party(candidates=(CustomerCandidate(kind, printed),)), snap)
    if kind is CandidateKind.ADDRESS:  # an address alone scores below a name: it may only not mislead
        assert found.customer is None or found.customer.number == meant.number
    else:
        assert found.customer is not None and found.customer.number == meant.number, printed
