"""Row numbers where a table reader left them: in a column of their own, or before each item's
code or name ("1 1.05.0031", a "#" heading read glued to the next label), so that a code never
keeps its row's number; and what an item code looks like beside the numbers around it.
"""
from __future__ import annotations

import re

from parsers.tablerow import cell
from parsers.vocab import labels as F
from parsers.vocab.dates import parse_date

Rows = list[list[str | None]]


_CODE_CELL = re.compile(r"(?=[A-Za-z0-9\-_./]*\d)[A-Za-z0-9][A-Za-z0-9\-_./]{2,39}")


def is_code(text: str) -> bool:
    """An item code, not a number, a price or a date: "AFK-83029", "1.04.1039", "KD300"."""
    if re.fullmatch(r"\d+(?:\.\d+){2,}", text):
        return True
    if not _CODE_CELL.fullmatch(text) or parse_date(text) or re.search(r"\d\s*[x×*]\s*\d", text):
        return False
    measure = re.fullmatch(r"(?i)[\d.]+\s*(?:mm|cm|m|ml|l|kg|g|um|in|ft|pcs|ea)", text)
    return not measure and bool(re.search(r"[A-Za-z\-_/]", text))


_CODE_FIELDS = (F.CODE, F.OUR_SKU, F.CUSTOMER_SKU)
_NUMBERED = re.compile(r"(\d{1,3})[.)、]?\s+(\S.*)")


def placed_row_numbers(rows: Rows, start: int, columns: dict[int, str]) -> tuple[Rows, dict[int, str]]:
    """With no row-number column, the rows' numbers where a reader left them: a leftmost column no
    heading names that holds 1, 2 .. N, or numbers 1, 2 .. N printed before each code or name of an
    item column (a "#" heading read glued to the next label, "1 1.05.0031"). The numbers go to a row
    number column of their own, so a code never keeps its row's number."""
    if F.LINE_NO in columns.values():
        return rows, columns
    items = [r for r in range(start, len(rows)) if _counted_row(rows[r], columns)]
    left = [c for c in range(min(columns, default=0)) if not F.column_field(cell(rows[start - 1], c))]
    for col in left:
        if _runs_one_to_n([cell(rows[r], col) for r in items]):
            return rows, {**columns, col: F.LINE_NO}
    for col in sorted(c for c, n in columns.items() if n in _CODE_FIELDS + (F.DESCRIPTION, F.NAME)):
        found = [_NUMBERED.fullmatch(cell(rows[r], col)) for r in items]
        if not all(found) or not _runs_one_to_n([m[1] for m in found if m]):
            continue
        if len(items) < 2 and not (columns[col] in _CODE_FIELDS and is_code(found[0][2])):
            continue  # one row: "1 Carton" may be a name; only a code after the number says
        width = max(len(row) for row in rows)
        out = [list(row) for row in rows]
        for r, m in zip(items, found):
            out[r] = out[r] + [None] * (width - len(out[r])) + [m[1]]
            out[r][col] = m[2]
        return out, {**columns, width: F.LINE_NO}
    return rows, columns


def _counted_row(row: list[str | None], columns: dict[int, str]) -> bool:
    """An item row: its quantity cell holds a number."""
    return any(name == F.QUANTITY and re.match(r"\d", cell(row, col)) for col, name in columns.items())


def _runs_one_to_n(texts: list[str]) -> bool:
    return bool(texts) and all(re.fullmatch(r"\d{1,3}", t) for t in texts) and [int(t) for t in texts] == list(
        range(1, len(texts) + 1))
