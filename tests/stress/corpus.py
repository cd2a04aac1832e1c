"""Write a stress corpus: a catalog bundle and n documents per kind, each with its truth beside it.

    python -m tests.stress.corpus OUT [--n 5] [--seed 1] [--kinds fax,pdf,email]

writes OUT/catalog/ and OUT/<kind>-<i>.<ext> + OUT/<kind>-<i>.<ext>.truth.json, to look at by
eye. Every document is drawn from its own random stream (seed, kind, index), so a document
does not change when n or the kinds change.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from tests.stress import mail, page, render
from tests.stress.catalog import draw_catalog, write_bundle
from tests.stress.orders import as_change_request, check_truth, draw_order
from tests.stress.style import draw_style

KINDS = ("fax", "pdf", "email")
ANOMALY_RATE = 0.15


def write_corpus(out: Path, n: int, seed: int, kinds: tuple[str, ...] = KINDS) -> list[dict]:
    """Write the catalog and the documents; returns the truths (also written beside each file)."""
    cat = draw_catalog(random.Random(f"{seed}/catalog"))
    write_bundle(cat, out / "catalog")
    truths = []
    for kind in kinds:
        for i in range(n):
            truths.append(write_document(out, cat, kind, i, seed))
    return truths


def write_document(out: Path, cat, kind: str, i: int, seed: int) -> dict:
    rng = random.Random(f"{seed}/{kind}/{i}")
    truth = draw_order(cat, rng, serial=i + 1 + 1000 * KINDS.index(kind), anomaly_rate=ANOMALY_RATE,
                       max_lines=30 if kind == "fax" else 40)
    style = draw_style(truth, kind, rng)
    if kind == "fax" and truth.anomaly is None and not style.shows_amounts():
        # Issue 7: an OCR read with neither row amounts nor a total has nothing to vouch for it.
        truth.status, truth.anomaly = "review", "unverifiable"
    if kind == "email":
        if style.extras["change_request"]:
            truth = as_change_request(truth, rng)
        name, data = f"{kind}-{i:04d}.eml", mail.mail_bytes(truth, style, rng)
    elif kind == "pdf":
        name, data = f"{kind}-{i:04d}.pdf", render.pdf_bytes(page.layout(truth, style, rng))
    else:
        x = style.extras
        pages = page.layout(truth, style, rng)
        data = render.fax_bytes(pages, skew=x["skew"], specks=x["specks"], container=x["container"], seed=rng.randrange(1 << 30))
        name = f"{kind}-{i:04d}.{'tif' if x['container'] == 'tiff' else 'pdf'}"
    errors = check_truth(truth)
    if errors:
        raise AssertionError(f"{name}: the generated truth does not hold: {errors}")
    record = truth.as_json(kind, name, style.as_json())
    (out / name).write_bytes(data)
    (out / f"{name}.truth.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return record


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.stress.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(KINDS))
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    truths = write_corpus(a.out, a.n, a.seed, tuple(a.kinds.split(",")))
    print(f"wrote {len(truths)} documents and the catalog to {a.out}")


if __name__ == "__main__":
    main()
