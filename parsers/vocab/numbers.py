"""Numbers and quantities as people print them on orders, Chinese and English (dates: vocab/dates.py).

Every function takes text and returns `None` rather than raising: a cell that is not a
number is data for the caller to judge, not an error.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from parsers.vocab.currencies import MARKS
from parsers.vocab.units import lookalike_unit, unit_code

_MULTIPLIERS = {"万": Decimal(10000), "千": Decimal(1000), "亿": Decimal(100000000),
                "k": Decimal(1000), "K": Decimal(1000)}
# A number as printed: digits with separators, optional sign; the separators are sorted out later.
_NUMBER = r"[-+]?(?:\d[\d,.' \u00a0\u202f]*\d|\d)"
# 千 before 克/米/瓦/升 is part of the unit (千克 kg, 千米 km), not "thousand".
_QTY = re.compile(rf"^\s*({_NUMBER})\s*(万|千(?![克米瓦升])|亿)?\s*(.*?)\s*$")


def nfkc(text: str) -> str:
    """NFKC-normalise and strip, so full-width digits and punctuation read as ASCII."""
    return unicodedata.normalize("NFKC", text or "").replace("\u3000", " ").strip()


def _unseparate(body: str) -> str | None:
    """Turn "1,234.50", "1.234,50", "1 234", "4,5" into a plain "1234.50" / "4.5"."""
    body = re.sub(r"[' \u00a0\u202f]", "", body)
    if "," in body and "." in body:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        body = body.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in body:
        body = _one_separator(body, ",")
    elif body.count(".") > 1:
        body = _one_separator(body, ".")
    if body is None or not re.fullmatch(r"[-+]?\d+(\.\d+)?", body):
        return None
    return body


def _one_separator(body: str, mark: str) -> str | None:
    """A number with one kind of separator: groups of three are thousands, else a decimal mark."""
    parts = body.lstrip("+-").split(mark)
    # "0,009" is never 9: a leading 0 cannot open a group of thousands.
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3 and parts[0] != "0":
        return body.replace(mark, "")
    if len(parts) == 2:
        return body.replace(mark, ".")
    return None


def _tidy(value: Decimal) -> Decimal:
    """12000.0 -> 12000 after a 万 multiplication, so the quantity reads as printed."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@functools.lru_cache(maxsize=8192)
def parse_decimal(text: str | None) -> Decimal | None:
    """Read an amount or quantity printed with separators, currency marks or 万 ("1.2万" -> 12000).

    Text that holds anything else (letters, a percent sign, two numbers) gives None. Remembered:
    the row checks read the same printed numbers under several readings, and a Decimal is immutable.
    """
    if text is None:
        return None
    s = nfkc(str(text))
    s = re.sub(r"/\s*[^\d\s/]{1,6}$", "", s)  # "4.00元/个": price per unit
    s = MARKS.sub(" ", s).strip()
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()").strip()
    multiplier = Decimal(1)
    if s and s[-1] in _MULTIPLIERS and len(s) > 1:
        multiplier, s = _MULTIPLIERS[s[-1]], s[:-1].strip()
    if not s or not re.fullmatch(_NUMBER, s):
        return None
    plain = _unseparate(s)
    if plain is None:
        return None
    try:
        value = _tidy(Decimal(plain) * multiplier) if multiplier != 1 else Decimal(plain)
    except InvalidOperation:
        return None
    return -value if negative else value


# An amount whose thousands marks a scan read as its decimal mark: "3.076.40" for 3,076.40.
_GROUPED_MONEY = re.compile(r"(\d{1,3}(?:[.,]\d{3})+)[.,](\d{1,2})")


def grouped_money(text: str | None) -> Decimal | None:
    """An amount OCR read with every mark alike ("3.076.40", "4,007,50"), which no document
    prints: money has two decimals (one with a zero left off), so the last mark is the decimal
    point and the others group thousands. None for any other text."""
    m = _GROUPED_MONEY.fullmatch(nfkc(text or ""))
    return Decimal(re.sub(r"\D", "", m[1]) + "." + m[2]) if m else None


def parse_quantity(text: str | None) -> tuple[Decimal | None, str | None]:
    """Split a quantity from a unit written after it: "500个" -> (500, "个"), "1.2万卷" -> (12000, "卷")."""
    if text is None:
        return None, None
    s = nfkc(str(text))
    match = _QTY.match(s)
    if not match:
        return None, None
    number, multiplier, unit = match.groups()
    value = parse_decimal(number)
    if value is None:
        return None, None
    if multiplier:
        value = _tidy(value * _MULTIPLIERS[multiplier])
    unit = unit.strip(" .:;,") or None  # "881 kg:": a speck or a separator read after the unit
    if unit and (re.search(r"\d", unit) and not (unit_code(unit) or lookalike_unit(unit)) or len(unit) > 12):
        return None, None  # "400*300*250", "10 x 20": a size or a product, not a quantity ("72 B0X" is a box)
    return value, unit


# --- the decimal mark of a whole document ----------------------------------------------------

_TOKEN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)+(?![\d]|[.,]\d)")
_ANY_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\d]|[.,]\d)")
Mark = str  # "." or ","


def _evident_mark(token: str) -> Mark | None:
    """The decimal mark one printed number proves, if any: "36,00" -> ",", "1,234.50" -> ".",
    "0,009" -> ","; "4.000" or "1,250" prove nothing (thousands or decimals alike)."""
    for mark, other in ((".", ","), (",", ".")):
        if _with_mark(token, mark) is not None and _with_mark(token, other) is None:
            return mark
    return None


def _with_mark(token: str, mark: Mark) -> str | None:
    """A printed number read with `mark` as its decimal mark, as plain digits ("1.234,5" -> "1234.5")."""
    other = "," if mark == "." else "."
    if token.count(mark) > 1:
        return None
    whole, _, fraction = token.partition(mark)
    groups = whole.split(other)
    if other in fraction or not all(groups):
        return None
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and groups[0] != "0"
                                and all(len(g) == 3 for g in groups[1:])):
        return None
    return "".join(groups) + (f".{fraction}" if fraction else "")


def document_mark(texts: list[str]) -> Mark | None:
    """The decimal mark a document's own unambiguous numbers show most often, None on a tie."""
    votes = {".": 0, ",": 0}
    for text in texts:
        for token in _TOKEN.findall(nfkc(text)):
            mark = _evident_mark(token)
            if mark:
                votes[mark] += 1
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


def respell(text: str | None, mark: Mark | None) -> str | None:
    """The text with each number rewritten under the document's decimal mark ("4.000" -> "4000"
    where the mark is ","); numbers that cannot be read that way, or that read the same without
    it ("5,900" where the mark is "."), are left as printed, so an OCR reading still sees the marks."""
    if not text or mark is None:
        return text
    return _ANY_NUMBER.sub(lambda m: _respelled(m.group(0), mark), nfkc(text))


def _respelled(token: str, mark: Mark) -> str:
    plain = _with_mark(token, mark)
    return token if plain is None or parse_decimal(token) == Decimal(plain) else plain


def _fits(cells: tuple[str | None, str | None, str | None], mark: Mark) -> bool:
    qty, price, amount = (parse_decimal(respell(c, mark)) for c in cells)
    if qty is None or price is None or amount is None or amount == 0:
        return False
    return abs(qty * price - amount) <= max(Decimal("0.01"), abs(amount) * Decimal("0.001"))


def table_mark(texts: list[str], rows: list[tuple[str | None, str | None, str | None]]) -> Mark | None:
    """A table's decimal mark: the reading under which more rows satisfy quantity x price = amount,
    else the one its unambiguous numbers show, else None (each number read on its own)."""
    hits = {mark: sum(1 for row in rows if _fits(row, mark)) for mark in (".", ",")}
    if hits["."] != hits[","]:
        return "." if hits["."] > hits[","] else ","
    return document_mark(texts)
