"""The indicators' trend per month or week, on a hand-computed example, and on the dashboard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.datahub.models import Person
from onewindow.evaluation import charts, selectors, services
from onewindow.evaluation.selectors import KpiFilters, TrendPoint
from onewindow.evaluation.tests.helpers import complete
from onewindow.workflow.models import Case
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 4, 20, 10, 0, tzinfo=clock.LOCAL_TZ)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=clock.LOCAL_TZ)


def rate(case: Case, stage: str, level: int, when: datetime, applicant: User) -> None:
    with clock.frozen(when):
        rating = services.Rating(stage=stage, level=level, channel="PC端")
        services.rate_case(case=case, rating=rating, actor=applicant, token=None)


@pytest.fixture
def example(clerk: User, citizen: User, citizen_person: Person) -> None:
    """A: accepted Mon 03-02, rated 4 (差评) that day; completed 03-10, never rated.
    D: accepted Tue 03-31, rated 1 on 04-02 (the event is March's, the review April's).
    B: accepted 04-01 at 00:30 (still 03-31 in UTC), never rated.
    C: accepted 04-14, rated 2 on 04-15.

    March: events A-accept, A-complete, D-accept = 3, rated A and D → unrated 1/3; reviews made
    in March: A (bad) → count 1, good 0, bad 1.
    April: events B, C = 2, rated C → unrated 1/2; reviews made in April: D, C (both good) →
    count 2, good 1, bad 0."""

    def case(when: datetime) -> Case:
        return make_case(clerk=clerk, at=when, person=citizen_person)

    a = case(at(3, 2))
    rate(a, "accept", 4, at(3, 2, 16), citizen)
    with clock.frozen(at(3, 10, 15)):
        complete(Case.objects.get(pk=a.pk))
    d = case(at(3, 31))
    rate(d, "accept", 1, at(4, 2), citizen)
    case(at(4, 1, 0, 30))
    c = case(at(4, 14))
    rate(c, "accept", 2, at(4, 15), citizen)


def test_monthly_trend(example: None) -> None:
    points = selectors.get_review_trend(KpiFilters(start=date(2026, 3, 1), end=date(2026, 4, 30)))
    assert points == [
        TrendPoint(date(2026, 3, 1), 1, 0.0, 1.0, 1 / 3),
        TrendPoint(date(2026, 4, 1), 2, 1.0, 0.0, 0.5),
    ]


def test_weekly_trend_starts_on_the_monday_and_counts_only_the_period(example: None) -> None:
    """29 March is a Sunday: its week starts on 23 March, of which only the 29th is counted
    (nothing happened); the week of 30 March holds D (rated) and B (not) and D's review."""
    scope = KpiFilters(start=date(2026, 3, 29), end=date(2026, 4, 5))
    assert selectors.get_review_trend(scope, "week") == [
        TrendPoint(date(2026, 3, 23), 0, None, None, None),
        TrendPoint(date(2026, 3, 30), 1, 1.0, 0.0, 0.5),
    ]


def test_trend_follows_the_scope_filters(example: None, clerk: User) -> None:
    scope = KpiFilters(department="SC", start=date(2026, 3, 1), end=date(2026, 4, 30))
    assert [p.count for p in selectors.get_review_trend(scope)] == [0, 0]
    scope = KpiFilters(staff=clerk.username, start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert [p.unrated_rate for p in selectors.get_review_trend(scope)] == [0.5]


def test_default_trend_is_the_last_twelve_months_by_month(example: None) -> None:
    with clock.frozen(TODAY):
        points = selectors.get_review_trend(KpiFilters())
    assert [p.start for p in points][:2] == [date(2025, 5, 1), date(2025, 6, 1)]
    assert len(points) == 12
    assert [p.count for p in points[-2:]] == [1, 2]
    up_to_march = selectors.get_review_trend(KpiFilters(end=date(2026, 3, 31)))
    assert [p.start for p in up_to_march][::11] == [date(2025, 4, 1), date(2026, 3, 1)]
    assert selectors.default_trend_period(date(2026, 1, 31)) == (
        date(2025, 2, 1),
        date(2026, 1, 31),
    )


@pytest.mark.parametrize(
    ("scope", "bucket", "field"),
    [
        (KpiFilters(), "day", "bucket"),
        (KpiFilters(start=date(2026, 4, 2), end=date(2026, 4, 1)), "month", "from"),
        (KpiFilters(start=date(2020, 1, 1), end=date(2026, 4, 1)), "week", "from"),
    ],
)
def test_bad_trend_requests_are_refused_with_a_message(
    scope: KpiFilters, bucket: str, field: str
) -> None:
    with pytest.raises(BadInput) as caught:
        selectors.get_review_trend(scope, bucket)
    assert caught.value.code == "input.invalid"
    assert field in (caught.value.fields or {})


def test_chart_breaks_the_lines_where_a_rate_is_undefined() -> None:
    points = [
        TrendPoint(date(2026, 1, 1), 4, 0.75, 0.25, 0.0),
        TrendPoint(date(2026, 2, 1), 0, None, None, None),
        TrendPoint(date(2026, 3, 1), 2, 0.5, 0.5, 1.0),
    ]
    chart = charts.trend_chart(points, "month")
    good = chart.series[0]
    assert len(good.segments) == 2 and len(good.dots) == 2
    assert [b.height for b in chart.bars] == [178.0, 0.0, 89.0]  # scaled to the busiest month
    top, bottom = charts.TOP, charts.BOTTOM
    assert chart.series[2].dots[0][1] == bottom and chart.series[2].dots[1][1] == top
    assert [r.good for r in chart.rows] == [75.0, None, 50.0]


# --------------------------------------------------------------------------- the dashboard


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_shows_the_trend_of_the_chosen_period(example: None, centre_admin: User) -> None:
    client = signed_in(centre_admin)
    with clock.frozen(TODAY):
        page = client.get("/kpis/reviews/", {"from": "2026-03-01", "to": "2026-04-30"})
        figures = client.get("/kpis/reviews/figures/", {"from": "2026-03-01", "to": "2026-04-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="review-trend"' in html and "<svg" in html
    assert (
        '<th scope="row">2026-03</th><td>1</td><td>0.0%</td><td>100.0%</td><td>33.3%</td>' in html
    )
    assert "2026-03-01 至 2026-04-30" in html
    assert "<strong>3</strong>" in html  # the figures cover the period too
    assert 'id="review-trend"' in figures.content.decode()  # refreshed with the figures


def test_dashboard_defaults_to_all_time_and_twelve_months(
    example: None, centre_admin: User
) -> None:
    with clock.frozen(TODAY):
        html = signed_in(centre_admin).get("/kpis/reviews/").content.decode()
    assert "统计期间：全部" in html and "<strong>3</strong>" in html
    assert html.count('<th scope="row">') == 12 and '<th scope="row">2025-05</th>' in html


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-13-01"}, {"bucket": "day"}, {"from": "2026-04-02", "to": "2026-04-01"}],
)
def test_dashboard_explains_a_bad_period_instead_of_failing(
    example: None, centre_admin: User, query: dict[str, str]
) -> None:
    with clock.frozen(TODAY):
        response = signed_in(centre_admin).get("/kpis/reviews/figures/", query)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="period-error"' in html and "已按默认期间显示" in html
    assert "统计期间：全部" in html and html.count('<th scope="row">') == 12


# --------------------------------------------------------------------------- the API extension

TREND = "/api/v1/kpis/reviews/trend"


def test_trend_api(
    example: None, centre_admin: User, dept_admin: User, citizen: User, client_for: Any
) -> None:
    data = client_for(centre_admin).get(TREND, {"from": "2026-03-01", "to": "2026-04-30"}).json()
    assert data == {
        "bucket": "month",
        "points": [
            {
                "start": "2026-03-01",
                "count": 1,
                "good_rate": 0.0,
                "bad_rate": 1.0,
                "unrated_rate": 1 / 3,
            },
            {
                "start": "2026-04-01",
                "count": 2,
                "good_rate": 1.0,
                "bad_rate": 0.0,
                "unrated_rate": 0.5,
            },
        ],
    }
    week = {"from": "2026-03-29", "to": "2026-04-05", "bucket": "week"}
    assert [p["count"] for p in client_for(dept_admin).get(TREND, week).json()["points"]] == [0, 1]
    assert client_for(dept_admin).get(TREND, {"department": "SC"}).status_code == 403
    assert client_for(citizen).get(TREND).status_code == 403


@pytest.mark.parametrize(
    "query", [{"bucket": "day"}, {"from": "2026-04-02", "to": "2026-04-01"}, {"to": "x"}]
)
def test_trend_api_refuses_bad_input(
    centre_admin: User, client_for: Any, query: dict[str, str]
) -> None:
    response = client_for(centre_admin).get(TREND, query)
    assert response.status_code == 400
    assert response.json()["code"] == "input.invalid"
