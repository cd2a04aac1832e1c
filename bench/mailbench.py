"""E-mail throughput: generated plain-text order mails read through the parser registry."""
from __future__ import annotations

import random
import time
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

from parsers.context import ParseContext
from parsers.registry import parse_document

_ITEMS = ["瓦楞纸箱 400×300×250mm 5层BC楞", "PET瓶 500ml 透明 28mm", "BOPP封箱胶带 48mm×100m 透明",
          "不干胶标签 50×30mm 铜版纸", "CARTON 400x300x250 KRAFT", "HDPE bottle 1L natural", "PP cap 38mm blue"]
_UNITS = ["个", "卷", "箱", "pcs", "rolls"]


def order_mail(n: int, lines: int, rng: random.Random) -> bytes:
    """One UTF-8 plain-text order mail (quoted-printable, like most Chinese webmail) with `lines` lines."""
    msg = EmailMessage()
    msg["From"] = f"采购部 <buyer{n % 50}@customer{n % 7}.example.cn>"
    msg["To"] = "orders@hesheng-pack.example.com"
    msg["Subject"] = f"采购订单 PO-{n:06d}"
    msg["Date"] = format_datetime(datetime(2026, 11, 18, 9, 30, tzinfo=timezone(timedelta(hours=8))))
    body = ["您好，订单如下：", f"订单号：PO-{n:06d}", "订单日期：2026-11-18", "交货日期：2026-12-10", ""]
    for ln in range(1, lines + 1):
        qty = rng.randint(1, 60) * 100
        body.append(f"{ln}. {rng.choice(_ITEMS)} {qty}{rng.choice(_UNITS)} 单价{rng.randint(5, 900) / 100:.2f}元")
    body += ["", "谢谢！", "张三 | 采购部", "电话：0512-66668888"]
    msg.set_content("\n".join(body), charset="utf-8", cte="quoted-printable")
    return msg.as_bytes()


def emails_per_second(n_mails: int, lines: int = 20) -> tuple[float, float]:
    """Parse `n_mails` generated order mails on one core; returns (mails/s, seconds)."""
    rng = random.Random(5)
    mails = [order_mail(n, lines, rng) for n in range(n_mails)]
    start = time.perf_counter()
    for n, data in enumerate(mails):
        result = parse_document(data, ParseContext(path=f"bench-{n}.eml"))
        assert len(result.orders) == 1 and len(result.orders[0].lines) == lines, "the benchmark lost lines"
    elapsed = time.perf_counter() - start
    return n_mails / elapsed, elapsed
