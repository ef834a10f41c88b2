"""Working days (行政许可法 §82) from the statutory schedule, 调休 and local adjustments."""

from __future__ import annotations

from datetime import date

import pytest

from onewindow.core import calendar
from onewindow.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    calendar.invalidate()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 14), True),  # Saturday worked before the Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 10), True),  # Saturday worked after National Day
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2025, 1, 26), True),  # Sunday worked before the 2025 Spring Festival
        (date(2025, 1, 28), False),
        (date(2025, 2, 8), True),
        (date(2025, 10, 8), False),  # 2025 National Day and Mid-autumn ran to 10-08
        (date(2025, 10, 11), True),
    ],
)
def test_is_working_day_follows_the_statutory_schedule(day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 2, 13), 0, date(2026, 2, 13)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the worked Saturday counts
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # the festival does not
        (date(2026, 2, 15), 1, date(2026, 2, 24)),  # start on a holiday: next working day
        (date(2025, 1, 24), 2, date(2025, 1, 27)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2026, 11, 20), 20, date(2026, 12, 18)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert calendar.add_working_days(start, days) == expected


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2026, 1, 5), -1)


def test_unpublished_year_counts_weekdays_and_is_provisional() -> None:
    result = calendar.due_date(date(2026, 12, 30), 3)
    assert result.on == date(2027, 1, 4)  # 12-31, (2027) 01-01 Fri, 01-04 Mon
    assert result.is_provisional
    assert CalendarYear.objects.get(year=2027).is_provisional
    assert not calendar.due_date(date(2026, 12, 1), 3).is_provisional


def test_local_adjustment_wins_and_survives_reload() -> None:
    assert calendar.is_working_day(date(2026, 11, 25))
    CalendarDay.objects.filter(day=date(2026, 11, 25)).update(
        is_working=False, name="本地停电停工", is_local_adjustment=True
    )
    calendar.invalidate()
    assert not calendar.is_working_day(date(2026, 11, 25))
    assert calendar.add_working_days(date(2026, 11, 24), 1) == date(2026, 11, 26)
    calendar.load_year(2026)
    calendar.invalidate()
    assert not calendar.is_working_day(date(2026, 11, 25))


def test_admin_override_in_provisional_year() -> None:
    calendar.load_year(2027)
    CalendarDay.objects.create(
        day=date(2027, 1, 1), is_working=False, name="元旦", is_local_adjustment=True
    )
    calendar.invalidate()
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_working_days_between() -> None:
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert calendar.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
