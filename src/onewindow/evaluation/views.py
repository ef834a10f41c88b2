"""好差评 pages: rating forms (case page, token link, hall tablet), the rectification list and
the live indicator dashboard. Views parse input, call one service and render (STYLE §3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import DomainError
from onewindow.evaluation import access, scorecard, selectors, services, tokens
from onewindow.evaluation.enums import Classification, Level, ReviewChannel, Stage
from onewindow.evaluation.models import Review
from onewindow.web.pages import current_user, roles_required, signed_in_user
from onewindow.workflow import selectors as workflow
from onewindow.workflow.models import Case

ADMINS = ("centre_admin", "dept_admin")
DIMENSIONS = ("服务效率", "服务水平", "服务态度")


def _rating(request: HttpRequest, channel: str) -> services.Rating | None:
    """The rating posted by a form, or None when the level or stage is not valid."""
    level = request.POST.get("level", "")
    stage = request.POST.get("stage", Stage.ACCEPT)
    if not level.isdigit() or int(level) not in Level.values or stage not in Stage.values:
        return None
    return services.Rating(
        stage=stage,
        level=int(level),
        channel=channel,
        text=request.POST.get("text", "").strip()[:2000],
        has_contact_consent=request.POST.get("contact_consent") == "on",
    )


def _submit(
    request: HttpRequest, case: Case, channel: str, actor: User | None, token: str | None
) -> str | None:
    """Rate the case from the posted form; the Chinese error message or None on success."""
    rating = _rating(request, channel)
    if rating is None:
        return "请选择评价等级"
    try:
        services.rate_case(case=case, rating=rating, actor=actor, token=token)
    except DomainError as exc:
        return exc.message
    return None


def _form_context(case: Case, stage: str) -> dict[str, Any]:
    return {"case": case, "stage": stage, "levels": Level.choices, "dimensions": DIMENSIONS}


@roles_required("citizen", "enterprise")
def rate_case_page(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's small rating form for a case of theirs."""
    user = signed_in_user(request)
    case = workflow.get_case(number)
    if case is None or not access.is_applicant(user, case):
        raise Http404("未找到该办件")
    stage = Stage.COMPLETE if case.completed_at else Stage.ACCEPT
    error = ""
    if request.method == "POST":
        error = _submit(request, case, ReviewChannel.PC, user, None) or ""
        if not error:
            messages.success(request, "感谢您的评价！")
            return redirect("evaluation:rate-case", number=number)
    done = set(Review.objects.filter(case=case).values_list("stage", flat=True))
    context = {**_form_context(case, stage), "error": error, "done": done, "nav": "my"}
    return render(request, "evaluation/rate.html", context)


def rate_with_token(request: HttpRequest, token: str) -> HttpResponse:
    """The public page an SMS link or receipt QR code opens; no sign-in needed."""
    claim = tokens.read_token(token)
    case = workflow.get_case(claim.number) if claim else None
    if claim is None or case is None:
        return render(request, "evaluation/token_invalid.html", status=403)
    error = ""
    if request.method == "POST":
        channel = request.POST.get("channel", ReviewChannel.QR_CODE)
        channel = channel if channel in (ReviewChannel.QR_CODE, ReviewChannel.SMS) else "二维码"
        error = _submit(request, case, channel, current_user(request), token) or ""
        if not error:
            return render(request, "evaluation/thanks.html")
    context = {**_form_context(case, claim.stage), "error": error, "token": token, "done": set()}
    return render(request, "evaluation/rate.html", context)


@roles_required("clerk")
def tablet(request: HttpRequest) -> HttpResponse:
    """评价器: the clerk's current case with big buttons, for the applicant at the window."""
    user = signed_in_user(request)
    case = selectors.get_current_case_for_clerk(user)
    error, thanks = "", False
    if request.method == "POST" and case is not None:
        token = tokens.token_for(case, Stage.ACCEPT)
        error = _submit(request, case, ReviewChannel.HALL_TABLET, None, token) or ""
        thanks = not error
    rated = case is not None and Review.objects.filter(case=case, stage=Stage.ACCEPT).exists()
    context = {"case": case, "levels": Level.choices, "error": error, "thanks": thanks}
    return render(request, "evaluation/tablet.html", {**context, "rated": rated})


@roles_required(*ADMINS)
def rectifications(request: HttpRequest) -> HttpResponse:
    """差评整改: the caller's rectifications with the next steps they may take."""
    user = signed_in_user(request)
    rows = [
        (r, access.may_see_evaluator(user, r.review.has_contact_consent))
        for r in selectors.list_rectifications(user)[:200]
    ]
    context = {"rows": rows, "classifications": Classification.choices, "nav": "rectifications"}
    return render(request, "evaluation/rectifications.html", context)


@require_POST
@roles_required(*ADMINS)
def rectification_action(request: HttpRequest, rectification_id: int) -> HttpResponse:
    user = signed_in_user(request)
    rectification = access.rectification_for_admin(user, rectification_id)
    satisfied = request.POST.get("satisfied")
    try:
        services.act_on_rectification(
            rectification=rectification,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", "").strip()[:2000],
            actor=user,
            classification=request.POST.get("classification") or None,
            satisfied=None if satisfied is None else satisfied == "yes",
        )
    except (DomainError, KeyError) as exc:
        text = exc.message if isinstance(exc, DomainError) else "未知操作"
        messages.error(request, text)
    else:
        messages.success(request, "已办理")
    return redirect("evaluation:rectifications")


def _kpi_context(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    department = request.GET.get("department", "").strip()
    if not user.has_role("centre_admin"):
        department = user.department.code if user.department is not None else "-"
    scope = selectors.KpiFilters(
        department=department or None,
        window=request.GET.get("window", "").strip() or None,
        staff=request.GET.get("staff", "").strip() or None,
        item=request.GET.get("item", "").strip() or None,
    )
    figures = selectors.get_review_kpis(scope)
    rates = [
        ("好评率", figures.good_rate),
        ("差评率", figures.bad_rate),
        ("未评率", figures.unrated_rate),
        ("差评回复率", figures.reply_rate),
        ("回访整改率", figures.rectified_rate),
        ("回访整改满意率", figures.revisit_satisfaction_rate),
    ]
    percent = [(name, None if v is None else round(v * 100, 1)) for name, v in rates]
    return {"figures": figures, "rates": percent, "query": request.GET.urlencode()}


@roles_required(*ADMINS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """好差评看板: live indicators; the figures block refreshes itself every 15 s (HTMX)."""
    context = {**_kpi_context(request), "nav": "review-kpis"}
    return render(request, "evaluation/dashboard.html", context)


@roles_required(*ADMINS)
def dashboard_figures(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/_figures.html", _kpi_context(request))


@roles_required(*ADMINS)
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """部门考核: the month's department scorecard with Excel and PDF downloads."""
    month = request.GET.get("month", "").strip() or clock.today().strftime("%Y-%m")
    try:
        weights, rows = scorecard.build_scorecard(month)
    except DomainError as exc:
        month = clock.today().strftime("%Y-%m")
        weights, rows = scorecard.build_scorecard(month)
        messages.error(request, exc.message)
    context = {"month": month, "weights": weights, "rows": rows, "nav": "review-kpis"}
    return render(request, "evaluation/scorecard.html", context)
