"""A document that should hold an order but whose lines cannot be read is `failed`, and still hands
on the header that was read: the clerk's queue shows whose order it is, its PO number and dates.

Stress orders (text PDFs in several languages and header layouts) are drawn with their quantity
cells blotted out ("—"), so no line can be read; `orderdesk process` must give one failed order
carrying the customer, PO number and dates of the truth, and the same PO read again from a
readable copy afterwards is no duplicate: a failed order makes no PO seen.
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tests.stress import page, render, vocab
from tests.stress.catalog import draw_catalog, write_bundle
from tests.stress.orders import Truth, draw_order
from tests.stress.style import draw_style


def _order(lang: str, seed: int, *, fields_as: str | None = None):
    """A stress text-PDF order in `lang`, its table ruled or not by the draw: (catalog, truth, style, rng)."""
    rng = random.Random(f"failed-header/{lang}/{seed}")
    cat = draw_catalog(random.Random(f"failed-header/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, max_lines=5)
    style = draw_style(truth, "pdf", rng)
    pick = lambda table: {k: rng.choice(v) for k, v in table[lang].items()}  # noqa: E731
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0], field_labels=pick(vocab.FIELD_LABELS),
                    column_labels=pick(vocab.COLUMN_LABELS), total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), lines_as="table", unit_in_qty=False,
                    page_rows=None)
    style = replace(style, columns=style.columns if "qty" in style.columns else style.columns + ("qty",))
    return cat, truth, style, rng


def _blotted(truth: Truth, style, rng: random.Random) -> bytes:
    """The order as a text PDF with every quantity cell printed as a dash: no line can be read."""
    quantities = {vocab.write_number(ln.quantity, vocab.places_of(ln.quantity), style.number_form, style.grouping)
                  for ln in truth.lines}
    pages = page.layout(truth, style, rng)
    for p in pages:
        for item in p.items:
            if isinstance(item, page.Text) and item.align == "right" and item.text in quantities:
                item.text = "—"
    return render.pdf_bytes(pages)


def _readable(truth: Truth, style, rng: random.Random) -> bytes:
    return render.pdf_bytes(page.layout(truth, style, rng))


CASES = [("en", 1), ("zh-Hans", 2), ("de", 3), ("fr", 4), ("zh-Hant", 5), ("es", 6)]


@pytest.mark.parametrize(("lang", "seed"), CASES)
def test_a_failed_order_carries_its_header_and_makes_no_po_seen(lang, seed, tmp_path, process_json):
    """Given an order whose quantities cannot be read, then the same order readable, both processed:
    the first is `failed` with the customer, PO number and dates of the document and no lines; the
    second is read and is not a DUPLICATE_PO of the failed one."""
    cat, truth, style, rng = _order(lang, seed)
    catalog = write_bundle(cat, tmp_path / "catalog")
    (tmp_path / "blotted.pdf").write_bytes(_blotted(truth, style, random.Random(f"{lang}/{seed}/draw")))
    (tmp_path / "readable.pdf").write_bytes(_readable(truth, style, random.Random(f"{lang}/{seed}/draw")))
    failed, read = process_json(tmp_path / "blotted.pdf", tmp_path / "readable.pdf", catalog=catalog)
    assert failed["status"] == "failed" and failed["failure"] and failed["lines"] == []
    assert failed["anomalies"] == []
    assert failed["customer"]["code"] == truth.customer.code
    assert failed["po_number"] == truth.po_number
    assert failed["order_date"] == (truth.order_date.isoformat() if truth.order_date else None)
    assert failed["delivery_date"] == (truth.delivery_date.isoformat() if truth.delivery_date else None)
    assert read["status"] != "failed" and read["po_number"] == truth.po_number
    assert "DUPLICATE_PO" not in read["anomalies"]


@pytest.mark.parametrize(("title", "labels"), [
    ("PURCHASE ORDER", ("PO No.:", "Order Date:", "Delivery Date:")),
    ("采购订单", ("订单编号：", "订单日期：", "交货日期：")),
    ("BESTELLUNG", ("Bestell-Nr.:", "Bestelldatum:", "Liefertermin:")),
])
def test_a_fax_with_no_table_to_read_fails_with_the_header_it_printed(title, labels):
    """Given a fax whose title and header fields are read but whose lines are not (smudged to no
    table at all), its failure carries the PO number and both dates; no e-mail address is the buyer's."""
    import io

    from PIL import Image

    from parsers.context import ParseContext
    from parsers.registry import parse_document
    from parsers.ocr import OcrWord
    from tests.parsers.test_unruled_fax import _Scripted

    po, ordered, wanted = "AB26-00084", "2026-11-18", "2027-01-16"
    texts = [(title, 600, 100), (f"{labels[0]} {po}", 150, 200), (f"{labels[1]} {ordered}", 150, 250),
             (f"{labels[2]} {wanted}", 150, 300), ("~~ ·· ~~~ ·", 150, 450)]
    words = [OcrWord(text, (x, y, x + 22 * len(text), y + 28), 0.99) for text, x, y in texts]
    png = io.BytesIO()
    Image.new("L", (1500, 1200), 255).save(png, format="PNG")
    ctx = ParseContext(path="fax.png", sender="fax@ourfaxserver.example", ocr=_Scripted(words))
    result = parse_document(png.getvalue(), ctx)
    (failed,) = result.failures
    assert not result.orders and failed.header is not None
    header = failed.header
    assert (header.po_number, str(header.order_date), str(header.delivery_date)) == (po, ordered, wanted)
    assert header.lines == () and header.buyer.email is None
