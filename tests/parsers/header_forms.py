"""Generated purchase orders whose header fields vary along every axis the readers must handle:
the language of the labels (zh-Hans, zh-Hant, en, de, es, fr), the label synonym, the written date
form, the layout (label: value, label value without a colon, two-column table, labels over
values in boxes, OCR specks before a label) and the format (rows, xlsx, docx, HTML and plain
mail, text PDF). Each document comes with its truth, so tests compare what was read with it.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from html import escape

LANGS = ("zh-Hans", "zh-Hant", "en", "de", "es", "fr")
LAYOUTS = ("colon", "nocolon", "twocol", "boxes", "speck")

LABELS = {
    "zh-Hans": {"po": ("订单编号", "采购单号", "订单号"), "od": ("订单日期", "下单日期"), "dd": ("交货日期", "要求到货日期", "交期"),
                "cur": ("币别", "币种"), "ship": ("收货地址", "送货地址"), "buyer": ("采购方", "客户名称", "购货单位")},
    "zh-Hant": {"po": ("訂單編號", "採購單號"), "od": ("訂單日期", "下單日期"), "dd": ("交貨日期", "交期"),
                "cur": ("幣別", "幣種"), "ship": ("收貨地址", "送貨地址"), "buyer": ("採購方", "客戶名稱", "購貨單位")},
    "en": {"po": ("PO No.", "Purchase Order No.", "Order Number"), "od": ("Order Date", "PO Date"),
           "dd": ("Delivery Date", "Required Date"), "cur": ("Currency",), "ship": ("Ship To", "Delivery Address"),
           "buyer": ("Bill To", "Customer", "Sold To")},
    "de": {"po": ("Bestellnummer", "Bestell-Nr."), "od": ("Bestelldatum", "Datum"), "dd": ("Liefertermin", "Lieferdatum"),
           "cur": ("Währung",), "ship": ("Lieferadresse", "Lieferanschrift"), "buyer": ("Besteller", "Auftraggeber", "Kunde")},
    "es": {"po": ("Número de pedido", "N.º de pedido"), "od": ("Fecha de pedido", "Fecha"), "dd": ("Fecha de entrega",),
           "cur": ("Moneda", "Divisa"), "ship": ("Dirección de entrega", "Entregar en"), "buyer": ("Comprador", "Cliente")},
    "fr": {"po": ("N° de commande", "Numéro de commande"), "od": ("Date de commande", "Date"),
           "dd": ("Date de livraison", "Délai de livraison"), "cur": ("Devise",), "ship": ("Adresse de livraison", "Livrer à"),
           "buyer": ("Acheteur", "Client")},
}
_MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
           "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                  "November", "Dezember"),
           "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                  "noviembre", "diciembre"),
           "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                  "novembre", "décembre")}
COMPANIES = {"zh-Hans": ("东莞市长安五金机械厂", "广东省东莞市长安镇振安路88号", "人民币", "CNY"),
             "zh-Hant": ("永興實業股份有限公司", "台中市西屯區工業區一路881號", "新台幣", "TWD"),
             "en": ("Acme Industries Inc.", "919 Main Street, Springfield, IL 62704, USA", "USD", "USD"),
             "de": ("Müller Maschinenbau GmbH", "Hauptstraße 5, 10115 Berlin, Deutschland", "EUR", "EUR"),
             "es": ("Envases Ibéricos S.A.", "Calle Mayor 595, 28013 Madrid, España", "EUR", "EUR"),
             "fr": ("Emballages Dupont SARL", "12 rue de la Paix, 75002 Paris, France", "EUR", "EUR")}
LINE_HEAD = ("Item No.", "Description", "Qty", "Unit", "Unit Price", "Amount")
LINE_ROWS = (("1.01.0003", "Carton 400x300x250", "500", "PCS", "4.00", "2000.00"),
             ("1.02.0010", "Sealing tape 48mm", "120", "ROLL", "5.95", "714.00"))


@dataclass
class HeaderDoc:
    """A header block and its truth: `fields` are (label, value text) pairs in print order."""

    lang: str
    layout: str
    fields: list[tuple[str, str]]
    po: str
    order_date: date
    delivery: date
    currency: str
    ship_to: str
    buyer: str


def written_date(d: date, lang: str, rng: random.Random) -> str:
    """A date as a document in this language would print it (never an ambiguous form without a country)."""
    forms = {"zh-Hans": (f"{d:%Y-%m-%d}", f"{d.year}年{d.month}月{d.day}日", f"{d:%Y/%m/%d}"),
             "zh-Hant": (f"{d.year}年{d.month}月{d.day}日", f"{d:%Y/%m/%d}"),
             "en": (f"{_MONTHS['en'][d.month - 1]} {d.day}, {d.year}", f"{d.day}-{_MONTHS['en'][d.month - 1]}-{d:%y}",
                    f"{d:%m/%d/%Y}", f"{d:%Y-%m-%d}"),
             "de": (f"{d:%d.%m.%Y}", f"{d.day}. {_MONTHS['de'][d.month - 1]} {d.year}"),
             "es": (f"{d:%d/%m/%Y}", f"{d.day} de {_MONTHS['es'][d.month - 1]} de {d.year}"),
             "fr": (f"{d:%d/%m/%Y}", f"{d.day} {_MONTHS['fr'][d.month - 1]} {d.year}")}
    return rng.choice(forms[lang])


def header_doc(lang: str, layout: str, seed: int) -> HeaderDoc:
    """One header block: random synonyms, dates and PO number, in the given language and layout."""
    rng = random.Random(f"{lang}-{layout}-{seed}")
    labels = LABELS[lang]
    company, address, currency_word, currency = COMPANIES[lang]
    po = f"{rng.choice(('PO', 'CG', 'BM'))}-{rng.randint(2026, 2027)}-{rng.randint(100, 9999)}"
    ordered = date(2026, rng.randint(1, 12), rng.randint(1, 28))
    delivery = date(2027, rng.randint(1, 12), rng.randint(1, 28))
    pick = lambda key: rng.choice(labels[key])  # noqa: E731
    fields = [(pick("po"), po), (pick("od"), written_date(ordered, lang, rng)),
              (pick("dd"), written_date(delivery, lang, rng)), (pick("cur"), currency_word),
              (pick("buyer"), company), (pick("ship"), address)]
    return HeaderDoc(lang, layout, fields, po, ordered, delivery, currency, address, company)


def _speck(label: str, rng: random.Random) -> str:
    return rng.choice(("·", "•", "'", ",", "、")) + label


def header_rows(doc: HeaderDoc) -> list[list[str | None]]:
    """The header block as rows of cells, laid out as `doc.layout` says."""
    rng = random.Random(doc.po)
    colon = "：" if doc.lang.startswith("zh") else ": "
    if doc.layout == "colon":
        return [[f"{label}{colon}{value}"] for label, value in doc.fields]
    if doc.layout == "nocolon":
        return [[f"{label} {value}"] for label, value in doc.fields]
    if doc.layout == "twocol":
        return [[label, value] for label, value in doc.fields]
    if doc.layout == "speck":
        return [[f"{_speck(label, rng)}{colon}{value}"] for label, value in doc.fields]
    rows: list[list[str | None]] = []
    for start in range(0, len(doc.fields), 3):  # boxes: three labels over their three values
        chunk = doc.fields[start:start + 3]
        rows.append([label for label, _ in chunk])
        rows.append([value for _, value in chunk])
    return rows


def order_rows(doc: HeaderDoc) -> list[list[str | None]]:
    """Title, header block, a blank row, then the line table."""
    title = {"zh-Hans": "采购订单", "zh-Hant": "採購訂單", "en": "PURCHASE ORDER", "de": "BESTELLUNG",
             "es": "PEDIDO DE COMPRA", "fr": "BON DE COMMANDE"}[doc.lang]
    return [[title], *header_rows(doc), [None], list(LINE_HEAD), *[list(r) for r in LINE_ROWS]]


def xlsx_bytes(doc: HeaderDoc) -> bytes:
    """The order as an Excel form: the header block in the first columns above the line table."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in order_rows(doc):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_bytes(doc: HeaderDoc) -> bytes:
    """The order in Word: two-column and box layouts as a table, the others as paragraphs."""
    import docx

    d = docx.Document()
    d.add_paragraph(order_rows(doc)[0][0])
    rows = header_rows(doc)
    if doc.layout in ("twocol", "boxes"):
        table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text or ""
    else:
        for row in rows:
            d.add_paragraph(row[0])
    lines = d.add_table(rows=1 + len(LINE_ROWS), cols=len(LINE_HEAD))
    for r, row in enumerate((LINE_HEAD, *LINE_ROWS)):
        for c, text in enumerate(row):
            lines.cell(r, c).text = text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _html_table(rows) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c or ''}</td>" for c in row) + "</tr>" for row in rows) + "</table>"


def mail_bytes(doc: HeaderDoc, *, html: bool, forwarded: bool = False) -> bytes:
    """The order in a mail body (HTML tables or plain text); `forwarded` wraps it in a colleague's
    forward, whose own Date header and banner lines must not become the order's fields."""
    rows = header_rows(doc)
    if html:
        block = (_html_table(rows) if doc.layout in ("twocol", "boxes")
                 else "".join(f"<p>{r[0]}</p>" for r in rows))
        body = f"<p>Hello,</p>{block}{_html_table((LINE_HEAD, *LINE_ROWS))}<p>{doc.buyer}</p>"
    else:
        block = "\n".join("    ".join(c or "" for c in r) for r in rows)
        body = "Hello,\n\n" + block + "\n\n" + "\n".join("\t".join(r) for r in (LINE_HEAD, *LINE_ROWS)) + f"\n\n{doc.buyer}\n"
    msg = EmailMessage()
    msg["From"] = "Colleague <sales@orderdesk.example.com>" if forwarded else "buyer@customer.example"
    msg["To"] = "orders@orderdesk.example.com"
    msg["Subject"] = ("Fwd: " if forwarded else "") + "Order"
    msg["Date"] = "Mon, 30 Nov 2026 09:00:00 +0800"
    if forwarded:
        banner = ("---------- Forwarded message ---------\nFrom: Buyer <buyer@customer.example>\n"
                  "Date: Fri, 27 Nov 2026 10:00\nSubject: Order\nTo: sales@orderdesk.example.com\n\n")
        body = ("FYI, please handle.\n\n" + banner + body) if not html else (
            "<p>FYI, please handle.</p><p>" + escape(banner).replace("\n", "<br>") + "</p>" + body)
    msg.set_content(body, subtype="html" if html else "plain")
    return msg.as_bytes()


def pdf_bytes(doc: HeaderDoc) -> bytes:
    """The order as a text PDF: boxes and two-column layouts drawn as ruled cells, others as lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    c.setFont("WQY", 14)
    c.drawString(220, height - 50, order_rows(doc)[0][0])
    c.setFont("WQY", 9)
    y = height - 90
    for row in header_rows(doc):
        for k, text in enumerate(row):
            x = 40 + k * 175 if doc.layout == "boxes" else 40 + k * 140
            if doc.layout in ("boxes", "twocol"):
                c.rect(x - 3, y - 5, 170 if doc.layout == "boxes" else 137, 16)
            c.drawString(x, y, text or "")
        y -= 16 if doc.layout in ("boxes", "twocol") else 15
    y -= 30
    xs = (40, 110, 260, 320, 370, 450)
    for row in (LINE_HEAD, *LINE_ROWS):
        for x, text in zip(xs, row):
            c.drawString(x, y, text)
        y -= 16
    c.showPage()
    c.save()
    return out.getvalue()


def titled_pdf(title: str, head: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> bytes:
    """A one-page text PDF: a title over a table, to see what a title in any language decides."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("Helvetica", 14)
    c.drawString(220, A4[1] - 50, title)
    c.setFont("Helvetica", 9)
    y = A4[1] - 120
    for row in (head, *rows):
        for x, text in zip((40, 80, 260, 340, 420), row):
            c.drawString(x, y, text)
        y -= 16
    c.showPage()
    c.save()
    return out.getvalue()
