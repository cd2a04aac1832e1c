"""tools/faxify.py turns a corpus's order PDFs into image-only faxes beside the same facts."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pypdfium2 as pdfium

from parsers.formats.pdf import has_text_layer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tools.faxify import faxify  # noqa: E402

_spec = importlib.util.spec_from_file_location("gen_documents", ROOT / "tests" / "data" / "gen_documents.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def test_order_pdfs_become_image_only_faxes_with_their_facts(tmp_path):
    """Given a corpus of a two-page order PDF, a one-page one, a not-order PDF and an EDI file,
    only the order PDFs are faxed, page for page and without a text layer, and the new
    expected.json names exactly them with their facts unchanged."""
    corpus, out = tmp_path / "corpus", tmp_path / "faxed"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "two.pdf").write_bytes(gen.text_pdf(pages=2))
    (corpus / "one.pdf").write_bytes(gen.text_pdf())
    (corpus / "invoice.pdf").write_bytes(gen.text_pdf(title="发票"))
    (corpus / "po.edi").write_text("ISA*00*")
    facts = {"a/two.pdf": {"kind": "pdf", "orders": [{"po_number": "X1"}]},
             "one.pdf": {"kind": "pdf", "orders": [{"po_number": "X2"}]},
             "invoice.pdf": {"kind": "pdf", "orders": []},
             "po.edi": {"kind": "x12", "orders": [{"po_number": "X3"}]}, "_meta": {"note": "kept"}}
    (corpus / "expected.json").write_text(json.dumps(facts))

    written = faxify(corpus, out, seed=1)

    assert written == ["a/two.pdf", "one.pdf"]
    kept = json.loads((out / "expected.json").read_text())
    assert kept == {"a/two.pdf": facts["a/two.pdf"], "one.pdf": facts["one.pdf"], "_meta": {"note": "kept"}}
    for name, pages in (("a/two.pdf", 2), ("one.pdf", 1)):
        data = (out / name).read_bytes()
        assert len(pdfium.PdfDocument(data)) == pages
        assert has_text_layer((corpus / name).read_bytes()) and not has_text_layer(data)
    assert not (out / "invoice.pdf").exists() and not (out / "po.edi").exists()
