"""One header mapper for every order table (CSV, xlsx, and later docx, PDF and HTML tables).

A table is a list of rows of strings. We find the header row wherever it is, map its column
headings to fields, read header fields printed around the table ("订单号：", a label cell and
the value beside it), and turn each row with an item and a quantity into a line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Callable

from parsers.vocab import doctypes
from parsers.vocab import labels as F
from parsers.layout import party
from parsers.layout import checks
from parsers.layout.checks import RowNote, RowValues
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import (CheckName, CheckOutcome, CustomerCandidate, ParsedLine, ParsedOrder, ParseResult, Party,
                           Provenance, ReadCheck, SourceKind, SourceRef)
from parsers.vocab.dates import DayMonth, date_order, parse_date, read_date
from parsers.vocab.currencies import MARK
from parsers.vocab.numbers import nfkc, parse_decimal, parse_quantity, respell, table_mark

Rows = list[list[str | None]]
CellName = Callable[[int, int], str]

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


def _cell(row: list[str | None], col: int) -> str:
    return nfkc(row[col]) if col < len(row) and row[col] is not None else ""


def _header_score(row: list[str | None], below: Rows = ()) -> tuple[int, dict[int, str]]:
    columns: dict[int, str] = {}
    for col, text in enumerate(row):
        name = F.column_field(text)
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
        values = [_cell(row, col) for row in below if _cell(row, col)]
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
        text = _cell(row, cc)
        if text:
            if F.split_label(text) is None:
                return text, r, cc
            break  # a row of labels: the values are in the row below
    if below and r + 1 < len(rows):
        under = _cell(rows[r + 1], c)
        if under and F.split_label(under) is None:
            return under, r + 1, c
    return None


def read_labels(rows: Rows, row_range: range, facts: Facts, cell_name: CellName) -> None:
    """Collect header fields from the rows outside the table: "label: value" in one cell, a label
    cell with its value beside or below it (two-column forms, boxes), with or without a colon."""
    for r in row_range:
        for c, raw in enumerate(rows[r]):
            text = _cell(rows[r], c)
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
            text = _cell(rows[r], c)
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
        values = [_cell(row, col) for row in rows[start:start + 50] if _cell(row, col)]
        if values and all(re.fullmatch(r"\d{1,3}", v) for v in values):
            out[col] = F.LINE_NO
        elif (values and name == F.DESCRIPTION and list(columns.values()).count(F.DESCRIPTION) > 1
              and all(re.fullmatch(r"[A-Za-z0-9][\w\-./]*\d[\w\-./]*", v) for v in values)):
            out[col] = F.CODE  # "Item" beside "Description" holding codes
        elif name == F.CODE and _names_only(rows[start:start + 50], col, columns):
            out[col] = F.DESCRIPTION  # "Article" holding names ("Strapping band"): words, not codes
    return out


def _names_only(body: Rows, col: int, columns: dict[int, str]) -> bool:
    """Whether a column's cells on the rows that hold a quantity are words without digits."""
    qty = next((c for c, n in columns.items() if n == F.QUANTITY), None)
    values = [_cell(row, col) for row in body if _cell(row, col) and qty is not None and re.search(r"\d", _cell(row, qty))]
    return bool(values) and not any(re.search(r"\d", v) for v in values) and any(" " in v for v in values)


UNNAMED_CODE = "unnamed_code"  # a column of item codes under a heading no vocabulary names
_CODE_CELL = re.compile(r"(?=[A-Za-z0-9\-_./]*\d)[A-Za-z0-9][A-Za-z0-9\-_./]{2,39}")


def _is_code(text: str) -> bool:
    """An item code, not a number, a price or a date: "AFK-83029", "1.04.1039", "KD300"."""
    if re.fullmatch(r"\d+(?:\.\d+){2,}", text):
        return True
    if not _CODE_CELL.fullmatch(text) or parse_date(text) or re.search(r"\d\s*[x×*]\s*\d", text):
        return False
    measure = re.fullmatch(r"(?i)[\d.]+\s*(?:mm|cm|m|ml|l|kg|g|um|in|ft|pcs|ea)", text)
    return not measure and bool(re.search(r"[A-Za-z\-_/]", text))


def unnamed_codes(rows: Rows, start: int, columns: dict[int, str]) -> dict[int, str]:
    """Columns whose heading the vocabulary does not know but whose cells are all item codes
    ("Ref. interne", "Mat.-Kz."): their codes are kept on the line, so a code printed beside ours
    (the customer's own) is echoed rather than lost. Which party's code it is, reconciliation
    decides against the catalog."""
    out = dict(columns)
    width = max((len(row) for row in rows[start - 1:start + 50]), default=0)
    for col in range(width):
        if col in columns or not _cell(rows[start - 1], col):
            continue
        values = [_cell(row, col) for row in rows[start:start + 50] if _cell(row, col)]
        values = [v for v in values if not F.is_total_label(v)]
        if values and all(_is_code(v) for v in values):
            out[col] = UNNAMED_CODE
    return out


def _money_hint(header_row: list[str | None], columns: dict[int, str]) -> str | None:
    for col, name in columns.items():
        if name in (F.UNIT_PRICE, F.AMOUNT) and (code := F.heading_currency(_cell(header_row, col))):
            return code
    return None


def _tax_hint(rows: Rows, header_row: list[str | None], columns: dict[int, str]) -> bool | None:
    """What the table says of its prices' tax: the price column's heading ("不含税单价", "Net
    Price"), else a phrase anywhere in the table ("以上价格均不含税", "prices excl. VAT")."""
    for col, name in columns.items():
        if name == F.UNIT_PRICE and (said := F.heading_tax_included(_cell(header_row, col))) is not None:
            return said
    return F.says_tax_included(" ".join(c for row in rows for c in row if isinstance(c, str)))


def _row_currency(row: list[str | None], columns: dict[int, str]) -> str | None:
    """The currency printed in a row's price or amount cells ("1,460.00 USD", "$20.00")."""
    for col, name in columns.items():
        if name in (F.UNIT_PRICE, F.AMOUNT) and (code := F.money_currency(_cell(row, col))):
            return code
    return None


@dataclass
class _Row:
    """One table row read by field: the line it makes, the header fields it repeats, and its
    printed row number (with any number the row arithmetic re-read or worked out)."""

    line: ParsedLine
    header: dict[str, tuple[str, Provenance]]
    note: RowNote = field(default_factory=RowNote)


def _item_text(values: dict[str, list[str]]) -> str | None:
    parts = [v for name in (F.DESCRIPTION, F.NAME, F.SPEC) for v in values.get(name, []) if v]
    return " ".join(parts) or None


def _code(values: dict[str, list[str]], name: str) -> str | None:
    for value in values.get(name, []):
        if not F.is_placeholder(value):
            return value
    return None


def _row_values(row: list[str | None], columns: dict[int, str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for col in sorted(columns):
        values.setdefault(columns[col], []).append(_cell(row, col))
    return values


def _first(values: dict[str, list[str]], name: str) -> str:
    return next((v for v in values.get(name, []) if v), "")


def _unit_beside(row: list[str | None], qty_col: int, columns: dict[int, str]) -> str | None:
    """A unit printed just right of the quantity, in columns we do not read ("500 | EA" under "Rev")."""
    for col in range(qty_col + 1, len(row)):
        if col in columns:
            return None
        text = _cell(row, col)
        if text:
            return text if F.is_unit(text) else None
    return None


_LEADING_CODE = re.compile(r"^(?!\d{1,3}(?:\s|$))(?!\d+(?:\.\d+)?(?:mm|cm|ml|kg|g|m)\b)(?!\d+[x×*]\d)"
                           r"((?=[A-Za-z0-9\-_./]*\d)[A-Za-z0-9][A-Za-z0-9\-_./]{2,39})(?:\s+(.*))?$", re.I)


def _split_combined(row: list[str | None], columns: dict[int, str], labels: dict[int, str]):
    """Under a "Part/Description" heading the code printed first is also read as the item's code."""
    if F.CODE in columns.values():
        return row, columns, labels
    for col, name in columns.items():
        m = _LEADING_CODE.match(_cell(row, col)) if name == F.DESCRIPTION and F.names_code_too(labels.get(col)) else None
        if m:
            extra = len(row)
            row = [*row, m.group(1)]  # the description stays as printed, code included
            return row, {**columns, extra: F.CODE}, {**labels, extra: labels.get(col, F.CODE)}
    return row, columns, labels


def _value_cells(row: list[str | None], r: int, columns: dict[int, str], codes: dict[str, str | None],
                 cell_name: CellName, width: int) -> dict[str, Provenance]:
    """Where each of a line's values was read: the first filled cell of its column(s), by the
    line's attribute name. A code split off a "Part/Description" cell (a column past `width`)
    points at the description's cell, where it is printed."""
    cols: dict[str, int] = {}
    for col in sorted(columns):
        name, text = columns[col], _cell(row, col)
        target = {F.NAME: "description", F.SPEC: "description", F.LINE_DELIVERY: "delivery_date",
                  UNNAMED_CODE: F.CODE}.get(name, name)
        if text and target not in cols and (target not in codes or text == codes[target]):
            cols[target] = col
    if F.CODE in cols and cols[F.CODE] >= width:
        cols[F.CODE] = cols.get("description", cols[F.CODE])
    return {name: Provenance(cell=cell_name(r, col)) for name, col in cols.items() if name in _LINE_VALUES}


_LINE_VALUES = frozenset({"description", F.QUANTITY, F.UNIT, F.UNIT_PRICE, F.AMOUNT, F.CUSTOMER_SKU, F.OUR_SKU,
                          F.BARCODE, F.CODE, "delivery_date"})


def read_row(row: list[str | None], r: int, columns: dict[int, str], labels: dict[int, str],
             cell_name: CellName, date_style: bool, default_year: int | None) -> _Row | None:
    """A line from one row, or None when the row lacks an item or a quantity."""
    width = len(row)
    row, columns, labels = _split_combined(row, columns, labels)
    values = _row_values(row, columns)
    qty, glued_unit = parse_quantity(_first(values, F.QUANTITY))
    description = _item_text(values)
    codes = {name: _code(values, name) for name in (F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE, UNNAMED_CODE)}
    if not any(codes[name] for name in (F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE)):
        codes[F.CODE] = codes[UNNAMED_CODE]  # the only code printed is the item's code
    if qty is None or not (description or any(codes.values())):
        return None
    qty_col = next(c for c, n in columns.items() if n == F.QUANTITY)
    where = Provenance(cell=cell_name(r, qty_col))
    ids = tuple((labels.get(col, name), _cell(row, col)) for col, name in sorted(columns.items())
                if name in codes and codes[name] and not F.is_placeholder(_cell(row, col)))
    line = ParsedLine(
        line_no=0, description=description, quantity=qty,
        unit=_first(values, F.UNIT) or glued_unit or _unit_beside(row, qty_col, columns), unit_price=parse_decimal(_first(values, F.UNIT_PRICE)),
        amount=parse_decimal(_first(values, F.AMOUNT)), customer_sku=codes[F.CUSTOMER_SKU],
        our_sku=codes[F.OUR_SKU], barcode=codes[F.BARCODE], code=codes[F.CODE], ids=ids,
        delivery_date=parse_date(_first(values, F.LINE_DELIVERY), default_year=default_year, us=date_style),
        provenance=where, fields=_value_cells(row, r, columns, codes, cell_name, width))
    header = {}
    for col, name in columns.items():
        if name in (F.PO_NUMBER, F.ORDER_DATE, F.CURRENCY, F.SHIP_TO, F.CUSTOMER, F.ADDRESS_PART):
            text = _cell(row, col)
            if text:
                key = F.ADDRESS_PART + str(col) if name == F.ADDRESS_PART else name
                header[key] = (text, Provenance(cell=cell_name(r, col)))
    return _Row(line, header, RowNote(number=_first(values, F.LINE_NO) or None))


def _row_numbers(row: list[str | None], columns: dict[int, str]) -> RowValues:
    """The row's quantity, price and amount as read and as printed (None: the table has no such column)."""
    values = _row_values(row, columns)
    texts = tuple(_first(values, name) if name in values else None
                  for name in (F.QUANTITY, F.UNIT_PRICE, F.AMOUNT))
    return RowValues(parse_quantity(texts[0])[0], parse_decimal(texts[1]), parse_decimal(texts[2]), texts)


def settled_row(row: list[str | None], r: int, columns: dict[int, str], labels: dict[int, str],
                cell_name: CellName, us: bool, year: int | None, *, ocr: bool) -> _Row | None:
    """`read_row`, with the row arithmetic settling an OCR read's numbers (a misread digit,
    an unreadable quantity worked out from the amount and the price)."""
    raw = _row_numbers(row, columns)
    settled, note = checks.settle_row(raw, ocr=ocr)
    if settled.quantity is not None and raw.quantity is None:
        qty_col = next(c for c, n in columns.items() if n == F.QUANTITY)
        row = [str(settled.quantity) if c == qty_col else v for c, v in enumerate(row)]
    got = read_row(row, r, columns, labels, cell_name, us, year)
    if got is None or note is None:
        return got
    line = replace(got.line, quantity=settled.quantity, unit_price=settled.price, amount=settled.amount)
    return _Row(line, got.header, replace(got.note, repaired=note))


def unread_row(row: list[str | None], columns: dict[int, str], where: str) -> str | None:
    """A sentence for a row that names an item and looks like an order line (a row number, a
    quantity cell, a price) but gives no readable quantity; None for notes and wrapped text."""
    values = _row_values(row, columns)
    named = _item_text(values) or next((code for n in (F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE)
                                        if (code := _code(values, n))), None)
    qty_text = _first(values, F.QUANTITY)
    number = _first(values, F.LINE_NO)
    priced = any(parse_decimal(_first(values, n)) is not None for n in (F.UNIT_PRICE, F.AMOUNT))
    if not named or not (qty_text or re.fullmatch(r"\d{1,4}", number) or priced):
        return None
    label = f"Row {number}" if re.fullmatch(r"\d{1,4}", number) else "A row"
    what = f"its quantity \"{qty_text}\" is not a number" if qty_text else "it has no quantity"
    return f"{label} ({where}, \"{named[:40]}\") could not be read: {what}."


def _total_of(row: list[str | None], columns: dict[int, str]) -> Decimal | None:
    """The amount of a totals row: its amount cell, else the last number cell, else the first
    number written after the label ("合计金额：¥11,535.60（大写）人民币壹万...")."""
    amount_cols = [c for c, n in columns.items() if n == F.AMOUNT]
    for col in amount_cols + sorted(range(len(row)), reverse=True):
        value = parse_decimal(_cell(row, col))
        if value is not None:
            return value
    first = next((_cell(row, c) for c in range(len(row)) if _cell(row, c)), "")
    label, rest = label_and_amount(first)
    return _money(rest) if rest and F.is_total_label(label) else None


# "合计金额：¥11,535.60（大写）…", "總計 39,761.21", "Total: 1,234.50": a label and its amount in one cell.
_LABEL_THEN_AMOUNT = re.compile(rf"^(.*?)[\s:：]*((?i:{MARK})?\s*-?\d[\d.,\s]*.*)$")


def label_and_amount(text: str) -> tuple[str, str]:
    """A cell's label and the amount written after it ("" when the cell holds no number)."""
    m = _LABEL_THEN_AMOUNT.match(text)
    return (m.group(1), m.group(2)) if m and m.group(1) else (text.split(":")[0], "")


def _is_total_row(row: list[str | None], columns: dict[int, str]) -> bool:
    texts = [_cell(row, c) for c in range(len(row)) if _cell(row, c)]
    return bool(texts) and F.is_total_label(label_and_amount(texts[0])[0])


def us_dates(texts: list[str]) -> bool:
    """Whether slashed dates in these texts are month first: some "11/20/2026" proves it, or the
    document is a US one (its address or phone) and nothing proves day first."""
    return date_order(texts) == "mdy"


def _money(text: str | None) -> Decimal | None:
    """A printed total such as "9,828.00元（人民币）" or "USD 3,977.32": its first number."""
    if not text:
        return None
    value = parse_decimal(text)
    if value is not None:
        return value
    whole = re.search(r"\d[\d,.]*\d|\d", nfkc(text))
    if whole and (value := parse_decimal(whole.group(0))) is not None:
        return value
    if whole and re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+[.,]\d{1,2}", whole.group(0)):
        # OCR took a thousands comma for a point ("3.076.40"): the last mark is the decimal one.
        digits = whole.group(0)
        cut = max(digits.rfind("."), digits.rfind(","))
        return Decimal(re.sub(r"\D", "", digits[:cut]) + "." + digits[cut + 1:])
    m = re.search(r"\d[\d,]*(?:\.\d+)?", nfkc(text))
    return parse_decimal(m.group(0)) if m else None


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
    order_date, delivery, date_doubts = _header_dates(facts, lines, ctx, us)
    numbered = tuple(_renumber(line, n) for n, line in enumerate(lines, start=1))
    stated = _money(values.get(F.TOTAL))
    return ParsedOrder(
        source=SourceRef(path=ctx.path, part=ctx.part, kind=kind),
        po_number=_po(values.get(F.PO_NUMBER)), order_date=order_date,
        delivery_date=delivery,
        currency=_currency(facts), ship_to=_ship_to(values), stated_total=stated,
        buyer=Party(name=values.get(F.CUSTOMER), email=ctx.sender, candidates=tuple(facts.candidates)),
        is_change=facts.is_change or F.says_change(ctx.subject), lines=numbered,
        confidence=confidence, prices_include_tax=facts.tax_included,
        fields={_field_name(k): v for k, v in facts.where.items()},
        read_checks=checks.verify(numbered, notes or [], stated, unread=unread or (), grid_rows=grid_rows) + date_doubts
        + _unread_fields(facts, {F.PO_NUMBER: _po(values.get(F.PO_NUMBER)),
                                 F.ORDER_DATE: read_date(values.get(F.ORDER_DATE), order=facts.day_month).value,
                                 F.DELIVERY_DATE: delivery})
        + _unseen_order_date(order_date, kind))


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


def _header_dates(facts: Facts, lines: list[ParsedLine], ctx: ParseContext,
                  us: bool) -> tuple[date | None, date | None, tuple[ReadCheck, ...]]:
    """The order and delivery dates as printed (the mail's date when no order date is printed),
    and a failed DATE_ORDER check for each whose day-month order was a guess."""
    day_month = "mdy" if us else facts.day_month
    ordered = read_date(facts.values.get(F.ORDER_DATE), order=day_month)
    order_date = ordered.value or ctx.sent
    year = order_date.year if order_date else None
    wanted = read_date(facts.values.get(F.DELIVERY_DATE), default_year=year, order=day_month)
    line_dates = [line.delivery_date for line in lines if line.delivery_date]
    delivery = wanted.value or (min(line_dates) if line_dates else None)
    doubts = tuple(ReadCheck(CheckName.DATE_ORDER, CheckOutcome.FAILED, reading.doubt)
                   for reading in (ordered, wanted) if reading.value and reading.doubt)
    return order_date, delivery, doubts


def _renumber(line: ParsedLine, n: int) -> ParsedLine:
    return replace(line, line_no=n)


def _read_body(rows: Rows, start: int, columns: dict[int, str], facts: Facts, cell_name: CellName,
               us: bool, year: int | None, *, ocr: bool = False, unread: list[str] | None = None) -> list[_Row]:
    """Rows below the header: lines, a totals row, notes and footer labels. A row that looks
    like an order line but cannot be read is told in `unread`, never dropped silently."""
    found: list[_Row] = []
    labels = {col: _cell(rows[start - 1], col) for col in columns}
    for r in range(start, len(rows)):
        row = rows[r]
        if not any(_cell(row, c) for c in range(len(row))) or _header_score(row, rows[r + 1:r + 4])[0] >= 3:
            continue
        if _is_total_row(row, columns):
            total = _total_of(row, columns)
            if total is not None:
                facts.put(F.TOTAL, str(total), Provenance(cell=cell_name(r, 0)))
            facts.currency_hint = facts.currency_hint or next(
                (code for c in range(len(row)) if (code := F.money_currency(_cell(row, c)))), None)
            continue
        got = settled_row(row, r, columns, labels, cell_name, us, year, ocr=ocr)
        facts.currency_hint = facts.currency_hint or (_row_currency(row, columns) if got else None)
        sentence = unread_row(row, columns, cell_name(r, 0)) if got is None else None
        if sentence and unread is not None:
            unread.append(sentence)
        elif got is None:
            read_labels(rows, range(r, r + 1), facts, cell_name)
        else:
            found.append(got)
    return found


def _group(found: list[_Row], facts: Facts) -> list[tuple[Facts, list[_Row]]]:
    """One order per distinct PO number repeated on the rows (ERP exports); else one order."""
    groups: dict[str, tuple[Facts, list[_Row]]] = {}
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
    return table_mark([_cell(row, c) for row in body for c in range(len(row))],
                      [(_cell(row, cols[0]), *(_cell(row, c) if c is not None else None for c in cols[1:]))
                       for row in body if cols[0] is not None])


def respell_row(row: list[str | None], columns: dict[int, str], mark: str | None) -> list[str | None]:
    """The row with its quantity, price and amount cells read under the table's decimal mark."""
    if mark is None:
        return row
    numeric = {c for c, n in columns.items() if n in (F.QUANTITY, F.UNIT_PRICE, F.AMOUNT)}
    return [respell(cell, mark) if c in numeric else cell for c, cell in enumerate(row)]


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
    mark = table_decimal_mark(rows[h + 1:], columns)
    rows = rows[:h + 1] + [respell_row(row, columns, mark) for row in rows[h + 1:]]
    facts = Facts(currency_hint=_money_hint(rows[h], columns), tax_included=_tax_hint(rows, rows[h], columns))
    read_labels(rows, range(h), facts, cell_name)
    _title_buyer(rows, h, facts, cell_name)
    above = [_cell(row, c) for row in rows[:h] for c in range(len(row)) if _cell(row, c)]
    titles = [t for t in above if ":" not in t and len(t) <= 60]
    verdict = doctypes.not_an_order(titles, " ".join(above))
    if verdict and not doctypes.says_order(" ".join(above)):
        return ParseResult(not_orders=(verdict,))
    facts.day_month = date_order([_cell(row, c) for row in rows for c in range(len(row))])
    facts.candidates = party.gather(rows, [Provenance(cell=cell_name(r, 0)) for r in range(len(rows))], head=h)
    us = facts.day_month == "mdy"
    order_date = parse_date(facts.values.get(F.ORDER_DATE), us=us) or ctx.sent
    unread: list[str] = []
    found = _read_body(rows, h + 1, columns, facts, cell_name, us, order_date.year if order_date else None,
                       ocr=kind is SourceKind.FAX, unread=unread)
    if not found:
        told = f" {unread[0]}" if unread else ""
        raise ParseError(f"The table has a header but no row with both an item and a quantity.{told}",
                         Provenance(cell=cell_name(h, 0)))
    groups = _group(found, facts)
    counted = grid_rows if len(groups) == 1 else None  # the rules count one order's rows
    orders = tuple(build_order(own, [g.line for g in group], ctx, kind, us=us, notes=[g.note for g in group],
                               unread=unread, grid_rows=counted) for own, group in groups)
    return ParseResult(orders=orders)
