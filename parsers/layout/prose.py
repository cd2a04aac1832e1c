"""Order lines written as labelled fields or as sentences, read by the table-heading vocabulary.

Two kinds of prose carry order lines:

- a line of labelled fields: "物料编码：1.04.0047；名称：PE自封袋；数量：2,000 M；单价：￥0.69" or
  "Item 2: PE zip bag (P/N 1.04.0047), quantity 120 PK, unit price USD 1.46". Each segment's
  label is looked up exactly like a table heading, so the line becomes a table row with its
  own headings and is read by the same row reader as every table;
- a change request: "订单 PO-88 第2行 PE自封袋 的数量由 15000pcs 改为 30000pcs", "please change
  the quantity of line 2 from 15000 pcs to 30000 pcs": which line, which field, from what to
  what. It becomes a line of a change order carrying the new value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from parsers.tablerow import read_row, respell_row
from parsers.layout import checks
from parsers.layout.checks import RowNote, RowValues
from parsers.model import ParsedLine, Provenance
from parsers.vocab import changes as C
from parsers.vocab import labels as F
from parsers.vocab import misread, units
from parsers.vocab.dates import parse_date
from parsers.vocab.numbers import nfkc, parse_decimal, parse_quantity, respell

# "Item 2:", "Line 2.", "Ligne 2 :", "Pos. 2", "No. 2", "第2项：", "2)" before the fields of one line
# (after any specks OCR read before it: "：6、物料编码…").
_LINE_PREFIX = re.compile(rf"(?i)^[\s:：;；.,，·・、'`]*(?:(?:{C.LINE_WORD}|no\.?|#)[\s.:：]*"
                          r"(\d{1,3})\s*[:：.)\-–]?|"
                          r"第\s*(\d{1,3})\s*[项行条項條]\s*[:：、.]?|[(（]?(\d{1,3})[.、)）:：](?!\d))\s*")
# Segments end at ; ； | tab ， and at a comma not inside a number ("2,000" and "0,69" stay whole,
# and so do "1;315" and "7;9496", a comma or a point OCR read as a semicolon).
SEMICOLON = r"(?<!\d);|;(?!\d)"  # a semicolon between digits is a mark OCR misread inside a number
_SEGMENTS = re.compile(rf"\s*(?:{SEMICOLON}|[；|\t]|，|(?<!\d),|,(?!\d))\s*")
_BRACKETED = re.compile(r"[(（]([^()（）]{2,60})[)）]")
_MAX_LABEL_WORDS = 4


def _label_split(segment: str) -> tuple[str, str, str] | None:
    """(field, label, value) when a segment starts with a known heading, with or without a colon."""
    label, sep, value = segment.partition("：") if "：" in segment else segment.partition(":")
    spans = re.match(r"(\s*\S+)\s+(\S.*)$", value) if sep else None
    if spans and F.is_known_column(f"{label}{sep}{spans.group(1)}"):  # "unsere Art:-Nr. AME-1", "réf: client KW-7": a mark inside the label
        label, value = f"{label}{sep}{spans.group(1)}", spans.group(2)
    if sep and (field := misread.column_field(label)) and value.strip():
        return field, label.strip(), value.strip()
    words = segment.split()
    for n in range(min(_MAX_LABEL_WORDS, len(words)), 0, -1):  # "unit price USD 1.46"
        for head, value in _heads(words, n):
            field = F.column_field(head) or ""
            if F.is_known_column(head) and value and (field != F.UNIT or F.is_unit(value)):
                return field, head, value
    m = re.match(r"^([\u4e00-\u9fff]{2,6}?)\s*([\d¥￥$€].*)$", segment)  # "数量2000个", "单价¥0.69"
    if m and F.is_known_column(m.group(1)):
        return F.column_field(m.group(1)) or "", m.group(1), m.group(2)
    return None


def _heads(words: list[str], n: int) -> list[tuple[str, str]]:
    """The first `n` words as a label and the rest as its value; when OCR read the space after
    the label as a dot or colon ("unit price.GBP 0.83") or lost it ("cantidad1.040"), also the
    label cut there; a speck read between them ("Menge·268") is such a mark."""
    out = [(" ".join(words[:n]), " ".join(words[n:]))]
    code = _glued_code(words[:n - 1], words[n - 1])
    if code:  # first: "réf.client'KK-4814" is the label "réf. client", not "réf." before "client'KK-4814"
        out.append((code[0], " ".join([code[1]] + words[n:])))
    cuts = (re.match(r"^([^\W\d_][\w./-]*?)[.:](?=[^\W\d_]|[¥$€£￥])(.+)$", words[n - 1]),  # "Art.-Nr.AEP-35310"
            re.match(r"^([^\W\d_]+(?:[./-]+[^\W\d_]+)*)[.:·•'`\-]?(\d.*)$", words[n - 1]))  # "cantidad.154", "Menge1.002:m", "P/N'1.02.1010", "P/N-1.02.1019"
    for glued in filter(None, cuts):
        out.append((" ".join(words[:n - 1] + [glued.group(1)]), " ".join([glued.group(2)] + words[n:])))
    return out


# A code as printed after its label: capitals, digits and the marks inside codes, with a digit.
_GLUED_CODE = re.compile(r"(?=[A-Z0-9.\-_/:]*\d)[A-Z0-9][A-Z0-9.\-_/:]{2,29}")


def _glued_code(before: list[str], word: str) -> tuple[str, str] | None:
    """A code's label run into the code itself, the space lost ("ourP/NKH-54735"): the longest
    start of the word that completes a code label, when the rest reads as a code (capitals and
    digits) once a speck between the two is left out."""
    for end in range(len(word) - 3, 0 if before else 1, -1):
        head, rest = " ".join(before + [word[:end]]), re.sub(r"^[.:·•'`\-]", "", word[end:])
        if _GLUED_CODE.fullmatch(rest) and F.column_field(head) in _CODE_FIELDS and F.is_known_column(head):
            return head, rest
    return None


# Where OCR read a separator (；or ", ") as a colon or a dot, or lost it, the next label still
# starts a field: "数量：1,000 個:单價:HKD 1.20", "quantity 120 PK. unit price USD 1.46",
# "单价：1.21港币 小计：822.80" (a line and its wrapped end joined by a space).
_GLUE = re.compile(r"(?<=\S)[.:：][\s·•'`]*(?=[^\W\d_])|(?<=\S)\s+(?=[^\W\d_][^:：\s]{0,11}[:：])")


def _unglued(segment: str) -> list[str]:
    """A segment cut where a known label follows a mark OCR may have put in place of a separator
    (or, after a labelled field, a bare gap), outside brackets and never inside a number."""
    pieces, start = [], 0
    for m in _GLUE.finditer(segment):
        rest = _label_split(segment[m.end():]) if m.start() > start and not _depth(segment[:m.start()]) else None
        head = segment[start:m.start()]
        if rest is None or _label_starts_before(head, rest[1]) or (not m.group(0).strip() and not _label_split(head)):
            continue
        pieces.append(head)
        start = m.end()
    return [p for p in pieces + [segment[start:]] if p.strip()]


def _label_starts_before(head: str, label: str) -> bool:
    """Whether the label found after a mark or gap begins a word earlier ("nuestra.ref.",
    "nuestra ref:" are one label, not a word and the label "ref")."""
    words = re.split(r"[\s(（]+", head.strip())
    return bool(words[-1]) and F.is_known_column(f"{words[-1]} {label}")


def _depth(text: str) -> int:
    return text.count("(") + text.count("（") - text.count(")") - text.count("）")


@dataclass
class _Fields:
    """A prose line cut into (heading, value) cells, as a one-row table."""

    labels: list[str]
    fields: list[str]
    values: list[str]

    def add(self, field: str, label: str, value: str) -> None:
        code = _CODE_THEN_TEXT.fullmatch(value) if field in _CODE_FIELDS else None
        if code:  # "ME-77110：產品名种：深沟球轴承": the next label, garbled, ran on after the code
            value, rest = code.group(1), code.group(2)
            named = _label_split(rest)
            self.add(*(named or (F.DESCRIPTION, "", re.sub(r"^[\u4e00-\u9fff]{1,6}[:：]\s*", "", rest))))
        self.fields.append(field)
        self.labels.append(label)
        self.values.append(value)


_CODE_FIELDS = frozenset({F.CUSTOMER_SKU, F.OUR_SKU, F.CODE, F.BARCODE})
# A code value, then a mark and text holding Chinese (which no item code holds).
_CODE_THEN_TEXT = re.compile(r"([A-Za-z0-9][A-Za-z0-9\-_./]*[A-Za-z0-9])\s*[:：;；,，]\s*(.*[\u4e00-\u9fff].*)")


def _segments(text: str) -> list[str]:
    """The text cut at its separators, except inside brackets: "(our P/N A-1, P/N 1.04.0047)" stays
    with the segment it is printed in."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"[(（)）]|" + _SEGMENTS.pattern, text):
        if m.group(0) in "(（":
            depth += 1
        elif m.group(0) in ")）":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(text[start:m.start()])
            start = m.end()
    out.append(text[start:])
    pieces = [re.sub(r"^[\s:：.·•'`]+(?=[^\W\d_])", "", piece) for seg in out if seg.strip() for piece in _unglued(seg)]
    return _rejoined(pieces)


def _rejoined(pieces: list[str]) -> list[str]:
    """A label standing alone joined to the unlabelled value after it: OCR read the point that
    ends a label as a comma ("unsere Art.-Nr, AME-61207"), which cut the label from its value."""
    out: list[str] = []
    for piece in pieces:
        if out and F.is_known_column(out[-1]) and _label_split(piece) is None:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _cut(body: str) -> _Fields:
    cut = _Fields([], [], [])
    for segment in _segments(body):
        found = _label_split(segment)
        if found and not _BRACKETED.search(found[2]):
            cut.add(*found)
            continue
        for inner in _BRACKETED.findall(segment):  # "PE zip bag (our P/N A-1, P/N 1.04.0047)"
            labelled = [got for part in _segments(inner) if (got := _label_split(part))]
            if labelled and all(got[0] in F.ITEM_FIELDS for got in labelled):
                for got in labelled:
                    cut.add(*got)
                segment = segment.replace(f"({inner})", " ").replace(f"（{inner}）", " ")
        found = _label_split(segment)
        if found:
            cut.add(*found)
        elif segment.strip():
            cut.add(F.DESCRIPTION, "", segment.strip())
    return cut


def _quantity_text(value: str) -> str:
    """A quantity with the mark OCR read between number and unit taken for a space ("9.700-EA"),
    and a thousands comma or a decimal point it read as a semicolon or colon put back ("1;315M",
    "1,667:5 MTR"). A speck read as a mark before the number (".1,020 M", ".284 box") is no decimal
    point."""
    value = re.sub(r"(?<=\d)[;:](?=\d{3}(?!\d))", ",", value)
    value = re.sub(r"(?<=\d)[;:](?=\d{1,2}(?!\d))", ".", value)  # "1,667:5 MTR": its decimal point read as a colon
    # A speck before the number is no decimal point: nobody prints a quantity ".284" (".1,020 M", ".284 box").
    value = re.sub(r"^\s*[.,·'`:;]\s*(?=\d)", "", value)
    value = _thousands_points(re.sub(r"(?<=\d)[.:;,\-](?=[^\W\d_])", " ", value))
    counted = re.match(r"\s*([1-9]\d{0,2}(?:\.\d{3})+)(?![\d.,])\s*(.*)$", value)
    if counted and not counted.group(1).endswith(".000") and units.is_counted(counted.group(2).split(" ")[0]):
        # "5.050件", "7.100 EA": nobody counts pieces in thousandths; the points were commas. ("10.000 PC"
        # may be ten printed with three decimals, as some systems print every quantity: left to the checks.)
        value = counted.group(1).replace(".", "") + " " + counted.group(2)
    return value


def _thousands_points(value: str) -> str:
    """A number whose thousands commas OCR read as points ("12.778.20", "1.793.5"): only the last
    point, before one or two digits, can be the decimal one."""
    dotted = re.search(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+\.\d{1,2}(?![\d.,])", value)
    if not dotted:
        return value
    head, _, cents = dotted.group(0).rpartition(".")
    return value[:dotted.start()] + head.replace(".", "") + "." + cents + value[dotted.end():]


def _code_text(value: str) -> str:
    """A dotted numeric code with a point OCR read as a colon ("1.02:1019", "1:03.1020")."""
    if re.fullmatch(r"\d+(?:[.:;]\d+)+", value) and "." in value:
        return re.sub(r"[:;]", ".", value)
    return value


def _money_text(value: str) -> str:
    """A price or amount without the remains of a currency word OCR cut short or ran on into the
    next label ("52.04港", "1.21港币："), nor a speck read as a mark after it ("2,28.EUR", "0,0034. EUR"), nor a
    currency sign read as a letter ("E 0.4653")."""
    if parse_decimal(value) is not None:
        return value
    value = misread.unsigned_money(value)
    value = re.sub(r"(?<=\d)[.:;,\-](?=\s|[^\W\d_]|$)", " ", value).strip(" .:;,")
    # "1.893:60", "0:4725": a decimal point read as a colon (a thousands comma has three digits after it)
    value = re.sub(r"(?<=\d)[;:](?=\d{1,2}(?!\d)|\d{4,}(?!\d))|(?<=(?<![\d.,])0)[;:](?=\d)", ".", value)
    value = _thousands_points(value)
    if parse_decimal(value) is not None:
        return value
    m = re.fullmatch(r"\s*([^\u4e00-\u9fff]*?\d)\s*[\u4e00-\u9fff]{1,3}[\s:：;；,，.。]*", value)
    if m and parse_decimal(m.group(1)) is not None:
        return m.group(1)
    return _lone_number(value) or value


# A currency as OCR leaves it around a price: a code or word of up to four letters, a sign or a
# symbol it read for one ("∈" for €), with specks read as marks ("US$. 1.32", "USD.0.8497", "6,28 ∈.").
_CURRENCY = r"[^\W\d_]{0,4}[^\w\s.,:;]?"


def _lone_number(value: str) -> str | None:
    """The one number of a price or amount between the remains of its currency, or None."""
    value = re.sub(r"(?<=[A-Z]{3})O(?=[.,]\d)", "0", value)  # "CNYO.1912": the 0 read as an O
    m = re.fullmatch(rf"\s*{_CURRENCY}[\s.,:;'`·]*(\d[\d.,]*\d|\d)[\s.,:;'`·]*{_CURRENCY}[\s.,:;]*", value)
    return m.group(1) if m and parse_decimal(m.group(1)) is not None else None


def settled(line: ParsedLine) -> tuple[ParsedLine, RowNote]:
    """An OCR-read labelled line with its numbers made to agree by the row arithmetic (a
    misread digit, a thousands comma read as a dot), and the note saying what was changed."""
    texts = tuple(None if v is None else str(v) for v in (line.quantity, line.unit_price, line.amount))
    values = RowValues(line.quantity, line.unit_price, line.amount, texts)
    fixed, note = checks.settle_row(values, ocr=True)
    return (checks.with_checks(line, fixed) if note else line), RowNote(repaired=note)


def starts_item(text: str) -> bool:
    """Whether a text line opens an order line of its own ("Item 3:", "第3项：", "3)")."""
    return _LINE_PREFIX.match(nfkc(text)) is not None and bool(_LINE_PREFIX.match(nfkc(text)).group(0).strip())


def line_number(text: str) -> str | None:
    """The number a text line gives the order line it opens ("Item 3:", "第3项：", "3、"), or None."""
    prefix = _LINE_PREFIX.match(nfkc(text))
    return next((g for g in prefix.groups() if g), None) if prefix else None


def unread_line(text: str) -> str | None:
    """A sentence for a text line that opens an order line of its own ("Item 27:", "3、") and labels
    a quantity, price or code, but could not be read as a line (OCR lost its quantity, say); None
    for any other text. Such a line is reported, never dropped silently."""
    text = nfkc(text)
    prefix = _LINE_PREFIX.match(text)
    if prefix is None or not prefix.group(0).strip():
        return None
    cut = _cut(text[prefix.end():])
    if not any(label and field in _LINE_FIELDS for field, label in zip(cut.fields, cut.labels)):
        return None
    return f"Line {line_number(text)} (\"{text.strip()[:50]}\") could not be read: no quantity could be read from it."


_LINE_FIELDS = _CODE_FIELDS | {F.QUANTITY, F.UNIT_PRICE, F.AMOUNT}


def labelled_line(text: str, n: int, us: bool = False, mark: str | None = None) -> ParsedLine | None:
    """An order line written as labelled fields on one text line, or None.

    It needs a labelled quantity and at least one other labelled field; unlabelled text in it
    is the description. Numbers are read under the document's decimal `mark` when it is known.
    """
    prefix = _LINE_PREFIX.match(text)
    body = text[prefix.end():] if prefix else text
    cut = _cut(nfkc(body))
    labelled = [f for f, label in zip(cut.fields, cut.labels) if label]
    if F.QUANTITY not in labelled or len(labelled) < 2:
        return None
    if not set(cut.fields) & (F.ITEM_FIELDS | {F.DESCRIPTION}):
        return None
    columns = {i: field for i, field in enumerate(cut.fields) if field}
    labels = {i: label or field for i, (label, field) in enumerate(zip(cut.labels, cut.fields))}
    values = [_money_text(v) if f in (F.UNIT_PRICE, F.AMOUNT) else _quantity_text(v) if f == F.QUANTITY
              else _code_text(v) if f in _CODE_FIELDS else v for f, v in zip(cut.fields, cut.values)]
    row = respell_row(values, columns, mark)
    got = read_row(row, n, columns, labels, lambda r, c: f"line {r + 1}", us, None)
    if got is None:
        return None
    return replace(got.line, provenance=Provenance(line=n + 1), confidence=0.85)


# --- change requests ------------------------------------------------------------------------

_NUMBERED_LINE = re.compile(rf"(?i)第\s*(\d{{1,3}})\s*[行项条項條]|\b{C.LINE_WORD}\s*(?:no\.?\s*|n[º°]\s*)?#?\s*(\d{{1,3}})\b")
_ZH_CHANGE = re.compile(rf"({'|'.join(C.ZH_FIELDS)})\s*(?:{'|'.join(C.ZH_FROM)})\s*(\S+?)\s*"
                        rf"(?:{'|'.join(C.ZH_TO)})\s*"
                        r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[^\s，,。;；]*|[^\s，,。;；]+)")
_NUMBER = r"\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_VALUE = (rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|[$€£¥￥]?\s?(?:{_NUMBER}))"
          r"(?:\s*(?:[^\W\d_]{1,10}\.?(?![^\W\d_])|[$€£¥￥]))?")
# What follows the field's name in a sentence in a Latin script: "[of line 2] [(name, code)] [from] 100 to 200".
_LATIN_CHANGE = re.compile(
    rf"(?i)(?:\s+(?:{C.OF_WORDS})\s+(?:(?:{C.ARTICLE_WORDS})\s*)?{C.LINE_WORD}\s*#?\s*\d{{1,3}}\b)?"
    r"(?:\s*[(（](?P<aside>[^()（）]*)[)）])?\s*[:：,]?"
    rf"(?:\s*(?:(?P<from>{C.FROM_WORDS})\s+)?(?P<old>{_VALUE}))?"
    rf"\s*(?:(?<=\s)(?P<to>{C.TO_WORDS})(?=\s)|(?P<arrow>{C.ARROW_WORDS}))\s*(?P<new>{_VALUE})")
_PO_REF = re.compile(rf"(?i)(?:{'|'.join(C.ORDER_WORDS)})\s*(?:{C.NUMBER_WORDS}(?![^\W\d_]))?\s*[:：]?\s*"
                     r"([A-Za-z0-9][A-Za-z0-9_\-/.]*\d[A-Za-z0-9_\-/]*)")
_CHANGED = (F.QUANTITY, F.UNIT_PRICE, F.LINE_DELIVERY)
_ITEM_CODE = re.compile(r"(?<![\w.])(?=[A-Za-z0-9.\-]*\d)[A-Za-z0-9][A-Za-z0-9.\-_/]{2,29}(?![\w])")


@dataclass(frozen=True)
class Change:
    """One requested change: the line it names, the field, the new value as printed."""

    line_no: int
    field: str
    new: str
    old: str | None
    item: str
    po_number: str | None


def change_request(text: str) -> Change | None:
    """The change a sentence asks for ("第2行 … 的数量由 15000pcs 改为 30000pcs", "cambiar la
    cantidad de la línea 2 de 100 a 200"), or None."""
    s = nfkc(text)
    where = _NUMBERED_LINE.search(s)
    if not where:
        return None
    found = _zh_change(s, where.end()) or _latin_change(s) or _zh_change(s, 0)
    if found is None:
        return None
    field, start, new, old, aside = found
    between = s[where.end():start] if start > where.end() else aside
    item = re.sub(r"^[\s:：,，的]+|[\s:：,，的]+$", "", between)
    po = _PO_REF.search(s)
    return Change(int(where.group(1) or where.group(2)), field, new.strip(), old, item,
                  po.group(1) if po else None)


def _zh_change(s: str, pos: int) -> tuple[str, int, str, str | None, str] | None:
    m = _ZH_CHANGE.search(s, pos)
    field = F.column_field(m.group(1)) if m else None
    return (field, m.start(), m.group(3), m.group(2), "") if m and field in _CHANGED else None


def _latin_change(s: str) -> tuple[str, int, str, str | None, str] | None:
    """(field, where its name starts, new, old, aside) of "<field> [of line N] [from] old to new",
    the field named by the label vocabulary in the (up to three) words before."""
    pos = 0
    while m := _LATIN_CHANGE.search(s, pos):
        pos = m.start() + 1
        if not (m["from"] or m["arrow"] or (m["to"] or "").casefold() in C.BARE_TO):
            continue  # "100 pièces à 2,50 €" is a price, not a change
        named = _field_before(s[:m.start()])
        if named is not None:
            return named[0], named[1], m["new"], m["old"], m["aside"] or ""
    return None


def _field_before(text: str) -> tuple[str, int] | None:
    """The changeable field the last one to three words of `text` name, and where they start."""
    words = list(re.finditer(r"[^\W\d_]+\.?", text))
    tail: list[re.Match] = []
    for w in reversed(words):
        if text[w.end():(tail[0].start() if tail else len(text))].strip():
            break  # a number or a sign between: the words before are no part of the name
        tail.insert(0, w)
        if len(tail) == 3:
            break
    # The run naming the field may end before the last word: "la cantidad pasa de 100 a 200".
    for end in range(len(tail), 0, -1):
        for k in range(end):
            field = F.column_field(" ".join(w.group(0) for w in tail[k:end]))
            if field in _CHANGED:
                return field, tail[k].start()
    return None


def _item_words(text: str) -> str | None:
    """What a change request says of the item, without its bracketed code label and the verb
    ("Bubble wrap (P/N ), change the" -> "Bubble wrap")."""
    text = re.sub(r"[(（][^()（）]*[)）]", " ", text)
    text = re.sub(r"(?i)[\s,，]*(?:please\s+)?(?:change|amend|revise|update|modify)(?:\s+the)?\s*$|[\s,，]*(?:请)?(?:将|把)?$", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,，:：;；")
    last = text.rsplit(" ", 1)[-1]
    if " " in text and F.column_field(last) in F.ITEM_FIELDS - {F.NAME, F.SPEC, F.DESCRIPTION}:
        text = text[:-len(last)].strip(" ,，:：;；")  # "Schraube M4, Art.-Nr." once its code is taken out
    return text or None


def change_line(change: Change, n: int, mark: str | None = None) -> ParsedLine | None:
    """The changed line of a change order: the line number asked about with its new value, its
    numbers read under the document's decimal `mark` (else "1.500" and "1,500" are thousands)."""
    code_m = _ITEM_CODE.search(change.item)
    code = code_m.group(0) if code_m else None
    description = _item_words(change.item.replace(code, " ") if code else change.item)
    values: dict = {"line_no": change.line_no, "description": description, "code": code,
                    "ids": (("code", code),) if code else (), "provenance": Provenance(line=n + 1),
                    "confidence": 0.8}
    new, old = _respelled(change.new, mark), _respelled(change.old, mark)
    if change.field == F.QUANTITY:
        qty, unit = _quantity(new)
        if qty is None:
            return None
        values.update(quantity=qty, unit=unit or _quantity(old or "")[1])
    elif change.field == F.UNIT_PRICE:
        price = parse_decimal(new) or parse_decimal(new.split()[0])  # "1.35 please"
        if price is None:
            return None
        values.update(unit_price=price)
    else:
        when = parse_date(change.new)
        if when is None:
            return None
        values.update(delivery_date=when)
    return ParsedLine(**values)


def _respelled(value: str | None, mark: str | None) -> str | None:
    """A changed number as plain digits: "1 500" and, with no mark known, "1.500" or "1,500" are
    fifteen hundred (a group of three after one separator is far likelier thousands than decimals)."""
    if not value or parse_date(value):
        return value
    value = re.sub(r"(?<=\d) (?=\d{3}\b)", "", value)
    if mark is None:
        mark = "," if re.match(r"\d{1,3}(?:\.\d{3})+(?!\d)(?![.,]\d)", value) else "."
    return respell(value, mark)


def _quantity(text: str) -> tuple:
    """A quantity and its unit; a word after the number that is no unit ("200 please") is dropped."""
    qty, unit = parse_quantity(text)
    if unit is not None and not misread.unit_code(unit):
        qty, unit = parse_quantity(text.split()[0]) if text.split() else (None, None)
    return qty, unit
