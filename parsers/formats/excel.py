"""Spreadsheet orders: xlsx through openpyxl (read-only), legacy .xls through xlrd, then tables.

Cells become strings first: dates as ISO text, numbers without float noise, so the table
mapper reads every format the same way. A merged cell keeps its value in the top-left cell.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Iterable

from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParseResult, Provenance, SourceKind
from parsers.build import a1_name, orders_from_rows

_MAX_ROWS = 5000
_MAX_COLS = 60
_NO_TABLE = "The spreadsheet has no row with both an item and a quantity."


def cell_text(value: object) -> str | None:
    """One cell as the text a clerk sees: dates ISO, numbers exact, empty as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    text = str(value).strip()
    return text or None


def _bounded(rows: Iterable[Iterable[object]]) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    for index, row in enumerate(rows):
        if index >= _MAX_ROWS:
            break
        out.append([cell_text(v) for v in list(row)[:_MAX_COLS]])
    return out


def _xlsx_sheets(data: bytes) -> list[tuple[str, list[list[str | None]]]]:
    import openpyxl  # imported here so a CSV-only run does not pay for it

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [(sheet.title, _bounded(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]
    finally:
        book.close()


def _xls_sheets(data: bytes) -> list[tuple[str, list[list[str | None]]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(min(sheet.nrows, _MAX_ROWS)):
            row = []
            for c in range(min(sheet.ncols, _MAX_COLS)):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                row.append(value if cell.ctype != xlrd.XL_CELL_EMPTY else None)
            rows.append(row)
        sheets.append((sheet.name, _bounded(rows)))
    return sheets


def read_sheets(data: bytes) -> list[tuple[str, list[list[str | None]]]]:
    """Every sheet of an xlsx or xls workbook as rows of strings; ParseError if it cannot be opened."""
    try:
        if data[:4] == b"PK\x03\x04":
            return _xlsx_sheets(data)
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return _xls_sheets(data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError,
            AttributeError, AssertionError) as exc:
        raise ParseError(f"The spreadsheet could not be opened ({type(exc).__name__}).") from exc
    except Exception as exc:  # openpyxl and xlrd raise their own types for damaged files
        raise ParseError(f"The spreadsheet could not be opened ({type(exc).__name__}).") from exc
    raise ParseError("The file is not an Excel workbook.")


def _namer(sheet: str, several: bool):
    return (lambda r, c: f"{sheet}!{a1_name(r, c)}") if several else a1_name


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read the orders on every sheet that holds an order table; ParseError when no sheet does."""
    if len(data) > ctx.max_bytes:
        raise ParseError("The spreadsheet is larger than the configured limit.")
    sheets = read_sheets(data)
    result, errors = ParseResult(), []
    for name, rows in sheets:
        try:
            found = orders_from_rows(rows, ctx, SourceKind.XLSX, _namer(name, len(sheets) > 1))
        except ParseError as exc:
            errors.append(exc)
            continue
        result = result + ParseResult(orders=found.orders)
    if result.orders:
        return result
    if errors:
        raise errors[0]
    raise ParseError(_NO_TABLE, Provenance(cell="A1"))
