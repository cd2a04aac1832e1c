"""EDIFACT parser: real values read from hand-written interchanges in tests/data/edifact."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.formats import edifact
from parsers.context import ParseContext
from parsers.formats.edifact_tokens import Syntax, escape, split_segments, tokenise
from parsers.errors import ParseError
from parsers.model import ParsedOrder, ParseResult, SourceKind

DATA = Path(__file__).resolve().parents[1] / "data" / "edifact"


def read(name: str) -> ParseResult:
    return edifact.parse((DATA / name).read_bytes(), ParseContext(path=f"in/{name}"))


@pytest.fixture(scope="module")
def two_messages() -> tuple[ParsedOrder, ...]:
    return read("orders_d96a_two_messages.edi").orders


def test_una_d96a_header_fields(two_messages):
    """Given two ORDERS in a UNG group, the first message's header is read as printed."""
    order = two_messages[0]
    assert len(two_messages) == 2
    assert order.source.kind is SourceKind.EDIFACT and order.source.path.endswith(".edi")
    assert order.po_number == "PO-A-100" and order.message_type == "ORDERS"
    assert order.order_date == date(2026, 11, 17)
    assert order.delivery_date == date(2026, 12, 15)  # DTM+2 beats DTM+64
    assert order.currency == "EUR"
    assert order.ship_to == "Hafenweg 12, Bremen 28195"
    assert order.stated_total == Decimal("723.40")
    assert order.buyer.edi_id == "4099999000001" and order.buyer.name == "Beispiel Handel GmbH"
    assert not order.is_change and order.confidence == 1.0
    assert order.fields["po_number"].segment == "UNH M1, segment 2: BGM"


def test_una_d96a_lines(two_messages):
    """LIN/PIA ids are sorted by qualifier; split-delivery QTY+11 and its DTM are not the line's."""
    first, second = two_messages[0].lines
    assert first.line_no == 1 and second.line_no == 2
    assert first.ids == (("SRS", "4000862141404"), ("IN", "BX-100"), ("SA", "2.01.0049"))
    assert (first.barcode, first.customer_sku, first.our_sku) == ("4000862141404", "BX-100", "2.01.0049")
    assert first.description == "CLING FILM 30CM X 300M"
    assert (first.quantity, first.unit, first.unit_price) == (Decimal("48"), "RO", Decimal("14.55"))
    assert first.amount == Decimal("698.40") and first.delivery_date is None
    assert first.provenance.segment == "UNH M1, segment 10: LIN"
    assert second.customer_sku is None and second.our_sku == "2.01.0050"
    assert second.description == "CARTON 40X30"  # the coded IMD+C is no text
    assert second.unit_price == Decimal("2.5")  # 250 per 100 pieces
    assert second.delivery_date == date(2026, 12, 22)


def test_second_message_uses_st_party_and_moa79(two_messages):
    """A message without DTM+2, NAD+DP or MOA+86 falls back to DTM+69, NAD+ST and MOA+79."""
    order = two_messages[1]
    assert order.po_number == "PO-A-101"
    assert order.delivery_date == date(2026, 12, 19)
    assert order.ship_to == "Nordstrasse 1 Hinterhaus, Kiel 24103"
    assert order.stated_total == Decimal("40.00") and order.currency is None
    (line,) = order.lines
    assert (line.barcode, line.quantity, line.unit, line.unit_price) == ("4000862141411", Decimal(5), None, None)


def test_unow_chinese_text_and_release_characters():
    """UTF-8 (UNOW) without UNA: ?+ ?' ?: ?? are released; the full-width PO number is NFKC'd."""
    (order,) = read("orders_unow_release_chars.edi").orders
    assert order.po_number == "YX-ORD-0098830"
    assert order.order_date == date(2026, 11, 18)  # format 203
    assert order.buyer.edi_id == "HDYXMART" and order.buyer.name == "华东优鲜超市连锁有限公司"
    assert order.ship_to == "上海市闵行区华漕镇纪鹤公路1288号"
    first, second = order.lines
    assert first.description == "封箱胶带48mm+透明 150m"
    assert (first.quantity, first.unit, first.unit_price) == (Decimal(20), "CT", Decimal("408.60"))
    assert second.customer_sku == "YX'RM:60?40"
    assert second.description == "标签 '特惠' 60:40"
    assert order.stated_total == Decimal("8372.00")


def test_d01b_decimal_comma_and_replace_function():
    """UNA declares a decimal comma; BGM function 5 (replace) makes it a change order."""
    (order,) = read("orders_d01b_decimal_comma.edi").orders
    assert order.po_number == "K-4711" and order.is_change
    assert order.order_date == date(2026, 11, 19)  # format 101, YYMMDD
    assert order.delivery_date == date(2026, 12, 1)  # first day of the 718 range
    assert order.buyer.edi_id == "SENDER01" and order.buyer.name is None
    (line,) = order.lines
    assert (line.quantity, line.unit, line.unit_price) == (Decimal("12.5"), "KGM", Decimal("3.20"))
    assert order.stated_total == Decimal("40.00")


def test_ordchg_is_a_change_order():
    (order,) = read("ordchg.edi").orders
    assert order.message_type == "ORDCHG" and order.is_change
    assert order.po_number == "PO-A-100"
    assert order.lines[0].quantity == Decimal(60) and order.lines[0].barcode == "4000862141404"


def test_latin1_unoc_with_crlf():
    """Bytes that are not UTF-8 are read as Latin-1 (UNOC); CR/LF after terminators is ignored."""
    (order,) = read("orders_unoc_latin1.edi").orders
    assert order.po_number == "L-77" and order.buyer.name == "Kälte Großhandel"
    assert order.lines[0].description == "Kältemittel" and order.lines[0].our_sku == "A-1"


def test_invoice_is_not_an_order():
    result = read("invoic.edi")
    assert result.orders == () and result.failures == ()
    assert result.not_orders == ("EDIFACT INVOIC (invoice) is not a purchase order.",)


def test_truncated_interchange_raises():
    """An ORDERS cut off inside a LIN (no UNT) is not presented as a complete order."""
    with pytest.raises(ParseError, match="truncated"):
        read("truncated.edi")


def test_cut_message_between_good_ones_is_a_failure():
    result = read("good_then_cut.edi")
    assert [o.po_number for o in result.orders] == ["PO-G-1", "PO-G-3"]
    (failure,) = result.failures
    assert "G2" in failure.reason and failure.source.path == "in/good_then_cut.edi"
    assert failure.source.kind is SourceKind.EDIFACT


def test_binary_garbage_raises():
    with pytest.raises(ParseError):
        read("garbage.bin")


@pytest.mark.parametrize("body", [
    b"LIN+1++4000862141404:EN'" * 200_000,                    # no UNH at all
    b"UNH+1+ORDERS:D:96A:UN'" + b"QTY+21:1'" * 400_000,       # never closed
    b"UNH+1+ORDERS:D:96A:UN'" + b"BGM+220+X+9'LIN+1'" * 100_000 + b"UNT+3+1'",
])
def test_huge_repeated_segments_fail_fast(body):
    """Multi-megabyte files of repeated segments end in one ParseError, not a hang or a crash."""
    with pytest.raises(ParseError):
        edifact.parse(b"UNB+UNOC:3+A+B+261117:0815+1'" + body, ParseContext(path="big.edi"))


def test_file_larger_than_allowed_raises():
    with pytest.raises(ParseError, match="larger"):
        edifact.parse(b"UNB+UNOC:3+A+B+1:1+1'" + b"x" * 100, ParseContext(path="x", max_bytes=50))


@pytest.mark.parametrize(("head", "expected"), [
    (b"UNA:+.? 'UNB+UNOC:3", True),
    (b"\xef\xbb\xbf  UNB+UNOB:1+X", True),
    (b"UNH+1+ORDERS:D:96A:UN'", True),
    (b"ISA*00*          *00*", False),
    (b"%PDF-1.7", False),
    (b"UNBEKANNT", False),
])
def test_looks_like(head, expected):
    assert edifact.looks_like(head) is expected


_VALUE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
_SEGMENT = st.lists(st.lists(_VALUE, min_size=1, max_size=4), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SEGMENT, min_size=1, max_size=6),
       st.sampled_from([Syntax(), Syntax("*", "|", ",", "\\", "~"), Syntax(":", "+", ".", "?", "\n")]))
def test_tokeniser_round_trip(segments, syntax):
    """Values escaped with the release character come back unchanged from the tokeniser."""
    text = "".join(
        "FTX" + "".join(syntax.element + syntax.component.join(escape(v, syntax) for v in element)
                        for element in segment) + syntax.terminator
        for segment in segments)
    segs = split_segments(text, syntax)
    assert len(segs) == len(segments)
    for index, segment in enumerate(segments):
        assert segs.tag(index) == "FTX"
        assert segs.elements(index)[1:] == segment


def test_una_sets_service_characters():
    segs = tokenise("UNA*|,\\ ~UNB|UNOC*3|A\\|B~UNH|1|ORDERS*D~")
    assert segs.syntax.decimal == ","
    assert segs.elements(0) == [["UNB"], ["UNOC", "3"], ["A|B"]]
    assert segs.tag(1) == "UNH"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_damaged_bytes_never_raise_anything_but_parse_error(data):
    """Cutting and flipping bytes of a good interchange gives a result or a ParseError, nothing else."""
    good = (DATA / "orders_d96a_two_messages.edi").read_bytes()
    cut = data.draw(st.integers(0, len(good)))
    damaged = bytearray(good[:cut])
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(0, 8))):
        if damaged:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    try:
        result = edifact.parse(bytes(damaged), ParseContext(path="damaged.edi"))
    except ParseError as exc:
        assert exc.reason
    else:
        assert isinstance(result, ParseResult)


def test_sub_lines_are_not_lines():
    """A LIN flagged as sub-line (C829 5495 = 1) and an SLN group add nothing to their parent line."""
    (order,) = read("orders_sublines.edi").orders
    assert [line.barcode for line in order.lines] == ["4000862141404", "4000862141406"]
    first, second = order.lines
    assert (first.quantity, first.unit, first.unit_price) == (Decimal("2.5"), "KGM", None)
    assert (second.line_no, second.quantity, second.unit_price) == (2, Decimal(4), None)


def test_acknowledgements_and_untyped_messages_are_not_orders():
    result = read("acknowledgements.edi")
    assert result.orders == () and result.failures == ()
    assert result.not_orders == (
        "EDIFACT APERAK (application acknowledgement) is not a purchase order.",
        "EDIFACT message A3 names no message type, so it is not read as an order.",
    )


def test_lines_after_an_early_uns_are_read():
    """Some partners put UNS before the line groups; a LIN still opens a line there."""
    data = (b"UNB+UNOC:3+S1+R1+261120:0900+9'UNH+1+ORDERS:D:09B:UN'BGM+7+P-9'"
            b"DTM+137:20250401120000?+00:303'UNS+S'LIN+1++A-1:SA'QTY+21:3'UNT+7+1'UNZ+1+9'")
    (order,) = edifact.parse(data, ParseContext(path="x.edi")).orders
    assert order.order_date == date(2025, 4, 1)
    assert [(line.our_sku, line.quantity) for line in order.lines] == [("A-1", Decimal(3))]


def test_junk_before_unb_is_skipped():
    data = b"#####@@@@@\r\n#####\r\nUNB+UNOA:3+P1:14+P2:14+050824:1727+X'UNH+1+ORDERS:D:96A:UN'" \
           b"BGM+220+J-1+9'LIN+1++2000100873151:EN'QTY+21:1'UNT+5+1'UNZ+1+X'"
    assert edifact.looks_like(data)
    (order,) = edifact.parse(data, ParseContext(path="x.edi")).orders
    assert order.po_number == "J-1" and order.buyer.edi_id == "P1"
