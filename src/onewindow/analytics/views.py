"""Report pages for the reform office: the dispatch report (周例会/月调度) with its archive,
and the monthly collaboration-point ranking with the centre's weight."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onewindow.analytics import selectors, services
from onewindow.analytics.enums import ReportPeriod
from onewindow.analytics.exports import CONTENT_TYPES
from onewindow.analytics.models import DispatchReport
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.web.pages import roles_required, signed_in_user
from onewindow.workflow import selectors as workflow
from onewindow.workflow import services as workflow_services

READERS = ("centre_admin", "dept_admin", "auditor")


def _period(request: HttpRequest) -> tuple[selectors.Period, str]:
    period = request.GET.get("period", ReportPeriod.WEEK)
    period = period if period in ReportPeriod.values else ReportPeriod.WEEK
    key = request.GET.get("key", "").strip()
    try:
        return (selectors.period_of(period, key) if key else selectors.current_period(period)), ""
    except BadInput:
        return selectors.current_period(period), "期间格式有误，已显示本期"


@roles_required(*READERS)
def dispatch(request: HttpRequest) -> HttpResponse:
    """调度报表: this week's or month's figures so far, or a chosen period, plus the archive."""
    period, error = _period(request)
    figures = selectors.dispatch_figures(period)
    return render(
        request,
        "analytics/dispatch.html",
        {
            "nav": "reports",
            "figures": figures,
            "period": period,
            "error": error,
            "archive": DispatchReport.objects.order_by("-starts_on", "period")[:24],
            "previous_week": selectors.previous_period(ReportPeriod.WEEK),
            "previous_month": selectors.previous_period(ReportPeriod.MONTH),
        },
    )


@require_POST
@roles_required("centre_admin")
def generate(request: HttpRequest) -> HttpResponse:
    """Generate and archive the report of a period now (the jobs do it on schedule)."""
    period = request.POST.get("period", "")
    if period not in ReportPeriod.values:
        raise Http404("未知的报表周期")
    try:
        chosen = selectors.period_of(period, request.POST.get("key", ""))
    except BadInput:
        chosen = selectors.previous_period(period)
    report = services.generate_report(period=chosen, actor_ref=signed_in_user(request).ledger_ref)
    messages.success(request, f"已生成并归档：{report}")
    return redirect(f"{reverse('analytics:dispatch')}?period={period}&key={report.key}")


@roles_required(*READERS)
def download(request: HttpRequest, report_id: int, kind: str) -> HttpResponse:
    """An archived Excel or PDF file."""
    report = DispatchReport.objects.filter(pk=report_id).first()
    if report is None or kind not in CONTENT_TYPES:
        raise Http404("报表不存在")
    response = HttpResponse(services.read_file(report, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="dispatch-{report.key}.{kind}"'
    return response


@roles_required(*READERS, "approver")
def ranking(request: HttpRequest) -> HttpResponse:
    """事项流转积分: the month's ranking; centre admins set the weight here."""
    month = request.GET.get("month", "") or f"{clock.today():%Y-%m}"
    user = signed_in_user(request)
    error = ""
    if request.method == "POST" and user.has_role("centre_admin"):
        try:
            workflow_services.set_weight(
                percent=int(request.POST.get("percent", "0") or 0), actor=user
            )
            messages.success(request, "积分考核权重已更新")
            return redirect(f"{reverse('analytics:ranking')}?month={month}")
        except (BadInput, ValueError) as exc:
            error = getattr(exc, "message", "请输入 20 到 100 之间的整数")
    if len(month) != 7 or month[4] != "-":
        month = f"{clock.today():%Y-%m}"
    return render(
        request,
        "analytics/ranking.html",
        {
            "nav": "ranking",
            "month": month,
            "rows": workflow.monthly_ranking(month),
            "weight": workflow.current_weight(),
            "entries": list(workflow.list_point_entries(month)[:50]),
            "error": error,
        },
        status=400 if error else 200,
    )
