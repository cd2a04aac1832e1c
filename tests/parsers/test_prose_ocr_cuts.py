"""Order lines written as labelled fields or sentences, as a fax's OCR leaves them: a code's label
run into the code, a speck where a separator was, a dotted code or a price whose point was read as
a colon, counts whose thousands commas were read as points, and a line OCR left unreadable
(generated in every language the stress corpus writes prose in)."""
from __future__ import annotations

import random
import re
from decimal import ROUND_HALF_UP, Decimal as D

import pytest

from parsers.context import ParseContext
from parsers.layout.prose import labelled_line
from parsers.layout.textlines import orders_from_text
from parsers.model import CheckName, CheckOutcome, SourceKind

FAX = ParseContext(path="fax.tif")
MAIL = ParseContext(path="m.eml", sender="buyer@example.com", subject="PO")

# (line opener, customer-code labels, our-code labels, quantity word, price word) per language.
LATIN = {
    "en": ("Item {n}:", ["our P/N", "Buyer Item #", "our ref."], ["P/N", "Item Code"], "quantity", "unit price"),
    "de": ("Pos. {n}:", ["unsere Art.-Nr.", "Kunden-Art.-Nr."], ["Art.-Nr."], "Menge", "Einzelpreis"),
    "es": ("Línea {n}:", ["nuestra ref.", "ref. cliente"], ["ref.", "Código"], "cantidad", "precio unitario"),
    "fr": ("Ligne {n} :", ["notre réf.", "réf. client"], ["réf.", "Code article"], "quantité", "prix unitaire"),
}
ZH = {"cust": ["客户料号", "本司料號", "客户物料编码"], "ours": ["物料编码", "料号", "物料編碼"], "name": ["品名", "物料名"],
      "qty": ["数量", "订购数量", "訂購數量"], "price": ["单价", "含税單價"]}
NAMES = ["PE zip bag 60x30cm", "Bubble wrap 50cm double layer", "Hex bolt M15x240 zinc", "Work gloves 40cm"]
ZH_NAMES = ["自封袋", "气泡膜", "六角螺栓", "劳保手套"]
COUNTED = ["PCS", "EA", "pairs", "set", "roll", "BOX", "PACK", "個", "件", "箱", "卷", "雙"]
SPECKS = ["", "-", "'", ":", "·"]


def _cust_code(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHKLMNPRSTWZ") for _ in range(rng.randint(2, 3)))
    return f"{letters}-{rng.randint(10000, 99999)}"


def _our_code(rng: random.Random) -> str:
    return f"{rng.randint(1, 2)}.0{rng.randint(1, 4)}.{rng.randint(1000, 1099)}"


def _price(rng: random.Random) -> D:
    return D(rng.randint(101, 99999)).scaleb(-rng.choice([2, 4]))


def _latin_line(rng: random.Random, lang: str, n: int, code_label: str, code: str, qty: str, price: D) -> str:
    opener, _c, _o, qword, pword = LATIN[lang]
    return f"{opener.format(n=n)} {rng.choice(NAMES)} ({code_label}{code}), {qword} {qty}, {pword} {price} EUR"


def _assert_code_read(text: str, owner: str, code: str, qty: D, price: D) -> None:
    """The line read from `text` has the code as the owner's, the quantity and the price, and the
    code is no part of its description."""
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    read = got.customer_sku if owner == "cust" else (got.our_sku or got.code)
    assert (read, got.quantity, got.unit_price) == (code, qty, price), text
    assert code not in (got.description or ""), text


@pytest.mark.parametrize("seed", range(40))
def test_a_code_label_run_into_its_code_still_labels_the_code(seed):
    """Given a labelled line whose code label OCR ran into the code (the space lost, or a speck read
    in its place: "ourP/NKH-54735", "P/N-1.02.1019", "客户料号WP-41509"), the code is the line's code
    of the right owner, never part of the description."""
    rng = random.Random(seed)
    owner = rng.choice(["cust", "ours"])
    code = _cust_code(rng) if owner == "cust" else _our_code(rng)
    qty, price = rng.randint(2, 900), _price(rng)
    glue = rng.choice(SPECKS)
    if seed % 3 == 0:
        label = rng.choice(ZH[owner])
        text = (f"{seed + 1}、{label}{glue}{code}；{rng.choice(ZH['name'])}：{rng.choice(ZH_NAMES)}；"
                f"{rng.choice(ZH['qty'])}：{qty}个；{rng.choice(ZH['price'])}：CNY{price}")
    else:
        lang = rng.choice(sorted(LATIN))
        labels = LATIN[lang][1] if owner == "cust" else LATIN[lang][2]
        label = rng.choice(labels).replace(" ", rng.choice([" ", ""]))
        text = _latin_line(rng, lang, seed + 1, label + glue, code, f"{qty} PCS", price)
    _assert_code_read(text, owner, code, D(qty), price)


@pytest.mark.parametrize("seed", range(30))
def test_dotted_codes_and_prices_whose_point_ocr_read_as_a_colon(seed):
    """Given a dotted item code or a price whose point OCR read as a colon ("1.02:1019", "1:03.1020",
    "0:4725", "12:5"), the line keeps the code and the price."""
    rng = random.Random(seed)
    code, price = _our_code(rng), _price(rng)
    parts = code.split(".")
    k = rng.randrange(2)
    shown_code = ".".join(parts[:k + 1]) + ":" + ".".join(parts[k + 1:])
    shown_price = str(price).replace(".", rng.choice([":", ";"]))
    if len(str(price).partition(".")[2]) == 3 and not str(price).startswith("0"):
        shown_price = str(price)  # "12:345" could be a thousands comma: that reading is not asked here
    lang = rng.choice(sorted(LATIN))
    text = _latin_line(rng, lang, seed + 1, rng.choice(LATIN[lang][2]) + " ", shown_code, "40 PCS", price)
    text = text.replace(f" {price} EUR", f" {shown_price} EUR")
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert ((got.our_sku or got.code), got.unit_price) == (code, price), text


@pytest.mark.parametrize("seed", range(30))
def test_counts_whose_thousands_commas_ocr_read_as_points_stay_thousands(seed):
    """Given a quantity of counted things ("5.050件", "7,100 EA" read "7.100 EA") or any quantity
    with two points ("1.793.5 m"), in a document whose decimal mark is a point, the quantity is the
    thousands it was printed as; a measured quantity with three decimals ("1.357 kg") stays as read
    (and so does "10.000 PC", which some systems print for ten: the row checks decide that one)."""
    rng = random.Random(seed)
    counted = seed % 3 != 2
    if counted:
        qty = D(rng.randint(1, 99)) * 1000 + D(rng.randint(1, 99)) * 10
        unit, shown = rng.choice(COUNTED), f"{qty:,}".replace(",", ".")
    elif seed % 2:
        qty = D(rng.randint(1001, 99999)) + D("0.5")
        unit, shown = rng.choice(["m", "KG", "公斤", "米"]), f"{qty:,}".replace(",", ".")
    else:
        qty = D(rng.randint(1001, 9999)).scaleb(-3)
        unit, shown = rng.choice(["m", "KG", "公斤"]), str(qty)
    price = _price(rng)
    if rng.random() < 0.5:
        text = f"{seed + 1}.物料编码：{_our_code(rng)}；品名：自封袋；数量：{shown}{unit}；单价：CNY{price}"
    else:
        lang = rng.choice(sorted(LATIN))
        text = _latin_line(rng, lang, seed + 1, "P/N ", _our_code(rng), f"{shown} {unit}", price)
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert (got.quantity, got.unit_price) == (qty, price), text


@pytest.mark.parametrize("seed", range(20))
def test_a_speck_after_a_separator_does_not_hide_the_next_label(seed):
    """Given labelled fields whose separator OCR read as a colon with a speck after it ("…/箱：·数量：204箱"),
    the next label still starts its field: the quantity, unit and price are read, the code kept."""
    rng = random.Random(seed)
    code, qty, price = _cust_code(rng), rng.randint(2, 900), _price(rng)
    speck = rng.choice(["·", "•", "'", "`", " ·"])
    mark = rng.choice(["：", ":", "."])
    text = (f"{seed + 1}、客户料號：{code}；品名：六角螺栓；规格：M13×300镀锌100只/箱{mark}{speck}数量：{qty}箱"
            f"{mark}{speck}含税单價：NTD{price}")
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert (got.customer_sku, got.quantity, got.unit, got.unit_price) == (code, D(qty), "箱", price), text


def _order_text(rng: random.Random, lost: int, lines: int) -> tuple[str, list[str]]:
    lang = rng.choice(sorted(LATIN))
    codes, text = [], ["PURCHASE ORDER", "PO No.: 4500123456", "Order Date: 2026-11-18", ""]
    for n in range(1, lines + 1):
        code, qty, price = _our_code(rng), rng.randint(2, 900), _price(rng)
        line = _latin_line(rng, lang, n, "P/N ", code, f"{qty} PCS", price)
        if n == lost:  # OCR lost the number between the label and the unit: "quantit    irs"
            line = line.replace(f"{LATIN[lang][3]} {qty} PCS", rng.choice([f"{LATIN[lang][3][:-2]}    CS", "    S"]))
        else:
            codes.append(code)
        text.append(line)
    return "\n".join(text), codes


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("ctx, kind", [(FAX, SourceKind.FAX), (MAIL, SourceKind.EMAIL)])
def test_an_order_line_that_cannot_be_read_is_reported_not_dropped(seed, ctx, kind):
    """Given prose order lines of which one lost its quantity, the other lines are read in their
    order and a failed read check names the lost line, so the order cannot be accepted."""
    rng = random.Random(seed)
    count = rng.randint(2, 6)
    lost = rng.randint(1, count)
    text, codes = _order_text(rng, lost, count)
    (order,) = orders_from_text(text, ctx, kind).orders
    assert [l.our_sku or l.code for l in order.lines] == codes, text
    failed = [c for c in order.read_checks if c.check is CheckName.ROW_READ and c.outcome is CheckOutcome.FAILED]
    assert len(failed) == 1 and f"Line {lost} " in failed[0].message, (text, order.read_checks)


@pytest.mark.parametrize("text", [
    "1. Please deliver to the back gate before noon.",
    "2) Delivery: to dock 3, Mon-Fri 8-16",
    "Item 4: see the drawing attached",
])
def test_numbered_remarks_are_no_unread_order_lines(text):
    """A numbered remark under prose order lines names no quantity, price or code: no read check fails."""
    body = "\n".join(["PO No.: 4500123456", "Item 1: Hex bolt M8 (P/N 1.02.1010), quantity 40 PCS, unit price 0.25 EUR",
                      text])
    (order,) = orders_from_text(body, MAIL, SourceKind.EMAIL).orders
    assert not [c for c in order.read_checks if c.check is CheckName.ROW_READ], order.read_checks


@pytest.mark.parametrize("seed", range(16))
def test_a_printed_total_whose_point_ocr_read_as_a_colon_checks_the_lines(seed):
    """Given prose lines under a total whose decimal point OCR read as a colon ("Order Total 3,413:40"),
    the total is read as printed and the lines add up to it."""
    rng = random.Random(seed)
    lang = rng.choice(sorted(LATIN))
    text, total = ["PURCHASE ORDER", "PO No.: 4500123456", ""], D(0)
    for n in range(1, rng.randint(3, 7)):
        qty, price = rng.randint(2, 900), D(rng.randint(101, 9999)).scaleb(-2)
        text.append(_latin_line(rng, lang, n, "P/N ", _our_code(rng), f"{qty} PCS", price))
        total += qty * price
    shown = f"{total:,.2f}"
    text.append(f"{rng.choice(['Order Total', 'TOTAL', 'Total'])}{rng.choice([':', ''])} "
                f"{shown[:-3]}{rng.choice([':', ';'])}{shown[-2:]}")
    (order,) = orders_from_text("\n".join(text), FAX, SourceKind.FAX).orders
    assert order.stated_total == total, text
    assert not [c for c in order.read_checks if c.check is CheckName.TOTAL and c.outcome is CheckOutcome.FAILED]


# Code labels with a mark inside them that OCR may read as a colon, or a last point read as a comma.
MARKED_LABELS = {"de": ["unsere Art.-Nr.", "Art.-Nr.", "Kunden-Art.-Nr."], "en": ["our P/N", "Part No.", "our ref."],
                 "es": ["nuestra ref.", "ref. cliente"], "fr": ["notre réf.", "réf. client"]}


def _marred(rng: random.Random, label: str) -> str:
    """The label as OCR may read it: an inner point or hyphen read as a colon, or its last point as a comma."""
    inner = [i for i, ch in enumerate(label[:-1]) if ch in ".-/"]
    if label.endswith(".") and (not inner or rng.random() < 0.5):
        return label[:-1] + ","
    if not inner:
        return label
    i = rng.choice(inner)
    return label[:i] + ":" + label[i + 1:]


@pytest.mark.parametrize("seed", range(30))
def test_a_code_label_with_a_misread_mark_still_labels_its_code(seed):
    """Given a code label whose inner mark OCR read as a colon ("unsere Art:-Nr.") or whose last point
    it read as a comma ("unsere Art.-Nr, AME-61207"), the code is the line's, not the description's
    or a stray "-Nr." before it."""
    rng = random.Random(seed)
    lang = rng.choice(sorted(MARKED_LABELS))
    label = rng.choice(MARKED_LABELS[lang])
    owner = "cust" if label in LATIN[lang][1] or "Kunden" in label or "client" in label else "ours"
    code = _cust_code(rng) if owner == "cust" else _our_code(rng)
    qty, price = rng.randint(2, 900), _price(rng)
    text = _latin_line(rng, lang, seed + 1, _marred(rng, label) + " ", code, f"{qty} PCS", price)
    _assert_code_read(text, owner, code, D(qty), price)


@pytest.mark.parametrize("seed", range(20))
def test_specks_before_a_label_and_a_currency_sign_read_as_a_letter_after_a_price(seed):
    """Given a labelled line with specks read as marks before a label ("；：订购数量：", ".含税单价：") and a
    price whose currency sign after it OCR read as a letter ("1,98 E"), the line keeps its fields."""
    rng = random.Random(seed)
    code, qty, price = _our_code(rng), rng.randint(2, 900), _price(rng)
    if seed % 2:
        speck = rng.choice(["：", ":", ".", "·", "'"])
        text = (f"{seed + 1}.物料编码：{code}；物料名称：缠绕膜；规格型号：50mm×410um；{speck}订购数量：{qty}公斤；"
                f"{speck}含税单价：RMB{price}")
    else:
        lang = rng.choice(["de", "es", "fr"])
        text = _latin_line(rng, lang, seed + 1, "P/N ", code, f"{qty} PCS", price).replace(" EUR", rng.choice([" E", "E", " €"]))
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert ((got.our_sku or got.code), got.quantity, got.unit_price) == (code, D(qty), price), text


def _priced_lines(rng: random.Random, lang: str, count: int, amounts: bool) -> tuple[list[str], list[D]]:
    lines, exact = [], []
    for n in range(1, count + 1):
        qty, price = rng.randint(2, 2000), D(rng.randint(101, 99999)).scaleb(-4)
        line = _latin_line(rng, lang, n, "P/N ", _our_code(rng), f"{qty} PCS", price)
        amount = (qty * price).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        lines.append(line + (f", {dict(en='amount', de='Betrag', es='importe', fr='montant')[lang]} {amount}" if amounts else ""))
        exact.append(qty * price)
    return lines, exact


@pytest.mark.parametrize("seed", range(16))
def test_numbered_prose_lines_vouch_that_every_line_was_read(seed):
    """Given a faxed order of prose lines numbered "Item 1:".."Item N:" with their amounts and no
    printed total, the row numbers check passes; with a whole line lost from the read, it fails
    naming where."""
    rng = random.Random(seed)
    lang = rng.choice(sorted(LATIN))
    lines, _exact = _priced_lines(rng, lang, rng.randint(3, 8), amounts=True)
    head = ["PURCHASE ORDER", "PO No.: 4500123456", ""]
    (order,) = orders_from_text("\n".join(head + lines), FAX, SourceKind.FAX).orders
    numbered = [c for c in order.read_checks if c.check is CheckName.ROW_NUMBERS]
    assert [c.outcome for c in numbered] == [CheckOutcome.PASSED], order.read_checks
    lost = rng.randrange(1, len(lines) - 1)
    (order,) = orders_from_text("\n".join(head + lines[:lost] + lines[lost + 1:]), FAX, SourceKind.FAX).orders
    numbered = [c for c in order.read_checks if c.check is CheckName.ROW_NUMBERS]
    assert [c.outcome for c in numbered] == [CheckOutcome.FAILED], order.read_checks


@pytest.mark.parametrize("seed", range(12))
def test_a_total_of_line_amounts_rounded_to_cents_checks_lines_that_print_none(seed):
    """Given many prose lines with four-decimal prices and no amounts under a total their system
    summed from amounts rounded to cents (which differs from the sum of the exact products by more
    than a cent), the total check passes; with one quantity misread by one it fails."""
    rng = random.Random(seed)
    lang = rng.choice(sorted(LATIN))
    while True:
        lines, exact = _priced_lines(rng, lang, rng.randint(12, 30), amounts=False)
        total = sum(e.quantize(D("0.01"), rounding=ROUND_HALF_UP) for e in exact)
        if abs(total - sum(exact)) > D("0.01") and all(e > 1 for e in exact):
            break
    head, tail = ["PURCHASE ORDER", "PO No.: 4500123456", ""], [f"Order Total: {total:,.2f}"]
    (order,) = orders_from_text("\n".join(head + lines + tail), FAX, SourceKind.FAX).orders
    totals = [c for c in order.read_checks if c.check is CheckName.TOTAL]
    assert [c.outcome for c in totals] == [CheckOutcome.PASSED], order.read_checks
    assert [l.quantity * l.unit_price for l in order.lines] == exact, totals  # no line "re-read" to fit
    k = rng.randrange(len(lines))
    qty = re.search(r" (\d+) PCS", lines[k]).group(1)
    lines[k] = lines[k].replace(f" {qty} PCS", f" {int(qty) + 1} PCS")
    (order,) = orders_from_text("\n".join(head + lines + tail), FAX, SourceKind.FAX).orders
    assert CheckOutcome.PASSED not in [c.outcome for c in order.read_checks if c.check is CheckName.TOTAL]


@pytest.mark.parametrize("seed", range(16))
def test_a_speck_before_a_whole_quantity_is_no_decimal_point(seed):
    """Given a quantity OCR read with a speck before it as a mark ("quantity .284 box", "数量：·97个"),
    the line keeps the whole quantity; before, the line was lost."""
    rng = random.Random(seed)
    code, qty, price = _our_code(rng), rng.randint(2, 999), _price(rng)
    speck = rng.choice([".", ",", "·", "'", ":"])
    if seed % 2:
        text = f"{seed + 1}、物料编码：{code}；品名：自封袋；数量：{speck}{qty}{rng.choice(COUNTED)}；单价：CNY{price}"
    else:
        lang = rng.choice(sorted(LATIN))
        text = _latin_line(rng, lang, seed + 1, "P/N ", code, f"{speck}{qty} {rng.choice(COUNTED)}", price)
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert ((got.our_sku or got.code), got.quantity, got.unit_price) == (code, D(qty), price), text


@pytest.mark.parametrize("seed", range(24))
def test_a_price_among_the_remains_of_its_currency_is_read(seed):
    """Given a price whose currency OCR left with a speck read as a mark ("US$. 1.32", "USD.0.8497"),
    as a symbol ("6,28 ∈."), or with the price's leading 0 read as an O after the code ("CNYO.1912"),
    the line keeps its price."""
    rng = random.Random(seed)
    code, qty = _our_code(rng), rng.randint(2, 900)
    price = D(rng.randint(101, 9999)).scaleb(-4) if seed % 3 else D(rng.randint(101, 9999)).scaleb(-2)
    cur = rng.choice(["US$", "USD", "EUR", "CNY", "NT$", "HK$"])
    shown = rng.choice([f"{cur}. {price}", f"{cur}.{price}", f"{price} ∈.", f"{price} {cur}.", f"{cur}: {price}"])
    if str(price).startswith("0") and rng.random() < 0.5:
        shown = f"{rng.choice(['CNY', 'USD', 'RMB'])}O{str(price)[1:]}"
    if seed % 2:
        text = f"{seed + 1}、物料编码：{code}；品名：瓶盖；订购数量：{qty}只；单价(元)：{shown}"
    else:
        text = _latin_line(rng, rng.choice(sorted(LATIN)), seed + 1, "P/N ", code, f"{qty} PCS", price)
        text = text.replace(f"{price} EUR", shown)
    got = labelled_line(text, 0, mark=".")
    assert got is not None, text
    assert ((got.our_sku or got.code), got.quantity, got.unit_price) == (code, D(qty), price), text
