"""Case pages: my cases (applicants), the case page with the back office's actions (approvers,
department heads, the centre, the window), the department inbox (审批工作台), the supervision
list (督办清单), in-app messages, and the public progress page (办件编号 + 证件号码后4位,
masked, rate-limited like the API).

Actions post plain forms; with HTMX the case panel is swapped in place (errors included, with
status 200 so that HTMX swaps them), without it the browser is redirected back to the page."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onewindow.accounts.models import Department, User
from onewindow.core import clock
from onewindow.core.errors import BadInput, Conflict, DomainError
from onewindow.core.http import client_address
from onewindow.core.notifications import services as outbox
from onewindow.web.pages import (
    is_partial,
    pdf_response,
    roles_required,
    signed_in_user,
    vary_on_htmx,
)
from onewindow.workflow import access, documents, selectors, services
from onewindow.workflow.enums import (
    CaseStatus,
    DeliveryMethod,
    Provided,
    SlaState,
    SpecialProcedureKind,
)
from onewindow.workflow.models import Case, CaseTask

APPLICANT_ROLES = ("citizen", "enterprise")
PAGE_SIZE = 20
CASE_NUMBER = re.compile(r"^[0-9A-Z-]{1,40}$")


# --- applicants' cases ---------------------------------------------------------------------


@roles_required(*APPLICANT_ROLES)
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: newest first, 20 a page."""
    page = Paginator(
        selectors.list_cases_for_applicant(signed_in_user(request)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "workflow/my_cases.html", {"nav": "my", "page": page})


def _case_context(user: User, case: Case) -> dict[str, object]:
    capabilities = access.case_capabilities(user, case)
    open_supplements = [r for r in case.supplements.all() if r.received_at is None]
    context: dict[str, object] = {
        "case": case,
        "detail": selectors.case_detail(case),
        "can": capabilities,
        "pending_supplements": [m for r in open_supplements for m in r.missing],
    }
    if capabilities.open_tasks:
        context["materials"] = list(case.item_version.materials.all())
        context["departments"] = list(
            Department.objects.exclude(pk=capabilities.open_tasks[0].department_id).only(
                "code", "name"
            )
        )
        context["procedure_kinds"] = SpecialProcedureKind.choices
        context["extension_limit"] = services.extension_limit(_is_joint(case))
    if capabilities.may_deliver:
        context["delivery_methods"] = DeliveryMethod.choices
    if capabilities.may_receive_supplement:
        context["provided_choices"] = [
            (Provided.PAPER, "纸质"),
            (Provided.ELECTRONIC, "电子"),
            (Provided.CERTIFICATE, "电子证照"),
        ]
    return context


def _is_joint(case: Case) -> bool:
    stages: dict[int, set[int]] = {}
    for task in case.tasks.all():
        stages.setdefault(task.stage, set()).add(task.department_id)
    return any(len(d) > 1 for d in stages.values())


def _nav(user: User) -> str:
    if user.has_role("approver"):
        return "inbox"
    return "window" if user.has_role("clerk") else "my"


def _render_case(
    request: HttpRequest,
    user: User,
    number: str,
    *,
    error: DomainError | None = None,
    notice: str = "",
) -> HttpResponse:
    case = access.case_for_user(user, number)
    context = _case_context(user, case) | {"nav": _nav(user), "error": error, "notice": notice}
    if is_partial(request):
        # HTMX swaps only 2xx responses: errors travel inside the panel.
        return vary_on_htmx(render(request, "workflow/_case_panel.html", context))
    status = error.status if error is not None else 200
    return vary_on_htmx(render(request, "workflow/case.html", context, status=status))


@roles_required()
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """Status, tasks with SLA lights, the actions the user may take, the ledger-backed
    timeline and the materials."""
    return _render_case(request, signed_in_user(request), number)


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise BadInput(fields={field: "应为整数"}) from None


def _decide(request: HttpRequest, user: User, number: str) -> str:
    task = access.task_for_approver(user, _int(request.POST.get("task"), "task"))
    decision = request.POST.get("decision", "")
    services.decide_task(
        task=task,
        action=decision,
        comment=request.POST.get("comment", ""),
        missing=request.POST.getlist("missing"),
        actor=user,
    )
    return {"approve": "已通过", "reject": "已作出不予许可决定", "supplement": "已退回窗口补正"}[
        decision
    ]


def _transfer(request: HttpRequest, user: User, number: str) -> str:
    task = access.task_for_approver(user, _int(request.POST.get("task"), "task"))
    services.transfer_task(
        task=task,
        to=request.POST.get("department", ""),
        reason=request.POST.get("reason", ""),
        actor=user,
    )
    return "已转办"


def _extend(request: HttpRequest, user: User, number: str) -> str:
    case, department_id = access.case_for_task_approver(user, number)
    services.request_extension(
        case=case,
        department_id=department_id,
        days=_int(request.POST.get("days"), "days"),
        reason=request.POST.get("reason", ""),
        actor=user,
    )
    return "已提交延长审批申请，待负责人批准"


def _approve_extension(request: HttpRequest, user: User, number: str) -> str:
    extension = access.extension_for_approver(
        user, _int(request.POST.get("extension"), "extension")
    )
    services.approve_extension(extension=extension, actor=user)
    return "已批准延长审批，已告知申请人"


def _start_special(request: HttpRequest, user: User, number: str) -> str:
    case, department_id = access.case_for_task_approver(user, number)
    services.start_special_procedure(
        case=case,
        department_id=department_id,
        kind=request.POST.get("kind", ""),
        reason=request.POST.get("reason", ""),
        actor=user,
    )
    return "特别程序已开始，计时暂停"


def _end_special(request: HttpRequest, user: User, number: str) -> str:
    procedure = access.special_procedure_for_approver(
        user, _int(request.POST.get("procedure"), "procedure")
    )
    services.end_special_procedure(
        procedure=procedure, result=request.POST.get("result", ""), actor=user
    )
    return "特别程序已结束，恢复计时"


def _receive_supplement(request: HttpRequest, user: User, number: str) -> str:
    case = access.case_for_clerk(user, number)
    services.receive_supplement(
        case=case,
        materials=[
            services.SuppliedMaterial(code, request.POST.get(f"provided-{code}", Provided.PAPER))
            for code in request.POST.getlist("received")
        ],
        actor=user,
    )
    return "补正材料已收齐，恢复计时"


def _deliver(request: HttpRequest, user: User, number: str) -> str:
    case = access.case_for_clerk(user, number)
    services.deliver_case(case=case, method=request.POST.get("method", ""), actor=user)
    return "已出件，办件已办结"


ACTIONS: dict[str, Callable[[HttpRequest, User, str], str]] = {
    "decide": _decide,
    "transfer": _transfer,
    "extend": _extend,
    "approve-extension": _approve_extension,
    "special-procedure": _start_special,
    "end-special-procedure": _end_special,
    "supplement": _receive_supplement,
    "deliver": _deliver,
}


@require_POST
@roles_required("approver", "dept_admin", "centre_admin", "clerk")
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One workflow action from the case page; the service decides, the page re-renders."""
    handler = ACTIONS.get(action)
    user = signed_in_user(request)
    if handler is None:
        return _render_case(request, user, number, error=BadInput("未知的操作"))
    try:
        notice = handler(request, user, number)
    except (BadInput, Conflict) as exc:
        return _render_case(request, user, number, error=exc)
    if is_partial(request):
        return _render_case(request, user, number, notice=notice)
    messages.success(request, notice)
    return redirect(reverse("workflow:case", args=[number]))


@roles_required()
def result_notice(request: HttpRequest, number: str) -> HttpResponse:
    """办结通知书 / 不予许可决定书 of a closed case."""
    case = access.case_for_user(signed_in_user(request), number)
    if case.status not in (CaseStatus.COMPLETED, CaseStatus.REJECTED):
        raise Conflict("办件尚未办结")
    content = documents.render_result_notice(documents.result_notice_for(case))
    title = "办结通知书" if case.status == CaseStatus.COMPLETED else "不予许可决定书"
    return pdf_response(content, f"{case.number}-{title}.pdf")


# --- the back office -------------------------------------------------------------------------


@roles_required("approver")
def inbox(request: HttpRequest) -> HttpResponse:
    """审批工作台: the department's open tasks, most urgent first, with SLA lights."""
    user = signed_in_user(request)
    sla = request.GET.get("sla", "")
    sla = sla if sla in SlaState.values else ""
    tasks: list[CaseTask] = []
    counts: dict[str, int] = {}
    if user.department_id is not None:
        counts = selectors.count_inbox(user.department_id)
    total = (counts.get(sla, 0) if sla else sum(counts.values())) if counts else 0
    # The paginator only numbers the pages; the rows come from the index-ordered page query.
    page = Paginator(range(total), PAGE_SIZE).get_page(request.GET.get("page"))
    if user.department_id is not None and total:
        tasks = selectors.inbox_page(user.department_id, sla, page.number, PAGE_SIZE)
    today = clock.today()
    context = {
        "nav": "inbox",
        "page": page,
        "rows": [selectors.inbox_row(t, today) for t in tasks],
        "sla": sla,
        "counts": counts,
        "department": user.department,
    }
    template = "workflow/_inbox_table.html" if is_partial(request) else "workflow/inbox.html"
    return vary_on_htmx(render(request, template, context))


@roles_required("centre_admin", "auditor")
def supervision(request: HttpRequest) -> HttpResponse:
    """督办清单 (电子监察): tasks overdue by the configured working days and still open."""
    page = Paginator(selectors.list_supervision(), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    return render(
        request,
        "workflow/supervision.html",
        {
            "nav": "supervision",
            "page": page,
            "rows": [selectors.supervision_row(e, today) for e in page.object_list],
        },
    )


@roles_required()
def messages_page(request: HttpRequest) -> HttpResponse:
    """站内消息: newest first; posting marks them all read."""
    user = signed_in_user(request)
    if request.method == "POST":
        outbox.mark_read(user_id=user.pk)
        return redirect(reverse("workflow:messages"))
    page = Paginator(outbox.list_for_user(user.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/messages.html",
        {"nav": "messages", "page": page, "unread": outbox.count_unread(user.pk)},
    )


# --- public progress -----------------------------------------------------------------------


def progress_case(request: HttpRequest, number: str, verify: str) -> Case:
    """The case for the public progress view, limited exactly like the API."""
    return access.case_for_progress(number, verify, client_address(request))


@never_cache
def progress(request: HttpRequest, number: str = "") -> HttpResponse:
    """进度查询: a form (number + last 4 characters of the ID), and on POST the masked result."""
    context: dict[str, object] = {"nav": "progress", "number": number.strip().upper()[:40]}
    if request.method != "POST":
        return render(request, "workflow/progress.html", context)
    number = request.POST.get("number", number).strip().upper()[:40]
    verify = request.POST.get("verify", "").strip()[:4]
    context["number"] = number
    errors: dict[str, str] = {}
    if not CASE_NUMBER.match(number):
        errors["number"] = "请输入办件编号（数字、大写字母或连字符）"
    if len(verify) != 4:
        errors["verify"] = "请输入申请人证件号码的后4位"
    if errors:
        return render(request, "workflow/progress.html", context | {"errors": errors}, status=400)
    try:
        case = progress_case(request, number, verify)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "workflow/progress.html", context, status=exc.status)
    return render(
        request,
        "workflow/progress_result.html",
        context | {"progress": selectors.progress_detail(case)},
    )
