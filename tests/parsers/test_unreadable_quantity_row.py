"""A table row whose quantity cannot be read ("1,13#1", a smudge) stays a line, in its place.

Dropping it shifted every row after it by one for whoever reads the lines in order, and hid
the row's item, unit and price from the clerk. The row is kept without a quantity, reported
(the row-read check fails, so the order is never verified), and the rows after it stay
themselves. Documents are drawn by the stress generator (languages, column orders, ruled and
unruled tables, with and without row numbers and amounts) as text PDFs and as scans.
"""
from __future__ import annotations

import os
import random
from dataclasses import replace

import pytest

from parsers.context import ParseContext
from parsers.formats import fax, pdf
from parsers.model import CheckName, CheckOutcome
from tests.stress import cells, render, vocab
from tests.stress import page as stress_page
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style

_SMUDGES = ("1,13#1", "?", "~~", "4#0", "7?,5")
_BLOTS = ("~~", "#?#")  # on a scan: no digit a recogniser could still read as a number


def _document(seed: int, *, ruled: bool, amounts: bool, smudges: tuple[str, ...] = _SMUDGES):
    """A drawn order with one row's quantity smudged (a middle one where it can be): (pages, truth, the smudged line's index)."""
    rng = random.Random(f"unreadable-qty/{seed}")
    cat = draw_catalog(random.Random(f"unreadable-qty/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes=False, max_lines=7)
    style = draw_style(truth, "fax", rng)
    lang = rng.choice(("en", "zh-Hans", "de", "fr", "es"))
    middle = [k for k in ("name", "spec", "unit") if rng.random() < 0.6]
    rng.shuffle(middle)
    columns = tuple((["no"] if rng.random() < 0.6 else []) + ["sku", *middle, "qty", "price"]
                    + (["amount"] if amounts else []))
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：" if lang.startswith("zh") else ":",
                    columns=columns, ruled=ruled, lines_as="table", unit_in_qty="unit" not in columns,
                    page_rows=None, print_total=True)
    pages = stress_page.layout(truth, style, rng)
    words = cells.Words(truth, style, random.Random(0))
    printed = [words.number(ln.quantity, vocab.places_of(ln.quantity)) for ln in truth.lines]
    texts = [item for page in pages for item in page.items if isinstance(item, stress_page.Text)]
    # A row whose quantity is printed nowhere else on the page, so that it is the one smudged.
    unique = [k for k in range(len(truth.lines)) if sum(t.text.split(" ")[0] == printed[k] for t in texts) == 1]
    k = rng.choice([k for k in unique if 0 < k < len(truth.lines) - 1] or unique)
    cell = next(t for t in texts if t.text.split(" ")[0] == printed[k])
    cell.text = " ".join([rng.choice(smudges), *cell.text.split(" ")[1:]])
    return pages, truth, k


def _check_lines(order, truth, k: int, *, amounts: bool) -> None:
    assert len(order.lines) == len(truth.lines)
    assert [line.unit_price for line in order.lines] == [ln.unit_price for ln in truth.lines]
    quantities = [line.quantity for line in order.lines]
    assert quantities[:k] + quantities[k + 1:] == [ln.quantity for n, ln in enumerate(truth.lines) if n != k]
    # None, or the one its amount and price give, or (no amounts) the one the printed total gives
    assert order.lines[k].quantity in (None, truth.lines[k].quantity)
    assert order.lines[k].unit
    if order.lines[k].quantity is None or not amounts:
        failed = [c for c in order.read_checks if c.outcome is CheckOutcome.FAILED]
        assert any(c.check is CheckName.ROW_READ for c in failed) and not order.verified


CASES = [(seed, ruled, amounts) for seed in range(3) for ruled in (True, False) for amounts in (True, False)]


@pytest.mark.parametrize(("seed", "ruled", "amounts"), CASES)
def test_a_row_whose_quantity_is_unreadable_stays_in_its_place(seed, ruled, amounts):
    """Given a drawn order table with one middle row's quantity smudged, every row comes out in
    order with its own price, the smudged one without a quantity (or with the one its amount and
    price give), and the read does not vouch for itself."""
    pages, truth, k = _document(seed, ruled=ruled, amounts=amounts)
    (order,) = pdf.parse(render.pdf_bytes(pages), ParseContext(path="po.pdf")).orders
    _check_lines(order, truth, k, amounts=amounts)


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize(("seed", "ruled"), [(7, True), (8, False)])
def test_a_scanned_row_whose_quantity_is_unreadable_stays_in_its_place(seed, ruled):
    """The same on a skewed, speckled scan read by the real OCR engine (no amounts: only the
    printed total can work the quantity out, and then vouches for nothing)."""
    pages, truth, k = _document(seed, ruled=ruled, amounts=False, smudges=_BLOTS)
    data = render.fax_bytes(pages, skew=0.8, specks=1500, container="tiff", seed=seed)
    (order,) = fax.parse(data, ParseContext(path="po.tif")).orders
    _check_lines(order, truth, k, amounts=False)
