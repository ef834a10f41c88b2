"""Dispatch reports in the API: live figures, the archive, generating and downloading."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from onewindow.accounts.auth import ApiAuth, request_user
from onewindow.analytics import selectors, services
from onewindow.analytics.enums import ReportPeriod
from onewindow.analytics.exports import CONTENT_TYPES
from onewindow.analytics.models import DispatchReport
from onewindow.core.errors import BadInput, NotFound
from onewindow.core.http import paginate

router = Router(tags=["统计报表"])
READERS = ApiAuth("centre_admin", "dept_admin", "auditor")


def _period(period: str, key: str) -> selectors.Period:
    if period not in ReportPeriod.values:
        raise BadInput(fields={"period": "应为 week 或 month"})
    return selectors.period_of(period, key) if key else selectors.current_period(period)


def report_summary(report: DispatchReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "period": report.period,
        "key": report.key,
        "starts_on": report.starts_on,
        "ends_on": report.ends_on,
        "generated_at": report.generated_at,
        "ledger_index": report.ledger_index,
        "xlsx_sha256": report.xlsx_sha256,
        "pdf_sha256": report.pdf_sha256,
        "files": {
            "xlsx": f"/api/v1/reports/{report.pk}/files/xlsx",
            "pdf": f"/api/v1/reports/{report.pk}/files/pdf",
        },
    }


@router.get("/reports/dispatch", auth=READERS, summary="调度报表数据（实时计算）")
def dispatch(request: HttpRequest, period: str = "week", key: str = "") -> dict[str, Any]:
    return selectors.dispatch_figures(_period(period, key)).as_json()


@router.get("/reports", auth=READERS, summary="已归档的调度报表")
def archive(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    def rows(reports: Iterable[DispatchReport]) -> list[dict[str, Any]]:
        return [report_summary(r) for r in reports]

    return paginate(DispatchReport.objects.order_by("-starts_on", "period"), page, page_size, rows)


class GenerateIn(Schema):
    period: str
    key: str = ""


@router.post(
    "/reports",
    auth=ApiAuth("centre_admin"),
    summary="生成并归档调度报表",
    response={201: dict},
)
def generate(request: HttpRequest, payload: GenerateIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    report = services.generate_report(
        period=_period(payload.period, payload.key),
        actor_ref=user.ledger_ref if user else services.SYSTEM_ACTOR,
    )
    return Status(201, report_summary(report))


@router.get("/reports/{report_id}/files/{kind}", auth=READERS, summary="下载归档报表")
def download(request: HttpRequest, report_id: int, kind: str) -> HttpResponse:
    report = DispatchReport.objects.filter(pk=report_id).first()
    if report is None or kind not in CONTENT_TYPES:
        raise NotFound("报表不存在")
    response = HttpResponse(services.read_file(report, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="dispatch-{report.key}.{kind}"'
    return response
