"""Reads: rectifications and the review indicators of API.md (live, straight from the rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.evaluation.enums import BAD_LEVELS, Stage
from onewindow.evaluation.models import Rectification, Review
from onewindow.workflow.models import Case


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


def _day_start(day: date) -> datetime:
    """Local midnight of ``day`` (half-open ranges keep the timestamp indexes usable)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _reviews(f: KpiFilters) -> QuerySet[Review]:
    rows = Review.objects.all()
    if f.department:
        rows = rows.filter(department__code=f.department)
    if f.window:
        rows = rows.filter(window_code=f.window)
    if f.staff:
        rows = rows.filter(staff__username=f.staff)
    if f.item:
        rows = rows.filter(item__code=f.item)
    if f.start:
        rows = rows.filter(reviewed_at__gte=_day_start(f.start))
    if f.end:
        rows = rows.filter(reviewed_at__lt=_day_start(f.end + timedelta(days=1)))
    return rows


def _events(f: KpiFilters, stage: str) -> QuerySet[Case]:
    at = "accepted_at" if stage == Stage.ACCEPT else "completed_at"
    rows = Case.objects.filter(**{f"{at}__isnull": False})
    if f.department:
        rows = rows.filter(item_version__department__code=f.department)
    if f.window:
        rows = rows.filter(window_code=f.window)
    if f.staff:
        rows = rows.filter(clerk__username=f.staff)
    if f.item:
        rows = rows.filter(item__code=f.item)
    if f.start:
        rows = rows.filter(**{f"{at}__gte": _day_start(f.start)})
    if f.end:
        rows = rows.filter(**{f"{at}__lt": _day_start(f.end + timedelta(days=1))})
    return rows


def get_review_kpis(f: KpiFilters) -> ReviewKpis:
    """API.md formulas: good/bad over counted reviews (upheld appeals excluded); unrated over
    rateable events (one per accepted, one per completed case); reply and rectified over bad
    reviews; satisfaction over revisits."""
    counted = _reviews(f).filter(is_excluded=False)
    bad = Q(level__in=list(BAD_LEVELS))
    totals = counted.aggregate(
        count=Count("pk"),
        bad=Count("pk", filter=bad),
        replied=Count("pk", filter=bad & Q(rectification__replied_at__isnull=False)),
        rectified=Count("pk", filter=bad & Q(rectification__rectified_at__isnull=False)),
        revisits=Count("pk", filter=Q(rectification__revisited_at__isnull=False)),
        satisfied=Count("pk", filter=Q(rectification__is_revisit_satisfied=True)),
    )
    events = unrated = 0
    for stage in Stage.values:
        cases = _events(f, stage)
        events += cases.count()
        unrated += cases.exclude(reviews__stage=stage).count()
    count, bad_count = totals["count"], totals["bad"]
    return ReviewKpis(
        count=count,
        good_rate=_ratio(count - bad_count, count),
        bad_rate=_ratio(bad_count, count),
        unrated_rate=_ratio(unrated, events),
        reply_rate=_ratio(totals["replied"], bad_count),
        rectified_rate=_ratio(totals["rectified"], bad_count),
        revisit_satisfaction_rate=_ratio(totals["satisfied"], totals["revisits"]),
    )


def get_current_case_for_clerk(clerk: User) -> Case | None:
    """The case the clerk accepted most recently (shown on the hall tablet)."""
    return Case.objects.filter(clerk=clerk).order_by("-accepted_at", "-created_at").first()
