"""Dispatch reports: the figures, the Excel and PDF files, the archive and who may see them."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.analytics import selectors, services
from onewindow.analytics.models import DispatchReport
from onewindow.core import clock, scheduler
from onewindow.core.clock import LOCAL_TZ
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow import services as workflow
from onewindow.workflow.models import CaseTask
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"  # Mon 11-16 … Sun 11-22


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def week_of_work(clerk: User, approver: User) -> dict[str, Any]:
    """Three GAHZ cases in week 47: one completed on time, one returned for supplement and
    transferred, one left overdue."""
    make_user("deptadmin-gahz", "dept_admin", department="GAHZ", name="周科长")
    done = make_case(clerk=clerk, at=at(date(2026, 11, 16)))
    with clock.frozen(at(date(2026, 11, 17))):
        while (task := CaseTask.objects.filter(case=done, status="open").first()) is not None:
            workflow.decide_task(task=task, action="approve", actor=approver)
        workflow.deliver_case(case=done, method="window", actor=clerk)
    returned = make_case(clerk=clerk, at=at(date(2026, 11, 16)))
    with clock.frozen(at(date(2026, 11, 17))):
        workflow.decide_task(
            task=CaseTask.objects.get(case=returned, stage=1),
            action="supplement",
            missing=["SF-GAHZ-011-M02"],
            actor=approver,
        )
        workflow.receive_supplement(
            case=returned,
            materials=[workflow.SuppliedMaterial("SF-GAHZ-011-M02", "paper")],
            actor=clerk,
        )
        workflow.transfer_task(
            task=CaseTask.objects.get(case=returned, stage=1), to="SC", reason="转", actor=approver
        )
    late = make_case(clerk=clerk, at=at(date(2026, 11, 10)))  # week 46, due 11-13
    return {"done": done, "returned": returned, "late": late}


def test_figures_per_department_and_for_the_centre(week_of_work: dict[str, Any]) -> None:
    with clock.frozen(at(date(2026, 11, 23))):
        figures = selectors.dispatch_figures(selectors.period_of("week", WEEK))
    gahz = next(r for r in figures.departments if r.code == "GAHZ")
    assert (gahz.accepted, gahz.completed, gahz.decided, gahz.decided_on_time) == (2, 1, 1, 1)
    assert gahz.on_time_rate == 100.0
    assert gahz.days_used == 1.0 and gahz.days_promised == 20.0
    assert (gahz.supplements, gahz.transfers, gahz.overdue) == (1, 1, 1)
    assert gahz.tasks_decided == 3 and gahz.task_on_time_rate == 100.0
    assert gahz.points > 0
    # The transferred task (SC, due Fri 11-20) is overdue too by Sunday, 0 working days late.
    assert figures.centre.accepted == 2 and figures.overdue_total == 2
    row = figures.overdue[0]
    assert row.case_number == week_of_work["late"].number
    assert row.owners == "周科长" and row.overdue_days == 5  # due 11-13, as of Sun 11-22


def test_generating_archives_excel_and_pdf_with_a_ledger_entry(
    week_of_work: dict[str, Any], centre_admin: User, approver: User, client_for: Any
) -> None:
    client = client_for(centre_admin)
    with clock.frozen(at(date(2026, 11, 23))):
        response = client.post(
            "/api/v1/reports",
            json.dumps({"period": "week", "key": WEEK}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    entry = LedgerEntry.objects.get(index=body["ledger_index"])
    assert entry.event == "report.generated" and entry.payload["pdf_sha256"] == body["pdf_sha256"]
    xlsx = client.get(body["files"]["xlsx"])
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["汇总", "超期清单"]
    summary = book["汇总"]
    assert summary["A3"].value == "部门" and summary["A4"].value.endswith("户政管理支队")
    assert summary.cell(row=summary.max_row, column=1).value == "全中心"
    assert book["超期清单"]["A2"].value == week_of_work["late"].number
    pdf = client.get(body["files"]["pdf"])
    assert pdf.content.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    # Generating again replaces the archived report of the period.
    with clock.frozen(at(date(2026, 11, 24))):
        services.generate_report(period=selectors.period_of("week", WEEK))
    assert DispatchReport.objects.count() == 1
    listing = client_for(approver).get("/api/v1/reports")
    assert listing.status_code == 403
    assert client.get("/api/v1/reports").json()["total"] == 1


def test_live_figures_api_and_bad_periods(centre_admin: User, client_for: Any) -> None:
    client = client_for(centre_admin)
    with clock.frozen(at(date(2026, 11, 18))):
        live = client.get("/api/v1/reports/dispatch?period=month").json()
    assert live["key"] == "2026-11" and live["starts_on"] == "2026-11-01"
    assert live["ends_on"] == "2026-11-30" and live["centre"]["name"] == "全中心"
    bad = client.get("/api/v1/reports/dispatch?period=week&key=2026-47")
    assert bad.status_code == 400 and "key" in bad.json()["fields"]
    assert client.get("/api/v1/reports/dispatch?period=year").status_code == 400


def test_the_jobs_report_the_previous_week_and_month() -> None:
    assert selectors.previous_period("week", date(2026, 11, 23)).key == "2026-W47"
    assert selectors.previous_period("week", date(2026, 11, 22)).key == "2026-W46"
    assert selectors.previous_period("month", date(2026, 1, 1)).key == "2025-12"
    january = selectors.period_of("month", "2026-12")
    assert january.ends_on == date(2026, 12, 31)
    scheduler.autodiscover()
    periods = {j.name: j.period for j in scheduler.jobs()}
    assert periods["analytics.weekly_report"] == "week"
    assert periods["analytics.monthly_report"] == "month"
    with clock.frozen(at(date(2026, 12, 1))):
        from onewindow.analytics.tasks import monthly_dispatch_report

        assert monthly_dispatch_report.call() == "2026-11"
    assert DispatchReport.objects.filter(key="2026-11").exists()


def test_report_and_ranking_pages(
    week_of_work: dict[str, Any], centre_admin: User, approver: User
) -> None:
    client = Client()
    client.force_login(centre_admin)
    with clock.frozen(at(date(2026, 11, 23))):
        page = client.get(f"/reports/?period=week&key={WEEK}")
        assert page.status_code == 200
        assert "全中心" in page.content.decode()
        generated = client.post("/reports/generate/", {"period": "week", "key": WEEK})
        assert generated.status_code == 302
        report = DispatchReport.objects.get()
        assert client.get(f"/reports/{report.pk}/pdf/").content.startswith(b"%PDF")
        ranking = client.get("/reports/collaboration/?month=2026-11")
        assert "户政管理支队" in ranking.content.decode()
        low = client.post("/reports/collaboration/?month=2026-11", {"percent": "5"})
        assert low.status_code == 400
        ok = client.post("/reports/collaboration/?month=2026-11", {"percent": "25"})
        assert ok.status_code == 302
    approver_client = Client()
    approver_client.force_login(approver)
    assert approver_client.get("/reports/").status_code == 403
    assert approver_client.get("/reports/collaboration/").status_code == 200
