"""Reads of cases and tasks with their SLA state derived from the working-day clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from onewindow.accounts.models import Department, User
from onewindow.core import calendar, clock
from onewindow.ledger import selectors as ledger
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.enums import EscalationLevel, SlaState, TaskStatus
from onewindow.workflow.models import Case, CaseTask, Escalation, PointEntry, PointWeight

CLOSED_TASK_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.REJECTED, TaskStatus.CANCELLED})


def sla_state(due_on: date | None, today: date | None = None, paused_on: date | None = None) -> str:
    """正常/临期/超期: overdue after the due date, due soon within the configured working days.

    While a case is paused (补正, 行政许可法 §45 special procedures) its clock stands still, so
    the light is judged as of the day the pause began.
    """
    if due_on is None:
        return SlaState.NORMAL
    today = paused_on or today or clock.today()
    if today > due_on:
        return SlaState.OVERDUE
    if calendar.working_days_between(today, due_on) <= settings.ONEWINDOW["DUE_SOON_DAYS"]:
        return SlaState.DUE_SOON
    return SlaState.NORMAL


def task_sla(task: CaseTask, today: date | None = None, paused_on: date | None = None) -> str:
    """A closed task has no SLA light; an open one is judged by its due date."""
    if task.status in CLOSED_TASK_STATUSES or task.status == TaskStatus.WAITING:
        return SlaState.NORMAL
    return sla_state(task.due_on, today, paused_on)


def case_queryset() -> QuerySet[Case]:
    """Cases with what the case page needs, in a fixed number of queries."""
    return Case.objects.select_related(
        "item_version", "item_version__department", "item", "clerk"
    ).prefetch_related(
        "tasks__department",
        "materials",
        "supplements__department",
        "extensions__department",
        "special_procedures__department",
    )


def get_case(number: str) -> Case | None:
    """A case by number with tasks and materials, or None."""
    return case_queryset().filter(number=number).first()


def list_case_events(case: Case) -> list[LedgerEntry]:
    """The case's timeline: its ledger entries, oldest first."""
    return ledger.list_entries_for_target(case.ledger_ref)


def task_detail(
    task: CaseTask, today: date | None = None, paused_on: date | None = None
) -> dict[str, object]:
    """A task as API.md shows it (plus its working days, opening day and decision)."""
    return {
        "id": task.pk,
        "stage": task.stage,
        "name": task.name,
        "department": {"code": task.department.code, "name": task.department.name},
        "status": task.status,
        "days": task.days,
        "opened_on": task.opened_on,
        "due_on": task.due_on,
        "sla": task_sla(task, today, paused_on),
        "decided_at": task.decided_at,
        "comment": task.comment or None,
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
        "certificate_alert": case.certificate_alert or None,
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
        "tasks": [task_detail(t, today, case.paused_on) for t in case.tasks.all()],
        "paused_on": case.paused_on,
        "paused_days": case.paused_days,
        "extended_days": case.extended_days,
        "decided_at": case.decided_at,
        "delivery_method": case.delivery_method or None,
        "result_certificate": case.result_certificate or None,
        "supplements": [
            {
                "id": r.pk,
                "department": {"code": r.department.code, "name": r.department.name},
                "missing": list(r.missing),
                "comment": r.comment or None,
                "requested_at": r.requested_at,
                "received_at": r.received_at,
                "paused_days": r.paused_days,
            }
            for r in case.supplements.all()
        ],
        "extensions": [
            {
                "id": e.pk,
                "department": {"code": e.department.code, "name": e.department.name},
                "days": e.days,
                "reason": e.reason,
                "is_joint": e.is_joint,
                "status": e.status,
                "requested_at": e.requested_at,
                "approved_at": e.approved_at,
            }
            for e in case.extensions.all()
        ],
        "special_procedures": [
            {
                "id": p.pk,
                "department": {"code": p.department.code, "name": p.department.name},
                "kind": p.kind,
                "reason": p.reason,
                "started_at": p.started_at,
                "ended_at": p.ended_at,
                "result": p.result or None,
                "paused_days": p.paused_days,
            }
            for p in case.special_procedures.all()
        ],
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
                "sla": task_sla(t, today, case.paused_on),
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


# --- the department inbox --------------------------------------------------------------------


def list_inbox(department_id: int, sla: str = "") -> QuerySet[CaseTask]:
    """The department's open tasks, most urgent first (due date, then acceptance time).

    ``sla`` narrows to one light (normal, due_soon, overdue) by due-date ranges, so the
    filter uses the (department, status, due_on) index. Everything a row shows is joined in:
    a page costs one query plus the count.
    """
    rows = CaseTask.objects.filter(department_id=department_id, status=TaskStatus.OPEN)
    if sla in SlaState.values:
        today = clock.today()
        horizon = calendar.add_working_days(today, settings.ONEWINDOW["DUE_SOON_DAYS"])
        if sla == SlaState.OVERDUE:
            rows = rows.filter(due_on__lt=today)
        elif sla == SlaState.DUE_SOON:
            rows = rows.filter(due_on__gte=today, due_on__lte=horizon)
        else:
            rows = rows.filter(due_on__gt=horizon)
    return rows.select_related("department", "case", "case__item", "case__item_version").order_by(
        "due_on", "case_accepted_at", "pk"
    )


def inbox_page(department_id: int, sla: str, number: int, size: int) -> list[CaseTask]:
    """One page of the inbox (``number`` from 1), most urgent first.

    The page's ids come from the ordering index alone and only those rows are joined to their
    cases, so a deep page costs about what the first does. Two queries: ids, rows.
    """
    start = (number - 1) * size
    ids = list(
        list_inbox(department_id, sla)
        .select_related(None)
        .values_list("pk", flat=True)[start : start + size]
    )
    by_id = {
        t.pk: t
        for t in CaseTask.objects.filter(pk__in=ids).select_related(
            "department", "case", "case__item", "case__item_version"
        )
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def inbox_row(task: CaseTask, today: date | None = None) -> dict[str, object]:
    """An inbox row: the task as in a case, plus the case number, item and case state."""
    case = task.case
    return {
        **task_detail(task, today, case.paused_on),
        "case_number": case.number,
        "item": {"code": case.item.code, "name": case.item_version.name},
        "case_status": case.status,
        "certificate_alert": case.certificate_alert or None,
        "accepted_at": case.accepted_at,
        "promised_due_on": case.promised_due_on,
        "applicant": case.applicant_name,
    }


def get_task(task_id: int) -> CaseTask:
    """One task with what an inbox row shows (after a decision, whatever its status)."""
    return CaseTask.objects.select_related(
        "department", "case", "case__item", "case__item_version"
    ).get(pk=task_id)


def count_inbox(department_id: int) -> dict[str, int]:
    """Open tasks of the department by SLA light (three indexed counts in one query)."""
    today = clock.today()
    horizon = calendar.add_working_days(today, settings.ONEWINDOW["DUE_SOON_DAYS"])
    counts = CaseTask.objects.filter(department_id=department_id, status=TaskStatus.OPEN).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=horizon)),
        normal=Count("pk", filter=Q(due_on__gt=horizon)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


# --- supervision (电子监察) ---------------------------------------------------------------------


def list_supervision() -> QuerySet[Escalation]:
    """Tasks on the centre's supervision list that are still open, longest overdue first."""
    return (
        Escalation.objects.filter(level=EscalationLevel.SUPERVISION, task__status=TaskStatus.OPEN)
        .select_related("department", "task", "task__case", "task__case__item_version")
        .order_by("due_on", "task_id")
    )


def supervision_row(escalation: Escalation, today: date | None = None) -> dict[str, object]:
    """A supervision-list row: the task, its case, its department and how late it is."""
    task = escalation.task
    today = today or clock.today()
    late = calendar.working_days_between(task.due_on, today) if task.due_on else 0
    return {
        "id": escalation.pk,
        "case_number": task.case.number,
        "item": task.case.item_version.name,
        "task": {"id": task.pk, "name": task.name, "due_on": task.due_on},
        "department": {"code": escalation.department.code, "name": escalation.department.name},
        "overdue_days": max(late, 0),
        "escalated_at": escalation.created_at,
    }


# --- collaboration points ----------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    """One department's standing in a month."""

    rank: int
    department_code: str
    department_name: str
    points: int
    entries: int
    score: float  # 0–100, the month's best department 100 and the worst 0
    weighted: float  # score × the centre's weight: what the points add to the assessment


def monthly_ranking(month: str) -> list[RankingRow]:
    """Departments ranked by their collaboration points in ``month`` (``YYYY-MM``).

    Departments with equal points share a rank. ``score`` rescales points to 0–100 within the
    month; ``weighted`` applies the weight the centre set (PointWeight).
    """
    totals = list(
        PointEntry.objects.filter(month=month)
        .values("department_id")
        .annotate(points=Sum("points"), entries=Count("pk"))
        .order_by("-points", "department_id")
    )
    if not totals:
        return []
    names = {
        d.pk: d
        for d in Department.objects.filter(pk__in=[t["department_id"] for t in totals]).only(
            "code", "name"
        )
    }
    weight = current_weight()
    best = max(int(t["points"]) for t in totals)
    worst = min(int(t["points"]) for t in totals)
    rows: list[RankingRow] = []
    rank = 0
    previous: int | None = None
    for position, t in enumerate(totals, start=1):
        value = int(t["points"])
        if value != previous:
            rank, previous = position, value
        score = 100.0 if best == worst else round(100.0 * (value - worst) / (best - worst), 1)
        department = names[t["department_id"]]
        rows.append(
            RankingRow(
                rank=rank,
                department_code=department.code,
                department_name=department.name,
                points=value,
                entries=int(t["entries"]),
                score=score,
                weighted=round(score * weight / 100.0, 1),
            )
        )
    return rows


def current_weight() -> int:
    """The weight of points in departments' assessment, in percent; until the centre sets
    one, the minimum the reform asks for."""
    latest = PointWeight.objects.order_by("-set_at", "-id").first()
    return latest.percent if latest else int(settings.ONEWINDOW["POINTS_MIN_WEIGHT_PERCENT"])


def list_point_entries(month: str, department_code: str = "") -> QuerySet[PointEntry]:
    """The month's point entries (newest first) with their case and ledger index."""
    rows = PointEntry.objects.filter(month=month).select_related("department", "case")
    if department_code:
        rows = rows.filter(department__code=department_code)
    return rows.order_by("-occurred_at", "-id")


def point_row(entry: PointEntry) -> dict[str, object]:
    """A point entry with what it traces to: the case, the event and its ledger index."""
    return {
        "id": entry.pk,
        "department": {"code": entry.department.code, "name": entry.department.name},
        "rule": entry.rule,
        "rule_label": entry.get_rule_display(),
        "points": entry.points,
        "case_number": entry.case.number,
        "task": entry.task_id,
        "event": entry.event,
        "ledger_index": entry.ledger_index,
        "note": entry.note,
        "occurred_at": entry.occurred_at,
    }
