"""Case endpoints of the API: the case and its public progress view, the department inbox,
decisions and the workflow actions (补正, 转办, 延长审批, 特别程序, 出件), the supervision list,
collaboration points and in-app messages. Handlers validate, fetch through ``access``, call one
service and serialise (STYLE §3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from onewindow.accounts.auth import ApiAuth, request_user
from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput, Conflict, NotAuthenticated
from onewindow.core.http import clamp_page, client_address, paginate
from onewindow.core.notifications import services as outbox
from onewindow.core.notifications.models import Notification
from onewindow.workflow import access, documents, selectors, services
from onewindow.workflow.enums import CaseStatus, SlaState
from onewindow.workflow.models import Escalation, PointEntry

router = Router(tags=["办件"])

APPROVER = ApiAuth("approver")
CLERK = ApiAuth("clerk")
STAFF_READERS = ("centre_admin", "dept_admin", "approver", "auditor")
MONTH_HELP = "YYYY-MM，默认本月"


def _user(request: HttpRequest) -> User:
    user = request_user(request)
    if user is None:
        raise NotAuthenticated()
    return user


def _case_body(number: str) -> dict[str, Any]:
    case = selectors.get_case(number)
    assert case is not None  # the service just changed it
    return selectors.case_detail(case)


# --- cases and progress ---------------------------------------------------------------------


@router.get("/cases/{number}", summary="办件详情")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    return selectors.case_detail(access.case_for_user(_user(request), number))


@router.get("/cases/{number}/progress", auth=None, summary="公开进度查询")
def get_progress(request: HttpRequest, number: str, verify: str = "") -> dict[str, Any]:
    case = access.case_for_progress(number, verify, client_address(request))
    return selectors.progress_detail(case)


@router.get("/cases/{number}/result-notice", summary="办结通知书 / 不予许可决定书（PDF）")
def result_notice(request: HttpRequest, number: str) -> HttpResponse:
    case = access.case_for_user(_user(request), number)
    if case.status not in (CaseStatus.COMPLETED, CaseStatus.REJECTED):
        raise Conflict("办件尚未办结", code="case.not_completed")
    content = documents.render_result_notice(documents.result_notice_for(case))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-result.pdf"'
    return response


# --- the department inbox and decisions ---------------------------------------------------------


@router.get("/inbox", auth=APPROVER, summary="部门待办（最紧急的在前）")
def inbox(
    request: HttpRequest, page: int = 1, page_size: int = 20, sla: str = ""
) -> dict[str, Any]:
    user = _user(request)
    if user.department_id is None:
        return {"items": [], "total": 0, "counts": {"normal": 0, "due_soon": 0, "overdue": 0}}
    today = clock.today()
    sla = sla if sla in SlaState.values else ""
    number, size = clamp_page(page, page_size)
    counts = selectors.count_inbox(user.department_id)
    tasks = selectors.inbox_page(user.department_id, sla, number, size)
    # Open tasks always have a due date, so the lights add up to the total.
    total = counts[sla] if sla else sum(counts.values())
    return {
        "items": [selectors.inbox_row(t, today) for t in tasks],
        "total": total,
        "counts": counts,
    }


class DecisionIn(Schema):
    action: str
    comment: str = ""
    missing: list[str] = Field(default_factory=list)


@router.post(
    "/tasks/{task_id}/decision", auth=APPROVER, summary="审批决定：通过、不予许可或退回补正"
)
def decide(request: HttpRequest, task_id: int, payload: DecisionIn) -> dict[str, Any]:
    user = _user(request)
    task = services.decide_task(
        task=access.task_for_approver(user, task_id),
        action=payload.action,
        comment=payload.comment,
        missing=payload.missing,
        actor=user,
    )
    return selectors.inbox_row(selectors.get_task(task.pk))


class TransferIn(Schema):
    department: str
    reason: str = ""


@router.post("/tasks/{task_id}/transfer", auth=APPROVER, summary="转办")
def transfer(request: HttpRequest, task_id: int, payload: TransferIn) -> dict[str, Any]:
    user = _user(request)
    case = services.transfer_task(
        task=access.task_for_approver(user, task_id),
        to=payload.department.strip(),
        reason=payload.reason,
        actor=user,
    )
    return _case_body(case.number)


# --- the window: supplements and deliveries -----------------------------------------------------


class SuppliedIn(Schema):
    material_id: str
    provided: str = "paper"


class SupplementIn(Schema):
    materials: list[SuppliedIn] = Field(default_factory=list)


@router.post("/cases/{number}/supplements", auth=CLERK, summary="补正材料已收齐，恢复计时")
def receive_supplement(request: HttpRequest, number: str, payload: SupplementIn) -> dict[str, Any]:
    user = _user(request)
    case = services.receive_supplement(
        case=access.case_for_clerk(user, number),
        materials=[services.SuppliedMaterial(m.material_id, m.provided) for m in payload.materials],
        actor=user,
    )
    return _case_body(case.number)


class DeliveryIn(Schema):
    method: str


@router.post("/cases/{number}/deliveries", auth=CLERK, summary="出件送达（办结）")
def deliver(request: HttpRequest, number: str, payload: DeliveryIn) -> dict[str, Any]:
    user = _user(request)
    case = services.deliver_case(
        case=access.case_for_clerk(user, number), method=payload.method, actor=user
    )
    return _case_body(case.number)


# --- extensions and special procedures ----------------------------------------------------------


class ExtensionIn(Schema):
    days: int
    reason: str = ""


@router.post("/cases/{number}/extensions", auth=APPROVER, summary="申请延长审批期限")
def request_extension(request: HttpRequest, number: str, payload: ExtensionIn) -> dict[str, Any]:
    user = _user(request)
    case, department_id = access.case_for_task_approver(user, number)
    services.request_extension(
        case=case,
        department_id=department_id,
        days=payload.days,
        reason=payload.reason,
        actor=user,
    )
    return _case_body(case.number)


@router.post(
    "/extensions/{extension_id}/approve",
    auth=ApiAuth("dept_admin", "centre_admin"),
    summary="批准延长审批（部门负责人 +10；并联办件由中心 +15）",
)
def approve_extension(request: HttpRequest, extension_id: int) -> dict[str, Any]:
    user = _user(request)
    case = services.approve_extension(
        extension=access.extension_for_approver(user, extension_id), actor=user
    )
    return _case_body(case.number)


class SpecialProcedureIn(Schema):
    kind: str
    reason: str = ""


@router.post(
    "/cases/{number}/special-procedures",
    auth=APPROVER,
    summary="启动特别程序（听证、检验、鉴定、专家评审等，不计入时限）",
)
def start_special_procedure(
    request: HttpRequest, number: str, payload: SpecialProcedureIn
) -> dict[str, Any]:
    user = _user(request)
    case, department_id = access.case_for_task_approver(user, number)
    services.start_special_procedure(
        case=case, department_id=department_id, kind=payload.kind, reason=payload.reason, actor=user
    )
    return _case_body(case.number)


class SpecialProcedureEndIn(Schema):
    result: str = ""


@router.post("/special-procedures/{procedure_id}/end", auth=APPROVER, summary="结束特别程序")
def end_special_procedure(
    request: HttpRequest, procedure_id: int, payload: SpecialProcedureEndIn | None = None
) -> dict[str, Any]:
    user = _user(request)
    case = services.end_special_procedure(
        procedure=access.special_procedure_for_approver(user, procedure_id),
        result=payload.result if payload else "",
        actor=user,
    )
    return _case_body(case.number)


# --- supervision and collaboration points -------------------------------------------------------


@router.get(
    "/supervision", auth=ApiAuth("centre_admin", "auditor"), summary="中心督办清单（电子监察）"
)
def supervision(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    today = clock.today()

    def rows(escalations: Iterable[Escalation]) -> list[dict[str, Any]]:
        return [selectors.supervision_row(e, today) for e in escalations]

    return paginate(selectors.list_supervision(), page, page_size, rows)


def _month(month: str) -> str:
    month = month or f"{clock.today():%Y-%m}"
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise BadInput(fields={"month": "格式应为 YYYY-MM"})
    return month


@router.get("/collaboration/ranking", auth=ApiAuth(*STAFF_READERS), summary="事项流转积分月度排名")
def ranking(request: HttpRequest, month: str = "") -> dict[str, Any]:
    month = _month(month)
    return {
        "month": month,
        "weight_percent": selectors.current_weight(),
        "items": [row.__dict__ for row in selectors.monthly_ranking(month)],
    }


@router.get(
    "/collaboration/points", auth=ApiAuth(*STAFF_READERS), summary="积分明细（可追溯到账本）"
)
def point_entries(
    request: HttpRequest, month: str = "", department: str = "", page: int = 1, page_size: int = 20
) -> dict[str, Any]:
    month = _month(month)

    def rows(entries: Iterable[PointEntry]) -> list[dict[str, Any]]:
        return [selectors.point_row(p) for p in entries]

    return paginate(selectors.list_point_entries(month, department), page, page_size, rows)


class WeightIn(Schema):
    percent: int


@router.put("/collaboration/weight", auth=ApiAuth("centre_admin"), summary="设置积分考核权重")
def set_weight(request: HttpRequest, payload: WeightIn) -> dict[str, Any]:
    weight = services.set_weight(percent=payload.percent, actor=_user(request))
    return {"weight_percent": weight.percent, "set_at": weight.set_at}


# --- in-app messages ----------------------------------------------------------------------------


@router.get("/messages", summary="我的站内消息")
def messages(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    user = _user(request)

    def rows(notifications: Iterable[Notification]) -> list[dict[str, Any]]:
        return [
            {
                "id": n.pk,
                "title": n.title,
                "body": n.body,
                "target": n.target or None,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in notifications
        ]

    body = paginate(outbox.list_for_user(user.pk), page, page_size, rows)
    body["unread"] = outbox.count_unread(user.pk)
    return body


class ReadIn(Schema):
    ids: list[int] | None = None


@router.post("/messages/read", summary="标记站内消息为已读")
def read_messages(request: HttpRequest, payload: ReadIn) -> dict[str, Any]:
    user = _user(request)
    return {"marked": outbox.mark_read(user_id=user.pk, notification_ids=payload.ids)}
