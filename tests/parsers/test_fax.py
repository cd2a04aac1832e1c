"""Scanned faxes through the real RapidOCR engine and the layout reader, on pages Pillow draws."""
from __future__ import annotations

import importlib.util
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from parsers import fax
from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.ocr import OcrWord

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed (./dev.sh test installs it)")
CTX = ParseContext(path="fax.tif", sender="fax-server@example.com")


@needs_font
def test_skewed_speckled_g4_fax_is_read_by_real_ocr():
    """Given a two-page G4 TIFF skewed by 0.7° and speckled, every line comes out with its page."""
    data = gen.fax_tiff([gen.fax_page(), gen.fax_page(gen.ROWS[:1], skew=-0.5, seed=3)])
    assert Image.open(io.BytesIO(data)).info["compression"] == "group4"
    (order,) = fax.parse(data, CTX).orders
    assert order.po_number == "TP-2026-001"
    assert order.buyer.email is None  # the fax server sent the mail, not the customer
    quantities = [l.quantity for l in order.lines]
    assert quantities[:3] == [Decimal(1500), Decimal(288), Decimal(20000)]
    assert order.lines[0].unit_price == Decimal("6.13")
    # RapidOCR's detector drops the "-1" of the short code "AB-100" at 200 dpi (see report).
    assert order.lines[0].code.startswith("AB")
    assert {l.provenance.page for l in order.lines} == {1, 2}
    assert 0 < order.confidence <= 1


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
