"""Shared steps of the workflow services: locking, declared transitions, moving deadlines."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from onewindow.core import calendar
from onewindow.workflow.enums import (
    CLOSED_CASE_STATUSES,
    PAUSED_CASE_STATUSES,
    CaseStatus,
    TaskStatus,
)
from onewindow.workflow.errors import CaseClosed, CasePaused, IllegalTransition, TaskNotOpen
from onewindow.workflow.models import Case, CaseTask

# Tasks whose due date moves with the case's clock (a returned task reopens with it).
RUNNING_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.RETURNED)


def lock_case(case_id: UUID) -> Case:
    """The case row, locked for the rest of the transaction.

    Every workflow service locks the case first (then its tasks), so two approvers deciding
    the last parallel tasks of one stage cannot both miss that the stage is complete.
    """
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "item_version", "item_version__department")
        .get(pk=case_id)
    )


def case_tasks(case: Case) -> list[CaseTask]:
    """All tasks of a locked case with their departments, in stage order."""
    return list(CaseTask.objects.filter(case=case).select_related("department"))


def move_case(case: Case, status: str) -> None:
    """Change the case's status along CASE_TRANSITIONS; IllegalTransition otherwise."""
    if case.status == status:
        return
    if not case.can_become(status):
        if case.status in CLOSED_CASE_STATUSES:
            raise CaseClosed()
        raise IllegalTransition()
    case.status = status


def move_task(task: CaseTask, status: str) -> None:
    """Change the task's status along TASK_TRANSITIONS; TaskNotOpen otherwise."""
    if not task.can_become(status):
        raise TaskNotOpen()
    task.status = status


def ensure_workable(case: Case) -> None:
    """The back office may act: the case is neither closed nor paused."""
    if case.status in CLOSED_CASE_STATUSES:
        raise CaseClosed()
    if case.status in PAUSED_CASE_STATUSES:
        raise CasePaused()


def start_review(case: Case) -> None:
    """The first back-office action takes a new case from 已受理 to 审查中."""
    if case.status == CaseStatus.ACCEPTED:
        move_case(case, CaseStatus.IN_REVIEW)


def shift_deadlines(case: Case, tasks: list[CaseTask], days: int) -> list[CaseTask]:
    """Move the case's promised and legal dates and every running task's due date ``days``
    working days later; returns the tasks it changed (not yet saved)."""
    if days <= 0:
        return []
    case.promised_due_on = calendar.add_working_days(case.promised_due_on, days)
    case.legal_due_on = calendar.add_working_days(case.legal_due_on, days)
    changed: list[CaseTask] = []
    for task in tasks:
        if task.status in RUNNING_TASK_STATUSES and task.due_on is not None:
            task.due_on = calendar.add_working_days(task.due_on, days)
            changed.append(task)
    return changed


def paused_working_days(since: date, until: date) -> int:
    """Working days the clock stood still: those after the pause began, up to and including
    the day it ended (the day of pausing was already counted, counting restarts the next
    working day)."""
    return max(calendar.working_days_between(since, until), 0)


def resume_case(case: Case, paused_since: date, today: date) -> tuple[list[CaseTask], int]:
    """Start the stopped clock again (补正 received, special procedure ended).

    Counts the working days the case stood still, moves the case's dates and every running
    task's due date by them, returns the case to 审查中 and saves it. Returns the case's tasks
    (the caller saves the ones it changes) and the days paused.
    """
    days = paused_working_days(paused_since, today)
    tasks = case_tasks(case)
    shift_deadlines(case, tasks, days)
    move_case(case, CaseStatus.IN_REVIEW)
    case.paused_on = None
    case.paused_days += days
    case.save(
        update_fields=[
            "status",
            "paused_on",
            "paused_days",
            "promised_due_on",
            "legal_due_on",
            "updated_at",
        ]
    )
    return tasks, days


def is_joint(tasks: list[CaseTask]) -> bool:
    """并联: some stage has tasks of two or more departments."""
    departments_by_stage: dict[int, set[int]] = {}
    for task in tasks:
        departments_by_stage.setdefault(task.stage, set()).add(task.department_id)
    return any(len(d) > 1 for d in departments_by_stage.values())
