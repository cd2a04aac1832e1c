"""The OCR seam: one small interface, so the fax reader does not care which engine reads the page.

The default engine is RapidOCR (`rapidocr-onnxruntime`): its PP-OCRv4 Chinese/English models
ship inside the wheel and run on the CPU, so nothing is downloaded at run time. It is created
lazily, once per process, because loading the models takes a noticeable fraction of a second.

RapidOCR's pre- and post-processing are kept, but the recognition model, which reads every
cell of a table and costs most of a page, runs on OpenVINO instead of ONNX Runtime: on the same
ONNX file it needs about half the CPU on one x86 core, and with the precision pinned to f32 its
outputs differ from ONNX Runtime's by ~1e-6, so readings do not change (OpenVINO's default on
CPUs with AMX is bf16, which does change them). The detection model stays on ONNX Runtime: on
OpenVINO it would save another ~0.7 s a page but keeps ~400 MB more of the worker's memory for
the page-sized buffers, too close to the parse sandbox's cap (`parse_memory_mb`). OpenVINO
compiles its CPU kernels at run time, so where writable memory may not become executable
(systemd's MemoryDenyWriteExecute=yes) it cannot start; the engine then keeps ONNX Runtime and
says so.
"""
from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from typing import Any, Callable, Protocol, runtime_checkable

from PIL import Image

log = logging.getLogger(__name__)


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


@runtime_checkable
class PartReader(Protocol):
    """An engine that detects the text of a whole page but recognises only the boxes asked for
    (a ruled table's cells are read crop by crop, so recognising them twice is wasted time)."""

    def read_where(self, image: Image.Image, wanted: Callable[[Box], bool]) -> list[OcrWord]: ...


Box = tuple[float, float, float, float]
REC_HEIGHT = 48       # the recognition model's input height (PP-OCRv4)
REC_MIN_WIDTH = 320   # ... and its narrowest input: shorter lines are padded to it
REC_STEP = 64         # wider lines are padded up to a multiple of this, whatever else is read with them
REC_BATCH = 8


class RapidOcrEngine:
    """RapidOCR with its bundled ONNX models; text-angle classification is off (faxes are upright).

    Crops are recognised in batches of equal padded width that depend on each crop alone:
    RapidOCR's own batching pads a line to the widest line of its batch, and the model's reading
    of a line changes with its padding, so the same text read beside different neighbours could
    come out different (秣 and 袜 differ by a stroke)."""

    runtime = "onnxruntime"  # which runtime recognises text: "openvino" once it compiled the model

    def __init__(self, threads: int | None = None, **options: Any) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when a fax is read

        one_core = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads else {}
        self._engine = RapidOCR(**one_core, **options)
        try:
            recogniser = OpenVinoModel(_model_file("rec"), threads)
        except RuntimeError as error:
            log.warning("OCR recognises text on ONNX Runtime, about half as fast: OpenVINO could not compile "
                        "its kernels (%s). Is MemoryDenyWriteExecute=yes set for this service?", str(error).strip()[-80:])
            return
        self._engine.text_rec.session = recogniser
        self.runtime = "openvino"

    def read(self, image: Image.Image) -> list[OcrWord]:
        return self.read_where(image, lambda _box: True)

    def read_where(self, image: Image.Image, wanted: Callable[[Box], bool]) -> list[OcrWord]:
        """The page's text lines found by the detector; only those whose box is `wanted` are
        recognised. The steps are RapidOCR's own (`RapidOCR.__call__`) but for the batching."""
        import numpy as np

        engine = self._engine
        pixels = engine.load_img(np.asarray(image.convert("L")))
        raw_h, raw_w = pixels.shape[:2]
        scaled, ratio_h, ratio_w = engine.preprocess(pixels)
        scaled, record = engine.maybe_add_letterbox(scaled, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}})
        quads, _elapsed = engine.auto_text_det(scaled)
        if quads is None:
            return []
        on_page = engine._get_origin_points(quads, record, raw_h, raw_w).tolist()
        keep = [i for i, quad in enumerate(on_page) if wanted(_box(quad))]
        readings = _recognised(engine.text_rec, engine.get_crop_img_list(scaled, [quads[i] for i in keep]))
        return [_word(on_page[i], text, conf) for i, (text, conf) in zip(keep, readings)
                if conf >= engine.text_score]

    def recognise(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        """The text of each crop holding one line, by the recognition model alone."""
        import numpy as np

        return _recognised(self._engine.text_rec, [np.asarray(image.convert("RGB")) for image in images])


class OpenVinoModel:
    """One of RapidOCR's ONNX models compiled by OpenVINO, called like RapidOCR's ONNX Runtime
    session (an input batch in, the list of outputs back). `threads` None lets OpenVINO use
    every core; 1 measures the engine on one core.

    The runtime cache is off: the model's input width changes with every line's length, and
    OpenVINO would otherwise keep kernels and buffers for each shape it has seen, and a worker's
    data mappings grow towards the sandbox's cap (`parse_memory_mb`): measured over 40 faxes,
    1.5 GB after 14 and growing with the cache, a steady ~1.05 GB without it, ~0.75 GB with
    ONNX Runtime alone."""

    def __init__(self, path: str, threads: int | None = None) -> None:
        import openvino

        config: dict[str, Any] = {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY",
                                  "CPU_RUNTIME_CACHE_CAPACITY": 0}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self._request = openvino.Core().compile_model(path, "CPU", config).create_infer_request()

    def __call__(self, batch: Any) -> list[Any]:
        return [self._request.infer({0: batch})[0].copy()]


def _model_file(kind: str) -> str:
    """The PP-OCRv4 model file for `kind` (det or rec) that ships in the RapidOCR wheel (its config.yaml names the same files)."""
    from pathlib import Path

    import rapidocr_onnxruntime

    return str(Path(rapidocr_onnxruntime.__file__).parent / "models" / f"ch_PP-OCRv4_{kind}_infer.onnx")


def _recognised(recogniser: Any, crops: list[Any]) -> list[tuple[str, float]]:
    """Each crop's (text, confidence), read in batches of crops padded to the same width, a width
    that depends on the crop alone (REC_STEP), so a reading never depends on its neighbours."""
    widths = [_padded_width(crop) for crop in crops]
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for width in sorted(set(widths)):
        same = [i for i, w in enumerate(widths) if w == width]
        for start in range(0, len(same), REC_BATCH):
            batch = same[start:start + REC_BATCH]
            for i, (text, conf) in zip(batch, _batch(recogniser, [crops[i] for i in batch], width)):
                out[i] = (str(text), float(conf))
    return out


def _padded_width(crop: Any) -> int:
    height, width = crop.shape[:2]
    natural = math.ceil(REC_HEIGHT * width / max(height, 1))
    return max(REC_MIN_WIDTH, -(-natural // REC_STEP) * REC_STEP)


def _batch(recogniser: Any, crops: list[Any], width: int) -> list[tuple[str, float]]:
    import numpy as np

    ratio = width / REC_HEIGHT
    batch = np.concatenate([recogniser.resize_norm_img(crop, ratio)[np.newaxis, :] for crop in crops])
    preds = recogniser.session(batch.astype(np.float32))[0]
    return [(r[0], r[1]) for r in recogniser.postprocess_op(preds, False, wh_ratio_list=[], max_wh_ratio=ratio)]


def _box(quad: list[list[float]]) -> Box:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


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

    def read_where(self, image: Image.Image, wanted: Callable[[Box], bool]) -> list[OcrWord]:
        engine = self._get()
        if isinstance(engine, PartReader):
            return engine.read_where(image, wanted)
        return [w for w in engine.read(image) if wanted(w.box)]

    def recognise(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        engine = self._get()
        return engine.recognise(images) if isinstance(engine, LineRecogniser) else []


@functools.cache
def default_engine() -> OcrEngine:
    """A RapidOCR engine for callers that bring none in their context (benchmarks, tools)."""
    return RapidOcrEngine()
