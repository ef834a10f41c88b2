"""Workflow actions: 补正 at the window, 转办, 延长审批, 特别程序 and 出件."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.core.notifications.models import Notification
from onewindow.datahub.models import Certificate, Person
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case, CaseTask, PointEntry
from onewindow.workflow.tests.factories import PARALLEL_ITEM, make_case, post

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)
MONDAY_AFTER = datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL_TZ)


def open_task(case: Case, department: str = "GAHZ") -> CaseTask:
    return CaseTask.objects.get(case=case, department__code=department, status="open")


def last_event(case: Case) -> str:
    return str(
        LedgerEntry.objects.filter(target=case.ledger_ref).order_by("-index").first().event  # type: ignore[union-attr]  # the case has entries
    )


# --- 补正 --------------------------------------------------------------------------------------


def test_supplement_pauses_the_clock_until_the_window_receives_the_materials(
    clerk: User, approver: User, citizen: User, citizen_person: Person, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY, person=citizen_person)
    task = open_task(case)
    assert task.due_on == date(2026, 11, 23)
    with clock.frozen(WEDNESDAY):
        response = post(
            client_for(approver),
            f"/api/v1/tasks/{task.pk}/decision",
            {"action": "supplement", "missing": ["SF-GAHZ-011-M02"], "comment": "照片不清晰"},
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    case.refresh_from_db()
    assert case.status == "supplement" and case.paused_on == date(2026, 11, 18)
    notice = Notification.objects.get(template="case.supplement_requested")
    assert notice.recipient == citizen and notice.phone == "13800138000"
    assert "照片不清晰" in notice.body and "补正期间审批时限暂停计算" in notice.body
    assert Notification.objects.filter(template="case.returned_to_window", recipient=clerk).exists()
    # The light is frozen while paused: past the due date the task is still not overdue.
    with clock.frozen(datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL_TZ)):
        detail = client_for(clerk).get(f"/api/v1/cases/{case.number}").json()
    assert detail["status"] == "supplement" and detail["tasks"][0]["sla"] == "normal"
    assert detail["supplements"][0]["missing"][0]["material_id"] == "SF-GAHZ-011-M02"
    # Materials arrive on Monday: 3 working days (Thu, Fri, Mon) did not count.
    with clock.frozen(MONDAY_AFTER):
        incomplete = post(
            client_for(clerk), f"/api/v1/cases/{case.number}/supplements", {"materials": []}
        )
        assert incomplete.status_code == 400
        assert incomplete.json()["code"] == "supplement.incomplete"
        done = post(
            client_for(clerk),
            f"/api/v1/cases/{case.number}/supplements",
            {"materials": [{"material_id": "SF-GAHZ-011-M02", "provided": "paper"}]},
        )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "in_review" and body["paused_days"] == 3
    assert body["tasks"][0]["status"] == "open" and body["tasks"][0]["due_on"] == "2026-11-26"
    assert body["promised_due_on"] == "2026-12-21"  # 12-16 + 3 working days
    assert [e["type"] for e in body["events"]][-2:] == ["case.supplemented", "task.opened"]


def test_supplement_endpoint_rules(
    clerk: User, approver: User, outsider: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    path = f"/api/v1/cases/{case.number}/supplements"
    not_paused = post(client_for(clerk), path, {"materials": []})
    assert not_paused.status_code == 409 and not_paused.json()["code"] == "case.not_in_supplement"
    for user, status in ((approver, 403), (outsider, 403), (None, 401)):
        assert post(client_for(user), path, {}).status_code == status
    assert post(client_for(clerk), "/api/v1/cases/NOPE/supplements", {}).status_code == 404


def test_decisions_wait_while_the_case_is_paused(
    clerk: User, other_approver: User, rssb_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM)
    post(
        client_for(other_approver),
        f"/api/v1/tasks/{open_task(case, 'SC').pk}/decision",
        {"action": "supplement", "missing": ["SF-RSJY-006-M04"]},
    )
    response = post(
        client_for(rssb_approver),
        f"/api/v1/tasks/{open_task(case, 'RSSB').pk}/decision",
        {"action": "approve"},
    )
    assert response.status_code == 409 and response.json()["code"] == "case.paused"


def test_asking_the_same_case_twice_for_supplement_costs_points(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    for _ in range(2):
        post(
            client_for(approver),
            f"/api/v1/tasks/{open_task(case).pk}/decision",
            {"action": "supplement", "missing": ["SF-GAHZ-011-M02"]},
        )
        post(
            client_for(clerk),
            f"/api/v1/cases/{case.number}/supplements",
            {"materials": [{"material_id": "SF-GAHZ-011-M02", "provided": "paper"}]},
        )
    entry = PointEntry.objects.get(case=case)
    assert (entry.rule, entry.points, entry.event) == ("supplement_own_error", -3, "task.returned")


# --- 转办 --------------------------------------------------------------------------------------


def test_transfer_restarts_the_deadline_in_the_receiving_department(
    clerk: User, approver: User, other_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)
    task = open_task(case)
    with clock.frozen(MONDAY_AFTER):
        response = post(
            client_for(approver),
            f"/api/v1/tasks/{task.pk}/transfer",
            {"department": "SC", "reason": "涉及经营主体信息，由市场监管局核验"},
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tasks"][0]["department"]["code"] == "SC"
    assert body["tasks"][0]["due_on"] == "2026-11-26"  # 3 working days from Monday
    assert body["events"][-1]["type"] == "task.transferred"
    assert client_for(other_approver).get("/api/v1/inbox").json()["total"] == 1
    gone = post(client_for(approver), f"/api/v1/tasks/{task.pk}/decision", {"action": "approve"})
    assert gone.status_code == 404
    notice = Notification.objects.get(template="task.transferred")
    assert notice.recipient == other_approver and "市场监管局" in notice.body


def test_a_transfer_bounced_back_costs_the_first_department_points(
    clerk: User, approver: User, other_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    task = open_task(case)
    post(
        client_for(approver),
        f"/api/v1/tasks/{task.pk}/transfer",
        {"department": "SC", "reason": "转"},
    )
    back = post(
        client_for(other_approver),
        f"/api/v1/tasks/{task.pk}/transfer",
        {"department": "GAHZ", "reason": "不属于本部门职责"},
    )
    assert back.status_code == 200, back.content
    entry = PointEntry.objects.get(case=case)
    assert (entry.department.code, entry.rule, entry.points) == ("GAHZ", "transfer_bounced", -2)


def test_bad_transfers(clerk: User, approver: User, outsider: User, client_for: Any) -> None:
    case = make_case(clerk=clerk)
    path = f"/api/v1/tasks/{open_task(case).pk}/transfer"
    same = post(client_for(approver), path, {"department": "GAHZ", "reason": "x"})
    assert same.status_code == 400 and same.json()["code"] == "task.same_department"
    both = post(client_for(approver), path, {"department": "NOPE", "reason": " "})
    assert both.status_code == 400 and set(both.json()["fields"]) == {"department", "reason"}
    assert post(client_for(outsider), path, {}).status_code == 403


# --- 延长审批 ----------------------------------------------------------------------------------


def test_extension_by_the_department_head_moves_every_deadline_and_tells_why(
    clerk: User,
    approver: User,
    gahz_head: User,
    sc_head: User,
    citizen_person: Person,
    client_for: Any,
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY, person=citizen_person)
    path = f"/api/v1/cases/{case.number}/extensions"
    too_long = post(client_for(approver), path, {"days": 11, "reason": "需实地核查"})
    assert too_long.status_code == 400 and too_long.json()["code"] == "extension.too_long"
    with clock.frozen(WEDNESDAY):
        response = post(client_for(approver), path, {"days": 10, "reason": "需实地核查户籍信息"})
    assert response.status_code == 200, response.content
    extension = response.json()["extensions"][0]
    assert extension["status"] == "pending" and extension["is_joint"] is False
    again = post(client_for(approver), path, {"days": 5, "reason": "再延"})
    assert again.status_code == 409 and again.json()["code"] == "extension.pending"
    approve = f"/api/v1/extensions/{extension['id']}/approve"
    assert post(client_for(sc_head), approve).status_code == 404
    assert post(client_for(approver), approve).status_code == 403
    with clock.frozen(WEDNESDAY):
        done = post(client_for(gahz_head), approve)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["promised_due_on"] == "2026-12-30"  # 12-16 + 10 working days
    assert body["tasks"][0]["due_on"] == "2026-12-07"  # 11-23 + 10
    assert body["extended_days"] == 10
    assert body["events"][-1]["type"] == "case.extended"
    notice = Notification.objects.get(template="case.extended")
    assert "需实地核查户籍信息" in notice.body and "2026年12月30日" in notice.body
    twice = post(client_for(gahz_head), approve)
    assert twice.status_code == 409 and twice.json()["code"] == "extension.not_pending"
    granted = post(client_for(approver), path, {"days": 5, "reason": "再延"})
    assert granted.status_code == 409 and granted.json()["code"] == "extension.already_granted"


def test_a_joint_case_extends_by_fifteen_with_the_centres_approval(
    clerk: User, other_approver: User, sc_head: User, centre_admin: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM, at=WEDNESDAY)
    with clock.frozen(WEDNESDAY):
        response = post(
            client_for(other_approver),
            f"/api/v1/cases/{case.number}/extensions",
            {"days": 15, "reason": "多部门联合核查"},
        )
    assert response.status_code == 200, response.content
    extension = response.json()["extensions"][0]
    assert extension["is_joint"] is True
    approve = f"/api/v1/extensions/{extension['id']}/approve"
    assert post(client_for(sc_head), approve).status_code == 404
    with clock.frozen(WEDNESDAY):
        done = post(client_for(centre_admin), approve)
    assert done.status_code == 200 and done.json()["extended_days"] == 15
    assert Notification.objects.filter(template="case.extension_requested").exists()


def test_only_an_approver_with_an_open_task_may_ask_for_an_extension(
    clerk: User, other_approver: User, outsider: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    path = f"/api/v1/cases/{case.number}/extensions"
    assert post(client_for(other_approver), path, {"days": 5, "reason": "x"}).status_code == 404
    assert post(client_for(outsider), path, {}).status_code == 403
    assert post(client_for(clerk), path, {}).status_code == 403


# --- 特别程序 ----------------------------------------------------------------------------------


def test_special_procedure_stops_the_clock_until_it_ends(
    clerk: User, approver: User, other_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)
    path = f"/api/v1/cases/{case.number}/special-procedures"
    bad = post(client_for(approver), path, {"kind": "占卜", "reason": ""})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"kind", "reason"}
    with clock.frozen(WEDNESDAY):
        response = post(
            client_for(approver), path, {"kind": "鉴定", "reason": "照片需人像比对鉴定"}
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "suspended" and body["events"][-1]["type"] == "case.suspended"
    procedure = body["special_procedures"][0]
    blocked = post(
        client_for(approver), f"/api/v1/tasks/{open_task(case).pk}/decision", {"action": "approve"}
    )
    assert blocked.status_code == 409 and blocked.json()["code"] == "case.paused"
    second = post(client_for(approver), path, {"kind": "检验", "reason": "x"})
    assert second.status_code == 409
    end = f"/api/v1/special-procedures/{procedure['id']}/end"
    assert post(client_for(other_approver), end).status_code == 404
    with clock.frozen(datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL_TZ)):  # 5 working days later
        ended = post(client_for(approver), end, {"result": "鉴定一致"})
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert body["status"] == "in_review" and body["paused_days"] == 5
    assert body["tasks"][0]["due_on"] == "2026-11-30"  # 11-23 + 5 working days
    assert body["special_procedures"][0]["paused_days"] == 5
    assert Notification.objects.filter(template="case.suspended").exists()
    again = post(client_for(approver), end)
    assert again.status_code == 409 and again.json()["code"] == "special_procedure.ended"


# --- 出件 --------------------------------------------------------------------------------------


def approve_all(case: Case, approver: User, client: Any) -> None:
    while (task := CaseTask.objects.filter(case=case, status="open").first()) is not None:
        post(client, f"/api/v1/tasks/{task.pk}/decision", {"action": "approve"})
    assert Case.objects.get(pk=case.pk).status == "approved"


def test_delivery_completes_an_approved_case_and_files_its_certificate(
    clerk: User, approver: User, citizen: User, citizen_person: Person, client_for: Any
) -> None:
    case = make_case(clerk=clerk, person=citizen_person)
    path = f"/api/v1/cases/{case.number}/deliveries"
    early = post(client_for(clerk), path, {"method": "window"})
    assert early.status_code == 409 and early.json()["code"] == "case.not_approved"
    approve_all(case, approver, client_for(approver))
    assert post(client_for(clerk), path, {"method": "pigeon"}).status_code == 400
    assert post(client_for(approver), path, {"method": "window"}).status_code == 403
    response = post(client_for(clerk), path, {"method": "electronic"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed" and body["delivery_method"] == "electronic"
    assert body["completed_at"] is not None
    certificate = Certificate.objects.get(identifier=body["result_certificate"])
    assert certificate.type.code == "EC-SFZ" and certificate.person == citizen_person
    assert all(certificate.fields.get(k) for k in certificate.type.key_fields)
    assert certificate.fields["公民身份号码"] == citizen_person.id_number
    assert body["events"][-1]["type"] == "case.completed"
    again = post(client_for(clerk), path, {"method": "window"})
    assert again.status_code == 409 and again.json()["code"] == "case.closed"
    pdf = client_for(citizen).get(f"/api/v1/cases/{case.number}/result-notice")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Notification.objects.filter(template="case.completed", recipient=citizen).exists()


def test_result_notice_waits_for_completion_and_a_refusal_gets_one(
    clerk: User, approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk)
    path = f"/api/v1/cases/{case.number}/result-notice"
    assert client_for(clerk).get(path).status_code == 409
    post(
        client_for(approver),
        f"/api/v1/tasks/{open_task(case).pk}/decision",
        {"action": "reject", "comment": "户籍信息不符"},
    )
    pdf = client_for(clerk).get(path)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_item_without_an_evident_certificate_issues_none(
    clerk: User, other_approver: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, item_code=PARALLEL_ITEM)
    for code in ("RSSB", "RSJY"):
        make_user(f"a-{code}", "approver", department=code)
    while (task := CaseTask.objects.filter(case=case, status="open").first()) is not None:
        user = User.objects.filter(department=task.department, role_grants__role="approver").first()
        post(client_for(user), f"/api/v1/tasks/{task.pk}/decision", {"action": "approve"})
    response = post(
        client_for(clerk), f"/api/v1/cases/{case.number}/deliveries", {"method": "post"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["result_certificate"] is None
    assert last_event(case) == "case.completed"
