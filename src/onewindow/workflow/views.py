"""Case pages: my cases (applicants), the case page (applicant or staff in scope) and the
public progress page (办件编号 + 证件号码后4位, masked, rate-limited like the API)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from onewindow.accounts.models import User
from onewindow.core import ids, ratelimit
from onewindow.core.errors import DomainError, TooManyRequests
from onewindow.core.http import client_address
from onewindow.web.pages import roles_required, signed_in_user
from onewindow.workflow import access, selectors
from onewindow.workflow.errors import CaseNotFound
from onewindow.workflow.models import Case

APPLICANT_ROLES = ("citizen", "enterprise")
PAGE_SIZE = 20
# The same scope as the API's progress endpoint, so wrong guesses count once per address
# whichever door they come through.
PROGRESS_SCOPE = "progress"
CASE_NUMBER = re.compile(r"^[0-9A-Z-]{1,40}$")


# --- applicants' cases ---------------------------------------------------------------------


def _applicant_cases(user: User) -> QuerySet[Case]:
    """Cases the user applied for, as the person or organisation, or submitted online.

    TODO: belongs in ``workflow.selectors`` (``list_cases_for_applicant``) next to
    ``access.can_see_case``, whose applicant branch it mirrors.
    """
    mine = Q(submitted_by=user)
    person = getattr(user, "person", None)
    if person is not None:
        mine |= Q(person=person)
    organisation = getattr(user, "organisation", None)
    if organisation is not None:
        mine |= Q(organisation=organisation)
    return (
        Case.objects.filter(mine)
        .select_related("item_version", "item_version__department")
        .order_by("-accepted_at")
    )


@roles_required(*APPLICANT_ROLES)
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: newest first, 20 a page."""
    page = Paginator(_applicant_cases(signed_in_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
    """The case for the public progress view, limited exactly like the API.

    More than the configured wrong tries an hour from one address is TooManyRequests; an
    unknown number or a wrong verification code is CaseNotFound and counts as a wrong try.
    """
    address = client_address(request)
    window = timedelta(hours=1)
    limit = settings.ONEWINDOW["PROGRESS_WRONG_TRIES_PER_HOUR"]
    if ratelimit.is_blocked(PROGRESS_SCOPE, address, limit=limit, window=window):
        raise TooManyRequests("查询码错误次数过多，请一小时后再试")
    case = selectors.get_case(number) if len(number) <= 40 else None
    if case is None or not verify or ids.last4(case.applicant_code) != verify.strip().upper():
        ratelimit.record_failure(PROGRESS_SCOPE, address, window=window)
        raise CaseNotFound("办件不存在或查询码不正确")
    return case


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
