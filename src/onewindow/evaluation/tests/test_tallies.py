"""The daily tallies behind the review indicators (``evaluation.tallies``) give exactly API.md's
formulas computed straight from the rows, whatever happens in whatever order (a property test
over random cases, ratings and rectification steps), and can be checked and rebuilt."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.core import clock
from onewindow.core.errors import DomainError
from onewindow.datahub.models import Person
from onewindow.evaluation import selectors, services, tallies
from onewindow.evaluation.enums import BAD_LEVELS, Stage
from onewindow.evaluation.models import Rectification, Review, ReviewTally
from onewindow.evaluation.selectors import KpiFilters, ReviewKpis
from onewindow.evaluation.tests.helpers import complete
from onewindow.workflow import services as workflow
from onewindow.workflow.models import Case, CaseTask
from onewindow.workflow.tests.factories import PARALLEL_ITEM, SERIAL_ITEM, make_case

pytestmark = pytest.mark.django_db

BASE = date(2026, 3, 2)
ITEMS = (SERIAL_ITEM, PARALLEL_ITEM)  # departments GAHZ and RSJY
# Ways through the rectification loop; a plan takes a prefix of one.
PATHS: tuple[tuple[tuple[str, dict[str, Any]], ...], ...] = (
    (
        ("contact", {"classification": "immediate"}),
        ("rectify", {}),
        ("reply", {}),
        ("revisit", {"satisfied": True}),
    ),
    (
        ("contact", {"classification": "deadline"}),
        ("rectify", {}),
        ("reply", {}),
        ("revisit", {"satisfied": False}),
    ),
    (("contact", {"classification": "explain"}), ("reply", {}), ("revisit", {"satisfied": True})),
    (("appeal", {}), ("uphold_appeal", {})),
    (("appeal", {}), ("reject_appeal", {}), ("rectify", {}), ("reply", {})),
)


# --------------------------------------------------------------------------- the formulas


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ)


def naive_kpis(f: KpiFilters) -> ReviewKpis:
    """API.md's formulas straight from the cases, reviews and rectifications."""
    reviews: QuerySet[Review] = Review.objects.filter(is_excluded=False)
    if f.department:
        reviews = reviews.filter(department__code=f.department)
    if f.window:
        reviews = reviews.filter(window_code=f.window)
    if f.staff:
        reviews = reviews.filter(staff__username=f.staff)
    if f.item:
        reviews = reviews.filter(item__code=f.item)
    if f.start:
        reviews = reviews.filter(reviewed_at__gte=_day_start(f.start))
    if f.end:
        reviews = reviews.filter(reviewed_at__lt=_day_start(f.end + timedelta(days=1)))
    bad = Q(level__in=list(BAD_LEVELS))
    t = reviews.aggregate(
        count=Count("pk"),
        bad=Count("pk", filter=bad),
        replied=Count("pk", filter=bad & Q(rectification__replied_at__isnull=False)),
        rectified=Count("pk", filter=bad & Q(rectification__rectified_at__isnull=False)),
        revisits=Count("pk", filter=Q(rectification__revisited_at__isnull=False)),
        satisfied=Count("pk", filter=Q(rectification__is_revisit_satisfied=True)),
    )
    events = unrated = 0
    for stage, at in (("accept", "accepted_at"), ("complete", "completed_at")):
        cases = Case.objects.filter(**{f"{at}__isnull": False})
        if f.department:
            cases = cases.filter(item_version__department__code=f.department)
        if f.window:
            cases = cases.filter(window_code=f.window)
        if f.staff:
            cases = cases.filter(clerk__username=f.staff)
        if f.item:
            cases = cases.filter(item__code=f.item)
        if f.start:
            cases = cases.filter(**{f"{at}__gte": _day_start(f.start)})
        if f.end:
            cases = cases.filter(**{f"{at}__lt": _day_start(f.end + timedelta(days=1))})
        events += cases.count()
        unrated += cases.exclude(reviews__stage=stage).count()

    def ratio(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    return ReviewKpis(
        count=t["count"],
        good_rate=ratio(t["count"] - t["bad"], t["count"]),
        bad_rate=ratio(t["bad"], t["count"]),
        unrated_rate=ratio(unrated, events),
        reply_rate=ratio(t["replied"], t["bad"]),
        rectified_rate=ratio(t["rectified"], t["bad"]),
        revisit_satisfaction_rate=ratio(t["satisfied"], t["revisits"]),
    )


# --------------------------------------------------------------------------- random histories


@dataclass(frozen=True)
class ReviewPlan:
    delay_days: int
    hour: int
    level: int
    path: int
    steps: int


@dataclass(frozen=True)
class CasePlan:
    item: int
    clerk: int
    day: int
    hour: int
    completed_after: int | None
    accept_review: ReviewPlan | None
    complete_review: ReviewPlan | None


review_plans = st.builds(
    ReviewPlan,
    delay_days=st.integers(0, 3),
    hour=st.integers(0, 23),
    level=st.integers(1, 5),
    path=st.integers(0, len(PATHS) - 1),
    steps=st.integers(0, 5),
)
case_plans = st.builds(
    CasePlan,
    item=st.integers(0, len(ITEMS) - 1),
    clerk=st.integers(0, 1),
    day=st.integers(0, 20),
    hour=st.integers(0, 23),  # late hours: the local day differs from the UTC one
    completed_after=st.none() | st.integers(0, 5),
    accept_review=st.none() | review_plans,
    complete_review=st.none() | review_plans,
)


@dataclass(frozen=True)
class People:
    clerks: tuple[User, User]
    citizen: User
    person: Person
    admin: User


@pytest.fixture
def people(clerk: User, citizen: User, citizen_person: Person, centre_admin: User) -> People:
    other = make_user("clerk2", "clerk", department="ZW", window_code="B02", name="赵窗口")
    return People((clerk, other), citizen, citizen_person, centre_admin)


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=clock.LOCAL_TZ)


def _review(case: Case, stage: str, event_at: datetime, plan: ReviewPlan, p: People) -> None:
    when = clock.local(event_at) + timedelta(days=plan.delay_days)
    with clock.frozen(_moment(when.date(), max(when.hour, plan.hour))):
        rating = services.Rating(stage=stage, level=plan.level, channel="PC端")
        review = services.rate_case(case=case, rating=rating, actor=p.citizen, token=None)
        if plan.level not in BAD_LEVELS:
            return
        rectification = Rectification.objects.get(review=review)
        for action, extra in PATHS[plan.path][: plan.steps]:
            try:
                rectification = services.act_on_rectification(
                    rectification=rectification, action=action, note="", actor=p.admin, **extra
                )
            except DomainError:  # a step the loop does not allow from here: stop
                return


def build(plans: list[CasePlan], p: People) -> None:
    for plan in plans:
        accepted = _moment(BASE + timedelta(days=plan.day), plan.hour)
        clerk = p.clerks[plan.clerk]
        case = make_case(clerk=clerk, item_code=ITEMS[plan.item], at=accepted, person=p.person)
        if plan.accept_review:
            _review(case, Stage.ACCEPT, accepted, plan.accept_review, p)
        if plan.completed_after is None:
            continue
        completed = accepted + timedelta(days=plan.completed_after, hours=1)
        with clock.frozen(completed):
            case = complete(Case.objects.get(pk=case.pk))
        if plan.complete_review:
            _review(case, Stage.COMPLETE, completed, plan.complete_review, p)


def scopes(p: People, first: int, last: int) -> list[KpiFilters]:
    start, end = BASE + timedelta(days=first), BASE + timedelta(days=last)
    staff = [c.username for c in p.clerks]
    return [
        KpiFilters(),
        *(KpiFilters(department=d) for d in ("GAHZ", "RSJY", "SC")),
        *(KpiFilters(window=w) for w in ("A01", "B02")),
        *(KpiFilters(staff=s) for s in (*staff, "nobody")),
        *(KpiFilters(item=i) for i in ITEMS),
        KpiFilters(start=start, end=end),
        KpiFilters(start=start),
        KpiFilters(end=end),
        KpiFilters(department="GAHZ", window="A01", staff=staff[0], start=start, end=end),
    ]


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(case_plans, min_size=1, max_size=5),
    first=st.integers(0, 26),
    length=st.integers(0, 10),
)
def test_tallies_give_the_formulas_over_the_rows(
    people: People, plans: list[CasePlan], first: int, length: int
) -> None:
    with transaction.atomic():
        build(plans, people)
        for scope in scopes(people, first, first + length):
            assert selectors.get_review_kpis(scope) == naive_kpis(scope), scope
        assert tallies.stored() == tallies.compute()
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- the hooks


def test_workflow_acceptance_and_completion_count_as_rateable_events(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk)
    assert selectors.get_review_kpis(KpiFilters()).unrated_rate == 1.0
    assert ReviewTally.objects.get(stage="accept").events == 1
    while (task := CaseTask.objects.filter(case=case, status="open").first()) is not None:
        workflow.decide_task(task=task, action="approve", actor=approver)
    workflow.deliver_case(case=Case.objects.get(pk=case.pk), method="window", actor=clerk)
    row = ReviewTally.objects.get(stage="complete")
    assert (row.events, row.rated, row.department.code, row.window_code) == (1, 0, "GAHZ", "A01")
    assert (row.staff_key, row.day) == (clerk.pk, clock.today())


def test_a_failed_rating_leaves_the_tallies_alone(case: Case, citizen: User) -> None:
    rating = services.Rating(stage="accept", level=1, channel="PC端")
    services.rate_case(case=case, rating=rating, actor=citizen, token=None)
    before = tallies.stored()
    with pytest.raises(DomainError):
        services.rate_case(case=case, rating=rating, actor=citizen, token=None)
    assert tallies.stored() == before


# --------------------------------------------------------------------------- rebuild


@pytest.fixture
def history(people: People) -> None:
    plan = ReviewPlan(delay_days=1, hour=22, level=4, path=0, steps=3)
    build(
        [
            CasePlan(0, 0, 0, 23, 2, plan, ReviewPlan(0, 9, 2, 0, 0)),
            CasePlan(1, 1, 3, 10, None, ReviewPlan(0, 12, 5, 3, 2), None),
            CasePlan(0, 1, 5, 8, 1, None, None),
        ],
        people,
    )


def test_rebuild_recomputes_the_tallies(history: None) -> None:
    kept = tallies.stored()
    assert kept
    row = ReviewTally.objects.first()
    assert row is not None
    ReviewTally.objects.update(events=0, reviews=7)
    ReviewTally.objects.create(
        day=BASE - timedelta(days=9),
        stage="accept",
        department=row.department,
        item=row.item,
        bad=3,
    )
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_review_tallies", "--check")
    call_command("rebuild_review_tallies")
    assert tallies.stored() == kept
    call_command("rebuild_review_tallies", "--check")


def test_the_data_migration_fills_the_tallies_as_the_rebuild_does(history: None) -> None:
    kept = tallies.stored()
    ReviewTally.objects.all().delete()
    migration = importlib.import_module("onewindow.evaluation.migrations.0004_fill_review_tallies")
    migration.fill(apps, None)  # it only reads and writes rows
    assert tallies.stored() == kept
