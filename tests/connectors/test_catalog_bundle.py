"""The catalog bundle reader: both header spellings, every encoding, defaults and error texts."""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from connectors.catalog_bundle import catalog_fingerprint, read_bundle
from connectors.errors import CatalogError
from reconcile.catalog import Customer, CustomerItem, Material, PriceEntry, UnitConversion

DATA = Path(__file__).resolve().parents[1] / "data" / "catalog"

MINIMAL_MATERIALS = [["FNumber", "FName", "FBaseUnitId"], ["1.01.0001", "纸箱", "PCS"]]
MINIMAL_CUSTOMERS = [["FNumber", "FName"], ["C0001", "味源"]]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder with the two required files, each a minimal valid csv."""
    write_csv(tmp_path / "materials.csv", MINIMAL_MATERIALS)
    write_csv(tmp_path / "customers.csv", MINIMAL_CUSTOMERS)
    return tmp_path


def test_k3_keys_read_to_the_expected_records() -> None:
    """The K3-key bundle (csv UTF-8, BOM, GBK and xlsx mixed) reads to exactly these records."""
    records = read_bundle(DATA / "k3")
    assert records.materials[0] == Material(
        number="1.01.0001", name="瓦楞纸箱", specification="200×150×100mm 3层B楞", base_unit="PCS",
        barcode="6901234567892", pack_qty=Decimal(25), min_qty=Decimal(200), lead_days=5, active=True)
    assert records.materials[2].active is False and records.materials[2].pack_qty == Decimal("0.5")
    assert records.materials[3].number == "1.01.0003"   # full-width code, NFKC-normalised
    assert records.customers[1] == Customer(
        number="C0002", name="Sunrise Foods Pte. Ltd.", short_name="Sunrise",
        emails=("orders@sunrise.example.sg", "@sunrise.example.sg"), edi_id="SUNRISE",
        currency="USD", credit_limit=None, open_amount=Decimal(0), address=None)
    assert records.prices[0] == PriceEntry(
        material="1.01.0001", price=Decimal("0.5952"), customer=None, from_qty=Decimal(0),
        to_qty=None, effective=date(2026, 1, 1), expiry=date(2026, 6, 30), currency="CNY")
    assert records.prices[2].to_qty is None             # FToQty 0 means no upper bound
    assert records.customer_items[0] == CustomerItem("C0001", "WY-BT-0250", "250ml调味瓶纸箱", "1.01.0001")
    assert records.stock == (("1.01.0001", Decimal(1400)), ("1.01.0002", Decimal("500.5")))
    assert records.units[1] == UnitConversion(None, "T", "KG", Decimal(1000))


def test_chinese_headers_read_the_same_as_k3_keys() -> None:
    """The same catalog with Chinese display names, other formats and encodings, is equal."""
    assert read_bundle(DATA / "zh") == read_bundle(DATA / "k3")


def test_material_defaults_for_empty_cells() -> None:
    material = read_bundle(DATA / "k3").materials[1]
    assert (material.pack_qty, material.min_qty, material.lead_days, material.active) == (
        Decimal(1), Decimal(0), 0, True)
    assert material.base_unit == "PCS" and material.barcode is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(bundle: Path, encoding: str) -> None:
    """Chinese text survives in every encoding Excel or a script may write."""
    write_csv(bundle / "customers.csv", [["客户编码", "客户名称", "收货地址"],
                                        ["C0001", "上海味源食品有限公司", "上海市嘉定区"]], encoding)
    customer = read_bundle(bundle).customers[0]
    assert (customer.name, customer.address) == ("上海味源食品有限公司", "上海市嘉定区")


def test_any_column_order_and_unknown_columns(bundle: Path) -> None:
    write_csv(bundle / "materials.csv", [
        ["备注", " 基本单位 ", "\ufeff物料名称", "FNumber", "FWhatever"],
        ["note", "kg", "拉伸膜", "2.01.0001", "x"],
    ])
    material = read_bundle(bundle).materials[0]
    assert (material.number, material.name, material.base_unit) == ("2.01.0001", "拉伸膜", "KG")


def test_xlsx_numbers_keep_their_decimal_text(bundle: Path) -> None:
    """Excel floats go through str(), so 0.1053 stays 0.1053 and 25 stays 25."""
    write_xlsx(bundle / "prices.xlsx", [
        ["FMaterialId", "FPrice", "FFromQty", "FEffectiveDate"],
        ["1.01.0001", 0.1053, 25, datetime(2026, 3, 1)],
    ])
    price = read_bundle(bundle).prices[0]
    assert str(price.price) == "0.1053" and str(price.from_qty) == "25"
    assert price.effective == date(2026, 3, 1)


def test_missing_required_column_names_file_and_column(bundle: Path) -> None:
    write_xlsx(bundle / "prices.xlsx", [["FMaterialId", "FCurrency"], ["1.01.0001", "CNY"]])
    with pytest.raises(CatalogError) as caught:
        read_bundle(bundle)
    assert "prices.xlsx" in str(caught.value) and "FPrice" in str(caught.value)
    assert (caught.value.file, caught.value.column) == ("prices.xlsx", "FPrice")


def test_bad_number_names_file_row_and_column(bundle: Path) -> None:
    rows: list[list[object]] = [["FMaterialId", "FPrice"]]
    rows += [["1.01.0001", 1.5]] * 12 + [["1.01.0001", "abc"]]
    write_xlsx(bundle / "prices.xlsx", rows)
    with pytest.raises(CatalogError, match=r"^prices\.xlsx row 14, column FPrice: 'abc' is not a number\.$"):
        read_bundle(bundle)


def test_bad_date_names_file_row_and_column_in_display_spelling(bundle: Path) -> None:
    write_csv(bundle / "prices.csv", [["物料编码", "单价", "生效日期"], ["1.01.0001", "1", "2026-13-45"]])
    with pytest.raises(CatalogError) as caught:
        read_bundle(bundle)
    assert str(caught.value) == "prices.csv row 2, column 生效日期 (FEffectiveDate): '2026-13-45' is not a date."
    assert caught.value.row == 2


@pytest.mark.parametrize("text, expected", [
    ("2026-03-01", date(2026, 3, 1)), ("2026/3/1", date(2026, 3, 1)), ("2026.03.01", date(2026, 3, 1)),
    ("20260301", date(2026, 3, 1)), ("2026年3月1日", date(2026, 3, 1)), ("2026-03-01 00:00:00", date(2026, 3, 1)),
])
def test_date_spellings(bundle: Path, text: str, expected: date) -> None:
    write_csv(bundle / "prices.csv", [["FMaterialId", "FPrice", "FExpiryDate"], ["1.01.0001", "1", text]])
    assert read_bundle(bundle).prices[0].expiry == expected


def test_thousands_separators_and_empty_rows(bundle: Path) -> None:
    write_csv(bundle / "customers.csv", [["FNumber", "FName", "FCreditLimit"], ["", "", ""],
                                        ["C0001", "味源", "1,500,000.00"]])
    assert read_bundle(bundle).customers[0].credit_limit == Decimal("1500000.00")


def test_forbid_status_must_be_a_or_b(bundle: Path) -> None:
    write_csv(bundle / "materials.csv", [["FNumber", "FName", "FBaseUnitId", "FForbidStatus"],
                                         ["1.01.0001", "纸箱", "PCS", "X"]])
    with pytest.raises(CatalogError, match="materials.csv row 2, column FForbidStatus"):
        read_bundle(bundle)


def test_required_files(tmp_path: Path) -> None:
    write_csv(tmp_path / "materials.csv", MINIMAL_MATERIALS)
    with pytest.raises(CatalogError, match="customers"):
        read_bundle(tmp_path)


def test_optional_files_default_to_empty(bundle: Path) -> None:
    records = read_bundle(bundle)
    assert (records.prices, records.customer_items, records.stock, records.units) == ((), (), (), ())


def test_csv_and_xlsx_of_the_same_file_is_an_error(bundle: Path) -> None:
    write_xlsx(bundle / "Materials.XLSX", MINIMAL_MATERIALS)
    with pytest.raises(CatalogError, match="both"):
        read_bundle(bundle)


def test_duplicate_material_number_is_an_error(bundle: Path) -> None:
    write_csv(bundle / "materials.csv", MINIMAL_MATERIALS + [["1.01.0001", "again", "PCS"]])
    with pytest.raises(CatalogError, match="materials.csv row 3, column FNumber"):
        read_bundle(bundle)


def test_fingerprint_is_stable_and_sees_changes(tmp_path: Path) -> None:
    folder = shutil.copytree(DATA / "k3", tmp_path / "k3")
    before = catalog_fingerprint(read_bundle(folder))
    assert catalog_fingerprint(read_bundle(folder)) == before
    write_csv(folder / "stock.csv", [["FMaterialId", "FQty"], ["1.01.0001", "1399"]])
    assert catalog_fingerprint(read_bundle(folder)) != before


def test_the_fingerprint_is_the_sha256_of_the_records_as_json():
    """The fingerprint of a catalog stays what it was when it was stored (the JSON of
    `dataclasses.asdict`), so a faster way of computing it reloads nothing."""
    records = read_bundle(DATA / "k3")
    text = json.dumps(dataclasses.asdict(records), default=str, ensure_ascii=False, separators=(",", ":"))
    assert catalog_fingerprint(records) == hashlib.sha256(text.encode("utf-8")).hexdigest()


PRICES_WITH_TAX_FLAG = [["FMaterialId", "FPrice", "FCurrency", "FIsIncludedTax"],
                        ["1.01.0001", "1.13", "CNY", "1"], ["1.01.0001", "1.00", "CNY", "0"],
                        ["1.01.0001", "1.10", "CNY", "是"], ["1.01.0001", "0.97", "CNY", "否"],
                        ["1.01.0001", "0.95", "CNY", "false"], ["1.01.0001", "1.20", "CNY", ""]]


def test_price_lists_say_whether_they_include_tax(bundle: Path, tmp_path: Path) -> None:
    """FIsIncludedTax [含税] reads 1/0, 是/否, true/false; empty leaves the configured default (None);
    the flag survives the database copy."""
    from store import catalog as catalog_store
    from store.db import make_engine, migrate, session_scope

    write_csv(bundle / "prices.csv", PRICES_WITH_TAX_FLAG)
    records = read_bundle(bundle)
    assert [p.includes_tax for p in records.prices] == [True, False, True, False, False, None]
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    migrate(engine)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    with session_scope(engine) as session:
        assert catalog_store.load_catalog(session) == records
    engine.dispose()


def test_price_lists_without_the_tax_column_still_read(bundle: Path) -> None:
    """The column is optional (CONTRACT §1): a bundle without it reads as before, every entry None."""
    write_csv(bundle / "prices.csv", [["物料编码", "单价"], ["1.01.0001", "1.13"]])
    assert [p.includes_tax for p in read_bundle(bundle).prices] == [None]


def test_tax_flag_in_display_spelling_and_bad_values(bundle: Path) -> None:
    write_csv(bundle / "prices.csv", [["物料编码", "单价", "含税"], ["1.01.0001", "1.13", "maybe"]])
    with pytest.raises(CatalogError, match=r"prices.csv row 2, column 含税 \(FIsIncludedTax\)"):
        read_bundle(bundle)
