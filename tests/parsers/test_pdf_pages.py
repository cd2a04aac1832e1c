"""Text-PDF tables that run over several pages, generated along every axis of `gen_multipage`:
1-4 pages broken anywhere in the table, the heading repeated or printed once, ruled or not,
wrapped descriptions (also running past their column), the totals row only on the last page
(or alone on it). Every line is read from its own cells, ruled rows are counted by each page's
grid, and the printed total is checked against all pages' lines.
"""
from __future__ import annotations

import random

import pytest

from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.formats import pdf
from parsers.model import CheckName, CheckOutcome
from tests.data.gen_multipage import multipage_pdf, random_axes


def _read(data: bytes):
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    return order


def _outcome(order, check: CheckName) -> list[CheckOutcome]:
    return [c.outcome for c in order.read_checks if c.check is check]


def _assert_read(order, truth) -> None:
    assert [(l.code, l.quantity, l.unit, l.unit_price) for l in order.lines] == truth.lines, truth.axes
    assert [l.description for l in order.lines] == truth.names, truth.axes
    assert order.stated_total == truth.total
    assert _outcome(order, CheckName.TOTAL) == [CheckOutcome.PASSED]
    assert CheckOutcome.FAILED not in {c.outcome for c in order.read_checks}


@pytest.mark.parametrize("seed", range(24))
def test_a_ruled_table_continued_without_its_heading_is_read_by_each_pages_grid(seed):
    """Given a ruled table whose later pages do not repeat the heading (the last page may hold only
    the totals row), every page's rows are read from that page's own grid, placed in the first
    page's columns, and the grids' rows count the lines read."""
    rng = random.Random(seed)
    data, truth = multipage_pdf(rng, random_axes(rng, ruled=True, repeat=False, two_line=False, pages=rng.randint(2, 4)))
    order = _read(data)
    _assert_read(order, truth)
    assert _outcome(order, CheckName.ROW_NUMBERS) == [CheckOutcome.PASSED]


@pytest.mark.parametrize("seed", range(6))
def test_a_continued_page_is_read_by_its_grid_not_the_first_pages_columns(seed):
    """Given a continued page whose ruled table has a grid of its own, the page's table is that grid,
    from its first row to its totals row."""
    from parsers.layout import tablefind as layout
    from parsers.layout.words import group_lines

    rng = random.Random(seed)
    data, truth = multipage_pdf(rng, random_axes(rng, ruled=True, repeat=False, pages=2, total_alone=False))
    doc = pdf.open_pdf(data)
    pages = [pdf.read_page(doc[i], i + 1) for i in range(len(doc))]
    first = layout.find_table(pages[0], group_lines(list(pages[0].words)), None)
    canon = layout.Canon(first.spans, first.index, frozenset())
    later = layout.find_table(pages[1], group_lines(list(pages[1].words)), canon)
    assert later is not None and later.grid is not None and later.header is None
    assert len(later.cells) - later.body == truth.rows_per_page[1] + 1


@pytest.mark.parametrize("seed", range(24))
def test_an_unruled_table_continued_over_pages_keeps_its_columns(seed):
    """Given an unruled table continued on later pages (with or without its heading), with wrapped
    descriptions that may run past their column, each page's rows are placed by that page's own
    words in the first page's columns; no unit word is glued to a quantity when the table has a
    unit column of its own."""
    rng = random.Random(1000 + seed)
    data, truth = multipage_pdf(rng, random_axes(rng, ruled=False, two_line=False, pages=rng.randint(2, 4)))
    _assert_read(_read(data), truth)


@pytest.mark.parametrize("seed", range(16))
def test_a_wrapped_description_running_past_its_column_stays_with_its_row(seed):
    """Given unruled rows whose description's second line runs into the next column, the line
    continues its row's description and is no row of its own."""
    rng = random.Random(2000 + seed)
    data, truth = multipage_pdf(rng, random_axes(rng, ruled=False, two_line=False, wrap=True, overflow=True))
    _assert_read(_read(data), truth)


@pytest.mark.parametrize("seed", range(24))
def test_tables_over_one_to_four_pages_along_every_axis(seed):
    """Given any mix of the axes (1-4 pages, heading repeated or not, ruled or not, narrow, filled
    rules, wrapped names, en/zh), the order reads whole and checks itself."""
    rng = random.Random(3000 + seed)
    data, truth = multipage_pdf(rng, random_axes(rng, two_line=False))
    _assert_read(_read(data), truth)


def _two_line_read(seed: int):
    """The generated unruled two-line-heading order of `seed`, its truth, and what was read (None:
    the document failed, so a clerk sees it)."""
    rng = random.Random(4000 + seed)
    data, truth = multipage_pdf(rng, random_axes(rng, ruled=False, two_line=True))
    try:
        return _read(data), truth
    except ParseError:
        return None, truth


def _lines(order) -> list[tuple]:
    return [(l.code, l.quantity, l.unit, l.unit_price) for l in order.lines]


@pytest.mark.parametrize("seed", range(40))
def test_an_unruled_two_line_heading_reads_right_or_says_why(seed):
    """Given an unruled table whose heading is two lines tall ("Part" over "No.", "单价" over "(元)",
    "PRICE/PC" over "USD" a few points from "Amount"), the order is read whole, or a read check
    fails (or the document fails) so a clerk sees it: it is never silently read wrong."""
    order, truth = _two_line_read(seed)
    if order is not None and (_lines(order) != truth.lines or order.stated_total != truth.total):
        assert CheckOutcome.FAILED in {c.outcome for c in order.read_checks}, (truth.axes, _lines(order))


def test_unruled_two_line_headings_mostly_read_whole():
    """Of 40 generated unruled orders with two-line headings, at least 36 read whole (the rest say why,
    above): the upper half of a heading is read with the lower, not dropped."""
    reads = [_two_line_read(seed) for seed in range(40)]
    assert sum(order is not None and _lines(order) == truth.lines for order, truth in reads) >= 36
