"""One header mapper for every order table (CSV, xlsx, and later docx, PDF and HTML tables).

A table is a list of rows of strings. We find the header row wherever it is, map its column
headings to fields, read header fields printed around the table ("订单号：", a label cell and
the value beside it), and turn each row with an item and a quantity into a line (one row is
read by `tablerow`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from parsers.vocab import doctypes
from parsers.vocab import labels as F
from parsers.vocab import misread
from parsers.layout import party
from parsers.layout import checks
from parsers.layout.checks import RowNote
from parsers.layout.numberstyle import ColumnStyle
from parsers.layout.totalsettle import settle_by_total
from parsers.context import ParseContext
from parsers.rownumbers import is_code, placed_row_numbers
from parsers.tablerow import (UNNAMED_CODE, CellName, Row, cell, is_total_row, money, respell_row,
                              read_row, settled_row, table_style, total_of, unread_row)
from parsers.errors import ParseError
from parsers.model import (CheckName, CheckOutcome, CustomerCandidate, ParsedLine, ParsedOrder, ParseResult, Party,
                           Provenance, ReadCheck, SourceKind, SourceRef)
from parsers.vocab.dates import DayMonth, date_order, parse_date, read_date
from parsers.vocab.numbers import nfkc, table_mark

Rows = list[list[str | None]]

_HEADER_SEARCH_ROWS = 60


@dataclass
class Facts:
    """Header facts as printed (raw text per field), where each was read, and flags seen.

    `day_month` is the document's order of day and month when it says one (see
    `dates.date_order`); `weak` names the fields read under a generic label ("Date"), which a
    specific one ("订单日期", "Order date") may still replace.
    """

    values: dict[str, str] = field(default_factory=dict)
    where: dict[str, Provenance] = field(default_factory=dict)
    is_change: bool = False
    currency_hint: str | None = None
    day_month: DayMonth | None = None
    weak: set[str] = field(default_factory=set)
    candidates: list[CustomerCandidate] = field(default_factory=list)
    tax_included: bool | None = None   # what the document says of its prices' tax (F.says_tax_included)
    labelled: dict[str, str] = field(default_factory=dict)  # field -> a label printed for it

    def saw_label(self, name: str, label: str) -> None:
        """Note that the document prints a label of a field (whether or not its value was read)."""
        if name in _VOUCHED_FIELDS:
            self.labelled.setdefault(name, nfkc(label).strip(" :："))

    def put(self, name: str, value: str | None, where: Provenance | None, *, weak: bool = False) -> None:
        """Keep the first usable value printed for a field; a PO number must look like one.

        "Purchase Order: Hero Limited" (a title beside the company name) is no PO number, so a
        digit-less value leaves room for a later "Purchase Order #: 948284". A value under a
        generic label gives way to one under a specific label.
        """
        value = nfkc(value or "")
        if name == F.PO_NUMBER and _po(value) is None:
            return
        if name == F.CUSTOMER and not F.looks_like_company(value) and _person_like(value):
            return  # "Buyer: 王丽", "Customer: John Smith": a person, not the buying company
        if not value or (name in self.values and (weak or name not in self.weak)):
            return
        self.values[name] = value
        self.weak.discard(name)
        if weak:
            self.weak.add(name)
        if where is not None:
            self.where[name] = where
        else:
            self.where.pop(name, None)


_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
             "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤張劉陳楊黃趙吳")


def _person_like(text: str) -> bool:
    """A person's name as a buyer field may hold it: a surname and one or two characters
    (王丽, 张先生), or two or three capitalised words ("John Smith", "Frau Anna Meier")."""
    s = text.strip()
    return bool(re.fullmatch(rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}|[{_SURNAMES}](先生|女士|小姐|经理|總|总)", s)
                or re.fullmatch(r"(?:(?:Mr|Mrs|Ms|Dr|Herr|Frau|Sr|Sra|M|Mme)\.?\s+)?[A-Z][a-zà-ÿ'\-]+(?:\s+[A-Z][a-zà-ÿ'\-]+){1,2}", s))


def a1_name(row: int, col: int) -> str:
    """Spreadsheet cell name for zero-based row and column: (6, 1) -> "B7"."""
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _header_score(row: list[str | None], below: Rows = ()) -> tuple[int, dict[int, str]]:
    columns: dict[int, str] = {}
    for col, text in enumerate(row):
        name = F.column_field(text) or misread.column_field(text)  # "物料名稠": 物料名称 as OCR misread it
        if name and (name not in columns.values() or name in (F.NAME, F.SPEC, F.DESCRIPTION, F.ADDRESS_PART)):
            columns[col] = name
    columns = count_column(columns, below)
    found = set(columns.values())
    if F.QUANTITY not in found or not found & F.ITEM_FIELDS:
        return 0, {}
    return len(found), columns


def count_column(columns: dict[int, str], below: Rows) -> dict[int, str]:
    """With no quantity column, a "Units" column whose cells below are numbers counts the items.

    Apparel and retail orders head their only count "Units" (a unit of measure column holds
    words such as EA or 箱, never bare numbers), so such a column is read as the quantity.
    """
    if F.QUANTITY in columns.values():
        return columns
    for col, name in columns.items():
        values = [cell(row, col) for row in below if cell(row, col)]
        if name == F.UNIT and values and all(re.fullmatch(r"\d[\d,]*(\.\d+)?", v) for v in values):
            return {**columns, col: F.QUANTITY}
    return columns


def find_header(rows: Rows) -> tuple[int, dict[int, str]] | None:
    """The row that heads the order lines (item + quantity columns) and its column -> field map."""
    best: tuple[int, dict[int, str]] | None = None
    best_score = 0
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        score, columns = _header_score(row, rows[index + 1:index + 4])
        if score > best_score:
            best, best_score = (index, columns), score
    return best


def _label_value(rows: Rows, r: int, c: int, inline: str, *, below: bool = True) -> tuple[str, int, int] | None:
    """The value of a label cell: after its colon, else the next cell right, else the cell below."""
    if inline:
        return inline, r, c
    row = rows[r]
    for cc in range(c + 1, min(len(row), c + 4)):
        text = cell(row, cc)
        if text:
            if F.split_label(text) is None:
                return text, r, cc
            break  # a row of labels: the values are in the row below
    if below and r + 1 < len(rows):
        under = cell(rows[r + 1], c)
        if under and F.split_label(under) is None:
            return under, r + 1, c
    return None


def read_labels(rows: Rows, row_range: range, facts: Facts, cell_name: CellName) -> None:
    """Collect header fields from the rows outside the table: "label: value" in one cell, a label
    cell with its value beside or below it (two-column forms, boxes), with or without a colon."""
    for r in row_range:
        for c, raw in enumerate(rows[r]):
            text = cell(rows[r], c)
            if not text:
                continue
            if F.says_change(text):
                facts.is_change = True
            found = F.split_label(text)
            if found is None:
                continue
            name, label, inline = found
            if not F.is_title(label):
                facts.saw_label(name, label)
            value = _label_value(rows, r, c, inline, below=not F.is_title(label))
            if value and F.is_title(label) and not inline and not re.search(r"\d", value[0][:12]):
                continue  # a title with a name beside it ("Purchase Order  Acme Ltd."): no number
            if value:
                facts.put(name, value[0], Provenance(cell=cell_name(value[1], value[2])),
                          weak=F.is_weak_label(label))


def _title_buyer(rows: Rows, upto: int, facts: Facts, cell_name: CellName) -> None:
    """A title such as "深圳优品烘焙有限公司  采购订单" names the buyer."""
    for r in range(min(upto, len(rows))):
        for c in range(len(rows[r])):
            text = cell(rows[r], c)
            name = next((n for n in F.company_names(text) if text.startswith(n)), None)
            if name and len(name) <= 40 and doctypes.says_order(text[len(name):].strip()[:12]):
                facts.put(F.CUSTOMER, name, Provenance(cell=cell_name(r, c)))
                return


def demote_counters(rows: Rows, start: int, columns: dict[int, str]) -> dict[int, str]:
    """A column headed "Item" or "No." that only holds 1, 2, 3 numbers the lines; it is no item. A
    column's cells, not its heading, say whether it holds codes or names."""
    out = dict(columns)
    for col, name in columns.items():
        if name not in (F.DESCRIPTION, F.CODE):
            continue
        values = [cell(row, col) for row in rows[start:start + 50] if cell(row, col)]
        if _counter(values):
            out[col] = F.LINE_NO
        elif (values and name == F.DESCRIPTION and list(columns.values()).count(F.DESCRIPTION) > 1
              and all(re.fullmatch(r"[A-Za-z0-9][\w\-./]*\d[\w\-./]*", v) for v in values)):
            out[col] = F.CODE  # "Item" beside "Description" holding codes
        elif name == F.CODE and _names_only(rows[start:start + 50], col, columns):
            out[col] = F.DESCRIPTION  # "Article" holding names ("Strapping band"): words, not codes
    return out


def _counter(values: list[str]) -> bool:
    """Whether a column's cells number the lines: 1, 2, 3 ..., or so on a scan, where OCR may read a
    row number as a mark (">", "l") or give it a dot ("6."): short cells, most of them numbers
    that rise, none a word."""
    numbers = [int(v.rstrip(".")) for v in values if re.fullmatch(r"\d{1,3}\.?", v)]
    if not values or not all(len(v) <= 3 and not re.search(r"[^\W\d_]{2,}", v) for v in values):
        return False
    if len(numbers) == len(values):
        return True
    return 2 * len(numbers) > len(values) and len(numbers) >= 2 and numbers == sorted(set(numbers))


def _names_only(body: Rows, col: int, columns: dict[int, str]) -> bool:
    """Whether a column's cells on the rows that hold a quantity are names: each holds a word
    and none is a code ("Strapping band", "Hex bolt M13x720 zinc"), some more than one word."""
    qty = next((c for c, n in columns.items() if n == F.QUANTITY), None)
    values = [cell(row, col) for row in body if cell(row, col) and qty is not None and re.search(r"\d", cell(row, qty))]
    return (bool(values) and all(re.search(r"[^\W\d_]{3,}", v) and not is_code(v) for v in values)
            and any(" " in v for v in values))



def unnamed_codes(rows: Rows, start: int, columns: dict[int, str]) -> dict[int, str]:
    """Columns whose heading the vocabulary does not know but whose cells are all item codes
    ("Ref. interne", "Mat.-Kz."): their codes are kept on the line, so a code printed beside ours
    (the customer's own) is echoed rather than lost. Which party's code it is, reconciliation
    decides against the catalog."""
    out = dict(columns)
    width = max((len(row) for row in rows[start - 1:start + 50]), default=0)
    for col in range(width):
        if col in columns or not cell(rows[start - 1], col):
            continue
        values = [cell(row, col) for row in rows[start:start + 50] if cell(row, col)]
        values = [v for v in values if not F.is_total_label(v)]
        if values and all(is_code(v) for v in values):
            out[col] = UNNAMED_CODE
    return out


def _money_hint(header_row: list[str | None], columns: dict[int, str]) -> str | None:
    for col, name in columns.items():
        if name in (F.UNIT_PRICE, F.AMOUNT) and (code := F.heading_currency(cell(header_row, col))):
            return code
    return None


def _tax_hint(rows: Rows, header_row: list[str | None], columns: dict[int, str]) -> bool | None:
    """What the table says of its prices' tax: the price column's heading ("不含税单价", "Net
    Price"), else a phrase anywhere in the table ("以上价格均不含税", "prices excl. VAT")."""
    for col, name in columns.items():
        if name == F.UNIT_PRICE and (said := F.heading_tax_included(cell(header_row, col))) is not None:
            return said
    return F.says_tax_included(" ".join(c for row in rows for c in row if isinstance(c, str)))


def _row_currency(row: list[str | None], columns: dict[int, str]) -> str | None:
    """The currency printed in a row's price or amount cells ("1,460.00 USD", "$20.00")."""
    for col, name in columns.items():
        if name in (F.UNIT_PRICE, F.AMOUNT) and (code := F.money_currency(cell(row, col))):
            return code
    return None


def us_dates(texts: list[str]) -> bool:
    """Whether slashed dates in these texts are month first: some "11/20/2026" proves it, or the
    document is a US one (its address or phone) and nothing proves day first."""
    return date_order(texts) == "mdy"


def _po(text: str | None) -> str | None:
    m = re.search(r"[A-Za-z0-9][\w\-/.#]*", nfkc(text or ""))
    return m.group(0).rstrip(".") if m and re.search(r"\d", m.group(0)) else None


def _ship_to(values: dict[str, str]) -> str | None:
    if values.get(F.SHIP_TO):
        return values[F.SHIP_TO]
    parts = [values[k] for k in sorted((k for k in values if k.startswith(F.ADDRESS_PART)),
                                       key=lambda k: int(k[len(F.ADDRESS_PART):] or 0))]
    return ", ".join(parts) or None


def _currency(facts: Facts) -> str | None:
    printed = F.currency_code(facts.values.get(F.CURRENCY))
    if printed:
        return printed
    if facts.currency_hint:
        return facts.currency_hint
    total = facts.values.get(F.TOTAL, "")
    return F.currency_code(re.sub(r"[\d,.\s]", "", total)) if re.search(r"\D", total) else None


_FIELD_NAMES = {F.CUSTOMER: "buyer", F.TOTAL: "stated_total"}


def _field_name(key: str) -> str:
    return "ship_to" if key.startswith(F.ADDRESS_PART) else _FIELD_NAMES.get(key, key)


def build_order(facts: Facts, lines: list[ParsedLine], ctx: ParseContext, kind: SourceKind,
                *, us: bool = False, confidence: float = 1.0, notes: list[RowNote] | None = None,
                unread: list[str] | None = None, grid_rows: int | None = None) -> ParsedOrder:
    """Turn header facts as printed and the lines read into one order (dates, currency, buyer),
    with the checks the read makes on itself (`layout.checks.verify`): row arithmetic, row
    numbers (`notes`), the printed total, and the rows that could not be read (`unread`)."""
    values = facts.values
    order_date, delivery, date_doubts = _header_dates(facts, lines, ctx, us, scanned=kind is SourceKind.FAX)
    numbered = tuple(_renumber(line, n) for n, line in enumerate(lines, start=1))
    stated = money(values.get(F.TOTAL))
    settled = None
    if kind is SourceKind.FAX:  # a misread mark on a row with no amount: the printed total chooses
        numbered, settled = settle_by_total(numbered, stated)
    po_read = _po(values.get(F.PO_NUMBER))
    po = _unspecked_po(po_read) if kind is SourceKind.FAX else po_read
    return ParsedOrder(
        source=SourceRef(path=ctx.path, part=ctx.part, kind=kind),
        po_number=po, order_date=order_date,
        delivery_date=delivery,
        currency=_currency(facts), ship_to=_ship_to(values), stated_total=stated,
        buyer=Party(name=values.get(F.CUSTOMER), email=ctx.sender, candidates=tuple(facts.candidates)),
        is_change=facts.is_change or F.says_change(ctx.subject), lines=numbered,
        confidence=confidence, prices_include_tax=facts.tax_included,
        fields={_field_name(k): replace(v, text=values.get(k)) for k, v in facts.where.items()},
        read_checks=checks.verify(numbered, notes or [], stated, unread=unread or (), grid_rows=grid_rows,
                                  settled=settled) + date_doubts
        + _unread_fields(facts, {F.PO_NUMBER: po,
                                 F.ORDER_DATE: read_date(values.get(F.ORDER_DATE), order=facts.day_month).value,
                                 F.DELIVERY_DATE: delivery})
        + _unseen_order_date(order_date, kind) + _doubtful_po(po_read, kind))


def header_order(rows: Rows, ctx: ParseContext, kind: SourceKind, cell_name: CellName) -> ParsedOrder:
    """The header of a document none of whose lines could be read, from the labels anywhere on it:
    handed on with the failure, so the clerk sees whose order it is, its PO number and dates."""
    rows = [list(row) for row in rows]
    facts = Facts()
    read_labels(rows, range(len(rows)), facts, cell_name)
    _title_buyer(rows, len(rows), facts, cell_name)
    facts.day_month = date_order([cell(row, c) for row in rows for c in range(len(row))])
    facts.candidates = party.gather(rows, [Provenance(cell=cell_name(r, 0)) for r in range(len(rows))],
                                    head=len(rows))
    return build_order(facts, [], ctx, kind, us=facts.day_month == "mdy")


_VOUCHED_FIELDS = (F.PO_NUMBER, F.ORDER_DATE, F.DELIVERY_DATE)


def _unread_fields(facts: Facts, read: dict[str, object]) -> tuple[ReadCheck, ...]:
    """A failed check for each PO number or date whose label the document prints but whose value
    was not read: the order must not go out with the mail's date or no delivery date in its place."""
    return tuple(ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                           f'The document prints "{label}" but its value could not be read.')
                 for name, label in facts.labelled.items() if read.get(name) is None)


def _unseen_order_date(order_date: date | None, kind: SourceKind) -> tuple[ReadCheck, ...]:
    """On a scanned page an order date may be printed under a label the recogniser garbled, so
    finding none is no proof that there is none: the order waits for a clerk instead of going
    out dated by guess or undated."""
    if order_date is not None or kind is not SourceKind.FAX:
        return ()
    return (ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                      "No order date could be read on this scanned page; a clerk must read it from the original."),)


_LOOK_ALIKE_DIGITS = "0158"    # read for O, I/l, S, B
_LOOK_ALIKE_LETTERS = "OIlSB"


def _doubtful_po(po: str | None, kind: SourceKind) -> tuple[ReadCheck, ...]:
    """On a scanned page a PO number whose look-alike digit stands by letters and no digit
    ('P0-2026-0006'), or look-alike letter between digits ('2O26'), may be the recogniser's
    O for 0, and a lone dot between digits ('001.1/18') a speck: nothing on the page vouches for
    either reading, so a clerk compares it."""
    if not po or kind is not SourceKind.FAX:
        return ()
    speck = _speck_mark(po)
    if speck:
        return (ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                          f'The PO number was read from a scan as "{po}", whose one "{speck}" between digits '
                          f'was taken for a speck ({_unspecked_po(po)}); a clerk must compare it with the original.'),)
    for i, ch in enumerate(po):
        left, right = po[i - 1:i], po[i + 1:i + 2]
        sides = left + right
        by_letter = any(c.isalpha() for c in sides) and not any(c.isdigit() for c in sides)
        between_digits = left.isdigit() and right.isdigit()
        if (ch in _LOOK_ALIKE_DIGITS and by_letter) or (ch in _LOOK_ALIKE_LETTERS and between_digits):
            return (ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                              f'The PO number was read from a scan as "{po}", whose "{ch}" may be a '
                              f'misread {"letter" if ch.isdigit() else "digit"}; a clerk must compare it '
                              f'with the original.'),)
    return ()


def _unspecked_po(po: str | None) -> str | None:
    """A scanned PO number without the one mark between digits that its other separators say is a
    speck ("PO-2026-01.19" -> "PO-2026-0119"); `_doubtful_po` still sends the order to a clerk."""
    speck = _speck_mark(po) if po else None
    if not po or not speck:
        return po
    at = po.find(speck)
    return po[:at] + po[at + 1:]


# Letters run straight into digits, one mark inside the digits: "CG20261.10109". A number that
# glues its prefix to its digits prints no mark inside them ("4500.1234" has no prefix to tell).
_GLUED_PREFIX_MARK = re.compile(r"[A-Za-z]+\d+([.,])\d+")


def _speck_mark(po: str) -> str | None:
    """The one dot or comma between two digits of a PO number whose other separators are of another
    kind ("001.1/18", "PO-2026-00.13"), or that has no other separator but letters glued to its
    digits ("CG20261.10109"): a speck the recogniser read as a mark."""
    marks = [c for c in po if not c.isalnum() and not c.isspace()]
    glued = _GLUED_PREFIX_MARK.fullmatch(po)
    if glued:
        return glued[1]
    for mark in ".,":
        at = po.find(mark)
        if (marks.count(mark) == 1 and len(set(marks)) > 1 and 0 < at < len(po) - 1
                and po[at - 1].isdigit() and po[at + 1].isdigit()):
            return mark
    return None


def _header_dates(facts: Facts, lines: list[ParsedLine], ctx: ParseContext, us: bool,
                  *, scanned: bool = False) -> tuple[date | None, date | None, tuple[ReadCheck, ...]]:
    """The order and delivery dates as printed (the mail's date when no order date is printed),
    and a failed DATE_ORDER check for each whose day-month order was a guess (HEADER_FIELD for
    one read through a speck, or on a scan for one that may have lost a digit)."""
    day_month = "mdy" if us else facts.day_month
    ordered = read_date(facts.values.get(F.ORDER_DATE), order=day_month)
    order_date = ordered.value or ctx.sent
    year = order_date.year if order_date else None
    wanted = read_date(facts.values.get(F.DELIVERY_DATE), default_year=year, order=day_month)
    line_dates = [line.delivery_date for line in lines if line.delivery_date]
    delivery = wanted.value or (min(line_dates) if line_dates else None)
    doubts = tuple(ReadCheck(CheckName.HEADER_FIELD if reading.specked else CheckName.DATE_ORDER,
                             CheckOutcome.FAILED, reading.doubt)
                   for reading in (ordered, wanted) if reading.value and reading.doubt)
    printed = [(facts.values.get(name), reading.value) for name, reading in
               ((F.ORDER_DATE, ordered), (F.DELIVERY_DATE, wanted)) if reading.value]
    return order_date, delivery, doubts + _dates_out_of_order(ordered.value, wanted.value) + (
        _unpadded(printed) if scanned else ())


_YEAR_FIRST = re.compile(r"(?<!\d)\d{4}([-/.])(\d{1,2})\1(\d{1,2})(?!\d)")


def _unpadded(printed: list[tuple[str | None, date]]) -> tuple[ReadCheck, ...]:
    """On a scan, a year-first date read with a one-digit month or day ("2026-12-1") on a page whose
    other year-first date pads both ("2026-11-14"): a digit may have been lost at the end of the
    read, so a clerk reads it. (Typed documents do mix the forms: only a scan is doubted.)"""
    forms = [(text, value, m) for text, value in printed if text and (m := _YEAR_FIRST.search(nfkc(text)))]
    padded = any(len(m[2]) == 2 and len(m[3]) == 2 for _t, _v, m in forms)
    return tuple(ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                           f'The date "{m[0]}" was read with a one-digit month or day where the document\'s other '
                           f'date has two; a digit may have been lost ({value.isoformat()} was read).')
                 for _text, value, m in forms if padded and (len(m[2]) == 1 or len(m[3]) == 1))


def _dates_out_of_order(ordered: date | None, wanted: date | None) -> tuple[ReadCheck, ...]:
    """A delivery wanted before the order was dated, both printed, means one of them was misread
    or misprinted: nothing says which, so a clerk reads them."""
    if ordered is None or wanted is None or wanted >= ordered:
        return ()
    return (ReadCheck(CheckName.HEADER_FIELD, CheckOutcome.FAILED,
                      f"The delivery date {wanted.isoformat()} is before the order date {ordered.isoformat()}; "
                      "one of them was misread or misprinted."),)


def _renumber(line: ParsedLine, n: int) -> ParsedLine:
    return replace(line, line_no=n)


def _read_body(rows: Rows, start: int, columns: dict[int, str], facts: Facts, cell_name: CellName,
               us: bool, year: int | None, *, ocr: bool = False, unread: list[str] | None = None) -> list[Row]:
    """Rows below the header: lines, a totals row, notes and footer labels. A row that looks
    like an order line but cannot be read is told in `unread`, never dropped silently."""
    found: list[Row] = []
    labels = {col: cell(rows[start - 1], col) for col in columns}
    style = table_style(rows[start:], columns) if ocr else ColumnStyle()
    for r in range(start, len(rows)):
        row = rows[r]
        if not any(cell(row, c) for c in range(len(row))) or _header_score(row, rows[r + 1:r + 4])[0] >= 3:
            continue
        if is_total_row(row, columns):
            total = total_of(row, columns)
            if total is not None:
                facts.put(F.TOTAL, str(total), Provenance(cell=cell_name(r, 0)))
            facts.currency_hint = facts.currency_hint or next(
                (code for c in range(len(row)) if (code := F.money_currency(cell(row, c)))), None)
            continue
        got = settled_row(row, r, columns, labels, cell_name, us, year, ocr=ocr, style=style)
        facts.currency_hint = facts.currency_hint or (_row_currency(row, columns) if got else None)
        sentence = unread_row(row, columns, cell_name(r, 0)) if got is None else None
        # A heading repeated inside the table ("品名 | 数量" after a page break) is no line.
        kept = (read_row(row, r, columns, labels, cell_name, us, year, unread_quantity=True)
                if sentence and not _heading_again(row, columns) else None)
        if sentence and unread is not None:
            unread.append(sentence)
            found.extend([kept] if kept is not None else [])
        elif got is None:
            read_labels(rows, range(r, r + 1), facts, cell_name)
        else:
            found.append(got)
    return found


def _heading_again(row: list[str | None], columns: dict[int, str]) -> bool:
    """Whether a row's quantity cell holds the quantity heading: the table's heading printed again."""
    return any(name == F.QUANTITY and F.column_field(cell(row, col)) == F.QUANTITY for col, name in columns.items())


def _group(found: list[Row], facts: Facts) -> list[tuple[Facts, list[Row]]]:
    """One order per distinct PO number repeated on the rows (ERP exports); else one order."""
    groups: dict[str, tuple[Facts, list[Row]]] = {}
    for item in found:
        po = item.header.get(F.PO_NUMBER, (facts.values.get(F.PO_NUMBER, ""), None))[0]
        if po not in groups:
            own = Facts(is_change=facts.is_change, currency_hint=facts.currency_hint,
                        tax_included=facts.tax_included)
            own.day_month, own.candidates, own.labelled = facts.day_month, facts.candidates, facts.labelled
            for name, (text, where) in item.header.items():
                own.put(name, text, where)
            for name, text in facts.values.items():
                own.put(name, text, facts.where.get(name))
            groups[po] = (own, [])
        groups[po][1].append(item)
    return list(groups.values())


def table_decimal_mark(body: Rows, columns: dict[int, str]) -> str | None:
    """A table's decimal mark (1.234,50 or 1,234.50, "4.000" and "0,009" alike), decided by the rows'
    own arithmetic, quantity x price = amount, else by the numbers its cells show; None if nothing does."""
    cols = [next((c for c, n in columns.items() if n == name), None) for name in (F.QUANTITY, F.UNIT_PRICE, F.AMOUNT)]
    # Every cell may show the mark ("0,6963" under a price heading no vocabulary knows); only the
    # quantity, price and amount cells do arithmetic.
    return table_mark([cell(row, c) for row in body for c in range(len(row))],
                      [(cell(row, cols[0]), *(cell(row, c) if c is not None else None for c in cols[1:]))
                       for row in body if cols[0] is not None])


def orders_from_rows(rows: Rows, ctx: ParseContext, kind: SourceKind,
                     cell_name: CellName | None = None, grid_rows: int | None = None) -> ParseResult:
    """Read the orders in one table; a table with no order header is reported as not an order.
    `grid_rows` is how many filled rows the page's ruling shows, for the row-count check.

    Raises ParseError when the header is there but no row has both an item and a quantity.
    """
    cell_name = cell_name or a1_name
    rows = [list(row) for row in rows]
    header = find_header(rows)
    if header is None:
        return ParseResult(not_orders=("The table has no header row with an item and a quantity column.",))
    h, columns = header
    columns = unnamed_codes(rows, h + 1, demote_counters(rows, h + 1, columns))
    rows, columns = placed_row_numbers(rows, h + 1, columns)
    mark = table_decimal_mark(rows[h + 1:], columns)
    rows = rows[:h + 1] + [respell_row(row, columns, mark) for row in rows[h + 1:]]
    facts = Facts(currency_hint=_money_hint(rows[h], columns), tax_included=_tax_hint(rows, rows[h], columns))
    read_labels(rows, range(h), facts, cell_name)
    _title_buyer(rows, h, facts, cell_name)
    above = [cell(row, c) for row in rows[:h] for c in range(len(row)) if cell(row, c)]
    titles = [t for t in above if ":" not in t and len(t) <= 60]
    verdict = doctypes.not_an_order(titles, " ".join(above))
    if verdict and not doctypes.says_order(" ".join(above)):
        return ParseResult(not_orders=(verdict,))
    facts.day_month = date_order([cell(row, c) for row in rows for c in range(len(row))])
    facts.candidates = party.gather(rows, [Provenance(cell=cell_name(r, 0)) for r in range(len(rows))], head=h)
    us = facts.day_month == "mdy"
    order_date = parse_date(facts.values.get(F.ORDER_DATE), us=us) or ctx.sent
    unread: list[str] = []
    found = _read_body(rows, h + 1, columns, facts, cell_name, us, order_date.year if order_date else None,
                       ocr=kind is SourceKind.FAX, unread=unread)
    if not any(item.line.quantity is not None for item in found):
        told = f" {unread[0]}" if unread else ""
        raise ParseError(f"The table has a header but no row with both an item and a quantity.{told}",
                         Provenance(cell=cell_name(h, 0)), header=build_order(facts, [], ctx, kind, us=us))
    groups = _group(found, facts)
    counted = grid_rows if len(groups) == 1 else None  # the rules count one order's rows
    orders = tuple(build_order(own, [g.line for g in group], ctx, kind, us=us, notes=[g.note for g in group],
                               unread=unread, grid_rows=counted) for own, group in groups)
    return ParseResult(orders=orders)
