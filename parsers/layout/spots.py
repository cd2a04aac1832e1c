"""A header value's own box: the words that print it, inside the cell or line it was read from.

A header field is read from a cell ("PO No.: AC-778") or a text line ("PO: AC-778   Date:
2026-11-17") that may also hold its label and other fields; the reader keeps the value as printed
(`Provenance.text`). Here the box shrinks to the words (and the part of a word, shared out by the
printed width of its characters) whose characters spell that value, for text-PDF words and OCR
runs alike, so the review desk marks the value and not its label. A value not found as printed
keeps the whole box.
"""
from __future__ import annotations

from dataclasses import replace

from parsers.layout.words import Box, Page, Word, cut_word, group_lines, union_box
from parsers.model import ParsedOrder, Provenance
from parsers.vocab.numbers import nfkc


def narrow_fields(order: ParsedOrder, pages: list[Page]) -> ParsedOrder:
    """The order with each located header field's box narrowed to the words of its value."""
    by_number = {page.number: page for page in pages}
    fields = {name: _narrowed(where, by_number.get(where.page)) if where else where
              for name, where in order.fields.items()}
    return replace(order, fields=fields)


def _narrowed(where: Provenance, page: Page | None) -> Provenance:
    if page is None or where.box is None or not where.text:
        return where
    left, top, right, bottom = where.box
    # centres inside the box (2x the centre against 2x the box: no division per word of the page)
    inside = [w for w in page.words if 2 * left <= w.box[0] + w.box[2] <= 2 * right
              and 2 * top <= w.box[1] + w.box[3] <= 2 * bottom]
    found = value_box([w for line in group_lines(inside) for w in line], where.text)
    return replace(where, box=found) if found else where


def value_box(words: list[Word], text: str) -> Box | None:
    """The box of the first run of `words` (in reading order) whose characters, spaces aside and
    compared in NFKC and any case, spell `text`; a word the value starts or ends inside is cut."""
    wanted = _folded(text)
    if not wanted:
        return None
    chars: list[tuple[int, int]] = []   # per folded character: (word index, index in the word's text)
    folded = ""
    for i, word in enumerate(words):
        whole = _folded(word.text)
        if len(whole) == len(word.text):   # one folded character per character: the usual word
            folded += whole
            chars += [(i, j) for j in range(len(whole))]
            continue
        for j, ch in enumerate(word.text):
            piece = _folded(ch)
            folded += piece
            chars += [(i, j)] * len(piece)
    start = folded.find(wanted)
    if start < 0:
        return None
    (first, a), (last, b) = chars[start], chars[start + len(wanted) - 1]
    if first == last:
        return _part(words[first], a, b + 1)
    middle = [w.box for w in words[first + 1:last]]
    return union_box([_part(words[first], a, len(words[first].text)), *middle, _part(words[last], 0, b + 1)])


def _part(word: Word, start: int, end: int) -> Box:
    """The box of characters start..end of a word (the whole word's when that is all of it)."""
    if start == 0 and end >= len(word.text):
        return word.box
    return cut_word(word, [(start, word.text[start:end])])[0].box


def _folded(text: str) -> str:
    return "".join(nfkc(text).split()).casefold()
