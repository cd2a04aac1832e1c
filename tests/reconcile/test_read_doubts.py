"""The read's own checks reach the order: a failed one (any read) or one that could not be made
(an OCR read) is an anomaly with the reader's sentence, and keeps the order out of `accepted`."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from catalog_factory import line, order, snapshot
from parsers.model import CheckName as N, CheckOutcome as O, ReadCheck, SourceKind, SourceRef
from reconcile import reconcile
from reconcile.anomalies import AnomalyCode as C
from reconcile.checks import read_doubts
from reconcile.result import OrderStatus
from catalog_factory import TODAY

SNAP = snapshot()
FAX = SourceRef("in/fax.tif", None, SourceKind.FAX)


def _checked(*checks: ReadCheck, kind: SourceKind = SourceKind.PDF):
    return replace(order(), source=SourceRef("in/x", None, kind), read_checks=checks)


@pytest.mark.parametrize("check, kind, code", [
    (ReadCheck(N.ROW_ARITHMETIC, O.FAILED, "Line 2: 5 x 3.00 = 15.00, but the amount reads 16.00.", 2),
     SourceKind.PDF, C.TOTAL_MISMATCH),
    (ReadCheck(N.TOTAL, O.FAILED, "The lines add up to 35.00 but the printed total is 45.00."),
     SourceKind.XLSX, C.TOTAL_MISMATCH),
    (ReadCheck(N.ROW_NUMBERS, O.FAILED, "The row numbers read are 1, 3: a row near line 2 was lost.", 2),
     SourceKind.FAX, C.MISSING_FIELD),
    (ReadCheck(N.PAGES, O.FAILED, "The document counts 2 pages but only 1 arrived (page 2 missing)."),
     SourceKind.FAX, C.MISSING_FIELD),
    (ReadCheck(N.ROW_READ, O.FAILED, "Row 3 could not be read: its quantity \"1,5#0\" is not a number."),
     SourceKind.CSV, C.MISSING_FIELD),
    (ReadCheck(N.ROW_NUMBERS, O.NOT_MADE, "Whether every row was read could not be checked."),
     SourceKind.FAX, C.MISSING_FIELD),
    (ReadCheck(N.ROW_NUMBERS, O.NOT_MADE, "Whether every row was read could not be checked."),
     SourceKind.PDF, None),  # a text read's characters are no guesses: nothing to doubt
    (ReadCheck(N.TOTAL, O.PASSED, "The lines add up to the printed total 420.00."), SourceKind.FAX, None),
    (ReadCheck(N.CHANGE_REQUEST, O.NOT_MADE, "PO 7: a change to line 2 written as a sentence."),
     SourceKind.EMAIL, C.MISSING_FIELD),  # no text read vouches for a change it was told in prose
])
def test_each_doubt_becomes_its_contract_code(check, kind, code):
    doubts = read_doubts(_checked(check, kind=kind))
    assert [d.code for d in doubts] == ([code] if code else [])
    if code:
        assert check.message in doubts[0].message and str(check.check) in doubts[0].message


def test_a_failed_read_check_keeps_a_clean_order_out_of_accepted():
    clean = order(line(unit_price=D("0.42")))
    assert reconcile(clean, SNAP, today=TODAY).status is OrderStatus.ACCEPTED
    doubted = replace(clean, read_checks=(ReadCheck(N.ROW_NUMBERS, O.FAILED, "Row 2 was lost.", 2),))
    result = reconcile(doubted, SNAP, today=TODAY)
    assert result.status is OrderStatus.REVIEW
    assert [(a.code, a.message.startswith("Row 2 was lost.")) for a in result.anomalies] == [(C.MISSING_FIELD, True)]


def test_an_unvouched_fax_goes_to_review_and_a_vouched_one_is_accepted():
    unvouched = replace(order(line(unit_price=D("0.42"))), source=FAX,
                        read_checks=(ReadCheck(N.ROW_NUMBERS, O.NOT_MADE, "Nothing counts the rows."),))
    assert reconcile(unvouched, SNAP, today=TODAY).status is OrderStatus.REVIEW
    vouched = replace(unvouched, read_checks=(ReadCheck(N.TOTAL, O.PASSED, "The lines add up."),))
    assert reconcile(vouched, SNAP, today=TODAY).status is OrderStatus.ACCEPTED


def test_a_total_mismatch_is_reported_once():
    """The printed-total check and the read's own total check find the same thing: one anomaly."""
    doubled = replace(order(line(unit_price=D("0.42")), stated_total=D("520.00")),
                      read_checks=(ReadCheck(N.TOTAL, O.FAILED, "The lines add up to 420.00 but the total is 520.00."),))
    codes = [a.code for a in reconcile(doubled, SNAP, today=TODAY).anomalies]
    assert codes == [C.TOTAL_MISMATCH]


@pytest.mark.parametrize("days", [-400, -120, -91, -90, -30, -10, 0, 1, 2, 9, 30])
@pytest.mark.parametrize("kind", [SourceKind.FAX, SourceKind.EMAIL])
def test_a_scanned_order_date_after_arrival_or_months_before_it_waits_for_a_clerk(days, kind):
    """Given a clean order whose read order date is `days` from the business day, when it was read
    from a scan, a date after the next day or more than 90 days back keeps it out of `accepted`
    with a sentence naming the date; a typed date is no guess and passes."""
    from datetime import timedelta
    dated = TODAY + timedelta(days=days)
    clean = replace(order(line(unit_price=D("0.42")), order_date=dated), source=SourceRef("in/x", None, kind),
                    read_checks=(ReadCheck(N.TOTAL, O.PASSED, "The lines add up to the printed total."),))
    result = reconcile(clean, SNAP, today=TODAY)
    doubted = kind is SourceKind.FAX and not -90 <= days <= 1
    found = [a for a in result.anomalies if a.code is C.MISSING_FIELD and dated.isoformat() in a.message]
    assert bool(found) == doubted and (result.status is OrderStatus.REVIEW) == doubted
