"""The queue page: what `orderdesk queue` lists, newest first, filtered, counted."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from review.queue import QueueFilter, queue_view
from store.queue import STATES, QueueItem
from tests.review.conftest import add_user, fill_queue, sign_in

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def _item(n: int, state: str, *, hours: float, source: str = "mail", customer: str | None = None,
          codes: tuple[str, ...] = ()) -> QueueItem:
    return QueueItem(state, n, n, None, f"doc-{n}", customer, "why", NOW - timedelta(hours=hours),
                     source=source, codes=codes)


ITEMS = [
    _item(1, "failed", hours=30, source="fax"),
    _item(2, "review", hours=2, customer="Acme Trading", codes=("UNKNOWN_ITEM", "PRICE_MISMATCH")),
    _item(3, "review", hours=0.5, source="edi", customer="Beta Ltd", codes=("DUPLICATE_PO",)),
    _item(4, "repeat", hours=200, source="edi"),
    _item(5, "not_an_order", hours=5, customer="Acme Trading"),
]


@pytest.mark.parametrize("query, shown", [
    ({}, [3, 2, 5, 1, 4]),                                 # newest first
    ({"state": "review"}, [3, 2]),
    ({"source": "edi"}, [3, 4]),
    ({"customer": "acme"}, [2, 5]),                        # part of the name, any case
    ({"code": "price_mismatch"}, [2]),
    ({"age": "1d"}, [1, 4]),                               # waiting longer than a day
    ({"age": "1h", "state": "review"}, [2]),
    ({"state": "nonsense", "age": "forever"}, [3, 2, 5, 1, 4]),   # unknown values are ignored
])
def test_queue_filters(query, shown):
    view = queue_view(ITEMS, QueueFilter.from_query(query), NOW)
    assert [i.document_id for i in view.rows] == shown


def test_counts_follow_every_filter_but_the_state():
    view = queue_view(ITEMS, QueueFilter.from_query({"state": "failed", "customer": "acme"}), NOW)
    assert view.counts == {"failed": 0, "review": 1, "not_an_order": 1, "repeat": 0, "dead": 0}
    assert view.total == 2 and view.rows == []
    assert view.codes == ["DUPLICATE_PO", "PRICE_MISMATCH", "UNKNOWN_ITEM"] and view.sources == ["edi", "fax", "mail"]


def test_the_queue_page_lists_what_the_document_service_left_for_a_person(engine, desk_settings, desk_client):
    """Given golden documents taken through the document service (an order with anomalies, a
    truncated interchange, an invoice, a re-sent order), the page lists each in its state with
    its reason, and the state filter keeps only that state."""
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get("/").text
    rows = re.findall(r'<span class="state state-(\w+)">', page)
    assert {"review", "failed", "not_an_order", "repeat"} <= set(rows)
    counts = dict(re.findall(r'data-state="(\w+)">[^<]*<b>(\d+)</b>', page))
    assert {s: int(n) for s, n in counts.items()} == {s: rows.count(s) for s in STATES}
    assert "DUPLICATE_PO" in page or "UNKNOWN_ITEM" in page or "PRICE_MISMATCH" in page
    failed = desk_client.get("/", params={"state": "failed"}).text
    assert set(re.findall(r"<span class=\"state state-(\w+)\">", failed)) == {"failed"}, failed
    assert "x12-truncated.edi" in failed


def test_a_long_queue_shows_the_newest_page_and_says_how_many_match(monkeypatch):
    monkeypatch.setattr("review.queue.MAX_ROWS", 2)
    view = queue_view(ITEMS, QueueFilter(), NOW)
    assert [i.document_id for i in view.rows] == [3, 2] and view.matching == 5 and view.total == 5
