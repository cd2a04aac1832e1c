"""Scanned faxes through the real RapidOCR engine and the layout reader, on pages Pillow draws."""
from __future__ import annotations

import importlib.util
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from parsers.formats import fax
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.ocr import OcrWord

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed (./dev.sh test installs it)")
CTX = ParseContext(path="fax.tif", sender="fax-server@example.com")


PAGE_TWO = (("4", "CD-300", "纸箱 600*400*300", "40", "个", "8.20"),)


@needs_font
def test_skewed_speckled_g4_fax_is_read_by_real_ocr():
    """Given a two-page G4 TIFF skewed by 0.7° and speckled, every line comes out with its page."""
    # Page 2 holds a row of its own: a row repeated verbatim at a page's edge is taken for a
    # running footer by the layout reader (see parsers/layout.py _repeated).
    data = gen.fax_tiff([gen.fax_page(), gen.fax_page(PAGE_TWO, skew=-0.5, seed=3)])
    assert Image.open(io.BytesIO(data)).info["compression"] == "group4"
    (order,) = fax.parse(data, CTX).orders
    assert order.po_number == "TP-2026-001"
    assert order.buyer.email is None  # the fax server sent the mail, not the customer
    quantities = [l.quantity for l in order.lines]
    assert quantities[:3] == [Decimal(1500), Decimal(288), Decimal(20000)]
    assert order.lines[0].unit_price == Decimal("6.13")
    # RapidOCR's detector cuts "AB-100" into "AB" and "00" at 200 dpi; the run is read again whole.
    assert [l.code for l in order.lines] == ["AB-100", "AB-200", None, "CD-300"]
    assert {l.provenance.page for l in order.lines} == {1, 2}
    assert 0 < order.confidence <= 1


HYPHENATED = (("1", "HZX-CR-50", "缠绕膜 50cm", "100", "卷", "57.30"),
              ("2", "AB-CD-12", "纸箱 400*300*250", "1,500", "个", "6.13"),
              ("3", "KT-R-200", "封箱胶带 48mm", "288", "卷", "5.95"),
              ("4", "MX-CR-7", "价格标签 40×30mm", "20,000", "张", "0.0046"))


@needs_font
def test_hyphenated_codes_cut_by_the_detector_are_read_whole():
    """Given codes the detector cuts at their hyphens (losing letters), each comes out whole."""
    (order,) = fax.parse(gen.fax_tiff([gen.fax_page(HYPHENATED)]), CTX).orders
    assert [l.code for l in order.lines] == ["HZX-CR-50", "AB-CD-12", "KT-R-200", "MX-CR-7"]
    assert [l.quantity for l in order.lines] == [Decimal(100), Decimal(1500), Decimal(288), Decimal(20000)]


class _Scripted:
    """An OCR engine that returns the same words for every page."""

    def __init__(self, words):
        self.words = words

    def read(self, image):
        return list(self.words)


def _w(text, x, y, conf=0.99):
    return OcrWord(text, (x, y, x + 30 * len(text), y + 40), conf)


def test_engine_is_pluggable_and_low_confidence_reaches_the_order():
    words = [_w("订单编号：Q-1", 100, 100), _w("品名", 100, 200), _w("数量", 600, 200), _w("单位", 800, 200),
             _w("纸箱", 100, 270), _w("500", 600, 270, conf=0.5), _w("个", 800, 270)]
    png = io.BytesIO()
    Image.new("L", (1000, 400), 255).save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), CTX, ocr=_Scripted(words)).orders
    assert order.po_number == "Q-1" and order.lines[0].quantity == Decimal(500)
    assert order.lines[0].confidence == 0.5 and order.confidence == 0.5


class _Rereading(_Scripted):
    """A scripted engine whose recogniser answers one fixed reading for every crop."""

    def __init__(self, words, reading):
        super().__init__(words)
        self.reading, self.crops = reading, 0

    def recognise(self, images):
        self.crops += len(images)
        return [self.reading] * len(images)


def _page(words, reading):
    engine = _Rereading(words, reading)
    return fax._read(engine, Image.new("L", (1000, 400), 255), 1), engine


def test_words_really_apart_are_not_joined_by_a_reread():
    """Two Latin words a space apart read again as "1 AB-100" stay two words."""
    page, engine = _page([_w("1", 100, 100), _w("AB-100", 160, 100)], ("1 AB-100", 0.99))
    assert engine.crops == 2 and [w.text for w in page.words] == ["1", "AB-100"]


def test_a_surer_reading_replaces_a_doubtful_word_only():
    """A doubtful word read again more surely is replaced; a less sure reading changes nothing."""
    page, _ = _page([_w("HZX", 100, 100), _w("R-50", 220, 100, conf=0.7)], ("HZX-CR-50", 0.98))
    assert [(w.text, w.confidence) for w in page.words] == [("HZX-CR-50", 0.98)]
    page, _ = _page([_w("HZX", 100, 100), _w("R-50", 220, 100, conf=0.7)], ("HZX-CR-50", 0.6))
    assert [w.text for w in page.words] == ["HZX", "R-50"]


def test_blank_page_fails_with_a_reason():
    png = io.BytesIO()
    Image.new("L", (800, 600), 255).save(png, format="PNG")
    with pytest.raises(ParseError, match="No text"):
        fax.parse(png.getvalue(), CTX, ocr=_Scripted([]))


def test_garbage_image_fails_with_a_reason():
    with pytest.raises(ParseError):
        fax.parse(b"II*\x00garbage", CTX, ocr=_Scripted([]))


def test_skew_is_the_median_slope_of_long_runs():
    words = [OcrWord("x" * 10, (0, 0, 500, 40), 0.9, angle=0.8) for _ in range(3)]
    assert fax.skew(words) == pytest.approx(0.8)


@pytest.mark.parametrize("read, meant", [
    ("300g牛皮卡100×80x50mm 单色印刷", "300g牛皮卡100×80×50mm 单色印刷"),
    ("3×4X5cm", "3×4×5cm"),
    ("100x80x50mm", "100x80x50mm"),      # printed with x throughout: left as printed
    ("尺寸 210×297, 规格 3x4", "尺寸 210×297, 规格 3x4"),  # two dimensions, each its own sign
])
def test_a_dimension_has_one_multiplication_sign(read, meant):
    """OCR reads '×' as 'x' now and then; a dimension that shows a '×' has '×' throughout."""
    assert fax._digits(read) == meant
