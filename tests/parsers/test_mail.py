"""E-mail reading: charsets, encoded headers and names, attachment tricks, sender rules, HTML tables, limits.

Every message is generated here, with the standard library's email package or, for the broken
cases real mailers produce, as raw bytes.
"""
from __future__ import annotations

import base64
import io
import quopri
import time
import zipfile
from decimal import Decimal
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders

import pytest
from PIL import Image

from parsers.formats import mail
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.formats.htmltables import html_to_text
from parsers.formats.mailtext import decode_header, decode_text, filename
from parsers.model import ParsedOrder, ParseResult, Party, SourceKind, SourceRef
from parsers.registry import parse_document

ORDER = ("您好，订单如下：\n订单号：PO-7788\n订单日期：2026-11-18\n"
         "1. 瓦楞纸箱 400×300×250mm 500个 单价4.00元\n2. 封箱胶带 48mm 100卷 单价2.50元\n\n张三\n电话：0512-66668888\n")
CSV = "订单号,物料名称,数量,单位,单价\nPO-9001,瓦楞纸箱 400×300×250mm,500,个,4.00\nPO-9001,封箱胶带 48mm,100,卷,2.50\n"
BIG5_ORDER = ("您好，訂單如下：\nPO No.：PO-7788\nDate：2026-11-18\n"
              "1. 瓦楞紙箱 400×300×250mm 500個 單價4.00元\n2. 封箱膠帶 48mm 100卷 單價2.50元\n\n陳先生\n")
HEAD = b"From: buyer@customer.example.cn\r\nTo: orders@ours.example.com\r\nDate: Wed, 18 Nov 2026 09:30:00 +0800\r\n"


def read(data: bytes) -> ParseResult:
    return parse_document(data, ParseContext(path="in.eml"))


def text_mail(body: str, charset: str, cte: str = "base64", **headers: str) -> bytes:
    """A single-part text mail, its body in `charset` under the transfer encoding `cte`."""
    payload = body.encode(charset)
    encoded = base64.encodebytes(payload) if cte == "base64" else quopri.encodestring(payload)
    fields = {"From": "buyer@customer.example.cn", "To": "orders@ours.example.com", **headers}
    head = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in fields.items())
    return (head.encode("ascii") + f"Content-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode("ascii") + encoded)


def the_order(result: ParseResult) -> ParsedOrder:
    assert len(result.orders) == 1, result
    return result.orders[0]


def descriptions(order: ParsedOrder) -> list[str]:
    return [line.description or "" for line in order.lines]


# --- charsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("charset,cte", [("utf-8", "quoted-printable"), ("gbk", "base64"), ("gb18030", "quoted-printable"),
                                         ("big5", "base64")])
def test_body_in_each_chinese_charset(charset, cte):
    body = BIG5_ORDER if charset == "big5" else ORDER
    order = the_order(read(text_mail(body, charset, cte)))
    assert order.po_number == "PO-7788"
    assert [l.quantity for l in order.lines] == [Decimal(500), Decimal(100)]
    assert ("瓦楞紙箱" if charset == "big5" else "瓦楞纸箱") in descriptions(order)[0]


def test_gb2312_label_on_gbk_text_is_read_as_gbk():
    body = ORDER.replace("瓦楞纸箱", "瓦楞纸箱（镕）")  # 镕 is in GBK, not in GB2312
    raw = HEAD + b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body.encode("gbk")
    assert "镕" in descriptions(the_order(read(raw)))[0]


def test_gb2312_label_on_utf8_text_is_read_as_utf8():
    raw = HEAD + b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + ORDER.encode("utf-8")
    assert "瓦楞纸箱" in descriptions(the_order(read(raw)))[0]


def test_missing_charset_is_detected():
    raw = HEAD + b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + ORDER.encode("gbk")
    assert "瓦楞纸箱" in descriptions(the_order(read(raw)))[0]


def test_latin1_english_order():
    body = "Dear team,\nPO No.: FR-55\n1. CARTON 400x300x250 kraft - 500 pcs @ 4.00\nMerci, Stéphane Müller\n"
    order = the_order(read(text_mail(body, "iso-8859-1", "quoted-printable")))
    assert order.po_number == "FR-55" and order.lines[0].quantity == Decimal(500)


def test_iso_2022_jp_with_nec_extensions_and_big5_short_text():
    raw = "№41 ①".encode("cp932")  # NEC row 13: no Python ISO-2022-JP codec has it
    jis = b"\x1b$B" + bytes([0x2D, 0x62]) + b"\x1b(B41 " + b"\x1b$B" + bytes([0x2D, 0x21]) + b"\x1b(B"
    assert decode_text(jis, "iso-2022-jp") == "№41 ①" and raw
    assert decode_text("餐盒 500個".encode("big5"), None) == "餐盒 500個"
    assert decode_text("纸箱".encode("gbk"), None) == "纸箱"
    assert decode_text("Stück".encode("latin-1"), None) == "Stück"


# --- headers and names ---------------------------------------------------------------------------

def test_encoded_words_split_inside_a_character_are_joined():
    data = "订单变更 SF1117".encode("gbk")
    words = " ".join(f"=?gb2312?B?{base64.b64encode(data[i:i + 3]).decode()}?=" for i in range(0, len(data), 3))
    assert decode_header(words) == "订单变更 SF1117"


def test_raw_8bit_headers_in_utf8_and_gbk():
    raw = (b"From: \xe5\xbc\xa0\xe4\xb8\x89 <zhang@customer.example.cn>\r\nTo: orders@ours.example.com\r\n"
           b"Subject: " + "订单 PO-7788".encode("gbk") + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + ORDER.encode("utf-8"))
    msg = mail.read_message(raw)
    ctx = mail.message_context(msg, ParseContext(path="x"))
    assert ctx.subject == "订单 PO-7788" and ctx.sender_name == "张三" and ctx.sender == "zhang@customer.example.cn"


@pytest.mark.parametrize("disposition,content_type", [
    ("attachment; filename*=gb2312''%B6%A9%B5%A5.csv", None),
    ('attachment; filename="=?GBK?B?' + base64.b64encode("订单.csv".encode("gbk")).decode() + '?="', None),
    ("attachment; filename*0*=utf-8''%E8%AE%A2; filename*1*=%E5%8D%95.csv", None),
    (None, 'application/octet-stream; name="C:\\Users\\li\\订单.csv"'),
])
def test_attachment_names(disposition, content_type):
    assert filename(content_type, disposition) == "订单.csv"


def test_raw_8bit_attachment_name():
    raw = (HEAD + b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n'
           b'--B\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename="' + "订单.csv".encode("gbk")
           + b'"\r\n\r\n' + CSV.encode("utf-8") + b"\r\n--B--\r\n")
    order = the_order(read(raw))
    assert order.source.part == "订单.csv" and order.source.kind is SourceKind.CSV


# --- attachments ---------------------------------------------------------------------------------

def with_attachment(payload: bytes, maintype: str, subtype: str, name: str | None, disposition: str = "attachment",
                    body: str = "请见附件。") -> MIMEMultipart:
    outer = MIMEMultipart()
    outer["From"], outer["To"], outer["Subject"] = "buyer@customer.example.cn", "orders@ours.example.com", "PO"
    outer.attach(MIMEText(body, "plain", "utf-8"))
    part = MIMEBase(maintype, subtype)
    part.set_payload(payload)
    encoders.encode_base64(part)
    if name:
        part.add_header("Content-Disposition", disposition, filename=("utf-8", "", name))
    elif disposition:
        part.add_header("Content-Disposition", disposition)
    outer.attach(part)
    return outer


def test_inline_csv_from_apple_mail_is_an_attachment():
    order = the_order(read(with_attachment(CSV.encode("gbk"), "text", "csv", "订单.csv", "inline").as_bytes()))
    assert order.source.part == "订单.csv" and order.po_number == "PO-9001"
    assert order.buyer.email == "buyer@customer.example.cn"


def test_octet_stream_attachment_without_a_name_gets_one():
    raw = with_attachment(CSV.encode("utf-8"), "application", "octet-stream", None).as_bytes()
    order = the_order(read(raw))
    assert order.source.part == "attachment-1.bin" and order.source.kind is SourceKind.CSV


def test_zip_attachment_with_a_gbk_member_name():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("QQQQ.csv", CSV.encode("utf-8"))
    # Windows' zip writes the GBK bytes of the name and no UTF-8 flag; Python's would set the flag.
    archive = buf.getvalue().replace(b"QQQQ", "订单".encode("gbk"))
    order = the_order(read(with_attachment(archive, "application", "zip", "orders.zip").as_bytes()))
    assert order.source.part == "订单.csv" and len(order.lines) == 2


def test_forwarded_message_attachment_is_read_as_a_message():
    inner = text_mail(ORDER, "utf-8", "base64", From="li@customer.example.cn", Subject="PO-7788")
    outer = MIMEMultipart()
    outer["From"], outer["To"] = "zhang.wei@ours.example.com", "orders@ours.example.com"
    outer.attach(MIMEText("FYI", "plain"))
    part = MIMEBase("message", "rfc822")
    part.set_payload(base64.encodebytes(inner).decode())  # base64 on message/rfc822: wrong but common
    part["Content-Transfer-Encoding"] = "base64"
    outer.attach(part)
    order = the_order(read(outer.as_bytes()))
    assert order.po_number == "PO-7788" and order.buyer.email == "li@customer.example.cn"
    assert order.source.part == "PO-7788.eml"


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "PNG")
    return buf.getvalue()


def test_related_html_with_an_inline_logo():
    outer = MIMEMultipart("related")
    outer["From"], outer["To"] = "buyer@customer.example.cn", "orders@ours.example.com"
    outer.attach(MIMEText("<p>" + ORDER.replace("\n", "</p><p>") + '</p><img src="cid:logo">', "html", "utf-8"))
    logo = MIMEBase("image", "png")
    logo.set_payload(png(160, 40))
    encoders.encode_base64(logo)
    logo["Content-ID"] = "<logo>"
    logo.add_header("Content-Disposition", "inline", filename="logo.png")
    outer.attach(logo)
    result = read(outer.as_bytes())
    assert len(the_order(result).lines) == 2 and not result.failures


def test_fax_orders_carry_no_mail_address():
    fax = ParsedOrder(source=SourceRef("x", "FAX.tif", SourceKind.FAX), buyer=Party(email="fax@ours.example.com"))
    pdf = ParsedOrder(source=SourceRef("x", "po.pdf", SourceKind.PDF), buyer=Party(email="buyer@customer.example.cn"))
    out = mail._no_fax_email(ParseResult(orders=(fax, pdf)))
    assert out.orders[0].buyer.email is None and out.orders[1].buyer.email == "buyer@customer.example.cn"


# --- sender rules ---------------------------------------------------------------------------------

def sender_of(raw: bytes) -> str | None:
    return mail.message_context(mail.read_message(raw), ParseContext(path="x")).sender


def test_reply_to_of_a_no_reply_or_fax_sender():
    raw = text_mail(ORDER, "utf-8", From="noreply@portal.example.com", Reply_To="Li <li@customer.example.cn>")
    assert sender_of(raw) == "li@customer.example.cn"
    raw = text_mail(ORDER, "utf-8", From="buyer@customer.example.cn", Reply_To="other@customer.example.cn")
    assert sender_of(raw) == "buyer@customer.example.cn"


def test_our_staff_forwarding_the_customers_mail():
    body = "请处理。\n\n-------- 转发的邮件 --------\n发件人：穗丰采购 <suifeng@163.example.net>\n日期：2026年11月17日\n\n" + ORDER
    order = the_order(read(text_mail(body, "utf-8", From="zhang.wei@ours.example.com")))
    assert order.buyer.email == "suifeng@163.example.net"


def test_a_customer_quoting_our_mail_stays_the_sender():
    body = ORDER + "\n-----原始邮件-----\n发件人: orders@ours.example.com\n主题: 报价\n"
    assert the_order(read(text_mail(body, "utf-8"))).buyer.email == "buyer@customer.example.cn"


# --- HTML bodies ---------------------------------------------------------------------------------

OUTLOOK_TABLE = """<html><body><p>订单号：HT-42</p><p>订单日期：2026-11-18</p>
<table border=1><tr><td><p class=MsoNormal>序号</p></td><td><p>物料名称</p></td><td><p>数量</p></td><td><p>单位</p></td><td><p>单价</p></td><td><p>金额</p></td></tr>
<tr><td><p>1</p></td><td><p class=MsoNormal>瓦楞纸箱<br>400×300×250mm</p></td><td><p>500</p></td><td><p>个</p></td><td><p>4.00</p></td><td><p>2,000.00</p></td></tr>
<tr><td><p>2</p></td><td><p>封箱胶带 48mm</p></td><td><p>100</p></td><td><p>卷</p></td><td><p>2.50</p></td><td><p>250.00</p></td></tr>
<tr><td colspan=5><p>合计</p></td><td><p>2,250.00</p></td></tr></table><p>谢谢</p></body></html>"""


def test_html_table_rows_stay_whole_and_totals_keep_their_column():
    lines = html_to_text(OUTLOOK_TABLE).splitlines()
    assert "1\t瓦楞纸箱 400×300×250mm\t500\t个\t4.00\t2,000.00" in lines
    assert "合计\t\t\t\t\t2,250.00" in lines


def test_alternative_plain_and_html_give_one_order():
    msg = MIMEMultipart("alternative")
    msg["From"], msg["To"] = "buyer@customer.example.cn", "orders@ours.example.com"
    msg.attach(MIMEText("序号 物料名称 数量\n1 瓦楞纸箱 500\n(this plain version lost the table)", "plain", "utf-8"))
    msg.attach(MIMEText(OUTLOOK_TABLE, "html", "utf-8"))
    order = the_order(read(msg.as_bytes()))
    assert order.po_number == "HT-42" and order.stated_total == Decimal("2250.00")
    assert [l.quantity for l in order.lines] == [Decimal(500), Decimal(100)]


def test_newsletter_is_not_an_order():
    html = "<html><body><h1>November news</h1><p>Our new factory opened.</p><a href='x'>Unsubscribe</a></body></html>"
    msg = MIMEMultipart("alternative")
    msg["From"], msg["To"] = "news@supplier.example.com", "orders@ours.example.com"
    msg.attach(MIMEText("November news\nOur new factory opened.", "plain"))
    msg.attach(MIMEText(html, "html"))
    result = read(msg.as_bytes())
    assert not result.orders and not result.failures and result.not_orders


# --- limits ---------------------------------------------------------------------------------------

def nested(levels: int) -> bytes:
    data = HEAD + b"Content-Type: text/plain\r\n\r\n" + ORDER.encode("utf-8")
    for _ in range(levels):
        data = HEAD + b"Content-Type: message/rfc822\r\n\r\n" + data
    return data


@pytest.mark.parametrize("data", [
    nested(100), nested(3000),
    HEAD + b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n' + b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 20000 + b"--B--\r\n",
    HEAD + b"Subject: " + b"word " * 400_000 + b"\r\n\r\nbody\r\n",
])
def test_hostile_structures_fail_quickly_with_a_reason(data):
    start = time.perf_counter()
    with pytest.raises(ParseError):
        mail.parse(data, ParseContext(path="x"), parse_part=parse_document)
    result = read(data)
    assert time.perf_counter() - start < 5
    assert len(result.failures) == 1 and result.failures[0].reason.endswith(".")


def test_a_few_forwarding_levels_are_fine():
    assert len(the_order(read(nested(3))).lines) == 2
