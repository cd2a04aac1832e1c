"""A PO number read from a scan whose look-alike character could be the recogniser's O for 0
('P0-2026-0006', '2O26') keeps the order out of `accepted` with a sentence; the same number typed
in a spreadsheet, or a scanned number without such a place, passes."""
from __future__ import annotations

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import CheckName, CheckOutcome, SourceKind


def _header_doubts(po: str, kind: SourceKind) -> list[str]:
    rows = [["Purchase Order"], ["PO No.", po], ["Order Date", "2026-11-17"],
            ["Item Code", "Description", "Qty", "Unit Price", "Amount"],
            ["1.02.1011", "Carton box", "10", "1.50", "15.00"]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.tif"), kind).orders
    assert order.po_number == po
    return [c.message for c in order.read_checks
            if c.check is CheckName.HEADER_FIELD and c.outcome is CheckOutcome.FAILED]


@pytest.mark.parametrize("po", ["P0-2026-0006", "PO-2O26-0006", "A1-77", "REF-PX1", "4500-B8-1",
                                "001.1/18", "PO-2026-00.13"])  # a speck read as a lone dot between digits
def test_a_scanned_po_number_with_a_look_alike_character_waits_for_a_clerk(po):
    (doubt,) = _header_doubts(po, SourceKind.FAX)
    assert po in doubt and "compare it with the original" in doubt


@pytest.mark.parametrize("po", ["PO-2026-0006", "4500770113", "CG2026110106", "PM26-00069", "S005555", "A0123",
                                "4500.1234", "2026.11.0042", "0011/18"])
def test_a_scanned_po_number_without_such_a_place_passes(po):
    assert _header_doubts(po, SourceKind.FAX) == []


def test_the_same_number_typed_in_a_spreadsheet_passes():
    assert _header_doubts("P0-2026-0006", SourceKind.XLSX) == []
