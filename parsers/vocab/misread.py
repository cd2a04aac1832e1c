"""Labels and unit words as OCR misreads them: one character dropped or read as another.

At fax resolution a dense character is often read as a look-alike (稱 as 种, 訂 as 言) or lost
at the end of a run (產品名稱 as 產品名). A Chinese label of at least three characters that is
one such slip away from labels of only one field names that field. Shorter labels (品名, 单价)
are too close to ordinary words to be guessed at. Latin labels of six letters or more are read the
same way, a letter also read as a mark ("Anzah!" for Anzahl, "Quantlty") or one letter too many
("Quanttity"); shorter ones ("Qty", "Preis") are one letter from too many words.
Latin unit words of three letters or more ("paurs" for pairs, "rol" for roll) are read the same
way; one-letter codes and single Chinese classifiers are never guessed (G may be a gram).
"""
from __future__ import annotations

import re
from functools import lru_cache

from parsers.vocab import labels as F
from parsers.vocab import units

_MIN_CHARS = 3
_MIN_LATIN = 6
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]+")
# A Latin label as OCR read it: letters, with at most one mark or digit read in place of a letter.
_LATIN_READ = re.compile(r"[a-z]*[^a-z\u4e00-\u9fff]?[a-z]*")


def _slips(key: str) -> set[str]:
    """The key with one character read as another ("?") or dropped."""
    return {key[:i] + "?" + key[i + 1:] for i in range(len(key))} | {key[:i] + key[i + 1:] for i in range(len(key))}


@lru_cache(maxsize=1)
def _index() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for key, field in F.column_vocabulary().items():
        if _CJK.fullmatch(key) and len(key) >= _MIN_CHARS or _LATIN.fullmatch(key) and len(key) >= _MIN_LATIN:
            for slip in _slips(key):
                if len(slip) >= _MIN_CHARS:
                    found.setdefault(slip, set()).add(field)
    return {slip: frozenset(fields) for slip, fields in found.items()}


def _latin_field(key: str) -> str | None:
    """The field of a Latin label read with one letter dropped, misread or doubled, when only one
    field's labels read so."""
    vocabulary = F.column_vocabulary()
    index = _index()
    letters = key.isalpha()  # a digit or mark beside a label is a value or a speck, not a lost letter
    fields = set(index.get(key, ())) if letters else set()  # one letter dropped
    for i in range(len(key)):
        fields |= index.get(key[:i] + "?" + key[i + 1:], frozenset())  # one read as another
        longer = key[:i] + key[i + 1:]  # one letter too many
        if letters and len(longer) >= _MIN_LATIN and longer in vocabulary:
            fields.add(vocabulary[longer])
    return fields.pop() if len(fields) == 1 else None


@lru_cache(maxsize=1 << 14)
def column_field(label: str | None) -> str | None:
    """The field a Chinese or long Latin column label names as printed, or as OCR misread it by one character."""
    if F.is_known_column(label):
        return F.column_field(label)
    key = F.label_key(label or "")
    if _LATIN_READ.fullmatch(key) and _MIN_LATIN - 1 <= len(key) <= 24:
        return _latin_field(key)
    if not _CJK.fullmatch(key) or len(key) < _MIN_CHARS or len(key) > 8:
        return None
    index = _index()
    fields = set(index.get(key, ()))  # one character dropped
    for i in range(len(key)):         # one character read as another
        fields |= index.get(key[:i] + "?" + key[i + 1:], frozenset())
    return fields.pop() if len(fields) == 1 else None


@lru_cache(maxsize=1)
def _unit_index() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for word, code in units.unit_words().items():
        if word.isascii() and word.isalpha() and len(word) >= _MIN_CHARS + 1:
            for slip in _slips(word):
                if len(slip) >= _MIN_CHARS:
                    found.setdefault(slip, set()).add(code)
    return {slip: frozenset(codes) for slip, codes in found.items()}


def unit_code(written: str | None) -> str | None:
    """The unit code of a unit word as printed, or as OCR misread it: by one letter, or with a
    look-alike digit for a letter ("B0X", "PC5")."""
    if units.unit_code(written) or units.lookalike_unit(written):
        return units.unit_code(written) or units.lookalike_unit(written)
    word = (written or "").strip().rstrip(".").upper()
    if not (word.isascii() and word.isalpha() and len(word) >= _MIN_CHARS):
        return None
    index = _unit_index()
    codes = set(index.get(word, ()))
    for i in range(len(word)):
        codes |= index.get(word[:i] + "?" + word[i + 1:], frozenset())
    return codes.pop() if len(codes) == 1 else None


# A currency sign as a fax recogniser reads it: £ as "E" or "f", € as "E", "e" or "C".
_MONEY_SIGN = re.compile(r"^([EefC])[\s.,:;]*(?=\d)")
_MONEY_SIGN_AFTER = re.compile(r"(?<=\d)[\s.,:;]*[EefC]$")


def unsigned_money(text: str) -> str:
    """A price or amount whose currency sign OCR read as a letter ("E 0.4653", "f 0.6304" for
    £ or €, "1,98 E" with the sign after) without it; other text as it is. Which currency the sign
    was is not guessed (E may be either), only that it is no part of the number."""
    return _MONEY_SIGN_AFTER.sub("", _MONEY_SIGN.sub("", text.strip(), count=1), count=1)
