"""Lay a stress order out on A4 pages as positioned texts and rules (points, origin top left).

The same pages are drawn as a text PDF (reportlab) or a fax image (Pillow), so the layout
axes — letterhead, header fields as lines, boxes or stacked labels, a ruled or unruled table
with its columns in any order and as narrow as the text allows, prose lines, multi-page with
the heading repeated, a total, a stamp — are shared by both.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import timedelta

from PIL import ImageFont

from tests.stress import cells, vocab
from tests.stress.orders import Truth
from tests.stress.style import Style

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
WIDTH, HEIGHT = 595.0, 842.0
BOTTOM = 70.0


@dataclass
class Text:
    x: float
    y: float            # baseline
    text: str
    size: float
    align: str = "left"  # left | right | center
    color: tuple[int, int, int] = (0, 0, 0)


@dataclass
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.8


@dataclass
class Stamp:
    cx: float
    cy: float
    radius: float
    text: str


@dataclass
class Page:
    items: list = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, 100)


def text_width(text: str, size: float) -> float:
    return _font().getlength(text) * size / 100


class Cursor:
    """Pages being filled from the top, with a new page when the next block does not fit."""

    def __init__(self, left: float) -> None:
        self.pages = [Page()]
        self.y = 50.0
        self.left = left
        self.right = WIDTH - left

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def add(self, *items) -> None:
        self.page.items.extend(items)

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = 50.0


def layout(truth: Truth, style: Style, rng: random.Random) -> list[Page]:
    """The document's pages with every axis of `style` applied."""
    words = cells.Words(truth, style, rng)
    cur = Cursor(left=rng.uniform(36, 60))
    if style.extras.get("fax_banner"):
        # The fax machine's line carries the day it was sent, not always the order date.
        sent = truth.order_date + timedelta(days=rng.randint(0, 2))
        banner = f"FROM: {truth.customer.phone}   {sent.isoformat()} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
        cur.add(Text(cur.left, 24, banner, 7))
    _letterhead(cur, truth, style)
    cur.add(Text(WIDTH / 2, cur.y + 18, style.title, 16, "center"))
    cur.y += 40
    _fields(cur, cells.header_fields(truth, style, words), style, rng)
    cur.y += rng.uniform(10, 30)
    if style.lines_as == "prose":
        _prose(cur, truth, style, words, rng)
    else:
        _table(cur, truth, style, words, rng)
    _total(cur, truth, style, words)
    if style.stamp:
        tail = "採購專用章" if truth.customer.lang == "zh-Hant" else "采购专用章"
        cur.add(Stamp(cur.right - 90, min(cur.y + 70, HEIGHT - 100), 55, f"{truth.customer.name}{tail}"))
    _page_numbers(cur.pages, style)
    return cur.pages


def _letterhead(cur: Cursor, truth: Truth, style: Style) -> None:
    if not style.letterhead:
        return
    c = truth.customer
    cur.add(Text(WIDTH / 2, cur.y + 14, c.name, 15, "center"))
    cur.add(Text(WIDTH / 2, cur.y + 30, f"{c.address}   Tel {c.phone}   www.{c.domain}", 7.5, "center"))
    cur.y += 40


def _fields(cur: Cursor, fields: list[tuple[str, str]], style: Style, rng: random.Random) -> None:
    size = style.font_size
    pitch = size * rng.uniform(1.7, 2.2)
    half = (cur.right - cur.left) / 2
    if style.header_layout == "stacked":
        third = (cur.right - cur.left) / 3
        for row in _pairs(fields, lambda f: text_width(f[1], size) < third - 10, 3):
            for j, (label, value) in enumerate(row):
                x = cur.left + j * third
                cur.add(Text(x, cur.y + size, label, size * 0.9), Text(x, cur.y + size + pitch, value, size))
            cur.y += 2 * pitch + 6
        return
    boxes = style.header_layout == "boxes"
    label_w = max(text_width(label, size) for label, _ in fields) + 12
    fits = lambda f: text_width(f[1], size) <= half - label_w - 10  # noqa: E731
    for row in _pairs(fields, fits, 2):
        for j, (label, value) in enumerate(row):
            x = cur.left + j * half
            if boxes:
                _box(cur, x, cur.y, label_w, half if fits((label, value)) else 2 * half, pitch)
                cur.add(Text(x + 5, cur.y + pitch * 0.7, label, size),
                        Text(x + label_w + 5, cur.y + pitch * 0.7, value, size))
            else:
                gap = "" if style.colon == "：" else " "
                cur.add(Text(x, cur.y + pitch * 0.7, f"{label}{style.colon}{gap}{value}", size))
        cur.y += pitch
    cur.y += 4


def _pairs(fields: list[tuple[str, str]], fits, per_row: int) -> list[list[tuple[str, str]]]:
    """Short fields `per_row` to a line, a long one (an address) on a line of its own."""
    rows: list[list[tuple[str, str]]] = []
    pending: list[tuple[str, str]] = []
    for f in fields:
        if not fits(f):
            rows += [pending] if pending else []
            rows.append([f])
            pending = []
            continue
        pending.append(f)
        if len(pending) == per_row:
            rows.append(pending)
            pending = []
    return rows + ([pending] if pending else [])


def _box(cur: Cursor, x: float, y: float, label_w: float, width: float, pitch: float) -> None:
    cur.add(Rule(x, y, x + width, y), Rule(x, y + pitch, x + width, y + pitch),
            Rule(x, y, x, y + pitch), Rule(x + label_w, y, x + label_w, y + pitch), Rule(x + width, y, x + width, y + pitch))


def _fit(head: list[str], rows: list[list[str]], style: Style, pad: float, room: float) -> tuple[float, list[float]]:
    """The largest font size (at most the style's) at which the table fits across the page."""
    size = style.font_size
    while True:
        widths = [max(text_width(r[i], size) for r in [head, *rows]) + 2 * pad for i in range(len(head))]
        if sum(widths) <= room or size <= 6.5:
            return size, widths
        size -= 0.5


def _table(cur: Cursor, truth: Truth, style: Style, words: cells.Words, rng: random.Random) -> None:
    head = cells.heading(style, words)
    rows = [cells.row(n, ln, style, words) for n, ln in enumerate(truth.lines, 1)]
    pad = rng.uniform(2.5, 4) if style.narrow else rng.uniform(6, 14)
    size, widths = _fit(head, rows, style, pad, cur.right - cur.left)
    pitch = size * rng.uniform(1.8, 2.5)
    xs = [cur.left]
    for w in widths:
        xs.append(xs[-1] + w)
    _row(cur, head, xs, size, pitch, style, pad, heading=True)
    on_page = 0
    for cells_ in rows:
        if cur.y + pitch > HEIGHT - BOTTOM or on_page == style.page_rows:
            cur.new_page()
            _row(cur, head, xs, size, pitch, style, pad, heading=True)
            on_page = 0
        _row(cur, cells_, xs, size, pitch, style, pad, heading=False)
        on_page += 1


def _row(cur: Cursor, texts: list[str], xs: list[float], size: float, pitch: float, style: Style, pad: float,
         heading: bool) -> None:
    top = cur.y
    base = top + pitch / 2 + size * 0.35
    for i, (key, text) in enumerate(zip(style.columns, texts)):
        if key in cells.NUMERIC and not heading:
            cur.add(Text(xs[i + 1] - pad, base, text, size, "right"))
        else:
            cur.add(Text(xs[i] + pad, base, text, size))
    if style.ruled:
        cur.add(*(Rule(x, top, x, top + pitch) for x in xs))
        cur.add(Rule(xs[0], top, xs[-1], top), Rule(xs[0], top + pitch, xs[-1], top + pitch))
    elif heading:
        cur.add(Rule(xs[0], top + pitch, xs[-1], top + pitch, 0.5))
    cur.y += pitch


def _prose(cur: Cursor, truth: Truth, style: Style, words: cells.Words, rng: random.Random) -> None:
    size = style.font_size
    pitch = size * 1.8
    for n, ln in enumerate(truth.lines, 1):
        for part in _wrap(cells.prose_line(n, ln, style, words, rng), size, cur.right - cur.left):
            if cur.y + pitch > HEIGHT - BOTTOM:
                cur.new_page()
            indent = 14 if part.startswith("    ") else 0
            cur.add(Text(cur.left + indent, cur.y + size, part.strip(), size))
            cur.y += pitch
        cur.y += size * 0.4


def _wrap(text: str, size: float, room: float) -> list[str]:
    """Break a long prose line after a separator so it fits the width of the page."""
    out = []
    while text_width(text, size) > room:
        cut = max(text.rfind(sep, 0, _chars_fitting(text, size, room)) for sep in ("；", "; ", ", ", "，", " "))
        if cut <= 0:
            break
        out.append(text[:cut + 1])
        text = "    " + text[cut + 1:].lstrip()
    return out + [text]


def _chars_fitting(text: str, size: float, room: float) -> int:
    n = len(text)
    while n > 1 and text_width(text[:n], size) > room:
        n -= 1
    return n


def _total(cur: Cursor, truth: Truth, style: Style, words: cells.Words) -> None:
    if not style.print_total:
        return
    if cur.y + 40 > HEIGHT - BOTTOM:
        cur.new_page()
    size = style.font_size
    cur.y += size
    text = f"{style.total_label}{style.colon if style.lines_as == 'prose' else ''} {cells.total_text(truth, words)}"
    cur.add(Text(cur.right - 10, cur.y + size, text, size + 0.5, "right"))
    cur.y += 2 * size


def _page_numbers(pages: list[Page], style: Style) -> None:
    if len(pages) < 2:
        return
    form = vocab.PAGE_FORMS[style.lang]
    for p, page in enumerate(pages, 1):
        page.items.append(Text(WIDTH / 2, HEIGHT - 30, form.format(p=p, n=len(pages)), 8, "center"))
