"""Document throughput: text-PDF pages per second and seconds per faxed page, on generated pages.

The pages come from the test suite's own generators (tests/data/gen_documents.py), so the
figures are about documents like the ones the tests check, with 20 order lines a page.
"""
from __future__ import annotations

import importlib.util
import time
from datetime import date
from pathlib import Path

from parsers.context import ParseContext
from parsers.registry import parse_document

_GEN = Path(__file__).resolve().parent.parent / "tests" / "data" / "gen_documents.py"
_NAMES = ("纸箱 400*300*250", "封箱胶带 48mm", "价格标签 40×30mm", "PET瓶 500ml 透明", "缠绕膜 500mm")


def _generators():
    spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(n: int) -> tuple[tuple[str, ...], ...]:
    return tuple((str(i), f"AB-{100 + i}", _NAMES[i % len(_NAMES)], f"{(i + 1) * 100:,}", "个", f"{0.5 + i / 10:.2f}")
                 for i in range(1, n + 1))


def pdf_pages_per_second(pages: int = 20, rounds: int = 5) -> float:
    """Read a generated multi-page text PDF (20 lines a page) through the registry."""
    data = _generators().text_pdf(_rows(20 * pages), pages=pages)
    start = time.process_time()
    for _ in range(rounds):
        result = parse_document(data, ParseContext(path="bench.pdf"))
    elapsed = time.process_time() - start
    assert result.orders, "the benchmark PDF was not read as an order"
    return pages * rounds / elapsed


def fax_seconds_per_page(rows: int, catalog=None, rounds: int = 2, threads: int | None = None) -> tuple[float, float]:
    """(seconds to read and reconcile one faxed A4 page of `rows` order lines and a printed total,
    seconds the OCR engine alone takes to read it), each the best of `rounds` (a busy machine only
    ever adds time). `threads` 1 runs the OCR models on one thread and times the process's CPU
    seconds, which is what the page costs one core however busy the machine is; None lets the
    models use every core and times the wall clock."""
    from parsers.ocr import RapidOcrEngine
    from reconcile import reconcile

    gen = _generators()
    lines = _rows(rows)
    total = sum(int(r[3].replace(",", "")) * float(r[5]) for r in lines)
    image = gen.fax_page(lines, total=f"{total:,.2f}")
    data = gen.fax_tiff([image])
    engine = RapidOcrEngine(threads=threads)
    engine.read(image.convert("L"))  # load the models once, as a running worker has
    clock = time.process_time if threads == 1 else time.perf_counter
    ocr_alone = whole = float("inf")
    for _ in range(rounds):
        start = clock()
        engine.read(image.convert("L"))
        ocr_alone = min(ocr_alone, clock() - start)
        start = clock()
        result = parse_document(data, ParseContext(path="bench.tif", ocr=engine))
        if catalog is not None:
            for order in result.orders:
                reconcile(order, catalog, today=date(2026, 11, 20))
        whole = min(whole, clock() - start)
        assert result.orders and len(result.orders[0].lines) == rows, "the benchmark fax was not read whole"
    return whole, ocr_alone
