"""Reads: rectifications, and the review indicators of API.md and their trend (live, summed from
the daily tallies kept by ``evaluation.tallies``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from django.db.models import QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.evaluation import tallies
from onewindow.evaluation.enums import OPEN_STATUSES
from onewindow.evaluation.models import Rectification, Review, ReviewTally
from onewindow.workflow.models import Case


def reviews_by_stage(case: Case) -> dict[str, Review]:
    """The reviews given of ``case``, by stage (at most one each)."""
    return {r.stage: r for r in Review.objects.filter(case=case)}


def get_rectification(rectification_id: int) -> Rectification | None:
    return (
        Rectification.objects.select_related("review__case", "department")
        .filter(pk=rectification_id)
        .first()
    )


def list_rectifications(user: User) -> QuerySet[Rectification]:
    """Centre admins see all; department admins their department's; others none."""
    rows = Rectification.objects.select_related("review__case", "department").order_by(
        "-created_at", "-pk"
    )
    if user.has_role("centre_admin"):
        return rows
    if user.has_role("dept_admin") and user.department_id is not None:
        return rows.filter(department_id=user.department_id)
    return rows.none()


def list_open_rectifications(user: User) -> QuerySet[Rectification]:
    """The caller's open rectifications (as list_rectifications), nearest step deadline first."""
    return (
        list_rectifications(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by("step_due_on", "created_at", "pk")
    )


@dataclass(frozen=True)
class KpiFilters:
    """Scope of the indicators: codes, a staff username, inclusive local dates."""

    department: str | None = None
    window: str | None = None
    staff: str | None = None
    item: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class ReviewKpis:
    count: int
    good_rate: float | None
    bad_rate: float | None
    unrated_rate: float | None
    reply_rate: float | None
    rectified_rate: float | None
    revisit_satisfaction_rate: float | None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _tallies(f: KpiFilters) -> QuerySet[ReviewTally]:
    """The daily tally rows in scope (see ``evaluation.tallies``)."""
    rows = ReviewTally.objects.all()
    if f.department:
        rows = rows.filter(department__code=f.department)
    if f.window:
        rows = rows.filter(window_code=f.window)
    if f.staff:
        # No such user: the subquery is NULL and matches no row.
        rows = rows.filter(staff_key=Subquery(User.objects.filter(username=f.staff).values("pk")))
    if f.item:
        rows = rows.filter(item__code=f.item)
    if f.start:
        rows = rows.filter(day__gte=f.start)
    if f.end:
        rows = rows.filter(day__lte=f.end)
    return rows


def _sums() -> dict[str, Coalesce]:
    return {name: Coalesce(Sum(name), 0) for name in tallies.COUNTERS}


def _kpis(totals: Mapping[str, int]) -> ReviewKpis:
    count, bad, events = totals["reviews"], totals["bad"], totals["events"]
    return ReviewKpis(
        count=count,
        good_rate=_ratio(count - bad, count),
        bad_rate=_ratio(bad, count),
        unrated_rate=_ratio(events - totals["rated"], events),
        reply_rate=_ratio(totals["replied"], bad),
        rectified_rate=_ratio(totals["rectified"], bad),
        revisit_satisfaction_rate=_ratio(totals["satisfied"], totals["revisits"]),
    )


def get_review_kpis(f: KpiFilters) -> ReviewKpis:
    """API.md formulas: good/bad over counted reviews (upheld appeals excluded); unrated over
    rateable events (one per accepted, one per completed case); reply and rectified over bad
    reviews; satisfaction over revisits.

    Summed from the daily tallies, which every acceptance, completion, rating and rectification
    step updates in its own transaction: the figures are live, and one query over at most a
    few hundred thousand rows answers any scope (``evaluation.tallies``)."""
    return _kpis(_tallies(f).aggregate(**_sums()))


TREND_BUCKETS: Final = ("week", "month")
MAX_TREND_POINTS: Final = 120


@dataclass(frozen=True)
class TrendPoint:
    """One week (from its Monday) or calendar month; rates as in ReviewKpis."""

    start: date
    count: int
    good_rate: float | None
    bad_rate: float | None
    unrated_rate: float | None


def default_trend_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first of the month eleven months back to ``today``."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), today


def _bucket_starts(start: date, end: date, bucket: str) -> list[date]:
    if bucket == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    months = range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
    return [date(m // 12, m % 12 + 1, 1) for m in months]


def get_review_trend(f: KpiFilters, bucket: str = "month") -> list[TrendPoint]:
    """Review count and good, bad and unrated rates per week (Monday first) or calendar month
    over ``f.start``–``f.end`` (unset: up to today, over the 12 months up to the end), from
    the same daily tallies as get_review_kpis. Weeks or months
    cut by the period count only its days; empty ones give 0 and nulls. Raises BadInput for
    an unknown bucket, an inverted period or more than MAX_TREND_POINTS points."""
    if bucket not in TREND_BUCKETS:
        raise BadInput(
            "趋势按周（week）或按月（month）统计", fields={"bucket": "应为 week 或 month"}
        )
    end = f.end or clock.today()
    start = f.start or default_trend_period(end)[0]
    if start > end:
        raise BadInput("开始日期不能晚于结束日期", fields={"from": "应不晚于结束日期"})
    starts = _bucket_starts(start, end, bucket)
    if len(starts) > MAX_TREND_POINTS:
        raise BadInput(
            f"趋势最多 {MAX_TREND_POINTS} 个区间，请缩短期间或按月查看",
            fields={"from": "期间过长"},
        )
    period = TruncWeek("day") if bucket == "week" else TruncMonth("day")
    rows = (
        _tallies(replace(f, start=start, end=end))
        .annotate(period=period)
        .values("period")
        .annotate(**_sums())
        .order_by("period")
    )
    found = {row["period"]: row for row in rows}
    empty = dict.fromkeys(tallies.COUNTERS, 0)
    points = []
    for first in starts:
        kpis = _kpis(found.get(first, empty))
        points.append(
            TrendPoint(first, kpis.count, kpis.good_rate, kpis.bad_rate, kpis.unrated_rate)
        )
    return points


def get_current_case_for_clerk(clerk: User) -> Case | None:
    """The case the clerk accepted most recently (shown on the hall tablet)."""
    return Case.objects.filter(clerk=clerk).order_by("-accepted_at", "-created_at").first()
