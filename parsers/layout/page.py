"""The one layout reader for positioned words: text-PDF characters and OCR'd fax words alike.

Words with boxes become lines; the line that names an item and a quantity column heads the
order table, whose columns come from the ruling lines when the page has them and otherwise
from the vertical gutters between the words of the header and the rows below it. The page
is then laid out as rows of cells and handed to the shared table reader
(`build.orders_from_rows`), so header labels, totals rows and line fields are read the same
way as in a spreadsheet; a page with no order table is read as free text by `textlines`.
Every value keeps its page and box (a header value's narrowed to its own words by `spots`), and
OCR confidences lower the line's and order's own.
"""
from __future__ import annotations

import re
from dataclasses import replace

from parsers import build
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.layout import sheetlines, textlines
from parsers.layout.checks import pages as pages_check
from parsers.layout.headings import is_header as _is_header
from parsers.layout.pagetable import Sheet, lay_out, locate
from parsers.layout.spots import narrow_fields
from parsers.layout.words import (Box, Line, Page, Word, column_label, group_lines, header_label, join_words,
                                  phrases, union_box)
from parsers.model import PageFrame, ParsedOrder, ParseResult, Provenance, SourceKind
from parsers.vocab import doctypes
from parsers.vocab import labels as F

__all__ = ["Box", "Line", "Page", "Word", "column_label", "group_lines", "header_label", "join_words",
           "phrases", "read_pages"]


def _title_says_not_order(grouped: list[list[Line]]) -> str | None:
    """The title lines at the top of page 1 (above the table, no "label: value") name another kind
    of document (invoice, quotation, delivery note ...) and none names an order."""
    if not grouped:
        return None
    lines = grouped[0][:25]
    head = next((i for i, line in enumerate(lines) if _is_header(line)), len(lines))
    # Phrases, not whole lines: "Acme Inc.    QUOTATION" holds a title; a row of bare labels
    # ("P.O. Number  Order Date") names fields, not the document.
    texts = [join_words(p) for line in lines[:head] for p in phrases(line)]
    titles = [t for t in texts if not re.search(r"[:：]", t) and not F.header_field(t)]
    return doctypes.not_an_order(titles, "")


def read_pages(pages: list[Page], ctx: ParseContext, kind: SourceKind) -> ParseResult:
    """Read the orders on positioned pages; the table reader if a table is found, else free text."""
    grouped = [group_lines(list(page.words)) for page in pages]  # each page's lines, grouped once
    verdict = _title_says_not_order(grouped)
    if verdict:
        return ParseResult(not_orders=(verdict,))
    sheet, has_table = lay_out(pages, [list(lines) for lines in grouped])
    if has_table:
        try:
            result = build.orders_from_rows(sheet.rows, ctx, kind, cell_name=sheet.cell_name,
                                            grid_rows=sheet.grid_rows or None)
        except ParseError as e:
            raise _failed(e.reason, e.where, e.header, pages, grouped, sheet) from None
        first = sheet.first_header or 0
        result = replace(result, orders=tuple(sheetlines.month_first(sheetlines.refine(locate(o, sheet), sheet, first),
                                                                     sheet.rows) for o in result.orders))
    if not has_table or not (result.orders or result.failures):
        # A boxed header with no order rows under it is no order table: the lines may be
        # written as prose ("Item 1: …, quantity 90 EA, unit price £ 0.155"), read as text.
        result = _read_text(pages, grouped, ctx, kind)
    if result.orders and all(_bare(o) for o in result.orders) and not _titled_order(grouped):
        if kind is SourceKind.FAX:  # a fax is sent to the order desk: a person reads what we cannot
            raise ParseError(doctypes.no_order_read("fax") + " Nothing on it marks an order: no title, "
                             "PO number, price or total.")
        return ParseResult(not_orders=("Nothing marks the document as a purchase order: no title, "
                                       "PO number, price or total.",))
    if not result.orders and not result.failures and (kind is SourceKind.FAX or _order_title(grouped)):
        reason = doctypes.no_order_read("fax" if kind is SourceKind.FAX else "document, titled as an order,")
        raise _failed(reason, None, build.header_order(sheet.rows, ctx, kind, sheet.cell_name), pages, grouped, sheet)
    buyer = _letterhead(pages, grouped)
    counted = pages_check([join_words(line) for lines in grouped for line in lines], len(pages))
    frames = page_frames(pages)
    return replace(result, orders=tuple(_with_buyer(narrow_fields(replace(
        o, read_checks=o.read_checks + ((counted,) if counted else ()), page_frames=frames), pages), buyer)
        for o in result.orders))


def _failed(reason: str, where: Provenance | None, header: ParsedOrder | None, pages: list[Page],
            grouped: list[list[Line]], sheet: Sheet) -> ParseError:
    """The failure, its header placed on the pages and given the letterhead's buyer, as an order's."""
    if header is not None:
        header = _with_buyer(replace(locate(header, sheet), page_frames=page_frames(pages)), _letterhead(pages, grouped))
    return ParseError(reason, where, header=header)


def page_frames(pages: list[Page]) -> tuple[PageFrame, ...]:
    """Pages 1..N as read: size in their boxes' units and the angle a scan was levelled by."""
    known = {p.number: PageFrame(p.width, p.height, p.angle) for p in pages}
    return tuple(known.get(n, PageFrame(0.0, 0.0)) for n in range(1, max(known, default=0) + 1))


def _bare(order: ParsedOrder) -> bool:
    """An order read with no PO number, no unit price and no total: counts alone, as reports print them.

    Amounts are not enough: the free-text reader takes a trailing number of a row of counts for one.
    """
    priced = any(line.unit_price is not None for line in order.lines)
    return order.po_number is None and order.stated_total is None and not priced


def _titled_order(grouped: list[list[Line]]) -> bool:
    """Whether a page names itself an order ("Purchase Order", 采购订单, 订货单) anywhere."""
    return any(doctypes.says_order(re.sub(r"\s+", "", join_words(p))) or doctypes.says_order(join_words(p))
               for lines in grouped for line in lines for p in phrases(line))


def _order_title(grouped: list[list[Line]]) -> bool:
    """Whether page 1 carries an order title: a short phrase near its top, no "label: value"."""
    lines = grouped[0][:15] if grouped else []
    texts = [join_words(p) for line in lines for p in phrases(line)]
    return any(len(t) <= 40 and not re.search(r"[:：]", t) and doctypes.says_order(re.sub(r"\s+", " ", t))
               for t in texts)


def _letterhead(pages: list[Page], grouped: list[list[Line]]) -> tuple[str, Provenance, float] | None:
    """The buyer named at the top of page 1: a company name, else the name just above the title."""
    lines = [[(join_words(p), p) for p in phrases(line)] for line in grouped[0][:12]]
    title = next((i for i, line in enumerate(lines)
                  if any(doctypes.says_order(re.sub(r"\s+", "", t)) and len(t) <= 40 for t, _ in line)), None)
    named = [(t, p) for line in lines[:title] for t, p in line
             if F.looks_like_company(t) and not re.search(r"[:：]", t)]
    if not named and title:
        named = [(t, p) for line in reversed(lines[:title]) for t, p in line
                 if 2 <= len(t) <= 40 and not re.search(r"[\d:：@]", t) and not _names_document(t)][:1]
    if not named:
        return None
    text, words = named[0]
    return text, Provenance(page=pages[0].number, box=union_box(w.box for w in words)), min(w.confidence for w in words)


def _names_document(text: str) -> bool:
    """A title or a title word ("ORDER", "Bestellung", 订单) names the document, never the buyer."""
    return F.is_title(text) or doctypes.says_order(text) or doctypes.not_an_order([text], "") is not None


def _with_buyer(order: ParsedOrder, buyer: tuple[str, Provenance, float] | None) -> ParsedOrder:
    if order.buyer.name or buyer is None:
        return order
    name, where, confidence = buyer
    return replace(order, buyer=replace(order.buyer, name=name), fields={**order.fields, "buyer": where},
                   confidence=min(order.confidence, confidence))


def _read_text(pages: list[Page], grouped: list[list[Line]], ctx: ParseContext, kind: SourceKind) -> ParseResult:
    """No order table: the pages as text lines (phrases kept apart), read by `textlines`."""
    texts: list[str] = []
    where: list[tuple[int, Box, float]] = []
    for page, lines in zip(pages, grouped):
        for line in lines:
            texts.append("    ".join(header_label(join_words(p)) for p in phrases(line)))
            where.append((page.number, union_box(w.box for w in line), min(w.confidence for w in line)))
    result = textlines.orders_from_text("\n".join(texts), ctx, kind)
    return replace(result, orders=tuple(_locate_text(o, where) for o in result.orders))


def _locate_text(order: ParsedOrder, where: list[tuple[int, Box, float]]) -> ParsedOrder:
    def place(p: Provenance | None) -> tuple[Provenance | None, float]:
        if p is None or p.line is None or not 0 < p.line <= len(where):
            return p, 1.0
        page, box, conf = where[p.line - 1]
        return Provenance(page=page, box=box, line=p.line, text=p.text), conf

    lines = []
    for line in order.lines:
        prov, conf = place(line.provenance)
        lines.append(replace(line, provenance=prov, confidence=min(line.confidence, conf)))
    fields = {}
    confidence = min([order.confidence] + [line.confidence for line in lines])
    for name, p in order.fields.items():
        prov, conf = place(p)
        fields[name] = prov
        confidence = min(confidence, conf)
    return replace(order, lines=tuple(lines), fields=fields, confidence=confidence)
