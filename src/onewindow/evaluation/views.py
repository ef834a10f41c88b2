"""好差评 pages: rating forms (the case page's 好差评 block, token link, hall tablet), the
rectification list and the live indicator dashboard. Views parse input, call one service and
render (STYLE §3).

The case page belongs to the workflow, below this app, so it loads the 好差评 block from
:func:`case_reviews` with HTMX (``hx-get``); the block posts back to the same view and is
swapped in place. Every rating form carries a ``submission_key`` (``idempotent_form``), so a
replayed form answers as the first one did, and a second rating of a rated stage is the
``review.duplicate`` message, never a second review."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput, DomainError
from onewindow.core.middleware import idempotent_form, new_submission_key
from onewindow.evaluation import access, charts, events, scorecard, selectors, services, tokens
from onewindow.evaluation.enums import Classification, Level, ReviewChannel, Stage
from onewindow.evaluation.models import Review
from onewindow.web.pages import current_user, is_partial, roles_required, signed_in_user
from onewindow.workflow import access as case_access
from onewindow.workflow import selectors as workflow
from onewindow.workflow.models import Case

ADMINS = ("centre_admin", "dept_admin")
DIMENSIONS = ("服务效率", "服务水平", "服务态度")
THANKS = "感谢您的评价！"
# GB/T 39046 table 9 tells 移动服务端 from PC端; the browser's own description is all a page
# knows about the device.
MOBILE_AGENT = re.compile(r"Mobi|Android|iPhone|iPad|HarmonyOS", re.IGNORECASE)


def _level(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) in Level.values else None


def _rating(post: Mapping[str, str], stage: str, channel: str) -> services.Rating:
    """The rating a form posted; BadInput naming every bad field at once."""
    fields: dict[str, str] = {}
    if stage not in Stage.values:
        fields["stage"] = "评价环节应为受理或办结"
    level = _level(post.get("level", ""))
    if level is None:
        fields["level"] = "请选择总体评价等级"
    dimensions: dict[str, Any] = {}
    for index, name in enumerate(DIMENSIONS):
        raw = post.get(f"dimension-{index}", "")
        value = _level(raw)
        if value is not None:
            dimensions[name] = value
        elif raw:
            fields[f"dimensions.{name}"] = f"“{name}”的评价等级无效"
    if fields or level is None:
        raise BadInput("评价未提交：请检查后重试", fields=fields)
    return services.Rating(
        stage=stage,
        level=level,
        channel=channel,
        dimensions=dimensions,
        text=post.get("text", "").strip()[:2000],
        has_contact_consent=post.get("contact_consent") == "on",
    )


def _submit(
    request: HttpRequest,
    case: Case,
    *,
    channel: str,
    actor: User | None,
    stage: str | None = None,
    token: str | None = None,
) -> DomainError | None:
    """Rate the case from the posted form; the error to show, or None on success."""
    try:
        rating = _rating(request.POST, stage or request.POST.get("stage", ""), channel)
        services.rate_case(case=case, rating=rating, actor=actor, token=token)
    except DomainError as exc:
        return exc
    return None


def _page_channel(request: HttpRequest) -> str:
    agent = request.headers.get("User-Agent", "")
    return ReviewChannel.MOBILE if MOBILE_AGENT.search(agent) else ReviewChannel.PC


def _form_context() -> dict[str, Any]:
    return {"levels": Level.choices, "dimensions": list(enumerate(DIMENSIONS))}


@dataclass(frozen=True)
class StageRow:
    """One service event of the case in the 好差评 block."""

    value: str
    label: str
    review: Review | None
    is_open: bool  # the event has happened, so it may be rated (办结: after completion)
    submission_key: str  # the applicant's form for it; empty when no form is shown
    # Staff never see who rated unless the evaluator agreed to be contacted (the same rule as
    # the rectification list).
    shows_evaluator: bool = False


def _block_context(
    user: User, case: Case, *, error: DomainError | None = None, notice: str = ""
) -> dict[str, Any]:
    is_applicant = access.is_applicant(user, case)
    given = selectors.reviews_by_stage(case)
    rows = []
    for value, label in Stage.choices:
        is_open = events.has_happened(case, value)
        review = given.get(value)
        show_form = is_applicant and is_open and review is None
        key = new_submission_key() if show_form else ""
        shows = review is not None and access.may_see_evaluator(user, review.has_contact_consent)
        rows.append(StageRow(value, str(label), review, is_open, key, shows))
    return {
        **_form_context(),
        "case": case,
        "rows": rows,
        "is_applicant": is_applicant,
        "error": error,
        "notice": notice,
    }


def _case_reviews(request: HttpRequest, number: str, *, full_page: bool) -> HttpResponse:
    user = signed_in_user(request)
    case = case_access.case_for_user(user, number)
    error: DomainError | None = None
    notice = ""
    if request.method == "POST":
        error = _submit(request, case, channel=_page_channel(request), actor=user)
        if error is None and not is_partial(request):
            messages.success(request, THANKS)
            return redirect("evaluation:rate-case", number=case.number)
        notice = "" if error else THANKS
        full_page = full_page or not is_partial(request)
    context = _block_context(user, case, error=error, notice=notice)
    if is_partial(request) or not full_page:
        # HTMX swaps only 2xx responses, so errors travel inside the block.
        return render(request, "evaluation/_case_reviews.html", context)
    status = error.status if error is not None else 200
    return render(request, "evaluation/rate.html", {**context, "nav": "my"}, status=status)


@idempotent_form
@roles_required()
def case_reviews(request: HttpRequest, number: str) -> HttpResponse:
    """The 好差评 block of the case page, loaded and posted with HTMX.

    The applicant gets a form for each event that has happened and is not yet rated, and
    sees the ratings given; staff who may see the case see its ratings without the evaluator.
    """
    return _case_reviews(request, number, full_page=False)


@idempotent_form
@roles_required("citizen", "enterprise")
def rate_case_page(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's rating page of a case (the same block as on the case page)."""
    return _case_reviews(request, number, full_page=True)


@idempotent_form
def rate_with_token(request: HttpRequest, token: str) -> HttpResponse:
    """The public page an SMS link or receipt QR code opens; no sign-in needed.

    ``via`` (``sms`` or ``qr``, put in the link by ``tokens.review_link``) decides the GB/T
    39046 channel recorded: 短信 or 二维码.
    """
    claim = tokens.read_token(token)
    case = workflow.get_case(claim.number) if claim else None
    if claim is None or case is None:
        return render(request, "evaluation/token_invalid.html", status=403)
    via = request.POST.get("via") or request.GET.get("via", "")
    via = via if via in tokens.VIA_CHANNELS else ""
    error: DomainError | None = None
    if request.method == "POST":
        channel = tokens.channel_for_via(via)
        actor = current_user(request)
        error = _submit(request, case, channel=channel, actor=actor, stage=claim.stage, token=token)
        if error is None:
            return render(request, "evaluation/thanks.html")
    context = {
        **_form_context(),
        "case": case,
        "stage": claim.stage,
        "stage_label": Stage(claim.stage).label,
        "token": token,
        "via": via,
        "rated": claim.stage in selectors.reviews_by_stage(case),
        "error": error,
        "submission_key": new_submission_key(),
    }
    status = error.status if error is not None else 200
    return render(request, "evaluation/rate.html", context, status=status)


@roles_required("clerk")
def tablet(request: HttpRequest) -> HttpResponse:
    """评价器: the clerk's current case with big buttons, for the applicant at the window."""
    user = signed_in_user(request)
    case = selectors.get_current_case_for_clerk(user)
    error, thanks = "", False
    if request.method == "POST" and case is not None:
        token = tokens.token_for(case, Stage.ACCEPT)
        channel = ReviewChannel.HALL_TABLET
        failure = _submit(
            request, case, channel=channel, actor=None, stage=Stage.ACCEPT, token=token
        )
        error, thanks = (failure.message, False) if failure else ("", True)
    rated = case is not None and Stage.ACCEPT in selectors.reviews_by_stage(case)
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


def _dashboard_period(request: HttpRequest) -> tuple[date | None, date | None, str]:
    """The optional period (inclusive local dates) and the trend's bucket; BadInput for a date
    that is not YYYY-MM-DD (the bucket and the period are checked by the trend selector)."""
    days: list[date | None] = []
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError as exc:
            raise BadInput("日期格式应为 YYYY-MM-DD", fields={name: "日期格式有误"}) from exc
    return days[0], days[1], request.GET.get("bucket", "").strip() or "month"


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
    # Figures over the chosen period (all time by default); the trend over it too, or over the
    # last 12 months. A bad choice falls back to those defaults with its message.
    period_error = ""
    try:
        start, end, bucket = _dashboard_period(request)
        trend = selectors.get_review_trend(replace(scope, start=start, end=end), bucket)
    except BadInput as exc:
        start, end, bucket, period_error = None, None, "month", exc.message
        trend = selectors.get_review_trend(scope, bucket)
    scope = replace(scope, start=start, end=end)
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
    return {
        "figures": figures,
        "rates": percent,
        "query": request.GET.urlencode(),
        "period": (start, end),
        "period_error": period_error,
        "trend": charts.trend_chart(trend, bucket),
    }


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
    user = signed_in_user(request)
    month = request.GET.get("month", "").strip() or clock.today().strftime("%Y-%m")
    try:
        weights, rows = scorecard.scorecard_for(user, month)
    except DomainError as exc:
        month = clock.today().strftime("%Y-%m")
        weights, rows = scorecard.scorecard_for(user, month)
        messages.error(request, exc.message)
    context = {"month": month, "weights": weights, "rows": rows, "nav": "review-kpis"}
    return render(request, "evaluation/scorecard.html", context)
