"""The words of a change request written as a sentence, in every language the readers know.

"订单 PO-88 第2行 的数量由 15000pcs 改为 30000pcs", "change the quantity of line 2 from 100 to
200", "cambiar la cantidad de la línea 2 de 100 a 200", "modifier la quantité de la ligne 2 de
100 à 200", "die Menge von Pos. 2 von 100 auf 200 ändern": a line named by its number, a field
named by the label vocabulary (`labels.column_field`), the old value after a "from" word and
the new one after a "to" word. The field words are not listed here: a label taught to the
tables is understood in a sentence too.
"""
from __future__ import annotations

import re

# Words that name an order line by its number ("line 2", "Pos. 2", "línea 2", "ligne 2", "Zeile 2").
LINE_WORDS = ("line", "item", "position", "pos", "l[ií]nea", "rengl[oó]n", "partida", "posici[oó]n",
              "art[ií]culo", "ligne", "article", "zeile", "artikel")
LINE_WORD = rf"(?:{'|'.join(LINE_WORDS)})\.?"

# Per language: the words that say "of (the line)", "from (the old value)" and "to (the new value)".
_OF = {"en": ("of", "for", "on", "in"), "es": ("de", "del", "en"), "fr": ("de", "du", "pour", "sur"),
       "de": ("von", "der", "für", "in", "bei")}
_ARTICLES = ("the", "la", "el", "l'", "l’", "der", "die", "dem")
_FROM = {"en": ("from", "was"), "es": ("de", "desde"), "fr": ("de", "du"), "de": ("von",)}
_TO = {"en": ("to", "becomes", "now"), "es": ("a", "hasta", "por"), "fr": ("à", "a", "au", "par", "en"),
       "de": ("auf", "zu")}
ARROWS = ("->", "→", "=>", "⇒")

# Chinese: 由/从 the old value 改为 the new one.
ZH_FROM = ("由", "从", "從")
ZH_TO = ("改为", "改成", "更改为", "变更为", "變更為", "调整为", "調整為", "修改为", "修改為", "改為",
         "变为", "改到", "增加到", "减少到", "减至", "增至")
ZH_FIELDS = ("数量", "单价", "價格", "价格", "單價", "數量", "交期", "交货日期", "交貨日期", "到货日期")

# Words that name the order a change is for ("PO", "订单", "pedido", "commande", "Bestellung").
ORDER_WORDS = (r"订单", r"采购单", r"訂單", r"採購單", r"\bP\.?O\.?", r"\border", r"\bpedido", r"\borden\s+de\s+compra",
               r"\bcommande", r"\bbon\s+de\s+commande", r"\bbestellung", r"\bauftrag")
NUMBER_WORDS = r"(?:号|號|编号|No\.?|n[.º°o]+|nr\.?|number|n[uú]m(?:ero)?\.?|#)"


def _alternation(words) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


OF_WORDS = _alternation(w for ws in _OF.values() for w in ws)
ARTICLE_WORDS = _alternation(_ARTICLES)
FROM_WORDS = _alternation(w for ws in _FROM.values() for w in ws)
TO_WORDS = _alternation(w for ws in _TO.values() for w in ws)
ARROW_WORDS = _alternation(ARROWS)
# "to" words that say "change to" on their own, without a "from" before: "qty to 200". The others
# ("à", "a", "auf") also say "at" ("100 pièces à 2,50 €") and need the old value's "from" word.
BARE_TO = frozenset(("to", "becomes", "now"))
