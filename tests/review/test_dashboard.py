"""The dashboard: numbers from the database drawn as server-side SVG charts."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from review.dashboard import bars, columns, percentile, touchless_by_day
from tests.review.conftest import add_user, fill_queue, sign_in

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(timezone.utc)


def test_touchless_rate_per_local_day():
    """Orders are counted on the local day they were stored (16:30 UTC is the next day in
    Shanghai); days without orders are 0."""
    yesterday = TODAY - timedelta(days=1)
    orders = [("mail", "accepted", _at(TODAY, 9)), ("edi", "review", _at(TODAY, 10)),
              ("fax", "accepted", _at(yesterday, 23)), ("fax", "accepted", _at(yesterday, 1))]
    rates = dict(touchless_by_day(orders, ZONE, TODAY))
    assert len(rates) == 30
    assert rates["11-20"] == 0.5 and rates["11-19"] == 1.0 and rates["11-18"] == 0.0


def test_chart_geometry_scales_to_the_largest_value():
    chart = bars([("a", 10, "10"), ("b", 5, "5")], width=430)
    assert [b["w"] for b in chart["items"]] == [200.0, 100.0] and chart["height"] == 44
    assert columns([("d", 1.0), ("e", 0.25)], height=116)["items"][1]["h"] == 25.0
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 10 and percentile([], 0.5) is None


def test_the_dashboard_page_draws_the_stored_orders_and_the_queue(engine, desk_settings, desk_client):
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get("/dashboard").text
    anomalies = re.search(r'<svg class="chart" id="chart-anomalies".*?</svg>', page, re.S).group(0)
    assert "UNKNOWN_ITEM" in anomalies and "<rect" in anomalies
    queue = re.search(r'<svg class="chart" id="chart-queue".*?</svg>', page, re.S).group(0)
    assert re.search(r">读取失败</text>", queue)
    assert "<script" not in page.replace('<script src="/static/desk.js"></script>', "")
