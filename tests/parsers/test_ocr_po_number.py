"""A PO number read from a scan whose look-alike character could be the recogniser's O for 0
('P0-2026-0006', '2O26') keeps the order out of `accepted` with a sentence; the same number typed
in a spreadsheet, or a scanned number without such a place, passes."""
from __future__ import annotations

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import CheckName, CheckOutcome, SourceKind


def _read(po: str, kind: SourceKind) -> tuple[str | None, list[str]]:
    """The PO number read from a one-line order printing `po`, and the failed header checks."""
    rows = [["Purchase Order"], ["PO No.", po], ["Order Date", "2026-11-17"],
            ["Item Code", "Description", "Qty", "Unit Price", "Amount"],
            ["1.02.1011", "Carton box", "10", "1.50", "15.00"]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.tif"), kind).orders
    return order.po_number, [c.message for c in order.read_checks
                             if c.check is CheckName.HEADER_FIELD and c.outcome is CheckOutcome.FAILED]


def _header_doubts(po: str, kind: SourceKind) -> list[str]:
    number, doubts = _read(po, kind)
    assert number == po or (kind is SourceKind.FAX and doubts)
    return doubts


@pytest.mark.parametrize("po", ["P0-2026-0006", "PO-2O26-0006", "A1-77", "REF-PX1", "4500-B8-1",
                                "001.1/18", "PO-2026-00.13",  # a speck read as a lone dot between digits
                                "CG20261.10109", "PO2026.0042"])  # ... of digits glued to their letters
def test_a_scanned_po_number_with_a_look_alike_character_waits_for_a_clerk(po):
    (doubt,) = _header_doubts(po, SourceKind.FAX)
    assert po in doubt and "compare it with the original" in doubt


@pytest.mark.parametrize("po", ["PO-2026-0006", "4500770113", "CG2026110106", "PM26-00069", "S005555", "A0123",
                                "4500.1234", "2026.11.0042", "0011/18"])
def test_a_scanned_po_number_without_such_a_place_passes(po):
    assert _header_doubts(po, SourceKind.FAX) == []


def test_the_same_number_typed_in_a_spreadsheet_passes():
    assert _header_doubts("P0-2026-0006", SourceKind.XLSX) == []


@pytest.mark.parametrize("seed", range(30))
def test_a_scanned_po_number_with_a_speck_dot_between_digits_is_read_without_it_and_waits(seed):
    """Generated PO numbers in the shapes orders print ("PO-2026-0119", "PP26-00112", "0034/33")
    with a speck read as a dot between two of their digits: the fax order carries the number
    without it, and still waits for a clerk with a sentence naming both readings; a typed one is
    taken as printed."""
    import random
    rng = random.Random(seed)
    po = rng.choice([f"PO-2026-{rng.randint(1, 9999):04d}", f"{rng.choice(['PP', 'BA', 'TA'])}26-{rng.randint(1, 99999):05d}",
                     f"{rng.randint(1, 9999):04d}/{rng.randint(10, 99)}", f"CG-{rng.randint(20261101, 20261130)}",
                     f"{rng.choice(['CG', 'PO', 'B'])}{rng.randint(202611, 202612)}{rng.randint(1, 9999):04d}"])
    places = [k for k in range(1, len(po)) if po[k - 1].isdigit() and po[k].isdigit()]
    at = rng.choice(places)
    read = po[:at] + "." + po[at:]
    number, doubts = _read(read, SourceKind.FAX)
    assert number == po and len(doubts) == 1 and read in doubts[0] and po in doubts[0], read
    assert _read(read, SourceKind.XLSX) == (read, [])
