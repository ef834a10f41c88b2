"""Rating a case: who may, once per stage, tokens (valid, forged, expired, reused)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.core import calendar, clock
from onewindow.evaluation import tokens
from onewindow.evaluation.models import Rectification, Review
from onewindow.evaluation.tests.helpers import complete, post, review_body
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db


def url(case: Case) -> str:
    return f"/api/v1/cases/{case.number}/reviews"


def test_applicant_rates_acceptance(case: Case, citizen: User, client_for: Any) -> None:
    body = review_body(level=2, dimensions={"服务态度": 1}, text="很好")
    response = post(client_for(citizen), url(case), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["case_number"] == case.number and data["level"] == 2
    review = Review.objects.get()
    assert review.staff == case.clerk and review.window_code == "A01"
    assert review.department_id == case.item_version.department_id
    assert review.evaluator == citizen
    assert LedgerEntry.objects.filter(event="review.submitted").count() == 1
    assert not Rectification.objects.exists()


def test_second_review_of_a_stage_is_duplicate(case: Case, citizen: User, client_for: Any) -> None:
    client = client_for(citizen)
    assert post(client, url(case), review_body()).status_code == 201
    again = post(client, url(case), review_body(level=5))
    assert again.status_code == 409 and again.json()["code"] == "review.duplicate"


def test_idempotent_replay_is_not_a_duplicate(case: Case, citizen: User, client_for: Any) -> None:
    client = client_for(citizen)
    first = post(client, url(case), review_body(), **{"Idempotency-Key": "k-1"})
    second = post(client, url(case), review_body(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Review.objects.count() == 1


def test_outsider_and_anonymous_are_forbidden(
    case: Case, outsider: User, clerk: User, client_for: Any
) -> None:
    for user in (outsider, clerk, None):
        response = post(client_for(user), url(case), review_body())
        assert response.status_code == 403 and response.json()["code"] == "review.forbidden"


def test_completion_is_rated_only_after_completion(
    case: Case, citizen: User, client_for: Any
) -> None:
    early = post(client_for(citizen), url(case), review_body(stage="complete"))
    assert early.status_code == 409 and early.json()["code"] == "review.not_rateable"
    complete(case)
    assert post(client_for(citizen), url(case), review_body(stage="complete")).status_code == 201


def test_token_holder_rates_without_login(case: Case, client_for: Any) -> None:
    token = tokens.token_for(case, "accept")
    assert token is not None
    response = post(client_for(None), url(case), review_body(token=token, channel="短信"))
    assert response.status_code == 201
    assert Review.objects.get().evaluator is None
    reused = post(client_for(None), url(case), review_body(token=token, channel="短信"))
    assert reused.status_code == 409 and reused.json()["code"] == "review.duplicate"


def test_completion_token_exists_only_after_completion(case: Case) -> None:
    assert tokens.token_for(case, "complete") is None
    assert tokens.token_for(complete(case), "complete") is not None


@pytest.mark.parametrize("mangle", ["forged", "other_stage", "expired", "other_case"])
def test_bad_tokens_are_forbidden(mangle: str, case: Case, clerk: User, client_for: Any) -> None:
    token = tokens.token_for(case, "accept")
    assert token is not None
    at = clock.now()
    if mangle == "forged":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif mangle == "other_stage":
        token = tokens.token_for(complete(case), "complete")
    elif mangle == "expired":
        at = case.accepted_at + timedelta(days=31)
    elif mangle == "other_case":
        from onewindow.workflow.tests.factories import make_case

        token = tokens.token_for(make_case(clerk=clerk), "accept")
    with clock.frozen(at):
        response = post(client_for(None), url(case), review_body(token=token))
    assert response.status_code == 403 and response.json()["code"] == "review.forbidden"


def test_bad_review_opens_rectification_with_working_day_deadlines(
    case: Case, citizen: User, client_for: Any
) -> None:
    with clock.frozen(case.accepted_at):
        response = post(client_for(citizen), url(case), review_body(level=4))
    assert response.status_code == 201
    rectification = Rectification.objects.get()
    day = clock.local(case.accepted_at).date()
    assert rectification.status == "verifying"
    assert rectification.contact_due_on == calendar.add_working_days(day, 1)
    assert rectification.rectify_due_on == calendar.add_working_days(day, 15)
    assert rectification.department_id == case.item_version.department_id


def test_deadlines_are_configurable(
    case: Case, citizen: User, client_for: Any, settings: Any
) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "REVIEW_CONTACT_DAYS": 2, "REVIEW_RECTIFY_DAYS": 5}
    with clock.frozen(case.accepted_at):
        post(client_for(citizen), url(case), review_body(level=5))
    rectification = Rectification.objects.get()
    day = clock.local(case.accepted_at).date()
    assert rectification.contact_due_on == calendar.add_working_days(day, 2)
    assert rectification.rectify_due_on == calendar.add_working_days(day, 5)


@pytest.mark.parametrize(
    "body",
    [
        review_body(level=0),
        review_body(level=6),
        review_body(stage="other"),
        review_body(channel="微信"),
    ],
)
def test_invalid_ratings_are_400(
    body: dict[str, Any], case: Case, citizen: User, client_for: Any
) -> None:
    response = post(client_for(citizen), url(case), body)
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_review_link_carries_the_token(case: Case) -> None:
    link = tokens.review_link(case, "accept")
    assert link is not None and link.endswith(f"/rate/{tokens.token_for(case, 'accept')}/")
    assert tokens.review_link(case, "complete") is None
