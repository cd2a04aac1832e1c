"""Traditional Chinese characters folded to simplified ones, for comparing names and addresses.

Taiwan and Hong Kong customers print 寶華實業有限公司, and the OCR model, trained mostly on
simplified text, reads a fax of it as 寶華实业有限公司 or 宝华實業 — any mix. Compared as
printed, the two spellings of one company are far apart; folded to one script, they are equal.
The character table is OpenCC's (TSCharacters, from the `opencc-purepy` package); only
one-to-one characters are folded, which is all a name comparison needs.
"""
from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def _table() -> dict[int, str]:
    text = (resources.files("opencc_purepy") / "dicts" / "TSCharacters.txt").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for row in text.splitlines():
        traditional, _, simplified = row.partition("\t")
        first = simplified.split(" ")[0] if simplified else ""
        if len(traditional) == 1 and len(first) == 1:
            table[ord(traditional)] = first
    return table


def simplified(text: str) -> str:
    """The text with every traditional character written in its simplified form (寶華實業 -> 宝华实业)."""
    return text.translate(_table())
