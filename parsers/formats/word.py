"""Word (.docx) orders: the document's paragraphs and tables, in reading order, as one table.

Purchase orders written in Word put header fields in paragraphs ("订单编号：X\t\t订单日期：Y")
and the lines in a table, with the total and delivery address often below it. Laying every
paragraph and table row out as rows of one sheet, in document order, lets the shared table
reader (`build.orders_from_rows`) find the header row and read the labels above and below it,
exactly as it does for a spreadsheet. A document without an order table is read as free text.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from parsers import build

from parsers.layout import textlines
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import ParseResult, SourceKind

# A tab or a run of 2+ spaces (ASCII, no-break or ideographic) separates fields on one line.
_FIELD_GAP = re.compile(r"\t+|[ \u00a0\u3000]{2,}|\u3000")


@dataclass
class Sheet:
    """Rows of cell texts in reading order, and where each row came from (for provenance)."""

    rows: list[list[str | None]] = field(default_factory=list)
    places: list[tuple[str, bool]] = field(default_factory=list)  # (place, is_table_row)
    lines: list[str] = field(default_factory=list)  # the same content as plain text lines

    def cell_name(self, row: int, col: int) -> str:
        """"table 1 row 3 col 5" for a table cell, "paragraph 4" for a paragraph field."""
        place, is_table = self.places[row]
        return f"{place} col {col + 1}" if is_table else place


def split_fields(text: str) -> list[str | None]:
    """A paragraph as cells: "订单编号：X\t\t订单日期：Y" -> ["订单编号：X", "订单日期：Y"]."""
    parts = [part.strip() for part in _FIELD_GAP.split(text)]
    return [part for part in parts if part] or [None]


def table_rows(table) -> list[list[str | None]]:
    """A docx table as rows of grid cells; a horizontally merged cell keeps its text in its first column.

    python-docx repeats the same cell for every grid column a merged cell spans, and repeats
    the top cell down a vertical merge; the repeats across a row are blanked, those down a
    column kept (a delivery date merged over three lines applies to all three).
    """
    rows: list[list[str | None]] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str | None] = [None] * row.grid_cols_before
        for cell in row.cells:
            if id(cell._tc) in seen:
                cells.append(None)
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip() or None)
        rows.append(cells)
    return rows


def _add_paragraph(sheet: Sheet, text: str, place: str) -> None:
    if text.strip():
        sheet.rows.append(split_fields(text))
        sheet.places.append((place, False))
        sheet.lines.append(text)


def _add_table(sheet: Sheet, table, place: str) -> None:
    for r, cells in enumerate(table_rows(table), start=1):
        if any(cells):
            sheet.rows.append(cells)
            sheet.places.append((f"{place} row {r}", True))
            sheet.lines.append("\t".join(c or "" for c in cells))


def read_sheet(document) -> Sheet:
    """Page-header paragraphs, then the body's paragraphs and table rows in reading order."""
    from docx.table import Table  # imported here: python-docx is only needed for Word files

    sheet = Sheet()
    header = [b for section in document.sections[:1] for b in section.header.iter_inner_content()]
    _add_blocks(sheet, header, "page header ", Table)
    _add_blocks(sheet, document.iter_inner_content(), "", Table)
    return sheet


def _add_blocks(sheet: Sheet, blocks, prefix: str, table_type: type) -> None:
    tables_seen = paragraphs_seen = 0
    for block in blocks:
        if isinstance(block, table_type):
            tables_seen += 1
            _add_table(sheet, block, f"{prefix}table {tables_seen}")
        else:
            paragraphs_seen += 1
            _add_paragraph(sheet, block.text, f"{prefix}paragraph {paragraphs_seen}")


def _open(data: bytes):
    import docx  # imported here: python-docx is only needed for Word files

    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ParseError("The Word file is damaged or incomplete and cannot be opened.") from e
    except Exception as e:  # lxml XMLSyntaxError, python-docx PackageNotFoundError, ...
        raise ParseError("The Word file is damaged or incomplete and cannot be opened.") from e


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    """Read the order in a .docx: its line table with the header fields around it, else its text."""
    if len(data) > ctx.max_bytes:
        raise ParseError("The Word file is larger than orderdesk reads.")
    sheet = read_sheet(_open(data))
    if not sheet.rows:
        raise ParseError("The Word file holds no text.")
    if build.find_header(sheet.rows) is not None:
        return build.orders_from_rows(sheet.rows, ctx, SourceKind.DOCX, sheet.cell_name)
    return textlines.orders_from_text("\n".join(sheet.lines), ctx, SourceKind.DOCX)
