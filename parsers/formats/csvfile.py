"""CSV (and other delimiter-separated) order exports: decode, split, hand the rows to tables."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

from parsers.vocab import labels as F
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParsedLine, ParseResult, Provenance, SourceKind
from parsers.vocab import item_ids
from parsers.vocab.dates import parse_date
from parsers.vocab.numbers import parse_decimal
from parsers.build import Facts, build_order, orders_from_rows

_DELIMITERS = (",", ";", "\t", "|")
# Order matters: a strict UTF-8 read first, then the Chinese code pages Windows exports use.
_ENCODINGS = ("utf-8", "gb18030", "big5")
_PAIR_CODE = re.compile(r"[A-Za-z0-9][\w\-./]{0,39}")
_PAIR_QTY = re.compile(r"\d+(?:[.,]\d+)?")


def decode_text(data: bytes) -> str | None:
    """Bytes to text by BOM, else the first of UTF-8, GB18030, Big5 that decodes; None if none does."""
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:4096]:
        return None
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(text: str) -> str | None:
    """The delimiter that splits the first lines into the same number (>1) of fields most often."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = None, 0
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * (common > 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(text: str) -> list[list[str | None]] | None:
    delimiter = _delimiter(text)
    if delimiter is None:
        return None
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def table_rows(data: bytes) -> list[list[str | None]] | None:
    """The file's rows as the reader splits them (row r is "A1" row r + 1), or None when the
    bytes do not decode or have no delimiter."""
    text = decode_text(data)
    return _rows(text) if text else None


def looks_like(data: bytes) -> bool:
    """True when the bytes decode and a row near the top names at least two known columns."""
    text = decode_text(data[:65536])
    rows = _rows(text) if text else None
    if not rows:
        return False
    return (any(sum(1 for cell in row if F.column_field(cell)) >= 2 for row in rows[:20]) or _code_pairs(rows)
            or _flat_records(rows[:50]) is not None)


def _code_pairs(rows: list[list[str | None]]) -> bool:
    """A headerless file whose every row is (item code, quantity): "A2323;2", the simplest order upload."""
    filled = [[c.strip() for c in row if c and c.strip()] for row in rows]
    filled = [row for row in filled if row]
    return bool(filled) and all(len(row) == 2 and _PAIR_CODE.fullmatch(row[0]) and _PAIR_QTY.fullmatch(row[1])
                                and re.search(r"[A-Za-z]", row[0]) for row in filled)


def _pair_order(rows: list[list[str | None]], ctx: ParseContext) -> ParseResult:
    """The order of a headerless (code, quantity) file: one line per row, nothing else known."""
    lines: list[ParsedLine] = []
    for r, row in enumerate(rows):
        cells = [c.strip() for c in row if c and c.strip()]
        if cells:
            lines.append(ParsedLine(line_no=len(lines) + 1, code=cells[0], quantity=parse_decimal(cells[1]),
                                    ids=(("code", cells[0]),), provenance=Provenance(line=r + 1), confidence=0.8))
    return ParseResult(orders=(build_order(Facts(), lines, ctx, SourceKind.CSV, confidence=0.8),))


# A record an EDI translator flattened: its first field names the order message it came from
# ("ORDERSD96AUNEAN008", "ORDCHG", "850", "860"), its other fields follow the message's segments.
_ORDER_MESSAGE = re.compile(r"^(ORDERS|ORDCHG|850|860)(?![a-z])")
_CHANGE_MESSAGE = re.compile(r"^(ORDCHG|860)")
_ID_VALUE = re.compile(r"(?=.*\d)[A-Za-z0-9][\w\-./]{2,39}")


def _flat_records(rows: list[list[str | None]]) -> list[list[str]] | None:
    """The rows of a headerless file of flattened EDI order records, else None."""
    filled = [[(c or "").strip() for c in row] for row in rows if any((c or "").strip() for c in row)]
    if not filled or len({len(row) for row in filled}) != 1 or len(filled[0]) < 5:
        return None
    return filled if all(_ORDER_MESSAGE.match(row[0]) for row in filled) else None


def _column(rows: list[list[str]], test, columns) -> int | None:
    """The first column (in the order given) whose value passes `test` on every row."""
    return next((c for c in columns if all(test(row[c]) for row in rows)), None)


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{8}|\d{4}-\d{2}-\d{2}", text)) and parse_date(text) is not None


def _flat_order(records: list[list[str]], ctx: ParseContext) -> ParseResult:
    """Orders from flattened EDI records, their fields told apart by what they hold.

    The order date is the first date field; the PO number the nearest filled field before it
    that is more than a sequence number (a document number precedes its date in both BGM/DTM
    and BEG); the quantity the last field
    that is a number on every record; the item the nearest id-like field before the quantity.
    """
    width = len(records[0])
    when = _column(records, _is_date, range(1, width))
    qty = _column(records, lambda t: parse_decimal(t) is not None, range(width - 1, 0, -1))
    if when is None or qty is None:
        raise ParseError("The flat file's records hold no order date or no quantity field.", Provenance(line=1))
    po = _column(records, lambda t: bool(t) and not _is_date(t) and not re.fullmatch(r"\d{1,2}", t),
                 range(when - 1, 0, -1))  # a release or sequence number (1, 01) is no PO
    item = _column(records, lambda t: bool(_ID_VALUE.fullmatch(t)) and not re.fullmatch(r"\d{1,4}", t)
                   and not _is_date(t), range(qty - 1, 0, -1))
    if po is None or item is None:
        raise ParseError("The flat file's records hold no PO number or no item field.", Provenance(line=1))
    groups: dict[str, list[ParsedLine]] = {}
    for n, row in enumerate(records):
        value = row[item]
        gtin = value if item_ids.is_gtin(value) else None
        groups.setdefault(row[po], []).append(ParsedLine(
            line_no=0, quantity=parse_decimal(row[qty]), barcode=gtin, code=None if gtin else value,
            ids=(("item", value),), confidence=0.8, provenance=Provenance(line=n + 1, cell=f"field {qty + 1}")))
    orders = []
    for number, lines in groups.items():
        first = next(row for row in records if row[po] == number)
        facts = Facts(is_change=bool(_CHANGE_MESSAGE.match(first[0])))
        facts.put(F.ORDER_DATE, first[when], Provenance(cell=f"field {when + 1}"))
        order = build_order(facts, lines, ctx, SourceKind.CSV, confidence=0.8)
        # The document number of a structured record is taken as sent, like BGM 1004 or BEG03.
        orders.append(replace(order, po_number=number,
                              fields={**order.fields, "po_number": Provenance(cell=f"field {po + 1}")}))
    return ParseResult(orders=tuple(orders))


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read the orders in a CSV file; raises ParseError when it holds no readable order table."""
    text = decode_text(data[: ctx.max_bytes])
    if text is None:
        raise ParseError("The CSV file could not be decoded as text.", Provenance(line=1))
    rows = _rows(text)
    if not rows:
        raise ParseError("The CSV file has no delimiter-separated columns.", Provenance(line=1))
    if _code_pairs(rows):
        return _pair_order(rows, ctx)
    records = _flat_records(rows)
    if records is not None:
        return _flat_order(records, ctx)
    result = orders_from_rows(rows, ctx, SourceKind.CSV)
    if not result.orders:
        raise ParseError("The CSV file has no header row with an item and a quantity column.",
                         Provenance(line=1))
    return result
