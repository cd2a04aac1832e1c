"""The stress generator's own round trip, and a small fixed-seed sample read by the real command.

The full measurement is `python -m bench --accuracy`; here a few documents per kind check that
the generator writes what its truth says and that the product holds its one hard promise on
them: nothing wrong is accepted.
"""
from __future__ import annotations

import email
import json
import random
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest

from bench import accuracy
from tests.stress import vocab
from tests.stress.corpus import write_corpus
from tests.stress.orders import check_truth, draw_order
from tests.stress.catalog import draw_catalog

SEED = 20261120


def _text_of(path: Path) -> str:
    if path.suffix == ".eml":
        msg = email.message_from_bytes(path.read_bytes())
        return "\n".join(p.get_payload(decode=True).decode() for p in msg.walk() if not p.is_multipart())
    doc = pypdfium2.PdfDocument(path)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_truths_add_up_for_many_draws():
    """Given many drawn orders, every truth's rows multiply out and add up to its printed total."""
    cat = draw_catalog(random.Random(1))
    for i in range(300):
        truth = draw_order(cat, random.Random(i), serial=i, anomaly_rate=0.3)
        assert check_truth(truth) == [], truth.po_number
        if truth.anomaly is None:
            exact = sum(ln.quantity * ln.unit_price for ln in truth.lines)
            assert abs(truth.total - exact) <= Decimal("0.005") * len(truth.lines), truth.po_number


def test_a_quantity_off_the_pack_size_is_a_review_truth():
    """Given drawn orders, one with a weighed half unit (no multiple of pack size 1) is expected in
    review, as QTY_NOT_PACK_MULTIPLE puts it there, and one whose every line fits its pack is not
    for that reason."""
    cat = draw_catalog(random.Random(1))
    seen = set()
    for i in range(300):
        truth = draw_order(cat, random.Random(i), serial=i, anomaly_rate=0.0)
        off = any(ln.quantity % ln.item.pack for ln in truth.lines)
        assert truth.status == ("review" if off else "accepted"), truth.po_number
        seen.add(off)
    assert seen == {True, False}


def test_text_documents_print_what_their_truth_says(tmp_path):
    """Given generated PDFs and e-mails, the PO number and the printed total are in their text."""
    truths = write_corpus(tmp_path, 6, SEED, ("pdf", "email"))
    for t in truths:
        text = _text_of(tmp_path / t["file"]).replace("\n", " ")
        assert t["po_number"] in text, t["file"]
        if t["total"] is not None and t["style"]["print_total"]:
            style = t["style"]
            total = vocab.write_number(Decimal(t["total"]), 2, style["number_form"], style["grouping"])
            assert total in text, (t["file"], total)
        assert json.loads((tmp_path / f"{t['file']}.truth.json").read_text())["file"] == t["file"]


def test_faxes_are_200dpi_g4_scans(tmp_path):
    """Given generated faxes, each is a bilevel 200 dpi scan: a G4 TIFF or a PDF of images without text."""
    from PIL import Image

    for t in write_corpus(tmp_path, 4, SEED, ("fax",)):
        path = tmp_path / t["file"]
        if path.suffix == ".tif":
            image = Image.open(path)
            assert (image.mode, image.info["compression"], round(image.info["dpi"][0])) == ("1", "group4", 200)
        else:
            assert _text_of(path).strip() == "", "a scanned fax has no text layer"


def test_same_seed_same_corpus(tmp_path):
    """The corpus is a function of the seed: two runs write the same truths."""
    a = write_corpus(tmp_path / "a", 2, SEED, ("pdf", "email"))
    b = write_corpus(tmp_path / "b", 2, SEED, ("pdf", "email"))
    assert a == b


def test_sample_read_accepts_nothing_wrong(tmp_path, capsys):
    """Given a few stress documents of every kind, `orderdesk process` accepts none that is wrong
    or that the truth sends to review; the accuracy is printed, not asserted."""
    # One fax (OCR takes seconds a page), two of each text kind: a bounded sample, not a measurement.
    truths = write_corpus(tmp_path, 1, SEED, ("fax",)) + write_corpus(tmp_path, 2, SEED, ("pdf", "email"))
    orders = accuracy.read_batch([tmp_path / t["file"] for t in truths], tmp_path / "catalog", tmp_path / "o.db")
    scores = [accuracy.score_document(t, [o for o in orders if Path(o["source"]["path"]).name == t["file"]])
              for t in truths]
    with capsys.disabled():
        print()
        accuracy.print_report(scores, show=20)
    assert [s.file for s in scores if s.wrong_accept] == []
    assert [s.file for s in scores if s.false_accept] == []
