"""The OCR engine comes in through the ParseContext: a test (or the parse worker) injects it."""
from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image

from parsers.context import ParseContext
from parsers.ocr import LazyEngine, OcrWord
from parsers.registry import parse_document


class _Scripted:
    """An engine that returns the same words for every page and counts the pages it read."""

    def __init__(self, words: list[OcrWord]) -> None:
        self.words, self.pages = words, 0

    def read(self, image: Image.Image) -> list[OcrWord]:
        self.pages += 1
        return list(self.words)


def _w(text: str, x: float, y: float) -> OcrWord:
    return OcrWord(text, (x, y, x + 30 * len(text), y + 40), 0.99)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (1000, 400), 255).save(out, format="PNG")
    return out.getvalue()


def test_parse_document_reads_a_scan_with_the_engine_the_context_brings():
    """Given a PNG and a scripted engine in the context, the order is what the engine read."""
    engine = _Scripted([_w("订单编号：Q-7", 100, 100), _w("品名", 100, 200), _w("数量", 600, 200),
                        _w("单位", 800, 200), _w("纸箱", 100, 270), _w("500", 600, 270), _w("个", 800, 270)])
    result = parse_document(_png(), ParseContext(path="scan.png", ocr=engine))
    (order,) = result.orders
    assert engine.pages == 1
    assert order.po_number == "Q-7" and order.lines[0].quantity == Decimal(500)


def test_lazy_engine_is_made_once_on_its_first_page():
    """The worker's engine costs nothing until a scan arrives, and is made only once."""
    made: list[_Scripted] = []

    def make() -> _Scripted:
        made.append(_Scripted([_w("x", 0, 0)]))
        return made[-1]

    lazy = LazyEngine(make)
    assert made == []
    image = Image.new("L", (10, 10), 255)
    assert [w.text for w in lazy.read(image)] == ["x"]
    lazy.read(image)
    assert len(made) == 1 and made[0].pages == 2
    assert lazy.recognise([image]) == []  # the scripted engine cannot read crops alone
