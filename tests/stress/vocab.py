"""The words and written forms the stress documents draw from: labels, units, dates, numbers.

Each language has several spellings for every label, so a document's wording is a random
choice, not a layout a reader could learn. Only forms that real customers write are listed.
"""
from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

LANGS = ("zh-Hans", "zh-Hant", "en", "de", "es", "fr")

# Order titles per language.
TITLES = {
    "zh-Hans": ("采购订单", "订购单", "采购单", "订货单"),
    "zh-Hant": ("採購訂單", "訂購單", "採購單"),
    "en": ("PURCHASE ORDER", "Purchase Order", "ORDER"),
    "de": ("BESTELLUNG", "Bestellung", "Auftrag"),
    "es": ("PEDIDO", "ORDEN DE COMPRA", "Pedido de compra"),
    "fr": ("BON DE COMMANDE", "Commande", "Bon de commande"),
}

# Header field labels: po, order date, delivery date, currency, buyer company, contact person, ship-to.
FIELD_LABELS = {
    "zh-Hans": {"po": ("订单编号", "订单号", "采购单号", "PO号", "合同号"),
                "order_date": ("订单日期", "下单日期", "日期", "采购日期"),
                "delivery_date": ("交货日期", "交期", "要求交货日期", "到货日期"),
                "currency": ("币别", "币种", "结算币种"),
                "buyer": ("采购方", "客户", "需方", "订购单位"), "contact": ("联系人", "采购员", "经办人"),
                "ship_to": ("收货地址", "送货地址", "交货地点")},
    "zh-Hant": {"po": ("訂單編號", "訂單號", "採購單號"),
                "order_date": ("訂單日期", "下單日期", "日期"),
                "delivery_date": ("交貨日期", "交期", "到貨日期"),
                "currency": ("幣別", "幣種"),
                "buyer": ("採購方", "客戶", "訂購單位"), "contact": ("聯絡人", "採購員"),
                "ship_to": ("收貨地址", "送貨地址")},
    "en": {"po": ("PO No.", "PO Number", "P.O. Number", "Purchase Order No.", "Order No."),
           "order_date": ("Order Date", "PO Date", "Date"),
           "delivery_date": ("Delivery Date", "Required Date", "Ship Date", "Requested Delivery"),
           "currency": ("Currency", "Curr."),
           "buyer": ("Bill To", "Customer", "Sold To"), "contact": ("Buyer", "Contact", "Attn"),
           "ship_to": ("Ship To", "Deliver To", "Delivery Address")},
    "de": {"po": ("Bestellnummer", "Bestell-Nr.", "Auftragsnummer"),
           "order_date": ("Bestelldatum", "Datum"),
           "delivery_date": ("Liefertermin", "Lieferdatum", "Wunschtermin"),
           "currency": ("Währung",),
           "buyer": ("Besteller", "Kunde", "Auftraggeber"), "contact": ("Ansprechpartner", "Einkäufer"),
           "ship_to": ("Lieferadresse", "Lieferanschrift")},
    "es": {"po": ("Nº de pedido", "Número de pedido", "Pedido nº"),
           "order_date": ("Fecha de pedido", "Fecha"),
           "delivery_date": ("Fecha de entrega", "Entrega"),
           "currency": ("Moneda", "Divisa"),
           "buyer": ("Cliente", "Empresa"), "contact": ("Contacto", "Comprador"),
           "ship_to": ("Dirección de entrega", "Entregar en")},
    "fr": {"po": ("N° de commande", "Numéro de commande", "Commande n°"),
           "order_date": ("Date de commande", "Date"),
           "delivery_date": ("Date de livraison", "Livraison souhaitée"),
           "currency": ("Devise", "Monnaie"),
           "buyer": ("Client", "Société"), "contact": ("Contact", "Acheteur"),
           "ship_to": ("Adresse de livraison", "Livrer à")},
}

# Table column headings: row number, our code, customer's code, name, spec, qty, unit, price, amount.
COLUMN_LABELS = {
    "zh-Hans": {"no": ("序号", "行号", "项次"), "sku": ("物料编码", "物料编号", "产品编号", "料号"),
                "cust": ("客户料号", "我司编码", "客户物料编码"), "name": ("品名", "物料名称", "产品名称", "名称"),
                "spec": ("规格", "规格型号", "型号"), "qty": ("数量", "订购数量", "采购数量"),
                "unit": ("单位",), "price": ("单价", "含税单价", "单价(元)"), "amount": ("金额", "小计", "总价")},
    "zh-Hant": {"no": ("序號", "項次"), "sku": ("物料編碼", "料號", "產品編號"),
                "cust": ("客戶料號", "本司料號"), "name": ("品名", "物料名稱", "產品名稱"),
                "spec": ("規格", "規格型號"), "qty": ("數量", "訂購數量"),
                "unit": ("單位",), "price": ("單價", "含稅單價"), "amount": ("金額", "小計")},
    "en": {"no": ("No.", "Line", "Item", "#"), "sku": ("Item Code", "Part No.", "Vendor Part #", "Supplier Code"),
           "cust": ("Our Part No.", "Customer Part #", "Buyer Item #"), "name": ("Description", "Item Description", "Product"),
           "spec": ("Specification", "Spec", "Size"), "qty": ("Quantity", "Qty", "Order Qty"),
           "unit": ("Unit", "UoM", "UM"), "price": ("Unit Price", "Price", "Unit Cost"),
           "amount": ("Amount", "Extended", "Total", "Line Total")},
    "de": {"no": ("Pos.", "Position", "Nr."), "sku": ("Artikelnummer", "Art.-Nr.", "Lieferanten-Art.-Nr."),
           "cust": ("Unsere Art.-Nr.", "Kunden-Art.-Nr."), "name": ("Bezeichnung", "Artikelbezeichnung", "Beschreibung"),
           "spec": ("Spezifikation", "Abmessung"), "qty": ("Menge", "Bestellmenge", "Anzahl"),
           "unit": ("Einheit", "ME"), "price": ("Einzelpreis", "Preis", "E-Preis"),
           "amount": ("Gesamtpreis", "Betrag", "Summe")},
    "es": {"no": ("Pos.", "Línea", "Nº"), "sku": ("Código", "Ref. proveedor", "Código artículo"),
           "cust": ("Nuestra ref.", "Ref. cliente"), "name": ("Descripción", "Artículo"),
           "spec": ("Especificación", "Medidas"), "qty": ("Cantidad", "Cant."),
           "unit": ("Unidad", "Ud."), "price": ("Precio unitario", "Precio", "P. unit."),
           "amount": ("Importe", "Total")},
    "fr": {"no": ("Pos.", "Ligne", "N°"), "sku": ("Référence", "Réf. fournisseur", "Code article"),
           "cust": ("Notre réf.", "Réf. client"), "name": ("Désignation", "Description", "Article"),
           "spec": ("Spécification", "Dimensions"), "qty": ("Quantité", "Qté"),
           "unit": ("Unité", "U."), "price": ("Prix unitaire", "P.U.", "Prix"),
           "amount": ("Montant", "Total TTC", "Total")},
}

TOTAL_LABELS = {"zh-Hans": ("合计", "总计", "合计金额"), "zh-Hant": ("合計", "總計"),
                "en": ("TOTAL", "Total", "Order Total"), "de": ("Gesamtsumme", "Summe", "Gesamt"),
                "es": ("Total", "TOTAL"), "fr": ("Total", "TOTAL", "Montant total")}

PAGE_FORMS = {"zh-Hans": "第 {p} 页 共 {n} 页", "zh-Hant": "第 {p} 頁 共 {n} 頁", "en": "Page {p} of {n}",
              "de": "Seite {p} von {n}", "es": "Página {p} de {n}", "fr": "Page {p} / {n}"}

# Unit words per catalog unit code, per script family ("zh" or latin).
UNIT_WORDS = {
    "PCS": {"zh-Hans": ("个", "件", "只", "PCS"), "zh-Hant": ("個", "件", "隻"), "latin": ("pcs", "PCS", "EA", "pc")},
    "BOX": {"zh-Hans": ("箱",), "zh-Hant": ("箱",), "latin": ("BOX", "box", "CTN")},
    "ROLL": {"zh-Hans": ("卷",), "zh-Hant": ("捲", "卷"), "latin": ("roll", "ROLL", "RL")},
    "M": {"zh-Hans": ("米", "M"), "zh-Hant": ("米",), "latin": ("m", "M", "MTR")},
    "KG": {"zh-Hans": ("公斤", "千克", "kg"), "zh-Hant": ("公斤",), "latin": ("kg", "KG")},
    "PACK": {"zh-Hans": ("包",), "zh-Hant": ("包",), "latin": ("PK", "pack", "PACK")},
    "PR": {"zh-Hans": ("双",), "zh-Hant": ("雙",), "latin": ("PR", "pair", "pairs")},
    "SET": {"zh-Hans": ("套",), "zh-Hant": ("套",), "latin": ("SET", "set")},
}

CURRENCY_WORDS = {"CNY": ("CNY", "RMB", "人民币"), "TWD": ("TWD", "NTD", "新台幣"), "HKD": ("HKD", "港幣"),
                  "USD": ("USD", "US$"), "EUR": ("EUR", "€"), "GBP": ("GBP", "£")}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def unit_word(code: str, lang: str, rng: random.Random) -> str:
    words = UNIT_WORDS[code]
    return rng.choice(words.get(lang, words["latin"]))


def currency_word(code: str, lang: str, rng: random.Random) -> str:
    words = CURRENCY_WORDS[code]
    if not lang.startswith("zh"):
        words = tuple(w for w in words if w.isascii() or w in "€£") or words
    return rng.choice(words)


def date_forms(lang: str, country: str) -> tuple[str, ...]:
    """The written date forms a customer from `country` writing in `lang` uses.

    A slash form (11/12/2026) is only drawn where the page also prints the customer's address
    (see cells.Words), so the day-month order can be settled from the country.
    """
    forms = ["iso"]
    if lang.startswith("zh"):
        forms += ["cjk", "cjk", "ymd_slash"]
    elif country == "US":
        forms += ["us_slash", "us_slash", "month_name", "dmy_abbr"]
    elif lang == "de":
        forms += ["dotted", "dotted"]
    elif country in ("GB", "DE", "ES", "FR"):
        forms += ["eu_slash", "month_name" if lang == "en" else "dotted", "dmy_abbr" if lang == "en" else "eu_slash"]
    else:
        # English from China, Taiwan or Hong Kong: no slash form, whose day-month order the page could not settle.
        forms += ["month_name", "dmy_abbr"]
    return tuple(forms)


def write_date(d: date, form: str) -> str:
    """`d` in one written form: iso 2026-11-09, cjk 2026年11月9日, dotted 09.11.2026, ..."""
    return {
        "iso": d.isoformat(),
        "cjk": f"{d.year}年{d.month}月{d.day}日",
        "ymd_slash": f"{d.year}/{d.month:02d}/{d.day:02d}",
        "dotted": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "us_slash": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "eu_slash": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "month_name": f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
        "dmy_abbr": f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year % 100:02d}",
    }[form]


def number_forms(lang: str) -> tuple[str, ...]:
    """Decimal styles: "dot" 1,234.50, "comma" 1.234,50, "space" 1 234,50 (French)."""
    if lang in ("de", "es"):
        return ("comma", "comma", "dot")
    if lang == "fr":
        return ("space", "comma", "dot")
    return ("dot",)


def write_number(value: Decimal, places: int, form: str, grouping: bool) -> str:
    """`value` rounded to `places` decimals, written with the decimal mark and grouping of `form`."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places else value.quantize(Decimal(1))
    whole, _, frac = f"{q:f}".partition(".")
    if grouping and len(whole) > 3:
        sep = {"dot": ",", "comma": ".", "space": " "}[form]
        head = len(whole) % 3 or 3
        whole = whole[:head] + "".join(sep + whole[i:i + 3] for i in range(head, len(whole), 3))
    if not frac:
        return whole
    return whole + ("." if form == "dot" else ",") + frac


def places_of(value: Decimal, minimum: int = 0) -> int:
    """How many decimals `value` needs to be written exactly (at least `minimum`)."""
    exponent = value.normalize().as_tuple().exponent
    return max(minimum, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
