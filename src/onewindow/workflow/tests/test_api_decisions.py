"""The department inbox and decisions: every transition, every illegal one, and who may act."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.core.notifications.models import Notification
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case, CaseTask, PointEntry
from onewindow.workflow.tests.factories import PARALLEL_ITEM, make_case, post

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)


def events(case: Case) -> list[str]:
    return list(
        LedgerEntry.objects.filter(target=case.ledger_ref)
        .order_by("index")
        .values_list("event", flat=True)
    )


def open_task(case: Case, department: str) -> CaseTask:
    return CaseTask.objects.get(case=case, department__code=department, status="open")


def decide(client: Any, task: CaseTask, **body: Any) -> Any:
    return post(client, f"/api/v1/tasks/{task.pk}/decision", body)


# --- inbox -------------------------------------------------------------------------------------


def test_inbox_lists_open_tasks_most_urgent_first_in_fixed_queries(
    clerk: User, approver: User, client_for: Any
) -> None:
    # Accepted on three days: the oldest task is due first; the same due date falls back to
    # acceptance time.
    late = make_case(clerk=clerk, at=datetime(2026, 11, 16, 15, 0, tzinfo=LOCAL_TZ))
    early = make_case(clerk=clerk, at=datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TZ))
    newest = make_case(clerk=clerk, at=datetime(2026, 11, 18, 9, 0, tzinfo=LOCAL_TZ))
    for _ in range(3):
        make_case(clerk=clerk, at=datetime(2026, 11, 17, 9, 0, tzinfo=LOCAL_TZ))
    client = client_for(approver)
    with clock.frozen(WEDNESDAY):
        client.get("/api/v1/inbox")  # warm the token and calendar caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/inbox?page_size=4")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 6
    numbers = [row["case_number"] for row in body["items"]]
    assert numbers[:2] == [early.number, late.number]
    assert newest.number not in numbers  # due last, on page 2
    first = body["items"][0]
    assert first["item"] == {"code": "SF-GAHZ-011", "name": early.item_version.name}
    assert first["case_status"] == "accepted" and first["status"] == "open"
    assert first["due_on"] == "2026-11-19" and first["sla"] == "due_soon"
    assert body["counts"] == {"normal": 4, "due_soon": 2, "overdue": 0}
    # Token lookup, roles, then the counts by light, the page's ids and its rows: five,
    # whatever the page size or depth.
    assert len(queries) == 5, [q["sql"] for q in queries.captured_queries]
    with clock.frozen(WEDNESDAY):
        second = client.get("/api/v1/inbox?page=2&page_size=4").json()
    assert [r["case_number"] for r in second["items"]][-1] == newest.number


def test_inbox_filters_by_sla_light(clerk: User, approver: User, client_for: Any) -> None:
    make_case(clerk=clerk, at=date(2026, 11, 2))  # due 11-05: overdue on 11-18
    make_case(clerk=clerk, at=date(2026, 11, 18))  # due 11-23: normal
    client = client_for(approver)
    with clock.frozen(WEDNESDAY):
        overdue = client.get("/api/v1/inbox?sla=overdue").json()
        normal = client.get("/api/v1/inbox?sla=normal").json()
    assert [r["sla"] for r in overdue["items"]] == ["overdue"]
    assert [r["due_on"] for r in normal["items"]] == ["2026-11-23"]


def test_inbox_is_per_department_and_approvers_only(
    clerk: User, approver: User, other_approver: User, outsider: User, client_for: Any
) -> None:
    make_case(clerk=clerk)
    assert client_for(other_approver).get("/api/v1/inbox").json()["total"] == 0
    assert client_for(approver).get("/api/v1/inbox").json()["total"] == 1
    for user, status in ((outsider, 403), (clerk, 403), (None, 401)):
        response = client_for(user).get("/api/v1/inbox")
        assert response.status_code == status
        assert response.json()["code"] in {"permission.denied", "auth.required"}


# --- decisions ---------------------------------------------------------------------------------


def test_approving_each_serial_stage_opens_the_next_then_approves_the_case(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)
    client = client_for(approver)
    with clock.frozen(WEDNESDAY):
        first = open_task(case, "GAHZ")
        response = decide(client, first, action="approve", comment="材料齐全")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "approved"
        assert response.json()["case_status"] == "in_review"
        second = open_task(case, "GAHZ")
        assert second.stage == 2 and second.opened_on == date(2026, 11, 18)
        assert second.due_on == date(2026, 11, 19)  # 1 working day
        decide(client, second, action="approve")
        third = open_task(case, "GAHZ")
        assert third.due_on == date(2026, 12, 8)  # 14 working days
        last = decide(client, third, action="approve").json()
    case.refresh_from_db()
    assert last["case_status"] == "approved" and case.status == "approved"
    assert case.decided_at == WEDNESDAY
    assert events(case) == [
        "case.accepted",
        "task.opened",
        "task.approved",
        "task.opened",
        "task.approved",
        "task.opened",
        "task.approved",
        "case.approved",
    ]
    assert Notification.objects.filter(template="case.approved", target=case.ledger_ref).exists()
    # Each hand-off told the department's approvers of the new task (stages 2 and 3).
    assert Notification.objects.filter(template="task.opened", recipient=approver).count() == 2


def test_parallel_stage_moves_on_only_when_every_task_is_approved(
    clerk: User, other_approver: User, rssb_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM, at=WEDNESDAY)
    with clock.frozen(WEDNESDAY):
        decide(client_for(other_approver), open_task(case, "SC"), action="approve")
        statuses = dict(CaseTask.objects.filter(case=case).values_list("position", "status"))
        assert sorted(statuses.values()).count("waiting") == 3  # RSJY waits for RSSB
        decide(client_for(rssb_approver), open_task(case, "RSSB"), action="approve")
    rsjy = open_task(case, "RSJY")
    assert rsjy.stage == 2 and rsjy.due_on == date(2026, 11, 26)  # 6 working days


def test_rejection_ends_the_case_and_cancels_every_other_task(
    clerk: User, other_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM, at=WEDNESDAY)
    with clock.frozen(WEDNESDAY):
        response = decide(
            client_for(other_approver),
            open_task(case, "SC"),
            action="reject",
            comment="经营主体已注销，不符合申领条件",
        )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == "rejected"
    statuses = [t.status for t in case.tasks.all()]
    assert statuses.count("rejected") == 1 and statuses.count("cancelled") == 4
    assert events(case)[-2:] == ["task.rejected", "case.rejected"]
    notice = Notification.objects.get(template="case.rejected")
    assert "经营主体已注销" in notice.body and "行政复议" in notice.body


def test_deciding_a_task_that_is_not_open_is_409(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    client = client_for(approver)
    first = open_task(case, "GAHZ")
    assert decide(client, first, action="approve").status_code == 200
    again = decide(client, first, action="reject", comment="重复")
    assert again.status_code == 409 and again.json()["code"] == "task.not_open"
    waiting = CaseTask.objects.get(case=case, stage=3)
    early = decide(client, waiting, action="approve")
    assert early.status_code == 409 and early.json()["code"] == "task.not_open"


def test_deciding_in_a_closed_case_is_409_case_closed(
    clerk: User, other_approver: User, rssb_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM)
    rssb = open_task(case, "RSSB")
    decide(client_for(other_approver), open_task(case, "SC"), action="reject", comment="不符合")
    response = decide(client_for(rssb_approver), rssb, action="approve")
    assert response.status_code == 409 and response.json()["code"] == "case.closed"


def test_only_an_approver_of_the_tasks_department_may_decide(
    clerk: User, approver: User, other_approver: User, outsider: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    task = open_task(case, "GAHZ")
    foreign = decide(client_for(other_approver), task, action="approve")
    assert foreign.status_code == 404 and foreign.json()["code"] == "task.not_found"
    for user, status in ((outsider, 403), (clerk, 403), (None, 401)):
        # Refused before the body is read: even an empty body gets 401/403, never 400.
        response = post(client_for(user), f"/api/v1/tasks/{task.pk}/decision", {})
        assert response.status_code == status
    missing = decide(client_for(approver), task, action="approve")
    assert missing.status_code == 200
    unknown = post(client_for(approver), "/api/v1/tasks/999999/decision", {"action": "approve"})
    assert unknown.status_code == 404


def test_bad_decisions_are_400_with_every_field(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    task = open_task(case, "GAHZ")
    client = client_for(approver)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"action": "maybe"}, "action"),
        ({"action": "reject", "comment": "  "}, "comment"),
        ({"action": "supplement"}, "missing"),
        ({"action": "supplement", "missing": ["SF-XX-1"]}, "missing.0"),
        ({}, "action"),
    ]
    for body, field in cases:
        response = post(client, f"/api/v1/tasks/{task.pk}/decision", body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    task.refresh_from_db()
    assert task.status == "open"


def test_on_time_approval_earns_a_point_traceable_to_the_ledger(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)
    with clock.frozen(WEDNESDAY):
        decide(client_for(approver), open_task(case, "GAHZ"), action="approve")
    entry = PointEntry.objects.get(case=case)
    assert entry.rule == "handoff_on_time" and entry.points == 1
    ledger_entry = LedgerEntry.objects.get(index=entry.ledger_index)
    assert ledger_entry.event == "task.approved" and ledger_entry.target == case.ledger_ref
    assert entry.month == "2026-11"


def test_late_approval_loses_a_point_per_overdue_working_day(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)  # task due Mon 11-23
    with clock.frozen(datetime(2026, 11, 26, 10, 0, tzinfo=LOCAL_TZ)):  # Thu: 3 days late
        decide(client_for(approver), open_task(case, "GAHZ"), action="approve")
    entry = PointEntry.objects.get(case=case)
    assert (entry.rule, entry.points) == ("overdue_day", -3)
