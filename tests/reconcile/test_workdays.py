"""Working days: Monday to Friday, less the calendar's closed days, plus its make-up working days."""
from __future__ import annotations

from datetime import date

import pytest

from reconcile.workdays import add_workdays


@pytest.mark.parametrize("start,days,expected", [
    (date(2026, 11, 20), 0, date(2026, 11, 20)),    # Friday + 0
    (date(2026, 11, 20), 1, date(2026, 11, 23)),    # Friday + 1 = Monday
    (date(2026, 11, 20), 5, date(2026, 11, 27)),
    (date(2026, 11, 20), 10, date(2026, 12, 4)),    # ten working days are two weeks
    (date(2026, 11, 21), 1, date(2026, 11, 23)),    # from a Saturday
    (date(2026, 11, 18), 3, date(2026, 11, 23)),    # Wednesday + 3 crosses the weekend
])
def test_add_workdays(start, days, expected):
    assert add_workdays(start, days) == expected


# --- the PRC calendar (dates from the chinese-calendar package, which knows 2004-2026) --------

import chinese_calendar  # noqa: E402

from catalog_factory import order, snapshot  # noqa: E402
from pipeline.terms import build_calendar, build_terms  # noqa: E402
from reconcile import reconcile  # noqa: E402
from reconcile.anomalies import AnomalyCode  # noqa: E402
from reconcile.settings import MoneySettings, WorkdaySettings  # noqa: E402
from reconcile.terms import Terms  # noqa: E402

SNAP = snapshot()
CN = build_terms(WorkdaySettings(calendar="cn"), MoneySettings())
WEEKDAYS_ONLY = build_terms(WorkdaySettings(calendar="weekdays"), MoneySettings())
# The default order's item (PET bottles, 5.01.0006) has a 3-day lead time.


def _infeasible(result):
    return [a for a in result.anomalies if a.code is AnomalyCode.DELIVERY_DATE_INFEASIBLE]


def test_the_package_knows_the_2026_national_day_week_and_its_make_up_saturday():
    """The dates the tests below rely on, as chinese-calendar states them."""
    assert all(chinese_calendar.is_holiday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5


@pytest.mark.parametrize("due", [date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 7)])
def test_due_in_the_national_day_holiday_with_a_3_day_lead_is_infeasible(due):
    """Ordered Monday 2026-09-28 with 3 working days lead time: 29th, 30th, then the holiday week,
    so the earliest feasible date is Thursday 2026-10-08 and the sentence names it."""
    result = reconcile(order(delivery_date=due, order_date=date(2026, 9, 28)), SNAP,
                       today=date(2026, 9, 28), terms=CN)
    found = _infeasible(result)
    assert len(found) == 1 and "2026-10-08" in found[0].message and due.isoformat() in found[0].message
    assert dict(found[0].detail)["earliest"] == "2026-10-08"
    # Counted Monday to Friday only, the same dates passed (the holiday week counted as work).
    assert not _infeasible(reconcile(order(delivery_date=due, order_date=date(2026, 9, 28)), SNAP,
                                     today=date(2026, 9, 28), terms=WEEKDAYS_ONLY))


def test_due_on_the_make_up_working_saturday_is_feasible():
    """Ordered on 2026-10-07 (last holiday day), 3 days lead: 8th, 9th and make-up Saturday 10th,
    so delivery on 2026-10-10 is feasible; Monday to Friday only it would not be (earliest 10-12)."""
    due = date(2026, 10, 10)
    cn = reconcile(order(delivery_date=due, order_date=date(2026, 10, 7)), SNAP, today=date(2026, 10, 7), terms=CN)
    assert not _infeasible(cn) and cn.uncovered_years == ()
    weekdays = reconcile(order(delivery_date=due, order_date=date(2026, 10, 7)), SNAP,
                         today=date(2026, 10, 7), terms=WEEKDAYS_ONLY)
    assert [dict(a.detail)["earliest"] for a in _infeasible(weekdays)] == ["2026-10-12"]


def test_a_year_the_package_does_not_know_is_counted_on_weekdays_and_the_configured_days():
    """Ordered 2026-12-30, due early January 2027 (not in chinese-calendar 1.11): 2027-01-01 listed as
    a holiday and 2027-01-04 as a company closed day in the settings, so 3 working days end on
    Wednesday 2027-01-06; the order reports 2027 as a year the calendar does not cover."""
    assert 2027 not in {d.year for d in chinese_calendar.holidays}
    terms = build_terms(WorkdaySettings(calendar="cn", holidays=("2027-01-01",), closed_days=("2027-01-04",)),
                        MoneySettings())
    late = reconcile(order(delivery_date=date(2027, 1, 5), order_date=date(2026, 12, 30)), SNAP,
                     today=date(2026, 12, 30), terms=terms)
    assert [dict(a.detail)["earliest"] for a in _infeasible(late)] == ["2027-01-06"]
    assert late.uncovered_years == (2027,)
    in_time = reconcile(order(delivery_date=date(2027, 1, 6), order_date=date(2026, 12, 30)), SNAP,
                        today=date(2026, 12, 30), terms=terms)
    assert not _infeasible(in_time) and in_time.uncovered_years == (2027,)
    within_2026 = reconcile(order(delivery_date=date(2026, 12, 31), order_date=date(2026, 11, 20)), SNAP,
                            today=date(2026, 11, 20), terms=terms)
    assert within_2026.uncovered_years == ()


def test_company_closed_days_count_on_either_calendar():
    """A company closure on a working day moves the earliest date on the weekdays calendar too."""
    closed = build_calendar(WorkdaySettings(calendar="weekdays", closed_days=("2026-11-23",)))
    assert add_workdays(date(2026, 11, 20), 1, closed) == date(2026, 11, 24)
    assert closed.uncovered_years(date(2026, 1, 1), date(2030, 1, 1)) == ()


@pytest.mark.parametrize("settings,message", [
    (WorkdaySettings(calendar="lunar"), "workdays.calendar"),
    (WorkdaySettings(closed_days=("2027-13-01",)), "workdays.closed_days"),
])
def test_bad_calendar_settings_say_which_key(settings, message):
    with pytest.raises(ValueError, match=message):
        build_calendar(settings)


def test_default_terms_count_weekdays():
    """Reconciliation without terms (bench, pure tests) counts Monday to Friday."""
    assert Terms().calendar.is_workday(date(2026, 10, 5)) and Terms().calendar.covered is None
