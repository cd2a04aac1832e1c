"""What clerks taught (learned customer item codes and customer aliases) laid over the bundle."""
from __future__ import annotations

from decimal import Decimal as D

from catalog_factory import CUSTOMERS, RECORDS, TODAY, line, order, snapshot
from parsers.model import CandidateKind as K, CustomerCandidate as Hint, Party
from reconcile import reconcile
from reconcile.catalog import AliasKind, CustomerAlias, CustomerItem, LearnedRecords
from reconcile.customers import identify_customer
from reconcile.items import NoMatch, match_item

BASE = snapshot()
GUANGZHOU = CUSTOMERS[1]   # C0002, known by suifeng_cg@163.example.net


def _taught(*items: CustomerItem, aliases: tuple[CustomerAlias, ...] = ()) -> LearnedRecords:
    return LearnedRecords(customer_items=items, aliases=aliases)


def test_a_learned_code_matches_the_next_order_untouched():
    """Given a customer code the bundle does not know, when a clerk teaches it, the same line
    matches our item and the order is accepted."""
    printed = line(our_sku=None, customer_sku="WY-NEW-77", description="瓶子", unit_price=D("0.42"))
    assert isinstance(match_item(printed, "C0001", BASE), NoMatch)
    assert reconcile(order(printed), BASE, today=TODAY).status == "review"
    taught = BASE.with_learned(_taught(CustomerItem("C0001", "wy-new-77", "瓶子", "5.01.0006")))
    assert match_item(printed, "C0001", taught).material.number == "5.01.0006"
    assert reconcile(order(printed), taught, today=TODAY).status == "accepted"


def test_a_learned_code_replaces_the_bundle_row_for_the_same_code():
    """The bundle maps C0001's WY-BT-0500 to 5.01.0006; a clerk corrects it to 5.01.0014."""
    printed = line(our_sku=None, customer_sku="WY-BT-0500")
    assert match_item(printed, "C0001", BASE).material.number == "5.01.0006"
    taught = BASE.with_learned(_taught(CustomerItem("C0001", "WY-BT-0500", "", "5.01.0014")))
    assert match_item(printed, "C0001", taught).material.number == "5.01.0014"
    assert sum(1 for ci in taught.customer_items("C0001") if ci.code == "WY-BT-0500") == 1
    assert match_item(printed, "C0001", BASE).material.number == "5.01.0006", "the snapshot it came from is unchanged"


def test_learned_rows_naming_what_the_catalog_lacks_are_left_out():
    """A learned code for an item or customer the current bundle no longer has matches nothing."""
    taught = BASE.with_learned(_taught(CustomerItem("C0001", "GONE-1", "", "9.99.9999"),
                                       CustomerItem("C9999", "GONE-2", "", "5.01.0006")))
    assert taught.customer_item("C0001", "GONE-1") is None
    assert taught.customer_item("C9999", "GONE-2") is None


def test_from_records_lays_learning_over_the_bundle_when_it_is_built():
    learned = _taught(CustomerItem("C0002", "SF-NEW", "", "4.01.0009"))
    built = type(BASE).from_records(RECORDS, learned)
    assert built.customer_item("C0002", "sf-new").material == "4.01.0009"
    assert built.customer_item("C0002", "SF-RM-5030").material == "3.01.0030"


def test_a_learned_sender_address_identifies_the_customer():
    """A new buyer address on a free-mail domain no customer lists: taught once, known after."""
    party = Party(email="Li.Wei@freemail.example.org")
    assert identify_customer(party, BASE).customer is None
    taught = BASE.with_learned(_taught(aliases=(CustomerAlias("C0002", AliasKind.SENDER, "li.wei@freemail.example.org"),)))
    assert identify_customer(party, taught).customer.number == "C0002"


def test_a_learned_domain_covers_every_address_on_it():
    taught = BASE.with_learned(_taught(aliases=(CustomerAlias("C0010", AliasKind.SENDER, "@gh-asia.example.com"),)))
    assert identify_customer(Party(email="ops@gh-asia.example.com"), taught).customer.number == "C0010"
    assert identify_customer(Party(email="ops@other.example.com"), taught).customer is None


def test_a_learned_sender_address_wins_over_the_masters_domain_pattern():
    """C0001 lists @weiyuan-food.example.com; a clerk taught that one of its addresses orders for C0002."""
    address = "branch@weiyuan-food.example.com"
    assert identify_customer(Party(email=address), BASE).customer.number == "C0001"
    taught = BASE.with_learned(_taught(aliases=(CustomerAlias("C0002", AliasKind.SENDER, address),)))
    assert identify_customer(Party(email=address), taught).customer.number == "C0002"


def test_a_learned_letterhead_name_identifies_the_customer():
    """A fax whose letterhead prints a trading name the master does not hold."""
    party = Party(candidates=(Hint(K.LETTERHEAD, "穗丰贸易(广州)有限公司"), Hint(K.STAMP, "穗丰贸易采购专用章")))
    before = identify_customer(party, BASE)
    assert before.customer is None and "穗丰贸易" in before.doubt
    taught = BASE.with_learned(_taught(aliases=(CustomerAlias("C0002", AliasKind.NAME, "穗丰贸易(广州)有限公司"),)))
    assert identify_customer(party, taught).customer.number == GUANGZHOU.number


def test_learned_aliases_for_unknown_customers_are_ignored():
    taught = BASE.with_learned(_taught(aliases=(CustomerAlias("C9999", AliasKind.SENDER, "x@y.example.com"),)))
    assert identify_customer(Party(email="x@y.example.com"), taught).customer is None
