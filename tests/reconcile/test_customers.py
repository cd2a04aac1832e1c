"""Customer identification: e-mail, then EDI id, then the printed name; never a guess."""
from __future__ import annotations

import pytest

from catalog_factory import CUSTOMERS, RECORDS, snapshot
from parsers.model import Party
from reconcile.catalog import CatalogRecords, Customer
from reconcile.customers import match_customer

SNAP = snapshot()


@pytest.mark.parametrize("party,expected", [
    (Party(email="Buyer@WeiYuan-Food.example.com"), "C0001"),          # @domain pattern
    (Party(email="suifeng_cg@163.example.net"), "C0002"),              # exact address
    (Party(email="someone.else@163.example.net"), None),               # same public domain, other person
    (Party(edi_id="078451236"), "C0010"),
    (Party(name="穗丰食品"), "C0002"),                                  # short name
    (Party(name="GOLDEN HARVEST FOODS INC"), "C0010"),                 # case and punctuation
    (Party(name="广州市穗丰食品有限公司 采购部"), "C0002"),                # name inside a longer text
    (Party(name="上海味源食品有限公司", email="x@unknown.example"), "C0001"),  # unknown sender, known name
    (Party(name="上海某某食品有限公司"), None),
    (Party(), None),
])
def test_match_customer(party, expected):
    found = match_customer(party, SNAP)
    assert (found.number if found else None) == expected


def test_email_beats_name():
    """The sender's address decides even when the printed name is another customer's."""
    found = match_customer(Party(name="穗丰食品", email="a@weiyuan-food.example.com"), SNAP)
    assert found is not None and found.number == "C0001"


def test_two_customers_with_the_same_short_name_is_unknown():
    """Two customers both called '味源食品' cannot be told apart by name."""
    twin = Customer("C0099", "杭州味源食品有限公司", "味源食品")
    snap = snapshot(CatalogRecords(RECORDS.materials, CUSTOMERS + (twin,)))
    assert match_customer(Party(name="味源食品"), snap) is None
