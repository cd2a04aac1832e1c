"""Header fields read from generated orders in six languages, five layouts and six formats:
the PO number, order and delivery dates, currency, ship-to and the buyer company come out as
the truth says, whatever the label synonym, the date form, the colon or its absence."""
from __future__ import annotations

from datetime import date

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import CandidateKind, SourceKind
from parsers.registry import parse_document
from parsers.vocab.labels import split_label
from tests.parsers import header_forms as G

CASES = [(lang, layout) for lang in G.LANGS for layout in G.LAYOUTS]


def _check(order, doc: G.HeaderDoc, *, buyer: bool = True) -> None:
    got = (order.po_number, order.order_date, order.delivery_date, order.currency)
    assert got == (doc.po, doc.order_date, doc.delivery, doc.currency), doc.fields
    assert order.ship_to and order.ship_to.replace(" ", "").startswith(doc.ship_to.replace(" ", "")[:12]), doc.fields
    if buyer:
        named = {c.text for c in order.buyer.candidates if c.kind is CandidateKind.BUYER_FIELD}
        assert doc.buyer in named | {order.buyer.name}, doc.fields
    assert not order.read_checks or all(c.check != "date order" for c in order.read_checks)


@pytest.mark.parametrize("lang,layout", CASES)
@pytest.mark.parametrize("seed", [1, 2])
def test_rows_form(lang, layout, seed):
    """A form laid out as rows of cells (the shape xlsx, docx and PDF pages are read in)."""
    doc = G.header_doc(lang, layout, seed)
    (order,) = orders_from_rows(G.order_rows(doc), ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    _check(order, doc)


@pytest.mark.parametrize("lang,layout", CASES)
@pytest.mark.parametrize("fmt", ["xlsx", "docx", "html", "text", "pdf"])
def test_formats(lang, layout, fmt):
    """The same header block in a real file of each format, read through the parser registry."""
    doc = G.header_doc(lang, layout, 3)
    data, name = {"xlsx": (lambda: G.xlsx_bytes(doc), "po.xlsx"), "docx": (lambda: G.docx_bytes(doc), "po.docx"),
                  "html": (lambda: G.mail_bytes(doc, html=True), "po.eml"),
                  "text": (lambda: G.mail_bytes(doc, html=False), "po.eml"),
                  "pdf": (lambda: G.pdf_bytes(doc), "po.pdf")}[fmt]
    result = parse_document(data(), ParseContext(path=name))
    assert len(result.orders) == 1, (result.failures, result.not_orders)
    _check(result.orders[0], doc, buyer=fmt not in ("html", "text"))


@pytest.mark.parametrize("lang", G.LANGS)
@pytest.mark.parametrize("html", [True, False])
def test_forwarded_mail_keeps_the_orders_own_dates(lang, html):
    """A colleague forwards the customer's order: the order's own 订单日期 / Order Date wins over the
    forwarding mail's Date header and over the Date: line of the forward banner."""
    doc = G.header_doc(lang, "colon", 4)
    (order,) = parse_document(G.mail_bytes(doc, html=html, forwarded=True), ParseContext(path="fwd.eml")).orders
    assert (order.po_number, order.order_date, order.delivery_date) == (doc.po, doc.order_date, doc.delivery)
    assert order.buyer.email == "buyer@customer.example"


@pytest.mark.parametrize("text,expected", [
    ("·订单编号：SF-1120", ("po_number", "SF-1120")),
    ("•訂單日期 2026年11月9日", ("order_date", "2026年11月9日")),
    ("订单编号 PO No. TP-2026-001", ("po_number", "TP-2026-001")),
    ("Bestelldatum 12.11.2026", ("order_date", "12.11.2026")),
    ("N° de commande 4500123", ("po_number", "4500123")),
    ("Purchase Order: Order Date 15/11/2026", ("order_date", "15/11/2026")),
    ("PURCHASE ORDER PO-9", ("po_number", "PO-9")),
    ("PO No.PO-2026-0001", ("po_number", "PO-2026-0001")),  # OCR glued the label's tail to the value
    ("Purchase Order No.PO-2026-0018", ("po_number", "PO-2026-0018")),
    ("Kunde Müller Maschinenbau GmbH", ("customer", "Müller Maschinenbau GmbH")),
])
def test_split_label_reads_label_and_value(text, expected):
    """Labels with or without a colon, with a speck or a bilingual second half, give field and value."""
    found = split_label(text)
    assert found is not None and (found[0], found[2]) == expected


@pytest.mark.parametrize("text", ["客户要求8号前交货", "Datum der Lieferung folgt", "Client satisfaction matters",
                                  "Purchase Order"])
def test_split_label_leaves_prose_alone(text):
    """Prose that starts with a label word, or a bare title, is no field with a value."""
    found = split_label(text)
    assert found is None or not found[2]


def test_buyer_person_never_beats_the_letterhead():
    """"Buyer: John Smith" names a person: the company on the letterhead stays the buyer's name."""
    rows = [["Acme Industries Inc."], ["PURCHASE ORDER"], ["PO No.: 4500123"], ["Buyer: John Smith"],
            list(G.LINE_HEAD), *[list(r) for r in G.LINE_ROWS]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    assert order.buyer.name != "John Smith"
    assert ("Acme Industries Inc.", CandidateKind.LETTERHEAD) in {(c.text, c.kind) for c in order.buyer.candidates}


def test_ambiguous_date_is_a_doubt_not_a_silent_guess():
    """11/12/2026 with nothing saying which is the month keeps the order out of `accepted`."""
    rows = [["PO No.: 4500123"], ["Order Date: 11/12/2026"], list(G.LINE_HEAD), *[list(r) for r in G.LINE_ROWS]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    assert [c.check for c in order.read_checks if c.check == "date order"] == ["date order"]
    us = rows + [["Ship To: 919 Main Street, Springfield, IL 62704"]]
    (order,) = orders_from_rows(us, ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    assert order.order_date == date(2026, 11, 12) and not [c for c in order.read_checks if c.check == "date order"]


@pytest.mark.parametrize("html", [True, False])
def test_forwarded_mail_without_an_order_date_takes_the_forwarded_mails_date(html):
    """No order date printed: the customer's mail (the forward banner's Date line, 27 Nov) dates the
    order, not the colleague's forward (30 Nov)."""
    doc = G.header_doc("en", "colon", 5)
    doc.fields = [f for f in doc.fields if f[0] not in G.LABELS["en"]["od"]]
    (order,) = parse_document(G.mail_bytes(doc, html=html, forwarded=True), ParseContext(path="fwd.eml")).orders
    assert order.order_date == date(2026, 11, 27)


@pytest.mark.parametrize("title,head", [
    ("Rechnung", ("Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag")),
    ("Lieferschein", ("Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag")),
    ("Factura", ("Línea", "Descripción", "Cantidad", "Precio unitario", "Importe")),
    ("Facture", ("Ligne", "Désignation", "Quantité", "Prix unitaire", "Montant")),
    ("Devis", ("Ligne", "Désignation", "Quantité", "Prix unitaire", "Montant")),
])
def test_other_documents_in_german_spanish_french_are_no_orders(title, head):
    """Now that their column labels are understood, an invoice, delivery note or quotation titled in
    German, Spanish or French must still give no order."""
    data = G.titled_pdf(title, head, (("1", "Hosting package", "3", "5,39", "16,17"),))
    result = parse_document(data, ParseContext(path="doc.pdf"))
    assert not result.orders and result.not_orders


@pytest.mark.parametrize("title,head", [
    ("BESTELLUNG", ("Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag")),
    ("ORDEN DE COMPRA", ("Línea", "Descripción", "Cantidad", "Precio unitario", "Importe")),
    ("BON DE COMMANDE", ("Ligne", "Désignation", "Quantité", "Prix unitaire", "Montant")),
])
def test_orders_with_german_spanish_french_columns_are_read(title, head):
    """The same tables titled as orders give their line: quantity, price and amount under their labels."""
    data = G.titled_pdf(title, head, (("1", "Carton 400x300x250", "500", "4.00", "2000.00"),))
    (order,) = parse_document(data, ParseContext(path="po.pdf")).orders
    (line,) = order.lines
    assert (str(line.quantity), str(line.unit_price), str(line.amount)) == ("500", "4.00", "2000.00")


@pytest.mark.parametrize("text,expected", [
    ("DeliveryDateDec23,2026", ("delivery_date", "Dec23,2026")),
    ("OrderDate16-Nov-26", ("order_date", "16-Nov-26")),
    ("P.O.NumberPO-2026-0002", ("po_number", "PO-2026-0002")),
    ("Bestellnummer4500123", ("po_number", "4500123")),
    ("探購單号 MP26-00004", ("po_number", "MP26-00004")),
])
def test_ocr_reads_glued_or_one_character_off_labels(text, expected):
    """OCR drops the space between a label and its value, or misreads one character of a long label."""
    found = split_label(text)
    assert found is not None and (found[0], found[2]) == expected


@pytest.mark.parametrize("text", ["Datenschutz", "Data: 42", "Customerservice is great"])
def test_words_that_only_start_like_labels_are_not_labels(text):
    found = split_label(text)
    assert found is None or not found[2]


@pytest.mark.parametrize("seed", range(12))
def test_what_ocr_left_of_a_currency_label_names_the_currency_only_beside_a_currency(seed):
    """Generated: a Chinese currency label (币别, 幣別, 币种, 幣種, 结算币种) cut by OCR to one or two of its
    characters ("别：TWD") names the currency when the value is a currency and nothing else; the same
    fragment beside a name, a date or a sentence names no field."""
    import random

    from parsers.vocab.labels import split_label
    rng = random.Random(seed)
    label = rng.choice(["币别", "幣別", "币种", "幣種", "结算币种", "結算幣別"])
    start = rng.randrange(len(label))
    fragment = label[start:start + rng.choice([1, 2])]
    if fragment in ("币别", "幣別", "币种", "幣種", label):
        fragment = label[-1]  # a whole label is no fragment
    colon = rng.choice(["：", ":", "： "])
    for money in ("TWD", "CNY", "RMB", "USD", "NTD", "新台幣", "人民币", "港幣", "EUR"):
        assert split_label(f"{rng.choice(['', '·', '.'])}{fragment}{colon}{money}")[::2] == ("currency", money), fragment
    for other in ("王芳", "2026-11-01", "PO-2026-0042", "TWD 含税价格另计", "深圳市南山区"):
        got = split_label(f"{fragment}{colon}{other}")
        assert got is None or got[0] != "currency", (fragment, other)
