"""A random catalog for the stress corpus, written as a CONTRACT §1 bundle the CLI loads.

Customers come from every language the documents are written in, each with a name, short
name, e-mail domain, address and currency of its country; items have codes, names, specs,
base units, pack sizes and one price per customer in that customer's currency, so a perfect
read of a generated order is `accepted`.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# (country, language, currency, name parts, legal suffixes, street/city lines)
_LOCALES = (
    ("CN", "zh-Hans", "CNY", ("恒达", "盛丰", "华美", "永昌", "鑫源", "金桥", "宏远", "立信", "东方", "天成"),
     ("机械厂", "配件厂", "食品有限公司", "包装制品有限公司", "日化有限公司", "电子科技有限公司"),
     ("江苏省苏州市吴中区木渎镇金枫路{n}号", "上海市嘉定区马陆镇宝安公路{n}号", "浙江省宁波市北仑区新碶街道明州路{n}号",
      "广东省东莞市长安镇振安中路{n}号")),
    ("TW", "zh-Hant", "TWD", ("佳和", "永興", "台豐", "新光", "大成"), ("食品股份有限公司", "實業股份有限公司", "企業有限公司"),
     ("台北市內湖區瑞光路{n}號", "台中市西屯區工業區一路{n}號")),
    ("HK", "zh-Hant", "HKD", ("德利", "恒昌", "利豐", "寶華"), ("貿易有限公司", "實業有限公司"),
     ("香港九龍觀塘開源道{n}號", "香港新界荃灣沙咀道{n}號")),
    ("US", "en", "USD", ("Acme", "Summit", "Lakeside", "Pioneer", "Redwood", "Keystone"),
     ("Supply Inc.", "Packaging LLC", "Foods Corp.", "Industries Inc."),
     ("{n} Main Street, Springfield, IL 62704", "{n} Commerce Drive, Dayton, OH 45402", "{n} Harbor Blvd, Tacoma, WA 98402")),
    ("GB", "en", "GBP", ("Northwind", "Thames", "Pennine", "Albion"), ("Packaging Ltd.", "Foods Ltd.", "Trading Ltd."),
     ("{n} Mill Lane, Leeds LS1 4AB", "{n} Station Road, Reading RG1 1LG")),
    ("DE", "de", "EUR", ("Müller", "Schneider", "Becker", "Hoffmann", "Krüger"), ("Verpackung GmbH", "Lebensmittel GmbH", "Handels GmbH & Co. KG"),
     ("Industriestraße {n}, 70565 Stuttgart", "Hafenweg {n}, 20457 Hamburg")),
    ("ES", "es", "EUR", ("Envases Ibéricos", "Alimentos del Sur", "Plásticos Levante", "Distribuciones Norte"), ("S.L.", "S.A."),
     ("Calle Mayor {n}, 28013 Madrid", "Avinguda Diagonal {n}, 08019 Barcelona")),
    ("FR", "fr", "EUR", ("Emballages Durand", "Laiterie Martin", "Conditionnement Leroy", "Fromagerie Petit"), ("SARL", "SAS", "S.A."),
     ("{n} rue de la République, 69002 Lyon", "{n} avenue Jean Jaurès, 31000 Toulouse")),
)
_SLUG = {"恒达": "hengda", "盛丰": "shengfeng", "华美": "huamei", "永昌": "yongchang", "鑫源": "xinyuan", "金桥": "jinqiao",
         "宏远": "hongyuan", "立信": "lixin", "东方": "dongfang", "天成": "tiancheng", "佳和": "chiaho", "永興": "yunghsing",
         "台豐": "taifeng", "新光": "shinkong", "大成": "tachen", "德利": "takli", "恒昌": "hangcheong", "利豐": "lifung",
         "寶華": "powah"}

# (Chinese name, English name, base unit, spec formats, price range)
_ITEMS = (
    ("瓦楞纸箱", "Corrugated carton", "PCS", (("{a}×{b}×{c}mm 3层B楞", "{a}x{b}x{c}mm 3-ply B flute"),
                                          ("{a}×{b}×{c}mm 5层BC楞", "{a}x{b}x{c}mm 5-ply BC flute")), (1, 12)),
    ("彩盒", "Printed box", "PCS", (("{a}×{b}×{c}mm 白卡", "{a}x{b}x{c}mm white card"),), (0.3, 4)),
    ("封箱胶带", "Sealing tape", "ROLL", (("{a}mm×{c}m 透明", "{a}mm x {c}m clear"), ("{a}mm×{c}m 米黄", "{a}mm x {c}m beige")), (2, 9)),
    ("不干胶标签", "Adhesive label", "ROLL", (("{a}×{b}mm 铜版纸", "{a}x{b}mm coated paper"), ("{a}×{b}mm 热敏", "{a}x{b}mm thermal")), (8, 60)),
    ("缠绕膜", "Stretch film", "KG", (("{a}mm×{c}μm", "{a}mm x {c}um"),), (9, 18)),
    ("PET瓶", "PET bottle", "PCS", (("{c}ml 透明 28mm", "{c}ml clear 28mm"), ("{c}ml 茶色 38mm", "{c}ml amber 38mm")), (0.2, 1.5)),
    ("瓶盖", "Bottle cap", "PCS", (("{a}mm 蓝色", "{a}mm blue"), ("{a}mm 白色", "{a}mm white")), (0.02, 0.2)),
    ("自封袋", "PE zip bag", "PACK", (("{a}×{b}cm 100只/包", "{a}x{b}cm 100/pack"),), (3, 20)),
    ("劳保手套", "Work gloves", "PR", (("{a}cm 丁腈涂层", "{a}cm nitrile coated"),), (1.5, 9)),
    ("六角螺栓", "Hex bolt", "BOX", (("M{d}×{c} 镀锌 100只/箱", "M{d}x{c} zinc 100/box"),), (12, 80)),
    ("深沟球轴承", "Deep groove bearing", "SET", (("62{d:02d}-2RS", "62{d:02d}-2RS"),), (6, 45)),
    ("PE软管", "PE hose", "M", (("Φ{d}mm 壁厚2mm", "OD {d}mm wall 2mm"),), (0.8, 6)),
    ("打包带", "Strapping band", "KG", (("{a}mm PP 白色", "{a}mm PP white"),), (7, 14)),
    ("气泡膜", "Bubble wrap", "M", (("{a}cm 双层", "{a}cm double layer"),), (0.5, 3)),
)


@dataclass(frozen=True)
class StressCustomer:
    code: str
    name: str
    short: str
    country: str
    lang: str
    currency: str
    domain: str
    address: str
    phone: str


@dataclass(frozen=True)
class StressItem:
    code: str
    name_zh: str
    name_en: str
    spec: str
    spec_en: str
    unit: str
    pack: int
    lead_days: int


@dataclass(frozen=True)
class StressCatalog:
    customers: tuple[StressCustomer, ...]
    items: tuple[StressItem, ...]
    prices: dict[tuple[str, str], Decimal]           # (customer code, item code) -> price
    customer_codes: dict[tuple[str, str], str]       # (customer code, item code) -> customer's own code


def draw_catalog(rng: random.Random, n_items: int = 60) -> StressCatalog:
    """Customers of every locale (two or three each) and `n_items` items priced for each customer."""
    customers = tuple(_customers(rng))
    items = tuple(_item(i, rng) for i in range(n_items))
    prices, own = {}, {}
    for cust in customers:
        rate = {"CNY": 1, "TWD": 4.5, "HKD": 1.1, "USD": 0.14, "GBP": 0.11, "EUR": 0.13}[cust.currency]
        prefix = rng.choice(("", "A", "K", "P")) + "".join(rng.choice("ABCDEFGHJKMNPRSTW") for _ in range(2))
        for n, item in enumerate(items):
            lo, hi = _price_range(item)
            price = Decimal(str(rng.uniform(lo, hi) * rate))
            prices[cust.code, item.code] = price.quantize(Decimal("0.01") if price >= 1 else Decimal("0.0001"))
            if rng.random() < 0.6:
                own[cust.code, item.code] = f"{prefix}-{rng.randint(100, 999)}{n:02d}"
    return StressCatalog(customers, items, prices, own)


def _customers(rng: random.Random):
    n = 0
    for country, lang, currency, cores, suffixes, streets in _LOCALES:
        for core in rng.sample(cores, min(len(cores), 3 if lang in ("zh-Hans", "en") else 2)):
            n += 1
            suffix = rng.choice(suffixes)
            name = f"{core}{suffix}" if lang.startswith("zh") else f"{core} {suffix}"
            slug = _SLUG.get(core) or core.split()[0].lower().translate(str.maketrans("üéáíóú", "ueaiou"))
            tld = {"CN": "cn", "TW": "tw", "HK": "hk", "US": "com", "GB": "co.uk", "DE": "de", "ES": "es", "FR": "fr"}[country]
            domain = f"{slug}{n}.example.{tld}"
            address = rng.choice(streets).format(n=rng.randint(2, 998))
            phone = f"+{rng.randint(1, 99)} {rng.randint(10, 999)} {rng.randint(1000000, 9999999)}"
            yield StressCustomer(f"S{n:03d}", name, core, country, lang, currency, domain, address, phone)


def _item(i: int, rng: random.Random) -> StressItem:
    name_zh, name_en, unit, specs, _ = _ITEMS[i % len(_ITEMS)]
    # `a` grows with each repeat of a kind, so no two items share a name and spec.
    sizes = {"a": 40 + 10 * (i // len(_ITEMS)), "b": 30 + 5 * (i % 7), "c": rng.randint(10, 99) * 10, "d": 4 + i % 20}
    zh, en = rng.choice(specs)
    pack = rng.choice((1, 10, 50, 100)) if unit == "PCS" else 1
    code = f"{1 + i // 40}.{(i // 10) % 4 + 1:02d}.{1000 + i:04d}"
    return StressItem(code, name_zh, name_en, zh.format(**sizes), en.format(**sizes), unit, pack, rng.randint(0, 7))


def _price_range(item: StressItem) -> tuple[float, float]:
    return next(r for zh, _, _, _, r in _ITEMS if zh == item.name_zh)


def write_bundle(cat: StressCatalog, folder: Path) -> Path:
    """Write the catalog as CONTRACT §1 csv files (K3 field keys) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    _csv(folder / "materials.csv", ["FNumber", "FName", "FSpecification", "FBaseUnitId", "FPackQty", "FMinQty",
                                    "FLeadDays", "FForbidStatus"],
         [[i.code, i.name_zh, i.spec, i.unit, i.pack, 0, i.lead_days, "A"] for i in cat.items])
    _csv(folder / "customers.csv", ["FNumber", "FName", "FShortName", "FEmail", "FCurrency", "FAddress"],
         [[c.code, c.name, c.short, f"@{c.domain}", c.currency, c.address] for c in cat.customers])
    _csv(folder / "prices.csv", ["FCustId", "FMaterialId", "FPrice", "FEffectiveDate", "FCurrency"],
         [[cust, item, f"{price:f}", "2026-01-01", _currency(cat, cust)] for (cust, item), price in cat.prices.items()])
    _csv(folder / "customer_items.csv", ["FCustId", "FCustMatNo", "FMaterialId"],
         [[cust, own, item] for (cust, item), own in cat.customer_codes.items()])
    _csv(folder / "stock.csv", ["FMaterialId", "FQty"], [[i.code, 10_000_000] for i in cat.items])
    return folder


def _currency(cat: StressCatalog, code: str) -> str:
    return next(c.currency for c in cat.customers if c.code == code)


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
