"""`python -m bench --accuracy`: read a generated stress corpus the way `orderdesk process` does
and score every document against the truth written beside it.

The corpus comes from tests/stress (random layouts along every axis of issue 7, a catalog
drawn from the same seed); the documents go through the real command (`orderdesk process
--json`, CONTRACT §2) in batches, so parse sandbox, reconciliation and JSON are the product's
own. Printed per kind: field accuracy (header fields and line fields), touchless rate (the
share of orders the truth calls acceptable that came out `accepted`), false accepts
(`accepted` though the truth says review) and wrong accepts (`accepted` with any wrong field,
a missing or an extra line). Printed, never asserted.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tests.stress.corpus import KINDS, write_corpus
from tests.stress.orders import TODAY

HEADER_FIELDS = ("customer", "po_number", "order_date", "delivery_date", "currency")
# Unit codes that say the same thing; a unit is right when the reader gives any code of the truth's group.
UNIT_GROUPS = {"PCS": ("PCS", "PC", "EA", "PCE", "C62"), "BOX": ("BOX", "BX", "CTN", "CT", "CA"),
               "ROLL": ("ROLL", "RL", "RO"), "M": ("M", "MTR", "MR"), "KG": ("KG", "KGM"),
               "PACK": ("PACK", "PK", "PA"), "PR": ("PR", "PAIR", "PAIRS"), "SET": ("SET", "SETS")}
BATCH = 5
PARSE_TIMEOUT_S = 600


@dataclass
class DocScore:
    """How one document was read: fields right of fields scored, and which were wrong."""

    file: str
    kind: str
    truth_status: str
    status: str                    # accepted | review | failed | none (no order at all) | crash (the command failed)
    right: int = 0
    total: int = 0
    header_right: int = 0
    header_total: int = 0
    wrong: list[str] = field(default_factory=list)
    style: dict = field(default_factory=dict)

    @property
    def wrong_accept(self) -> bool:
        return self.status == "accepted" and bool(self.wrong)

    @property
    def false_accept(self) -> bool:
        return self.status == "accepted" and self.truth_status == "review"


def _dec(text) -> Decimal | None:
    try:
        return None if text is None else Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return None


def _same(name: str, truth, got) -> bool:
    if name in ("quantity", "unit_price"):
        return _dec(truth) is not None and _dec(truth) == _dec(got)
    if name == "unit":
        return str(got or "").strip().upper() in UNIT_GROUPS.get(truth, (truth,))
    return (str(got).strip() if got is not None else None) == truth


def _pick(truth: dict, orders: list[dict]) -> dict | None:
    """The order that answers this document: the one with the truth's PO number, else the first read one."""
    for o in orders:
        if o.get("po_number") == truth["po_number"]:
            return o
    readable = [o for o in orders if o["status"] != "failed"]
    return (readable or orders or [None])[0]


def score_document(truth: dict, orders: list[dict]) -> DocScore:
    """Compare the orders read from one document with its truth (a None the document does not state is not scored)."""
    order = _pick(truth, orders)
    score = DocScore(truth["file"], truth["kind"], truth["status"], order["status"] if order else "none",
                     style=truth.get("style", {}))
    got = order or {"customer": {}, "lines": []}
    for name in HEADER_FIELDS:
        if truth[name] is None:
            continue
        value = got["customer"].get("code") if name == "customer" else got.get(name)
        ok = _same(name, truth[name], value)
        score.header_total += 1
        score.header_right += ok
        _count(score, ok, f"{name}: {value!r} for {truth[name]!r}")
    _score_lines(score, truth["lines"], list(got["lines"]))
    if len(orders) > 1:
        score.wrong.append(f"{len(orders)} orders from one document")
    return score


def _count(score: DocScore, ok: bool, why: str) -> None:
    score.total += 1
    score.right += ok
    if not ok:
        score.wrong.append(why)


def _score_lines(score: DocScore, want: list[dict], got: list[dict]) -> None:
    """Pair each truth line with the read line of the same item (else the next unpaired one), field by field."""
    left = list(got)
    for n, t in enumerate(want, 1):
        match = next((g for g in left if g.get("sku") == t["sku"] or
                      (t["customer_sku"] and g.get("customer_sku") == t["customer_sku"])), None)
        match = match or (left[0] if left else None)
        if match is not None:
            left.remove(match)
        g = match or {}
        for name in ("sku", "customer_sku", "quantity", "unit", "unit_price"):
            # customer_sku is null by CONTRACT when the line prints only our code, so its None is scored too.
            if t[name] is None and name != "customer_sku":
                continue
            _count(score, match is not None and _same(name, t[name], g.get(name)),
                   f"line {n} {name}: {g.get(name)!r} for {t[name]!r}" if match else f"line {n} missing")
    for g in left:
        _count(score, False, f"extra line {g.get('line_no')}: {g.get('sku') or g.get('customer_sku')} x {g.get('quantity')}")


def read_batch(paths: list[Path], catalog: Path, db: Path) -> list[dict]:
    """Run `orderdesk process --json` on `paths` (one fresh database per batch); the orders it printed."""
    # Accuracy, not speed: a generous parse time limit, so a busy machine does not turn slow reads into failures
    # (`python -m bench` measures the time a page takes).
    cmd = [sys.executable, "-m", "daemon", "process", *map(str, paths), "--catalog", str(catalog),
           "--db", f"sqlite:///{db}", "--today", TODAY.isoformat(), "--parse-timeout", str(PARSE_TIMEOUT_S), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=paths[0].parent)
    if done.returncode != 0:
        raise RuntimeError(f"orderdesk process failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)["orders"]


def _read_or_split(paths: list[Path], catalog: Path, stem: Path) -> tuple[list[dict], dict[str, str]]:
    """Read a batch; if the command itself fails, read its documents one by one and name the ones it fails on."""
    try:
        return read_batch(paths, catalog, stem.with_suffix(".db")), {}
    except RuntimeError:
        orders, crashed = [], {}
        for n, path in enumerate(paths):
            try:
                orders += read_batch([path], catalog, stem.with_name(f"{stem.name}-{n}.db"))
            except RuntimeError as exc:
                crashed[path.name] = str(exc)
        return orders, crashed


def run(n: int, seed: int, kinds: tuple[str, ...], jobs: int = 1, keep: Path | None = None) -> list[DocScore]:
    """Generate, read and score n documents per kind; progress goes to standard error."""
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        truths = write_corpus(folder, n, seed, kinds)
        print(f"[accuracy] generated {len(truths)} documents in {time.monotonic() - t0:.0f} s ({folder})", file=sys.stderr)
        batches = [truths[i:i + BATCH] for i in range(0, len(truths), BATCH)]
        scores: list[DocScore] = []
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(_read_or_split, [folder / t["file"] for t in b], folder / "catalog",
                                   folder / f"batch-{k}"): b for k, b in enumerate(batches)}
            for future in as_completed(futures):
                batch, (orders, crashed) = futures[future], future.result()
                for t in batch:
                    mine = [o for o in orders if Path(o["source"]["path"]).name == t["file"]]
                    if keep:
                        (folder / f"{t['file']}.read.json").write_text(json.dumps(mine, ensure_ascii=False, indent=1))
                    score = score_document(t, mine)
                    if t["file"] in crashed:
                        score.status, score.wrong = "crash", [crashed[t["file"]]] + score.wrong
                    scores.append(score)
                _progress(len(scores), len(truths), t0)
        scores.sort(key=lambda s: s.file)
        return scores


def _progress(done: int, total: int, t0: float) -> None:
    elapsed = time.monotonic() - t0
    eta = elapsed / done * (total - done)
    print(f"[accuracy] {done}/{total} documents read, {elapsed:.0f} s, about {eta:.0f} s to go", file=sys.stderr, flush=True)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def summary_line(scores: list[DocScore]) -> str:
    """The one closing line: fields, touchless, false and wrong accepts over every kind."""
    right, total = sum(s.right for s in scores), sum(s.total for s in scores)
    clean = [s for s in scores if s.truth_status == "accepted"]
    touchless = sum(s.status == "accepted" for s in clean)
    return (f"accuracy: fields={_pct(right, total)} touchless={_pct(touchless, len(clean))} "
            f"false_accepts={sum(s.false_accept for s in scores)} wrong_accepts={sum(s.wrong_accept for s in scores)} "
            f"docs={len(scores)}")


def style_value(score: DocScore, axis: str) -> str:
    """The value of one layout axis of the document (`lang`, `date_form`, `ruled`, `skew`, ...)."""
    style = score.style
    value = style.get(axis, style.get("extras", {}).get(axis, "-"))
    return ",".join(value) if isinstance(value, list) else str(value)


def print_report(scores: list[DocScore], *, show: int = 0, by: tuple[str, ...] = ()) -> None:
    """Per kind: fields (header, lines), touchless, false/wrong accepts, failed; then the closing line."""
    kinds = defaultdict(list)
    for s in scores:
        kinds[s.kind].append(s)
    print(f"{'kind':<6} {'docs':>5} {'fields':>7} {'header':>7} {'lines':>7} {'touchless':>9} "
          f"{'false_acc':>9} {'wrong_acc':>9} {'review':>6} {'failed':>6} {'none':>5} {'crash':>5}")
    for kind in [k for k in KINDS if k in kinds]:
        group = kinds[kind]
        hr, ht = sum(s.header_right for s in group), sum(s.header_total for s in group)
        lr, lt = sum(s.right for s in group) - hr, sum(s.total for s in group) - ht
        clean = [s for s in group if s.truth_status == "accepted"]
        print(f"{kind:<6} {len(group):>5} {_pct(hr + lr, ht + lt):>7} {_pct(hr, ht):>7} {_pct(lr, lt):>7} "
              f"{_pct(sum(s.status == 'accepted' for s in clean), len(clean)):>9} "
              f"{sum(s.false_accept for s in group):>9} {sum(s.wrong_accept for s in group):>9} "
              f"{sum(s.status == 'review' for s in group):>6} {sum(s.status == 'failed' for s in group):>6} "
              f"{sum(s.status == 'none' for s in group):>5} {sum(s.status == 'crash' for s in group):>5}")
    for axis in by:
        _breakdown(scores, axis)
    if show:
        _show(scores, show)
    print(summary_line(scores))


def _breakdown(scores: list[DocScore], axis: str) -> None:
    """Field accuracy and accepted share per kind and value of one layout axis."""
    groups = defaultdict(list)
    for s in scores:
        groups[s.kind, style_value(s, axis)].append(s)
    print(f"by {axis}:")
    for (kind, value), group in sorted(groups.items()):
        fields = _pct(sum(s.right for s in group), sum(s.total for s in group))
        print(f"  {kind:<6} {value[:40]:<40} {len(group):>4} docs  fields {fields:>6}"
              f"  accepted {sum(s.status == 'accepted' for s in group):>3}  wrong_acc {sum(s.wrong_accept for s in group)}")


def _show(scores: list[DocScore], limit: int) -> None:
    """The documents with wrong fields (wrong and false accepts first), a few reasons each."""
    bad = sorted((s for s in scores if s.wrong or s.false_accept),
                 key=lambda s: (not s.wrong_accept, not s.false_accept, s.right / max(s.total, 1)))
    for s in bad[:limit]:
        flag = "WRONG ACCEPT " if s.wrong_accept else "FALSE ACCEPT " if s.false_accept else ""
        print(f"  {flag}{s.file} [{s.status}, truth {s.truth_status}] {s.right}/{s.total}: {'; '.join(s.wrong[:4])}")
