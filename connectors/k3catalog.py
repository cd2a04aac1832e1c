"""The catalog read from K3 Cloud through ExecuteBillQuery, into the records a bundle gives.

Each bundle file (CONTRACT §1) has a K3 form and, per bundle column, the K3 field key it is
read from (`FORMS`; the README shows the table). The rows go through the bundle reader's own
checks and types (`catalog_bundle.table_from_rows` / `records_from_tables`), so a catalog from
K3 and one from a folder are the same records, refused for the same reasons. Fields that
standard K3 has no place for (an EDI id, a credit limit here) are custom fields (`F_ORD_...`);
`k3cloud.fields` renames any of them (`"materials.FPackQty = FIncreaseQty"`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.catalog_bundle import COLUMNS, Table, records_from_tables, table_from_rows
from connectors.errors import CatalogError, ConfigError
from connectors.k3cloud import K3Client, filter_equals
from reconcile.catalog import CatalogRecords


@dataclass(frozen=True, slots=True)
class FormSpec:
    """Where one bundle file comes from in K3: the form, bundle column -> K3 field key, the
    filter conditions (audited rows of our organisation) and a stable order for paging."""

    file: str
    form: str
    fields: dict[str, str]
    where: tuple[tuple[str, str], ...] = ()
    order: str = ""


AUDITED = ("FDocumentStatus", "C")

FORMS: tuple[FormSpec, ...] = (
    FormSpec("materials", "BD_MATERIAL", {
        "FNumber": "FNumber", "FName": "FName", "FSpecification": "FSpecification",
        "FBaseUnitId": "FBaseUnitId.FNumber", "FBarCode": "FBARCODE", "FPackQty": "FIncreaseQty",
        "FMinQty": "FMinPOQty", "FLeadDays": "FFixLeadTime", "FForbidStatus": "FForbidStatus"},
        (AUDITED, ("FUseOrgId.FNumber", "{org}")), "FMATERIALID ASC"),
    FormSpec("customers", "BD_Customer", {
        "FNumber": "FNumber", "FName": "FName", "FShortName": "FShortName", "FEmail": "F_ORD_Email",
        "FEdiId": "F_ORD_EdiId", "FCurrency": "FTRADINGCURRID.FNumber",
        "FCreditLimit": "F_ORD_CreditLimit", "FOpenAmount": "F_ORD_OpenAmount", "FAddress": "FADDRESS"},
        (AUDITED, ("FUseOrgId.FNumber", "{org}")), "FCUSTID ASC"),
    FormSpec("prices", "BD_SAL_PriceList", {
        "FCustId": "FCustID.FNumber", "FMaterialId": "FMaterialId.FNumber", "FPrice": "FPrice",
        "FFromQty": "FFromQty", "FToQty": "FToQty", "FEffectiveDate": "FEntryEffectiveDate",
        "FExpiryDate": "FEntryExpiryDate", "FCurrency": "FCurrencyId.FNumber",
        "FIsIncludedTax": "FIsIncludedTax"},
        (AUDITED,), "FID ASC"),
    FormSpec("customer_items", "SAL_CustMatMapping", {
        "FCustId": "FCustomerId.FNumber", "FCustMatNo": "FCustMatNo", "FCustMatName": "FCustMatName",
        "FMaterialId": "FMaterialId.FNumber"},
        (AUDITED,), "FID ASC"),
    FormSpec("stock", "STK_Inventory", {"FMaterialId": "FMaterialId.FNumber", "FQty": "FBaseQty"},
             (), "FID ASC"),
)
# Unit rates come as numerator / denominator (BD_UNITCONVERTRATE); the rate is worked out here.
UNITS = FormSpec("units", "BD_UNITCONVERTRATE", {
    "FMaterialId": "FMaterialId.FNumber", "FFromUnit": "FCurrentUnitId.FNumber",
    "FToUnit": "FDestUnitId.FNumber", "FConvertNumerator": "FConvertNumerator",
    "FConvertDenominator": "FConvertDenominator"}, (AUDITED,), "FID ASC")

Progress = Callable[[str, int], None]   # (bundle file, rows read so far)


def forms_for(renames: Sequence[str] = ()) -> tuple[FormSpec, ...]:
    """The forms with `file.Column = K3Key` renames applied; a column the bundle does not have
    (a price list's tax flag before the bundle reads one) is left out."""
    overrides: dict[tuple[str, str], str] = {}
    for text in renames:
        left, sep, key = text.partition("=")
        file, dot, column = left.strip().partition(".")
        if not sep or not dot or not key.strip():
            raise ConfigError(f"k3cloud.fields: {text!r} is not like \"materials.FPackQty = FIncreaseQty\".")
        overrides[(file, column.strip())] = key.strip()
    specs = []
    for spec in FORMS + (UNITS,):
        known = COLUMNS[spec.file]
        fields = {column: overrides.get((spec.file, column), key) for column, key in spec.fields.items()
                  if column in known or spec is UNITS}
        specs.append(FormSpec(spec.file, spec.form, fields, spec.where, spec.order))
    unknown = set(overrides) - {(s.file, c) for s in specs for c in s.fields}
    if unknown:
        file, column = sorted(unknown)[0]
        raise ConfigError(f"k3cloud.fields: {file}.{column} is not a catalog column read from K3.")
    return tuple(specs)


def read_k3_catalog(client: K3Client, *, org: str, renames: Sequence[str] = (),
                    progress: Progress | None = None) -> CatalogRecords:
    """Every catalog table from K3, paged, then checked and typed by the bundle reader."""
    tables: dict[str, Table] = {}
    for spec in forms_for(renames):
        rows = list(_rows(client, spec, org, progress))
        if spec.file == "units":
            tables["units"] = table_from_rows("units", f"K3 {spec.form}",
                                              ["FMaterialId", "FFromUnit", "FToUnit", "FRate"],
                                              _unit_rates(rows, spec.form))
        else:
            tables[spec.file] = table_from_rows(spec.file, f"K3 {spec.form}", list(spec.fields), rows)
    return records_from_tables(tables, progress)


def _rows(client: K3Client, spec: FormSpec, org: str, progress: Progress | None) -> Iterator[list[Any]]:
    where = [(key, value.format(org=org)) for key, value in spec.where]
    read = 0

    def on_page(count: int) -> None:
        nonlocal read
        read += count
        if progress is not None:
            progress(f"reading K3 {spec.form}", read)

    yield from client.query(spec.form, list(spec.fields.values()), filter=filter_equals(where),
                            order=spec.order, on_page=on_page)


def _unit_rates(rows: Iterable[list[Any]], form: str) -> Iterator[list[Any]]:
    """(material, from unit, to unit, numerator / denominator) per K3 unit rate row."""
    for number, row in enumerate(rows, start=1):
        material, from_unit, to_unit, numerator, denominator = row
        try:
            rate = Decimal(str(numerator)) / Decimal(str(denominator))
        except (InvalidOperation, ZeroDivisionError):
            raise CatalogError(f"K3 {form} row {number}: the rate {numerator}/{denominator} is not a number.",
                               file=f"K3 {form}", row=number, column="FConvertNumerator")
        yield [material or None, from_unit, to_unit, format(rate.normalize(), "f")]
