"""What a clerk adds to the lines the table reader found on a laid-out page.

- Ids printed on a wrapped line under a row ("Item Code: 102246") belong to that row's line.
- An item number printed once above a single-style table ("Product No: 0685816", "Style: X")
  belongs to every line of it.
- A table repeated after a first table closed by its totals row, holding only items already
  read (per destination, per store, per country), is a breakdown of those lines, not more of
  them: its rows are not added. A table continued on the next page holds new items and stays.
- An ambiguous slashed date (02/10/2020) is read month first where the page names a US place.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

from parsers.vocab import labels as F
from parsers import build
from parsers.model import ParsedLine, ParsedOrder
from parsers.vocab.dates import parse_date
from parsers.vocab.numbers import nfkc
from parsers.layout.rows import us_context

_ROW = re.compile(r"^p\d+ r(\d+) c(\d+)$")
_CODE_FIELDS = F.ITEM_FIELDS - {F.NAME, F.SPEC, F.DESCRIPTION}
_GENERIC = {"编码", "编号", "code", "part", "no", "item", "itemno", "itemnumber", "itemcode", "article"}
_AMBIGUOUS = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{2,4})(?!\d)")


class Laid(Protocol):
    rows: list[list[str | None]]
    occurrence: list[int]
    totalled: set[int]
    extras: dict[int, list[tuple[str, str, tuple[float, float, float, float]]]]


def _row(line: ParsedLine) -> int | None:
    m = _ROW.match((line.provenance.cell if line.provenance else None) or "")
    return int(m.group(1)) - 1 if m else None


def refine(order: ParsedOrder, sheet: Laid, first_row: int) -> ParsedOrder:
    """The order with wrapped and header ids on its lines, repeated breakdown tables left out."""
    above = header_ids(sheet.rows[:first_row])
    lines = [_with_ids(line, sheet.extras.get(_row(line), []), above) for line in _unrepeated(order.lines, sheet)]
    if len(lines) == len(order.lines) and lines == list(order.lines):
        return order
    numbered = tuple(replace(line, line_no=n) for n, line in enumerate(lines, start=1))
    return replace(order, lines=numbered)


def _with_ids(line: ParsedLine, wrapped: list[tuple[str, str, tuple]], above: list[tuple[str, str]]) -> ParsedLine:
    ids = list(line.ids)
    known = {v for _, v in ids} | {line.code, line.customer_sku, line.our_sku, line.barcode}
    for label, value, *_ in [*wrapped, *above]:
        if value not in known:
            ids.append((label, value))
            known.add(value)
    if tuple(ids) == line.ids:
        return line
    code = line.code or next((v for label, v, *_ in wrapped if F.column_field(label) == F.CODE), None)
    return replace(line, ids=tuple(ids), code=code)


def header_ids(rows: list[list[str | None]]) -> list[tuple[str, str]]:
    """Item numbers printed as "Product No: X" / "Style No.: X" above the table (not generic "Code")."""
    found: list[tuple[str, str]] = []
    for row in rows:
        cells = [nfkc(c) for c in row if c]
        for k, cell in enumerate(cells):
            label, sep, value = cell.partition(":")
            value = value.strip() or (cells[k + 1] if k + 1 < len(cells) and sep else "")
            if _item_label(label) and value and " " not in value and re.search(r"\d", value):
                found.append((label.strip(), value))
    return found


def _item_label(label: str) -> bool:
    return (F.label_key(label) not in _GENERIC and F.is_known_column(label)
            and F.column_field(label) == F.CODE and not F.header_field(label))


def _identity(line: ParsedLine) -> tuple:
    return (line.code, line.customer_sku, line.our_sku, line.barcode, line.description)


def _unrepeated(lines: tuple[ParsedLine, ...], sheet: Laid) -> list[ParsedLine]:
    """Lines without the tables that only repeat, after a totalled table, items already read."""
    by_table: dict[int, list[ParsedLine]] = {}
    for line in lines:
        r = _row(line)
        by_table.setdefault(sheet.occurrence[r] if r is not None else -1, []).append(line)
    kept: list[ParsedLine] = []
    seen: set[tuple] = set()
    closed = False
    for table in sorted(by_table):
        group = by_table[table]
        if not (closed and all(_identity(line) in seen for line in group)):
            kept.extend(group)
        seen.update(_identity(line) for line in group)
        closed = closed or table in sheet.totalled
    return kept


def month_first(order: ParsedOrder, rows: list[list[str | None]]) -> ParsedOrder:
    """Re-read an ambiguous order date month first when the document is a US one."""
    texts = [c for row in rows for c in row if c]
    where = order.fields.get("order_date")
    m = _ROW.match((where.cell if where else None) or "")
    if not m or build.us_dates(texts) or not us_context(texts):
        return order
    r, c = int(m.group(1)) - 1, int(m.group(2)) - 1
    text = nfkc(rows[r][c] or "") if r < len(rows) and c < len(rows[r]) else ""
    found = _AMBIGUOUS.search(text.partition(":")[2] or text)
    if not found or int(found.group(1)) > 12 or int(found.group(2)) > 12:
        return order
    us_date = parse_date(found.group(0), us=True)
    return replace(order, order_date=us_date) if us_date else order
