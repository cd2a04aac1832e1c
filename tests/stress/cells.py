"""The texts of a stress document, before any layout: field values, table cells, prose lines.

Both the page layout (PDF, fax) and the e-mail bodies write the same texts, so every kind
varies along the same axes.
"""
from __future__ import annotations

import random
from decimal import Decimal

from tests.stress import vocab
from tests.stress.orders import Truth, TruthLine
from tests.stress.style import Style

NUMERIC = ("qty", "price", "amount")
PEOPLE = {"zh-Hans": ("王芳", "李强", "张伟", "刘洋"), "zh-Hant": ("陳美玲", "林志明", "黃淑芬"),
          "en": ("John Miller", "Sarah Brown", "Emma Clark"), "de": ("Jürgen Weber", "Anna Fischer"),
          "es": ("Lucía García", "Javier López"), "fr": ("Camille Bernard", "Julien Moreau")}


class Words:
    """The document's choices that must stay the same on every line (one word per unit code)."""

    def __init__(self, truth: Truth, style: Style, rng: random.Random) -> None:
        self.style = style
        self.units = {ln.unit: vocab.unit_word(ln.unit, style.lang, rng) for ln in truth.lines}
        self.currency = vocab.currency_word(truth.customer.currency, style.lang, rng)
        # 11/12/2026 is only readable with the country beside it: a slash date comes with the address.
        self.ship_to = rng.random() < 0.5 or style.date_form in ("us_slash", "eu_slash")
        self.person = rng.choice(PEOPLE[style.lang])
        self.contact = self.person if rng.random() < 0.3 else None

    def number(self, value: Decimal, places: int) -> str:
        s = self.style
        return vocab.write_number(value, places, s.number_form, s.grouping)

    def qty(self, ln: TruthLine) -> str:
        text = self.number(ln.quantity, vocab.places_of(ln.quantity))
        return f"{text} {self.units[ln.unit]}" if self.style.unit_in_qty else text

    def price(self, ln: TruthLine) -> str:
        return self.number(ln.unit_price, vocab.places_of(ln.unit_price, 2))


def header_fields(truth: Truth, style: Style, words: Words) -> list[tuple[str, str]]:
    """(label, value) pairs of the header, in the order the document prints them."""
    labels = style.field_labels
    out = [(labels["po"], truth.po_number), (labels["order_date"], vocab.write_date(truth.order_date, style.date_form)),
           (labels["delivery_date"], vocab.write_date(truth.delivery_date, style.date_form))]
    if style.currency_where == "field":
        out.append((labels["currency"], words.currency))
    if style.buyer_field:
        out.append((labels["buyer"], truth.customer.name))
    if words.contact:
        # A person's name under a "Buyer" label: the customer is the company, never the person.
        out.append((labels["contact"], words.contact))
    if words.ship_to:
        out.append((labels["ship_to"], truth.customer.address))
    return out


def heading(style: Style, words: Words) -> list[str]:
    """The table's heading cells; the price heading names the currency when the header does not."""
    out = []
    for key in style.columns:
        label = style.column_labels[key]
        if key == "price" and style.currency_where == "heading":
            label = f"{label}({words.currency})" if style.lang.startswith("zh") else f"{label} ({words.currency})"
        out.append(label)
    return out


def row(n: int, ln: TruthLine, style: Style, words: Words) -> list[str]:
    """The cells of line `n`, one per column of the style."""
    zh = style.lang.startswith("zh")
    name = ln.item.name_zh if zh else ln.item.name_en
    spec = ln.item.spec if zh else ln.item.spec_en
    if "spec" not in style.columns:
        name = f"{name} {spec}"
    cell = {"no": str(n), "sku": ln.sku, "cust": ln.customer_sku or "", "name": name, "spec": spec,
            "qty": words.qty(ln), "unit": words.units[ln.unit], "price": words.price(ln),
            "amount": words.number(ln.amount, 2)}
    return [cell[key] for key in style.columns]


def total_text(truth: Truth, words: Words) -> str:
    return words.number(truth.total, 2)


def _ids(ln: TruthLine, style: Style, theirs: str, ours: str) -> str:
    parts = []
    if "cust" in style.columns:
        parts.append(f"{ours} {ln.customer_sku}")
    if "sku" in style.columns:
        parts.append(f"{theirs} {ln.sku}")
    return ", ".join(parts)


# Per language: (line opener, our-code word, their-code word, qty word, price word, amount word)
_PROSE = {
    "en": ("Item {n}:", "our P/N", "P/N", "quantity", "unit price", "amount"),
    "de": ("Pos. {n}:", "unsere Art.-Nr.", "Art.-Nr.", "Menge", "Einzelpreis", "Betrag"),
    "es": ("Línea {n}:", "nuestra ref.", "ref.", "cantidad", "precio unitario", "importe"),
    "fr": ("Ligne {n} :", "notre réf.", "réf.", "quantité", "prix unitaire", "montant"),
}


def prose_line(n: int, ln: TruthLine, style: Style, words: Words, rng: random.Random) -> str:
    """Line `n` written as labelled fields (Chinese) or a sentence (other languages)."""
    qty = words.number(ln.quantity, vocab.places_of(ln.quantity)) + " " + words.units[ln.unit]
    price = words.price(ln)
    if style.lang.startswith("zh"):
        return _prose_zh(n, ln, style, words, qty, price, rng)
    opener, ours, theirs, qword, pword, aword = _PROSE[style.lang]
    name = f"{ln.item.name_en} {ln.item.spec_en}"
    money = f"{words.currency} {price}" if style.lang == "en" else f"{price} {words.currency}"
    text = f"{opener.format(n=n)} {name} ({_ids(ln, style, theirs, ours)}), {qword} {qty}, {pword} {money}"
    if style.prose_amounts and "amount" in style.columns:
        text += f", {aword} {words.number(ln.amount, 2)}"
    return text


def _prose_zh(n: int, ln: TruthLine, style: Style, words: Words, qty: str, price: str, rng: random.Random) -> str:
    labels = style.column_labels
    sep = "；" if style.colon == "：" else "; "
    parts = []
    for key in ("cust", "sku"):
        if key in style.columns:
            parts.append(f"{labels[key]}{style.colon}{ln.customer_sku if key == 'cust' else ln.sku}")
    parts += [f"{labels['name']}{style.colon}{ln.item.name_zh}", f"{labels['spec']}{style.colon}{ln.item.spec}",
              f"{labels['qty']}{style.colon}{qty}", f"{labels['price']}{style.colon}{_money_zh(words, price)}"]
    if style.prose_amounts and "amount" in style.columns:
        parts.append(f"{labels['amount']}{style.colon}{words.number(ln.amount, 2)}")
    return f"{n}{rng.choice(('. ', '、'))}" + sep.join(parts)


def _money_zh(words: Words, price: str) -> str:
    cur = words.currency
    return f"{cur}{price}" if cur in ("RMB", "CNY", "USD", "HKD", "TWD", "NTD") else f"{price}{cur}"


_CHANGE = {
    "zh-Hans": "您好，订单 {po} 第{k}行 {name}（{code}）的数量由 {old}{unit} 改为 {new}{unit}，其他不变。",
    "zh-Hant": "您好，訂單 {po} 第{k}行 {name}（{code}）的數量由 {old}{unit} 改為 {new}{unit}，其他不變。",
    "en": "Please amend PO {po}: line {k}, {name} (P/N {code}), change the quantity from {old} {unit} to {new} {unit}. All else unchanged.",
    "de": "Bitte ändern Sie in Bestellung {po} die Menge von Pos. {k} ({name}, Art.-Nr. {code}) von {old} {unit} auf {new} {unit}.",
    "es": "Por favor modifiquen el pedido {po}: línea {k}, {name} (ref. {code}), cantidad de {old} {unit} a {new} {unit}.",
    "fr": "Merci de modifier la commande {po} : ligne {k}, {name} (réf. {code}), quantité de {old} {unit} à {new} {unit}.",
}
CHANGE_SUBJECTS = {"zh-Hans": "订单变更 {po}", "zh-Hant": "訂單變更 {po}", "en": "Change to PO {po}",
                   "de": "Änderung Bestellung {po}", "es": "Modificación pedido {po}", "fr": "Modification commande {po}"}


def change_sentence(truth: Truth, style: Style, words: Words) -> str:
    """A change request in one sentence: which line of which PO, from what quantity to what."""
    k, old, new = truth.change
    ln = truth.lines[0]
    zh = style.lang.startswith("zh")
    return _CHANGE[style.lang].format(
        po=truth.po_number, k=k, name=ln.item.name_zh if zh else ln.item.name_en,
        code=ln.customer_sku or ln.sku, old=words.number(old, vocab.places_of(old)),
        new=words.number(new, vocab.places_of(new)), unit=words.units[ln.unit])
