"""Reads of cases and tasks with their SLA state derived from the working-day clock."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from onewindow.accounts.models import User
from onewindow.core import calendar, clock
from onewindow.ledger import selectors as ledger
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.enums import SlaState, TaskStatus
from onewindow.workflow.models import Case, CaseTask

CLOSED_TASK_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.REJECTED, TaskStatus.CANCELLED})


def sla_state(due_on: date | None, today: date | None = None) -> str:
    """正常/临期/超期: overdue after the due date, due soon within the configured working days."""
    if due_on is None:
        return SlaState.NORMAL
    today = today or clock.today()
    if today > due_on:
        return SlaState.OVERDUE
    if calendar.working_days_between(today, due_on) <= settings.ONEWINDOW["DUE_SOON_DAYS"]:
        return SlaState.DUE_SOON
    return SlaState.NORMAL


def task_sla(task: CaseTask, today: date | None = None) -> str:
    """A closed task has no SLA light; an open one is judged by its due date."""
    if task.status in CLOSED_TASK_STATUSES or task.status == TaskStatus.WAITING:
        return SlaState.NORMAL
    return sla_state(task.due_on, today)


def case_queryset() -> QuerySet[Case]:
    """Cases with what the case page needs, in a fixed number of queries."""
    return Case.objects.select_related(
        "item_version", "item_version__department", "item", "clerk"
    ).prefetch_related("tasks__department", "materials")


def get_case(number: str) -> Case | None:
    """A case by number with tasks and materials, or None."""
    return case_queryset().filter(number=number).first()


def list_case_events(case: Case) -> list[LedgerEntry]:
    """The case's timeline: its ledger entries, oldest first."""
    return ledger.list_entries_for_target(case.ledger_ref)


def task_detail(task: CaseTask, today: date | None = None) -> dict[str, object]:
    """A task as API.md shows it."""
    return {
        "id": task.pk,
        "stage": task.stage,
        "name": task.name,
        "department": {"code": task.department.code, "name": task.department.name},
        "status": task.status,
        "due_on": task.due_on,
        "sla": task_sla(task, today),
    }


def case_detail(case: Case, *, with_events: bool = True) -> dict[str, object]:
    """A case as API.md shows it (the caller has checked access)."""
    today = clock.today()
    body: dict[str, object] = {
        "number": case.number,
        "group_number": case.group_number or None,
        "item": {"code": case.item.code, "name": case.item_version.name},
        "item_version": case.item_version.version,
        "status": case.status,
        "accepted_at": case.accepted_at,
        "promised_due_on": case.promised_due_on,
        "legal_due_on": case.legal_due_on,
        "due_is_provisional": case.due_is_provisional,
        "completed_at": case.completed_at,
        "window_code": case.window_code or None,
        "channel": case.channel,
        "tolerant": case.is_tolerant,
        "supplement_due_on": case.supplement_due_on,
        "form_missing": list(case.form_missing),
        "materials": [
            {
                "material_id": m.material_code,
                "name": m.name,
                "provided": m.provided,
                "certificate": m.certificate_identifier or None,
            }
            for m in case.materials.all()
        ],
        "tasks": [task_detail(t, today) for t in case.tasks.all()],
    }
    if with_events:
        body["events"] = [
            {"at": e.at, "type": e.event, "actor": e.actor, "ledger_index": e.index}
            for e in list_case_events(case)
        ]
    return body


def progress_detail(case: Case) -> dict[str, object]:
    """The public progress view: no personal data beyond a masked name and code."""
    from onewindow.core import ids

    today = clock.today()
    return {
        "number": case.number,
        "item": {"code": case.item.code, "name": case.item_version.name},
        "department": case.item_version.department.name,
        "applicant": {
            "name": ids.mask_name(case.applicant_name),
            "code_masked": ids.mask_identifier(case.applicant_code),
        },
        "status": case.status,
        "status_label": case.get_status_display(),
        "accepted_at": case.accepted_at,
        "promised_due_on": case.promised_due_on,
        "completed_at": case.completed_at,
        "tasks": [
            {
                "stage": t.stage,
                "name": t.name,
                "department": t.department.name,
                "status": t.status,
                "due_on": t.due_on,
                "sla": task_sla(t, today),
            }
            for t in case.tasks.all()
        ],
        "events": [
            {"at": e.at, "type": e.event, "ledger_index": e.index} for e in list_case_events(case)
        ],
    }


def list_cases_for_applicant(user: User) -> QuerySet[Case]:
    """Cases the user applied for (as its person or organisation) or submitted, newest first."""
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
