"""A description longer than any other row's, in a narrow unruled table, runs to within a word gap
of the next column; its last pieces (a spec such as "3层B楞", cut by script) stay in the
description instead of joining the next column's code.

Documents are drawn by the stress generator (languages, our codes and the customer's, column
orders) as text PDFs; one row's spec is given a mixed-script tail and made the longest.
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

TAILS = ("3层B楞", "5层BC楞", "A4纸80g", "M8螺丝", "PP袋50张", "2层E楞")


def _document(seed: int, code: str):
    """(PDF bytes, each line's (description, code) as printed) of a drawn order in Chinese whose
    longest description, well longer than the others, ends in mixed-script specs just left of the
    code column."""
    rng = random.Random(f"longname/{seed}")
    cat = draw_catalog(random.Random(f"longname/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=code == "cust", max_lines=6)
    while len(truth.lines) < 3:
        truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=code == "cust", max_lines=6)
    longest = truth.lines[rng.randrange(len(truth.lines))]
    tail = " ".join(rng.sample(TAILS, 2))
    longest.item = replace(longest.item, name_zh=longest.item.name_zh + "加长型", spec=f"{longest.item.spec} {tail}")
    style = draw_style(truth, "pdf", rng)
    lang = rng.choice(("zh-Hans", "zh-Hant"))
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：",
                    columns=("name", code, "qty", "unit", "price", "amount"), ruled=False, narrow=True,
                    lines_as="table", unit_in_qty=False, page_rows=None, print_total=True)
    words = cells.Words(truth, style, random.Random(0))
    printed = [cells.row(n, ln, style, words) for n, ln in enumerate(truth.lines, 1)]
    want = [(r[style.columns.index("name")], r[style.columns.index(code)]) for r in printed]
    return render.pdf_bytes(stress_page.layout(truth, style, rng)), want


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("code", ["sku", "cust"])
def test_a_long_description_keeps_its_tail_out_of_the_next_column(seed, code):
    """Given a drawn narrow unruled order whose longest description ends in a spec cut by script,
    every line reads its description and its code exactly as printed."""
    data, want = _document(seed, code)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    got = [(line.description, line.customer_sku or line.code or line.our_sku) for line in order.lines]
    assert got == want
