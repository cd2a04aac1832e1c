"""Every anomaly code, once firing and once not, through `reconcile()` on a small catalog."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from catalog_factory import TODAY, line, order, snapshot
from parsers.model import Party
from reconcile import reconcile
from reconcile.anomalies import AnomalyCode as C
from reconcile.checks import LINE_CHECKS, ORDER_CHECKS
from reconcile.result import OrderStatus

SNAP = snapshot()
GOLDEN = Party(name="Golden Harvest Foods Inc.", edi_id="078451236")

# (code, firing order, quiet order, seen_pos)
CASES = [
    (C.UNKNOWN_CUSTOMER, order(buyer=Party(name="某某贸易有限公司", email="a@nobody.example")), order(), ()),
    (C.DUPLICATE_PO, order(), order(po_number="PO-2"), {("C0001", "PO-1")}),
    (C.DUPLICATE_PO, order(po_number="PO-2"), order(is_change=True), {("C0001", "PO-1"), ("C0001", "PO-2")}),
    (C.MISSING_FIELD, order(po_number=None), order(), ()),
    (C.MISSING_FIELD, order(line(quantity=None, unit_price=D("0.42"))), order(), ()),
    # A line OCR'd with low confidence goes to a person; a clean fax read (0.89) does not.
    (C.MISSING_FIELD, order(line(unit_price=D("0.42"), confidence=0.45)),
     order(line(unit_price=D("0.42"), confidence=0.89)), ()),
    (C.TOTAL_MISMATCH, order(stated_total=D("520.00")), order(stated_total=D("420.00")), ()),
    (C.TOTAL_MISMATCH, order(line(unit_price=D("0.42"), amount=D("430")), stated_total=D("420")),
     order(line(unit_price=D("0.42"), amount=D("420")), stated_total=D("420.01")), ()),
    # 2026-11-20 is a Friday; a 3-day lead makes Wednesday 11-25 the earliest date.
    (C.DELIVERY_DATE_INFEASIBLE, order(delivery_date=date(2026, 11, 24)), order(delivery_date=date(2026, 11, 25)), ()),
    (C.DELIVERY_DATE_INFEASIBLE, order(line(unit_price=D("0.42"), delivery_date=date(2026, 11, 23))),
     order(line(unit_price=D("0.42"), delivery_date=date(2026, 11, 30))), ()),
    # C0001: limit 100,000, open 90,000.
    (C.CREDIT_LIMIT_EXCEEDED, order(line(quantity=D(30000), unit_price=D("0.42"))),
     order(line(quantity=D(20000), unit_price=D("0.42"))), ()),
    (C.CURRENCY_MISMATCH, order(currency="USD"), order(currency="CNY"), ()),
    (C.UNKNOWN_ITEM, order(line(our_sku=None, description="铝箔自立袋 16×24cm 拉链", unit_price=D(1))),
     order(line(our_sku=None, description="PET瓶 500ml 透明 28mm 1881牙", unit_price=D("0.42"))), ()),
    (C.AMBIGUOUS_ITEM, order(line(our_sku=None, description="纸箱 400*300*250", unit_price=D(4))),
     order(line(our_sku=None, description="纸箱 400*300*250 5层BC楞", quantity=D(100), unit_price=D("3.10"))), ()),
    (C.INACTIVE_ITEM, order(line(our_sku="5.01.0014", unit_price=D("0.48"))), order(), ()),
    (C.PRICE_MISMATCH, order(line(unit_price=D("0.45"))), order(line(unit_price=D("0.4215"))), ()),
    (C.NO_PRICE, order(line(our_sku=None, code="SF-RM-5030", quantity=D(5000)), buyer=Party(name="穗丰食品")),
     order(line(our_sku=None, code="SF-RM-5030", quantity=D(5000)), buyer=Party(name="穗丰食品"),
           order_date=date(2026, 9, 1)), ()),
    (C.QTY_NOT_PACK_MULTIPLE, order(line(quantity=D(1100), unit_price=D("0.42"))), order(), ()),
    (C.BELOW_MIN_QTY, order(line(quantity=D(800), unit_price=D("0.42"))), order(), ()),
    (C.INSUFFICIENT_STOCK, order(line(our_sku="1.01.0020", quantity=D(200), unit_price=D("3.10"))),
     order(line(our_sku="1.01.0020", quantity=D(100), unit_price=D("3.10")), delivery_date=None), ()),
    (C.UNIT_MISMATCH, order(line(our_sku="2.01.0012", quantity=D(10), unit="KG", unit_price=D(30))),
     order(line(our_sku="2.01.0012", quantity=D(1000), unit="米", unit_price=D("0.30"))), ()),
]


def _codes(result) -> set[C]:
    return {a.code for a in result.all_anomalies()}


@pytest.mark.parametrize("code,firing,quiet,seen", CASES, ids=[f"{c[0].value}-{i}" for i, c in enumerate(CASES)])
def test_anomaly_fires_and_stays_quiet(code, firing, quiet, seen):
    """Given an order built to trip one check, that code is reported; its twin does not report it."""
    fired = reconcile(firing, SNAP, today=TODAY, seen_pos=frozenset(seen))
    calm = reconcile(quiet, SNAP, today=TODAY, seen_pos=frozenset(seen))
    assert code in _codes(fired)
    assert code not in _codes(calm)
    assert fired.status is OrderStatus.REVIEW


def test_every_code_has_a_check_and_a_case():
    """Each CONTRACT §4 code is covered by the table above and by a check function."""
    assert {c[0] for c in CASES} == set(C)
    assert len(ORDER_CHECKS) + len(LINE_CHECKS) == len(C)


def test_clean_order_is_accepted_with_values():
    """A clean order is accepted, keeps its printed price and totals quantity × price."""
    result = reconcile(order(), SNAP, today=TODAY)
    assert result.status is OrderStatus.ACCEPTED
    assert result.customer_code == "C0001" and result.currency == "CNY"
    assert result.total == D("420.00")
    assert result.ship_to == "上海市嘉定区马陆镇宝安公路2999号"
    assert result.lines[0].sku == "5.01.0006" and result.lines[0].unit == "PCS"


def test_messages_name_the_line_and_numbers():
    """A clerk reads which line and which numbers are wrong."""
    result = reconcile(order(line(quantity=D(1100), unit_price=D("0.42"))), SNAP, today=TODAY)
    (anomaly,) = result.lines[0].anomalies
    assert anomaly.line_no == 1
    assert anomaly.message == "Line 1: 1100 PCS is not a multiple of the pack size 200."


def test_unmatched_line_gets_only_the_matching_code():
    """A line with no item gets UNKNOWN_ITEM alone and no sku, even with odd quantities."""
    result = reconcile(order(line(our_sku=None, description="PAPER STRAW 6MM", quantity=D(7), unit_price=D(1))),
                       SNAP, today=TODAY)
    assert [a.code for a in result.lines[0].anomalies] == [C.UNKNOWN_ITEM]
    assert result.lines[0].sku is None


def test_unit_mismatch_skips_quantity_and_price_checks():
    """An unconvertible unit reports UNIT_MISMATCH only: the quantity means nothing in the base unit."""
    result = reconcile(order(line(our_sku="5.01.0006", quantity=D(3), unit="KG", unit_price=D(99))),
                       SNAP, today=TODAY)
    assert [a.code for a in result.lines[0].anomalies] == [C.UNIT_MISMATCH]


def test_unknown_customer_keeps_printed_name_and_no_duplicate():
    """An unknown buyer is reported by its printed name and is never a duplicate."""
    result = reconcile(order(buyer=Party(name="新客户食品厂")), SNAP, today=TODAY,
                       seen_pos=frozenset({("", "PO-1"), ("新客户食品厂", "PO-1")}))
    assert result.customer_code is None and result.customer_name == "新客户食品厂"
    assert {a.code for a in result.anomalies} == {C.UNKNOWN_CUSTOMER}


def test_price_filled_from_list_per_ordered_unit():
    """With no printed price the list price × conversion rate is used: 2 boxes of 200 at 0.42."""
    result = reconcile(order(line(quantity=D(2), unit="箱")), SNAP, today=TODAY)
    assert result.lines[0].unit == "BOX"
    assert result.lines[0].unit_price == D("84")
    assert result.total == D("168.00")


def test_no_price_leaves_total_empty():
    """A line without any price makes the order total unknown."""
    result = reconcile(order(line(our_sku=None, code="SF-RM-5030", quantity=D(5000)), buyer=Party(name="穗丰食品")),
                       SNAP, today=TODAY)
    assert result.lines[0].unit_price is None and result.total is None
    assert result.lines[0].customer_sku == "SF-RM-5030"


def test_an_ocr_misread_description_is_shown_as_the_item_it_matched():
    """A fax line whose OCR text is a character off shows the catalog text it matched; the same
    text typed in an e-mail is kept as written."""
    from parsers.model import SourceKind, SourceRef
    from dataclasses import replace

    misread = line(our_sku=None, description="PET瓶 5OOml 透明 28mm 1881牙", unit_price=D("0.42"))
    mailed = order(misread)
    faxed = replace(mailed, source=SourceRef("in/fax.tif", None, SourceKind.FAX))
    assert reconcile(mailed, SNAP, today=TODAY).lines[0].description == "PET瓶 5OOml 透明 28mm 1881牙"
    fax_line = reconcile(faxed, SNAP, today=TODAY).lines[0]
    assert fax_line.sku == "5.01.0006"
    assert fax_line.description.replace(" ", "") == "PET瓶500ml透明28mm1881牙"
