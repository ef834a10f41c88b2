"""The back office's pages: the inbox, case actions (HTMX and plain posts), supervision and
messages."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.workflow import services
from onewindow.workflow.models import Case, CaseTask
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)
HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inbox_page_shows_lights_and_filters_with_htmx(
    clerk: User, approver: User, citizen: User
) -> None:
    case = make_case(clerk=clerk, at=WEDNESDAY)
    client = signed_in(approver)
    with clock.frozen(WEDNESDAY):
        page = client.get("/inbox/")
        partial = client.get("/inbox/?sla=overdue", headers=HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "审批工作台" in html and case.number in html and "sla-normal" in html
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "没有待办环节" in partial.content.decode()
    assert signed_in(citizen).get("/inbox/").status_code == 403
    assert Client().get("/inbox/").status_code == 302


def test_case_page_offers_the_approvers_actions_and_decides_with_htmx(
    clerk: User, approver: User, other_approver: User
) -> None:
    case = make_case(clerk=clerk)
    task = CaseTask.objects.get(case=case, stage=1)
    client = signed_in(approver)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "审批决定" in page and "转办" in page and "申请延长审批" in page
    assert (
        "审批决定" not in signed_in(other_approver).get(f"/cases/{case.number}/").content.decode()
    )
    response = client.post(
        f"/cases/{case.number}/actions/decide/",
        {"task": task.pk, "decision": "approve", "comment": "同意"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "已通过" in body and "<html" not in body
    task.refresh_from_db()
    assert task.status == "approved"


def test_errors_come_back_in_the_panel_and_plain_posts_redirect(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk)
    task = CaseTask.objects.get(case=case, stage=1)
    client = signed_in(approver)
    error = client.post(
        f"/cases/{case.number}/actions/decide/",
        {"task": task.pk, "decision": "reject", "comment": ""},
        headers=HTMX,
    )
    assert error.status_code == 200 and "请填写不予许可的理由" in error.content.decode()
    plain = client.post(
        f"/cases/{case.number}/actions/transfer/",
        {"task": task.pk, "department": "SC", "reason": "由市场监管局办理"},
    )
    assert plain.status_code == 302 and plain["Location"] == f"/cases/{case.number}/"
    conflict = client.post(f"/cases/{case.number}/actions/extend/", {"days": "5", "reason": "x"})
    assert conflict.status_code == 404  # the task left the department with the transfer


def test_the_window_receives_supplements_and_delivers_from_the_case_page(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk)
    services.decide_task(
        task=CaseTask.objects.get(case=case, stage=1),
        action="supplement",
        missing=["SF-GAHZ-011-M02"],
        actor=approver,
    )
    client = signed_in(clerk)
    assert "收取补正材料" in client.get(f"/cases/{case.number}/").content.decode()
    client.post(
        f"/cases/{case.number}/actions/supplement/",
        {"received": ["SF-GAHZ-011-M02"], "provided-SF-GAHZ-011-M02": "paper"},
    )
    assert Case.objects.get(pk=case.pk).status == "in_review"
    while (task := CaseTask.objects.filter(case=case, status="open").first()) is not None:
        services.decide_task(task=task, action="approve", actor=approver)
    response = client.post(
        f"/cases/{case.number}/actions/deliver/", {"method": "window"}, headers=HTMX
    )
    assert "办件已办结" in response.content.decode()
    pdf = client.get(f"/cases/{case.number}/result.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_supervision_and_messages_pages(clerk: User, centre_admin: User, approver: User) -> None:
    case = make_case(clerk=clerk, at=datetime(2026, 11, 2, 10, 0, tzinfo=LOCAL_TZ))
    with clock.frozen(WEDNESDAY):
        services.sweep_escalations()
        page = signed_in(centre_admin).get("/supervision/")
    assert page.status_code == 200 and case.number in page.content.decode()
    assert signed_in(approver).get("/supervision/").status_code == 403
    messages = signed_in(centre_admin).get("/messages/").content.decode()
    assert "电子监察" in messages and case.number in messages and "未读 1 条" in messages
    assert "暂无消息" in signed_in(approver).get("/messages/").content.decode()
    mark = signed_in(centre_admin).post("/messages/")
    assert mark.status_code == 302
