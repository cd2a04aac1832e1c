"""Latin column labels printed closer than a word gap ("Menge Einheit" over a narrow unruled table)
are read label by label; the misreading guessed for one long label is not guessed for the pair.

Documents are drawn by the stress generator (European languages, label synonyms, code kinds) as
narrow unruled text PDFs with the quantity and unit columns side by side.
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from tests.stress import render, vocab
from tests.stress import page as stress_page
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style


def _document(seed: int):
    """(PDF bytes, each line's quantity as drawn) of a narrow unruled order in a European language."""
    rng = random.Random(f"closelabels/{seed}")
    cat = draw_catalog(random.Random(f"closelabels/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=rng.random() < 0.5, max_lines=5)
    style = draw_style(truth, "pdf", rng)
    lang = ("de", "en", "fr", "es")[seed % 4]
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    code = "cust" if truth.lines[0].customer_sku else "sku"
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon=rng.choice(("", ":")),
                    columns=(code, "name", "price", "qty", "unit", "amount"), ruled=False, narrow=True,
                    lines_as="table", unit_in_qty=False, page_rows=None, print_total=True)
    return render.pdf_bytes(stress_page.layout(truth, style, rng)), [ln.quantity for ln in truth.lines]


@pytest.mark.parametrize("seed", range(24))
def test_labels_printed_closer_than_a_word_gap_each_head_their_column(seed):
    """Given a drawn narrow unruled order in German, English, French or Spanish, every line is
    read with its quantity."""
    data, quantities = _document(seed)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    assert [line.quantity for line in order.lines] == quantities
