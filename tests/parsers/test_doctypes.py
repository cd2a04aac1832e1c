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


_OTHER_TITLES = (("Commercial Invoice", "an invoice"), ("形式发票", "an invoice"), ("Pro forma", "an invoice"),
                 ("Quotation", "a quotation"), ("Devis", "a quotation"), ("Delivery Note", "a shipping notice"),
                 ("Albarán", "a shipping notice"), ("Statement of Account", "a statement"), ("价目表", "a price list"))


def _titled_pdf(title: str, labels: str, above: int = 0) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("WQY", 10)
    for k in range(above):  # an address block before the title pushes it down the page
        c.drawString(40, 810 - 12 * k, f"{k + 1} Harbour Street, Block {k}")
    top = 800 - 12 * above
    c.drawString(40, top, "Acme Supply Inc.")
    c.drawString(380, top, title)
    c.drawString(40, top - 20, labels)
    c.drawString(40, top - 34, "US-4471          2026-11-10")
    for y, row in ((top - 60, ("Item Code", "Description", "Qty", "Unit Price", "Amount")),
                   (top - 74, ("WB-1020", "Widget bracket", "200", "2.50", "500.00"))):
        for x, text in zip((40, 120, 300, 360, 440), row):
            c.drawString(x, y, text)
    c.save()
    return out.getvalue()


@pytest.mark.parametrize("title, kind", _OTHER_TITLES)
@pytest.mark.parametrize("labels", ["P.O. Number        Order Date", "Bestellnummer        Datum"])
@pytest.mark.parametrize("above", [0, 12])
def test_every_reader_takes_its_not_an_order_verdict_from_one_vocabulary(title, kind, labels, above):
    """The page reader and the text reader judge the same title the same way, with the sentence of
    the doctypes vocabulary, wherever above the table the title stands; a row of field labels such
    as "P.O. Number" is no order title."""
    text = f"Acme Supply Inc.\n{title}\n\nItem: Widget bracket, quantity 200 PCS, unit price 2.50"
    for result in (parse_document(_titled_pdf(title, labels, above), ParseContext(path="doc.pdf")),
                   textlines.orders_from_text(text, ParseContext(path="doc.txt"), SourceKind.TEXT)):
        assert result.orders == () and kind in result.not_orders[0]


@pytest.mark.parametrize("text", ["Please quote your best price for 200 pcs.", "This is not an order.",
                                  "请报价，不作为订单", "附件为本月对账单"])
def test_a_text_that_says_it_is_no_order_is_none(text):
    assert doctypes.disclaimed(text) is not None


def _mail_with_picture(picture: bytes, name: str, ctype: str, body: str) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "fax@faxserver.example", "orders@example.com", "Fax received"
    msg.set_content(body)
    maintype, subtype = ctype.split("/")
    msg.add_attachment(picture, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def _picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("L", (1000, 600), 255).save(out, format=fmt)
    return out.getvalue()


_ORDER_WORDS = [_w("采购订单", 400, 50), _w("订单编号：Q-9", 100, 150),
                _w("物料编码", 100, 250), _w("数量", 500, 250), _w("单价", 700, 250), _w("金额", 850, 250),
                _w("1.01.0003", 100, 320), _w("200", 500, 320), _w("2.50", 700, 320), _w("500.00", 850, 320),
                _w("合计", 100, 390), _w("500.00", 850, 390)]


@pytest.mark.parametrize("fmt, name, ctype", [("PNG", "scan.png", "image/png"), ("JPEG", "scan.jpg", "image/jpeg"),
                                              ("TIFF", "fax.tif", "image/tiff")])
@pytest.mark.parametrize("body", ["", "You have received a fax of 1 page.", "传真 1 页"])
def test_a_mail_whose_only_attachment_is_a_scan_is_read_by_the_fax_reader(fmt, name, ctype, body):
    """Given a fax server's mail whose only attachment is a scanned page, the page is read by the fax
    reader; when nothing can be read from it the order fails with a sentence, never "not an order"."""
    data = _mail_with_picture(_picture(fmt), name, ctype, body)
    read = parse_document(data, ParseContext(path="m.eml", ocr=_Scripted(_ORDER_WORDS)))
    (order,) = read.orders
    assert order.source.kind is SourceKind.FAX and order.lines[0].quantity == 200
    blank = parse_document(data, ParseContext(path="m.eml", ocr=_Scripted([])))
    assert not blank.orders and not any(name in verdict for verdict in blank.not_orders)
    (failed,) = blank.failures  # the document is failed (pipeline.document_state), with the scan's sentence
    assert failed.source.part == name and failed.reason.endswith(".") and "read" in failed.reason
