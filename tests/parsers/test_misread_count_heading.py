"""A table whose quantity heading OCR misread ("Qy" for "Qty", "数旦" for "数量") over quantities
printed with their units ("218 set", "1,198 kg"): generated variations of the class 3a4e4d1 fixed
(`headings.unread_count` over counts written with their unit), ruled and unruled.

The one heading cell no label names, over a column of counts, is the count column: else the
first order row is read into the heading as its lower half, and the row-number column under it
taken for the quantities. Documents are drawn by the stress generator
(languages, column orders, ruled and unruled, units in the quantity cell or in a column of their
own) and written as text PDFs, which the same layout reader reads as a scan's words.
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from parsers.layout.words import column_label
from parsers.vocab import labels as F
from parsers.vocab import misread
from tests.stress import cells, render, vocab
from tests.stress import page as stress_page
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style

_STRANGERS = {True: "旦口目田甲乙", False: "xzjq"}  # CJK labels, Latin labels


def _misread(label: str, rng: random.Random) -> str:
    """The label as OCR might misread it, a character lost or one or two replaced, so that no
    vocabulary names it."""
    chars = list(label)
    strangers = _STRANGERS[label[0] >= "\u4e00"]
    tries = [label[:k] + label[k + 1:] for k in range(1, len(label))] if not label[0] >= "\u4e00" else []
    tries += [label[:k] + rng.choice(strangers) + label[k + 1:] for k in range(len(label))]
    rng.shuffle(tries)
    # "订购数量" read with one character wrong is still known (`misread`): two wrong escape it.
    tries += ["".join(rng.choice(strangers) if k in (j, j + 1) else ch for k, ch in enumerate(label))
              for j in range(len(label) - 1)]
    for text in tries:
        if len(text) >= min(2, len(label)) and F.column_field(column_label(text)) is None and misread.column_field(text) is None:
            return text
    raise AssertionError(f"no misreading of {chars!r} escapes the vocabulary")


def _document(seed: int, *, ruled: bool, units_apart: bool, misread_also: str | None = None,
              unit_word: str | None = None):
    """A drawn order whose quantity heading (and `misread_also`'s) is misread, its quantities' units
    written `unit_word` when given: (text PDF bytes, truth)."""
    rng = random.Random(f"count-heading/{seed}")
    cat = draw_catalog(random.Random(f"count-heading/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=False, max_lines=6)
    truth.lines = truth.lines[:6]
    style = draw_style(truth, "pdf", rng)
    lang = rng.choice(("en", "zh-Hans", "de", "fr", "es"))
    middle = [k for k in ("name", "spec") if rng.random() < 0.6] + (["unit"] if units_apart else [])
    rng.shuffle(middle)
    columns = tuple((["no"] if misread_also == "no" or rng.random() < 0.7 else []) + ["sku", *middle[:1], "qty", *middle[1:], "price", "amount"])
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    labels = pick(vocab.COLUMN_LABELS)
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=labels, total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：" if lang.startswith("zh") else ":",
                    columns=columns, ruled=ruled, lines_as="table", unit_in_qty=not units_apart, page_rows=None)
    pages = stress_page.layout(truth, style, rng)
    heading = cells.heading(style, cells.Words(truth, style, random.Random(0)))
    for key in ("qty", misread_also):
        if key:
            printed, misread_label = heading[columns.index(key)], _misread(labels[key], rng)
            for page in pages:
                for item in page.items:
                    if isinstance(item, stress_page.Text) and item.text == printed:
                        item.text = misread_label
    counts = {cells.Words(truth, style, random.Random(0)).number(ln.quantity, vocab.places_of(ln.quantity))
              for ln in truth.lines}
    for item in (i for page in pages for i in page.items if unit_word and isinstance(i, stress_page.Text)):
        number, _, unit = item.text.partition(" ")
        if number in counts and F.is_unit(unit):
            item.text = f"{number} {unit_word}"
    return render.pdf_bytes(pages), truth


CASES = [(seed, ruled, apart) for seed in range(4) for ruled in (True, False) for apart in (False, True)]


@pytest.mark.parametrize(("seed", "ruled", "units_apart"), CASES)
def test_a_misread_quantity_heading_still_heads_the_count_column(seed, ruled, units_apart):
    """Given a drawn order table whose quantity heading no vocabulary names (a character lost or
    misread), with its quantities alone or followed by their unit, every row comes out, in order,
    with its own quantity, unit and price: none is taken from the row-number column and the first
    row is not read into the heading."""
    data, truth = _document(seed, ruled=ruled, units_apart=units_apart)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    got = [(line.quantity, line.unit_price) for line in order.lines]
    assert got == [(ln.quantity, ln.unit_price) for ln in truth.lines]
    assert all(line.unit for line in order.lines)

