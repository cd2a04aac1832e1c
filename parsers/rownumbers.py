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
    items = [r for r in range(start, len(rows)) if _counted_row(rows[r], columns)]
    if F.LINE_NO in columns.values():
        return _unglued(rows, items, columns), columns
    left = [c for c in range(min(columns, default=0)) if not F.column_field(cell(rows[start - 1], c))]
    for col in left:
        numbers = [cell(rows[r], col) for r in items]
        if _runs_one_to_n(numbers):
            return rows, {**columns, col: F.LINE_NO}
        if _in_place(numbers):  # some numbers run into the code beside them ("22.02.1059")
            unglued = _unglued(rows, items, {**columns, col: F.LINE_NO})
            if unglued is not rows:
                return unglued, {**columns, col: F.LINE_NO}
    for col in sorted(c for c, n in columns.items() if n in _CODE_FIELDS + (F.DESCRIPTION, F.NAME)):
        texts = [cell(rows[r], col) for r in items]
        found = [_NUMBERED.fullmatch(t) for t in texts]
        if all(found) and _runs_one_to_n([m[1] for m in found if m]):
            if len(items) < 2 and not (columns[col] in _CODE_FIELDS and is_code(found[0][2])):
                continue  # one row: "1 Carton" may be a name; only a code after the number says
            split: list[tuple[str | None, str]] | None = [(m[1], m[2]) for m in found if m]
        else:
            split = _split_codes(texts, [None] * len(texts)) if columns[col] in _CODE_FIELDS else None
        if split is None:
            continue
        width = max(len(row) for row in rows)
        out = [list(row) for row in rows]
        for r, (number, text) in zip(items, split):
            out[r] = out[r] + [None] * (width - len(out[r])) + [number]
            out[r][col] = text
        return out, {**columns, width: F.LINE_NO}
    return rows, columns


def _unglued(rows: Rows, items: list[int], columns: dict[int, str]) -> Rows:
    """Rows whose number the reader left glued to the code beside an empty row-number cell
    ("5MB-38038" where the numbers column is empty, the rows around it numbered 4 and 6): the
    number goes to its column, the code keeps the rest (`_split_codes`)."""
    number_col = next(c for c, n in columns.items() if n == F.LINE_NO)
    known = [cell(rows[r], number_col) or None for r in items]
    if all(known):
        return rows
    out = [list(row) for row in rows]
    for col in sorted(c for c, n in columns.items() if n in _CODE_FIELDS):
        split = _split_codes([cell(rows[r], col) for r in items], known)
        if split is None or not any(number for number, _ in split):
            continue
        for r, (number, text) in zip(items, split):
            out[r] += [None] * (max(col, number_col) + 1 - len(out[r]))
            out[r][col], out[r][number_col] = text, out[r][number_col] or number
        return out
    return rows


def _in_place(numbers: list[str]) -> bool:
    """Whether a column holds the numbers of two rows or more, each at its place (1 on the first
    item row, 4 on the fourth), and nothing else."""
    return sum(bool(t) for t in numbers) >= 2 and all(t in ("", str(k + 1)) for k, t in enumerate(numbers))


def _shape(text: str) -> str:
    """A code's shape: its digits as 9, its Latin letters as A ("MB-38038" is "AA-99999")."""
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", text))


def _split_codes(texts: list[str], known: list[str | None]) -> list[tuple[str | None, str]] | None:
    """The k-th item row's code cell split into its row number k and its code: "2 2.02.1055" with a
    space, "31.04.1037" glued (3 before a code shaped like the others'), "1.02.1015" alone (the
    number lost by OCR), the number given in `known` when a number column holds it. None unless
    two rows or more show their number apart and all their codes have one shape: the codes around
    a glued number are what tell where it ends."""
    spaced = [_NUMBERED.fullmatch(t) for t in texts]
    apart = [(str(k + 1), t) if known[k] else (m[1], m[2]) if m else None for k, (t, m) in enumerate(zip(texts, spaced))]
    if any(known[k] not in (None, str(k + 1)) for k in range(len(texts))):
        return None
    clean = [code for k, pair in enumerate(apart) if pair and pair[0] == str(k + 1) and is_code(code := pair[1])]
    shapes = {_shape(code) for code in clean}
    if len(clean) < 2 or len(shapes) != 1:
        return None
    shape = shapes.pop()
    out: list[tuple[str | None, str]] = []
    for k, (text, pair) in enumerate(zip(texts, apart)):
        n = str(k + 1)
        if pair and pair[0] == n and _shape(pair[1]) == shape:
            out.append((None if known[k] else n, pair[1]))
        elif text.startswith(n) and _shape(text[len(n):]) == shape:
            out.append((n, text[len(n):]))
        elif _shape(text) == shape:
            out.append((None, text))
        else:
            return None
    return out


def _counted_row(row: list[str | None], columns: dict[int, str]) -> bool:
    """An item row: its quantity cell holds a number."""
    return any(name == F.QUANTITY and re.match(r"\d", cell(row, col)) for col, name in columns.items())


def _runs_one_to_n(texts: list[str]) -> bool:
    return bool(texts) and all(re.fullmatch(r"\d{1,3}", t) for t in texts) and [int(t) for t in texts] == list(
        range(1, len(texts) + 1))
