"""Header blocks above an order table read as a clerk reads them: labels with values under them.

Forms print a row of labels ("P.O. DATE  VENDOR  TERMS", "Document Number  Document Date")
with the values in the row below, each under its label, and "Ship To" with an address block
under it. Words are matched to the label above them by position, so each label becomes one
"label:value" cell that the table reader understands, whatever else shares the value row.
"""
from __future__ import annotations

import re

from parsers.vocab import labels as F
from parsers.vocab.numbers import nfkc
from parsers.layout.words import Line, Word, header_label, join_words, line_height, phrases

Cell = tuple[str, list[Word]]
_LABELLED = re.compile(r"[^\W\d_]\s*[:：]")  # "Vendor: X" is a label of its own, not a value
_MAX_GAP = 1.8       # line heights between a label row and its value row
_BLOCK_LINES = 5     # lines of an address block under "Ship To"
_US_PLACE = re.compile(r"(?:\b|(?<=[a-z]))(A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|"
                       r"S[CD]|T[NX]|UT|V[AT]|W[AIVY])\s*,?\s*\d{5}(-\d{4})?\b")
_NON_US_CURRENCY = re.compile(r"(?i)€|£|¥|\b(eur|gbp|aud|cad|nzd|cny|rmb|inr|sgd|hkd|jpy)\b|人民币")


def bare_label(text: str) -> str | None:
    """The header field a cell names when it is a label with no value of its own ("Order Date", "PO #:")."""
    t = nfkc(text).strip().rstrip(":：").strip()
    if not t or ":" in t or "：" in t or len(t) > 40:
        return None
    exact = F.header_field(t) or F.header_field(header_label(t + ":x").partition(":")[0])
    if exact:
        return exact
    found = F.split_label(t)  # a label OCR misread by a letter ("Bestelidatum"), alone in its cell
    return found[0] if found and not found[2] and not F.is_title(found[1]) else None


def label_cells(lines: list[Line], free: set[int]) -> dict[int, list[Cell]]:
    """Cells of the lines outside the table (`free`): phrases, with values under labels moved to them."""
    cells = {i: [(join_words(p), p) for p in phrases(lines[i])] for i in sorted(free)}
    for i in sorted(free):
        below = i + 1
        if below not in cells or not _close(lines[i], lines[below]):
            continue
        for k in range(len(cells[i])):
            text, words = cells[i][k]
            name = bare_label(text)
            if name is None or F.is_title(text.strip().rstrip(":：")) or _value_right(cells[i], k):
                continue  # a title ("ORDEN DE COMPRA") has no value under it
            right = cells[i][k + 1][1][0].box[0] if k + 1 < len(cells[i]) else float("inf")
            taken = _under(_words(cells[below]), words, right)
            if (not taken or _LABELLED.search(join_words(taken)) or any(bare_label(join_words(p)) for p in phrases(taken))
                    or _labelled_beside(cells[below], taken)):
                continue
            cells[below] = _without(cells[below], taken)
            value = join_words(taken)
            if name == F.SHIP_TO:
                value = ", ".join([value, *_block(lines, cells, below, words, right)])
            cells[i][k] = (f"{text.strip().rstrip(':：')}:{value}", taken)
    return cells


def _labelled_beside(row: list[Cell], taken: list[Word]) -> bool:
    """Whether the words under a label continue the value of a label left of them on their own line
    ("Adresse de livraison | 410 rue …" under "Société", "Delivery Address | 481 | Harbor Blvd …" under
    "Curr." in a form of boxes): they are that label's, whatever values lie between."""
    before = [text for text, words in row if words[-1].box[2] <= taken[0].box[0] and words[0] not in taken]
    for text in reversed(before):
        if bare_label(text) is not None:
            return True
        if _LABELLED.search(text):
            return False
    return False


def _words(cells: list[Cell]) -> list[Word]:
    return [w for _, words in cells for w in words]


def _close(upper: Line, lower: Line) -> bool:
    gap = min(w.box[1] for w in lower) - max(w.box[3] for w in upper)
    return gap <= _MAX_GAP * line_height(upper)


def _value_right(row: list[Cell], k: int) -> bool:
    """A label with a value cell right beside it (after a colon, or a number) has its value there."""
    text, words = row[k]
    if k + 1 >= len(row):
        return False
    nxt_text, nxt = row[k + 1]
    if bare_label(nxt_text) is not None or nxt[0].box[0] - words[-1].box[2] > 12 * line_height(words):
        return False
    return text.rstrip().endswith((":", "：")) or bool(re.search(r"\d", nxt_text))


def _under(candidates: list[Word], label: list[Word], right: float) -> list[Word]:
    """Words below a label: starting between the label's start and the next label, or overlapping it."""
    h = line_height(label)
    x0, x1 = label[0].box[0], label[-1].box[2]
    return [w for w in candidates
            if (x0 - h <= w.box[0] < right - 0.3 * h) or (w.box[0] < x1 and w.box[2] > x0 and w.cx < right)]


def _without(cells: list[Cell], taken: list[Word]) -> list[Cell]:
    rest = [w for w in _words(cells) if w not in taken]
    return [(join_words(p), p) for p in phrases(rest)] if rest else []


def _block(lines: list[Line], cells: dict[int, list[Cell]], start: int, label: list[Word], right: float) -> list[str]:
    """Further lines of an address block under a label, until a gap, a label or another block's end."""
    out: list[str] = []
    for j in range(start + 1, start + 1 + _BLOCK_LINES):
        if j not in cells or not _close(lines[j - 1], lines[j]):
            break
        taken = _under(_words(cells[j]), label, right)
        text = join_words(taken) if taken else ""
        if not taken or _LABELLED.search(text) or bare_label(text):
            break
        cells[j] = _without(cells[j], taken)
        out.append(text)
    return out


def us_context(texts: list[str]) -> bool:
    """Whether an ambiguous slashed date (02/10/2020) is month first: the page names a US place.

    A US state with a ZIP code ("Seattle, WA 98101") and no other currency than the dollar is
    the sign a clerk goes by; everywhere else in the world the day comes first. OCR may lose
    the spaces ("SeattleWA98101"), so a state code may follow a lower-case letter.
    """
    joined = "\n".join(nfkc(t) for t in texts)
    return bool(_US_PLACE.search(joined)) and not _NON_US_CURRENCY.search(joined)
