"""`python -m bench`: the figures the issues set targets for, printed, never asserted."""
from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from datetime import date
from pathlib import Path

from bench.docbench import fax_seconds_per_page, pdf_pages_per_second
from bench.catalogs import catalog, fuzzy_description, x12_interchange
from bench.mailbench import emails_per_second
from parsers.formats import x12
from parsers.context import ParseContext
from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from reconcile import CatalogSnapshot, reconcile

TODAY = date(2026, 11, 20)


def edi_lines_per_second(n_orders: int, lines: int) -> tuple[float, float]:
    """Parse + reconcile a generated X12 interchange on one core; returns (lines/s, seconds)."""
    records = catalog(20_000)
    snapshot = CatalogSnapshot.from_records(records)
    data = x12_interchange(records, n_orders, lines)
    start = time.perf_counter()
    result = x12.parse(data, ParseContext(path="bench.x12"))
    done = [reconcile(o, snapshot, today=TODAY) for o in result.orders]
    elapsed = time.perf_counter() - start
    assert sum(len(o.lines) for o in done) == n_orders * lines, "the benchmark lost lines"
    return n_orders * lines / elapsed, elapsed


def match_latency(n_items: int, n_queries: int) -> tuple[float, float, float, float]:
    """Reconcile one-line orders whose only identification is a loosely written description."""
    records = catalog(n_items)
    t0 = time.perf_counter()
    snapshot = CatalogSnapshot.from_records(records)
    build = time.perf_counter() - t0
    # A long-lived snapshot should not be walked by every garbage collection (the daemon does the same).
    gc.collect()
    gc.freeze()
    rng = random.Random(3)
    source = SourceRef("bench", None, SourceKind.TEXT)
    timings, right = [], 0
    for i in range(n_queries):
        m = records.materials[rng.randrange(n_items)]
        line = ParsedLine(line_no=1, description=fuzzy_description(m, rng), quantity=m.pack_qty, unit="PCS")
        order = ParsedOrder(source=source, po_number=f"Q{i}", buyer=Party(edi_id="BENCHBUYER"), lines=(line,))
        t = time.perf_counter()
        done = reconcile(order, snapshot, today=TODAY)
        timings.append(time.perf_counter() - t)
        right += done.lines[0].sku == m.number
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    return p50, p99, build, right / n_queries


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--orders", type=int, default=500, help="EDI orders in the throughput run")
    ap.add_argument("--lines", type=int, default=20, help="lines per EDI order")
    ap.add_argument("--items", type=int, default=100_000, help="catalog size for match latency")
    ap.add_argument("--queries", type=int, default=2000, help="lines matched for latency")
    ap.add_argument("--no-fax", action="store_true", help="skip the OCR figure (it takes a few seconds)")
    ap.add_argument("--no-k3", action="store_true", help="skip the K3 catalog sync figure (100,000 materials)")
    ap.add_argument("--no-catalog", action="store_true", help="skip the distributor-catalog figures: import time, daemon "
                    "memory with 2 workers, worker ready after a new version (~3 min)")
    ap.add_argument("--e2e", action="store_true", help="also run orderdesk itself against Dovecot and an SMTP sink, and on "
                    "PostgreSQL with one node and two (~2 min)")
    ap.add_argument("--desk", action="store_true", help="also time the review desk: a 10,000-case queue, a 10-page PDF case")
    ap.add_argument("--accuracy", action="store_true",
                    help="only read a generated stress corpus and print field accuracy, touchless rate, false and wrong accepts")
    ap.add_argument("--n", type=int, default=200, help="stress documents per kind (--accuracy)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the stress corpus (--accuracy)")
    ap.add_argument("--kinds", default="fax,pdf,email", help="kinds of stress documents, comma-separated (--accuracy)")
    ap.add_argument("--jobs", type=int, default=1, help="documents read in parallel (--accuracy)")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="list N documents read wrongly, with why (--accuracy)")
    ap.add_argument("--by", default="", metavar="AXES",
                    help="also break the figures down by layout axes, e.g. lang,date_form,ruled,lines_as (--accuracy)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="write the stress corpus to DIR and keep it, with what was read beside each truth (--accuracy)")
    a = ap.parse_args()
    if a.accuracy:
        from bench import accuracy
        scores = accuracy.run(a.n, a.seed, tuple(a.kinds.split(",")), jobs=a.jobs, keep=a.keep)
        accuracy.print_report(scores, show=a.show, by=tuple(x for x in a.by.split(",") if x))
        return
    rate, secs = edi_lines_per_second(a.orders, a.lines)
    print(f"EDI parse+reconcile      {rate:10,.0f} order lines/s  ({a.orders} X12 850s x {a.lines} lines in {secs:.2f} s, one core)")
    p50, p99, build, right = match_latency(a.items, a.queries)
    print(f"catalog match latency    p50 {p50:6.2f} ms   p99 {p99:6.2f} ms  ({a.items:,} items, {a.queries} fuzzy descriptions; "
          f"{right:.1%} matched to the right item; index built in {build:.1f} s)")
    mails, msecs = emails_per_second(500)
    print(f"e-mail parse             {mails:10,.0f} mails/s  (500 plain-text order e-mails x 20 lines in {msecs:.2f} s, one core)")
    pages = pdf_pages_per_second()
    print(f"text-PDF read            {pages:10,.1f} pages/s  (a 20-page PDF of 20 lines a page, CPU time, one core)")
    if not a.no_fax:
        snapshot = CatalogSnapshot.from_records(catalog(20_000))
        for threads, cores in ((1, "one core, CPU time"), (None, "all cores, wall clock")):
            for rows, name in ((25, "dense"), (5, "typical")):
                whole, ocr = fax_seconds_per_page(rows, snapshot, threads=threads)
                print(f"faxed page, {name:8} {whole:10.2f} s/page   (A4, {rows} rows, read + reconciled on {cores}, "
                      f"best of 2; the OCR engine alone {ocr:.2f} s, ratio {whole / ocr:.2f})")
    if not a.no_k3:
        from bench.k3sync import figure_line
        print(figure_line())
    if not a.no_catalog:
        from bench.catalogmem import print_figures as print_catalog_figures
        print_catalog_figures()
    if a.e2e:
        from bench.e2e import print_figures
        from bench.nodes import print_figures as print_node_figures
        print_figures()
        print_node_figures()
    if a.desk:
        from bench.desk import print_figures as print_desk_figures
        print_desk_figures()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory              {peak:10,.0f} MB")


if __name__ == "__main__":
    main()
