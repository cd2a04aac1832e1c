"""The layout reader on hand-placed words: columns from gutters, confidence and provenance."""
from __future__ import annotations

from decimal import Decimal

from parsers.layout import page as layout
from parsers.context import ParseContext
from parsers.layout.page import Page, Word
from parsers.model import SourceKind

CTX = ParseContext(path="scan.tif")


def _words(rows: list[tuple[float, list[tuple[float, str]]]], conf: dict[str, float] | None = None) -> tuple[Word, ...]:
    """Words 10 units tall at (x, y), 6 units wide per character."""
    conf = conf or {}
    return tuple(Word(text, (x, y, x + 6 * len(text), y + 10), conf.get(text, 0.99))
                 for y, cells in rows for x, text in cells)


PAGE = [
    (10, [(200, "ACME Foods Ltd.")]),
    (30, [(220, "PURCHASE ORDER")]),
    (60, [(20, "PO No.:"), (80, "AC-778")]),
    (75, [(20, "Date:"), (80, "2026-11-17")]),
    (110, [(20, "Item No"), (100, "Description"), (300, "Qty"), (360, "Unit Price")]),
    (130, [(20, "X-1"), (100, "CARTON 40x30"), (306, "500"), (372, "1.20")]),
    (145, [(20, "X-2"), (100, "TAPE 48MM"), (300, "1,200"), (372, "0.75")]),
    (160, [(100, "CLEAR")]),
    (200, [(20, "Thank you.")]),
]


def test_columns_come_from_gutters_and_wrapped_text_joins_its_row():
    (order,) = layout.read_pages([Page(1, _words(PAGE))], CTX, SourceKind.FAX).orders
    assert order.po_number == "AC-778"
    assert order.buyer.name == "ACME Foods Ltd."
    assert [(l.code, l.description, l.quantity, l.unit_price) for l in order.lines] == [
        ("X-1", "CARTON 40x30", Decimal(500), Decimal("1.20")),
        ("X-2", "TAPE 48MM CLEAR", Decimal(1200), Decimal("0.75")),
    ]


def test_low_ocr_confidence_lowers_the_line_and_the_order():
    words = _words(PAGE, conf={"1,200": 0.41})
    (order,) = layout.read_pages([Page(1, words)], CTX, SourceKind.FAX).orders
    assert order.lines[0].confidence > 0.9
    assert order.lines[1].confidence == 0.41
    assert order.confidence == 0.41


def test_values_carry_page_and_box():
    (order,) = layout.read_pages([Page(3, _words(PAGE))], CTX, SourceKind.FAX).orders
    assert order.lines[1].provenance.page == 3
    assert order.lines[1].provenance.box == (300, 145, 330, 155)
    assert order.fields["po_number"].box == (80, 60, 116, 70)


def test_skewed_words_share_a_line_when_they_half_overlap():
    words = [Word("a", (0, 100, 10, 110)), Word("b", (50, 104, 60, 114)), Word("c", (0, 130, 10, 140))]
    assert [[w.text for w in line] for line in layout.group_lines(words)] == [["a", "b"], ["c"]]


def test_bilingual_labels_are_reduced_to_the_known_half():
    assert layout.header_label("订单编号 PO No.：X-1") == "订单编号:X-1"
    assert layout.header_label("采购员 Buyer：王丽") == "采购员 Buyer：王丽"
    assert layout.column_label("物料编码 Item") == "物料编码"
