"""The OCR seam reads each text line the same whatever is read with it, and a ruled table's cells
are recognised once (crop by crop), not a second time as part of the whole page."""
from __future__ import annotations

import importlib.util
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.context import ParseContext
from parsers.formats import fax
from parsers.ocr import LazyEngine, OcrWord, default_engine

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed")


def _line(text: str, size: int = 30) -> Image.Image:
    font = ImageFont.truetype(gen.FONT, size)
    width = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=font))
    image = Image.new("L", (width + 24, size + 16), 255)
    ImageDraw.Draw(image).text((12, 6), text, font=font, fill=0)
    return image


@needs_font
def test_a_line_reads_the_same_alone_and_among_wider_lines():
    """Given short lines read alone and then in one call with random much wider lines, each
    reading (text and confidence) is the same: a batch's widest line does not pad its neighbours.
    (OpenVINO's kernels block a batch of 8 differently from a batch of 1, which moves a
    confidence in its seventh decimal; a wrongly padded line moves it in the first.)"""
    rng = random.Random(11)
    short = [_line(t) for t in ("秣陵街道", "100×80×50mm", "AB-100", "6.13", "封箱胶带 48mm")]
    wide = [_line("".join(rng.choice("纸箱胶带标签价格0123456789-") for _ in range(rng.randrange(30, 60))))
            for _ in range(6)]
    engine = default_engine()
    alone = [engine.recognise([image])[0] for image in short]
    mixed = short + wide
    rng.shuffle(mixed)
    together = engine.recognise(mixed)
    again = [together[mixed.index(image)] for image in short]
    assert [text for text, _ in again] == [text for text, _ in alone]
    assert [conf for _, conf in again] == pytest.approx([conf for _, conf in alone], abs=1e-5)


@needs_font
def test_a_ruled_table_is_recognised_cell_by_cell_only():
    """Given a faxed page with a ruled table, the page's detector is asked to recognise only
    the text outside the table; the rows still come out whole from the cells."""
    engine = _Spy(default_engine())
    image = gen.fax_page(total="9,999.00")
    (order,) = fax.parse(gen.fax_tiff([image]), ParseContext(path="fax.tif"), ocr=engine).orders
    assert [line.quantity for line in order.lines] == [Decimal(1500), Decimal(288), Decimal(20000)]
    assert engine.refused > 0 and engine.recognised > 0
    assert not any("AB-100" in w.text or "1,500" in w.text for w in engine.words)
    assert order.po_number == "TP-2026-001"


def test_an_engine_without_part_reading_reads_the_page_and_drops_the_rest():
    """A lazy engine around one that can only read whole pages keeps the words asked for."""
    words = [OcrWord("in", (10, 10, 40, 30), 0.99), OcrWord("out", (500, 10, 560, 30), 0.99)]
    lazy = LazyEngine(lambda: _Whole(words))
    kept = lazy.read_where(Image.new("L", (600, 60), 255), lambda box: box[0] > 100)
    assert [w.text for w in kept] == ["out"]


class _Whole:
    def __init__(self, words: list[OcrWord]) -> None:
        self.words = words

    def read(self, image: Image.Image) -> list[OcrWord]:
        return list(self.words)


class _Spy:
    """The real engine, counting the detected boxes its caller wanted recognised and refused."""

    def __init__(self, engine) -> None:
        self.engine, self.refused, self.recognised, self.words = engine, 0, 0, []

    def read(self, image):
        return self.engine.read(image)

    def read_where(self, image, wanted):
        def counted(box):
            ok = wanted(box)
            self.recognised += ok
            self.refused += not ok
            return ok

        self.words = self.engine.read_where(image, counted)
        return self.words

    def recognise(self, images):
        return self.engine.recognise(images)
