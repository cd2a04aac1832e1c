"""Free-text orders: labels, numbered lines, aligned tables, codes, prose that is no order."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parsers.formats import textfile
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.model import SourceKind
from parsers.layout.textlines import orders_from_text

DATA = Path(__file__).parent.parent / "data" / "text"
MAIL = ParseContext(path="m.eml", sender="buyer@example.com", sent=date(2026, 11, 18), subject="订单")


def _read(text, ctx=MAIL):
    return orders_from_text(text, ctx, SourceKind.EMAIL)


def test_gb18030_wechat_order():
    """A GB18030 .txt: labelled header, numbered lines with glued units and 元 prices, 1.2万."""
    data = (DATA / "wechat-numbered-gb18030.txt").read_bytes()
    (order,) = textfile.parse(data, ParseContext(path="o.txt")).orders
    assert (order.po_number, order.order_date, order.delivery_date) == (
        "HW1120", date(2026, 11, 20), date(2026, 12, 14))
    assert order.buyer.name == "好味食品" and order.currency == "CNY"
    assert [(l.description, l.quantity, l.unit, l.unit_price) for l in order.lines] == [
        ("纸箱 500*400*300", Decimal(800), "个", Decimal("4.50")),
        ("彩盒 200×150×80mm 四色印刷", Decimal(2000), "个", Decimal("0.62")),
        ("PE瓶 1000ml 透明 38mm牙", Decimal(12000), "个", Decimal("0.90"))]
    assert [l.provenance.line for l in order.lines] == [7, 8, 9]


def test_english_aligned_table():
    """An English header line with an Item counter column, a placeholder code, a total line."""
    text = (DATA / "english-aligned.txt").read_text()
    (order,) = _read(text).orders
    assert (order.po_number, order.order_date, order.delivery_date) == (
        "AC-PO-5521", date(2026, 11, 18), date(2026, 12, 20))
    assert (order.currency, order.ship_to, order.stated_total) == (
        "USD", "12 Harbour Road, Singapore 123456", Decimal("4260.00"))
    assert order.buyer.name == "Acme Trading Pte. Ltd."
    assert [(l.customer_sku, l.description, l.quantity, l.unit, l.unit_price) for l in order.lines] == [
        ("AC-BOX-01", "CARTON 400X300X250", Decimal(1000), "CTN", Decimal("4.10")),
        (None, "CAP 28MM RED", Decimal(20000), "PCS", Decimal("0.008"))]


def test_english_bullets_with_at_prices_and_us_date():
    """"1. CARTON ... - 500 pcs @ 4.00" lines; "PO# 88123"; a US date in a sentence."""
    text = (DATA / "english-bullets.txt").read_text()
    (order,) = _read(text).orders
    assert order.po_number == "88123"
    assert [(l.description, l.quantity, l.unit, l.unit_price) for l in order.lines] == [
        ("CARTON 400x300x250", Decimal(500), "pcs", Decimal("4.00")),
        ("LABEL 100x100 thermal", Decimal(2), "rolls", Decimal("12.50"))]


def test_chinese_labelled_quantities_and_prices():
    """"1、名称，数量6000个，单价1.00元，金额6000.00元" lines and a 合计 with 人民币."""
    text = ("订单编号：AB-77\n订单日期：2026年11月16日\n交货日期：2026年12月8日\n\n"
            "1、PET广口罐 750ml 透明，数量6000个，单价1.00元，金额6000.00元\n"
            "2、标签 80×60mm 1000张/卷，数量12000张，单价0.0375元，金额450.00元\n\n"
            "合计：6,450.00元（人民币）\n")
    (order,) = _read(text).orders
    assert order.stated_total == Decimal("6450.00") and order.currency == "CNY"
    assert [(l.description, l.quantity, l.unit, l.unit_price, l.amount) for l in order.lines] == [
        ("PET广口罐 750ml 透明", Decimal(6000), "个", Decimal("1.00"), Decimal("6000.00")),
        ("标签 80×60mm 1000张/卷", Decimal(12000), "张", Decimal("0.0375"), Decimal("450.00"))]


def test_full_width_text_and_mail_date():
    """Full-width digits and colons; no printed order date takes the mail's date."""
    text = "订单号：ＳＦ１１１６\n１．PET瓶 500ml 透明　　数量：１０，０００个\n交货日期：２０２６年１１月３０日\n"
    (order,) = _read(text).orders
    assert (order.po_number, order.order_date, order.delivery_date) == ("SF1116", date(2026, 11, 18), date(2026, 11, 30))
    assert order.lines[0].quantity == Decimal(10000) and order.buyer.email == "buyer@example.com"


def test_code_at_line_start_and_yearless_delivery_in_prose():
    """Lines starting with a customer code; "11月27日前务必送到" is the delivery date."""
    text = "急单，先按下面的安排，11月27日前务必送到，谢谢！\n\nWY-SQ-400  400ml挤压瓶  4000个\nWY-CP-24R  红色尖嘴盖  10000个\n"
    (order,) = _read(text).orders
    assert order.po_number is None and order.delivery_date == date(2026, 11, 27)
    assert [(l.code, l.description) for l in order.lines] == [("WY-SQ-400", "400ml挤压瓶"), ("WY-CP-24R", "红色尖嘴盖")]


def test_chatty_lines_without_numbers_and_inline_po():
    """Unnumbered short lines with 万 quantities; "订单号YP-1" without a colon."""
    text = "你好～订单号YP-1，麻烦安排下：\n热敏纸50*30 1.2万张\nBOPP光膜80cm 3卷\n12月4日前到货哈，谢谢！\n"
    (order,) = _read(text).orders
    assert order.po_number == "YP-1" and order.delivery_date == date(2026, 12, 4)
    assert [(l.description, l.quantity, l.unit) for l in order.lines] == [
        ("热敏纸50*30", Decimal(12000), "张"), ("BOPP光膜80cm", Decimal(3), "卷")]


def test_change_order_reads_the_new_part_not_the_quoted_original():
    """A change order quoting the original below reads only the new lines and is a change."""
    new = "订单编号：SX-1\n1、纸箱 350×300×250mm，数量800个，单价3.83元\n"
    text = new + "\n------------------ 原始邮件 ------------------\n> 1、纸箱，数量600个\n"
    ctx = ParseContext(path="m", subject="订单变更 SX-1")
    (order,) = _read(text, ctx).orders
    assert order.is_change and [l.quantity for l in order.lines] == [Decimal(800)]


def test_tab_separated_table_with_total_row():
    """A tab table from an HTML-to-text body with a 合计 row."""
    text = "序号\t物料编码\t物料名称\t数量\t单位\t单价（元）\n1\tKL-1\t奶瓶\t24,000\t个\t0.79\n合计\t\t\t\t\t18,960.00\n"
    (order,) = _read(text).orders
    assert order.stated_total == Decimal("18960.00") and order.currency == "CNY"
    assert (order.lines[0].code, order.lines[0].quantity) == ("KL-1", Decimal(24000))


def test_prose_only_is_not_an_order():
    """Prose, an address and a phone number are no order lines: not_orders, no error."""
    result = textfile.parse((DATA / "prose-only.txt").read_bytes(), ParseContext(path="p.txt"))
    assert result.orders == () and result.not_orders == ("The text holds no order lines.",)


def test_request_for_quotation_is_not_an_order():
    """A 询价 text listing items and quantities gives no order."""
    text = "您好！请就以下物料报价：\n1. PP防盗盖 28mm 白色  预计年用量 600万个\n本邮件仅为询价，不作为订单。\n"
    assert _read(text).orders == ()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "big5", "utf-16"])
def test_textfile_decodes(encoding):
    """UTF-8 with BOM, GB18030, Big5 and UTF-16 with BOM all decode."""
    text = "訂單號：TW-1\n1. 紙箱 400*300  500個  4.00元\n" if encoding == "big5" else "订单号：TW-1\n1. 纸箱 400*300  500个  4.00元\n"
    (order,) = textfile.parse(text.encode(encoding), ParseContext(path="t.txt")).orders
    assert order.lines[0].quantity == Decimal(500)


def test_textfile_undecodable_raises():
    """Bytes that are no text in any supported encoding are a ParseError."""
    with pytest.raises(ParseError):
        textfile.parse(b"\x00\x9f\x92\x96" * 50, ParseContext(path="t.txt"))


@pytest.mark.parametrize("seed", range(8))
def test_a_total_printed_under_a_tabbed_table_without_a_colon_is_checked(seed):
    """Given a tab-separated table (an HTML mail's table as text) with numbered rows and a total line
    after it ("TOTAL 1,384.48", "Total EUR 99.00", "合计 12.00"), the total is read and checked against the
    lines, and the row numbers are checked: a total that disagrees fails the read."""
    import random

    from parsers.model import CheckName, CheckOutcome

    rng = random.Random(seed)
    rows = [(n, f"1.0{n}.00{n}", rng.randint(2, 900), Decimal(rng.randint(11, 999)) / 100) for n in range(1, rng.randint(2, 5))]
    total = sum(q * p for _, _, q, p in rows).quantize(Decimal("0.01"))
    printed = total + rng.choice((Decimal(0), Decimal(10)))
    label = rng.choice(("TOTAL {}", "Total EUR {}", "合计 {}", "Order Total {}"))
    text = "\n".join(["PEDIDO", "Pedido nº PO-77", "Línea\tCódigo\tCant.\tPrecio\tTotal"]
                     + [f"{n}\t{c}\t{q}\t{p}\t{q * p:,.2f}" for n, c, q, p in rows] + [label.format(f"{printed:,.2f}")])
    (order,) = orders_from_text(text, ParseContext(path="m.eml"), SourceKind.EMAIL).orders
    outcome = {c.check: c.outcome for c in order.read_checks}
    assert order.stated_total == printed
    assert outcome[CheckName.TOTAL] is (CheckOutcome.PASSED if printed == total else CheckOutcome.FAILED)
    assert outcome[CheckName.ROW_NUMBERS] is CheckOutcome.PASSED
