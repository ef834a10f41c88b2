"""Review indicators on a hand-computed example (API.md formulas)."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.evaluation import services
from onewindow.evaluation.models import Rectification
from onewindow.evaluation.tests.helpers import complete
from onewindow.workflow.models import Case
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpis/reviews"


def rate(case: Case, stage: str, level: int, applicant: User) -> None:
    rating = services.Rating(stage=stage, level=level, channel="PC端")
    services.rate_case(case=case, rating=rating, actor=applicant, token=None)


@pytest.fixture
def example(clerk: User, citizen: User, centre_admin: User, citizen_person: Any) -> None:
    """Four cases, two completed → 6 rateable events. Reviews: case1 accept 1, complete 4;
    case2 accept 5 (appeal upheld: excluded); case3 accept 2. Four reviews, three counted
    (two good), one counted bad (replied, rectified, revisited unsatisfied). Unrated: case4
    accept and case2 complete → 2 of 6."""
    cases = [make_case(clerk=clerk, person=citizen_person) for _ in range(4)]
    complete(cases[0])
    complete(cases[1])
    rate(cases[0], "accept", 1, citizen)
    rate(cases[0], "complete", 4, citizen)
    rate(cases[1], "accept", 5, citizen)
    rate(cases[2], "accept", 2, citizen)
    first, second = Rectification.objects.order_by("pk")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("contact", {"classification": "immediate"}),
        ("rectify", {}),
        ("reply", {}),
        ("revisit", {"satisfied": False}),
    ]
    for action, extra in steps:
        first = services.act_on_rectification(
            rectification=first, action=action, note="", actor=centre_admin, **extra
        )
    for action in ("appeal", "uphold_appeal"):
        second = services.act_on_rectification(
            rectification=second, action=action, note="误评", actor=centre_admin
        )


def test_centre_figures(example: None, centre_admin: User, client_for: Any) -> None:
    data = client_for(centre_admin).get(URL).json()
    assert data == {
        "count": 3,
        "good_rate": pytest.approx(2 / 3),
        "bad_rate": pytest.approx(1 / 3),
        "unrated_rate": pytest.approx(2 / 6),
        "reply_rate": 1.0,
        "rectified_rate": 1.0,
        "revisit_satisfaction_rate": 0.0,
    }


def test_empty_scope_gives_nulls(example: None, centre_admin: User, client_for: Any) -> None:
    data = client_for(centre_admin).get(URL, {"window": "Z99"}).json()
    assert data["count"] == 0
    assert all(data[k] is None for k in data if k != "count")


def test_period_filter(example: None, centre_admin: User, client_for: Any) -> None:
    today = clock.today().isoformat()
    assert client_for(centre_admin).get(URL, {"from": today, "to": today}).json()["count"] == 3
    assert client_for(centre_admin).get(URL, {"to": "2000-01-01"}).json()["count"] == 0


def test_staff_and_item_filters(
    example: None, centre_admin: User, clerk: User, client_for: Any
) -> None:
    client = client_for(centre_admin)
    assert client.get(URL, {"staff": clerk.username}).json()["count"] == 3
    assert client.get(URL, {"staff": "nobody"}).json()["count"] == 0
    assert client.get(URL, {"item": "SF-GAHZ-011"}).json()["count"] == 3


def test_dept_admin_scope(
    example: None,
    dept_admin: User,
    other_dept_admin: User,
    citizen: User,
    client_for: Any,
) -> None:
    assert client_for(dept_admin).get(URL).json()["count"] == 3
    assert client_for(dept_admin).get(URL, {"department": "SC"}).status_code == 403
    assert client_for(other_dept_admin).get(URL).json()["count"] == 0
    assert client_for(citizen).get(URL).status_code == 403


def test_period_is_inclusive_local_dates_on_review_time(
    clerk: User, citizen: User, centre_admin: User, citizen_person: Any, client_for: Any
) -> None:
    from datetime import datetime

    late = datetime(2026, 3, 2, 23, 30)  # local time, 15:30 UTC
    with clock.frozen(late):
        case = make_case(clerk=clerk, person=citizen_person)
        rate(case, "accept", 1, citizen)
    client = client_for(centre_admin)
    assert client.get(URL, {"from": "2026-03-02", "to": "2026-03-02"}).json()["count"] == 1
    assert client.get(URL, {"from": "2026-03-03"}).json()["count"] == 0
    assert client.get(URL, {"to": "2026-03-01"}).json()["count"] == 0
