"""Generated catalogs and orders for benchmarks: deterministic, any size."""
from __future__ import annotations

import csv
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from reconcile.catalog import CatalogRecords, Customer, Material, PriceEntry

_KINDS = ["瓦楞纸箱", "彩盒", "蛋糕盒", "缠绕膜", "BOPP印刷膜", "不干胶标签", "热敏标签", "封箱胶带",
          "PET瓶", "HDPE瓶", "玻璃罐", "瓶盖", "吸管", "纸杯", "餐盒", "保鲜膜", "铝箔袋", "自立袋",
          "CARTON", "LABEL", "BOTTLE", "JAR", "CAP", "TRAY", "FILM", "POUCH", "BAG", "LID"]
_MATERIALS = ["3层B楞", "5层BC楞", "白卡", "铜版纸", "透明PET", "PP", "PE", "牛皮纸", "KRAFT", "CLEAR"]
_COLOURS = ["透明", "米黄", "蓝色", "红色", "白色", "黑色", "绿色", "GOLD", "SILVER", "NATURAL"]


def material(i: int, rng: random.Random) -> Material:
    # (kind, a, b) is unique for up to 28 x 600 x 400 items, so every item has one right answer.
    kind = _KINDS[i % len(_KINDS)]
    a, b, c = 50 + (i // len(_KINDS)) % 600, 40 + (i // (len(_KINDS) * 600)) % 400, rng.randint(10, 300)
    spec = f"{a}×{b}×{c}mm {rng.choice(_MATERIALS)} {rng.choice(_COLOURS)}"
    return Material(number=f"{1 + i // 10000}.{(i // 100) % 100:02d}.{i % 100:04d}", name=kind,
                    specification=spec, base_unit="PCS", barcode=f"69{i:011d}",
                    pack_qty=Decimal(rng.choice([1, 10, 25, 100])), lead_days=rng.randint(0, 10))


def catalog(n_items: int, seed: int = 7) -> CatalogRecords:
    """A catalog of `n_items` distinct materials, a general price for each, and two customers."""
    rng = random.Random(seed)
    materials = tuple(material(i, rng) for i in range(n_items))
    prices = tuple(PriceEntry(material=m.number, price=Decimal(rng.randint(1, 5000)) / 100,
                              effective=date(2026, 1, 1), currency="USD") for m in materials)
    customers = (
        Customer(number="B001", name="Bench Buyer Inc.", edi_id="BENCHBUYER", currency="USD"),
        Customer(number="B002", name="Bench Käufer GmbH", edi_id="4000000000999", currency="USD"),
    )
    return CatalogRecords(materials=materials, customers=customers, prices=prices)


def fuzzy_description(m: Material, rng: random.Random) -> str:
    """How a customer might write an item: a word dropped, other separators, other case."""
    words = f"{m.name} {m.specification}".replace("×", rng.choice(["*", "x", "X", "×"])).split()
    if rng.random() < 0.5:
        words.pop(rng.randrange(2, len(words)))  # keep the name and the size that tell items apart
    return " ".join(w.lower() if rng.random() < 0.3 else w for w in words)


def x12_interchange(records: CatalogRecords, n_orders: int, lines_per_order: int, seed: int = 11) -> bytes:
    """One ISA interchange of `n_orders` 850s from customer B001, lines naming our item codes."""
    rng = random.Random(seed)
    segs = ["ISA*00*          *00*          *ZZ*BENCHBUYER     *ZZ*ORDERDESK      "
            "*261120*0800*U*00401*000000001*0*P*>", "GS*PO*BENCHBUYER*ORDERDESK*20261120*0800*1*X*004010"]
    for n in range(n_orders):
        body = [f"BEG*00*SA*B-{n:06d}**20261120", "CUR*BY*USD", "DTM*002*20270115", "N1*BY*BENCH BUYER INC"]
        for ln in range(1, lines_per_order + 1):
            m = records.materials[rng.randrange(len(records.materials))]
            qty = int(m.pack_qty) * rng.randint(1, 20)
            body.append(f"PO1*{ln}*{qty}*EA**PE*VP*{m.number}*BP*CX-{ln:04d}")
            body.append(f"PID*F****{m.name} {m.specification}")
        body.append(f"CTT*{lines_per_order}")
        segs += [f"ST*850*{n:04d}", *body, f"SE*{len(body) + 2}*{n:04d}"]
    segs += [f"GE*{n_orders}*1", "IEA*1*000000001"]
    return ("~\n".join(segs) + "~\n").encode()


def write_distributor_bundle(folder: Path, n_materials: int = 100_000, n_prices: int = 300_000, *,
                             version: int = 1) -> Path:
    """A distributor-size catalog bundle (CONTRACT §1 csv files) in `folder`: `n_materials`
    items, `n_prices` price rows (general, a quantity break, customer prices), 300 customers,
    20,000 customer item codes, stock for every item and 10,000 unit rates. `version` changes
    the prices, so two versions are two catalogs of the same size."""
    rng = random.Random(5 + version)
    folder.mkdir(parents=True, exist_ok=True)
    items = [material(i, random.Random(i)) for i in range(n_materials)]
    customers = [f"C{i:04d}" for i in range(300)]
    _csv(folder / "materials.csv", ["FNumber", "FName", "FSpecification", "FBaseUnitId", "FBarCode", "FPackQty",
                                    "FMinQty", "FLeadDays", "FForbidStatus"],
         ([m.number, m.name, m.specification, m.base_unit, m.barcode, m.pack_qty, m.min_qty, m.lead_days,
           "A" if i % 50 else "B"] for i, m in enumerate(items)))
    _csv(folder / "customers.csv", ["FNumber", "FName", "FShortName", "FEmail", "FEdiId", "FCurrency"],
         ([c, f"客户{i}包装有限公司", f"客户{i}", f"@c{i}.example.com", f"EDI{i:06d}", "CNY"]
          for i, c in enumerate(customers)))
    _csv(folder / "prices.csv", ["FCustId", "FMaterialId", "FPrice", "FFromQty", "FToQty", "FEffectiveDate",
                                 "FExpiryDate", "FCurrency"],
         (_price_row(items[j % n_materials], j // n_materials, customers, rng) for j in range(n_prices)))
    _csv(folder / "customer_items.csv", ["FCustId", "FCustMatNo", "FCustMatName", "FMaterialId"],
         ([rng.choice(customers), f"X-{j:06d}", f"{m.name} {m.specification.split()[0]}", m.number]
          for j, m in enumerate(rng.choice(items) for _ in range(20_000))))
    _csv(folder / "stock.csv", ["FMaterialId", "FQty"], ([m.number, rng.randint(0, 100_000)] for m in items))
    _csv(folder / "units.csv", ["FMaterialId", "FFromUnit", "FToUnit", "FRate"],
         [["", "BOX", "PCS", 24]] + [[m.number, "CTN", "PCS", rng.choice([10, 20, 50, 100])] for m in items[:10_000]])
    return folder


def _price_row(m: Material, band: int, customers: list[str], rng: random.Random) -> list:
    if band == 0:
        return ["", m.number, f"{rng.randint(1, 5000) / 100:.2f}", 0, 0, "2026-01-01", "", "CNY"]
    if band == 1:
        return ["", m.number, f"{rng.randint(1, 5000) / 100:.2f}", 1000, 0, "2026-01-01", "2026-12-31", "CNY"]
    return [rng.choice(customers), m.number, f"{rng.randint(1, 5000) / 100:.3f}", 0, "", "2026-03-01", "", "CNY"]


def _csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
