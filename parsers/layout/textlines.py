"""Orders written as free text (a .txt file, an e-mail body, PDF or OCR text), Chinese or English.

Header fields come from "label: value" lines; order lines from an aligned table under a
header line, or from lines that carry a quantity with a unit ("1. 纸箱 400*300*250 500个
4.00元", "WY-SQ-400  400ml挤压瓶  4000个", "CARTON 400x300x250 - 500 pcs @ 4.00").
Prose, signatures, phone numbers and addresses carry no such quantity and are left alone.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal

from parsers.layout import prose
from parsers.vocab import doctypes
from parsers.vocab import labels as F
from parsers.context import ParseContext
from parsers.model import CheckName, CheckOutcome, ParsedLine, ParsedOrder, ParseResult, Provenance, ReadCheck, SourceKind
from parsers.vocab.numbers import document_mark, nfkc, parse_decimal, respell
from parsers.vocab.units import unit_pattern
from parsers.build import Facts, build_order, demote_counters, table_decimal_mark
from parsers.tablerow import label_and_amount, read_row, respell_row, unread_row
from parsers.layout.checks import RowNote, page_marks, within_rounding
from parsers.layout import party
from parsers.vocab.dates import date_order

# 1,234.50 and 1.234,50, 4.000 and 0,009 alike: which mark is decimal is the document's to say.
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_UNITS = unit_pattern(free_text=True)
_QTY_UNIT = re.compile(rf"(?i)(?<![\w×*/.\-])({_NUM})\s*(万|千(?![克米瓦升]))?\s*({_UNITS})(?![A-Za-z])(?!\s*/)")
_ENUM = re.compile(r"^\s*(?:[(（]\d{1,3}[)）]|\d{1,3}[.、)）:](?!\d)|[-*•·●▪]\s|No\.\s*\d{1,3}\b)\s*")
_LABELED_QTY = re.compile(rf"(?i)(?:数量|qty|quantity)\s*[:：]?\s*({_NUM})\s*(万|千(?![克米瓦升]))?\s*([^\d\s,，;；、]{{0,5}})")
_LABELED_PRICE = re.compile(rf"(?i)(?:单价|單價|unit\s*price|price)\s*[:：]?\s*[¥$€]?\s*({_NUM})")
_LABELED_AMOUNT = re.compile(rf"(?i)(?:金额|amount)\s*[:：]?\s*[¥$€]?\s*({_NUM})")
_PRICE_AFTER = re.compile(rf"(?i)^[\s,，;；\-–]*(?:@|at|à|je|x|×|单价|單價)?\s*(?:[¥$€]|rmb|usd|us\$|cny|eur)?\s*({_NUM})\s*(元|rmb|usd|cny|eur)?")
_CODE = re.compile(r"^(?=[A-Za-z0-9\-_./]*\d)(?=[A-Za-z0-9\-_./]*[A-Za-z\-.])[A-Za-z0-9][A-Za-z0-9\-_./]{2,29}$")
_MEASURE = re.compile(r"(?i)^\d+(\.\d+)?(mm|cm|ml|l|g|kg|m|u|oz|mic|um|\")$|^\d+[x×*]\d+")
_QUOTE_MARK = re.compile(r"(?i)^\s*(-{2,}\s*(原始邮件|original message|forwarded message|转发邮件|转发的邮件)|在.{0,40}写道[:：]$|on .{0,80}wrote:$)")
_QUOTED_HEADER = re.compile(r"(?i)^\s*(from|sent|date|to|cc|subject|发件人|發件人|发送时间|發送時間|时间|收件人|抄送|主题|主旨|日期|"
                            r"von|gesendet|datum|an|betreff|de|enviado|fecha|para|asunto|envoye|envoyé|à|objet)\s*:")
_PO_INLINE = re.compile(r"(?i)(?:(?:采购订单号|采购单号|订单编号|订单号|P\.?O\.?\s*(?:No\.?|Number|#))\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9\-_/.]*\d[A-Za-z0-9\-_/]*)|订单\s*([A-Za-z][A-Za-z0-9\-_/]*\d[A-Za-z0-9\-_/]*))")
_PROSE_DELIVERY = re.compile(r"(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{1,2}\s*月\s*\d{1,2}\s*[日号])\s*(?:前|之前|以前)?\s*(?:务必|必须|要)?\s*(?:到货|送到|交货|送货|到|交)")
_NO_LINES = "The text holds no order lines."


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _chunks(line: str) -> list[tuple[int, int, str]]:
    """Cells of an aligned line: (display start, display end, text), split on tabs or 2+ spaces."""
    out = []
    pattern = r"[^\t]+" if "\t" in line else r"\S+(?: \S+)*"
    for m in re.finditer(pattern, line):
        if m.group(0).strip():
            start = _width(line[: m.start()])
            out.append((start, start + _width(m.group(0)), m.group(0).strip()))
    return out


def _header_columns(line: str) -> list[tuple[int, str | None, str]] | None:
    """(display start, field, label) per column when the line is a table header, else None.

    A line whose labels carry their values ("数量：2000 个", "quantity 120 PK, unit price 1.46")
    is a line of labelled fields, not a header.
    """
    if len(re.findall(r"[:：]\s*[^\s:：]", line)) >= 2 or len(re.findall(r"\d+", line)) >= 2:
        return None
    columns: list[tuple[int, str | None, str]] = []
    tabbed = "\t" in line  # a tab cell is one heading ("Customer Part #"), never split into words
    for start, _end, text in _chunks(line):
        pieces = _heading_words(text)
        if tabbed or len(pieces) == 1 or _whole(text, pieces):
            columns.append((start, F.column_field(text), text))
            continue
        offset = start
        for label in pieces:
            columns.append((offset, F.column_field(label), label))
            offset += _width(label) + 1
    found = {f for _, f, _ in columns if f}
    if F.QUANTITY in found and found & F.ITEM_FIELDS and sum(1 for _, f, _ in columns if f) >= 3:
        return columns
    return None


def _heading_words(text: str) -> list[str]:
    """A single-spaced run of headings cut into the longest known labels ("Item Code Description Qty")."""
    words, pieces, i = text.split(" "), [], 0
    while i < len(words):
        j = next((j for j in range(len(words), i + 1, -1) if F.is_known_column(" ".join(words[i:j]))), i + 1)
        pieces.append(" ".join(words[i:j]))
        i = j
    return pieces


def _whole(text: str, pieces: list[str]) -> bool:
    """A spaced heading names one column when, whole, it names what none of its words does:
    "Customer Part #" is the customer's code, not a customer, a part and a number; "序号 物料编码"
    and "Item Code Description Qty" are several columns."""
    field = F.column_field(text)
    return field is not None and field not in {F.column_field(p) for p in pieces}


def _cells(line: str, columns: list[tuple[int, str | None, str]], tabbed: bool) -> list[str | None]:
    """Place the chunks of a row under the header columns: by count, else by position."""
    if tabbed:
        parts = [p.strip() or None for p in line.split("\t")]
        return (parts + [None] * len(columns))[: len(columns)]
    chunks = _chunks(line)
    if len(chunks) == len(columns):
        return [c[2] for c in chunks]
    cells: list[str | None] = [None] * len(columns)
    starts = [c[0] for c in columns] + [10**6]
    for start, end, text in chunks:
        overlap = [max(0, min(end, starts[i + 1]) - max(start, starts[i])) for i in range(len(columns))]
        index = max(range(len(columns)), key=lambda i: (overlap[i], -i))
        cells[index] = f"{cells[index]} {text}" if cells[index] else text
    return cells


def _read_table(lines: list[str], facts: Facts, us: bool, used: set[int],
                unread: list[str] | None = None, notes: list[RowNote] | None = None) -> list[ParsedLine]:
    """Lines of the first aligned table under a header line, with each row's printed number in
    `notes`; marks the text lines it used."""
    for h, raw in enumerate(lines):
        columns = _header_columns(raw)
        if columns:
            break
    else:
        return []
    tabbed = "\t" in raw
    body = [_cells(line, columns, tabbed) for line in _table_rows(lines[h + 1:h + 60])]
    mapping = demote_counters(body, 0, {i: f for i, (_, f, _) in enumerate(columns) if f})
    mark = table_decimal_mark(body, mapping)
    labels = {i: label for i, (_, _, label) in enumerate(columns)}
    found: list[ParsedLine] = []
    used.add(h)
    for n in range(h + 1, len(lines)):
        text = lines[n]
        if not text.strip() or re.fullmatch(r"[\s\-=_*|+]+", text):
            if found and not text.strip():
                break
            continue
        row = respell_row(_cells(text, columns, tabbed), mapping, mark)
        first = next((c for c in row if c), "")
        if F.is_total_label(first.split(":")[0]):
            used.add(n)
            amounts = [parse_decimal(c) for c in row[1:] if c and parse_decimal(c) is not None]
            stated = str(amounts[-1]) if amounts else label_and_amount(nfkc(first))[1]  # "TOTAL 1,384.48"
            if stated:
                facts.put(F.TOTAL, stated, Provenance(line=n + 1))
            continue
        got = read_row(row, n, mapping, labels, lambda r, c: "", us, None)
        told = unread_row(row, mapping, f"line {n + 1}") if got is None and unread is not None else None
        if told:  # a table row whose quantity cannot be read is told, and the table goes on
            unread.append(told)
            used.add(n)
            continue
        if got is None:
            break
        used.add(n)
        found.append(replace(got.line, provenance=Provenance(line=n + 1), confidence=0.9))
        if notes is not None:
            notes.append(got.note)
    return found


def _table_rows(lines: list[str]) -> list[str]:
    """The rows right under a header, up to the first blank line, without rules and totals."""
    rows: list[str] = []
    for line in lines:
        if not line.strip():
            if rows:
                break
            continue
        if not re.fullmatch(r"[\s\-=_*|+]+", line) and not F.is_total_label(nfkc(line).split(":")[0]):
            rows.append(line)
    return rows


def _split_code(description: str) -> tuple[str | None, str]:
    """A customer item code at the start of a line ("WY-SQ-400  400ml挤压瓶") and the rest."""
    first, _, rest = description.partition(" ")
    if rest.strip() and _CODE.match(first) and not _MEASURE.match(first):
        return first, rest.strip()
    return None, description


def _number(text: str, mark: str | None) -> Decimal | None:
    return parse_decimal(respell(text, mark))


def _price_after(text: str, mark: str | None = None) -> tuple[Decimal | None, Decimal | None, str | None]:
    """Unit price (and amount) printed after the quantity: "4.00元", "@ 4.00", "0.79  1,896.00"."""
    m = _PRICE_AFTER.match(text)
    if not m:
        return None, None, None
    price = _number(m.group(1), mark)
    rest = text[m.end():]
    amount = _PRICE_AFTER.match(rest)
    sign = m.group(0) if re.search(r"[¥$€元]|rmb|usd|cny|eur", m.group(0), re.I) else None
    return price, _number(amount.group(1), mark) if amount else None, sign


def _free_line(text: str, n: int, mark: str | None = None) -> tuple[ParsedLine, str | None] | None:
    """An order line written freely, with the currency mark its price carries; None for prose."""
    enum = _ENUM.match(text)
    body = text[enum.end():] if enum else text
    labeled = _LABELED_QTY.search(body)
    if labeled:
        qty = _number(labeled.group(1) + (labeled.group(2) or ""), mark)
        unit = labeled.group(3) or None
        description = body[: labeled.start()]
        price_m, amount_m = _LABELED_PRICE.search(body), _LABELED_AMOUNT.search(body)
        price = _number(price_m.group(1), mark) if price_m else None
        amount = _number(amount_m.group(1), mark) if amount_m else None
        sign = "元" if re.search(r"\d\s*元", body) else None
    else:
        matches = list(_QTY_UNIT.finditer(body))
        if not matches:
            return None
        m = matches[-1]
        qty = _number(m.group(1) + (m.group(2) or ""), mark)
        unit, description = m.group(3), body[: m.start()]
        price, amount, sign = _price_after(body[m.end():], mark)
    description = description.strip(" \t-–—:：,，;；、|")
    code, description = _split_code(description)
    if qty is None or not re.search(r"[A-Za-z\u4e00-\u9fff]", description or code or ""):
        return None
    if not (enum or code or labeled or len(text) <= 40) or re.search(r"[。!?！？]", description):
        return None
    line = ParsedLine(line_no=0, description=description or None, quantity=qty, unit=unit,
                      unit_price=price, amount=amount, code=code,
                      ids=((("code", code),) if code else ()), confidence=0.8,
                      provenance=Provenance(line=n + 1))
    return line, sign


def _read_labels(lines: list[str], facts: Facts, used: set[int]) -> None:
    """Header fields from "label: value" segments (several may share a line) and inline PO numbers."""
    for n, text in enumerate(lines):
        if n in used:
            continue
        if F.says_change(text):
            facts.is_change = True
        body = _ENUM.sub("", text, count=1) if not re.match(r"^\s*\d", text) else text
        below = lines[n + 1] if n + 1 < len(lines) and n + 1 not in used else ""
        for name, label, value, line_no in header_pairs(_segments(body), _segments(below), n):
            facts.put(name, value, Provenance(line=line_no + 1), weak=F.is_weak_label(label))
        for _i, name, label, _value in F.label_pairs(_segments(body)):
            if not F.is_title(label):
                facts.saw_label(name, label)
        po = _PO_INLINE.search(text)
        if po:
            facts.put(F.PO_NUMBER, po.group(1) or po.group(2), Provenance(line=n + 1))


def _segments(text: str) -> list[str]:
    # A semicolon between digits is a mark OCR misread inside a number ("TOTAL 60,035;52"), no separator.
    return [seg for seg in re.split(rf"\t|\s{{2,}}|{prose.SEMICOLON}|[；|]", text) if seg.strip()]


def header_pairs(cells: list[str], below: list[str], n: int) -> list[tuple[str, str, str, int]]:
    """(field, label, value, line index) of the header fields on text line `n`: "label: value",
    "label value", a label cell and the cell beside it, or a line of bare labels whose values
    stand under them on the next line (boxes: 订单日期 | 交货日期 over 2026-11-09 | 2026-11-20)."""
    pairs = F.label_pairs(cells)
    bare = [p for p in pairs if not p[3]]
    out = [(name, label, value, n) for _, name, label, value in pairs if value]
    if bare and len(pairs) == len(cells) and len(below) == len(cells) and not F.label_pairs(below):
        out += [(name, label, below[i].strip(), n + 1) for i, name, label, _ in bare]
    return out


def _prose_facts(lines: list[str], facts: Facts, used: set[int]) -> None:
    """A delivery date written in a sentence ("12月4日前到货") and the company in the signature."""
    for n, text in enumerate(lines):
        m = _PROSE_DELIVERY.search(text) if n not in used else None
        if m:
            facts.put(F.DELIVERY_DATE, m.group(1), Provenance(line=n + 1))
    for n in range(len(lines) - 1, -1, -1):
        text = lines[n]
        if n in used or re.search(r"[:：]\s*$|您好|你好|dear|hello|供应商|supplier|vendor|致|to:", text, re.I):
            continue
        names = F.company_names(text)
        if names:
            facts.put(F.CUSTOMER, names[0], Provenance(line=n + 1))
            return


def _blocks(text: str) -> list[list[str]]:
    """The message itself first, then each quoted or forwarded part, quote marks removed, and
    without the forwarded mail's own header lines (its From/Date/Subject are no order fields)."""
    blocks: list[list[str]] = [[]]
    for raw in text.splitlines():
        if _QUOTE_MARK.match(raw):
            blocks.append([])
            continue
        line = re.sub(r"^\s*>\s?", "", raw)
        if len(blocks) > 1 and not any(l.strip() for l in blocks[-1]) and _QUOTED_HEADER.match(nfkc(line)):
            continue
        blocks[-1].append(line)
    return [block for block in blocks if any(line.strip() for line in block)]


def _unpipe(line: str) -> str:
    """A row of a table drawn with pipes ("1 | EW-157 | PET bottle |  500") as tab-separated cells."""
    if line.count("|") < 2 or "\t" in line:
        return line
    return "\t".join(cell.strip() for cell in line.strip().strip("|").split("|"))


def _read_block(raw_lines: list[str], ctx: ParseContext, kind: SourceKind):
    raw_lines = [_unpipe(line) for line in raw_lines]
    lines = [nfkc(line) if "\t" not in line else "\t".join(nfkc(c) for c in line.split("\t"))
             for line in raw_lines]
    facts, used = Facts(day_month=date_order(lines), tax_included=F.says_tax_included("\n".join(lines))), set()
    facts.candidates = party.gather(lines, [Provenance(line=n + 1) for n in range(len(lines))])
    us = facts.day_month == "mdy"
    unread: list[str] = []
    notes: list[RowNote] = []
    found = _read_table(raw_lines, facts, us, used, unread, notes)
    if found:
        found = [replace(l, description=nfkc(l.description) if l.description else None) for l in found]
    marks: list[str | None] = []
    ocr = kind is SourceKind.FAX
    changed = _read_prose(lines, found, marks, used, us, facts, notes if ocr else None, unread) if not found else []
    if not found:
        return None
    facts.is_change = facts.is_change or bool(changed)
    _read_labels(lines, facts, used)
    _prose_facts(lines, facts, used)
    subject_po = _PO_INLINE.search(nfkc(ctx.subject or ""))
    if subject_po:
        facts.put(F.PO_NUMBER, subject_po.group(1) or subject_po.group(2), None)
    if not facts.values.get(F.CURRENCY):
        hint = next((F.currency_code(m) for m in marks if m), None)
        facts.currency_hint = facts.currency_hint or hint or _header_currency(raw_lines)
    order = build_order(facts, found, ctx, kind, us=us, confidence=min(l.confidence for l in found), unread=unread,
                        notes=notes if len(notes) == len(found) else None)
    if changed:  # a change request names the order's own line numbers: keep them
        order = replace(order, lines=tuple(replace(l, line_no=n) for l, n in zip(order.lines, changed)),
                        read_checks=order.read_checks + (_change_doubt(order, changed),))
    return order


def _change_doubt(order: ParsedOrder, changed: list[int]) -> ReadCheck:
    # A sentence gives the new value of one field and nothing to check it against, and the rest of
    # the order lives only in the order it changes: a clerk applies it, orderdesk does not.
    lines = ", ".join(str(n) for n in changed)
    return ReadCheck(CheckName.CHANGE_REQUEST, CheckOutcome.NOT_MADE,
                     f"PO {order.po_number or '?'}: a change to line {lines} written as a sentence; only the "
                     "changed value is known, so a clerk applies it to the order")


def _read_prose(lines: list[str], found: list[ParsedLine], marks: list[str | None], used: set[int],
                us: bool, facts: Facts, notes: list[RowNote] | None = None,
                unread: list[str] | None = None) -> list[int]:
    """Lines written freely, as labelled fields or as change requests; the changed line numbers.
    With `notes` (an OCR read) each labelled line's numbers are settled by the row arithmetic
    and a note per line says what was re-read. A line that opens an order line and labels its
    fields but cannot be read is told in `unread`."""
    changed: list[int] = []
    mark = document_mark(lines)
    for n, text in enumerate(lines):
        if n in used:
            continue
        change = prose.change_request(text)
        line = prose.change_line(change, n, mark) if change else None
        if line is not None:
            facts.put(F.PO_NUMBER, change.po_number, Provenance(line=n + 1))
            changed.append(line.line_no)
            used.add(n)
            found.append(line)
            continue
        labelled, text = _unwrapped(lines, n, used, us, mark)
        got = (labelled, _money_mark(text)) if labelled else _free_line(text, n, mark)
        if got:
            line, note = prose.settled(got[0]) if notes is not None else (got[0], RowNote())
            note = replace(note, number=prose.line_number(text))  # "Item 3:", "3、": the rows are numbered
            used.add(n)
            found.append(line)
            marks.append(got[1])
            if notes is not None:
                notes.append(note)
        elif unread is not None and (told := prose.unread_line(text)):
            unread.append(told)
            used.add(n)
    return changed if len(changed) == len(found) else []


def _unwrapped(lines: list[str], n: int, used: set[int], us: bool, mark: str | None) -> tuple[ParsedLine | None, str]:
    """The labelled line starting at line n, with the lines it wraps onto ("…, unit price US$" /
    "0.3695, amount 271.95") joined while each makes more of its fields readable; those are used.
    A page's footer between a line and its end on the next page is passed over."""
    text = lines[n]
    best = prose.labelled_line(text, n, us, mark)
    k, joined = n + 1, 0
    while k < len(lines) and joined < 2:
        if _page_footer(lines[k]):
            k += 1
            continue
        if k in used or not lines[k].strip() or not _may_continue(lines[k], best):
            break
        got = prose.labelled_line(f"{text} {lines[k].strip()}", n, us, mark)
        if got is None or _filled(got) <= _filled(best) or not _continues(lines[k]) and not _adds_up(got):
            break
        best, text = got, f"{text} {lines[k].strip()}"
        used.add(k)
        k, joined = k + 1, joined + 1
    return best, text


def _continues(text: str) -> bool:
    """Whether a text line may be the rest of the line above: no new item, total or header field starts it."""
    return not (prose.starts_item(text) or F.is_total_label(text) or F.header_field(text.partition(":")[0]))


def _page_footer(text: str) -> bool:
    """A line that only counts pages ("Página 1 de 3", "第 1 页 共 3 页")."""
    return bool(page_marks(text)) and len(text.strip()) <= 30


def _may_continue(text: str, line: ParsedLine | None) -> bool:
    """`_continues`, or the line's own amount wrapped onto the next text line under a label that
    also names a subtotal ("小计：822.80"): taken only when the row arithmetic agrees (`_adds_up`)."""
    label = re.split(r"[:：]|\s\d", nfkc(text).strip(), maxsplit=1)[0]
    own_amount = F.column_field(label) == F.AMOUNT and line is not None and line.amount is None
    return _continues(text) or own_amount


def _adds_up(line: ParsedLine) -> bool:
    """quantity x unit price = amount, as read or once the row arithmetic settled a misread number."""
    settled, _note = prose.settled(line)
    q, p, a = settled.quantity, settled.unit_price, settled.amount
    return None not in (q, p, a) and within_rounding(q, p, a)


def _filled(line: ParsedLine | None) -> int:
    if line is None:
        return -1
    values = (line.quantity, line.unit, line.unit_price, line.amount, line.code, line.customer_sku, line.our_sku)
    return sum(v is not None for v in values)


def _money_mark(text: str) -> str | None:
    """The currency sign or name a line's price carries ("￥0.69", "USD 1.46", "0.69元")."""
    m = re.search(r"(?i)(?:[¥$€£￥]|\b(?:usd|eur|cny|rmb|hkd|gbp)\b|元)\s*\d|\d\s*(?:元|\b(?:usd|eur|cny|rmb)\b)", text)
    return m.group(0) if m else None


def _header_currency(lines: list[str]) -> str | None:
    """The currency the table's price or amount heading names ("单价(元)", "Prix unitaire (€)")."""
    for line in lines:
        columns = _header_columns(line)
        if columns:
            return next((code for _, field, label in columns
                         if field in (F.UNIT_PRICE, F.AMOUNT) and (code := F.heading_currency(label))), None)
    return None


def _titles(head: str, subject: str | None) -> list[str]:
    """The subject and the short lines that open the text without a "label: value": its titles."""
    lines = [nfkc(line).strip() for line in head.splitlines() if line.strip()][:8]
    return [t for t in [nfkc(subject or ""), *lines]
            if t and len(t) <= 40 and not re.search(r"[:：,，。.!?！？;；]", t)]


def orders_from_text(text: str, ctx: ParseContext, kind: SourceKind) -> ParseResult:
    """Read the order in a free text; text with no order lines is reported as not an order."""
    head = "\n".join(_blocks(text)[0]) if _blocks(text) else ""
    verdict = doctypes.disclaimed(head, ctx.subject) or doctypes.not_an_order(_titles(head, ctx.subject), text)
    if verdict:
        return ParseResult(not_orders=(verdict,))
    for block in _blocks(text):
        order = _read_block(block, ctx, kind)
        if order is not None:
            return ParseResult(orders=(order,))
    return ParseResult(not_orders=(_NO_LINES,))
