"""The words orders use for their fields: labels -> field names.

Header labels are listed in simplified and traditional Chinese (folded to simplified), English,
German, Spanish and French. Tables (column headers), forms (a label cell and its value beside or
below it) and free text ("订单号：SF1120", "Bestelldatum 12.11.2026") share this vocabulary, so a
label taught once is understood everywhere.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parsers.vocab.numbers import nfkc
# One vocabulary of units and currencies; readers call them through F.
from parsers.vocab.currencies import currency_code, heading_currency, money_currency  # noqa: F401
from parsers.vocab.units import is_unit  # noqa: F401
from parsers.vocab.tax import heading_tax_included, says_tax_included  # noqa: F401

# Line fields: a table column or a labelled part of a text line.
CUSTOMER_SKU = "customer_sku"
OUR_SKU = "our_sku"
CODE = "code"
BARCODE = "barcode"
NAME = "name"
SPEC = "spec"
DESCRIPTION = "description"
QUANTITY = "quantity"
UNIT = "unit"
UNIT_PRICE = "unit_price"
AMOUNT = "amount"
LINE_NO = "line_no"
LINE_DELIVERY = "line_delivery"
# Header fields: printed once above the lines, or repeated on every row of an ERP export.
PO_NUMBER = "po_number"
ORDER_DATE = "order_date"
DELIVERY_DATE = "delivery_date"
CURRENCY = "currency"
SHIP_TO = "ship_to"
CUSTOMER = "customer"
TOTAL = "total"
ADDRESS_PART = "address_part"

ITEM_FIELDS = frozenset({CUSTOMER_SKU, OUR_SKU, CODE, BARCODE, NAME, SPEC, DESCRIPTION})
HEADER_FIELDS = frozenset({PO_NUMBER, ORDER_DATE, DELIVERY_DATE, CURRENCY, SHIP_TO, CUSTOMER, TOTAL})

# Exact labels, compared after `label_key` (NFKC, case folded, no spaces or punctuation).
_LABELS: dict[str, tuple[str, ...]] = {
    CUSTOMER_SKU: ("客户物料编码", "客户物料编号", "客户料号", "客户编码料号", "客户物料代码", "客户货号",
                   "客户产品编码", "customerpartno", "customerpartnumber", "customeritemno",
                   "customeritemcode", "customeritem", "buyeritem", "buyeritemno", "buyerpartno",
                   "buyerpartnumber", "customersku", "custpartno", "ourcode", "ourpartno", "ouritemno", "ouritemcode",
                   "我司编码", "我司物料编码", "我司料号", "本公司编码",
                   "kundenartikelnr", "kundenartnr", "kundenmaterialnr", "unsereartnr", "unsereartikelnr",
                   "referenciacliente", "nuestrareferencia", "nuestraref", "refcliente", "referenceclient", "refclient",
                   "notrereference", "notreref"),
    OUR_SKU: ("贵司编码", "贵司物料编码", "供应商物料编码", "供应商料号",
              "供应商编码", "禾盛编码", "supplierpartno", "supplierpartnumber",
              "supplieritemno", "suppliercode", "vendorpartno", "vendorpartnumber", "vendoritemno",
              "vendorcode", "yourcode", "yourpartno", "youritemno",
              "ihreartnr", "ihreartikelnr", "lieferantenartnr", "lieferantenartikelnr", "sureferencia",
              "referenciaproveedor", "refproveedor", "suref", "votrereference", "votreref", "referencefournisseur",
              "reffournisseur"),
    CODE: ("物料编码", "物料编号", "物料代码", "料号", "编码", "编号", "货号", "产品编码", "产品编号",
           "商品编码", "商品编号", "存货编码", "品号", "itemno", "itemnumber", "itemcode", "code",
           "partno", "partnumber", "part", "pn", "sku", "productcode", "articleno", "article",
           "materialno", "material", "productno", "productid", "itemid",
           "style", "styleno", "stylenumber", "stylecode", "optionno", "skuno", "skunumber",
           "artnr", "artikelnr", "artikelnummer", "materialnr", "materialnummer", "sachnummer", "teilenr",
           "referencia", "ref", "codigo", "codigoarticulo", "reference", "codearticle", "refarticle"),
    BARCODE: ("条码", "条形码", "商品条码", "国际条码", "ean", "ean13", "gtin", "upc", "upcnumber",
              "barcode", "eancode"),
    NAME: ("品名", "物料名称", "名称", "商品名称", "产品名称", "货品名称", "存货名称", "物品名称",
           "name", "itemname", "productname",
           "bezeichnung", "artikelbezeichnung", "artikelname", "nombre", "designation", "libelle"),
    SPEC: ("规格", "规格型号", "型号", "spec", "specification", "size",
           "spezifikation", "abmessung", "especificacion", "medidas", "dimensions", "caracteristiques"),
    DESCRIPTION: ("品名规格", "名称规格", "物料描述", "描述", "产品描述", "商品描述", "物料名称规格",
                  "description", "itemdescription", "productdescription", "desc", "item",
                  "product", "goods", "article description", "details", "itemdetails", "descr",
                  "beschreibung", "artikelbeschreibung", "artikel", "descripcion", "articulo", "producto",
                  "descriptif", "produit", "descriptiondelarticle"),
    QUANTITY: ("数量", "订购数量", "采购数量", "订货数量", "订单数量", "需求数量", "qty", "quantity",
               "orderqty", "orderedqty", "orderquantity", "qtyordered", "quantityordered",
                 "menge", "anzahl", "bestellmenge", "stuckzahl", "cantidad", "cant", "cantidadpedida",
                 "quantite", "qte", "quantitecommandee"),
    UNIT: ("单位", "计量单位", "unit", "uom", "units", "unitofmeasure", "um",
             "einheit", "me", "mengeneinheit", "unidad", "ud", "unidaddemedida", "unite", "u", "unitedemesure"),
    UNIT_PRICE: ("单价", "含税单价", "不含税单价", "采购单价", "价格", "unitprice", "price",
                 "unitcost", "priceperunit", "netprice", "rate", "cost", "costprice", "unitcostprice",
                 "einzelpreis", "preis", "stuckpreis", "ep", "epreis", "punit", "nettopreis", "precio", "preciounitario",
                 "preciounit", "prixunitaire", "pu", "prix", "prixunitaireht", "prixht"),
    AMOUNT: ("金额", "小计", "含税金额", "价税合计", "总价", "行金额", "amount", "linetotal",
             "extendedprice", "extprice", "extended", "total", "summe", "lineamount", "value", "netamount", "subtotal", "extendedcost", "extcost", "totalcost",
             "betrag", "gesamtpreis", "gesamt", "positionswert", "importe", "importetotal", "montant",
             "montantht", "totalht", "totalligne", "montantttc", "totalttc"),
    LINE_NO: ("序号", "行号", "项次", "项号", "no", "line", "lineno", "linenumber", "#", "pos",
              "position", "itemline",
              "posnr", "nr", "lfdnr", "linea", "lin", "ligne", "n", "no.", "numero"),
    LINE_DELIVERY: ("交货日期", "交期", "送货日期", "到货日期", "要求到货日期", "要求交货日期",
                    "需求日期", "deliverydate", "requireddelivery", "requesteddelivery", "requireddate", "duedate",
                    "shipdate", "needbydate", "requesteddeliverydate", "requireddeliverydate",
                    # de, es, fr
                    "liefertermin", "lieferdatum", "wunschtermin", "gewunschterliefertermin", "lieferungbis",
                    "fechadeentrega", "fechaentrega", "plazodeentrega", "entregaantesde", "entrega",
                    "datedelivraison", "datelivraison", "delaidelivraison", "livraisonsouhaitee", "livraisonle"),
    PO_NUMBER: ("订单号", "订单编号", "采购单号", "采购订单号", "采购单编号", "采购订单编号", "订单号码",
                "po号", "pono", "ponumber", "po", "po#", "purchaseorderno", "合同号", "合同编号", "采购合同号",
                "purchaseordernumber", "orderno", "ordernumber", "ordernr", "order#", "poref", "purchaseorder#", "documentnumber", "documentno",
                "客户订单号", "yourorderno", "customerpo", "customerponumber", "customerorderno",
                # de, es, fr
                "bestellnummer", "bestellnr", "bestellungnr", "bestellungsnummer", "auftragsnummer", "auftragsnr",
                "numerodepedido", "nodepedido", "ndepedido", "pedidono", "pedidon", "numeropedido",
                "ordendecompra", "ordendecompran", "ordendecompranro", "nordendecompra", "numerodeorden",
                "numerodecommande", "ndecommande", "nodecommande", "commanden", "commandeno",
                "bondecommanden", "bondecommandeno", "numerocommande", "referencecommande"),
    ORDER_DATE: ("订单日期", "下单日期", "采购日期", "日期", "制单日期", "date", "orderdate",
                 "podate", "purchaseorderdate", "dateoforder", "issuedate", "documentdate", "dateplaced", "dated", "datedas", "orderplaced",
                 "bestelldatum", "datum", "auftragsdatum", "belegdatum", "bestellungvom",
                 "fechadepedido", "fecha", "fechapedido", "fechadeorden", "fechadeemision",
                 "datedecommande", "datecommande", "datedemission", "commandedu"),
    CURRENCY: ("币别", "币种", "货币", "结算币别", "结算币种", "currency", "curr", "currencycode", "ccy",
"wahrung", "moneda", "divisa", "devise", "monnaie"),
    SHIP_TO: ("收货地址", "送货地址", "交货地址", "到货地址", "收货地点", "送货地点", "交货地点",
              "shipto", "deliverto", "deliveryaddress", "shiptoaddress", "shippingaddress",
              "consignee address", "delivery address",
              "收货人地址", "交货地址",
              "lieferadresse", "lieferanschrift", "versandadresse", "warenempfanger", "lieferort", "anlieferadresse",
              "direcciondeentrega", "direcciondeenvio", "entregaren", "lugardeentrega", "enviara",
              "adressedelivraison", "livrera", "lieudelivraison", "adressedexpedition"),
    CUSTOMER: ("客户", "客户名称", "采购方", "买方", "订货单位", "购货单位", "需方", "采购单位",
               "buyer", "customer", "customername", "billto", "soldto", "purchaser", "company",
               "购买方", "购方", "甲方", "客户单位", "订购单位", "订购方",
               "kaufer", "besteller", "auftraggeber", "kunde", "rechnungsempfanger",
               "comprador", "cliente", "facturara", "acheteur", "client", "facturera", "donneurdordre",
               "societe", "raisonsociale", "firma", "empresa"),
    TOTAL: ("合计", "总计", "总金额", "合计金额", "订单总额", "订单金额", "金额合计", "价税合计总额",
            "grandtotal", "totalamount", "ordertotal", "total", "totalvalue", "sum",
            "gesamtbetrag", "gesamtsumme", "gesamt", "summe", "endbetrag", "nettobetrag", "importetotal", "totalpedido",
            "montanttotal", "totalttc", "totalcommande", "totalgeneral"),
    ADDRESS_PART: ("address", "city", "state", "postalcode", "zip", "zipcode", "postcode",
                   "country", "street"),
}

# In a table header the same word can name a column or a header field; tables read columns.
_COLUMN_ORDER = (CUSTOMER_SKU, OUR_SKU, BARCODE, DESCRIPTION, NAME, SPEC, CODE, QUANTITY, UNIT,
                 UNIT_PRICE, AMOUNT, LINE_NO, LINE_DELIVERY, PO_NUMBER, ORDER_DATE, CURRENCY,
                 SHIP_TO, CUSTOMER, ADDRESS_PART)
_LABEL_ORDER = (PO_NUMBER, ORDER_DATE, LINE_DELIVERY, CURRENCY, SHIP_TO, CUSTOMER, TOTAL)

_COLUMN_INDEX = {}
for _field in reversed(_COLUMN_ORDER):
    for _label in _LABELS[_field]:
        _COLUMN_INDEX[_label.replace(" ", "")] = _field
# Row-number headings, longest first: the prefix a heading read glued to the next one starts with.
_ROW_NUMBER_KEYS = tuple(sorted((k for k, f in _COLUMN_INDEX.items() if f == LINE_NO and k != "n"), key=len, reverse=True))
_HEADER_INDEX = {}
for _field in reversed(_LABEL_ORDER):
    for _label in _LABELS[_field]:
        _HEADER_INDEX[_label.replace(" ", "")] = DELIVERY_DATE if _field == LINE_DELIVERY else _field
_HEADER_INDEX.update({"要求交期": DELIVERY_DATE, "交货时间": DELIVERY_DATE, "到货时间": DELIVERY_DATE,
                      "requireddeliverydate": DELIVERY_DATE, "deliverby": DELIVERY_DATE,
                      "收货人地址": SHIP_TO, "供货日期": DELIVERY_DATE})

# Every header label of four or more characters with one character blurred ("采?单号"), for OCR
# reads; a blur two fields share maps to "" and settles nothing.
_HEADER_BLURS: dict[str, str] = {}
for _key, _field in _HEADER_INDEX.items():
    for _i in range(len(_key) if len(_key) >= 4 else 0):
        _blur = _key[:_i] + "?" + _key[_i + 1:]
        _HEADER_BLURS[_blur] = _field if _HEADER_BLURS.get(_blur, _field) == _field else ""

# Column headers seen in the wild that the exact lists miss: (pattern on the key, field).
_COLUMN_PATTERNS: tuple[tuple[str, str | None], ...] = (
    (r"^(客户|我司|本公司).*(编码|编号|料号|代码|货号)$|^(customer|buyer|our).*(part|item|code|no|sku)", CUSTOMER_SKU),
    (r"^(贵司|供应商|供方).*(编码|编号|料号|代码)$|^(supplier|vendor|your).*(part|item|code|no)", OUR_SKU),
    (r"条码|barcode|^(ean|gtin|upc)", BARCODE),
    (r"(数量|qty|quantity)", QUANTITY),
    (r"单价|unitprice|price", UNIT_PRICE),
    (r"金额|amount|linetotal", AMOUNT),
    (r"^(供应商|供方|卖方|supplier|vendor|seller)", None),
    (r"(交货|到货|送货|需求|要求).*(日期|时间)|交期|deliverydate|duedate", LINE_DELIVERY),
    (r"(物料|产品|商品|存货)?(名称|描述)|description", DESCRIPTION),
    (r"规格|型号", SPEC),
    (r"(编码|编号|料号|代码)$|(item|part|article|material)(no|number|code)", CODE),
)

_TOTAL_WORDS = re.compile(r"^(合计|总计|小计|总金额|合计金额|金额合计|订单总额|grandtotal|total|subtotal|sum|totalamount|ordertotal|"
                          r"gesamtbetrag|gesamtsumme|gesamt(?!preis)|summe|zwischensumme|endbetrag|importetotal|montanttotal)")
_CHANGE_WORDS = re.compile(r"(?i)订单变更|变更单|变更订单|更改单|change\s*order|revised\s*(po|purchase\s*order|order)|po\s*change|amended\s*(po|order)")


# Traditional characters of order-form labels folded to the simplified ones the vocabulary uses,
# so 訂單號, 數量, 單價, 交貨日期, 合計 from Taiwan and Hong Kong are read like 订单号 ... 合计.
_TRADITIONAL = str.maketrans(
    "訂單號貨數價額規幣別計總採購編碼項稱戶稅種達須統約長個張隻捲條頁庫區業務聯繫話電傳備註說廣東運輸遞幣於稱買賣點圖們處號幫戶發寫單產貴",
    "订单号货数价额规币别计总采购编码项称户税种达须统约长个张只卷条页库区业务联系话电传备注说广东运输递币于称买卖点图们处号帮户发写单产贵")


def _plain_latin(text: str) -> str:
    """Accents off Latin letters ("Währung" -> "Wahrung", "Número" -> "Numero"); OCR and mail
    programs drop them often enough that the vocabulary is written without them."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)  # every cell of every row asks; the vocabulary never changes
def label_key(text: str) -> str:
    """Fold a label for lookup: NFKC, traditional to simplified, case folded, accents, bracketed
    units, punctuation and OCR specks (·订单编号) removed."""
    s = _plain_latin(nfkc(text).translate(_TRADITIONAL)).casefold()
    s = re.sub(r"[(\[（【][^)\]）】]*[)\]）】]", "", s)  # "单价(元)", "Qty (pcs)"
    return re.sub(r"[\s:：_.\-/\\*'\"“”‘’`·•●▪■□◆◇○◎~^|¦,，、。;；°º]+", "", s)


# Whose code a heading names: an owner word before or after a code word ("Nuestra ref.", "Réf.
# client", "本司料號", "our P/N", "Votre réf."). The buyer writes the order, so "our" is the
# customer's code and "your" is ours.
_BUYER_OWNERS = ("our", "nuestra", "nuestro", "notre", "nos", "unsere", "unser", "kunden", "customer", "cust",
                 "buyer", "client", "cliente", "kunde", "客户", "我司", "本司", "本公司", "我方")
_SELLER_OWNERS = ("your", "su", "sus", "votre", "vos", "ihre", "ihr", "supplier", "vendor", "proveedor",
                  "fournisseur", "lieferanten", "lieferant", "贵司", "供应商", "供方", "卖方", "贵方")
_CODE_WORDS = ("ref", "refs", "partno", "itemno", "reference", "referencia", "code", "codigo", "part", "partno", "partnumber", "pn",
               "item", "itemcode", "sku", "artnr", "artikelnr", "art", "materialnr",
               "编码", "编号", "料号", "代码", "货号", "物料编码", "物料编号", "产品编码")


@lru_cache(maxsize=1 << 16)
def _owned_code(key: str) -> str | None:
    """CUSTOMER_SKU or OUR_SKU for an owner word joined to a code word (either order), else None."""
    for owners, field in ((_BUYER_OWNERS, CUSTOMER_SKU), (_SELLER_OWNERS, OUR_SKU)):
        for owner in owners:
            rest = key[len(owner):] if key.startswith(owner) else key[:-len(owner)] if key.endswith(owner) else None
            if rest in _CODE_WORDS:
                return field
    return None


def _numbered(key: str) -> str:
    """"customerpart#" read as "customerpartno": a trailing # says number."""
    return key[:-1] + "no" if len(key) > 2 and key.endswith("#") else key


@lru_cache(maxsize=1 << 16)
def column_field(header: str | None) -> str | None:
    """The line or header field a table column heading names, or None for a column we ignore."""
    if not header:
        return None
    key = _numbered(label_key(header))
    if not key or len(key) > 24:
        return None
    if key in _COLUMN_INDEX:
        return _COLUMN_INDEX[key]
    if _owned_code(key):
        return _owned_code(key)
    if re.search(r"[/&＆+]|\band\b|及|和", header) and names_code_too(header):
        return DESCRIPTION  # "Part/Description": the row reader takes the code printed first
    for pattern, field in _COLUMN_PATTERNS:
        if re.search(pattern, key):
            return field
    return _after_row_number(key)


def _after_row_number(key: str) -> str | None:
    """The field of a heading read glued to the row-number heading before it ("#Item Code", "序号
    物料编码", "No. Description"): the column holds the item's, and the row numbers stand beside
    or before them (the table reader finds them)."""
    for prefix in _ROW_NUMBER_KEYS:
        rest = key[len(prefix):]
        if key.startswith(prefix) and len(rest) >= 2:
            field = _COLUMN_INDEX.get(rest) or _owned_code(rest)
            if field is not None and field != LINE_NO:
                return field
    return None


def header_field(label: str | None) -> str | None:
    """The header field a label outside the table names ("订单号", "PO No.", "Ship to"), or None."""
    if not label:
        return None
    return _HEADER_INDEX.get(label_key(label))


def is_total_label(text: str | None) -> bool:
    """True for a cell or line that starts a totals row (合计, 总计, Total, Subtotal, 小计)."""
    return bool(text) and bool(_TOTAL_WORDS.match(label_key(text)))


def says_change(text: str | None) -> bool:
    """True when a title, label or subject marks the document as a change order."""
    return bool(text) and bool(_CHANGE_WORDS.search(nfkc(text)))


def is_placeholder(text: str | None) -> bool:
    """A code cell holding "-", "/", "—", "N/A" or similar means "no code"."""
    if text is None:
        return True
    s = nfkc(text).casefold()
    return s in ("", "-", "--", "/", "—", "——", "–", "n/a", "na", "none", "nil", "无", "null", "*", ".", "0")


def column_vocabulary() -> dict[str, str]:
    """Every column heading the vocabulary knows, as a `label_key`, with the field it names."""
    return dict(_COLUMN_INDEX)


def is_known_column(header: str | None) -> bool:
    """True when a heading is in the vocabulary word for word, not just matched by a pattern."""
    key = _numbered(label_key(header or ""))
    return bool(key) and (key in _COLUMN_INDEX or _owned_code(key) is not None)


def names_code_too(header: str | None) -> bool:
    """True for one heading over a code and a text: "Part/Description", "Item No. & Description",
    "物料编码/名称"; such a cell starts with the item's code."""
    parts = [p for p in re.split(r"\s*(?:/|&|＆|\+|\band\b|及|和)\s*", nfkc(header or "")) if p]
    fields = {column_field(p) for p in parts}
    return len(parts) > 1 and bool(fields & {CODE, CUSTOMER_SKU, OUR_SKU}) and bool(fields & {DESCRIPTION, NAME})


# --- header labels in forms and text: "label: value", "label value", a bare label ---------------

# Generic labels a specific one overrides: "Date" (a mail header, a print date) gives way to
# "订单日期"/"Order date", "Customer" to "Bill to" and the like.
_WEAK_LABELS = frozenset({"date", "日期", "datum", "fecha", "dated", "customer", "客户", "company", "kunde",
                          "client", "cliente", "buyer"})
_SPECKS = re.compile(r"^[\s·•●▪■□◆◇○◎*~^|¦,，、。;；\-_.'\"`‘’“”]+")
_CJK_HEAD = re.compile(r"^([^\x00-\x7f\d\s:]{2,10})\s*(.*)$")
_COMPANY_END = re.compile(
    r"(?i)(有限公司|有限责任公司|股份公司|公司|集团|工厂|[\u4e00-\u9fff]厂|商行|商店|店|中心|研究所|学校|医院|酒店|餐厅|"
    r"\b(?:ltd|limited|inc|incorporated|corp|corporation|co|company|llc|llp|plc|gmbh|ag|kg|ohg|ug|e\.?k|"
    r"s\.?a|s\.?l|s\.?a\.?s|sarl|s\.?r\.?l|s\.?p\.?a|b\.?v|n\.?v|pte|pty|group|industries|trading|"
    r"manufacturing|enterprises?|holdings?|gruppe|werke?)\b\.?)\s*$")
_ADDRESS_WORD = re.compile(r"(?i)路|街|道|号|區|区|市|省|县|镇|村|楼|室|栋|园|street|st\.|road|rd\.|avenue|ave|blvd|"
                           r"lane|drive|way|suite|floor|str\.|straße|strasse|weg|platz|allee|calle|avenida|"
                           r"carrera|rue|boulevard|chemin|avenue|\d{4,}")


# Document titles: a value after one with a colon is the order number ("Purchase Order: 4500123"),
# but standing alone they name the document, not a field, so they are no labels of their own.
_TITLES = frozenset({"purchaseorder", "order", "采购订单", "订单", "采购单", "订购单", "bestellung", "auftrag",
                     "pedido", "ordendecompra", "commande", "bondecommande"})


def is_weak_label(label: str | None) -> bool:
    """Whether a header label is generic ("Date", "客户") and yields to a specific one."""
    return label_key(label or "") in _WEAK_LABELS


def looks_like_company(text: str | None) -> bool:
    """A company name, not a person: it ends in a company word (有限公司, 机械厂, GmbH, S.A., Ltd)."""
    s = nfkc(text or "").strip(" ,.;:")
    return 2 <= len(s) <= 80 and bool(_COMPANY_END.search(s))


def _plausible(field: str, value: str) -> bool:
    """Whether a value printed after a label without a colon is that field's value, not prose."""
    from parsers.vocab.dates import parse_date  # dates imports numbers, as this module does

    if field in (PO_NUMBER,):
        return bool(re.match(r"[#№]?\s*[A-Za-z0-9][\w\-/.#]*\d", value)) and len(value) <= 40
    if field in (ORDER_DATE, DELIVERY_DATE):
        return parse_date(value, default_year=2000) is not None and len(value) <= 40
    if field == CURRENCY:
        return currency_code(value) is not None and len(value) <= 16
    if field == SHIP_TO:
        return len(value) >= 4 and bool(_ADDRESS_WORD.search(value))
    if field == CUSTOMER:
        return looks_like_company(value)
    if field == TOTAL:
        return bool(re.search(r"\d", value)) and len(value) <= 30
    return False


def _prefix_label(text: str) -> tuple[str, str, str] | None:
    """The longest run of words (or CJK characters) at the start of `text` that is a header label;
    failing that, a label glued to its value as OCR leaves it ("DeliveryDateDec23,2026")."""
    words = text.split()
    for k in range(min(len(words), 6), 0, -1):
        field = header_field(" ".join(words[:k])) or _ocr_label(" ".join(words[:k]))
        if field:
            glued = _glued_label(text)  # "Pedido nº0012/85": the label goes on into the next word
            if (glued and glued[0] == field and len(glued[1]) > len(" ".join(words[:k]))
                    and (glued[2][:1].isdigit() or glued[1][-1] in ".#°º"
                         or glued[1][-1].islower() and glued[2][:1].isupper())):
                return glued  # "P.O. NumberPO-9", "Pedido nº0012/85"; not "Client E" + "mballages Dupont"
            return field, " ".join(words[:k]), " ".join(words[k:])
    head = _CJK_HEAD.match(text)
    if head:
        run = head.group(1)
        for k in range(len(run), 1, -1):
            field = header_field(run[:k]) or _ocr_label(run[:k])
            if field:
                return field, run[:k], (run[k:] + " " + head.group(2)).strip()
    return _glued_label(text)


def _glued_label(text: str) -> tuple[str, str, str] | None:
    """A Latin label with no space before its value: the longest prefix that is a label, when the
    rest starts a value (a digit, or a capital after a lower-case letter: "OrderDate16-Nov-26")."""
    for end in range(min(len(text), 32), 3, -1):
        head, rest = text[:end], text[end:]
        if not rest or not re.match(r"[A-Za-z.#°º]", head[-1]) or head[-1].islower() and rest[0].islower():
            continue
        field = header_field(head)
        if field:
            return field, head, rest.strip()
    return None


# Letter pairs a fax's recogniser reads for one letter ("Datumi" for Datum, "Bestellnurnmer").
_LOOKALIKES = (("mi", "m"), ("rn", "m"), ("ii", "u"), ("vv", "w"), ("cl", "d"))


def _undone(key: str) -> set[str]:
    """The header fields `key` names once one look-alike pair in it is read as its letter."""
    found = set()
    for pair, letter in _LOOKALIKES:
        at = key.find(pair)
        while at >= 0:
            found.add(_HEADER_INDEX.get(key[:at] + letter + key[at + len(pair):]))
            at = key.find(pair, at + 1)
    return found - {None}


def _ocr_label(label: str) -> str | None:
    """A label of four or more characters with one character misread (探购单号 for 采购单号), when
    only one field's label reads so; a long Latin label also with one letter lost or one too many
    ("Auftragsnumimer", "Bestelldatm"); any Latin label with one letter read as a look-alike pair ("Datumi")."""
    key = label_key(label)
    if key.isascii() and key.isalpha() and len(undone := _undone(key)) == 1:
        return undone.pop()
    cjk = bool(re.search(r"[\u4e00-\u9fff]", key))
    if len(key) < (4 if cjk else 8):  # a short Latin word one letter off is another word ("data")
        return None
    fields = {_HEADER_BLURS.get(key[:i] + "?" + key[i + 1:]) for i in range(len(key))} - {None}
    if key.isascii() and key.isalpha() and len(key) >= 9:  # letters only: "Bestelldatum 9" is a label and a value
        fields |= {_HEADER_INDEX.get(key[:i] + key[i + 1:]) for i in range(len(key))} - {None}
        fields |= {_HEADER_BLURS.get(key[:i] + "?" + key[i:]) for i in range(len(key) + 1)} - {None}
    return fields.pop() if len(fields) == 1 and "" not in fields else None


def _currency_fragment(label: str, value: str) -> str | None:
    """CURRENCY for what OCR left of a Chinese currency label (幣別 read as "别", 币种 as "种")
    when the value beside it is a currency and nothing else ("别：TWD"); a fragment beside any
    other value names nothing, so labels in general are not loosened."""
    key = label_key(label)
    if not (1 <= len(key) <= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", key)):
        return None
    if not any(key in known and key != known for known in _LABELS[CURRENCY] if re.search(r"[\u4e00-\u9fff]", known)):
        return None
    text = value.strip(" .;,")
    return CURRENCY if currency_code(text) and re.fullmatch(r"[A-Z]{3}|[A-Z]{2}\$|[\u4e00-\u9fff]{2,3}|\S", text) else None


def is_title(label: str | None) -> bool:
    """Whether a label is a document title ("Purchase Order", 采购订单), whose value can only be right of it."""
    return label_key(label or "") in _TITLES


def _prefix_title(text: str) -> tuple[str, str] | None:
    words = text.split()
    for k in range(min(len(words), 3), 0, -1):
        if label_key(" ".join(words[:k])) in _TITLES and len(words) > k:
            return " ".join(words[:k]), " ".join(words[k:])
    return None


def _drop_second_label(field: str, value: str) -> str:
    """A bilingual label's other half at the start of the value: "订单编号 PO No. X" -> "X"."""
    again = _prefix_label(value)
    if again and again[0] == field and again[2]:
        return again[2].lstrip(":").strip()
    return value


def _unglued(field: str, label: str, value: str) -> tuple[str, str]:
    """(label, value) with the label's tail that OCR glued to the value moved back to the label:
    "PO No.PO-9" is the label "PO No." and the value "PO-9", not "No.PO-9"."""
    glued = _glued_label(f"{label} {value}")
    # Only a tail that ends in its own stop ("No.", "Nr.", "#"): "Client Emballages" is no "Cliente".
    if glued and glued[0] == field and len(glued[1]) > len(label) and glued[2] and glued[1][-1] in ".#":
        return glued[1], glued[2]
    return label, value


def split_label(text: str | None) -> tuple[str, str, str] | None:
    """(field, label, value) of a header field written "label: value", "label value" or as a
    bare label (value ""), with OCR specks before the label ignored; None for anything else.

    Without a colon the value must look like the field's value (a date, a code, a company), so
    prose that starts with a label word ("客户要求…") is not read as a field.
    """
    s = _SPECKS.sub("", nfkc(text or "").replace("：", ":")).strip()
    if not s:
        return None
    label, sep, value = s.partition(":")
    if sep and label_key(label) in _TITLES:
        # A title beside a field ("Purchase Order: Order Date 15/11/2026") or holding the number.
        inner = split_label(value)
        if inner or not _plausible(PO_NUMBER, value.strip()):
            return inner
        return PO_NUMBER, label.strip(), value.strip()
    if sep:
        field = header_field(label) or ((p := _prefix_label(label)) and not p[2] and p[0]) or None
        if field is None and (p := _prefix_label(label)) and header_field(p[2]) == p[0]:
            field = p[0]  # "订单编号 PO No.: X"
        field = field or _currency_fragment(label, value)
        if field:
            inner, sep2, rest = value.partition(":")
            if sep2 and header_field(inner):  # "Purchase Order:Purchase Order No.:PO1003"
                return header_field(inner), inner.strip(), rest.strip()
            return field, label.strip(), value.strip()
    if label_key(s) in _TITLES:
        return PO_NUMBER, s, ""  # a bare title: only a number right beside it is the PO number
    title = _prefix_title(s)
    found = _prefix_label(s)
    if title and _plausible(PO_NUMBER, title[1]) and not (found and len(found[1]) > len(title[0])):
        return (PO_NUMBER, *_unglued(PO_NUMBER, *title))  # "PURCHASE ORDER PO-9", not "Pedido nº0012"
    if found is None:
        return None
    field, label, value = found
    label, value = _unglued(field, label, value)
    value = _drop_second_label(field, value)
    if value and not _plausible(field, value):
        return None
    return field, label, value


def label_pairs(cells: list[str]) -> list[tuple[int, str, str, str]]:
    """The header fields in one line's cells: (cell index, field, label, value). A bare label takes
    the next cell as its value when that cell is no label (a two-column table row: 订单日期 | 2026年11月9日);
    a bare label with nothing beside it keeps value "" (its value may be on the line below)."""
    out: list[tuple[int, str, str, str]] = []
    skip = -1
    for i, cell in enumerate(cells):
        if i == skip:
            continue
        found = split_label(cell)
        if found is None:
            continue
        field, label, value = found
        beside = nfkc(cells[i + 1]).strip() if i + 1 < len(cells) and cells[i + 1] else ""
        if not value and beside and split_label(beside) is None and (not is_title(label) or _plausible(field, beside)):
            value, skip = beside, i + 1
        if value or not is_title(label):
            out.append((i, field, label, value))
    return out


_CJK_COMPANY = re.compile(r"[\u4e00-\u9fff（）()·]{2,30}?(?:股份有限公司|有限责任公司|有限公司|股份公司|集团公司|公司|集团|"
                          r"[\u4e00-\u9fff]厂|商行|经营部|贸易行)")
_LATIN_COMPANY = re.compile(
    r"(?<![\w])[A-ZÀ-Ý0-9][\w&.,'’\- ]{1,60}?(?:,?\s(?:GmbH(?: & Co\.? KG)?|AG|KG|OHG|Ltd\.?|Limited|Inc\.?|LLC|LLP|PLC|"
    r"Corp\.?|Corporation|Co\., ?Ltd\.?|Co\.|Company|S\.A\.(?:S\.)?|SA|S\.L\.|SL|SARL|SAS|S\.r\.l\.|S\.p\.A\.|B\.V\.|"
    r"N\.V\.|Pte\.? Ltd\.?|Pty\.? Ltd\.?|Group|Industries))+(?![\w])")
_OTHER_PARTY = re.compile(r"(?i)^(供应商|供货商|供方|卖方|销售方|乙方|致|to|attn|supplier|vendor|seller|lieferant|"
                          r"proveedor|fournisseur|an|a|de|from|from:)$")


def company_names(text: str | None) -> list[str]:
    """The company names printed in a text ("深圳优品烘焙有限公司采购专用章", "Müller Maschinenbau GmbH,
    Hauptstr. 5"): Chinese names up to their 公司/厂/集团 ending, Latin ones up to GmbH, Ltd, S.A. ..."""
    s = nfkc(text or "").translate(_TRADITIONAL_NAMES)
    found = [m.group(0).strip("()（）· ") for m in _CJK_COMPANY.finditer(s)]
    found += [m.group(0).strip(" ,") for m in _LATIN_COMPANY.finditer(s)]
    return [name for name in found if len(name) >= 4]


def names_other_party(label: str | None) -> bool:
    """Whether a label introduces the supplier or the addressee (供应商, Supplier, To), not the buyer."""
    return bool(_OTHER_PARTY.match(label_key(label or "")))


# Company endings in traditional characters: 公司 is the same; 廠 -> 厂, 團 -> 团, 貿 -> 贸.
_TRADITIONAL_NAMES = str.maketrans("廠團貿易責", "厂团贸易责")
