"""Writes the test catalog twice, with the same content: `k3/` (K3 field keys) and `zh/`
(Chinese display names), each mixing csv UTF-8, csv UTF-8 with BOM, csv GBK and xlsx, with
shuffled and extra columns. Run it to regenerate: `python tests/data/catalog/make_catalog.py`.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

# Each table: (K3 header, Chinese header, rows). Rows hold what a spreadsheet cell would hold;
# csv writers turn them into text. None is an empty cell.
MATERIALS = (
    ["FBaseUnitId", "FNumber", "FName", "FSpecification", "FMaterialGroup", "FBarCode",
     "FPackQty", "FMinQty", "FLeadDays", "FForbidStatus"],
    ["基本单位", "物料编码", "物料名称", "规格型号", "物料分组", "条码", "包装数量", "起订量",
     "提前期", "禁用状态"],
    [
        ["PCS", "1.01.0001", "瓦楞纸箱", "200×150×100mm 3层B楞", "纸箱", 6901234567892, 25, 200, 5, "A"],
        ["pcs", "1.01.0002", "Carton 5-ply", "", "纸箱", None, None, None, None, None],
        ["KG", "2.01.0001", "拉伸膜", "500mm×20μm", "薄膜", None, 0.5, 10, 3, "B"],
        ["ROLL", "１.０１.０００３", "不干胶标签", "60×40mm", "标签", "6901234567809", 1, 0, 0, "A"],
    ],
)
CUSTOMERS = (
    ["FNumber", "FName", "FShortName", "FAddress", "FEmail", "FEdiId", "FCurrency",
     "FCreditLimit", "FOpenAmount", "FSalerId"],
    ["客户编码", "客户名称", "简称", "收货地址", "邮箱", "EDI标识", "币别", "信用额度",
     "未清金额", "销售员"],
    [
        ["C0001", "上海味源食品有限公司", "味源食品", "上海市嘉定区马陆镇宝安公路2999号",
         "@weiyuan-food.example.com", None, "CNY", 1500000, "356200.00", "张伟"],
        ["C0002", "Sunrise Foods Pte. Ltd.", "Sunrise", None,
         " Orders@Sunrise.example.sg；@sunrise.example.sg ", "SUNRISE", "usd", None, None, "李强"],
    ],
)
PRICES = (
    ["FEntryID", "FMaterialId", "FCustId", "FCurrency", "FPrice", "FFromQty", "FToQty",
     "FEffectiveDate", "FExpiryDate"],
    ["序号", "物料编码", "客户编码", "币别", "单价", "数量从", "数量至", "生效日期", "失效日期"],
    [
        [1, "1.01.0001", None, "CNY", 0.5952, 0, None, datetime(2026, 1, 1), datetime(2026, 6, 30)],
        [2, "1.01.0001", None, "CNY", 0.62, 0, None, datetime(2026, 7, 1), None],
        [3, "1.01.0001", "C0001", "CNY", 0.58, 1000, 0, datetime(2026, 1, 1), None],
        [4, "2.01.0001", None, None, 12.5, 0, 999.5, None, None],
    ],
)
CUSTOMER_ITEMS = (
    ["FCustMatName", "FCustId", "FCustMatNo", "FMaterialId"],
    ["客户物料名称", "客户编码", "客户物料编码", "物料编码"],
    [["250ml调味瓶纸箱", "C0001", "WY-BT-0250", "1.01.0001"],
     ["Stretch film 20mic", "C0002", "SF-20", "2.01.0001"]],
)
STOCK = (
    ["FStockId", "FMaterialId", "FQty"],
    ["仓库", "物料编码", "可用库存"],
    [["CK01 成品仓", "1.01.0001", 1400], ["CK01 成品仓", "1.01.0002", 300],
     ["CK02 外仓", "1.01.0002", 200.5]],
)
UNITS = (
    ["FMaterialId", "FFromUnit", "FToUnit", "FRate", "FNote"],
    ["物料编码", "单位", "基本单位", "换算率", "备注"],
    [["1.01.0001", "BOX", "PCS", 500, None], [None, "T", "KG", 1000, "通用"],
     ["2.01.0001", "roll", "kg", 16.8, None]],
)

# file -> (table, format in k3/, format in zh/)
LAYOUT = {
    "materials": (MATERIALS, "csv:utf-8", "xlsx"),
    "customers": (CUSTOMERS, "csv:utf-8-sig", "csv:gbk"),
    "prices": (PRICES, "xlsx", "csv:utf-8-sig"),
    "customer_items": (CUSTOMER_ITEMS, "csv:gbk", "xlsx"),
    "stock": (STOCK, "csv:utf-8", "xlsx"),
    "units": (UNITS, "xlsx", "csv:gb18030"),
}


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.year}/{value.month}/{value.day}"  # as Chinese Excel writes dates
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[cell_text(v) for v in row] for row in rows])
    path.write_bytes(text.getvalue().encode(encoding))


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_file(folder: Path, name: str, header: list[str], rows: list[list[object]], fmt: str) -> None:
    if fmt == "xlsx":
        write_xlsx(folder / f"{name}.xlsx", header, rows)
    else:
        write_csv(folder / f"{name}.csv", header, rows, fmt.split(":", 1)[1])


def main() -> None:
    for spelling, header_index, fmt_index in (("k3", 0, 1), ("zh", 1, 2)):
        folder = HERE / spelling
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, layout in LAYOUT.items():
            table = layout[0]
            write_file(folder, name, table[header_index], table[2], layout[fmt_index])


if __name__ == "__main__":
    main()
