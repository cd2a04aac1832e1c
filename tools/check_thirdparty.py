"""Read every file of a third-party corpus and compare the facts with its hand-made labels.

usage: python tools/check_thirdparty.py CORPUS_DIR [--kinds x12,edifact] [-q]

CORPUS_DIR holds the files and an expected.json (keys: paths relative to it). For each file
the registry's result is compared on: the number of orders, po_number, order_date, and per
line quantity, unit, unit_price and the item ids. A crash (an exception out of the registry)
is always reported. This is a measuring tool, not a test: the corpus is not shipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from decimal import Decimal, InvalidOperation
from pathlib import Path

from parsers.context import ParseContext
from parsers.registry import parse_document


def _num(x) -> Decimal | None:
    try:
        return None if x in (None, "") else Decimal(str(x))
    except InvalidOperation:
        return None


def compare(label: dict, result) -> list[str]:
    diffs: list[str] = []
    want = label.get("orders", [])
    got = list(result.orders)
    if len(want) != len(got):
        diffs.append(f"orders: expected {len(want)}, got {len(got)}"
                     + (f" (failures: {[f.reason for f in result.failures]})" if result.failures else ""))
    for i, (w, g) in enumerate(zip(want, got)):
        if w.get("po_number") != g.po_number:
            diffs.append(f"order {i}: po_number {w.get('po_number')!r} != {g.po_number!r}")
        if w.get("order_date") and w["order_date"] != (g.order_date.isoformat() if g.order_date else None):
            diffs.append(f"order {i}: order_date {w['order_date']} != {g.order_date}")
        if w.get("lines") is None:   # labelled without line facts
            continue
        wl, gl = w["lines"], list(g.lines)
        if len(wl) != len(gl):
            diffs.append(f"order {i}: {len(wl)} lines expected, got {len(gl)}")
        for j, (a, b) in enumerate(zip(wl, gl)):
            if _num(a.get("quantity")) != b.quantity:
                diffs.append(f"order {i} line {j}: quantity {a.get('quantity')} != {b.quantity}")
            if (a.get("unit") or None) != (b.unit or None):
                diffs.append(f"order {i} line {j}: unit {a.get('unit')!r} != {b.unit!r}")
            if _num(a.get("unit_price")) != b.unit_price:
                diffs.append(f"order {i} line {j}: unit_price {a.get('unit_price')} != {b.unit_price}")
            ours = {v for _q, v in b.ids} | {b.customer_sku, b.our_sku, b.barcode, b.code}
            missing = [v for v in (a.get("ids") or {}).values() if v not in ours]
            if missing:
                diffs.append(f"order {i} line {j}: ids {missing} not read")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--kinds", default="x12,edifact")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    labels = json.loads((a.corpus / "expected.json").read_text(encoding="utf-8"))
    kinds = set(a.kinds.split(","))
    checked = exact = crashed = 0
    for rel, label in sorted(labels.items()):
        if rel == "_meta":
            continue
        path = a.corpus / rel
        try:
            result = parse_document(path.read_bytes(), ParseContext(path=str(rel)))
        except Exception:
            crashed += 1
            print(f"CRASH {rel}\n{traceback.format_exc()}")
            continue
        if label.get("kind") not in kinds:
            continue
        checked += 1
        diffs = [] if label.get("malformed") and not label.get("orders") else compare(label, result)
        if "not-orders/" in rel and result.orders:
            diffs = [f"a non-order produced {len(result.orders)} orders"]
        if diffs:
            print(f"DIFF  {rel}")
            for d in diffs[:8]:
                print(f"      {d}")
        else:
            exact += 1
            if not a.quiet:
                print(f"OK    {rel}")
    print(f"thirdparty: {exact}/{checked} files of kinds {sorted(kinds)} match their labels; "
          f"{crashed} crashed out of {len(labels) - 1} files read")
    return 0 if exact == checked and not crashed else 1


if __name__ == "__main__":
    sys.exit(main())
