"""The OCR seam: one small interface, so the fax reader does not care which engine reads the page.

The default engine is RapidOCR (`rapidocr-onnxruntime`): its PP-OCRv4 Chinese/English models
ship inside the wheel and run on the CPU, so nothing is downloaded at run time. It is created
lazily, once per process, because loading the models takes a noticeable fraction of a second.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable, Protocol, runtime_checkable

from PIL import Image


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A run of text the engine read: its box (x0, top, x1, bottom in pixels) and how sure it is.

    `angle` is the slope of the text's baseline in degrees (positive = rising to the right
    in image coordinates, i.e. y decreasing), so a skewed scan can be straightened.
    """

    text: str
    box: tuple[float, float, float, float]
    confidence: float
    angle: float = 0.0


class OcrEngine(Protocol):
    """Anything that reads the words of a page image with their boxes and confidences."""

    def read(self, image: Image.Image) -> list[OcrWord]: ...


@runtime_checkable
class LineRecogniser(Protocol):
    """An engine that can also read cropped lines of text without detecting boxes first."""

    def recognise(self, images: list[Image.Image]) -> list[tuple[str, float]]: ...


class RapidOcrEngine:
    """RapidOCR with its bundled ONNX models; text-angle classification is off (faxes are upright)."""

    def __init__(self, **options: Any) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when a fax is read

        self._engine = RapidOCR(**options)

    def read(self, image: Image.Image) -> list[OcrWord]:
        import numpy as np

        pixels = np.asarray(image.convert("L"))
        result, _elapsed = self._engine(pixels, use_cls=False)
        return [_word(quad, text, score) for quad, text, score in result or ()]

    def recognise(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        """The text of each crop holding one line, by the recognition model alone (batched)."""
        import numpy as np

        if not images:
            return []
        pixels = [np.asarray(image.convert("RGB")) for image in images]
        results, _elapsed = self._engine.text_rec(pixels, False)
        return [(str(r[0]), float(r[1])) for r in results]


def _word(quad: list[list[float]], text: str, score: float | str) -> OcrWord:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    (x0, y0), (x1, y1) = quad[0], quad[1]
    angle = math.degrees(math.atan2(y0 - y1, x1 - x0)) if x1 - x0 > 0 else 0.0
    return OcrWord(text=text, box=(min(xs), min(ys), max(xs), max(ys)),
                   confidence=float(score), angle=angle)


class LazyEngine:
    """An engine made on its first page: a parse worker owns one and hands it to every
    `ParseContext`, so documents without scans never pay for loading the models."""

    def __init__(self, make: Callable[[], OcrEngine] = RapidOcrEngine) -> None:
        self._make = make
        self._engine: OcrEngine | None = None

    def _get(self) -> OcrEngine:
        if self._engine is None:
            self._engine = self._make()
        return self._engine

    def read(self, image: Image.Image) -> list[OcrWord]:
        return self._get().read(image)

    def recognise(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        engine = self._get()
        return engine.recognise(images) if isinstance(engine, LineRecogniser) else []


@functools.cache
def default_engine() -> OcrEngine:
    """A RapidOCR engine for callers that bring none in their context (benchmarks, tools)."""
    return RapidOcrEngine()
