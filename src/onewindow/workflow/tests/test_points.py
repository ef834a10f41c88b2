"""Collaboration points: editable rules, every point traceable to the ledger, a monthly
ranking and the weight the centre sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow import services
from onewindow.workflow.models import CaseTask, PointEntry, PointRule
from onewindow.workflow.services.points import rules
from onewindow.workflow.tests.factories import PARALLEL_ITEM, make_case, post, put

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)


def approve_open(case_tasks: list[CaseTask], users: dict[str, User]) -> None:
    for task in case_tasks:
        services.decide_task(task=task, action="approve", actor=users[task.department.code])


def run_parallel_case(clerk: User, users: dict[str, User]) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM, at=WEDNESDAY)
    with clock.frozen(WEDNESDAY):
        while tasks := list(
            CaseTask.objects.filter(case=case, status="open").select_related("department")
        ):
            approve_open(tasks, users)


def test_early_completion_rewards_every_department_and_ranks_them(
    clerk: User,
    other_approver: User,
    rssb_approver: User,
    rsjy_approver: User,
    approver: User,
    centre_admin: User,
    client_for: Any,
) -> None:
    users = {"SC": other_approver, "RSSB": rssb_approver, "RSJY": rsjy_approver}
    run_parallel_case(clerk, users)
    early = PointEntry.objects.filter(rule="completed_early")
    assert sorted(early.values_list("department__code", flat=True)) == ["RSJY", "RSSB", "SC"]
    for entry in PointEntry.objects.all():
        source = LedgerEntry.objects.get(index=entry.ledger_index)
        assert source.event == entry.event and source.target == entry.case.ledger_ref
    # GAHZ is one working day late on another case.
    late = make_case(clerk=clerk, at=WEDNESDAY)
    with clock.frozen(datetime(2026, 11, 24, 10, 0, tzinfo=LOCAL_TZ)):
        services.decide_task(
            task=CaseTask.objects.get(case=late, stage=1), action="approve", actor=approver
        )
    with clock.frozen(WEDNESDAY):
        body = client_for(centre_admin).get("/api/v1/collaboration/ranking").json()
    assert body["month"] == "2026-11" and body["weight_percent"] == 20
    ranking = {row["department_code"]: row for row in body["items"]}
    # RSJY: 3 hand-offs + early = 5; SC and RSSB: 1 + 2 = 3 each (a shared rank); GAHZ: -1.
    assert ranking["RSJY"]["points"] == 5 and ranking["RSJY"]["rank"] == 1
    assert ranking["SC"]["rank"] == ranking["RSSB"]["rank"] == 2
    assert ranking["GAHZ"]["points"] == -1 and ranking["GAHZ"]["rank"] == 4
    assert ranking["RSJY"]["score"] == 100.0 and ranking["GAHZ"]["score"] == 0.0
    assert ranking["RSJY"]["weighted"] == 20.0
    detail = (
        client_for(centre_admin)
        .get("/api/v1/collaboration/points?month=2026-11&department=GAHZ")
        .json()
    )
    assert detail["total"] == 1 and detail["items"][0]["event"] == "task.approved"
    assert detail["items"][0]["ledger_index"] >= 0


def test_the_centre_sets_the_weight_of_points_at_least_twenty_percent(
    centre_admin: User, approver: User, client_for: Any
) -> None:
    path = "/api/v1/collaboration/weight"
    low = put(client_for(centre_admin), path, {"percent": 10})
    assert low.status_code == 400 and low.json()["code"] == "points.weight_too_low"
    assert put(client_for(approver), path, {"percent": 30}).status_code == 403
    ok = put(client_for(centre_admin), path, {"percent": 30})
    assert ok.status_code == 200 and ok.json()["weight_percent"] == 30
    ranking = client_for(approver).get("/api/v1/collaboration/ranking").json()
    assert ranking["weight_percent"] == 30
    assert LedgerEntry.objects.filter(event="points.weight_set").exists()
    bad_month = client_for(approver).get("/api/v1/collaboration/ranking?month=2026-1")
    assert bad_month.status_code == 400 and "month" in bad_month.json()["fields"]


def test_rules_are_edited_by_admins_and_inactive_rules_give_nothing(
    clerk: User, approver: User, client_for: Any
) -> None:
    table = rules()
    assert table["handoff_on_time"].points == 1
    PointRule.objects.filter(code="handoff_on_time").update(points=4)
    first = make_case(clerk=clerk)
    post(
        client_for(approver),
        f"/api/v1/tasks/{CaseTask.objects.get(case=first, stage=1).pk}/decision",
        {"action": "approve"},
    )
    assert PointEntry.objects.get(case=first).points == 4
    PointRule.objects.filter(code="handoff_on_time").update(is_active=False)
    second = make_case(clerk=clerk)
    post(
        client_for(approver),
        f"/api/v1/tasks/{CaseTask.objects.get(case=second, stage=1).pk}/decision",
        {"action": "approve"},
    )
    assert not PointEntry.objects.filter(case=second).exists()
