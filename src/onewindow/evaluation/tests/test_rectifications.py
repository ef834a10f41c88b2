"""The bad-review loop: every transition, illegal ones, appeals, scope and identity."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.evaluation.enums import TRANSITIONS
from onewindow.evaluation.models import Rectification, Review
from onewindow.evaluation.tests.helpers import post, review_body
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db

ALL_STATUSES = [
    "verifying",
    "rectifying",
    "replying",
    "revisiting",
    "closed",
    "appealing",
    "revoked",
]


@pytest.fixture
def rectification(case: Case, citizen: User, client_for: Any) -> Rectification:
    body = review_body(level=5, text="态度差", contact_consent=False)
    assert (
        post(client_for(citizen), f"/api/v1/cases/{case.number}/reviews", body).status_code == 201
    )
    return Rectification.objects.get()


def act(client: Any, rectification: Rectification, action: str, **extra: Any) -> Any:
    path = f"/api/v1/rectifications/{rectification.pk}/actions"
    return post(client, path, {"action": action, "note": "已处理", **extra})


def test_full_loop_to_closed(
    rectification: Rectification, dept_admin: User, client_for: Any
) -> None:
    client = client_for(dept_admin)
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("contact", {"classification": "deadline"}, "rectifying"),
        ("rectify", {}, "replying"),
        ("reply", {}, "revisiting"),
        ("revisit", {"satisfied": True}, "closed"),
    ]
    for action, extra, status in steps:
        response = act(client, rectification, action, **extra)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    rectification.refresh_from_db()
    assert rectification.classification == "deadline"
    assert rectification.is_revisit_satisfied is True
    assert LedgerEntry.objects.filter(event="rectification.step").count() == 4


def test_explanation_skips_rectifying(
    rectification: Rectification, dept_admin: User, client_for: Any
) -> None:
    response = act(client_for(dept_admin), rectification, "contact", classification="explain")
    assert response.json()["status"] == "replying"


def test_contact_needs_classification(
    rectification: Rectification, dept_admin: User, client_for: Any
) -> None:
    response = act(client_for(dept_admin), rectification, "contact")
    assert response.status_code == 400 and "classification" in response.json()["fields"]


def test_revisit_needs_satisfaction(
    rectification: Rectification, dept_admin: User, client_for: Any
) -> None:
    Rectification.objects.filter(pk=rectification.pk).update(status="revisiting")
    response = act(client_for(dept_admin), rectification, "revisit")
    assert response.status_code == 400


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_illegal_transitions_are_409(
    action: str,
    status: str,
    rectification: Rectification,
    centre_admin: User,
    client_for: Any,
) -> None:
    allowed, _ = TRANSITIONS[action]
    if status in allowed:
        return
    Rectification.objects.filter(pk=rectification.pk).update(status=status)
    response = act(
        client_for(centre_admin), rectification, action, classification="immediate", satisfied=True
    )
    assert response.status_code == 409
    assert response.json()["code"] == "rectification.illegal_transition"
    rectification.refresh_from_db()
    assert rectification.status == status


def test_upheld_appeal_revokes_and_excludes_review(
    rectification: Rectification, dept_admin: User, centre_admin: User, client_for: Any
) -> None:
    response = act(client_for(dept_admin), rectification, "contact", classification="appeal")
    assert response.json()["status"] == "appealing"
    refused = act(client_for(dept_admin), rectification, "uphold_appeal")
    assert refused.status_code == 403
    path = f"/api/v1/rectifications/{rectification.pk}/actions"
    body = {"action": "uphold_appeal", "note": "评价人误评，已核实"}
    upheld = post(client_for(centre_admin), path, body)
    assert upheld.json()["status"] == "revoked"
    review = Review.objects.get()
    assert review.is_excluded and review.excluded_reason == "评价人误评，已核实"


def test_rejected_appeal_returns_to_rectifying(
    rectification: Rectification, dept_admin: User, centre_admin: User, client_for: Any
) -> None:
    assert act(client_for(dept_admin), rectification, "appeal").json()["status"] == "appealing"
    response = act(client_for(centre_admin), rectification, "reject_appeal")
    assert response.json()["status"] == "rectifying"
    assert not Review.objects.get().is_excluded


def test_list_scope(
    rectification: Rectification,
    dept_admin: User,
    other_dept_admin: User,
    centre_admin: User,
    citizen: User,
    client_for: Any,
) -> None:
    assert client_for(centre_admin).get("/api/v1/rectifications").json()["total"] == 1
    mine = client_for(dept_admin).get("/api/v1/rectifications").json()
    assert mine["total"] == 1
    item = mine["items"][0]
    assert set(item) >= {
        "id",
        "case_number",
        "level",
        "status",
        "classification",
        "contact_due_on",
        "rectify_due_on",
        "department",
    }
    assert client_for(other_dept_admin).get("/api/v1/rectifications").json()["total"] == 0
    assert client_for(citizen).get("/api/v1/rectifications").status_code == 403
    other = act(client_for(other_dept_admin), rectification, "contact", classification="explain")
    assert other.status_code == 404


def test_evaluator_hidden_without_consent(
    rectification: Rectification, dept_admin: User, client_for: Any
) -> None:
    item = client_for(dept_admin).get("/api/v1/rectifications").json()["items"][0]
    assert item["evaluator"] is None
    assert "张三" not in str(item)


def test_evaluator_shown_with_consent(
    case: Case, citizen: User, dept_admin: User, client_for: Any
) -> None:
    body = review_body(level=4, contact_consent=True)
    post(client_for(citizen), f"/api/v1/cases/{case.number}/reviews", body)
    item = client_for(dept_admin).get("/api/v1/rectifications").json()["items"][0]
    assert item["evaluator"]["name"] == "张三"


def test_ledger_entries_hold_no_personal_data(rectification: Rectification) -> None:
    for entry in LedgerEntry.objects.filter(event__startswith="re"):
        text = str([entry.actor, entry.target, entry.payload])
        assert "张三" not in text and "999901199003071239" not in text
        assert entry.actor == "system" or entry.actor.startswith("user:")
