"""The served desk checks the newest open cases ahead, so a case page's first opening finds its
re-check done; a case is checked again only when the catalog, the lessons or the day change."""
from __future__ import annotations

from datetime import date

import pipeline.approval
from review.warming import CheckWarmer
from tests.review.conftest import add_user, fill_queue, sign_in


def _counting_rechecks(monkeypatch) -> list[int]:
    """Count the re-checks actually run (memo misses), by the order they were run for."""
    calls: list[int] = []
    real = pipeline.approval.recheck

    def counted(correction, *args, **kwargs):
        calls.append(correction.order_id)
        return real(correction, *args, **kwargs)

    monkeypatch.setattr(pipeline.approval, "recheck", counted)
    return calls


def _open_orders(engine) -> list[tuple[int, int]]:
    from store.db import session_scope
    from store.decisions import newest_open_orders

    with session_scope(engine) as session:
        return newest_open_orders(session, 100)


def test_open_cases_checked_ahead_open_without_a_recheck(engine, desk_settings, desk_app, desk_client, monkeypatch):
    """Given the golden queue: one round checks every open order once, a second round checks
    none; opening a case page then runs no re-check, and shows what it would have shown."""
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    desk = desk_app.state.desk
    opened = _open_orders(engine)
    assert opened, "the golden queue has orders in review"
    document_id = opened[0][0]
    cold = desk_client.get(f"/documents/{document_id}").text
    desk.reprocess.checks._kept.clear()   # a desk that has just started: nothing checked yet
    calls = _counting_rechecks(monkeypatch)
    warmer = CheckWarmer(desk)
    assert warmer.run_once() == len(opened)
    assert sorted(calls) == sorted(order for _, order in opened)
    assert warmer.run_once() == 0
    calls.clear()
    warm = desk_client.get(f"/documents/{document_id}").text
    assert calls == [], "the first opening found the check done"
    assert warm == cold


def test_a_new_business_day_checks_the_open_cases_again(engine, desk_settings, desk_app, monkeypatch):
    """Delivery checks count working days from today: on a new day the warmer checks again."""
    fill_queue(engine, desk_settings)
    desk = desk_app.state.desk
    day = [date(2026, 11, 20)]
    desk.reprocess.using = _dated(desk.reprocess, lambda: day[0])
    warmer = CheckWarmer(desk)
    first = warmer.run_once()
    assert first == len(_open_orders(engine)) and warmer.run_once() == 0
    day[0] = date(2026, 11, 23)
    assert warmer.run_once() == first


def _dated(reprocess, today=lambda: date(2026, 11, 20)):
    """`Reprocessor.using` with the service's business date fixed (the golden orders' dates are of 2026)."""
    using = reprocess.using

    def with_date(work):
        def dated(service):
            service.today = today
            return work(service)
        return using(dated)
    return with_date
