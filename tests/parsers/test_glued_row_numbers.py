"""Row numbers a reader left glued to the item code ("31.04.1037" for row 3, code 1.04.1037;
"5MB-38038"), printed apart ("2 2.02.1055") or lost, in narrow tables where OCR runs the number
column into the code's.

The codes of the other rows say where a glued number ends: the code keeps the shape they share
and the row number goes to its own column. Documents are drawn by the stress generator (our
codes and the customer's, languages, ruled and unruled) as text PDFs whose number and code
cells are printed as a detector runs them together.
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from tests.stress import cells, render, vocab
from tests.stress import page as stress_page
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style


def _document(seed: int, *, code: str, heading_kept: bool):
    """A drawn order whose row numbers are run into the code cell, glued, with a space or lost:
    (PDF bytes, the codes printed, in order)."""
    rng = random.Random(f"glued/{seed}")
    cat = draw_catalog(random.Random(f"glued/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=code == "cust", max_lines=8)
    while len(truth.lines) < 4 or len({ln.sku for ln in truth.lines}) < len(truth.lines):
        truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=code == "cust", max_lines=8)
    style = draw_style(truth, "pdf", rng)
    lang = rng.choice(("en", "zh-Hans", "de", "fr"))
    columns = ("no", code, "name", "qty", "unit", "price", "amount")
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：" if lang.startswith("zh") else ":",
                    columns=columns, ruled=rng.random() < 0.5, narrow=True, lines_as="table", unit_in_qty=False,
                    page_rows=None, print_total=True)
    pages = stress_page.layout(truth, style, rng)
    codes = [ln.customer_sku if code == "cust" else ln.sku for ln in truth.lines]
    texts = [item for item in pages[0].items if isinstance(item, stress_page.Text)]
    heading = cells.heading(style, cells.Words(truth, style, random.Random(0)))[0]
    # Every row's number runs into its code, with a space, glued or lost; at least two keep a
    # space, one is glued. With the number heading kept some rows keep their number apart.
    ways = ["space", "space", "glued"] + [rng.choice(("space", "glued", "lost", "apart" if heading_kept else "glued"))
                                         for _ in codes[3:]]
    rng.shuffle(ways)
    for n, (printed, way) in enumerate(zip(codes, ways), start=1):
        cell = next(t for t in texts if t.text == printed)
        number = next(t for t in texts if t.text == str(n) and abs(t.y - cell.y) < 1)
        if way == "apart":
            continue
        pages[0].items.remove(number)
        text = {"space": f"{n} {printed}", "glued": f"{n}{printed}", "lost": printed}[way]
        # The run ends where the code ends and reaches back over the number column, as a detector reads it.
        cell.x += stress_page.text_width(printed, cell.size) - stress_page.text_width(text, cell.size)
        cell.text = text
    if not heading_kept:
        pages[0].items.remove(next(t for t in texts if t.text == heading))
    return render.pdf_bytes(pages), codes


CASES = [(seed, code, kept) for seed in range(3) for code in ("sku", "cust") for kept in (True, False)]


@pytest.mark.parametrize(("seed", "code", "heading_kept"), CASES)
def test_a_row_number_glued_to_the_code_goes_to_its_own_column(seed, code, heading_kept):
    """Given a drawn order whose row numbers a reader ran into the code cells (glued, with a space,
    or lost), with or without the number column's heading, every line keeps its own code, without
    its row's number."""
    data, codes = _document(seed, code=code, heading_kept=heading_kept)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    read = [line.customer_sku or line.code or line.our_sku for line in order.lines]
    assert read == codes
