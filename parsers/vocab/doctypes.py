"""What kind of document a text is, on evidence: the signs of an order and of the documents that
look like one (invoices, quotations and RFQs, statements, shipping notices, price lists and
newsletters), in Chinese (simplified and traditional), English, German, Spanish and French.

An order needs positive signs: an order title or PO label and item rows with quantities.
Another kind's title (or a newsletter's unsubscribe line) is evidence against; a document
with neither is no order either. A document titled as an order that yields no readable order
is a failed order, never "not an order" (`no_order_read`).
"""
from __future__ import annotations

import re

ORDER_TITLE = re.compile(
    r"(?i)采购订单|採購訂單|采购单|採購單|订货单|訂貨單|订购单|訂購單|订单|訂單|下单|下單|purchase\s*order|"
    r"\bP\.?O\.?\s*(?:no\.?|number|#)|\border\s*form\b|bestellung|bestellschein|auftrag\b|"
    r"orden\s+de\s+compra|pedido|bon\s+de\s+commande|commande\b")

# Each other kind: the words of its title, and what it is called in a sentence.
OTHER_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an invoice", re.compile(r"(?i)发票|發票|\b(?:tax\s+|commercial\s+|pro-?\s*forma\s+|freight\s+)?invoice\b|\bpro-?\s*forma\b|"
                              r"\brechnung\b|\bfactura\b|\bfacture\b|credit\s*note|形式发票")),
    ("a quotation or a request for quotation", re.compile(
        r"(?i)报价单|报价表|報價單|询价|詢價|\bquotation\b|\bquote\b|\bRFQ\b|request\s+for\s+(?:quotation|quote|proposal)|"
        r"please\s+quote|\bangebot\b|\banfrage\b|cotizaci[oó]n|\bdevis\b|demande\s+de\s+prix|不作为订单")),
    ("a statement of account", re.compile(r"(?i)对账单|對賬單|對帳單|statement\s+of\s+account|account\s+statement|"
                                          r"\bkontoauszug\b|estado\s+de\s+cuenta|relev[ée]\s+de\s+compte")),
    ("a shipping notice", re.compile(r"(?i)发货通知|發貨通知|送货单|送貨單|发货单|出货单|装箱单|packing\s*(?:list|slip)|"
                                     r"\bASN\b|advance(?:d)?\s+ship(?:ping|ment)\s+notice|delivery\s+note|despatch\s+advice|"
                                     r"dispatch\s+note|\blieferschein\b|albar[aá]n|bon\s+de\s+livraison|bordereau")),
    ("a price list or a newsletter", re.compile(r"(?i)价格表|价目表|價目表|price\s*list|\bpreisliste\b|lista\s+de\s+precios|"
                                                r"\btarif\b|newsletter|unsubscribe|退订|退訂|取消订阅|abmelden|"
                                                r"darse\s+de\s+baja|se\s+d[ée]sinscrire|view\s+(?:it\s+)?in\s+(?:your\s+)?browser")),
)

# Words that say so outright, wherever they stand in a text: "not an order", a request to quote,
# a statement of account. A text carrying them is no order, whatever else it shows.
_DISCLAIMERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a quotation or a request for quotation", re.compile(
        r"(?i)询价|詢價|不作为订单|不作為訂單|request\s+for\s+quotation|\bRFQ\b|please\s+quote|not\s+an\s+order")),
    ("a statement of account", re.compile(r"(?i)对账单|對賬單|對帳單|statement\s+of\s+account")),
)

_NEWSLETTER = re.compile(r"(?i)unsubscribe|退订|退訂|取消订阅|abmelden|darse\s+de\s+baja|se\s+d[ée]sinscrire|"
                         r"newsletter|view\s+(?:it\s+)?in\s+(?:your\s+)?browser")


def other_kind(text: str | None) -> str | None:
    """The other kind of document a title or text names ("an invoice"), or None."""
    for name, pattern in OTHER_KINDS:
        if text and pattern.search(text):
            return name
    return None


def says_order(text: str | None) -> bool:
    """Whether a title or a label names a purchase order (采购订单, Purchase Order, PO No., Bestellung ...)."""
    return bool(text) and ORDER_TITLE.search(text) is not None


def not_an_order(titles: list[str], body: str) -> str | None:
    """A sentence when the evidence says the document is another kind, else None.

    `titles` are the document's title lines (short lines at its top, no "label: value");
    `body` is all of its text. A title naming an order wins; a title naming another kind loses;
    without a title, a newsletter's unsubscribe line in a text that never names an order loses.
    """
    if any(says_order(t) for t in titles):
        return None
    kind = next((k for t in titles if (k := other_kind(t))), None)
    if kind is None and _NEWSLETTER.search(body) and not says_order(body):
        kind = "a price list or a newsletter"
    return f"The document is {kind}, not a purchase order." if kind else None


def disclaimed(*texts: str | None) -> str | None:
    """A sentence when a text says outright that it is no order (a request to quote, a statement
    of account, "not an order"), else None."""
    for name, pattern in _DISCLAIMERS:
        if any(text and pattern.search(text) for text in texts):
            return f"The text is {name}, not a purchase order."
    return None


def no_order_read(where: str) -> str:
    """The failure sentence for a document that should hold an order but yields none."""
    return (f"The {where} should hold a purchase order but no order line could be read from it; "
            "it needs a person to read it.")
