"""Report jobs: last week's report every Monday, last month's on the first day of a month."""

from __future__ import annotations

from django_tasks import task

from onewindow.analytics import selectors, services
from onewindow.analytics.enums import ReportPeriod
from onewindow.core import scheduler


@task()
def weekly_dispatch_report() -> str:
    """周例会: the report of the last complete ISO week, archived."""
    report = services.generate_report(period=selectors.previous_period(ReportPeriod.WEEK))
    return report.key


@task()
def monthly_dispatch_report() -> str:
    """月调度: the report of the last complete month, archived."""
    report = services.generate_report(period=selectors.previous_period(ReportPeriod.MONTH))
    return report.key


scheduler.register("analytics.weekly_report", "week", weekly_dispatch_report)
scheduler.register("analytics.monthly_report", "month", monthly_dispatch_report)
