"""The dashboard: orders today and this week by source and status, the touchless rate per day
over 30 days, anomalies by code, time from arrival to confirmation, and the queue.

Numbers come from store.metrics (the same as /metrics); the charts are SVG drawn on the
server from plain numbers (`bars`), so nothing is loaded from anywhere and no script runs.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from review.web import PageRoute, desk_of, render
from store import metrics
from store.db import utcnow

DAYS = 30


def routes() -> list[PageRoute]:
    return [PageRoute("/dashboard", dashboard_page)]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str             # the number as shown beside the bar


def bars(values: list[tuple[str, float, str]], *, width: int = 420, row: int = 22) -> dict:
    """A horizontal bar chart as SVG geometry: each bar's label, length and number."""
    top = max((v for _, v, _ in values), default=0) or 1
    items = [{"label": label, "text": text, "y": i * row, "w": round(value / top * (width - 230), 1)}
             for i, (label, value, text) in enumerate(values)]
    return {"items": items, "width": width, "height": max(row, len(items) * row)}


def columns(values: list[tuple[str, float]], *, width: int = 620, height: int = 120) -> dict:
    """A column chart of fractions (0..1) per day, as SVG geometry."""
    step = width / max(1, len(values))
    items = [{"label": label, "x": round(i * step, 1), "w": round(step * 0.8, 1),
              "h": round(value * (height - 16), 1), "y": round(height - 16 - value * (height - 16), 1),
              "text": f"{value:.0%}"} for i, (label, value) in enumerate(values)]
    return {"items": items, "width": width, "height": height}


def touchless_by_day(orders: list, zone: ZoneInfo, today: date) -> list[tuple[str, float]]:
    """Share of each day's orders accepted with no person, for the last DAYS days (oldest first)."""
    totals: Counter[date] = Counter()
    accepted: Counter[date] = Counter()
    for _source, status, stored in orders:
        day = stored.astimezone(zone).date()
        totals[day] += 1
        accepted[day] += status == "accepted"
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    return [(d.strftime("%m-%d"), accepted[d] / totals[d] if totals[d] else 0.0) for d in days]


def by_source_and_status(orders: list, since: datetime) -> list[tuple[str, float, str]]:
    counts = Counter(f"{source} · {status}" for source, status, stored in orders if stored >= since)
    return [(label, n, str(n)) for label, n in sorted(counts.items())]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def dashboard_page(request: Request) -> Response:
    desk = desk_of(request)
    now = utcnow()
    today = now.astimezone(desk.zone).date()
    week_start = _start_of(today - timedelta(days=today.weekday()), desk.zone)
    with desk.engine.connect() as conn:
        orders = metrics.orders_since(conn, _start_of(today - timedelta(days=DAYS - 1), desk.zone))
        anomalies = metrics.anomalies_by_code(conn)
        delays = metrics.confirmation_delays(conn, now - timedelta(days=DAYS))
        queue = metrics.queue_sizes(conn)
    oldest = min((t for _, t in queue.values() if t is not None), default=None)
    median = statistics.median(delays) if delays else None
    return render(request, "dashboard.html", {
        "today": bars(by_source_and_status(orders, _start_of(today, desk.zone))),
        "week": bars(by_source_and_status(orders, week_start)),
        "touchless": columns(touchless_by_day(orders, desk.zone, today)),
        "anomalies": bars([(str(code), n, str(n)) for code, n in sorted(anomalies, key=lambda r: -r[1])]),
        "queue": bars([(state, n, str(n)) for state, (n, _) in queue.items()]),
        "oldest": oldest, "median": median, "p90": percentile(delays, 0.9), "confirmed": len(delays)})
