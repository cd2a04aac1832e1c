"""Read a catalog bundle folder exported from the ERP (CONTRACT §1) into `CatalogRecords`.

Each file is `<name>.csv` (UTF-8 with or without BOM, or GBK/GB18030 as Chinese Excel saves
it) or `<name>.xlsx` (first sheet, first row is the header). Headers are K3 Cloud field keys
or their Chinese display names, in any order; unknown columns are ignored. Anything that
cannot be read raises `CatalogError` naming the file, row and column, because a silently
wrong catalog would mis-price every order after it.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from connectors.errors import CatalogError
from reconcile.catalog import (
    CatalogRecords,
    Customer,
    CustomerItem,
    Material,
    PriceEntry,
    UnitConversion,
)

# K3 key -> Chinese display name, per file (the same display name means different keys in
# different files: 物料编码 is FNumber in materials but FMaterialId in prices).
COLUMNS: dict[str, dict[str, str]] = {
    "materials": {
        "FNumber": "物料编码", "FName": "物料名称", "FSpecification": "规格型号",
        "FBaseUnitId": "基本单位", "FBarCode": "条码", "FPackQty": "包装数量",
        "FMinQty": "起订量", "FLeadDays": "提前期", "FForbidStatus": "禁用状态",
    },
    "customers": {
        "FNumber": "客户编码", "FName": "客户名称", "FShortName": "简称", "FEmail": "邮箱",
        "FEdiId": "EDI标识", "FCurrency": "币别", "FCreditLimit": "信用额度",
        "FOpenAmount": "未清金额", "FAddress": "收货地址",
    },
    "prices": {
        "FCustId": "客户编码", "FMaterialId": "物料编码", "FPrice": "单价", "FFromQty": "数量从",
        "FToQty": "数量至", "FEffectiveDate": "生效日期", "FExpiryDate": "失效日期",
        "FCurrency": "币别", "FIsIncludedTax": "含税",
    },
    "customer_items": {
        "FCustId": "客户编码", "FCustMatNo": "客户物料编码", "FCustMatName": "客户物料名称",
        "FMaterialId": "物料编码",
    },
    "stock": {"FMaterialId": "物料编码", "FQty": "可用库存"},
    "units": {"FMaterialId": "物料编码", "FFromUnit": "单位", "FToUnit": "基本单位", "FRate": "换算率"},
}

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "materials": ("FNumber", "FName", "FBaseUnitId"),
    "customers": ("FNumber", "FName"),
    "prices": ("FMaterialId", "FPrice"),
    "customer_items": ("FCustId", "FCustMatNo", "FMaterialId"),
    "stock": ("FMaterialId", "FQty"),
    "units": ("FFromUnit", "FToUnit", "FRate"),
}

REQUIRED_FILES = ("materials", "customers")

_YES_NO = {"1": True, "0": False, "TRUE": True, "FALSE": False, "是": True, "否": False, "Y": True, "N": False,
           "YES": True, "NO": False}
_ACTIVE = {"A": True, "B": False, "否": True, "是": False, "启用": True, "禁用": False, "正常": True}
_EMAIL_SPLIT = re.compile(r"[;；,，\s]+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Table:
    """One file's header (K3 key -> column index and header text) and its data rows."""

    file: str
    columns: dict[str, tuple[int, str]]
    rows: list[tuple[int, tuple[object, ...]]]


Progress = Callable[[str, int], None]   # (step, rows so far), for a terminal's progress counter


def read_bundle(folder: Path, progress: Progress | None = None) -> CatalogRecords:
    """Read every catalog file in `folder`; materials and customers must be present."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CatalogError(f"catalog folder {folder} does not exist or is not a folder.")
    tables = {}
    for name, path in _find_files(folder).items():
        tables[name] = _read_table(path, name)
        if progress is not None:
            progress(f"reading {path.name}", len(tables[name].rows))
    return records_from_tables(tables, progress)


def table_from_rows(name: str, source: str, keys: Sequence[str],
                    rows: Iterable[Sequence[object]]) -> Table:
    """A catalog file's table from rows read elsewhere (K3 Cloud's WebAPI): `keys` are the
    bundle's K3 keys (CONTRACT §1) of the values in each row, `source` names where they came
    from in error messages. Rows are numbered from 1."""
    unknown = [k for k in keys if k not in COLUMNS[name]]
    if unknown:
        raise ValueError(f"{unknown[0]} is not a column of {name}")
    columns = {key: (index, key) for index, key in enumerate(keys)}
    for key in REQUIRED_COLUMNS[name]:
        if key not in columns:
            raise CatalogError(f"{source}: required column {key} [{COLUMNS[name][key]}] is missing.",
                               file=source, column=key)
    numbered = [(no, tuple(values)) for no, values in enumerate(rows, start=1) if _has_value(values)]
    return Table(source, columns, numbered)


def records_from_tables(tables: dict[str, Table], progress: Progress | None = None) -> CatalogRecords:
    """The records of a catalog's tables, each row checked and typed as a bundle file's would be."""
    for name in REQUIRED_FILES:
        if name not in tables:
            raise CatalogError(f"the catalog has no {name}.", file=name)

    def build(name: str, make: Callable[[_Row], T]) -> tuple[T, ...]:
        built = _build(tables.get(name), make)
        if progress is not None and name in tables:
            progress(f"checking {name}", len(built))
        return built

    return CatalogRecords(
        materials=_unique(build("materials", _material), "materials", tables),
        customers=_unique(build("customers", _customer), "customers", tables),
        prices=build("prices", _price),
        customer_items=build("customer_items", _customer_item),
        stock=_sum_stock(build("stock", _stock)),
        units=build("units", _unit),
    )


def bundle_digest(folder: Path) -> str:
    """A sha256 over the catalog files of `folder` (names and bytes): the same digest means the
    same catalog, told in milliseconds instead of the seconds reading a big bundle takes."""
    digest = hashlib.sha256()
    for name, path in sorted(_find_files(Path(folder)).items()):
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def catalog_fingerprint(records: CatalogRecords) -> str:
    """A sha256 over the records' content, stable across runs, to tell a changed catalog.

    The JSON is that of `dataclasses.asdict(records)`, built without its deep copy of every
    value (which took most of a big catalog's import time).
    """
    content = {f.name: [_as_dict(r) for r in getattr(records, f.name)] for f in dataclasses.fields(records)}
    payload = json.dumps(content, default=_json_default, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _as_dict(record: object) -> object:
    if dataclasses.is_dataclass(record):
        return {name: getattr(record, name) for name in _field_names(type(record))}
    return record   # a stock row: (FMaterialId, FQty)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def _json_default(value: object) -> str:
    if isinstance(value, (Decimal, date)):
        return str(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


# --- finding and reading files -------------------------------------------------------------


def _find_files(folder: Path) -> dict[str, Path]:
    """Map each catalog file name to its path: exactly `<name>.csv` or `<name>.xlsx`, any case."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        stem, _, ext = path.name.lower().rpartition(".")
        if stem not in COLUMNS or ext not in ("csv", "xlsx") or not path.is_file():
            continue
        if stem in found:
            raise CatalogError(
                f"catalog has both {found[stem].name} and {path.name}; keep one.", file=path.name
            )
        found[stem] = path
    for name in REQUIRED_FILES:
        if name not in found:
            raise CatalogError(f"catalog folder {folder} has no {name}.csv or {name}.xlsx.",
                               file=name)
    return found


def _read_table(path: Path, name: str) -> Table:
    raw_rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    header = next(raw_rows, None)
    if header is None:
        raise CatalogError(f"{path.name} is empty: it has no header row.", file=path.name, row=1)
    columns = _map_header(header, name, path.name)
    rows = [(no, values) for no, values in enumerate(raw_rows, start=2) if _has_value(values)]
    return Table(path.name, columns, rows)


def _csv_rows(path: Path) -> Iterator[tuple[object, ...]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes almost anything; this is for truly broken bytes
        raise CatalogError(f"{path.name} is neither UTF-8 nor GB18030 text.", file=path.name)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield tuple(row)


def _xlsx_rows(path: Path) -> Iterator[tuple[object, ...]]:
    import openpyxl  # imported here: only xlsx bundles need it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError variants
        raise CatalogError(f"{path.name} is not a readable xlsx file ({exc}).", file=path.name) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _map_header(header: tuple[object, ...], name: str, file: str) -> dict[str, tuple[int, str]]:
    """Map K3 keys to column indexes, accepting keys (any case) and display names."""
    aliases = {key.lower(): key for key in COLUMNS[name]}
    aliases.update({display: key for key, display in COLUMNS[name].items()})
    columns: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(header):
        text = unicodedata.normalize("NFKC", str(cell or "")).replace("\ufeff", "").strip()
        key = aliases.get(text) or aliases.get(text.lower())
        if key is None:
            continue
        if key in columns:
            raise CatalogError(f"{file}: column {key} appears twice ({columns[key][1]!r} and "
                               f"{text!r}).", file=file, row=1, column=key)
        columns[key] = (index, text)
    for key in REQUIRED_COLUMNS[name]:
        if key not in columns:
            raise CatalogError(f"{file}: required column {key} [{COLUMNS[name][key]}] is missing.",
                               file=file, row=1, column=key)
    return columns


def _has_value(values: tuple[object, ...]) -> bool:
    return any(v is not None and str(v).strip() for v in values)


# --- one row ---------------------------------------------------------------------------------


class _Row:
    """One data row with typed accessors that raise `CatalogError` naming file, row and column."""

    def __init__(self, table: Table, row_no: int, values: tuple[object, ...]) -> None:
        self.table, self.row_no, self.values = table, row_no, values

    def raw(self, key: str) -> object | None:
        """The cell value, with blank strings as None and strings stripped."""
        index = self.table.columns.get(key, (None, ""))[0]
        if index is None or index >= len(self.values):
            return None
        value = self.values[index]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def error(self, key: str, message: str) -> CatalogError:
        header = self.table.columns.get(key, (0, key))[1]
        column = key if header == key else f"{header} ({key})"
        return CatalogError(f"{self.table.file} row {self.row_no}, column {column}: {message}",
                            file=self.table.file, row=self.row_no, column=key)

    def text(self, key: str, default: str = "") -> str:
        value = self.raw(key)
        return default if value is None else _cell_text(value)

    def code(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        return unicodedata.normalize("NFKC", _cell_text(value)).strip() or None

    def required_code(self, key: str) -> str:
        value = self.code(key)
        if value is None:
            raise self.error(key, "a value is required.")
        return value

    def unit(self, key: str) -> str:
        return self.required_code(key).upper()

    def decimal(self, key: str, default: Decimal | None = None) -> Decimal | None:
        value = self.raw(key)
        if value is None:
            return default
        number = _to_decimal(value)
        if number is None:
            raise self.error(key, f"{value!r} is not a number.")
        return number

    def required_decimal(self, key: str) -> Decimal:
        number = self.decimal(key)
        if number is None:
            raise self.error(key, "a number is required.")
        return number

    def integer(self, key: str, default: int) -> int:
        number = self.decimal(key)
        if number is None:
            return default
        if number != number.to_integral_value():
            raise self.error(key, f"{self.raw(key)!r} is not a whole number.")
        return int(number)

    def yes_no(self, key: str) -> bool | None:
        """A flag written 1/0, true/false, 是/否 (or Excel's TRUE/FALSE); None when empty."""
        value = self.raw(key)
        if value is None:
            return None
        text = _cell_text(value).upper()
        if text not in _YES_NO:
            raise self.error(key, f"{_cell_text(value)!r} is not 1/0, true/false or 是/否.")
        return _YES_NO[text]

    def date(self, key: str) -> date | None:
        value = self.raw(key)
        if value is None:
            return None
        parsed = _to_date(value)
        if parsed is None:
            raise self.error(key, f"{_cell_text(value)!r} is not a date.")
        return parsed


def _cell_text(value: object) -> str:
    """A cell as text; whole floats lose the '.0' Excel gives them (barcode 6901234567892.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip()


def _to_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return None
    if isinstance(value, (int, float)):
        text = str(value)  # str(0.1053) == '0.1053': the shortest repr, not the binary value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_date(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _number_date(value: float) -> date | None:
    """An Excel serial day number, or a YYYYMMDD typed as a number."""
    if not float(value).is_integer():
        return None
    number = int(value)
    if 19000101 <= number <= 99991231:
        return _to_date(str(number))
    if 1 <= number <= 2958465:
        return _EXCEL_EPOCH + timedelta(days=number)
    return None


# --- records -------------------------------------------------------------------------------


def _build(table: Table | None, make: Callable[[_Row], T]) -> tuple[T, ...]:
    if table is None:
        return ()
    return tuple(make(_Row(table, no, values)) for no, values in table.rows)


def _material(row: _Row) -> Material:
    status = (row.code("FForbidStatus") or "A").upper()
    if status not in _ACTIVE:
        raise row.error("FForbidStatus", f"{status!r} is not A (active) or B (forbidden).")
    return Material(
        number=row.required_code("FNumber"),
        name=row.text("FName"),
        specification=row.text("FSpecification"),
        base_unit=row.unit("FBaseUnitId"),
        barcode=row.code("FBarCode"),
        pack_qty=row.decimal("FPackQty", Decimal(1)),
        min_qty=row.decimal("FMinQty", Decimal(0)),
        lead_days=row.integer("FLeadDays", 0),
        active=_ACTIVE[status],
    )


def _customer(row: _Row) -> Customer:
    emails = tuple(e.lower() for e in _EMAIL_SPLIT.split(row.text("FEmail")) if e.strip())
    return Customer(
        number=row.required_code("FNumber"),
        name=row.text("FName"),
        short_name=row.text("FShortName"),
        emails=emails,
        edi_id=row.code("FEdiId"),
        currency=(row.code("FCurrency") or "CNY").upper(),
        credit_limit=row.decimal("FCreditLimit"),
        open_amount=row.decimal("FOpenAmount", Decimal(0)),
        address=row.text("FAddress") or None,
    )


def _price(row: _Row) -> PriceEntry:
    to_qty = row.decimal("FToQty")
    currency = row.code("FCurrency")
    return PriceEntry(
        material=row.required_code("FMaterialId"),
        price=row.required_decimal("FPrice"),
        customer=row.code("FCustId"),
        from_qty=row.decimal("FFromQty", Decimal(0)),
        to_qty=None if to_qty is None or to_qty == 0 else to_qty,
        effective=row.date("FEffectiveDate"),
        expiry=row.date("FExpiryDate"),
        currency=currency.upper() if currency else None,
        includes_tax=row.yes_no("FIsIncludedTax"),
    )


def _customer_item(row: _Row) -> CustomerItem:
    return CustomerItem(
        customer=row.required_code("FCustId"),
        code=row.required_code("FCustMatNo"),
        name=row.text("FCustMatName"),
        material=row.required_code("FMaterialId"),
    )


def _stock(row: _Row) -> tuple[str, Decimal]:
    return (row.required_code("FMaterialId"), row.required_decimal("FQty"))


def _unit(row: _Row) -> UnitConversion:
    return UnitConversion(
        material=row.code("FMaterialId"),
        from_unit=row.unit("FFromUnit"),
        to_unit=row.unit("FToUnit"),
        rate=row.required_decimal("FRate"),
    )


def _sum_stock(rows: tuple[tuple[str, Decimal], ...]) -> tuple[tuple[str, Decimal], ...]:
    """One quantity per item: rows for several warehouses (FStockId) are added up."""
    totals: dict[str, Decimal] = {}
    for material, qty in rows:
        totals[material] = totals.get(material, Decimal(0)) + qty
    return tuple(totals.items())


def _unique(records: tuple[T, ...], name: str, tables: dict[str, Table]) -> tuple[T, ...]:
    """Materials and customers are keyed by FNumber; a repeated one is an export error."""
    table = tables[name]
    seen: set[str] = set()
    for record, (row_no, _) in zip(records, table.rows):
        number = record.number  # type: ignore[attr-defined]
        if number in seen:
            raise CatalogError(f"{table.file} row {row_no}, column FNumber: {number!r} appears "
                               f"twice.", file=table.file, row=row_no, column="FNumber")
        seen.add(number)
    return records
