"""Tax and currency from the document to the K3 export: a price stated without tax is compared
with a tax-inclusive list after converting; the export carries the settlement currency and the
price field of the price's tax basis; the credit check converts or says why it could not.

Orders are generated CSV documents read by the real parser, against the golden test catalog
(C001 buys 1.01.0001 at 1.10 CNY, a list price that includes tax by default; C002 buys in USD).
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from connectors.catalog_bundle import read_bundle
from outbox.erp_export import build_model
from outbox.plan import order_payload
from outbox.settings import ErpSettings
from parsers.context import ParseContext
from parsers.registry import parse_document
from reconcile import CatalogSnapshot, reconcile
from reconcile.anomalies import AnomalyCode as C
from reconcile.catalog import Customer, PriceEntry
from reconcile.terms import ExchangeRates, Terms
from store.records import OrderRecord

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "catalog"
RECORDS = read_bundle(GOLDEN)
SNAP = CatalogSnapshot.from_records(RECORDS)
TODAY = date(2026, 11, 20)
CN_HEAD = "客户名称,订单号,下单日期,交货日期,客户物料编码,物料名称,数量,单位,{price},金额,币别\n"


def csv_order(price_heading: str, price: str, *, customer: str = "杭州示例食品有限公司", sku: str = "SF-BOX-01",
              name: str = "瓦楞纸箱 300×200×150mm", qty: int = 1000, currency: str = "CNY",
              note: str = "") -> bytes:
    amount = (D(price) * qty).quantize(D("0.01"))
    row = f"{customer},PO-T1,2026-11-18,2026-12-30,{sku},{name},{qty},个,{price},{amount},{currency}\n"
    return (CN_HEAD.format(price=price_heading) + row + (f"{note}\n" if note else "")).encode("utf-8")


def read(data: bytes, name: str = "po.csv"):
    (order,) = parse_document(data, ParseContext(path=name)).orders
    return order


def codes(result) -> set[C]:
    return {a.code for a in result.all_anomalies()}


@pytest.mark.parametrize("heading,note,says", [
    ("不含税单价", "", False), ("单价(不含税)", "", False), ("未税单价", "", False), ("Net Price", "", False),
    ("含税单价", "", True), ("单价", "备注：以上价格均不含税", False), ("Unit Price", "All prices excl. VAT", False),
    ("单价", "", None), ("Unit Price", "Payment terms: Net 30", None),
])
def test_the_parser_records_what_the_document_says_of_tax(heading, note, says):
    assert read(csv_order(heading, "1.10", note=note)).prices_include_tax is says


@pytest.mark.parametrize("text,says", [
    ("客户：示例食品\n订单号：HZ-1\n1. 瓦楞纸箱 300×200×150mm  1000个  0.97元\n以上价格不含税，谢谢！\n", False),
    ("Customer: Example Trading\nPO: ET-1\nPrices incl. VAT\n1. PET bottle 500ml  2000 pcs  0.45\n", True),
    ("客户：示例食品\n订单号：HZ-1\n1. 瓦楞纸箱 300×200×150mm  1000个  1.10元\n", None),
])
def test_text_orders_say_it_in_a_sentence(text, says):
    assert read(text.encode("utf-8"), "po.txt").prices_include_tax is says


def test_a_price_without_tax_against_a_tax_inclusive_list_is_no_price_mismatch():
    """0.97 without tax is 1.0961 with 13 % VAT, within 0.5 % of the list's 1.10 with tax; the same
    0.97 printed without saying so is 12 % below the list and is a PRICE_MISMATCH."""
    net = reconcile(read(csv_order("不含税单价", "0.97")), SNAP, today=TODAY)
    assert C.PRICE_MISMATCH not in codes(net)
    assert net.lines[0].price_includes_tax is False and net.lines[0].unit_price == D("0.97")
    silent = reconcile(read(csv_order("单价", "0.97")), SNAP, today=TODAY)
    assert C.PRICE_MISMATCH in codes(silent)


def test_a_real_difference_is_still_reported_after_converting():
    """0.90 without tax is 1.017 with tax, 7.5 % below 1.10: still a PRICE_MISMATCH, whose sentence
    shows the converted price."""
    result = reconcile(read(csv_order("不含税单价", "0.90")), SNAP, today=TODAY)
    (found,) = [a for a in result.all_anomalies() if a.code is C.PRICE_MISMATCH]
    assert "stated without tax" in found.message and "1.017 with 13% tax" in found.message


def test_a_price_with_tax_against_a_list_without_tax():
    """A list entry saying FIsIncludedTax = 0 (1.10 / 1.13 = 0.9735) and a PO stating 1.10 with tax:
    compared after taking the tax out; the default for silent entries comes from the terms."""
    net_list = [dataclasses.replace(p, price=D("0.9735"), includes_tax=False)
                if p.customer == "C001" and p.material == "1.01.0001" else p for p in RECORDS.prices]
    snap = CatalogSnapshot.from_records(dataclasses.replace(RECORDS, prices=tuple(net_list)))
    assert C.PRICE_MISMATCH not in codes(reconcile(read(csv_order("含税单价", "1.10")), snap, today=TODAY))
    assert C.PRICE_MISMATCH in codes(reconcile(read(csv_order("单价", "1.10")), snap, today=TODAY))
    silent_net = Terms(prices_include_tax=False)
    assert C.PRICE_MISMATCH not in codes(reconcile(read(csv_order("含税单价", "1.243")), SNAP, today=TODAY,
                                                   terms=silent_net))


def export(result) -> dict:
    return build_model({"order": order_payload(OrderRecord(reconciled=result)), "doc": {}}, ErpSettings())["Model"]


def test_a_usd_order_is_exported_in_usd_with_the_rate_type():
    """Example Trading (C002) buys PET bottles in USD: the K3 body settles in USD with the
    configured exchange rate type, and a CNY order settles in CNY without one."""
    usd = reconcile(read(csv_order("Unit Price", "0.065", customer="Example Trading Inc.", sku="ET-500",
                                   name="PET BOTTLE 500ML", qty=2000, currency="USD")), SNAP, today=TODAY)
    assert usd.customer_code == "C002" and usd.currency == "USD"
    finance = export(usd)["FSaleOrderFinance"]
    assert finance["FSettleCurrId"] == {"FNumber": "USD"}
    assert finance["FExchangeTypeId"] == {"FNumber": "HLTX01_SYS"}
    cny = export(reconcile(read(csv_order("单价", "1.10")), SNAP, today=TODAY))["FSaleOrderFinance"]
    assert cny == {"FSettleCurrId": {"FNumber": "CNY"}, "FIsIncludedTax": True}


def test_the_export_carries_the_price_field_of_the_prices_tax_basis():
    """A PO priced without tax goes to K3 as FPrice with FIsIncludedTax false; with tax as FTaxPrice;
    both with the line tax rate FEntryTaxRate (13 by default)."""
    net = export(reconcile(read(csv_order("不含税单价", "0.97")), SNAP, today=TODAY))
    (entry,) = net["FSaleOrderEntry"]
    assert D(entry["FPrice"]) == D("0.97") and "FTaxPrice" not in entry and entry["FEntryTaxRate"] == "13"
    assert net["FSaleOrderFinance"]["FIsIncludedTax"] is False
    gross = export(reconcile(read(csv_order("含税单价", "1.10")), SNAP, today=TODAY))
    assert D(gross["FSaleOrderEntry"][0]["FTaxPrice"]) == D("1.10") and "FPrice" not in gross["FSaleOrderEntry"][0]


def test_currency_numbers_map_to_the_tenants_own():
    erp = ErpSettings(currency_numbers=(("USD", "PRE007"),))
    usd = reconcile(read(csv_order("Unit Price", "0.065", customer="Example Trading Inc.", sku="ET-500",
                                   name="PET BOTTLE 500ML", qty=2000, currency="USD")), SNAP, today=TODAY)
    body = build_model({"order": order_payload(OrderRecord(reconciled=usd)), "doc": {}}, erp)
    assert body["Model"]["FSaleOrderFinance"]["FSettleCurrId"] == {"FNumber": "PRE007"}


# --- the credit check in the credit currency ----------------------------------------------------

def _with_usd_customer_on_cny_credit(limit: str) -> CatalogSnapshot:
    """C002 (buys in USD) with a credit limit; the desk keeps credit in CNY (terms.credit_currency)."""
    customers = tuple(dataclasses.replace(c, credit_limit=D(limit), open_amount=D(0)) if c.number == "C002" else c
                      for c in RECORDS.customers)
    return CatalogSnapshot.from_records(dataclasses.replace(RECORDS, customers=customers))


USD_PO = csv_order("Unit Price", "0.065", customer="Example Trading Inc.", sku="ET-500", name="PET BOTTLE 500ML",
                   qty=2000, currency="USD")   # 130.00 USD


def test_an_order_with_no_usable_rate_goes_to_review_with_a_sentence():
    """No USD rate configured: the credit check is not made on a wrong sum; the order is in review
    and the sentence says which rate is missing."""
    terms = Terms(credit_currency="CNY")
    result = reconcile(read(USD_PO), _with_usd_customer_on_cny_credit("100000"), today=TODAY, terms=terms)
    assert result.status == "review"
    (found,) = [a for a in result.anomalies if a.code is C.CREDIT_LIMIT_EXCEEDED]
    assert "could not be made" in found.message and "USD" in found.message and "CNY" in found.message


@pytest.mark.parametrize("limit,exceeded", [("1000", False), ("900", True)])
def test_the_credit_check_converts_with_the_configured_rate(limit, exceeded):
    """130.00 USD at 7.10 is 923.00 CNY: within a 1,000 CNY limit, over a 900 CNY one."""
    terms = Terms(credit_currency="CNY", rates=ExchangeRates("CNY", (("USD", D("7.10")),)))
    result = reconcile(read(USD_PO), _with_usd_customer_on_cny_credit(limit), today=TODAY, terms=terms)
    found = [a for a in result.anomalies if a.code is C.CREDIT_LIMIT_EXCEEDED]
    assert bool(found) is exceeded
    if exceeded:
        assert "923.00 CNY" in found[0].message


def test_rates_convert_through_the_base_currency():
    rates = ExchangeRates("CNY", (("USD", D("7.10")), ("EUR", D("7.81"))))
    assert rates.convert(D(100), "EUR", "USD") == D("110")
    assert rates.convert(D(100), "CNY", "CNY") == D(100)
    assert rates.convert(D(100), "JPY", "CNY") is None


def test_an_order_not_in_the_customers_currency_says_the_credit_check_in_its_mismatch():
    """C001 buys in CNY with a credit limit; a USD order with no USD rate is a CURRENCY_MISMATCH whose
    sentence also says the credit check could not be made (one sentence, no second code)."""
    po = csv_order("单价", "1.10", currency="USD")
    result = reconcile(read(po), SNAP, today=TODAY)
    assert result.status == "review" and C.CREDIT_LIMIT_EXCEEDED not in codes(result)
    (found,) = [a for a in result.anomalies if a.code is C.CURRENCY_MISMATCH]
    assert "credit check could not be made" in found.message and "no exchange rate for USD" in found.message
