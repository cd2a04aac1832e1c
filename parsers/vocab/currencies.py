"""Currencies as orders print them: ISO codes, symbols, Chinese names (simplified and traditional).

One table for every reader: a currency label's value ("人民币", "港幣", "US$"), the mark beside
an amount ("¥12.00", "1.55 USD"), a money column's heading ("单价(元)", "Price (EUR)") and the
marks a number reader strips before reading the digits.
"""
from __future__ import annotations

import re
import unicodedata

def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace("\u3000", " ").strip()


# The ISO 4217 codes orders use. Rarer codes stay out on purpose: TRY, ALL, CUP, TOP or MOP
# read as words would turn "5 ALL" into money.
ISO_CODES = frozenset(("USD", "EUR", "GBP", "CNY", "HKD", "SGD", "JPY", "AUD", "CAD", "NZD", "CHF",
                       "INR", "TWD", "KRW", "MYR", "THB", "VND", "IDR", "PHP", "AED", "SEK", "NOK",
                       "DKK", "PLN", "CZK", "MXN", "BRL", "ZAR", "RUB"))
# Written names and signs, most specific first (港元 before 元, HK$ before $); matched casefolded.
_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("USD", ("美元", "美金", "美圆", "us$", "u.s.$", "usd")),
    ("EUR", ("欧元", "歐元", "eur", "euro", "euros", "€")),
    ("SGD", ("新加坡元", "新加坡币", "新加坡幣", "新币", "新幣", "sgd", "s$")),
    ("HKD", ("港币", "港幣", "港元", "港圆", "hkd", "hk$")),
    ("TWD", ("新台币", "新台幣", "新臺幣", "台币", "台幣", "ntd", "nt$", "twd")),
    ("JPY", ("日元", "日圆", "日圓", "日币", "jpy", "円")),
    ("GBP", ("英镑", "英鎊", "gbp", "£")),
    ("AUD", ("澳元", "澳币", "澳幣", "aud", "a$", "au$")),
    ("CAD", ("加元", "加币", "加幣", "cad", "c$", "ca$")),
    ("NZD", ("纽元", "紐元", "nzd", "nz$")),
    ("CHF", ("瑞士法郎", "chf")),
    ("KRW", ("韩元", "韓元", "krw", "₩")),
    ("INR", ("卢比", "盧比", "inr", "₹")),
    ("RUB", ("卢布", "盧布", "rub", "₽")),
    ("THB", ("泰铢", "泰銖", "thb", "฿")),
    ("CNY", ("人民币", "人民幣", "rmb", "cny", "元", "圆", "¥", "￥")),
    ("USD", ("$",)),
)


def _token(name: str) -> str:
    """A written name as a pattern matching it as a whole token: "eur" not inside "Neuronal", "a$"
    not inside "ca$"; signs and Chinese names stand anywhere ("单价(元)")."""
    left = r"(?<![a-z])" if name[0].isascii() and name[0].isalpha() else ""
    right = r"(?![a-z])" if name[-1].isascii() and name[-1].isalpha() else ""
    return f"{left}{re.escape(name)}{right}"


_NAME_PATTERNS = tuple((code, re.compile("|".join(_token(n) for n in names))) for code, names in _NAMES)


def currency_code(text: str | None) -> str | None:
    """The ISO code of a currency as printed (人民币, 元, ¥, US$, 欧元, 港幣, SGD ...), or None.

    Only whole tokens of the vocabulary count: three capitals are a currency when they are one
    of ISO_CODES ("TAL" cut from "TOTAL" is none)."""
    if not text:
        return None
    s = nfkc(text).casefold()
    if s.upper() in ISO_CODES:
        return s.upper()
    for code, pattern in _NAME_PATTERNS:
        if pattern.search(s):
            return code
    return None


def money_currency(text: str | None) -> str | None:
    """The currency printed beside an amount ("1.55 USD", "$140.00", "¥12.00", "USD 3,977.32"), or None."""
    s = nfkc(text or "").strip()
    if not re.search(r"\d", s):
        return None
    rest = re.sub(r"[\d,.\s+\-]", "", s)
    if not rest or len(rest) > 6:
        return None
    if rest.upper() in ISO_CODES:
        return rest.upper()
    symbol = re.fullmatch(r"[$€£¥￥元円₩₹₽฿]|[A-Za-z]{1,3}\$|rmb|RMB", rest)
    return currency_code(rest) if symbol else None


def heading_currency(text: str | None) -> str | None:
    """The currency a money column's heading names: "Price (USD)", "PRICE/PC USD", "单价(元)"."""
    s = nfkc(text or "")
    bracket = re.search(r"[(（]([^)）]+)[)）]", s)
    if bracket and currency_code(bracket.group(1)):
        return currency_code(bracket.group(1))
    words = [w.upper() for w in re.split(r"[\s/]+", s)]
    return next((("CNY" if w == "RMB" else w) for w in words if w in ISO_CODES | {"RMB"}), None)


def _marks() -> str:
    names = {n for _, ns in _NAMES for n in ns if not n.isascii() or not n.isalpha()}
    words = sorted(names | {c.lower() for c in ISO_CODES} | {"rmb", "ntd"}, key=len, reverse=True)  # old names too
    return "|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isalpha() and w.isascii() else re.escape(w)
                    for w in words)


# Currency marks a price may carry around its digits ("¥4.00", "4.00元", "USD 3.20", "HK$12").
MARK = _marks()
MARKS = re.compile(rf"(?i)({MARK})")
