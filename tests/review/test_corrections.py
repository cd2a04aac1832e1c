"""The clerk's corrections as pure functions over typed drafts, and the approval rules over the
reconciled result (`pipeline.approval`'s pure part), against the golden catalog."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.catalog_bundle import read_bundle
from parsers.model import SourceKind, SourceRef
from pipeline.approval import ApprovalRefused, Correction, blocking, recheck, verdict
from reconcile import CatalogSnapshot
from reconcile.anomalies import AnomalyCode
from review.corrections import (CorrectionError, accept_price, Draft, DraftLine, accepted_prices, add_line, apply_form, blank,
                                changes, from_json, from_payload, merge_lines, remove_line, set_header, set_line,
                                split_line, to_json, to_parsed)

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
TODAY = date(2026, 11, 20)
FAX = SourceRef("fax-0001.tif", None, SourceKind.FAX)


@pytest.fixture(scope="module")
def catalog() -> CatalogSnapshot:
    return CatalogSnapshot.from_records(read_bundle(GOLDEN / "catalog"))


def bottles(qty: str = "2000", price: str | None = "0.065") -> Draft:
    """A typed-in order of C002 (USD) for PET bottles, feasible and priced as the list says."""
    line = DraftLine(quantity=Decimal(qty), unit="PCS", unit_price=Decimal(price) if price else None,
                     sku="5.01.0001", description="PET瓶 500ml")
    return Draft(source=FAX, customer="C002", po_number="ET-9001", order_date=TODAY,
                 delivery_date=date(2027, 1, 15), currency="USD", lines=(line,))


def check(draft: Draft, catalog: CatalogSnapshot, seen=frozenset(), accept_remaining=False):
    correction = Correction(1, None, to_parsed(draft), customer=draft.customer,
                            accepted_prices=accepted_prices(draft), accept_remaining=accept_remaining)
    return recheck(correction, catalog, today=TODAY, seen=set(seen))


def test_typed_values_take_their_types_and_bad_ones_say_why():
    draft = blank(FAX)
    draft = set_header(draft, "delivery_date", "2027/01/15")
    draft = set_header(draft, "currency", " usd ")
    draft = set_line(draft, 0, "quantity", "1,200")
    assert (draft.delivery_date, draft.currency, draft.lines[0].quantity) == (date(2027, 1, 15), "USD", Decimal(1200))
    for name, text in (("quantity", "0"), ("quantity", "abc"), ("unit_price", "-1")):
        with pytest.raises(CorrectionError):
            set_line(draft, 0, name, text)
    with pytest.raises(CorrectionError, match="YYYY-MM-DD"):
        set_header(draft, "order_date", "next week")
    assert set_header(draft, "po_number", "  ").po_number is None


def test_the_form_applies_every_field_and_reports_all_errors_together():
    draft = add_line(blank(FAX))
    form = {"po_number": "PO-1", "customer": "C002", "line-1-present": "1", "line-1-quantity": "5",
            "line-1-accept_price": "1", "line-2-present": "1", "line-2-quantity": "x"}
    with pytest.raises(CorrectionError, match="'x' is not a number"):
        apply_form(draft, form)
    form["line-2-quantity"] = "7"
    done = apply_form(draft, form)
    assert (done.po_number, done.customer) == ("PO-1", "C002")
    assert [ln.quantity for ln in done.lines] == [Decimal(5), Decimal(7)]
    assert [ln.accept_price for ln in done.lines] == [True, False]


def test_split_merge_add_and_remove_keep_the_quantities():
    draft = bottles("3000")
    split = split_line(draft, 0, "1000")
    assert [ln.quantity for ln in split.lines] == [Decimal(2000), Decimal(1000)]
    assert {ln.sku for ln in split.lines} == {"5.01.0001"}
    assert merge_lines(split, 0, 1).lines == draft.lines
    with pytest.raises(CorrectionError):
        split_line(draft, 0, "3000")          # nothing would be left on the line
    other = set_line(add_line(draft), 1, "sku", "5.02.0001")
    with pytest.raises(CorrectionError, match="not the same item"):
        merge_lines(other, 0, 1)
    assert remove_line(other, 1).lines == draft.lines
    with pytest.raises(CorrectionError, match="no line 5"):
        remove_line(other, 4)


def test_changes_name_each_field_with_its_old_and_new_value():
    before = bottles()
    after = set_line(set_header(before, "po_number", "ET-9002"), 0, "quantity", "2500")
    assert [c.sentence() for c in changes(before, after)] == ["po_number: ET-9001 -> ET-9002",
                                                             "line 1 quantity: 2000 -> 2500"]
    grown = add_line(before)
    assert [c.field for c in changes(before, set_line(grown, 1, "sku", "1.01.0001"))] == ["line 2 sku"]


def test_a_draft_round_trips_through_its_stored_json():
    draft = split_line(bottles("3000"), 0, "500")
    draft = set_header(draft, "ship_to", "100 Sample Ave")
    assert from_json(to_json(draft)) == draft


def test_a_stored_order_becomes_a_draft_with_the_printed_prices():
    """A price the reader filled from the list is not the customer's: the draft leaves it empty,
    so a changed quantity is priced from the list again."""
    payload = {"source": {"path": "po.pdf", "part": None, "kind": "pdf"},
               "customer": {"code": "C001", "name": "杭州示例食品有限公司", "email": "li@example-food.example.cn"},
               "po_number": "HZ-1", "order_date": "2026-11-18", "delivery_date": None, "currency": "CNY",
               "ship_to": None, "lines": [{"line_no": 1, "customer_sku": "SF-BOX-01", "description": "纸箱",
                                            "quantity": "1000", "unit": "PCS", "unit_price": "1.1", "sku": "1.01.0001"}],
               "_printed": [{"unit": "个", "unit_price": None}], "_envelope": [["isa_control", "7"]]}
    draft = from_payload(payload)
    assert draft.lines[0].unit_price is None and draft.lines[0].quantity == Decimal(1000)
    assert draft.buyer.email == "li@example-food.example.cn" and draft.envelope == (("isa_control", "7"),)
    parsed = to_parsed(draft)
    assert parsed.lines[0].our_sku == "1.01.0001" and parsed.read_checks == () and parsed.stated_total is None


def test_a_typed_in_order_for_a_chosen_customer_is_checked_and_approvable(catalog):
    rec = check(bottles(), catalog)
    assert rec.status == "accepted", rec.all_anomalies()
    assert (rec.customer_code, rec.currency, rec.total) == ("C002", "USD", Decimal("130.00"))
    assert verdict(rec, accept_remaining=False).status == "accepted"


def test_an_accepted_price_difference_no_longer_stops_the_order(catalog):
    dear = bottles(price="0.09")
    rec = check(dear, catalog)
    assert [a.code for a in rec.all_anomalies()] == [AnomalyCode.PRICE_MISMATCH]
    with pytest.raises(ApprovalRefused, match="Accept the remaining"):
        verdict(rec, accept_remaining=False)
    accepted = check(accept_price(dear, 0, True), catalog)
    assert accepted.status == "accepted" and accepted.total == Decimal("180.00")


def test_an_unknown_item_or_customer_blocks_approval_whatever_is_accepted(catalog):
    unknown = set_line(bottles(), 0, "sku", "9.99.9999")
    unknown = set_line(unknown, 0, "description", "something we never sold")
    rec = check(unknown, catalog)
    assert [a.code for a in blocking(rec)] == [AnomalyCode.UNKNOWN_ITEM]
    with pytest.raises(ApprovalRefused, match="Line 1"):
        verdict(rec, accept_remaining=True)
    nobody = set_header(bottles(), "customer", "C999")
    assert AnomalyCode.UNKNOWN_CUSTOMER in {a.code for a in blocking(check(nobody, catalog))}
    empty = Draft(source=FAX, customer="C002", po_number="X")
    assert "no lines" in " ".join(a.message for a in blocking(check(empty, catalog)))


def test_the_order_being_approved_is_no_duplicate_of_itself_but_of_another_it_is(catalog):
    rec = check(bottles(), catalog, seen={("C002", "ET-9001")})
    assert [a.code for a in rec.anomalies] == [AnomalyCode.DUPLICATE_PO]
    assert verdict(rec, accept_remaining=True).status == "accepted"   # the clerk vouches it is no repeat


def test_a_refused_correction_speaks_the_clerks_language():
    """Several bad values are reported together, in Chinese or English as the clerk reads."""
    draft = add_line(blank(FAX))
    form = {"line-1-present": "1", "line-1-quantity": "many", "line-2-present": "1", "line-2-unit_price": "-2"}
    with pytest.raises(CorrectionError) as refused:
        apply_form(draft, form)
    assert refused.value.say("zh") == "“many”不是数字。 “-2”不能作为价格。"
    assert str(refused.value) == "'many' is not a number. '-2' cannot be a price."


def test_a_document_that_priced_without_tax_is_rechecked_without_tax(catalog):
    """The read order said its prices exclude tax (不含税): the draft keeps that through its stored
    JSON, so 0.97 without tax is checked against C001's 1.10 with tax, with no PRICE_MISMATCH."""
    payload = {"source": {"path": "po.csv", "part": None, "kind": "csv"},
               "customer": {"code": "C001", "name": "杭州示例食品有限公司", "email": None},
               "po_number": "HZ-2", "order_date": "2026-11-18", "delivery_date": None, "currency": "CNY",
               "ship_to": None, "lines": [{"line_no": 1, "customer_sku": "SF-BOX-01", "description": "纸箱",
                                            "quantity": "1000", "unit": "PCS", "unit_price": "0.97", "sku": "1.01.0001"}],
               "_printed": [{"unit": "PCS", "unit_price": "0.97"}], "_prices_include_tax": False}
    draft = from_json(to_json(from_payload(payload)))
    assert draft.prices_include_tax is False and to_parsed(draft).prices_include_tax is False
    assert AnomalyCode.PRICE_MISMATCH not in {a.code for a in check(draft, catalog).all_anomalies()}
    silent = check(replace(draft, prices_include_tax=None), catalog)
    assert AnomalyCode.PRICE_MISMATCH in {a.code for a in silent.all_anomalies()}
