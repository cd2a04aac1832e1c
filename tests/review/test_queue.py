"""The queue page: what `orderdesk queue` lists, newest first, filtered, counted."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from review.queue import QueueFilter, queue_view
from store.blobs import put_blob, sha256_hex
from store.db import session_scope
from store.folding import folded
from store.models import AnomalyRow, Document, Order
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


@pytest.fixture
def stored(engine):
    store_items(engine)
    return engine


def store_items(engine) -> None:
    """ITEMS as the document service would have left them in the database."""
    with session_scope(engine) as session:
        put_blob(session, b"x")
        for i in ITEMS:
            status = "processed" if i.state == "review" else i.state
            session.execute(sa.insert(Document.__table__).values(
                id=i.document_id, sha256=sha256_hex(b"x"), size=1, filename=i.name, source=i.source,
                received_at=i.since, status=status, attempts=1, reason=i.reason,
                customer_code=None if i.state == "review" else i.customer,
                customer_search=None if i.state == "review" else folded(i.customer)))
            if i.state == "review":
                session.execute(sa.insert(Order.__table__).values(
                    id=i.order_id, document_id=i.document_id, source_path=i.name, status="review",
                    customer_name=i.customer, customer_search=folded(i.customer), payload_json="{}",
                    created_at=i.since))
            for code in i.codes:
                session.execute(sa.insert(AnomalyRow.__table__).values(
                    order_id=i.order_id, code=code, message=f"{code} sentence."))
        session.commit()


# Names SQLite's lower() cannot fold: accents, ß, full-width letters, Chinese (no case at all).
NAMED = [
    _item(11, "review", hours=1, customer="MÜLLER Großhandel GmbH"),
    _item(12, "review", hours=2, customer="École Fournitures SARL"),
    _item(13, "not_an_order", hours=3, customer="杭州示例食品有限公司"),
    _item(14, "review", hours=4, customer="ＡＢＣ Trading"),
]
NAME_QUERIES = [("müller", [11]), ("GROSSHANDEL", [11]), ("großhandel", [11]), ("ÉCOLE", [12]),
                ("ecole", []), ("示例食品", [13]), ("abc", [14]), ("ａｂｃ", [14]), ("trading", [14])]


def store_named(engine) -> None:
    """NAMED as the document service would have left them (orders, and a non-order's document)."""
    global ITEMS
    kept, ITEMS = ITEMS, NAMED
    try:
        store_items(engine)
    finally:
        ITEMS = kept


def test_the_customer_filter_folds_any_script(engine):
    """Given customers named with accents, ß, full-width letters and Chinese, filtering by part of
    a name in any case or width finds each (an accent is a letter of its own: 'ecole' is not 'École')."""
    store_named(engine)
    for typed, shown in NAME_QUERIES:
        assert [i.document_id for i in _view(engine, {"customer": typed}).rows] == shown, typed


def test_the_stored_search_text_is_written_with_each_order(engine, desk_settings):
    """Orders saved by the document service carry their customer's name and code folded, so the
    filter finds an order by its code as well as its name."""
    fill_queue(engine, desk_settings)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT DISTINCT customer_search FROM orders WHERE customer_code = 'C003'")).scalars().all()
    assert found == ["beispiel handel gmbh c003"]
    assert [i.customer for i in _view(engine, {"customer": "c003"}).rows] != []


def _view(engine, query, now=NOW):
    with session_scope(engine) as session:
        return queue_view(session, QueueFilter.from_query(query), now)


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
def test_queue_filters(stored, query, shown):
    view = _view(stored, query)
    assert [i.document_id for i in view.rows] == shown


def test_counts_follow_every_filter_but_the_state(stored):
    view = _view(stored, {"state": "failed", "customer": "acme"})
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


def test_a_long_queue_is_shown_a_page_at_a_time_newest_first(stored, monkeypatch):
    """Pages are cut in the database: page 2 of 2-row pages holds the 3rd and 4th newest; the
    counts stay the whole queue's; a page past the end is empty."""
    monkeypatch.setattr("review.queue.PAGE_ROWS", 2)
    first, second, past = (_view(stored, {"page": p}) for p in ("1", "2", "9"))
    assert [i.document_id for i in first.rows] == [3, 2] and first.matching == 5 and first.pages == 3
    assert [i.document_id for i in second.rows] == [5, 1] and second.total == 5
    assert past.rows == [] and past.counts == first.counts


def test_the_pager_keeps_the_filters(stored, desk_client, monkeypatch):
    monkeypatch.setattr("review.queue.PAGE_ROWS", 1)
    add_user(stored, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get("/", params={"source": "edi"}).text
    older = re.search(r'<a href="\?([^"]+)" id="page-older">', page).group(1)
    assert "source=edi" in older and "page=2" in older
    second = desk_client.get("/?" + older.replace("&amp;", "&")).text
    assert 'id="page-newer"' in second and 'id="page-older"' not in second


def test_an_order_in_review_carries_its_codes_and_sentences(stored):
    row = next(i for i in _view(stored, {"code": "UNKNOWN_ITEM"}).rows)
    assert row.codes == ("UNKNOWN_ITEM", "PRICE_MISMATCH") and row.customer == "Acme Trading"
    assert row.reason == "UNKNOWN_ITEM sentence. PRICE_MISMATCH sentence."
    assert row.since == NOW - timedelta(hours=2)


def test_rows_held_in_shadow_mode_have_a_filter_of_their_own_outside_the_counts(engine, desk_settings, desk_client,
                                                                                 smtp_sink, tmp_path):
    """Given the golden documents taken through the document service in shadow mode and the
    outbox sender run (staff got a copy of each row that would have left, the rows are held):
    the queue's rows, counts and total are those of live mode; the held rows have a link of their
    own with their count, and that filter lists each of them, with the sentence why."""
    import dataclasses

    from outbox.sender import OutboxSender
    from store.queue import queue_summary

    shadow = dataclasses.replace(desk_settings, mode="shadow")
    fill_queue(engine, shadow)
    smtp = dataclasses.replace(shadow.smtp, host=smtp_sink.host, port=smtp_sink.port, security="none",
                               timeout_seconds=5, sender="orders@ourco.example")
    sender = OutboxSender(engine, dataclasses.replace(shadow, smtp=smtp, paths=dataclasses.replace(
        shadow.paths, export=tmp_path / "export", maildir=tmp_path / "maildir", edi_outbound=tmp_path / "out")))
    while sender.run_once():
        pass
    with engine.connect() as conn:
        held = conn.execute(sa.text("SELECT id FROM outbox WHERE status = 'held' ORDER BY id")).scalars().all()
    assert len(held) >= 2, "the accepted orders' confirmations, acks and exports are held"
    with session_scope(engine) as session:
        summary = queue_summary(session)
    assert set(summary) == set(STATES)

    whole = _view(engine, {})
    assert whole.held == len(held) and "held" not in whole.counts
    assert whole.total == sum(n for n, _ in summary.values()) == len(whole.rows)
    assert all(i.state != "held" for i in whole.rows)
    listed = _view(engine, {"state": "held"})
    assert sorted(i.outbox_id for i in listed.rows) == held and listed.matching == len(held)
    assert listed.counts == whole.counts and listed.total == whole.total
    assert {i.reason for i in listed.rows} == {"Held in shadow mode: staff got a copy; it was never sent and never "
                                               "will be."}
    assert _view(engine, {"state": "held", "customer": "no such customer"}).rows == []

    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get("/").text
    assert f'data-state="held" title=' in page and f"<b>{len(held)}</b></a>" in page
    assert 'class="state state-held"' not in page
    page = desk_client.get("/", params={"state": "held"}).text
    assert page.count('<span class="state state-held">') == len(held)
    assert "影子模式下暂扣：员工已收到副本；从未发送，也永不发送。" in page


def test_a_queue_with_nothing_held_shows_no_held_filter(stored, desk_client):
    add_user(stored, "mei")
    sign_in(desk_client, "mei")
    assert 'data-state="held"' not in desk_client.get("/").text
    assert _view(stored, {}).held == 0


@pytest.mark.parametrize("zone, shown", [("Asia/Shanghai", "2026-11-20 15:30"), ("Europe/Berlin", "2026-11-20 08:30"),
                                         ("UTC", "2026-11-20 07:30")])
def test_arrival_times_are_shown_in_the_configured_time_zone(stored, desk_settings, zone, shown):
    """Given an order stored as arriving at 07:30 UTC: the queue shows it at that moment's local
    time in the configured zone, and not in UTC (unless UTC is the zone)."""
    import dataclasses

    from review.app import factory
    from tests.review.conftest import new_client

    with new_client(factory(dataclasses.replace(desk_settings, timezone=zone), stored)) as client:
        add_user(stored, "mei")
        sign_in(client, "mei")
        page = client.get("/").text
    row = re.search(r'<tr class="[^"]*" data-document="3" .*?</tr>', page, re.S).group(0)
    assert f'<td class="nowrap">{shown}</td>' in row
