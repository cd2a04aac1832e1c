"""Generated faxes read by the real OCR engine check themselves: a row the reader cannot read or a
page that did not arrive sends the order to review with a sentence, never silently to `accepted`."""
from __future__ import annotations

import importlib.util
import os
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.context import ParseContext
from parsers.formats import fax
from parsers.model import CheckName, CheckOutcome
from reconcile.anomalies import AnomalyCode
from reconcile.checks import read_doubts

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed")
CTX = ParseContext(path="fax.tif")
TOTAL = "11,000.60"   # 1500 x 6.13 + 288 x 5.95 + 20000 x 0.0046, the generator's three rows


@needs_font
def test_a_fax_whose_reader_loses_a_row_goes_to_review_with_the_sentence():
    """Given a fax whose second row's quantity is smudged, the row is reported and kept in its place
    with the quantity the printed total leaves (288), and the total, having made it, cannot vouch
    for the lines."""
    (order,) = fax.parse(gen.fax_tiff([gen.fax_page(total=TOTAL, blot=1)]), CTX).orders
    assert [line.quantity for line in order.lines] == [Decimal(1500), Decimal(288), Decimal(20000)]
    assert order.lines[1].unit_price == Decimal("5.95")
    failed = {c.check: c.message for c in order.read_checks if c.outcome is CheckOutcome.FAILED}
    assert "could not be read" in failed[CheckName.ROW_READ] and "Row 2" in failed[CheckName.ROW_READ]
    total = next(c for c in order.read_checks if c.check is CheckName.TOTAL)
    assert total.outcome is CheckOutcome.NOT_MADE and not order.verified
    codes = {a.code for a in read_doubts(order)}
    assert codes == {AnomalyCode.MISSING_FIELD}


@needs_font
def test_a_fax_counting_two_pages_with_one_received_is_not_verified():
    """Given page 1 of a fax that says P.001/002, the read notes page 2 missing; with P.001/001 it verifies."""
    banner = "2026-11-17 09:20 FROM: 0532-86961234 TO: 0512-66581234 P.001/002"
    (order,) = fax.parse(gen.fax_tiff([gen.fax_page(total=TOTAL, banner=banner)]), CTX).orders
    pages = next(c for c in order.read_checks if c.check is CheckName.PAGES)
    assert pages.outcome is CheckOutcome.FAILED and "page 2 missing" in pages.message
    assert any("page 2 missing" in a.message for a in read_doubts(order))
    (whole,) = fax.parse(gen.fax_tiff([gen.fax_page(total=TOTAL, banner=banner.replace("/002", "/001"))]), CTX).orders
    assert whole.verified, [c.message for c in whole.read_checks]
