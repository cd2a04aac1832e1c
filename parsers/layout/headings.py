"""Where an order table's heading is on a page of positioned words.

A heading line names an item, a quantity and a third column. Forms also print headings over
two lines ("DESCR." over "DISPO", "PRICE/PC" over "USD"), and some head their only count
column "Units"; both are recognised here, so the layout reader sees one heading line.
"""
from __future__ import annotations

import re

from parsers.vocab import labels as F
from parsers.vocab import misread
from parsers.vocab.numbers import parse_quantity
from parsers.layout.words import CJK, Box, Line, Word, column_label, cut_word, join_words, line_height, phrases, union_box

_LONGEST_LABEL = 12  # characters: no heading label is longer
_STRAY = re.compile(r"^[)）\]】|]+|[(（\[【|]+$")  # a bracket the detector cut from the label beside it


_OPENING, _CLOSING = "(（[【", ")）]】"


def _known(text: str) -> bool:
    """A heading label in the vocabulary, also when OCR left it a neighbour's bracket ("）金额"),
    read a speck between two of its words as one ("Buyer] Item #") or misread one of its
    characters ("物料名稠")."""
    return _printed(text) or misread.column_field(text) is not None


def _printed(text: str) -> bool:
    """A heading label in the vocabulary as printed (a stray bracket or speck aside), no character misread."""
    return F.is_known_column(text) or F.is_known_column(_STRAY.sub("", text)) or F.is_known_column(_unpaired(text))


def _unpaired(text: str) -> str:
    """The text without brackets that close nothing or open nothing: "Buyer] Item #" is "Buyer Item #",
    "Unit Price (USD)" stays."""
    out, opened = [], []
    for ch in text:
        if ch in _OPENING:
            opened.append(len(out))
        elif ch in _CLOSING:
            if not opened:
                continue
            opened.pop()
        out.append(ch)
    return "".join(ch for k, ch in enumerate(out) if k not in opened)


def split_labels(line: Line) -> Line:
    """Heading words that run known labels together ("单位数量": the text detector joined two narrow
    columns into one run) as one word per label, the run's box shared out by characters."""
    out: Line = []
    for w in line:
        parts = _spelled_by_labels(w.text) if CJK.search(w.text) and not _known(w.text) else None
        if not parts or len(parts) < 2:
            out.append(w)
            continue
        starts = [sum(len(p) for p in parts[:k]) for k in range(len(parts))]
        out.extend(cut_word(w, list(zip(starts, parts))))
    return out


_UNKNOWN_COST = 4   # a piece of a heading run that is no known label (a label OCR misread: 頂次 for 項次) ...
_UNKNOWN_CHARS = 3  # ... and how long such a piece may be
_MISREAD_COST = 0.1  # a label read only as a misreading costs a little more than one as printed


def _spelled_by_labels(text: str) -> list[str] | None:
    """The fewest known column labels that spell `text` end to end, or None; a bracketed note ends
    the label before it ("单价(元)总价" is 单价(元) and 总价). One short piece may be no known label
    (a label OCR misread, "頂次物料编碼品名") when two known labels spell the rest. Of as many labels,
    those printed whole win over misreadings ("含税单价金额" is 含税单价 and 金额, not 含税单 and 价金额)."""
    best: list[tuple[float, int, list[str]] | None] = [(0, 0, [])] + [None] * len(text)  # cost, unknowns, pieces
    for i in range(len(text)):
        done = best[i]
        if done is None or text[i] in "(（[【":
            continue
        for j in range(i + 1, min(len(text), i + _LONGEST_LABEL) + 1):
            printed = _printed(text[i:j])
            known = printed or misread.column_field(text[i:j]) is not None  # as `_known`, keeping `printed`
            if not known and (j - i > _UNKNOWN_CHARS or j - i < 2 or done[1]):
                continue
            cost = (1 if printed else 1 + _MISREAD_COST) if known else _UNKNOWN_COST
            step = (done[0] + cost, done[1] + (not known), done[2] + [text[i:j]])
            if best[j] is None or step[0] < best[j][0]:
                best[j] = step
    end = best[-1]
    if end is None or (end[1] and len(end[2]) - end[1] < 2):
        return None
    return end[2]


def heading_cells(line: Line) -> list[list[Word]]:
    """A heading line's cells: its phrases, a phrase made of several known labels ("单位 数量" printed
    closer than a word gap) cut into one cell per label. Gaps alone never decide it."""
    out: list[list[Word]] = []
    for cell in phrases(split_labels(line), 0.8):
        out.extend(_label_groups(cell))
    return out


def _label_groups(cell: list[Word]) -> list[list[Word]]:
    """The fewest runs of consecutive words that are each a known label, else the cell whole. A
    bracketed note ("(USD)", "(元)") belongs to the label before it: "Unit Cost (USD) | Amount". The
    first or the last word may be no known label (misread by OCR: "填次 本司料号") when the others are."""
    tokens = _bracket_notes_left([a for w in cell for a in _atoms(w)])
    if len(tokens) == 1 or _known(join_words(cell)):
        return [cell]
    best: list[tuple[int, int, list[list[Word]]] | None] = [(0, 0, [])] + [None] * len(tokens)
    for i in range(len(tokens)):
        done = best[i]
        if done is None:
            continue
        for j in range(i + 1, min(len(tokens), i + _LONGEST_LABEL) + 1):
            run = [w for t in tokens[i:j] for w in t]
            known = _known(join_words(run))
            if not known and (j - i > 1 or done[1] or 0 < i < j < len(tokens)):
                continue
            step = (done[0] + (1 if known else _UNKNOWN_COST), done[1] + (not known), done[2] + [run])
            if best[j] is None or step[0] < best[j][0]:
                best[j] = step
    end = best[-1]
    if end is None or not end[2] or len(end[2]) - end[1] < max(end[1], 1):
        return [cell]
    return end[2]


# Where OCR runs Latin labels together without a space: after a full stop, '#' or a speck ("No.Vendor",
# "#Product", "#·Unit"), at a lower-to-upper case change ("CustomerPart"), around a bracket ("Price(USD)",
# "(元）总价").
_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_ATOM_CUT = re.compile(r"(?<=[.#:;|·])(?=[^\W_])|(?<=[a-z])(?=[A-Z])|(?<=\w)(?=[(（\[])|(?<=[)）\]])(?=\S)")


def _atoms(w: Word) -> list[Word]:
    """A heading word cut where Latin labels may have been run together; the pieces share its box.
    A bracketed note stays whole ("(UsD)" read with a small s is one note, not "(Us" and "D)")."""
    notes = [m.span() for m in _NOTE.finditer(w.text)]
    starts = [0] + [m.start() for m in _ATOM_CUT.finditer(w.text) if not any(a < m.start() < b for a, b in notes)]
    if len(starts) == 1:
        return [w]
    return cut_word(w, [(a, w.text[a:b]) for a, b in zip(starts, starts[1:] + [len(w.text)])])


def _bracket_notes_left(cell: list[Word]) -> list[list[Word]]:
    """The cell's words grouped so that a bracketed note travels with the word before it."""
    tokens: list[list[Word]] = []
    for w in cell:
        if tokens and re.fullmatch(r"[(（\[【].*[)）\]】]", w.text.strip()):
            tokens[-1].append(w)
        else:
            tokens.append([w])
    return tokens


def cell_field(cell: list[Word]) -> str | None:
    """The field a heading cell names, as printed or with a character OCR misread ("物料名稠"). A cell
    of several words one of which is a label as printed is labels set closer than a word gap
    ("Menge Einheit"): each word names its own column, and no misreading is guessed for the whole."""
    text = join_words(cell)
    exact = F.column_field(column_label(text))
    if exact or (len(cell) > 1 and any(F.column_field(column_label(w.text)) for w in cell)):
        return exact
    return misread.column_field(text)


def header_fields(cells: list[list[Word]]) -> set[str]:
    """The fields the heading cells name; a cell no field matches as a whole is tried word by word."""
    found: set[str] = set()
    for cell in cells:
        whole = cell_field(cell)
        if whole:
            found.add(whole)
            continue
        found.update(f for w in cell if (f := F.column_field(column_label(w.text))))
    return found


def is_header(line: Line, below: Line | None = None, cells: list[list[Word]] | None = None) -> bool:
    """Whether a line (or its given heading cells) names an item, a quantity and a third column."""
    cells = cells if cells is not None else heading_cells(line)
    found = header_fields(cells)
    if F.QUANTITY not in found and F.UNIT in found and below is not None and _counts_under(cells, below):
        found = (found - {F.UNIT}) | {F.QUANTITY}  # a numeric "Units" column is the count (tables.count_column)
    if F.QUANTITY not in found and below is not None and unread_count(cells, below) is not None:
        found = found | {F.QUANTITY}
    return F.QUANTITY in found and bool(found & F.ITEM_FIELDS) and len(found) >= 3


COUNT_LABEL = "Qty"  # the heading given to a count column whose own heading OCR could not read
_COUNT = re.compile(r"\d[\d,.]*")


def unread_count(cells: list[list[Word]], below: Line) -> int | None:
    """The heading cell OCR misread ("QQ", "QY" for "Qty") over the table's count column: the one
    cell no label names whose column holds a count on the next line, in a heading that names
    an item and a price or an amount but no quantity (the row arithmetic then checks it). None when
    there is no such cell or more than one."""
    fields = [cell_field(cell) for cell in cells]
    if F.QUANTITY in fields or F.UNIT_PRICE not in fields and F.AMOUNT not in fields:
        return None
    if not set(fields) & F.ITEM_FIELDS:
        return None
    found = [k for k, name in enumerate(fields) if name is None and _numbers_under(cells, k, below)]
    return found[0] if len(found) == 1 else None


def _numbers_under(cells: list[list[Word]], k: int, below: Line) -> bool:
    """Whether the words of `below` under heading cell k are counts (plain numbers, or numbers with
    their unit: "291 pack"; a unit word of the column beside may stand in reach too): those reaching within half
    a text height of the heading (a long description ends short of the next column's numbers, a
    right-aligned count may stand just right of a short heading), or centred between the rules of an
    empty ruled heading cell (`blank`)."""
    x0, x1 = cells[k][0].box[0], cells[k][-1].box[2]
    if join_words(cells[k]):
        reach = 0.5 * line_height(cells[k])
        under = [w for w in below if w.box[2] > x0 - reach and w.box[0] < x1 + reach]
    else:
        under = [w for w in below if x0 < w.cx < x1]
    return any(_counted(w.text) for w in under) and all(_counted(w.text) or misread.unit_code(w.text) for w in under)


def _counted(text: str) -> bool:
    """A plain number, or a number with its unit written in the same cell ("291 pack")."""
    if _COUNT.fullmatch(text):
        return True
    number, unit = parse_quantity(text)
    return number is not None and unit is not None and misread.unit_code(unit) is not None


def blank(box: Box) -> list[Word]:
    """An empty ruled heading cell (the detector found no text in it), where it is: a count column
    whose heading was lost may be named by `with_count`."""
    return [Word("", box, 0.0)]


def with_count(cells: list[list[Word]], below: Line | None) -> list[list[Word]]:
    """The heading cells, the misread heading of the count column (`unread_count`) named as one."""
    k = unread_count(cells, below) if below is not None else None
    if k is None:
        return cells
    word = Word(COUNT_LABEL, union_box(w.box for w in cells[k]), min(w.confidence for w in cells[k]))
    return [*cells[:k], [word], *cells[k + 1:]]


def _counts_under(cells: list[list[Word]], below: Line) -> bool:
    """Whether the words under the header's unit heading (up to the next heading), on the next line, are numbers."""
    for k, cell in enumerate(cells):
        if F.column_field(column_label(join_words(cell))) != F.UNIT:
            continue
        x0 = cell[0].box[0] - line_height(cell)
        right = cells[k + 1][0].box[0] if k + 1 < len(cells) else float("inf")
        under = [w for w in below if w.box[2] > x0 and w.box[0] < right]
        return bool(under) and all(re.fullmatch(r"\d[\d,]*(\.\d+)?", w.text) for w in under)
    return False


def header_at(lines: list[Line], i: int) -> Line | None:
    """The header line at index i, the line above merged in when the pair heads the table together.

    Forms print two-line headings ("DESCR." over "DISPO", "PRICE/PC" over "USD", "Part" over
    "No."): the upper half is kept whenever it sits over the lower's cells and the pair names as
    many fields as the lower alone, so that "Part" over "No." is the item code, not a row number,
    and "(元)" under "单价" is not read as a note of the label before it.
    """
    below = lines[i + 1] if i + 1 < len(lines) else None
    alone = is_header(lines[i], below)
    if alone and below is not None:
        pair = _with_upper_half(lines[i], below, lines[i + 2] if i + 2 < len(lines) else None)
        if pair is not None and _named([[w] for w in pair]) >= _named(heading_cells(lines[i])):
            return None  # the upper half of a two-line heading ("Qty" over "Ordered"): read at i + 1
    merged = _with_upper_half(lines[i - 1], lines[i], below) if i else None
    if merged is not None and (not alone or _named([[w] for w in merged]) >= _named(heading_cells(lines[i]))):
        return merged
    return lines[i] if alone else None


def _named(cells: list[list[Word]]) -> int:
    """How many fields heading cells name."""
    return len(header_fields(cells))


def _with_upper_half(upper: Line, lower: Line, below: Line | None) -> Line | None:
    """The lower heading line's cells, each with the upper line's phrases over it, when every upper
    phrase stands over a cell (not a title or label line above) and together they head a table."""
    if min(w.box[1] for w in lower) - max(w.box[3] for w in upper) > 0.8 * line_height(lower):
        return None
    if any(ch.isdigit() for w in lower for ch in w.text):
        return None  # a row of figures under the heading, not its lower half
    tops = [[w] for w in upper]  # words, not phrases: "PRICE/PC Amount" a few points apart head two columns
    cells = [c for part in _cut_under(lower, tops) for c in heading_cells(part)]
    over = [[t for t in tops if t[0].box[0] < c[-1].box[2] and t[-1].box[2] > c[0].box[0]] for c in cells]
    if any(not any(t in o for o in over) for t in tops):
        return None  # a title or label line above, not the top half of the headings
    merged = [Word(" ".join([*(join_words(t) for t in o), join_words(c)]),
                   union_box(w.box for w in [*c, *(w for t in o for w in t)]), min(w.confidence for w in c))
              for c, o in zip(cells, over)]
    return merged if is_header(merged, below, [[w] for w in merged]) else None


def _cut_under(cell: list[Word], tops: list[list[Word]]) -> list[list[Word]]:
    """The lower heading line cut where its words stand under different upper words (or under one
    and under none): "单位 (元)" with "单价" over "(元)" alone is two cells, and "No. Ordered Item
    Code" with "Qty" over "Ordered" is cut around it before its labels are looked for."""
    def owner(w: Word) -> int:
        return next((k for k, t in enumerate(tops) if t[0].box[0] < w.box[2] and t[-1].box[2] > w.box[0]), -1)

    out: list[list[Word]] = []
    for w in cell:
        if out and owner(out[-1][-1]) == owner(w):
            out[-1].append(w)
        else:
            out.append([w])
    return out
