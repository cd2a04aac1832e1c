"""The one layout reader for positioned words: text-PDF characters and OCR'd fax words alike.

Words with boxes become lines; the line that names an item and a quantity column heads the
order table, whose columns come from the ruling lines when the page has them and otherwise
from the vertical gutters between the words of the header and the rows below it. The page
is then laid out as rows of cells and handed to the shared table reader
(`tables.orders_from_rows`), so header labels, totals rows and line fields are read the same
way as in a spreadsheet; a page with no order table is read as free text by `textlines`.
Every value keeps its page and box, and OCR confidences lower the line's and order's own.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from parsers import fields as F
from parsers import tables, textlines
from parsers.context import ParseContext
from parsers.model import ParsedLine, ParsedOrder, ParseResult, Provenance, SourceKind

Box = tuple[float, float, float, float]  # x0, top, x1, bottom; y grows downwards

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_SCRIPT_RUNS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）]+|"
                          r"[^\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）]+")
_PAGE_NUMBER = re.compile(r"(?i)^(第\s*\d+\s*页.*|共\s*\d+\s*页.*|page\s*\d+(\s*(of|/)\s*\d+)?|-?\s*\d+\s*-?|\d+\s*/\s*\d+)$")
_NOT_ORDER_TITLE = re.compile(r"(?i)\binvoice\b|发票|报价单|报价表|\bquotation\b|对账单|statement of account|"
                              r"送货单|delivery note|packing list|credit note|询价")
_ORDER_TITLE = re.compile(r"(?i)订单|采购单|订货单|purchase\s*order")
_COMPANY = re.compile(r"(?i)(有限公司|股份公司|集团|公司|食品厂|工厂|商行|\b(co\.?,?\s*ltd\.?|ltd\.?|limited|inc\.?|"
                      r"gmbh|llc|corp\.?|pte\.?\s*ltd\.?))$")
_CELL_NAME = re.compile(r"^p(\d+) r(\d+) c(\d+)$")


@dataclass(frozen=True, slots=True)
class Word:
    """A word (or OCR text run) on a page, where it sits, and how sure the reader is of it."""

    text: str
    box: Box
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return max(self.box[3] - self.box[1], 0.1)

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True, slots=True)
class Page:
    """The words of one page (1-based `number`), its vertical ruling lines, and its height."""

    number: int
    words: tuple[Word, ...]
    rules: tuple[Box, ...] = ()
    height: float = 0.0


Line = list[Word]


@dataclass
class _Table:
    """Column spans of the order table on a page, the canonical column each maps to, its lines."""

    spans: list[tuple[float, float]]
    index: list[int]
    first: int
    last: int


@dataclass
class _Sheet:
    """Rows of cells for the table reader, with each cell's page, box and confidence."""

    rows: list[list[str | None]] = field(default_factory=list)
    places: list[tuple[int, dict[int, Box], float, dict[int, float]]] = field(default_factory=list)
    qty_col: int | None = None

    def add(self, page: int, cells: list[list[Word]], offset: int = 0) -> None:
        row: list[str | None] = [None] * offset
        boxes: dict[int, Box] = {}
        confs: dict[int, float] = {}
        for c, words in enumerate(cells, start=offset):
            row.append(join_words(words) if words else None)
            if words:
                boxes[c] = _union(w.box for w in words)
                confs[c] = min(w.confidence for w in words)
        if any(row):
            self.rows.append(row)
            self.places.append((page, boxes, min(confs.values(), default=1.0), confs))

    def cell_name(self, r: int, c: int) -> str:
        return f"p{self.places[r][0]} r{r + 1} c{c + 1}"


def _union(boxes) -> Box:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def group_lines(words: list[Word]) -> list[Line]:
    """Words in reading order as lines: a word joins the line whose band it half overlaps."""
    lines: list[tuple[list[Word], float, float]] = []  # words, band centre, band height
    for w in sorted(words, key=lambda w: (w.cy, w.box[0])):
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            members, cy, h = lines[i]
            overlap = min(cy + h / 2, w.box[3]) - max(cy - h / 2, w.box[1])
            if overlap >= 0.45 * min(h, w.height):
                members.append(w)
                n = len(members)
                lines[i] = (members, cy + (w.cy - cy) / n, h + (w.height - h) / n)
                break
        else:
            lines.append(([w], w.cy, w.height))
    lines.sort(key=lambda item: item[1])
    return [sorted(members, key=lambda w: w.box[0]) for members, _, _ in lines]


def _line_height(line: Line) -> float:
    return statistics.median(w.height for w in line)


def phrases(line: Line, gap: float = 1.0) -> list[list[Word]]:
    """Split a line where the space between two words exceeds `gap` times the text height."""
    out: list[list[Word]] = []
    limit = gap * _line_height(line)
    for w in line:
        if out and w.box[0] - out[-1][-1].box[2] <= limit:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def join_words(words: list[Word]) -> str:
    """The text of words in one cell: a space between words unless both sides are CJK."""
    text, prev = "", None
    for w in words:
        gap = w.box[0] - prev.box[2] if prev is not None else 0.0
        piece = w.text
        if prev is not None and gap > 0.15 * min(w.height, prev.height):
            text += " "
        elif prev is not None and gap < 0 and text and piece[:1] == text[-1]:
            piece = piece[1:]  # overlapping OCR runs that both read the character they share
        text += piece
        prev = w
    return text.strip()


def _parts(text: str) -> list[str]:
    """A bilingual label's halves: "订单编号 PO No." -> ["订单编号", "PO No."]."""
    return [m.group(0).strip() for m in _SCRIPT_RUNS.finditer(text) if m.group(0).strip()]


def column_label(text: str) -> str:
    """A header cell as the table reader understands it ("物料编码 Item" -> "物料编码", "Item #" -> "Item No")."""
    text = re.sub(r"\s*#\s*$", " No", text.strip())
    parts = _parts(text)
    if len(parts) > 1:
        for part in parts:
            if F.column_field(part):
                return part
    return text


def header_label(text: str) -> str:
    """A "label: value" cell whose bilingual label is reduced to one half, when both halves agree.

    "订单编号 PO No.：X" -> "订单编号:X"; "采购员 Buyer：王丽" stays, since 采购员 is a person, not the buyer.
    """
    label, sep, value = text.replace("：", ":").partition(":")
    parts = _parts(label)
    if not sep or F.header_field(label) or len(parts) < 2:
        return text
    names = {F.header_field(part) for part in parts}
    if len(names) == 1 and None not in names:
        return f"{parts[0]}:{value}"
    return text


def _header_fields(line: Line) -> set[str]:
    found: set[str] = set()
    for cell in phrases(line, 0.8):
        whole = F.column_field(column_label(join_words(cell)))
        if whole:
            found.add(whole)
            continue
        found.update(f for w in cell if (f := F.column_field(column_label(w.text))))
    return found


def _is_header(line: Line) -> bool:
    found = _header_fields(line)
    return F.QUANTITY in found and bool(found & F.ITEM_FIELDS) and len(found) >= 3


def _rule_spans(page: Page, line: Line) -> list[tuple[float, float]]:
    """Column spans between the vertical rules that cross the header line, if there are enough."""
    top, bottom = min(w.box[1] for w in line), max(w.box[3] for w in line)
    mid = (top + bottom) / 2
    near = 0.25 * _line_height(line)
    xs: list[float] = []
    for x0, t, x1, b in sorted(page.rules):
        x = (x0 + x1) / 2
        if t <= mid <= b and (not xs or x - xs[-1] > near):
            xs.append(x)
    spans = list(zip(xs, xs[1:]))
    return spans if len(spans) >= 3 else []


def _rule_bottom(page: Page, spans: list[tuple[float, float]], line: Line) -> float:
    """Where the ruled table ends: follow its column rules down while they touch (cell by cell)."""
    xs = {a for a, _ in spans} | {b for _, b in spans}
    mid = statistics.median(w.cy for w in line)
    near = 0.25 * _line_height(line)
    rules = sorted((r for r in page.rules if any(abs((r[0] + r[2]) / 2 - x) <= near for x in xs)),
                   key=lambda r: r[1])
    bottom = max((r[3] for r in rules if r[1] <= mid <= r[3]), default=mid)
    for _x0, top, _x1, low in rules:
        if top <= bottom + 2 * near:
            bottom = max(bottom, low)
    return bottom


def _body_end(lines: list[Line], h: int, bottom: float | None) -> int:
    """Index past the last table line: ruled tables end at their rules, others at a wide gap or a total."""
    size = _line_height(lines[h])
    end = h + 1
    while end < len(lines):
        line = lines[end]
        if bottom is not None:
            if statistics.median(w.cy for w in line) > bottom:
                break
        elif min(w.box[1] for w in line) - max(w.box[3] for w in lines[end - 1]) > 2.5 * size:
            break
        end += 1
        if F.is_total_label(line[0].text) or F.is_total_label(join_words(phrases(line)[0])):
            break
    return end


def _gutter_spans(lines: list[Line], h: int, end: int) -> list[tuple[float, float]]:
    """Column spans: the x ranges covered by header cells and row words, split at empty gutters."""
    size = _line_height(lines[h])
    boxes = [(c[0].box[0], c[-1].box[2]) for c in phrases(lines[h], 0.8)]
    for line in lines[h + 1:end]:
        if not (F.is_total_label(line[0].text) or F.is_total_label(join_words(phrases(line)[0]))):
            boxes.extend((w.box[0], w.box[2]) for w in line)
    spans: list[list[float]] = []
    for x0, x1 in sorted(boxes):
        if spans and x0 <= spans[-1][1] + 0.3 * size:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [(a, b) for a, b in spans]


def _column_of(w: Word, spans: list[tuple[float, float]]) -> int:
    for i, (a, b) in enumerate(spans):
        if a <= w.cx <= b:
            return i
    return min(range(len(spans)), key=lambda i: min(abs(w.cx - spans[i][0]), abs(w.cx - spans[i][1])))


def _cells(line: Line, spans: list[tuple[float, float]], index: list[int], width: int) -> list[list[Word]]:
    cells: list[list[Word]] = [[] for _ in range(width)]
    for w in line:
        cells[index[_column_of(w, spans)]].append(w)
    return cells


def _canonical(spans: list[tuple[float, float]], canon: list[tuple[float, float]]) -> list[int]:
    """Map a later page's columns onto the first table's, by overlap, else by nearest centre."""
    out = []
    for a, b in spans:
        overlaps = [min(b, d) - max(a, c) for c, d in canon]
        best = max(range(len(canon)), key=lambda i: overlaps[i])
        if overlaps[best] <= 0:
            best = min(range(len(canon)), key=lambda i: abs((a + b) / 2 - sum(canon[i]) / 2))
        out.append(best)
    return out


def _find_table(page: Page, lines: list[Line], canon: list[tuple[float, float]] | None) -> _Table | None:
    h = next((i for i, line in enumerate(lines) if _is_header(line)), None)
    if h is None:
        return _continued_table(lines, canon) if canon else None
    spans = _rule_spans(page, lines[h])
    end = _body_end(lines, h, _rule_bottom(page, spans, lines[h]) if spans else None)
    spans = spans or _gutter_spans(lines, h, end)
    index = _canonical(spans, canon) if canon else list(range(len(spans)))
    return _Table(spans, index, h, end)


def _continued_table(lines: list[Line], canon: list[tuple[float, float]]) -> _Table | None:
    """A page without a header continues the previous page's table from its first row with a number."""
    index = list(range(len(canon)))
    for i, line in enumerate(lines):
        cells = _cells(line, canon, index, len(canon))
        if sum(1 for c in cells if c) >= 3 and any(re.search(r"\d", join_words(c)) for c in cells[1:]):
            return _Table(list(canon), index, i - 1, _body_end(lines, max(i - 1, 0), None))
    return None


def _repeated(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """(page index, line index) of page headers and footers repeated from an earlier page, and page numbers."""
    seen: set[str] = set()
    skip: set[tuple[int, int]] = set()
    for p, lines in enumerate(pages):
        edge = set(range(min(3, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines)))
        for i in edge:
            text = join_words(lines[i])
            key = re.sub(r"\d+", "#", re.sub(r"\s+", "", text))
            if _PAGE_NUMBER.match(text.strip()) or (p > 0 and key in seen and not _is_header(lines[i])):
                skip.add((p, i))
            seen.add(key)
    return skip


def _sheet(pages: list[Page]) -> tuple[_Sheet, bool]:
    """Lay every page out as rows: table lines by column, other lines by phrase, after the columns."""
    sheet = _Sheet()
    all_lines = [group_lines(list(page.words)) for page in pages]
    skip = _repeated(all_lines)
    canon: list[tuple[float, float]] | None = None
    width = 0
    for p, (page, lines) in enumerate(zip(pages, all_lines)):
        table = _find_table(page, lines, canon)
        if table and canon is None:
            canon, width = table.spans, len(table.spans)
        for i, line in enumerate(lines):
            if (p, i) in skip:
                continue
            if table and table.first <= i < table.last and canon is not None:
                cells = _cells(line, table.spans, table.index, width)
                _add_table_line(sheet, page.number, cells, i == table.first)
            else:
                texts = phrases(line)
                sheet.add(page.number, texts, offset=width)
                _relabel(sheet.rows[-1] if sheet.rows else [])
    return sheet, canon is not None


def _relabel(row: list[str | None]) -> None:
    for c, text in enumerate(row):
        if text:
            row[c] = header_label(text)


def _add_table_line(sheet: _Sheet, page: int, cells: list[list[Word]], is_header: bool) -> None:
    """A table line; a line with no quantity right under a row continues that row's cells."""
    if is_header:
        sheet.add(page, cells)
        row = sheet.rows[-1]
        for c, text in enumerate(row):
            row[c] = column_label(text) if text else text
        if sheet.qty_col is None:
            sheet.qty_col = next((c for c, t in enumerate(row) if F.column_field(t) == F.QUANTITY), None)
        return
    qty_col = sheet.qty_col
    first = next((join_words(c) for c in cells if c), "")
    if (qty_col is not None and not cells[qty_col] and sheet.rows and not F.is_total_label(first)
            and _has_quantity(sheet.rows[-1], qty_col) and sheet.places[-1][0] == page):
        _extend_row(sheet, cells)
        return
    sheet.add(page, cells)


def _has_quantity(row: list[str | None], qty_col: int) -> bool:
    return qty_col < len(row) and bool(row[qty_col]) and bool(re.search(r"\d", row[qty_col] or ""))


def _extend_row(sheet: _Sheet, cells: list[list[Word]]) -> None:
    row = sheet.rows[-1]
    page, boxes, conf, confs = sheet.places[-1]
    for c, words in enumerate(cells):
        if not words or c >= len(row):
            continue
        extra = join_words(words)
        glue = "" if row[c] and _CJK.match(row[c][-1]) and _CJK.match(extra[:1]) else " "
        row[c] = f"{row[c]}{glue}{extra}" if row[c] else extra
        boxes[c] = _union([boxes[c], *(w.box for w in words)]) if c in boxes else _union(w.box for w in words)
        confs[c] = min([confs.get(c, 1.0)] + [w.confidence for w in words])
    sheet.places[-1] = (page, boxes, min(confs.values(), default=conf), confs)


def _title_says_not_order(pages: list[Page]) -> bool:
    if not pages:
        return False
    top = " ".join(t for line in group_lines(list(pages[0].words))[:10]
                   if not re.search(r"[:：]", t := join_words(line)))
    return bool(_NOT_ORDER_TITLE.search(top)) and not _ORDER_TITLE.search(top)


def read_pages(pages: list[Page], ctx: ParseContext, kind: SourceKind) -> ParseResult:
    """Read the orders on positioned pages; the table reader if a table is found, else free text."""
    if _title_says_not_order(pages):
        return ParseResult(not_orders=("The document is titled as something other than a purchase order.",))
    sheet, has_table = _sheet(pages)
    if has_table:
        result = tables.orders_from_rows(sheet.rows, ctx, kind, cell_name=sheet.cell_name)
        result = replace(result, orders=tuple(_locate(o, sheet) for o in result.orders))
    else:
        result = _read_text(pages, ctx, kind)
    buyer = _letterhead(pages)
    return replace(result, orders=tuple(_with_buyer(o, buyer) for o in result.orders))


def _letterhead(pages: list[Page]) -> tuple[str, Provenance, float] | None:
    """The buyer named at the top of page 1: a company name, else the name just above the title."""
    lines = [[(join_words(p), p) for p in phrases(line)] for line in group_lines(list(pages[0].words))[:12]]
    title = next((i for i, line in enumerate(lines)
                  if any(_ORDER_TITLE.search(re.sub(r"\s+", "", t)) and len(t) <= 40 for t, _ in line)), None)
    named = [(t, p) for line in lines[:title] for t, p in line
             if _COMPANY.search(t) and not re.search(r"[:：]", t)]
    if not named and title:
        named = [(t, p) for line in reversed(lines[:title]) for t, p in line
                 if 2 <= len(t) <= 40 and not re.search(r"[\d:：@]", t)][:1]
    if not named:
        return None
    text, words = named[0]
    return text, Provenance(page=pages[0].number, box=_union(w.box for w in words)), min(w.confidence for w in words)


def _with_buyer(order: ParsedOrder, buyer: tuple[str, Provenance, float] | None) -> ParsedOrder:
    if order.buyer.name or buyer is None:
        return order
    name, where, confidence = buyer
    return replace(order, buyer=replace(order.buyer, name=name), fields={**order.fields, "buyer": where},
                   confidence=min(order.confidence, confidence))


def _read_text(pages: list[Page], ctx: ParseContext, kind: SourceKind) -> ParseResult:
    """No order table: the pages as text lines (phrases kept apart), read by `textlines`."""
    texts: list[str] = []
    where: list[tuple[int, Box, float]] = []
    for page in pages:
        for line in group_lines(list(page.words)):
            texts.append("    ".join(header_label(join_words(p)) for p in phrases(line)))
            where.append((page.number, _union(w.box for w in line), min(w.confidence for w in line)))
    result = textlines.orders_from_text("\n".join(texts), ctx, kind)
    return replace(result, orders=tuple(_locate_text(o, where) for o in result.orders))


def _cell_place(sheet: _Sheet, name: str | None) -> tuple[Provenance, float, float] | None:
    """(provenance with page and box, the cell's confidence, its row's confidence) for a cell name."""
    m = _CELL_NAME.match(name or "")
    if not m:
        return None
    page, boxes, row_conf, confs = sheet.places[int(m.group(2)) - 1]
    c = int(m.group(3)) - 1
    return Provenance(page=page, box=boxes.get(c), cell=name), confs.get(c, row_conf), row_conf


def _locate(order: ParsedOrder, sheet: _Sheet) -> ParsedOrder:
    """Give every value its page and box, and let uncertain OCR lower the confidences."""
    lines: list[ParsedLine] = []
    for line in order.lines:
        place = _cell_place(sheet, line.provenance.cell if line.provenance else None)
        if place:
            line = replace(line, provenance=place[0], confidence=min(line.confidence, place[2]))
        lines.append(line)
    fields: dict[str, Provenance] = {}
    confidence = min([order.confidence] + [line.confidence for line in lines])
    for name, where in order.fields.items():
        place = _cell_place(sheet, where.cell)
        fields[name] = place[0] if place else where
        confidence = min(confidence, place[1]) if place else confidence
    return replace(order, lines=tuple(lines), fields=fields, confidence=confidence)


def _locate_text(order: ParsedOrder, where: list[tuple[int, Box, float]]) -> ParsedOrder:
    def place(p: Provenance | None) -> tuple[Provenance | None, float]:
        if p is None or p.line is None or not 0 < p.line <= len(where):
            return p, 1.0
        page, box, conf = where[p.line - 1]
        return Provenance(page=page, box=box, line=p.line), conf

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
