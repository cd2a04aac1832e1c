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


# --- customers from the document's hints (letterhead, stamp, buyer field, address, e-mail, domain) ---

from parsers.model import CandidateKind as K, CustomerCandidate as Hint  # noqa: E402
from reconcile.customers import identify_customer  # noqa: E402

GUANGZHOU = CUSTOMERS[1]  # C0002 广州市穗丰食品有限公司


def _hints(*pairs):
    return Party(candidates=tuple(Hint(kind, text) for kind, text in pairs))


@pytest.mark.parametrize("kind", [K.LETTERHEAD, K.STAMP, K.BUYER_FIELD])
def test_a_printed_company_name_finds_the_customer(kind):
    """A standalone document whose letterhead, stamp or buyer field is the customer's FName."""
    found = identify_customer(_hints((kind, GUANGZHOU.name)), SNAP)
    assert found.customer is not None and found.customer.number == GUANGZHOU.number


def test_a_person_in_the_buyer_field_does_not_hide_the_letterhead():
    """Party.name may hold a person's name; the letterhead still identifies the customer."""
    party = Party(name="John Smith", candidates=(Hint(K.LETTERHEAD, GUANGZHOU.name),))
    assert identify_customer(party, SNAP).customer.number == GUANGZHOU.number


def test_printed_domain_and_address_identify_the_customer():
    """No name at all: a printed e-mail address on the customer's @domain, or its master address."""
    domain = next(e for c in CUSTOMERS for e in c.emails if e.startswith("@"))
    owner = next(c for c in CUSTOMERS if domain in c.emails)
    found = identify_customer(_hints((K.EMAIL, "someone" + domain)), SNAP).customer
    assert found is not None and found.number == owner.number
    with_address = next(c for c in CUSTOMERS if c.address and len(c.address) >= 8)
    found = identify_customer(_hints((K.ADDRESS, with_address.address)), SNAP).customer
    assert found is not None and found.number == with_address.number


def test_a_tie_is_unknown_and_names_both_customers():
    """Letterhead of one customer and stamp of another, equally strong: no guess, both named."""
    a, b = CUSTOMERS[0], CUSTOMERS[1]
    found = identify_customer(_hints((K.LETTERHEAD, a.name), (K.STAMP, b.name)), SNAP)
    assert found.customer is None
    assert a.number in found.doubt and b.number in found.doubt


def test_agreeing_hints_beat_a_lone_one():
    """Letterhead and address of one customer outweigh a buyer field naming another by its short name only."""
    a, b = CUSTOMERS[0], CUSTOMERS[1]
    assert a.address and b.short_name, "the test catalog must give the first customer an address, the second a short name"
    found = identify_customer(_hints((K.LETTERHEAD, a.name), (K.ADDRESS, a.address),
                                     (K.BUYER_FIELD, b.short_name + "采购部")), SNAP)
    assert found.customer is not None and found.customer.number == a.number


def test_unknown_names_the_hints_read():
    """Nothing matches: the sentence says what the document offered."""
    found = identify_customer(_hints((K.LETTERHEAD, "上海某某机械厂")), SNAP)
    assert found.customer is None and "上海某某机械厂" in found.doubt


@pytest.mark.parametrize("letterhead,expected", [
    ("上海味源食晶有限公司", "C0001"),        # one character misread (品 -> 晶), the short name lost with it
    ("广州市穗丰食有限公司", "C0002"),         # one lost
    ("广州市穗丰食吕品有限公司", "C0002"),     # one added
    ("上海味源食晶有限公可", None),            # two misread: no longer this name
    ("味源食晶", None),                       # a short name with one misread proves nothing
])
def test_a_letterhead_name_with_one_character_misread_is_the_name(letterhead, expected):
    """Given a faxed letterhead whose company name OCR read with one character wrong, lost or added,
    the customer is that name's; two wrong, or one in a short name, is no one."""
    found = identify_customer(Party(candidates=(Hint(K.LETTERHEAD, letterhead),)), SNAP).customer
    assert (found.number if found else None) == expected


def test_two_customers_one_character_apart_are_not_told_apart_by_a_misread():
    """Given two customers whose names differ in one character, a letterhead one character from both
    names neither: the misread could be either's."""
    twin = Customer("C0098", "广州市穗半食品有限公司", "穗半")
    snap = snapshot(CatalogRecords(RECORDS.materials, CUSTOMERS + (twin,)))
    assert identify_customer(Party(candidates=(Hint(K.LETTERHEAD, "广州市穗斗食品有限公司"),)), snap).customer is None
