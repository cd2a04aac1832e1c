"""The OCR recognition model runs on OpenVINO where the process may compile code, and on ONNX
Runtime where it may not (systemd's MemoryDenyWriteExecute=yes); either way a page reads the same."""
from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.ocr import RapidOcrEngine

_GEN = Path(__file__).resolve().parents[1] / "data" / "gen_documents.py"
_spec = importlib.util.spec_from_file_location("gen_documents", _GEN)
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
_UNDER_MDWE = f"""
import ctypes, json, sys
from PIL import Image
if ctypes.CDLL(None, use_errno=True).prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) != 0:
    sys.exit(3)
from parsers.ocr import RapidOcrEngine
engine = RapidOcrEngine(threads=1)
words = [(w.text, [round(v) for v in w.box]) for w in engine.read(Image.open(sys.argv[1]).convert("L"))]
print(json.dumps({{"runtime": engine.runtime, "words": words}}))
"""


def _mdwe_supported() -> bool:
    """PR_SET_MDWE exists from Linux 6.3; asking for nothing (0) tells whether the kernel knows it."""
    return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_MDWE + 1, 0, 0, 0, 0) >= 0  # PR_GET_MDWE


needs_font = pytest.mark.skipif(not os.path.exists(gen.FONT), reason="fonts-wqy-microhei is not installed")


@needs_font
@pytest.mark.skipif(not _mdwe_supported(), reason="this kernel has no PR_SET_MDWE (Linux < 6.3)")
def test_a_page_reads_the_same_on_openvino_and_under_write_xor_execute(tmp_path):
    """Given a faxed page, the engine here runs on OpenVINO; in a process that may not make
    memory executable it falls back to ONNX Runtime, logs why, and reads the same words in the
    same boxes (the precision is pinned to f32, so the two runtimes agree)."""
    page = tmp_path / "page.png"
    gen.fax_page(total="9,999.00").save(page)
    engine = RapidOcrEngine(threads=1)
    here = [(w.text, [round(v) for v in w.box]) for w in engine.read(gen.Image.open(page).convert("L"))]
    run = subprocess.run([sys.executable, "-c", _UNDER_MDWE, str(page)], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert run.returncode == 0, run.stderr
    there = json.loads(run.stdout)
    assert engine.runtime == "openvino" and there["runtime"] == "onnxruntime"
    assert "MemoryDenyWriteExecute" in run.stderr
    assert [tuple(w) for w in there["words"]] == [(t, b) for t, b in here] and len(here) > 20
