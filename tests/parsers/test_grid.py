"""Tables by their grid: ruling lines -> cells -> each word in the cell holding its centre.

Pure geometry on hand-made rules and words, then generated ruled orders (text PDFs, and
faxes read by the real OCR engine) in several column orders with narrow columns, a 序号
column, a code right beside the row number, skew and specks: every row and column must land.
"""
from __future__ import annotations

import importlib.util
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from parsers.context import ParseContext
from parsers.formats import fax, pdf
from parsers.layout import grid
from parsers.layout.headings import heading_cells, is_header, split_labels
from parsers.layout.words import Word, join_words
from parsers.ocr import OcrWord

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed")
XS = (0, 50, 250, 300, 360)
YS = (0, 40, 80, 120)


def _rules(xs=XS, ys=YS, missing=()):
    """Boxes of a ruled table; `missing` holds (row, x index) where a vertical is not drawn."""
    verticals = [(x, ys[r], x, ys[r + 1]) for k, x in enumerate(xs) for r in range(len(ys) - 1)
                 if (r, k) not in missing]
    horizontals = [(xs[0], y, xs[-1], y) for y in ys]
    return verticals, horizontals


def test_crossing_rules_make_a_grid_of_rows_and_columns():
    (g,) = grid.find_grids(*_rules(), tol=2)
    assert g.xs == XS and g.ys == YS and (g.columns, g.rows) == (4, 3)
    assert g.cells(0) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_a_missing_vertical_merges_the_cells_beside_it():
    """Given a totals row whose first three cells are drawn as one, that row has two cells."""
    (g,) = grid.find_grids(*_rules(missing={(2, 1), (2, 2)}), tol=2)
    assert g.cells(2) == [(0, 3), (3, 4)] and g.cells(1) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_a_table_without_side_borders_ends_where_its_horizontals_end():
    verticals, horizontals = _rules(missing={(r, k) for r in range(3) for k in (0, 4)})
    (g,) = grid.find_grids(verticals, horizontals, tol=2)
    assert g.xs == XS


def test_text_strokes_touching_a_rule_are_not_rules():
    """A character's stroke that touches a horizontal rule meets one rule only: it is no column edge."""
    verticals, horizontals = _rules()
    (g,) = grid.find_grids(verticals + [(120, 5, 120, 40)], horizontals, tol=2)
    assert g.xs == XS


def test_words_run_across_a_column_edge_are_cut_there():
    """"1 1.05.0031" read as one run over the 序号|编码 rule, and "单位数量" over a narrow column."""
    (g,) = grid.find_grids(*_rules(xs=(0, 40, 240, 290, 360)), tol=2)
    run = Word("1 1.05.0031", (10, 50, 150, 70))
    labels = Word("单位数量", (250, 10, 330, 30))
    cut = grid.split_at_rules([run, labels], g)
    assert [w.text for w in cut] == ["1", "1.05.0031", "单位", "数量"]
    rows = grid.row_cells(cut, g)
    assert [join_words(c) for c in rows[0]] == ["", "", "单位", "数量"]
    assert [join_words(c) for c in rows[1]] == ["1", "1.05.0031", "", ""]


def _line(*words: tuple[str, float]) -> list[Word]:
    return [Word(text, (x, 100, x + 36 * len(text), 136)) for text, x in words]


def test_an_unruled_heading_is_split_by_its_labels_not_by_its_gaps():
    """单位 and 数量 printed 10 px apart (closer than a word gap) are two columns."""
    line = _line(("物料编码", 100), ("品名", 400), ("单位", 700), ("数量", 782), ("单价", 1000))
    assert [join_words(c) for c in heading_cells(line)] == ["物料编码", "品名", "单位", "数量", "单价"]
    assert is_header(line)


def test_labels_read_as_one_run_become_one_word_each():
    words = split_labels([Word("单位数量", (700, 100, 844, 136)), Word("订购数量", (900, 100, 1044, 136))])
    assert [(w.text, w.box[0], w.box[2]) for w in words] == [("单位", 700, 772), ("数量", 772, 844),
                                                             ("订购数量", 900, 1044)]


LAYOUTS = (
    ("line_no", "code", "name", "spec", "unit", "quantity", "unit_price", "amount"),
    ("line_no", "name", "code", "quantity", "unit", "unit_price", "amount"),
    ("code", "name", "spec", "quantity", "unit", "unit_price", "amount", "remark"),
    ("line_no", "code", "name", "unit", "quantity", "unit_price"),
)


def _assert_rows(order, rows):
    assert len(order.lines) == len(rows)
    for line, row in zip(order.lines, rows):
        assert (line.code, line.quantity, line.unit, line.unit_price) == (
            row["code"], Decimal(row["quantity"].replace(",", "")), row["unit"], Decimal(row["unit_price"]))


@needs_font
@pytest.mark.parametrize("columns", LAYOUTS)
@pytest.mark.parametrize("cell_boxes", (False, True))
def test_ruled_text_pdf_rows_and_columns_land_in_their_cells(columns, cell_boxes):
    """Given ruled PDFs (lines, or one rectangle per cell) in several column orders with 单位|数量
    narrow, every row's code, quantity, unit and price come from their own column."""
    rows = gen.grid_rows(6, seed=len(columns))
    (order,) = pdf.parse(gen.grid_pdf(rows, columns, cell_boxes=cell_boxes), ParseContext(path="grid.pdf")).orders
    _assert_rows(order, rows)
    assert order.po_number == "GF-2026-118"


def test_a_ruled_fax_is_read_by_its_grid_whatever_runs_the_detector_joins():
    """Given a ruled page whose OCR runs join 单位数量 and the row number with the code, the grid
    cuts them apart and each value lands in its own column (no recogniser: the engine's words)."""
    image = Image.new("L", (1400, 700), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = (100, 160, 460, 560, 620, 760, 900), (300, 360, 420, 480)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)

    def w(text, x0, x1, row):
        return OcrWord(text, (x0, ys[row] + 15, x1, ys[row] + 45), 0.99)

    words = [OcrWord("订单编号：Q-9", (100, 100, 400, 140), 0.99),
             w("序号", 110, 150, 0), w("物料编码", 250, 370, 0), w("品名", 480, 540, 0), w("单位数量", 566, 680, 0),
             w("单价", 780, 840, 0),
             w("1 1.05.0031", 110, 300, 1), w("螺丝", 480, 540, 1), w("个", 575, 600, 1), w("1,500", 680, 750, 1),
             w("0.35", 840, 890, 1),
             w("2 2.01.0107", 110, 300, 2), w("纸箱", 480, 540, 2), w("只", 575, 600, 2), w("40", 720, 750, 2),
             w("6.13", 840, 890, 2)]
    png = io.BytesIO()
    image.save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), ParseContext(path="fax.png"), ocr=_Scripted(words)).orders
    assert [(l.code, l.quantity, l.unit, l.unit_price) for l in order.lines] == [
        ("1.05.0031", Decimal(1500), "个", Decimal("0.35")), ("2.01.0107", Decimal(40), "只", Decimal("6.13"))]


class _Scripted:
    def __init__(self, words):
        self.words = words

    def read(self, image):
        return list(self.words)


FAXES = (  # (columns, skew in degrees, seed): narrow 单位|数量, 序号 beside the code, other orders
    (LAYOUTS[0], 0.5, 1),
    (LAYOUTS[1], -1.2, 2),
    (LAYOUTS[3], 2.0, 4),
)


@needs_font
@pytest.mark.parametrize(("columns", "skew", "seed"), FAXES)
def test_ruled_fax_rows_and_columns_land_in_their_cells(columns, skew, seed):
    """Given a skewed, speckled 200 dpi G4 fax of a ruled order, read by the real OCR engine, every
    row comes out with the code, quantity, unit and price of its own cells."""
    rows = gen.grid_rows(5, seed=seed)
    data = gen.fax_tiff([gen.grid_fax(rows, columns, skew=skew, seed=seed)])
    (order,) = fax.parse(data, ParseContext(path="grid.tif")).orders
    _assert_rows(order, rows)


def test_a_decimal_point_beside_digits_is_no_speck():
    """Given ink with digit-sized blobs, a 2x2 dot between two of them on their baseline, one
    between two of them half-way up and one far from any ink, only the first is no fax noise."""
    import numpy as np

    from parsers.formats import faxgrid

    ink = np.zeros((60, 200), dtype=bool)
    ink[20:40, 10:22] = True          # a digit
    ink[37:39, 24:26] = True          # its decimal point, 2 px away
    ink[20:40, 28:40] = True          # the next digit
    ink[5:7, 150:152] = True          # a speck alone
    ink[20:40, 60:72] = True          # two more digits ...
    ink[20:40, 76:88] = True
    ink[28:30, 73:75] = True          # ... and a speck between them, half-way up
    specks = faxgrid._specks(ink)
    assert not specks[37:39, 24:26].any()
    assert specks[5:7, 150:152].all()
    assert specks[28:30, 73:75].all()
    assert not specks[20:40, 10:40].any()
