"""CSV (and other delimiter-separated) order exports: decode, split, hand the rows to tables."""
from __future__ import annotations

import csv
import io
import re

from parsers.vocab import labels as F
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParsedLine, ParseResult, Provenance, SourceKind
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


def looks_like(data: bytes) -> bool:
    """True when the bytes decode and a row near the top names at least two known columns."""
    text = decode_text(data[:65536])
    rows = _rows(text) if text else None
    if not rows:
        return False
    return any(sum(1 for cell in row if F.column_field(cell)) >= 2 for row in rows[:20]) or _code_pairs(rows)


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
    result = orders_from_rows(rows, ctx, SourceKind.CSV)
    if not result.orders:
        raise ParseError("The CSV file has no header row with an item and a quantity column.",
                         Provenance(line=1))
    return result
