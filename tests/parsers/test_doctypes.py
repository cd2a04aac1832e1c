"""Not an order, on evidence: another kind's title or a newsletter's unsubscribe line says so; a
fax, or a document titled as an order, that yields no readable order fails with a sentence."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from parsers.context import ParseContext
from parsers.layout import textlines
from parsers.model import SourceKind
from parsers.ocr import OcrWord
from parsers.registry import parse_document
from parsers.vocab import doctypes


@pytest.mark.parametrize("titles, body, kind", [
    (["发票"], "", "an invoice"), (["FREIGHT INVOICE"], "", "an invoice"), (["Rechnung"], "", "an invoice"),
    (["Factura"], "", "an invoice"), (["Facture"], "", "an invoice"),
    (["报价单"], "", "a quotation"), (["Request for Quotation"], "", "a quotation"), (["Angebot"], "", "a quotation"),
    (["对账单"], "", "a statement"), (["Statement of Account"], "", "a statement"),
    (["发货通知"], "", "a shipping notice"), (["Packing List"], "", "a shipping notice"),
    (["Lieferschein"], "", "a shipping notice"), (["ASN"], "", "a shipping notice"),
    (["Price List 2026"], "", "a price list"), ([], "Our new prices ... Unsubscribe", "a newsletter"),
    ([], "本期新品价格 ... 退订请回复TD", "a newsletter"),
])
def test_other_kinds_are_not_orders(titles, body, kind):
    assert kind in doctypes.not_an_order(titles, body)


@pytest.mark.parametrize("titles, body", [
    (["采购订单"], ""), (["PURCHASE ORDER"], "Unsubscribe"), (["Bestellung"], ""), (["Orden de compra"], ""),
    (["Bon de commande"], ""), (["Dear supplier"], "please ship the items below"),
    ([], "Purchase order PO-1 ... unsubscribe"),  # an order mailed by a list tool is still an order
    (["Purchase Order", "Invoice to: Acme"], ""),
])
def test_orders_and_plain_text_are_not_judged_other_kinds(titles, body):
    assert doctypes.not_an_order(titles, body) is None


def test_a_newsletter_with_a_price_table_is_not_an_order():
    text = ("Spring offers from Acme Packaging\n\nItem          Description        Qty   Unit price\n"
            "AB-100        Carton 400x300     500   4.00\nAB-200        Tape 48mm          100   5.95\n\n"
            "You receive this newsletter because you subscribed. Unsubscribe here.\n")
    result = textlines.orders_from_text(text, ParseContext(path="m.eml"), SourceKind.EMAIL)
    assert not result.orders and "newsletter" in result.not_orders[0]


def test_an_order_with_an_unsubscribe_footer_is_still_an_order():
    text = ("Purchase Order PO-77\n\nItem          Description        Qty   Unit price\n"
            "AB-100        Carton 400x300     500   4.00\n\nUnsubscribe from our mailings.\n")
    result = textlines.orders_from_text(text, ParseContext(path="m.eml"), SourceKind.EMAIL)
    assert len(result.orders) == 1


class _Scripted:
    def __init__(self, words):
        self.words = words

    def read(self, image):
        return list(self.words)


def _w(text, x, y):
    return OcrWord(text, (x, y, x + 30 * len(text), y + 40), 0.99)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (1000, 600), 255).save(out, format="PNG")
    return out.getvalue()


def test_a_fax_titled_as_an_order_without_a_readable_row_fails_with_a_sentence():
    """Given a fax whose title says 采购订单 but whose table could not be read, it is a failed order."""
    words = [_w("采购订单", 400, 50), _w("订单编号：Q-9", 100, 150), _w("请按附件交货", 100, 250)]
    result = parse_document(_png(), ParseContext(path="fax.png", ocr=_Scripted(words)))
    assert not result.orders and not result.not_orders
    (failed,) = result.failures
    assert failed.source.kind is SourceKind.FAX and "no order line could be read" in failed.reason


def test_a_faxed_invoice_is_not_an_order():
    words = [_w("INVOICE", 400, 50), _w("Invoice No.: 55", 100, 150), _w("Freight charges", 100, 250)]
    result = parse_document(_png(), ParseContext(path="fax.png", ocr=_Scripted(words)))
    assert not result.orders and not result.failures and result.not_orders
