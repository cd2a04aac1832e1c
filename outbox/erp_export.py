"""K3 Cloud sales-order import files (SAL_SaleOrder) for accepted orders, as xlsx and JSON.

The JSON is the WebAPI Save shape (`{"Model": {...}}`, built by `build_model`, which the K3
Cloud client saves too), the xlsx one row per entry with the header and finance fields on the
first row, keys in row 1 and their display names in row 2. Files carry a
stable name per order (`SAL_<order id>_<PO>.xlsx`), are written atomically and overwrite
themselves on a repeat, so the ERP never sees a half file or a second copy. The sheet is
written with XlsxWriter (~3 ms an order; openpyxl's Workbook cost ~8 ms, in the sender's path).
"""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import xlsxwriter

from connectors.edi_drop import Writer, safe_name, write_atomically
from outbox.settings import ErpSettings

FORM_ID = "SAL_SaleOrder"
_DISPLAY = {"FBillTypeID": "单据类型", "FDate": "日期", "FCustId": "客户", "FSaleOrgId": "销售组织",
            "FNote": "备注", "FMaterialId": "物料编码", "FUnitID": "销售单位", "FQty": "销售数量",
            "FPrice": "单价", "FTaxPrice": "含税单价", "FDeliveryDate": "要货日期",
            "FSettleCurrId": "结算币别", "FExchangeTypeId": "汇率类型", "FIsIncludedTax": "是否含税",
            "FEntryTaxRate": "税率%"}
_FINANCE_KEYS = ("FSettleCurrId", "FExchangeTypeId", "FIsIncludedTax")
_PRICE_KEYS = ("FPrice", "FTaxPrice")
_PRICE_PLACES = Decimal("0.000001")   # K3's default unit price precision
# Text stays text: a PO number starting with "=" or looking like a link is not a formula or URL.
_BOOK_OPTIONS = {"in_memory": True, "default_date_format": "yyyy-mm-dd",
                 "strings_to_formulas": False, "strings_to_urls": False}


def build_model(payload: dict[str, Any], erp: ErpSettings) -> dict[str, Any]:
    """The K3 WebAPI Save body for one order; numbers are decimal strings, never floats.

    This is the one home of the sales order's K3 fields: the export files and the WebAPI save
    both write this body. The finance part carries the settlement currency (FSettleCurrId), the
    exchange rate type for a currency other than the organisation's own, and whether the entry
    prices include tax; each entry carries FTaxPrice or FPrice accordingly and FEntryTaxRate.
    """
    order, doc = payload["order"], payload.get("doc") or {}
    bill_date = order.get("order_date") or (doc.get("received_at") or "")[:10] or None
    lines = order.get("lines") or []
    with_tax = _order_includes_tax(lines, erp)
    model: dict[str, Any] = {
        "FBillTypeID": {"FNUMBER": erp.bill_type},
        "FDate": bill_date,
        "FSaleOrgId": {"FNumber": erp.sale_org},
        "FCustId": {"FNumber": (order.get("customer") or {}).get("code")},
        erp.po_field: order.get("po_number"),
        "FSaleOrderFinance": _finance(order.get("currency") or erp.local_currency, with_tax, erp),
        "FSaleOrderEntry": [_entry(line, order, with_tax) for line in lines],
    }
    return {"NeedUpDateFields": [], "IsDeleteEntry": "true", "Model": model}


def _order_includes_tax(lines: list[dict[str, Any]], erp: ErpSettings) -> bool:
    """Whether the order's prices go to K3 with tax: as configured (price_field), else as the
    first line's price is (a line on the other basis is converted in `_entry`)."""
    if erp.price_field in _PRICE_KEYS:
        return erp.price_field == "FTaxPrice"
    return next((bool(line.get("price_includes_tax", True)) for line in lines), True)


def _finance(currency: str, with_tax: bool, erp: ErpSettings) -> dict[str, Any]:
    code = currency.upper()
    numbers = {iso.upper(): number for iso, number in erp.currency_numbers}
    finance: dict[str, Any] = {"FSettleCurrId": {"FNumber": numbers.get(code, code)}}
    if code != erp.local_currency.upper():
        finance["FExchangeTypeId"] = {"FNumber": erp.exchange_rate_type}
    finance["FIsIncludedTax"] = with_tax
    return finance


def _entry(line: dict[str, Any], order: dict[str, Any], with_tax: bool) -> dict[str, Any]:
    rate = line.get("tax_rate") or "13"
    return {
        "FMaterialId": {"FNumber": line.get("sku")},
        "FUnitID": {"FNumber": line.get("unit")},
        "FQty": line.get("quantity"),
        "FTaxPrice" if with_tax else "FPrice": _price_on(line, with_tax, Decimal(rate)),
        "FEntryTaxRate": rate,
        "FDeliveryDate": line.get("delivery_date") or order.get("delivery_date"),
    }


def _price_on(line: dict[str, Any], with_tax: bool, rate: Decimal) -> str | None:
    """The line's unit price on the order's tax basis (converted when the line's is the other)."""
    price = line.get("unit_price")
    if price is None or bool(line.get("price_includes_tax", True)) == with_tax:
        return price
    factor = 1 + rate / 100
    value = Decimal(price) * factor if with_tax else Decimal(price) / factor
    return format(value.quantize(_PRICE_PLACES).normalize(), "f")


def file_stem(order_id: int | None, po_number: str | None) -> str:
    """`SAL_<order id>_<PO>`: one name per order, whatever happens."""
    return f"SAL_{order_id if order_id is not None else 'x'}_{safe_name(po_number or '', 'nopo')}"


def xlsx_bytes(body: dict[str, Any], erp: ErpSettings) -> bytes:
    """The import sheet: keys, display names, then one row per entry (header on the first)."""
    model = body["Model"]
    head_keys = ["FBillTypeID", "FDate", "FCustId", "FSaleOrgId", erp.po_field]
    finance = model["FSaleOrderFinance"]
    finance_keys = [k for k in _FINANCE_KEYS if k in finance]
    entries = model["FSaleOrderEntry"]
    price_keys = [k for k in _PRICE_KEYS if any(k in e for e in entries)] or ["FTaxPrice"]
    entry_keys = ["FMaterialId", "FUnitID", "FQty", *price_keys, "FEntryTaxRate", "FDeliveryDate"]
    keys = head_keys + finance_keys + entry_keys
    head = [_cell(model[k]) for k in head_keys] + [_cell(finance[k]) for k in finance_keys]
    rows = [keys, [_DISPLAY.get(k, k) for k in keys]]
    for n, entry in enumerate(entries):
        rows.append((head if n == 0 else [None] * len(head)) + [_cell(entry.get(k)) for k in entry_keys])
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _BOOK_OPTIONS)
    sheet = book.add_worksheet(FORM_ID)
    for number, values in enumerate(rows):
        sheet.write_row(number, 0, values)
    book.close()
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Nested {"FNumber": x} becomes x; decimal strings numbers; ISO dates dates."""
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 and value[4] == "-" else Decimal(value)
        except (ValueError, InvalidOperation):
            return value
    return value


def write_export(folder: Path, payload: dict[str, Any], *, order_id: int | None,
                 erp: ErpSettings, write: Writer = write_atomically) -> list[Path]:
    """Write the order's import files (erp.formats: xlsx, json) into `folder`; returns their paths."""
    body = build_model(payload, erp)
    stem = file_stem(order_id, payload["order"].get("po_number"))
    written = []
    for fmt in erp.formats:
        if fmt == "xlsx":
            data = xlsx_bytes(body, erp)
        elif fmt == "json":
            data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            raise ValueError(f"unknown ERP export format {fmt!r}")
        path = Path(folder) / f"{stem}.{fmt}"
        write(path, data)
        written.append(path)
    return written
