"""Render a corpus's order PDFs as faxes, beside the same expected.json, to score the fax reader
on layouts nobody tuned it to.

usage: python tools/faxify.py CORPUS_DIR OUT_DIR [--skew 0.6] [--specks 400] [--seed 7]

Every PDF that expected.json lists with at least one order is rendered at 200 dpi, turned by a
random angle up to --skew degrees, sprinkled with 2x2 px specks and cut to black and white, then
saved under OUT_DIR at the same relative path as an image-only PDF (no text layer, so the fax
reader must OCR it). OUT_DIR/expected.json keeps only those files, so the same hand-labelled
facts score the faxed copies: `python tools/check_thirdparty.py OUT_DIR`. This is a measuring
tool, not a test: the corpus is not shipped.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

DPI = 200
INK_BELOW = 150  # grey levels darker than this turn black, as a fax machine's threshold does


def fax_pages(pdf: Path, rng: random.Random, skew: float, specks: int) -> list[Image.Image]:
    """The PDF's pages as a fax machine would send them: 200 dpi, skewed, specked, 1-bit."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for i in range(len(doc)):
            image = doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(rng.uniform(-skew, skew), resample=Image.Resampling.BICUBIC, fillcolor=255)
            for _ in range(specks):
                x, y = rng.randrange(image.width - 2), rng.randrange(image.height - 2)
                image.paste(0, (x, y, x + 2, y + 2))
            pages.append(image.point(lambda v: 255 if v > INK_BELOW else 0).convert("1"))
        return pages
    finally:
        doc.close()


def faxify(corpus: Path, out: Path, *, skew: float = 0.6, specks: int = 400, seed: int = 7) -> list[str]:
    """Write the faxed copies and their expected.json; returns the relative paths written."""
    expected = json.loads((corpus / "expected.json").read_text())
    kept = {name: facts for name, facts in expected.items()
            if name != "_meta" and name.lower().endswith(".pdf") and facts.get("orders")}
    rng = random.Random(seed)
    for name in sorted(kept):
        pages = fax_pages(corpus / name, rng, skew, specks)
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        pages[0].save(target, save_all=True, append_images=pages[1:], resolution=DPI)
    out.mkdir(parents=True, exist_ok=True)
    (out / "expected.json").write_text(json.dumps({**kept, "_meta": expected.get("_meta", {})}, indent=1))
    return sorted(kept)


def main() -> int:
    ap = argparse.ArgumentParser(description="Render a corpus's order PDFs as faxes beside its expected.json.")
    ap.add_argument("corpus", type=Path, help="a folder with PDFs and an expected.json naming them")
    ap.add_argument("out", type=Path, help="where the faxed copies and their expected.json go")
    ap.add_argument("--skew", type=float, default=0.6, help="largest turn of a page, in degrees")
    ap.add_argument("--specks", type=int, default=400, help="2x2 px specks sprinkled on each page")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if not (a.corpus / "expected.json").is_file():
        ap.error(f"{a.corpus} has no expected.json")
    written = faxify(a.corpus, a.out, skew=a.skew, specks=a.specks, seed=a.seed)
    print(f"faxify: {len(written)} PDFs written as faxes under {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
