"""The K3 Cloud customer-material mapping import file (SAL_CustMatMapping) of the item codes
clerks taught at the review desk.

Laid out like the sales-order sheets (outbox.erp_export): keys in row 1, their display names
in row 2, then one row per mapping with the customer written on the first row of its group
(K3 reads a row without a header value as another entry of the bill above). The file has one
stable name and is written atomically, so the ERP never sees half of one.
"""
from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter

from connectors.edi_drop import Writer, write_atomically
from outbox.erp_export import _BOOK_OPTIONS
from reconcile.catalog import CustomerItem

FORM_ID = "SAL_CustMatMapping"
FILE_NAME = f"{FORM_ID}.xlsx"
KEYS = ("FCustomerId", "FCustMatNo", "FCustMatName", "FMaterialId")
DISPLAY = ("客户", "客户物料编码", "客户物料名称", "物料编码")


def mapping_rows(items: list[CustomerItem]) -> list[list[str | None]]:
    """Header rows, then one row per mapping grouped by customer (the customer on its first row)."""
    rows: list[list[str | None]] = [list(KEYS), list(DISPLAY)]
    previous = None
    for item in sorted(items, key=lambda i: (i.customer, i.code)):
        rows.append([item.customer if item.customer != previous else None, item.code, item.name, item.material])
        previous = item.customer
    return rows


def mapping_xlsx(items: list[CustomerItem]) -> bytes:
    """The import sheet as bytes (what the desk offers as a download)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _BOOK_OPTIONS)
    sheet = book.add_worksheet(FORM_ID)
    for number, values in enumerate(mapping_rows(items)):
        sheet.write_row(number, 0, values)
    book.close()
    return out.getvalue()


def write_mapping(folder: Path, items: list[CustomerItem], *, write: Writer = write_atomically) -> Path:
    """Write `SAL_CustMatMapping.xlsx` into `folder` (replacing an earlier export); returns its path."""
    path = Path(folder) / FILE_NAME
    write(path, mapping_xlsx(items))
    return path
