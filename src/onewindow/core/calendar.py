"""Working days (工作日) per 行政许可法 §82: statutory holidays excluded, 调休 weekends included.

The table is filled lazily, one year at a time, from ``chinese_calendar`` (the State Council
schedule); admins may edit single days for local adjustments. A year that no source knows yet
(the schedule for next year is published in Nov/Dec) counts Monday to Friday and every result
that touches it is *provisional* (ARCHITECTURE §5). Counting is a bisect over a per-process cache
of working days, refreshed when the table changes.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.db import IntegrityError, transaction

from onewindow.core.models import CalendarDay, CalendarSource, CalendarYear

logger = logging.getLogger(__name__)

# Other processes see an admin's edit within this many seconds; this process sees it at once.
CACHE_SECONDS = 30.0
# How far ahead of a start date the counter may look before it gives up (a bad input guard).
MAX_YEARS_AHEAD = 30


@dataclass(frozen=True)
class YearDays:
    working: tuple[int, ...]  # ordinals of working days, ascending
    is_provisional: bool


@dataclass(frozen=True)
class DueDate:
    on: date
    is_provisional: bool


_lock = threading.Lock()
_cache: dict[int, YearDays] = {}
_cache_loaded_at = 0.0


def invalidate() -> None:
    """Forget cached years (called when calendar rows change)."""
    global _cache_loaded_at
    with _lock:
        _cache.clear()
        _cache_loaded_at = 0.0


def statutory_days(year: int) -> list[tuple[date, bool, str]] | None:
    """The State Council schedule for ``year`` as (day, is_working, holiday name), or None."""
    first = date(year, 1, 1)
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        return None
    days: list[tuple[date, bool, str]] = []
    day = first
    while day.year == year:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        days.append((day, not is_holiday, _HOLIDAY_NAMES.get(name or "", name or "")))
        day += timedelta(days=1)
    return days


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def load_year(year: int) -> CalendarYear:
    """Make sure ``year`` is in the table; load the statutory schedule when a source has it.

    Idempotent and safe under concurrency. Days an admin adjusted are never overwritten. A year
    that was provisional becomes statutory as soon as the installed schedule knows it.
    """
    existing = CalendarYear.objects.filter(year=year).first()
    if existing is not None and not existing.is_provisional:
        return existing
    schedule = statutory_days(year)
    if schedule is None:
        if existing is not None:
            return existing
        logger.warning(
            "工作日历：%s 年放假安排尚未公布，暂按周一至周五计算（结果标记为暂定）", year
        )
        try:
            with transaction.atomic():
                return CalendarYear.objects.create(year=year, source=CalendarSource.WEEKDAYS)
        except IntegrityError:
            return CalendarYear.objects.get(year=year)
    with transaction.atomic():
        adjusted = set(
            CalendarDay.objects.filter(day__year=year, is_local_adjustment=True).values_list(
                "day", flat=True
            )
        )
        CalendarDay.objects.filter(day__year=year, is_local_adjustment=False).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(day=d, is_working=w, name=n) for d, w, n in schedule if d not in adjusted],
            ignore_conflicts=True,
        )
        record, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": CalendarSource.STATUTORY}
        )
    invalidate()
    return record


def _year_days(year: int) -> YearDays:
    global _cache_loaded_at
    with _lock:
        if time.monotonic() - _cache_loaded_at > CACHE_SECONDS:
            _cache.clear()
            _cache_loaded_at = time.monotonic()
        cached = _cache.get(year)
    if cached is not None:
        return cached
    record = load_year(year)
    overrides = dict(CalendarDay.objects.filter(day__year=year).values_list("day", "is_working"))
    working: list[int] = []
    day = date(year, 1, 1)
    while day.year == year:
        is_working = overrides.get(day)
        if is_working is None:
            is_working = day.weekday() < 5
        if is_working:
            working.append(day.toordinal())
        day += timedelta(days=1)
    result = YearDays(tuple(working), record.is_provisional)
    with _lock:
        _cache[year] = result
    return result


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day (statutory schedule, 调休 and local adjustments)."""
    days = _year_days(d.year).working
    i = bisect.bisect_left(days, d.toordinal())
    return i < len(days) and days[i] == d.toordinal()


def due_date(start: date, days: int) -> DueDate:
    """The ``days``-th working day after ``start`` (``start`` never counts; 0 gives ``start``).

    ``is_provisional`` is true when any year counted is not yet published.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    provisional = _year_days(start.year).is_provisional
    if days == 0:
        return DueDate(start, provisional)
    remaining = days
    year = start.year
    after = start.toordinal()
    while year <= start.year + MAX_YEARS_AHEAD:
        info = _year_days(year)
        provisional = provisional or info.is_provisional
        i = bisect.bisect_right(info.working, after)
        available = len(info.working) - i
        if remaining <= available:
            return DueDate(date.fromordinal(info.working[i + remaining - 1]), provisional)
        remaining -= available
        year += 1
        after = date(year, 1, 1).toordinal() - 1
    raise ValueError("working-day count reaches too far into the future")


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start``; ``start`` never counts; 0 returns ``start``."""
    return due_date(start, days).on


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    for year in range(start.year, end.year + 1):
        info = _year_days(year)
        lo = bisect.bisect_right(info.working, start.toordinal())
        hi = bisect.bisect_right(info.working, end.toordinal())
        count += hi - lo
    return count


def is_provisional(year: int) -> bool:
    """Whether ``year`` is counted Monday-to-Friday until its schedule is published."""
    return _year_days(year).is_provisional
