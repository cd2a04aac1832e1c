"""Positioned words and the geometry the layout reader is built on: lines, phrases, cell text.

Text-PDF characters and OCR runs both become `Word`s with boxes; these helpers group them
into lines (by vertical overlap) and phrases (by horizontal gaps) and join a cell's words.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parsers.vocab import labels as F

if TYPE_CHECKING:
    from parsers.layout.grid import Grid

Box = tuple[float, float, float, float]  # x0, top, x1, bottom; y grows downwards

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_SCRIPT_RUNS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）]+|"
                          r"[^\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）]+")

@dataclass(frozen=True, slots=True)
class Word:
    """A word (or OCR text run) on a page, where it sits, and how sure the reader is of it."""

    text: str
    box: Box
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return max(self.box[3] - self.box[1], 0.1)

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True, slots=True)
class Page:
    """The words of one page (1-based `number`), its vertical and horizontal ruling lines, its
    height and width (in the words' units; 0 when the reader did not say), and the angle
    (degrees, counter-clockwise) a scan was turned by to level it before its words were placed."""

    number: int
    words: tuple[Word, ...]
    rules: tuple[Box, ...] = ()
    height: float = 0.0
    hrules: tuple[Box, ...] = ()
    grids: tuple[Grid, ...] = ()  # ruled tables the page's reader found itself (else from the rules)
    width: float = 0.0
    angle: float = 0.0


Line = list[Word]

def union_box(boxes) -> Box:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def group_lines(words: list[Word]) -> list[Line]:
    """Words in reading order as lines: a word joins the line whose band it half overlaps."""
    lines: list[tuple[list[Word], float, float]] = []  # words, band centre, band height
    for w in sorted(words, key=lambda w: (w.cy, w.box[0])):
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            members, cy, h = lines[i]
            overlap = min(cy + h / 2, w.box[3]) - max(cy - h / 2, w.box[1])
            if overlap >= 0.45 * min(h, w.height):
                members.append(w)
                n = len(members)
                lines[i] = (members, cy + (w.cy - cy) / n, h + (w.height - h) / n)
                break
        else:
            lines.append(([w], w.cy, w.height))
    lines.sort(key=lambda item: item[1])
    return [sorted(members, key=lambda w: w.box[0]) for members, _, _ in lines]


_THIN = frozenset(".,:;'|!iIjl")
_NARROW = frozenset("()[]{}-/frt\"")


def _char_width(ch: str) -> float:
    """A character's printed width in text heights in a common proportional font (Arial, Helvetica,
    the Latin of Chinese sans fonts), near enough to share a run's box out by."""
    if CJK.match(ch):
        return 1.0
    if ch.isspace():
        return 0.28
    if ch in _THIN:
        return 0.25
    if ch in _NARROW:
        return 0.35
    if ch in "mwMW":
        return 0.85
    return 0.65 if ch.isupper() else 0.55


# A word: a run of Chinese characters, or of anything else but spaces ("KEC-35556瓦楞纸箱" is two).
_SPACED = re.compile(r"\S+")
_TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def tokens(w: Word, scripts: bool = True) -> list[Word]:
    """An OCR run of several words as one Word each (cut at spaces and where Chinese meets Latin or
    digits), the run's box shared out by the printed width of its characters: the detector runs
    narrow columns together ("2 2.02.1051", "Buyer Item # Item Code", "KEC-35556瓦楞纸箱"), and a
    table's columns take each word by where it sits; words of one column join up again. Without
    `scripts`, only spaces cut (a heading's Chinese labels are cut by the vocabulary instead)."""
    pieces = [(m.start(), m.group(0)) for m in (_TOKEN if scripts else _SPACED).finditer(w.text)]
    return cut_word(w, pieces) if len(pieces) > 1 else [w]


def cut_word(w: Word, parts: list[tuple[int, str]]) -> list[Word]:
    """Pieces of a word's text (start index, text) as Words, its box shared out by the printed
    width of its characters (a CJK character is twice as wide as a digit)."""
    widths = [_char_width(ch) for ch in w.text]
    scale = (w.box[2] - w.box[0]) / max(sum(widths), 1e-6)
    out: list[Word] = []
    for start, part in parts:
        x0 = w.box[0] + sum(widths[:start]) * scale
        x1 = x0 + sum(widths[start:start + len(part)]) * scale
        out.append(Word(part, (x0, w.box[1], x1, w.box[3]), w.confidence))
    return out


def tokenised(line: Line, scripts: bool = True) -> Line:
    """The line with every run of several words cut into its words (`tokens`)."""
    return [t for w in line for t in tokens(w, scripts)]


def line_height(line: Line) -> float:
    return statistics.median(w.height for w in line)


def phrases(line: Line, gap: float = 1.0) -> list[list[Word]]:
    """Split a line where the space between two words exceeds `gap` times the text height."""
    out: list[list[Word]] = []
    limit = gap * line_height(line)
    for w in line:
        if out and w.box[0] - out[-1][-1].box[2] <= limit:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def join_words(words: list[Word]) -> str:
    """The text of words in one cell: a space between words unless both sides are CJK."""
    text, prev = "", None
    for w in words:
        gap = w.box[0] - prev.box[2] if prev is not None else 0.0
        piece = w.text
        if prev is not None and gap > 0.15 * min(w.height, prev.height):
            text += " "
        elif prev is not None and gap < 0 and text:
            piece = piece[_shared(text, piece, -gap / min(w.height, prev.height)):]
        text += piece
        prev = w
    return text.strip()


def _shared(text: str, piece: str, overlap: float) -> int:
    """How many characters two overlapping OCR runs both read where they overlap ("Menge." and
    "e.177PCS" share "e."): the longest end of `text` that starts `piece`, no longer than the
    overlap (in text heights) holds characters; at least one when they share one."""
    most = min(len(piece) - 1, max(1, round(overlap / 0.25)), 3)
    return next((n for n in range(most, 0, -1) if text.endswith(piece[:n])), 0)


def _parts(text: str) -> list[str]:
    """A bilingual label's halves: "订单编号 PO No." -> ["订单编号", "PO No."]."""
    return [m.group(0).strip() for m in _SCRIPT_RUNS.finditer(text) if m.group(0).strip()]


def column_label(text: str) -> str:
    """A header cell as the table reader understands it ("物料编码 Item" -> "物料编码", "Item #" -> "Item No")."""
    text = re.sub(r"\s*#\s*$", " No", text.strip())
    parts = _parts(text)
    if len(parts) > 1:
        for part in parts:
            if F.column_field(part):
                return part
    return text


def header_label(text: str) -> str:
    """A "label: value" cell whose bilingual label is reduced to one half, when both halves agree.

    "订单编号 PO No.：X" -> "订单编号:X"; "采购员 Buyer：王丽" stays, since 采购员 is a person, not the buyer.
    """
    label, sep, value = text.replace("：", ":").partition(":")
    parts = _parts(label)
    if not sep or F.header_field(label) or len(parts) < 2:
        return text
    names = {F.header_field(part) for part in parts}
    if len(names) == 1 and None not in names:
        return f"{parts[0]}:{value}"
    return text

