"""Text normalisation shared by customer and item matching.

Orders spell the same thing many ways (full-width digits, `400*300*250` vs `400×300×250mm`,
`CAP 28mm White`); matching compares normalised forms and tokens, never raw text.
"""
from __future__ import annotations

import re
import unicodedata

from parsers.vocab.script import simplified

# A dimension separator between numbers: "400*300", "48mm x 100m", "60X40" -> "×".
_DIM_SEP = re.compile(r"(\d(?:mm|cm|m|μm|u)?)\s*[x×*]\s*(?=\d)")
# "mm" after a number is noise (the default unit of sizes): 400×300×250mm, 48mm×100m, 48mm,
# also when OCR lost the space after it ("100mmPP").
_MM = re.compile(r"(?<=\d)mm(?!m)")
_TOKEN = re.compile(r"[a-z0-9.μφ%×+=°#]+|[\u3400-\u9fff\uf900-\ufaff]+")
_NAME_DROP = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width), case-folded, with the look-alike symbols unified."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = s.replace("＊", "*").replace("ф", "φ")
    s = _DIM_SEP.sub(r"\1×", s)
    s = _DIM_SEP.sub(r"\1×", s)          # overlapping chains: 400*300*250
    return _MM.sub("", s)


def tokens(text: str) -> tuple[str, ...]:
    """The words of a description: runs of Latin/digits and runs of CJK, punctuation dropped."""
    return tuple(_TOKEN.findall(fold(text)))


def compact(text: str) -> str:
    """One comparable string: folded tokens joined without separators."""
    return "".join(tokens(text))


def name_key(text: str) -> str:
    """A company name or address for comparison: NFKC, in simplified characters (a faxed 寶華實業
    is often read 寶華实业), case-folded, spaces and punctuation removed."""
    return _NAME_DROP.sub("", simplified(unicodedata.normalize("NFKC", text)).casefold())


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def token_in(needle: str, hay: str) -> bool:
    """Whether token `needle` occurs in token `hay` without splitting a number or a Latin word.

    "纸箱" is in "瓦楞纸箱" and "400×300×250" in "400×300×250mm", but "30" is not in "300"
    and "jar" is not in "jars" (a longer word is a different word).
    """
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = hay[start - 1] if start > 0 else ""
        after = hay[end] if end < len(hay) else ""
        if _clean_edge(needle[0], before, leading=True) and _clean_edge(needle[-1], after, leading=False):
            return True
        start = hay.find(needle, start + 1)
    return False


def _clean_edge(edge: str, neighbour: str, *, leading: bool) -> bool:
    if not neighbour or not _ascii_alnum(edge):
        return True
    if edge.isdigit():
        return not (neighbour.isdigit() or neighbour == ".")
    # A Latin letter at the edge: a letter next to it would make it part of a longer word;
    # after a word a digit is fine ("pet" in "pet500"), before it too ("ml" in "500ml").
    return not neighbour.isalpha() or not neighbour.isascii()


def all_tokens_in(needles: tuple[str, ...], hays: tuple[str, ...]) -> bool:
    """Every needle token occurs in some hay token."""
    return all(any(token_in(n, h) for h in hays) for n in needles)
