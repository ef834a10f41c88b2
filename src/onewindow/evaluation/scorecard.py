"""The department scorecard (部门考核): review indicators, rectification performance and the
workflow's collaboration points, combined with the centre's weights, for one month."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import Department, User
from onewindow.core import clock
from onewindow.core.errors import BadInput, PermissionDenied
from onewindow.evaluation import selectors
from onewindow.evaluation.enums import RectificationStatus, ReviewEvent
from onewindow.evaluation.models import Rectification, Review, ScorecardWeight
from onewindow.ledger import services as ledger
from onewindow.workflow import selectors as workflow


@dataclass(frozen=True)
class Weights:
    review: int
    rectification: int
    points: int


@dataclass(frozen=True)
class ScorecardRow:
    """One department: component scores 0–100 (None without data) and the weighted total."""

    department_code: str
    department_name: str
    reviews: int
    review_score: float | None
    rectifications: int
    rectification_score: float | None
    points: int
    points_score: float | None
    total: float | None


def current_weights() -> Weights:
    """The weights in force; until the centre sets some, 40/40/20."""
    row = ScorecardWeight.objects.order_by("-set_at", "-id").first()
    if row is None:
        return Weights(40, 40, 20)
    return Weights(row.review_percent, row.rectification_percent, row.points_percent)


@transaction.atomic
def set_weights(*, weights: Weights, actor: User) -> ScorecardWeight:
    """Set the scorecard weights. They must sum to 100 and points must weigh at least the
    reform's minimum. Raises BadInput. Side effect: ledger entry ``scorecard.weights_set``."""
    minimum = int(settings.ONEWINDOW["POINTS_MIN_WEIGHT_PERCENT"])
    if weights.review + weights.rectification + weights.points != 100:
        raise BadInput("三项权重之和应为 100", fields={"weights": "合计应为 100"})
    if weights.points < minimum:
        raise BadInput(f"协同积分权重不得低于 {minimum}%", fields={"points": f"至少 {minimum}"})
    row = ScorecardWeight.objects.create(
        review_percent=weights.review,
        rectification_percent=weights.rectification,
        points_percent=weights.points,
        set_by=actor,
        set_at=clock.now(),
    )
    ledger.record(
        event=ReviewEvent.SCORECARD_WEIGHTS_SET,
        actor=actor.ledger_ref,
        target=f"scorecard-weight:{row.pk}",
        payload={
            "review": weights.review,
            "rectification": weights.rectification,
            "points": weights.points,
        },
    )
    return row


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of ``YYYY-MM``; BadInput when malformed."""
    try:
        year, number = (int(part) for part in month.split("-"))
        last = months.monthrange(year, number)[1]
    except (ValueError, TypeError) as exc:
        raise BadInput(fields={"month": "格式应为 YYYY-MM"}) from exc
    return date(year, number, 1), date(year, number, last)


def _rectification_score(
    department: Department, start: date, end: date
) -> tuple[int, float | None]:
    """Share of the month's rectifications (revoked ones aside) rectified by their deadline."""
    rows = Rectification.objects.filter(
        department=department,
        review__reviewed_at__date__gte=start,
        review__reviewed_at__date__lte=end,
    ).exclude(status=RectificationStatus.REVOKED)
    total = rows.count()
    if not total:
        return 0, None
    on_time = 0
    for r in rows.only("rectified_at", "replied_at", "rectify_due_on"):
        done = r.rectified_at or r.replied_at  # an explanation is replied, not rectified
        if done is not None and clock.local(done).date() <= r.rectify_due_on:
            on_time += 1
    return total, round(100.0 * on_time / total, 1)


def build_scorecard(month: str) -> tuple[Weights, list[ScorecardRow]]:
    """Every department with reviews, rectifications or points in ``month``, best first.

    The total is the weighted mean of the components that have data (weights renormalised).
    """
    start, end = month_bounds(month)
    weights = current_weights()
    ranking = {r.department_code: r for r in workflow.monthly_ranking(month)}
    reviewed = Review.objects.filter(reviewed_at__date__gte=start, reviewed_at__date__lte=end)
    ids = set(reviewed.values_list("department_id", flat=True))
    departments = Department.objects.filter(pk__in=ids) | Department.objects.filter(
        code__in=list(ranking)
    )
    rows: list[ScorecardRow] = []
    for department in departments.distinct().order_by("code"):
        kpis = selectors.get_review_kpis(
            selectors.KpiFilters(department=department.code, start=start, end=end)
        )
        review_score = None if kpis.good_rate is None else round(100.0 * kpis.good_rate, 1)
        fixes, fix_score = _rectification_score(department, start, end)
        points = ranking.get(department.code)
        parts = [
            (review_score, weights.review),
            (fix_score, weights.rectification),
            (points.score if points else None, weights.points),
        ]
        present = [(score, w) for score, w in parts if score is not None]
        weight_sum = sum(w for _, w in present)
        total = round(sum(s * w for s, w in present) / weight_sum, 1) if weight_sum else None
        rows.append(
            ScorecardRow(
                department_code=department.code,
                department_name=department.name,
                reviews=kpis.count,
                review_score=review_score,
                rectifications=fixes,
                rectification_score=fix_score,
                points=points.points if points else 0,
                points_score=points.score if points else None,
                total=total,
            )
        )
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0.0), r.department_code))
    return weights, rows


def scorecard_for(user: User, month: str) -> tuple[Weights, list[ScorecardRow]]:
    """The scorecard ``user`` may see: the centre's admins every department, a department's
    admins only their own row (scored exactly as in the centre's table).

    Raises PermissionDenied for other roles and BadInput for a malformed month.
    """
    if user.has_role("centre_admin"):
        return build_scorecard(month)
    if not user.has_role("dept_admin") or user.department_id is None:
        raise PermissionDenied("仅政务服务中心和部门管理员可查看部门考核")
    code = user.department.code if user.department is not None else None
    weights, rows = build_scorecard(month)
    return weights, [r for r in rows if r.department_code == code]
