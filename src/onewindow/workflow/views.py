"""Case pages: my cases (applicants), the case page (applicant or staff in scope) and the
public progress page (办件编号 + 证件号码后4位, masked, rate-limited like the API)."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from onewindow.core.errors import DomainError
from onewindow.core.http import client_address
from onewindow.web.pages import roles_required, signed_in_user
from onewindow.workflow import access, selectors
from onewindow.workflow.models import Case

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


@roles_required()
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """Status, tasks with SLA lights, the ledger-backed timeline and the materials."""
    user = signed_in_user(request)
    case = access.case_for_user(user, number)
    return render(
        request,
        "workflow/case.html",
        {
            "nav": "window" if user.has_role("clerk") else "my",
            "case": case,
            "detail": selectors.case_detail(case),
        },
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
