"""Working days are Monday to Friday."""
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
