"""The X12 parser reads 850/860 transaction sets from hand-written interchanges in tests/data/x12."""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.formats import x12
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import SourceKind

DATA = Path(__file__).resolve().parents[1] / "data" / "x12"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(data: bytes, path: str = "in/po.edi"):
    return x12.parse(data, ParseContext(path=path, part="po.edi"))


@pytest.fixture
def acme_order():
    """The 850 of po-newlines.edi, read once per test."""
    (order,) = parse(read("po-newlines.edi")).orders
    return order


def test_header_fields_of_an_850(acme_order):
    """Given BEG, CUR, DTM, N1/N3/N4 and AMT, the order carries them as printed."""
    assert acme_order.po_number == "AC-PO-7731"
    assert acme_order.order_date == date(2026, 11, 17)
    assert acme_order.delivery_date == date(2026, 12, 10)  # DTM*002 wins over DTM*010
    assert acme_order.currency == "USD"
    assert acme_order.ship_to == "1450 INDUSTRIAL PKWY, FRESNO, CA 93725"
    assert acme_order.stated_total == Decimal("104.56")
    assert acme_order.buyer.name == "ACME FOODS LTD"
    assert acme_order.buyer.edi_id == "ACMEFOODS"
    assert acme_order.message_type == "850" and not acme_order.is_change
    assert acme_order.source.kind is SourceKind.X12 and acme_order.source.part == "po.edi"
    assert acme_order.confidence == 1.0
    assert acme_order.fields["po_number"].segment == "ST 0001, segment 2: BEG"


def test_lines_of_an_850(acme_order):
    """Given three PO1 loops, the lines are numbered 1..3 with ids sorted by owner."""
    first, second, third = acme_order.lines
    assert [ln.line_no for ln in acme_order.lines] == [1, 2, 3]
    assert (first.quantity, first.unit, first.unit_price) == (Decimal("20000"), "EA", Decimal("0.0034"))
    assert (first.customer_sku, first.our_sku) == ("AC-LBL-150", "3.01.0016")
    assert first.description == "THERMAL LABEL 100X150"
    assert first.amount is None
    assert first.provenance.segment == "ST 0001, segment 10: PO1"
    assert second.unit_price is None and second.unit == "CA"
    assert (second.barcode, second.customer_sku) == ("012345678905", "AC-IN-9")
    assert third.customer_sku == "AC-WRAP" and third.our_sku == "4.01.0009"
    assert third.ids == (("SK", "77881"), ("VN", "4.01.0009"), ("BP", "AC-WRAP"), ("BP", "AC-WRAP-OLD"))
    assert third.delivery_date == date(2026, 12, 15)


def test_same_interchange_without_line_breaks_reads_the_same(acme_order):
    """Given the same segments on one line, the order is identical."""
    (order,) = parse(read("po-one-line.edi")).orders
    assert order == acme_order


def test_hard_wrapped_at_80_columns_reads_the_same(acme_order):
    """Given the one-line interchange cut into 80-character records, the order is identical."""
    flat = read("po-one-line.edi")
    wrapped = b"\r\n".join(flat[i:i + 80] for i in range(0, len(flat), 80))
    (order,) = parse(wrapped).orders
    assert order == acme_order


def test_missing_terminators_before_line_breaks(acme_order):
    """Given '~' declared in the ISA but most segments ended by a bare line break, same order."""
    isa, rest = read("po-newlines.edi").split(b"\n", 1)
    (order,) = parse(isa + b"\n" + rest.replace(b"~", b"")).orders
    assert order == acme_order


def test_ebcdic_interchange_reads_the_same(acme_order):
    """Given the interchange in EBCDIC (cp037), it is sniffed and read like the ASCII one."""
    data = read("po-one-line.edi").decode("ascii").encode("cp037")
    assert x12.looks_like(data)
    (order,) = parse(data).orders
    assert order == acme_order


def test_bom_and_indentation_are_ignored(acme_order):
    """Given a UTF-8 BOM and tab-indented segments, the separators are still found."""
    data = b"\xef\xbb\xbf" + read("po-newlines.edi").replace(b"\n", b"\n\t\t")
    assert x12.looks_like(data)
    (order,) = parse(data).orders
    assert order == acme_order


def test_pipe_separator_and_newline_terminator():
    """Given '|' elements, ':' components, '^' repetition and LF terminators, fields split right."""
    (order,) = parse(read("po-pipe-newline.x12")).orders
    assert order.po_number == "GH-4500^1"
    assert order.order_date == date(2026, 11, 18)  # YYMMDD
    assert order.buyer.edi_id == "078451236"  # ISA06 is all zeros: GS02 is the sender
    (line,) = order.lines
    assert (line.quantity, line.unit, line.unit_price) == (Decimal("12"), "CA", Decimal("10.86"))
    assert line.description == "PET BOTTLE 500ML" and line.customer_sku == "GH-31050"


def test_two_transaction_sets_give_two_orders():
    """Given two ST 850 in one group, two orders come out; BEG01 05 marks a change."""
    first, second = parse(read("two-orders.edi")).orders
    assert (first.po_number, second.po_number) == ("GH-1001", "GH-1002")
    assert not first.is_change and second.is_change
    assert [ln.customer_sku for ln in second.lines] == ["GH-51060", "GH-51061"]
    assert second.lines[1].provenance.segment == "ST 0002, segment 4: PO1"


def test_mailbag_of_interchanges_with_different_separators():
    """Given two interchanges with different separators back to back, both are read."""
    data = read("two-orders.edi") + b"\r\n" + read("po-pipe-newline.x12")
    orders = parse(data).orders
    assert [o.po_number for o in orders] == ["GH-1001", "GH-1002", "GH-4500^1"]


def test_860_change_order_reads_poc_lines():
    """Given an 860 with BCH and POC lines, a change order comes out without the deleted line."""
    (order,) = parse(read("change-860.edi")).orders
    assert order.is_change and order.message_type == "860"
    assert (order.po_number, order.order_date) == ("AC-PO-7731", date(2026, 11, 17))
    assert [(ln.line_no, ln.quantity, ln.unit, ln.unit_price) for ln in order.lines] == [
        (1, Decimal("25000"), "EA", Decimal("0.0034")), (2, Decimal("40"), "RL", Decimal("7.11"))]
    assert order.lines[0].description == "THERMAL LABEL 100X150"
    assert order.lines[1].our_sku == "4.01.0009"


def test_invoice_is_not_an_order():
    """Given an 810, no order and one sentence saying what it is."""
    result = parse(read("invoice-810.edi"))
    assert result.orders == () and result.failures == ()
    assert result.not_orders == ("X12 810 (invoice) is not a purchase order.",)


def test_mixed_file_yields_only_the_850():
    """Given a 997 and an 850 in one interchange, only the 850 is an order."""
    result = parse(read("ack-997-and-850.edi"))
    assert [o.po_number for o in result.orders] == ["AC-PO-7790"]
    assert result.not_orders == ("X12 997 (functional acknowledgment) is not a purchase order.",)


def test_truncated_inside_po1_is_a_failed_part_not_a_partial_order():
    """Given an interchange cut in the middle of a PO1, one failure naming the PO, no order."""
    result = parse(read("truncated-in-po1.edi"))
    assert result.orders == ()
    (failure,) = result.failures
    assert "AC-PO-7731" in failure.reason and "truncated" in failure.reason
    assert failure.source.kind is SourceKind.X12 and failure.source.path == "in/po.edi"


def test_broken_set_beside_a_good_one_is_a_failed_part():
    """Given a good interchange followed by a truncated one, one order and one failure."""
    data = read("two-orders.edi") + read("truncated-in-po1.edi")
    result = parse(data)
    assert [o.po_number for o in result.orders] == ["GH-1001", "GH-1002"]
    assert len(result.failures) == 1


def test_850_with_no_beg_and_no_po1_raises():
    """Given an 850 holding only unknown segments, nothing order-like: ParseError."""
    with pytest.raises(ParseError, match="no BEG segment"):
        parse(read("no-beg-no-po1.edi"))


@pytest.mark.parametrize("data", [
    b"",
    b"\x00\xff" * 500,
    b"UNA:+.? 'UNB+UNOC:3+X+Y+261117:0815+1'",
    b"ISA*00*" + b"~" * 1000,
    b"ISA" + b"A" * 200,
    b"ISA*00*" * 1000,
])
def test_garbage_raises_parse_error(data):
    """Given bytes that are no readable interchange, a ParseError with a sentence."""
    with pytest.raises(ParseError) as caught:
        parse(data)
    assert caught.value.reason.endswith(".")


@pytest.mark.parametrize("cut", range(0, 657, 7))
def test_every_truncation_is_handled(cut):
    """Given the interchange cut at any byte, the parser returns or raises ParseError only."""
    data = read("po-newlines.edi")[:cut]
    try:
        result = parse(data)
    except ParseError:
        return
    for order in result.orders:  # a complete order only once SE has been read
        assert len(order.lines) == 3


def test_large_repeated_segment_is_linear():
    """Given ~20 MB of one repeated segment inside an 850, ParseError in a few seconds."""
    header = read("po-newlines.edi").split(b"BEG")[0]
    data = header + b"REF*ZZ*ABC~" * 1_800_000
    started = time.process_time()
    with pytest.raises(ParseError):
        parse(data)
    assert time.process_time() - started < 10


@pytest.mark.parametrize("head, expected", [
    (b"ISA*00*", True), (b"\xef\xbb\xbf  ISA|00|", True), (b"\xc9\xe2\xc1\\\xf0\xf0", True),
    (b"ISABEL", False), (b"UNB+UNOC", False), (b"", False),
])
def test_looks_like(head, expected):
    """Only an ISA header followed by a separator is sniffed as X12."""
    assert x12.looks_like(head + b"0" * 10) is expected
