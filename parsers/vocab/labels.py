"""The words orders use for their fields, Chinese and English: labels -> field names.

Tables (column headers) and free text ("订单号：SF1120") share this vocabulary, so a label
taught once is understood everywhere.
"""
from __future__ import annotations

import re

from parsers.vocab.numbers import nfkc
# One vocabulary of units and currencies; readers call them through F.
from parsers.vocab.currencies import currency_code, heading_currency, money_currency  # noqa: F401
from parsers.vocab.units import is_unit  # noqa: F401

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
                   "我司编码", "我司物料编码", "我司料号", "本公司编码"),
    OUR_SKU: ("贵司编码", "贵司物料编码", "供应商物料编码", "供应商料号",
              "供应商编码", "禾盛编码", "ourcode", "supplierpartno", "supplierpartnumber",
              "supplieritemno", "suppliercode", "vendorpartno", "vendorpartnumber", "vendoritemno",
              "vendorcode", "yourcode", "yourpartno", "youritemno"),
    CODE: ("物料编码", "物料编号", "物料代码", "料号", "编码", "编号", "货号", "产品编码", "产品编号",
           "商品编码", "商品编号", "存货编码", "品号", "itemno", "itemnumber", "itemcode", "code",
           "partno", "partnumber", "part", "pn", "sku", "productcode", "articleno", "article",
           "materialno", "material", "productno", "productid", "itemid",
           "style", "styleno", "stylenumber", "stylecode", "optionno", "skuno", "skunumber"),
    BARCODE: ("条码", "条形码", "商品条码", "国际条码", "ean", "ean13", "gtin", "upc", "upcnumber",
              "barcode", "eancode"),
    NAME: ("品名", "物料名称", "名称", "商品名称", "产品名称", "货品名称", "存货名称", "物品名称",
           "name", "itemname", "productname"),
    SPEC: ("规格", "规格型号", "型号", "spec", "specification", "size"),
    DESCRIPTION: ("品名规格", "名称规格", "物料描述", "描述", "产品描述", "商品描述", "物料名称规格",
                  "description", "itemdescription", "productdescription", "desc", "item",
                  "product", "goods", "article description", "details", "itemdetails", "descr"),
    QUANTITY: ("数量", "订购数量", "采购数量", "订货数量", "订单数量", "需求数量", "qty", "quantity",
               "orderqty", "orderedqty", "orderquantity", "qtyordered", "quantityordered"),
    UNIT: ("单位", "计量单位", "unit", "uom", "units", "unitofmeasure", "um"),
    UNIT_PRICE: ("单价", "含税单价", "不含税单价", "采购单价", "价格", "unitprice", "price",
                 "unitcost", "priceperunit", "netprice", "rate", "cost", "costprice", "unitcostprice"),
    AMOUNT: ("金额", "小计", "含税金额", "价税合计", "总价", "行金额", "amount", "linetotal",
             "extendedprice", "extprice", "total", "lineamount", "value", "netamount", "subtotal", "extendedcost", "extcost", "totalcost"),
    LINE_NO: ("序号", "行号", "项次", "项号", "no", "line", "lineno", "linenumber", "#", "pos",
              "position", "itemline"),
    LINE_DELIVERY: ("交货日期", "交期", "送货日期", "到货日期", "要求到货日期", "要求交货日期",
                    "需求日期", "deliverydate", "requireddelivery", "requesteddelivery", "requireddate", "duedate",
                    "shipdate", "needbydate", "requesteddeliverydate", "requireddeliverydate"),
    PO_NUMBER: ("订单号", "订单编号", "采购单号", "采购订单号", "采购单编号", "采购订单编号", "订单号码",
                "po号", "pono", "ponumber", "po", "po#", "purchaseorder", "purchaseorderno",
                "purchaseordernumber", "orderno", "ordernumber", "ordernr", "order#", "poref", "purchaseorder#", "documentnumber", "documentno"),
    ORDER_DATE: ("订单日期", "下单日期", "采购日期", "日期", "制单日期", "date", "orderdate",
                 "podate", "purchaseorderdate", "dateoforder", "issuedate", "documentdate", "dateplaced", "dated", "datedas", "orderplaced"),
    CURRENCY: ("币别", "币种", "货币", "结算币别", "结算币种", "currency", "curr", "currencycode", "ccy"),
    SHIP_TO: ("收货地址", "送货地址", "交货地址", "到货地址", "收货地点", "送货地点", "交货地点",
              "shipto", "deliverto", "deliveryaddress", "shiptoaddress", "shippingaddress",
              "consignee address", "delivery address"),
    CUSTOMER: ("客户", "客户名称", "采购方", "买方", "订货单位", "购货单位", "需方", "采购单位",
               "buyer", "customer", "customername", "billto", "soldto", "purchaser", "company"),
    TOTAL: ("合计", "总计", "总金额", "合计金额", "订单总额", "订单金额", "金额合计", "价税合计总额",
            "grandtotal", "totalamount", "ordertotal", "total", "totalvalue", "sum"),
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
_HEADER_INDEX = {}
for _field in reversed(_LABEL_ORDER):
    for _label in _LABELS[_field]:
        _HEADER_INDEX[_label.replace(" ", "")] = DELIVERY_DATE if _field == LINE_DELIVERY else _field
_HEADER_INDEX.update({"要求交期": DELIVERY_DATE, "交货时间": DELIVERY_DATE, "到货时间": DELIVERY_DATE,
                      "requireddeliverydate": DELIVERY_DATE, "deliverby": DELIVERY_DATE,
                      "收货人地址": SHIP_TO, "供货日期": DELIVERY_DATE})

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

_TOTAL_WORDS = re.compile(r"^(合计|总计|小计|总金额|合计金额|金额合计|订单总额|grandtotal|total|subtotal|sum|totalamount|ordertotal)")
_CHANGE_WORDS = re.compile(r"(?i)订单变更|变更单|变更订单|更改单|change\s*order|revised\s*(po|purchase\s*order|order)|po\s*change|amended\s*(po|order)")


# Traditional characters of order-form labels folded to the simplified ones the vocabulary uses,
# so 訂單號, 數量, 單價, 交貨日期, 合計 from Taiwan and Hong Kong are read like 订单号 ... 合计.
_TRADITIONAL = str.maketrans(
    "訂單號貨數價額規幣別計總採購編碼項稱戶稅種達須統約長個張隻捲條頁庫區業務聯繫話電傳備註說廣東運輸遞幣於稱",
    "订单号货数价额规币别计总采购编码项称户税种达须统约长个张只卷条页库区业务联系话电传备注说广东运输递币于称")


def label_key(text: str) -> str:
    """Fold a label for lookup: NFKC, traditional to simplified, case folded, bracketed units and
    punctuation removed."""
    s = nfkc(text).translate(_TRADITIONAL).casefold()
    s = re.sub(r"[(\[（【][^)\]）】]*[)\]）】]", "", s)  # "单价(元)", "Qty (pcs)"
    return re.sub(r"[\s:：_.\-/\\*'\"“”]+", "", s)


def column_field(header: str | None) -> str | None:
    """The line or header field a table column heading names, or None for a column we ignore."""
    if not header:
        return None
    key = label_key(header)
    if not key or len(key) > 24:
        return None
    if key in _COLUMN_INDEX:
        return _COLUMN_INDEX[key]
    if re.search(r"[/&＆+]|\band\b|及|和", header) and names_code_too(header):
        return DESCRIPTION  # "Part/Description": the row reader takes the code printed first
    for pattern, field in _COLUMN_PATTERNS:
        if re.search(pattern, key):
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


def is_known_column(header: str | None) -> bool:
    """True when a heading is in the vocabulary word for word, not just matched by a pattern."""
    return bool(header) and label_key(header) in _COLUMN_INDEX


def names_code_too(header: str | None) -> bool:
    """True for one heading over a code and a text: "Part/Description", "Item No. & Description",
    "物料编码/名称"; such a cell starts with the item's code."""
    parts = [p for p in re.split(r"\s*(?:/|&|＆|\+|\band\b|及|和)\s*", nfkc(header or "")) if p]
    fields = {column_field(p) for p in parts}
    return len(parts) > 1 and bool(fields & {CODE, CUSTOMER_SKU, OUR_SKU}) and bool(fields & {DESCRIPTION, NAME})
