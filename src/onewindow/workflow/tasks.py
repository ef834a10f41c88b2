"""Workflow jobs: the hourly SLA sweep (临期提醒、超期督办、电子监察)."""

from __future__ import annotations

from django_tasks import task

from onewindow.core import scheduler
from onewindow.workflow import services


@task()
def sla_sweep() -> dict[str, int]:
    """Escalate due-soon and overdue tasks once per level and due date (idempotent)."""
    result = services.sweep_escalations()
    return {
        "scanned": result.scanned,
        "reminders": result.reminders,
        "overdue": result.overdue,
        "supervision": result.supervision,
    }


scheduler.register("workflow.sla_sweep", "hour", sla_sweep)
