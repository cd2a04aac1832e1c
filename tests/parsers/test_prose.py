"""Order lines written as labelled fields or sentences, and change requests in prose (generated)."""
from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal as D

import pytest

from parsers.context import ParseContext
from parsers.layout.prose import labelled_line
from parsers.layout.textlines import orders_from_text
from parsers.model import CheckName, SourceKind

MAIL = ParseContext(path="m.eml", sender="buyer@example.com", sent=date(2026, 11, 18), subject="采购")

ZH_LABELS = {"code": ["物料编码", "料号", "编码"], "name": ["名称", "品名", "物料名称"], "spec": ["规格", "规格型号"],
             "qty": ["数量", "订购数量", "采购数量"], "price": ["单价", "含税单价"]}
EN_LABELS = {"code": ["P/N", "Part No.", "Item Code"], "name": ["Description", "Product"],
             "qty": ["quantity", "Qty", "qty ordered"], "price": ["unit price", "Price"]}
ITEMS = [("1.04.0047", "PE自封袋", "200x300mm", "PE zip bag"), ("2.01.0012", "CPP流延膜", "25μm", "CPP film"),
         ("5.01.0006", "PET瓶", "500ml", "PET bottle"), ("3.01.0030", "热敏纸标签", "50x30mm", "thermal label")]
UNITS = ["个", "PCS", "M", "卷", "包", "PK", "pairs", "箱"]


def _qty(rng: random.Random) -> tuple[D, str]:
    value = D(rng.choice([12, 120, 500, 2000, 15000, 30000]))
    return value, (f"{value:,}" if rng.random() < 0.5 else str(value))


def _zh_line(rng, n, item, qty_text, unit, price):
    parts = [(rng.choice(ZH_LABELS["code"]), item[0]), (rng.choice(ZH_LABELS["name"]), item[1]),
             (rng.choice(ZH_LABELS["spec"]), item[2]), (rng.choice(ZH_LABELS["qty"]), f"{qty_text}{rng.choice(['', ' '])}{unit}"),
             (rng.choice(ZH_LABELS["price"]), f"{rng.choice(['￥', '¥', ''])}{price}")]
    colon, sep = rng.choice(["：", ":"]), rng.choice(["；", "; ", "，", " | "])
    return rng.choice([f"{n}. ", f"第{n}项：", ""]) + sep.join(f"{k}{colon}{v}" for k, v in parts)


def _en_line(rng, n, item, qty_text, unit, price):
    code = f"({rng.choice(EN_LABELS['code'])} {item[0]})"
    qty = f"{rng.choice(EN_LABELS['qty'])}{rng.choice([' ', ': '])}{qty_text} {unit}"
    cost = f"{rng.choice(EN_LABELS['price'])}{rng.choice([' ', ': '])}{rng.choice(['USD ', '$', ''])}{price}"
    return f"{rng.choice(['Item', 'Line'])} {n}: {item[3]} {code}, {qty}, {cost}"


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("writer", [_zh_line, _en_line])
def test_lines_written_as_labelled_fields_keep_code_quantity_unit_and_price(seed, writer):
    """Given an e-mail whose lines are labelled fields in random label synonyms, separators and
    number forms, every line comes back with its code, quantity, unit and price."""
    rng = random.Random(seed)
    items = rng.sample(ITEMS, rng.randint(1, 4))
    want, body = [], ["您好，请安排以下订单：" if writer is _zh_line else "Hello, please supply:", ""]
    for n, item in enumerate(items, start=1):
        qty, qty_text = _qty(rng)
        unit, price = rng.choice(UNITS), f"{rng.randint(1, 999) / 100:.2f}"
        body.append(writer(rng, n, item, qty_text, unit, price))
        want.append((item[0], qty, unit, D(price)))
    body += ["", "PO: SO-" + str(seed + 1000), "谢谢"]
    (order,) = orders_from_text("\n".join(body), MAIL, SourceKind.EMAIL).orders
    got = [(l.code or l.our_sku or l.customer_sku, l.quantity, l.unit, l.unit_price) for l in order.lines]
    assert got == want


def _scanned(rng: random.Random, text: str) -> str:
    """The line as OCR may read it from a fax: a separator read as a colon or a dot, the space
    after a label as a dot ("unit price.USD")."""
    text = re.sub(r"[；;](?= ?[\u4e00-\u9fff])", lambda m: rng.choice([m.group(0), ":", "："]), text)
    text = re.sub(r", (?=[a-zA-Z])", lambda m: rng.choice([", ", ". "]), text)
    return re.sub(r"(?<=price) (?=[A-Z$])", lambda m: rng.choice([" ", "."]), text)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("writer", [_zh_line, _en_line])
def test_labelled_fields_read_back_when_ocr_garbled_their_separators(seed, writer):
    """Given labelled-field lines whose separators a scan turned into colons or dots, each field
    still starts at its label: no unit like "个:单价:" or "price.USD 1.46", no price lost."""
    rng = random.Random(seed)
    item, (qty, qty_text) = rng.choice(ITEMS), _qty(rng)
    unit, price = rng.choice(UNITS), f"{rng.randint(1, 999) / 100:.2f}"
    text = _scanned(rng, writer(rng, 1, item, qty_text, unit, price))
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert (got.code, got.quantity, got.unit, got.unit_price) == (item[0], qty, unit, D(price)), text


ZH_CHANGE = ["订单{po}第{n}行{item}的数量由{old}{u}改为{new}{u}", "您好，订单{po} 第{n}行 {item} 的数量由 {old}{u} 改为 {new}{u}，谢谢",
             "关于订单 {po}：第{n}项数量从{old}{u}调整为{new}{u}。"]
EN_CHANGE = ["Regarding PO {po}, please change the quantity of line {n} from {old} {u} to {new} {u}.",
             "PO {po}: line {n} ({item}) qty from {old} {u} to {new} {u}, thanks",
             "Please amend PO {po}: line {n}, {item}, change the quantity from {old} {u} to {new} {u}. All else unchanged."]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("forms", [ZH_CHANGE, EN_CHANGE])
def test_a_change_request_in_a_sentence_is_a_change_order_with_the_changed_line(seed, forms):
    """Given a mail asking in a sentence to change line N's quantity of a PO, the result is a change
    order for that PO holding line N with the new quantity (and the old one nowhere)."""
    rng = random.Random(seed)
    po, n = f"PO-2026-{rng.randint(100, 999)}", rng.randint(1, 9)
    old, new = rng.choice([(15000, 30000), (800, 1200), (50, 20), (D("1714.5"), D("5143.5")), (D("1783.5"), 3567)])
    item, unit = rng.choice(ITEMS), rng.choice(["pcs", "个", "卷", "PK", "公斤", "KG"])
    text = rng.choice(forms).format(po=po, n=n, item=f"{item[1]}（{item[0]}）", old=f"{old:,}", new=f"{new:,}", u=unit)
    (order,) = orders_from_text("您好，\n" + text + "\n\n采购部 张三", MAIL, SourceKind.EMAIL).orders
    assert order.is_change and order.po_number == po
    (line,) = order.lines
    assert (line.line_no, line.quantity, line.unit) == (n, D(new), unit)
    (doubt,) = [c for c in order.doubts() if c.check is CheckName.CHANGE_REQUEST]
    assert f"line {n}" in doubt.message and po in doubt.message


# Spanish, French and German forms: the field's word before or after the line's number, "de/von"
# before the old value, "a/à/auf" before the new one; numbers in the language's own forms.
LATIN_CHANGE = {
    "es": ["Por favor, cambiar la cantidad de la línea {n} de {old} {u} a {new} {u}.",
           "Por favor modifiquen el pedido {po}: línea {n}, {item}, cantidad de {old} {u} a {new} {u}.",
           "Pedido {po} - Línea {n} ({item}): la cantidad pasa de {old} {u} a {new} {u}, gracias."],
    "fr": ["Merci de modifier la quantité de la ligne {n} de {old} {u} à {new} {u}.",
           "Merci de modifier la commande {po} : ligne {n}, {item}, quantité de {old} {u} à {new} {u}.",
           "Commande n° {po}, ligne {n} ({item}) : merci de passer la quantité de {old} {u} à {new} {u}."],
    "de": ["Bitte ändern Sie die Menge von Pos. {n} von {old} {u} auf {new} {u}.",
           "Bitte ändern Sie in Bestellung {po} die Menge von Pos. {n} ({item}) von {old} {u} auf {new} {u}.",
           "Bestellung Nr. {po}, Position {n} ({item}): Menge bitte von {old} {u} auf {new} {u} ändern."],
}


def _written(value: D, form: str) -> str:
    """A number written 1,234.5 (dot), 1.234,5 (comma) or 1 234,5 (space)."""
    text = f"{value:,}"
    return {"dot": text, "comma": text.replace(",", "_").replace(".", ",").replace("_", "."),
            "space": text.replace(",", " ").replace(".", ",")}[form]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("lang", ["es", "fr", "de"])
def test_a_change_request_in_spanish_french_or_german_is_a_change_order(seed, lang):
    """Given a Spanish, French or German sentence asking to change line N's quantity (numbers
    written with either decimal mark), the result is a change order holding line N's new quantity."""
    rng = random.Random(seed)
    po, n = f"PO-2026-{rng.randint(100, 999)}", rng.randint(1, 9)
    old, new = rng.choice([(15000, 30000), (800, 1200), (50, 20), (1500, 3000), (D("1714.5"), D("5143.5"))])
    form = rng.choice(["dot", "comma"] + (["space"] if lang == "fr" else []))
    item, unit = rng.choice(ITEMS), rng.choice(["pcs", "PK", "KG", "Stück" if lang == "de" else "pièces" if lang == "fr" else "cajas"])
    text = rng.choice(LATIN_CHANGE[lang]).format(po=po, n=n, item=f"{item[3]}, ref. {item[0]}",
                                                 old=_written(D(old), form), new=_written(D(new), form), u=unit)
    (order,) = orders_from_text("Hola,\n\n" + text + "\n\nSaludos", MAIL, SourceKind.EMAIL).orders
    assert order.is_change
    (line,) = order.lines
    assert (line.line_no, line.quantity, line.unit) == (n, D(new), unit)
    if "{po}" in text or po in text:
        assert order.po_number == po


@pytest.mark.parametrize("text, field, value", [
    ("línea 3: precio unitario de 1,20 a 1,10 EUR", "unit_price", D("1.10")),
    ("ligne 2 : prix unitaire de 1,20 € à 1,10 €", "unit_price", D("1.10")),
    ("ligne 2, date de livraison du 12/11/2026 au 20/11/2026", "delivery_date", date(2026, 11, 20)),
    ("Pos. 4: Liefertermin von 12.11.2026 auf 27.11.2026", "delivery_date", date(2026, 11, 27)),
])
def test_price_and_date_changes_in_other_languages(text, field, value):
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    (line,) = order.lines
    assert order.is_change and getattr(line, field) == value


@pytest.mark.parametrize("text", [
    "Ligne 1 : quantité 100 à 2,50 EUR",        # "à" says "at" a price here: no "de" before the 100
    "Pos. 2: Menge 100 Stück à 0,90 EUR",
    "La línea 2 llegó ayer de 10 a 12 horas.",  # no changeable field named before
])
def test_latin_sentences_that_change_nothing_are_no_change(text):
    orders = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    assert not any(o.is_change for o in orders)


def test_a_price_change_request_names_the_new_price():
    text = "订单 HX-778 第3项单价由1.20元改为1.10元，其余不变。"
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    assert order.is_change and order.po_number == "HX-778"
    assert [(l.line_no, l.unit_price, l.quantity) for l in order.lines] == [(3, D("1.10"), None)]


@pytest.mark.parametrize("text", [
    "我们的仓库第2行货架的数量不多，谢谢。",
    "Item 2 was delivered to the dock yesterday.",
    "Please call line 2 at 13800000000.",
])
def test_sentences_that_change_nothing_give_no_order(text):
    assert not orders_from_text(text, MAIL, SourceKind.EMAIL).orders


@pytest.mark.parametrize("seed", range(10))
def test_labelled_fields_in_a_german_mail_read_its_numbers_its_way(seed):
    """Given German labelled lines (Menge: 4.000 Stück; Preis: 0,009 EUR), 4.000 is four thousand."""
    rng = random.Random(seed)
    qty, price = rng.choice([(4000, "0,009"), (12000, "1,25"), (2500, "12,40")])
    qty_text = f"{qty:,}".replace(",", ".")
    unit = rng.choice(["Stück", "Stk", "Karton"])
    text = f"Guten Tag,\n\nItem Code: A-{seed}00; Description: Schraube M4; Qty: {qty_text} {unit}; Price: {price} EUR\n\nDanke"
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    (got,) = order.lines
    assert (got.quantity, got.unit_price) == (D(qty), D(price.replace(",", ".")))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("style", ["de", "en"])
def test_free_lines_read_their_numbers_under_the_mails_decimal_mark(seed, style):
    """Given free lines "Schraube M4 4.000 Stück à 0,009 EUR" (or 4,000 pcs @ 0.009), each
    quantity and price reads as the mail means it."""
    rng = random.Random(seed)
    want, body = [], ["Hallo," if style == "de" else "Hello,", ""]
    for n in range(1, rng.randint(2, 4)):
        qty, price = rng.choice([(4000, "0.009"), (12000, "1.25"), (250, "12.40"), (2500, "0.69")])
        q, p = f"{qty:,}", price
        if style == "de":
            q, p = q.replace(",", "."), p.replace(".", ",")
        body.append(f"{n}. Schraube M{n} {q} {'Stück' if style == 'de' else 'pcs'} {'à' if style == 'de' else '@'} {p} EUR")
        want.append((D(qty), D(price)))
    (order,) = orders_from_text("\n".join(body), MAIL, SourceKind.EMAIL).orders
    assert [(line.quantity, line.unit_price) for line in order.lines] == want


def test_a_change_request_names_the_item_without_its_code_label_or_verb():
    text = "Please amend PO PO-2026-2005: line 9, Bubble wrap (P/N KJG-91013), change the quantity from 321 M to 642 M."
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    (line,) = order.lines
    assert (line.line_no, line.code, line.description, line.quantity, line.unit) == (9, "KJG-91013", "Bubble wrap", D(642), "M")


def _faxed_zh_line(rng: random.Random, n: int, item, qty: D, price: D, cust: str | None) -> list[str]:
    """A labelled line as a fax's OCR gives it: wrapped before its amount ("小計：…" on the next
    line), its currency word cut short or run into a mark, a thousands comma read as a dot, and
    a customer code followed by the next label garbled."""
    qty_text = f"{qty:,}".replace(",", rng.choice([",", "."]))
    money = f"{price}{rng.choice(['港幣；', '港；', '港币：', '港', '元'])}"
    name_label = rng.choice(['產品名稱', '產品名种', '產品名', '品名'])
    code = f"{'客戶料號' if cust else '物料編碼'}：{cust or item[0]}{rng.choice(['；', '：'])}{name_label}：{item[1]}"
    speck = rng.choice(["", "", "：", "·"])
    first = f"{speck}{n}、{code}；規格：{item[2]}；{rng.choice(['數量', '訂購數量', '言購数量'])}：{qty_text}" \
            f"{rng.choice(['個', '件', '卷'])}；單價：{money}"
    return [first, f"{rng.choice(['小計', '金額'])}：{qty * price:,.2f}"]


@pytest.mark.parametrize("seed", range(20))
def test_a_faxed_labelled_line_wrapped_before_its_amount_is_read_whole_and_checked(seed):
    """Given a faxed order of labelled lines, each wrapped before its amount, OCR noise in marks,
    currency words, labels and thousands commas, every line keeps its code, quantity, price and amount,
    and the rows add up (the row arithmetic took "1.313" for 1,313)."""
    rng = random.Random(seed)
    items = rng.sample(ITEMS, rng.randint(1, 4))
    cust = rng.random() < 0.4
    text, want = ["採購訂單", "訂單編號：PO-" + str(seed + 500), "日期：2026-11-18", ""], []
    for n, item in enumerate(items, start=1):
        qty, price = D(rng.choice([1313, 2500, 680, 117, 3000])), D(rng.choice(["1.21", "18.88", "0.1752", "52.04"]))
        code = f"AB-{seed}{n}0" if cust else None
        text += _faxed_zh_line(rng, n, item, qty, price, code)
        want.append((code or item[0], qty, price, (qty * price).quantize(D("0.01"))))
    text.append(f"總計：{sum(w[3] for w in want):,.2f}")
    (order,) = orders_from_text("\n".join(text), ParseContext(path="fax.tif"), SourceKind.FAX).orders
    got = [(l.customer_sku or l.code, l.quantity, l.unit_price, l.amount) for l in order.lines]
    assert got == want, "\n".join(text)
    assert not [c for c in order.read_checks if c.outcome.value != "passed"]


def test_an_order_subtotal_after_the_last_line_is_not_taken_as_its_amount():
    """A "小计" that the last line's arithmetic does not agree with is the order's, not the line's."""
    text = ["采购订单", "订单号：PO-9", "1、物料编码：1.04.0047；品名：PE自封袋；数量：100个；单价：2.00", "小计：900.00"]
    (order,) = orders_from_text("\n".join(text), ParseContext(path="fax.tif"), SourceKind.FAX).orders
    assert order.lines[0].amount is None


# (line word, customer-code label, our-code label, qty, price, amount) as the stress writer's languages print them
LATIN_PROSE = [("Item", "our P/N", "P/N", "quantity", "unit price", "amount"),
               ("Línea", "nuestra ref.", "ref.", "cantidad", "precio unitario", "importe"),
               ("Pos.", "unsere Art.-Nr.", "Art.-Nr.", "Menge", "Einzelpreis", "Betrag"),
               ("Ligne", "notre réf.", "réf.", "quantité", "prix unitaire", "montant")]


def _ocr_slips(rng: random.Random, text: str) -> str:
    """What a fax's OCR does to a sentence: a space after a word read as a dot or colon or lost
    before a number, a speck after a number read as a mark, a mark between number and unit."""
    text = re.sub(r"(?<=[a-zé]) (?=\d)", lambda m: rng.choice([" ", ".", "", ":"]), text)
    text = re.sub(r"(?<=\d) (?=EUR)", lambda m: rng.choice([" ", ". ", "."]), text)
    return re.sub(r"(?<=\d) (?=[A-Z]{2,3},)", lambda m: rng.choice([" ", "-"]), text)


@pytest.mark.parametrize("seed", range(24))
def test_faxed_sentences_with_ocr_slips_and_a_page_break_keep_their_lines(seed):
    """Given order lines written as sentences, wrapped, one of them across a page footer, with the
    slips OCR makes in spaces and marks, every line keeps its codes, quantity, unit, price and amount."""
    rng = random.Random(seed)
    words = rng.choice(LATIN_PROSE)
    text, want = ["PEDIDO", "Nº de pedido: 0006/53", "Fecha: 2026-11-15", ""], []
    for n, item in enumerate(rng.sample(ITEMS, 4), start=1):
        qty, price = D(rng.choice([154, 1040, 3700, 9700, 41])), D(rng.choice(["1.51", "0.0034", "2.28", "0.241"]))
        amount = (qty * price).quantize(D("0.01"))
        cust = f"KRM-{rng.randint(10000, 99999)}"
        head = f"{words[0]} {n}: {item[3]} ({words[1]} {cust}, {words[2]} {item[0]}), {words[3]} {qty:,}".replace(",", "_")
        tail = f"{rng.choice(['EA', 'RL', 'PK'])}, {words[4]} {str(price).replace('.', ',')} EUR, {words[5]} " \
               f"{str(amount).replace('.', ',')}"
        head = head.replace("_", ",").replace(f"{qty:,}", f"{qty:,}".replace(",", "."))
        text += [_ocr_slips(rng, head), _ocr_slips(rng, tail)] + (["Página 1 de 2"] if n == 2 else [])
        want.append((cust, item[0], qty, price, amount))
    text.append(f"TOTAL: {str(sum(w[4] for w in want)).replace('.', ',')}")
    (order,) = orders_from_text("\n".join(text), ParseContext(path="fax.tif"), SourceKind.FAX).orders
    got = [(l.customer_sku, l.code or l.our_sku, l.quantity, l.unit_price, l.amount) for l in order.lines]
    assert got == want, "\n".join(text)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("writer", [_zh_line, _en_line])
def test_a_faxed_labelled_line_whose_unit_reads_with_a_digit_keeps_its_quantity(seed, writer):
    """Given a labelled line whose unit a scan read with a look-alike digit ("B0X", "PC5", "PK5")
    or a speck after it ("kg:"), the line keeps its quantity and its unit as read, never dropped."""
    rng = random.Random(seed)
    item, (qty, qty_text) = rng.choice(ITEMS), _qty(rng)
    unit = rng.choice(["B0X", "PC5", "PK5", "R0LL", "K6S", "kg:", "PCS."])
    price = f"{rng.randint(1, 999) / 100:.2f}"
    got = labelled_line(writer(rng, 1, item, qty_text, unit, price), 0, mark=".")
    assert got is not None
    assert (got.code, got.quantity, got.unit, got.unit_price) == (item[0], qty, unit.rstrip(":."), D(price))


@pytest.mark.parametrize("seed", range(20))
def test_faxed_labelled_lines_whose_number_marks_ocr_misread_keep_their_numbers(seed):
    """Given a faxed order of labelled lines whose thousands commas OCR read as a semicolon, a colon
    or a point ("1;315M", "12.778.20") and whose amount's decimal point it read as a colon ("1.893:60"),
    every line keeps its quantity and amount, and the rows and total check out."""
    rng = random.Random(seed)
    items = rng.sample(ITEMS, rng.randint(1, 4))
    text, want = ["采购订单", "订单编号：PO-" + str(seed + 700), "日期：2026-11-18", ""], []
    for n, item in enumerate(items, start=1):
        qty, price = D(rng.choice([1315, 2500, 1145, 11, 30000])), D(rng.choice(["1.44", "11.16", "43.56", "0.52"]))
        amount = (qty * price).quantize(D("0.01"))
        qty_text = f"{qty:,}".replace(",", rng.choice([";", ":", ","]))
        amount_text = f"{amount:,.2f}"
        amount_text = rng.choice([amount_text.replace(",", "."), amount_text[:-3] + ":" + amount_text[-2:], amount_text])
        text.append(f"{n}.料号：{item[0]}；物料名称：{item[1]}；采购数量：{qty_text}{rng.choice(['M', '个', '千克'])}；"
                    f"单价：CNY{price}；金额：{amount_text}")
        want.append((item[0], qty, price, amount))
    text.append(f"总计：{sum(w[3] for w in want):,.2f}")
    (order,) = orders_from_text("\n".join(text), ParseContext(path="fax.tif"), SourceKind.FAX).orders
    got = [(l.code, l.quantity, l.unit_price, l.amount) for l in order.lines]
    assert got == want, "\n".join(text)
    assert not [c for c in order.read_checks if c.outcome.value != "passed"], "\n".join(text)


@pytest.mark.parametrize("gap", [" ", ""])
def test_a_dotted_label_glued_to_its_code_keeps_the_code(gap):
    """Given "unsere Art.-Nr.AEP-35310" (OCR lost the space after a label that ends in a dot), the
    customer's code is read as with the space (an order was accepted with it lost)."""
    text = (f"Pos. 3: Deep groove bearing 6214-2RS (unsere Art.-Nr.{gap}AEP-35310, Art.-Nr. 1.02.1010), "
            "Menge 130 set, Einzelpreis 4,30 €, Betrag 559,00")
    got = labelled_line(text, 0, mark=",")
    assert got is not None
    assert (got.customer_sku, got.code, got.quantity, got.unit_price) == ("AEP-35310", "1.02.1010", D(130), D("4.30"))
