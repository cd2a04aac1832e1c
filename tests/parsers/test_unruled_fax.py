"""Faxed tables without ruling lines: columns from the heading's labels and the body words' places.

First scripted OCR pages that show what the detector does to unruled tables (heading labels run
together, the row number in the code's run, a quantity's box overlapping its unit's), then
unruled faxes the stress generator draws (column orders, narrow columns, with and without row
numbers, Chinese, English, German, Spanish and French headings, skew, specks), read by the real
OCR engine: every row must come out with its own code, quantity and price.
"""
from __future__ import annotations

import difflib
import io
import os
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from PIL import Image

from parsers.context import ParseContext
from parsers.formats import fax
from parsers.layout.words import Word, tokens
from parsers.ocr import OcrWord
from tests.stress import page as stress_page
from tests.stress import render, vocab
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style

CTX = ParseContext(path="fax.tif")


class _Scripted:
    """An OCR engine that returns the same words for every page (no recogniser: no re-reads)."""

    def __init__(self, words):
        self.words = words

    def read(self, image):
        return list(self.words)


def _read(words):
    png = io.BytesIO()
    Image.new("L", (1500, 1200), 255).save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), CTX, ocr=_Scripted(words)).orders
    return order


def _row(y, *runs):
    return [OcrWord(text, (x0, y, x1, y + 28), 0.99) for text, x0, x1 in runs]


def _codes(line):
    return {c for c in (line.customer_sku, line.our_sku, line.code) if c}


def test_a_run_of_words_is_cut_where_its_characters_are():
    """Given one OCR run "2 2.02.1051", its two words get the run's box shared by their widths."""
    first, second = tokens(Word("2 2.02.1051", (100, 0, 280, 30)))
    assert (first.text, second.text) == ("2", "2.02.1051")
    assert first.box[0] == 100 and second.box[2] == pytest.approx(280)
    assert first.box[2] < second.box[0] < 140


def test_labels_run_together_and_boxes_that_overlap_still_give_each_column_its_own():
    """Given an English unruled table whose heading runs "Buyer Item # Item Code Product" and "UoM
    Unit Price" are one run each, whose row numbers are glued to the code now and then, and whose
    quantities' boxes overlap their units', every row keeps its code, quantity, unit and price."""
    words = _row(100, ("PO No.: PO-2026-0007", 160, 460)) + _row(
        300, ("#", 157, 178), ("Buyer Item # Item Code Product", 200, 596), ("Quantity", 944, 1052),
        ("UoM Unit Price", 1052, 1249), ("Total", 1260, 1318))
    rows = [("1", "PCW-34440", "2.01.1040", "Strapping band 60mm PP white", "120.5", "KG", "8.61", "1,037.51"),
            ("2", "PCW-20611", "1.02.1011", "PE hose OD 15mm wall 2mm", "1203", "MTR", "1.47", "1,768.41"),
            ("3", "PCW-71038", "1.04.1038", "Deep groove bearing 6222-2RS", "32", "SET", "24.61", "787.52"),
            ("12", "PCW-64413", "1.02.1013", "Bubble wrap 40cm double layer", "137", "MTR", "0.8793", "120.46")]
    y = 350
    for n, cust, sku, name, qty, unit, price, amount in rows:
        glued = n == "2" or n == "12"
        runs = [(f"{n} {cust}", 155, 337)] if glued else [(n, 156, 179), (cust, 199, 337)]
        runs += [(sku, 364, 488), (name, 478, 861), (qty, 1060 - 16 * len(qty), 1059), (unit, 1054, 1117),
                 (price, 1245 - 15 * len(price), 1245), (amount, 1351 - 14 * len(amount), 1351)]
        words += _row(y, *runs)
        y += 46
    order = _read(words)
    got = [(_codes(l), l.quantity, l.unit, l.unit_price) for l in order.lines]
    assert got == [({cust, sku}, Decimal(qty), unit, Decimal(price)) for _n, cust, sku, _, qty, unit, price, _ in rows]


def test_a_bracket_cut_from_a_label_and_two_numbers_in_one_run_stay_in_their_columns():
    """Given a Chinese heading read as "单位含税单价(CNY)" + "）金额" and a row whose price and amount
    the detector read as one run "4.24 4,994.72", the unit, price and amount keep their columns."""
    words = _row(100, ("订单编号：PT26-00004", 150, 450)) + _row(
        300, ("客户物料编码", 142, 299), ("名称", 283, 355), ("数量", 674, 727), ("单位含税单价(CNY)", 749, 980),
        ("）金额", 964, 1037))
    words += _row(350, ("ANS-88651", 140, 265), ("六角螺栓M15×330镀锌", 305, 600), ("8", 715, 744), ("箱", 749, 780),
                  ("63.17", 907, 975), ("505.36", 1000, 1080))
    words += _row(400, ("ANS-67953", 143, 267), ("PE软管Φ17mm壁厚2mm", 301, 587), ("1,178", 672, 741), ("米", 750, 777),
                  ("4.24 4,994.72", 920, 1080))
    order = _read(words)
    assert [(_codes(l), l.quantity, l.unit, l.unit_price, l.amount) for l in order.lines] == [
        ({"ANS-88651"}, Decimal(8), "箱", Decimal("63.17"), Decimal("505.36")),
        ({"ANS-67953"}, Decimal(1178), "米", Decimal("4.24"), Decimal("4994.72"))]


def _unruled_fax(lang: str, columns: tuple[str, ...], *, narrow: bool, skew: float, seed: int):
    """An unruled stress fax in `lang` with exactly `columns`, drawn from `seed`: (tiff bytes, truth)."""
    rng = random.Random(f"unruled/{seed}")
    cat = draw_catalog(random.Random(f"unruled/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes="cust" in columns, max_lines=6)
    truth.lines = truth.lines[:6]
    style = draw_style(truth, "fax", rng)
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：" if lang.startswith("zh") else ":",
                    columns=columns, ruled=False, narrow=narrow, lines_as="table", unit_in_qty="unit" not in columns,
                    page_rows=None, print_total=True)
    pages = stress_page.layout(truth, style, rng)
    return render.fax_bytes(pages, skew=skew, specks=2000, container="tiff", seed=seed), truth


UNRULED = (  # (language, columns, narrow, skew, seed)
    ("en", ("no", "cust", "sku", "name", "qty", "unit", "price", "amount"), True, 1.2, 11),
    ("zh-Hans", ("cust", "name", "qty", "unit", "price", "amount"), True, -0.8, 12),
    ("de", ("no", "sku", "name", "price", "unit", "qty", "amount"), False, 0.6, 13),
    ("fr", ("sku", "name", "spec", "qty", "unit", "price"), True, -1.5, 14),
    ("es", ("no", "sku", "name", "qty", "price", "amount"), True, 1.8, 15),
)


def _nearest(codes: set[str], truths: list[str]) -> str | None:
    """The truth code the line's codes are most like (OCR may garble a character of a code)."""
    scored = [(max((difflib.SequenceMatcher(None, c, t).ratio() for c in codes), default=0.0), t) for t in truths]
    return max(scored)[1] if codes else None


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize(("lang", "columns", "narrow", "skew", "seed"), UNRULED)
def test_unruled_fax_rows_come_out_whole_and_in_their_columns(lang, columns, narrow, skew, seed):
    """Given a skewed, speckled unruled fax (its columns in this order, narrow or not, with or without
    row numbers, headed in this language), read by the real OCR engine, every row comes out once,
    its code in its code column and no number from another column: each quantity and unit price is
    the row's own. At most one cell may stay unread (None), where the detector ran two columns'
    text together without a space ("2,17-3396,05"); it is never read as a wrong value."""
    data, truth = _unruled_fax(lang, columns, narrow=narrow, skew=skew, seed=seed)
    (order,) = fax.parse(data, ParseContext(path="unruled.tif")).orders
    codes = [ln.customer_sku if "cust" in columns else ln.sku for ln in truth.lines]
    assert len(order.lines) == len(truth.lines)
    assert [_nearest(_codes(line), codes) for line in order.lines] == codes
    read = [(line.quantity, line.unit_price) for line in order.lines]
    want = [(ln.quantity, ln.unit_price) for ln in truth.lines]
    assert all(got in (right, None) for pair, truth_pair in zip(read, want) for got, right in zip(pair, truth_pair))
    assert sum(v is None for pair in read for v in pair) <= 1
