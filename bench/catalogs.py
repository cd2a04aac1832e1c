"""Generated catalogs and orders for benchmarks: deterministic, any size."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

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
