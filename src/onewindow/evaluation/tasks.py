"""Evaluation jobs: the hourly rectification sweep (差评整改超期督办)."""

from __future__ import annotations

from django_tasks import task

from onewindow.core import scheduler
from onewindow.evaluation import escalation


@task()
def rectification_sweep() -> dict[str, int]:
    """Escalate overdue rectification steps once per step, level and deadline (idempotent)."""
    result = escalation.sweep_rectifications()
    return {
        "scanned": result.scanned,
        "overdue": result.overdue,
        "supervision": result.supervision,
    }


scheduler.register("evaluation.rectification_sweep", "hour", rectification_sweep)
