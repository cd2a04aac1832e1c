"""One table row read as one order line: its cells by column field -> a `ParsedLine`.

Every table reader (spreadsheets, CSV, Word and HTML tables, PDF and fax pages, text tables
and lines written as labelled fields) hands `build` rows of cell strings; this module reads
one of them: the item's name and codes, the quantity and its unit, the price and amount (with
the row arithmetic settling an OCR read), the row's printed number, and tells a totals row
or a row that names an item but gives no readable quantity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Callable

from parsers.layout import checks
from parsers.layout.checks import RowNote, RowValues
from parsers.layout.numberstyle import ColumnStyle, column_style
from parsers.layout.words import CJK
from parsers.model import ParsedLine, Provenance
from parsers.vocab import labels as F
from parsers.vocab.currencies import MARK
from parsers.vocab.dates import parse_date
from parsers.vocab.numbers import grouped_money, nfkc, parse_decimal, parse_quantity, respell

CellName = Callable[[int, int], str]

UNNAMED_CODE = "unnamed_code"  # a column of item codes under a heading no vocabulary names


def cell(row: list[str | None], col: int) -> str:
    """A cell's text, "" when the row is shorter or the cell empty."""
    return nfkc(row[col]) if col < len(row) and row[col] is not None else ""


@dataclass
class Row:
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
        values.setdefault(columns[col], []).append(cell(row, col))
    return values


def _first(values: dict[str, list[str]], name: str) -> str:
    return next((v for v in values.get(name, []) if v), "")


def _unit_after(text: str) -> str | None:
    """The unit written after a quantity that cannot be read ("1,13#1 kg", "#?#套", a unit alone):
    its last word, or the last one or two Chinese characters of it, if they are a unit."""
    last = text.split()[-1] if text.split() else ""
    tails = [last] + [last[-n:] for n in (2, 1) if len(last) > n and CJK.match(last[-n])]
    return next((tail for tail in tails if F.is_unit(tail)), None)


def _unit_beside(row: list[str | None], qty_col: int, columns: dict[int, str]) -> str | None:
    """A unit printed just right of the quantity, in columns we do not read ("500 | EA" under "Rev")."""
    for col in range(qty_col + 1, len(row)):
        if col in columns:
            return None
        text = cell(row, col)
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
        m = _LEADING_CODE.match(cell(row, col)) if name == F.DESCRIPTION and F.names_code_too(labels.get(col)) else None
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
        name, text = columns[col], cell(row, col)
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
             cell_name: CellName, date_style: bool, default_year: int | None, *,
             unread_quantity: bool = False) -> Row | None:
    """A line from one row, or None when the row lacks an item or a quantity. With
    `unread_quantity`, a row that names an item but whose quantity cannot be read is a line
    without a quantity (the row was reported by `unread_row`): kept in its place, so the rows
    after it stay themselves and a clerk sees its item, unit and price."""
    width = len(row)
    row, columns, labels = _split_combined(row, columns, labels)
    values = _row_values(row, columns)
    qty, glued_unit = parse_quantity(_first(values, F.QUANTITY))
    if qty is None and unread_quantity:
        glued_unit = _unit_after(_first(values, F.QUANTITY))
    description = _item_text(values)
    codes = {name: _code(values, name) for name in (F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE, UNNAMED_CODE)}
    if not any(codes[name] for name in (F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE)):
        codes[F.CODE] = codes[UNNAMED_CODE]  # the only code printed is the item's code
    if (qty is None and not unread_quantity) or not (description or any(codes.values())):
        return None
    qty_col = next(c for c, n in columns.items() if n == F.QUANTITY)
    where = Provenance(cell=cell_name(r, qty_col))
    ids = tuple((labels.get(col, name), cell(row, col)) for col, name in sorted(columns.items())
                if name in codes and codes[name] and not F.is_placeholder(cell(row, col)))
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
            text = cell(row, col)
            if text:
                key = F.ADDRESS_PART + str(col) if name == F.ADDRESS_PART else name
                header[key] = (text, Provenance(cell=cell_name(r, col)))
    return Row(line, header, RowNote(number=_first(values, F.LINE_NO) or None))


def _row_numbers(row: list[str | None], columns: dict[int, str]) -> RowValues:
    """The row's quantity, price and amount as read and as printed (None: the table has no such column)."""
    values = _row_values(row, columns)
    texts = tuple(_first(values, name) if name in values else None
                  for name in (F.QUANTITY, F.UNIT_PRICE, F.AMOUNT))
    return RowValues(parse_quantity(texts[0])[0], parse_decimal(texts[1]), parse_decimal(texts[2]), texts)


def settled_row(row: list[str | None], r: int, columns: dict[int, str], labels: dict[int, str],
                cell_name: CellName, us: bool, year: int | None, *, ocr: bool,
                style: ColumnStyle = ColumnStyle()) -> Row | None:
    """`read_row`, with the row arithmetic settling an OCR read's numbers (a misread digit,
    an unreadable quantity worked out from the amount and the price); `style` is how the
    table's other rows print their quantities and prices, to choose between two readings."""
    raw = _row_numbers(row, columns)
    settled, note = checks.settle_row(raw, ocr=ocr, style=style)
    if settled.quantity is not None and raw.quantity is None:
        qty_col = next(c for c, n in columns.items() if n == F.QUANTITY)
        row = [str(settled.quantity) if c == qty_col else v for c, v in enumerate(row)]
    got = read_row(row, r, columns, labels, cell_name, us, year)
    if got is None or note is None:
        return got
    line = replace(got.line, quantity=settled.quantity, unit_price=settled.price, amount=settled.amount)
    return Row(line, got.header, replace(got.note, repaired=note))


def table_style(body: list[list[str | None]], columns: dict[int, str]) -> ColumnStyle:
    """How a table's quantity and price cells print their numbers (decimals or whole), read
    from all its rows."""
    if F.QUANTITY not in columns.values():
        return ColumnStyle()
    read = [_row_numbers(row, columns) for row in body]
    return column_style([v.quantity for v in read], [v.price for v in read])


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


def total_of(row: list[str | None], columns: dict[int, str]) -> Decimal | None:
    """The amount of a totals row: its amount cell, else the last number cell, else the first
    number written after the label ("合计金额：¥11,535.60（大写）人民币壹万...", also when the
    label runs over two cells)."""
    amount_cols = [c for c, n in columns.items() if n == F.AMOUNT]
    for col in amount_cols + sorted(range(len(row)), reverse=True):
        value = parse_decimal(cell(row, col))
        if value is not None:
            return value
    # The label and its amount in one cell, or spread over several ("Total" | "Amount 10,392.32").
    for text in (next((cell(row, c) for c in range(len(row)) if cell(row, c)), ""),
                 " ".join(cell(row, c) or "" for c in range(len(row)) if cell(row, c))):
        label, rest = label_and_amount(text)
        if rest and F.is_total_label(label):
            return money(rest)
    return None


# "合计金额：¥11,535.60（大写）…", "總計 39,761.21", "Total: 1,234.50": a label and its amount in one cell.
_LABEL_THEN_AMOUNT = re.compile(rf"^(.*?)[\s:：]*((?i:{MARK})?\s*-?\d[\d.,\s]*.*)$")


def label_and_amount(text: str) -> tuple[str, str]:
    """A cell's label and the amount written after it ("" when the cell holds no number)."""
    m = _LABEL_THEN_AMOUNT.match(text)
    return (m.group(1), m.group(2)) if m and m.group(1) else (text.split(":")[0], "")


def is_total_row(row: list[str | None], columns: dict[int, str]) -> bool:
    texts = [cell(row, c) for c in range(len(row)) if cell(row, c)]
    return bool(texts) and F.is_total_label(label_and_amount(texts[0])[0])


def money(text: str | None) -> Decimal | None:
    """A printed total such as "9,828.00元（人民币）" or "USD 3,977.32": its first number."""
    if not text:
        return None
    value = parse_decimal(text)
    if value is not None:
        return value
    # "3,413:40": a scan read the decimal point as a colon (a thousands comma has three digits after it)
    text = re.sub(r"(?<=\d)[:;](?=\d{1,2}(?![\d.,:;]))", ".", nfkc(text))
    whole = re.search(r"\d[\d,.]*\d|\d", nfkc(text))
    if whole and (value := parse_decimal(whole.group(0))) is not None:
        return value
    if whole and (value := grouped_money(whole.group(0))) is not None:
        return value  # OCR took a thousands comma for a point ("3.076.40")
    m = re.search(r"\d[\d,]*(?:\.\d+)?", nfkc(text))
    return parse_decimal(m.group(0)) if m else None


def respell_row(row: list[str | None], columns: dict[int, str], mark: str | None) -> list[str | None]:
    """The row with its quantity, price and amount cells read under the table's decimal mark."""
    if mark is None:
        return row
    numeric = {c for c, n in columns.items() if n in (F.QUANTITY, F.UNIT_PRICE, F.AMOUNT)}
    return [respell(cell, mark) if c in numeric else cell for c, cell in enumerate(row)]
