"""补正 at the window: the materials a department asked for arrive, the clock resumes and every
running deadline moves by the working days the case waited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import CLOSED_CASE_STATUSES, CaseStatus, Event, Provided, TaskStatus
from onewindow.workflow.errors import CaseClosed, CaseNotInSupplement
from onewindow.workflow.models import Case, CaseMaterial, CaseTask, SupplementRequest
from onewindow.workflow.services import notices
from onewindow.workflow.services.base import lock_case, move_task, resume_case

RECEIVABLE = (Provided.PAPER, Provided.ELECTRONIC, Provided.CERTIFICATE)


@dataclass(frozen=True)
class SuppliedMaterial:
    material_id: str
    provided: str


@transaction.atomic
def receive_supplement(*, case: Case, materials: Sequence[SuppliedMaterial], actor: User) -> Case:
    """The window received the supplemented materials: resume the case.

    Every material listed by the open supplement requests must be among ``materials``
    (BadInput ``supplement.incomplete`` names what is still missing). The paused working
    days are added to the case's promised and legal dates and to every running task's due
    date; returned tasks reopen. Preconditions: ``actor`` is a clerk. Raises CaseClosed or
    CaseNotInSupplement. Side effects: material receipts, ledger entries
    ``case.supplemented`` and ``task.opened``, a notice to the departments after commit.
    """
    case = lock_case(case.pk)
    if case.status in CLOSED_CASE_STATUSES:
        raise CaseClosed()
    if case.status != CaseStatus.SUPPLEMENT:
        raise CaseNotInSupplement()
    fields: dict[str, str] = {}
    for i, m in enumerate(materials):
        if m.provided not in RECEIVABLE:
            fields[f"materials.{i}.provided"] = "应为 paper、electronic 或 certificate"
    if fields:
        raise BadInput(fields=fields)
    requests = list(
        SupplementRequest.objects.filter(case=case, received_at__isnull=True).select_related(
            "department"
        )
    )
    needed = {m["material_id"]: m["name"] for r in requests for m in r.missing}
    given = {m.material_id: m.provided for m in materials}
    still = [name for code, name in needed.items() if code not in given]
    if still:
        raise BadInput(
            f"仍缺少补正材料：{'、'.join(still)}",
            code="supplement.incomplete",
            fields={"materials": f"仍缺少：{'、'.join(still)}"},
        )
    now, today = clock.now(), clock.today()
    tasks, days = resume_case(case, case.paused_on or today, today)
    reopened: list[CaseTask] = []
    for task in tasks:
        if task.status == TaskStatus.RETURNED:
            move_task(task, TaskStatus.OPEN)
            reopened.append(task)
    CaseTask.objects.bulk_update(
        [t for t in tasks if t.status == TaskStatus.OPEN], ["status", "due_on", "updated_at"]
    )
    existing = {m.material_code: m for m in CaseMaterial.objects.filter(case=case)}
    for code, provided in given.items():
        if code not in needed:
            continue
        row = existing.get(code)
        if row is None:
            CaseMaterial.objects.create(
                case=case, material_code=code, name=needed[code], provided=provided, received_at=now
            )
        else:
            row.provided, row.received_at = provided, now
            row.save(update_fields=["provided", "received_at"])
    for r in requests:
        r.received_at, r.received_by, r.paused_days = now, actor, days
        r.save(update_fields=["received_at", "received_by", "paused_days", "updated_at"])
    events = [
        ledger.Event(
            Event.CASE_SUPPLEMENTED,
            actor.ledger_ref,
            case.ledger_ref,
            {
                "materials": {code: given[code] for code in needed},
                "paused_days": days,
                "promised_due_on": str(case.promised_due_on),
            },
        )
    ]
    events += [
        ledger.Event(
            Event.TASK_OPENED,
            actor.ledger_ref,
            case.ledger_ref,
            {
                "task": t.pk,
                "stage": t.stage,
                "department": t.department.code,
                "due_on": str(t.due_on),
            },
        )
        for t in reopened
    ]
    ledger.record_many(events)
    for t in reopened:
        notices.tell(
            "case.supplemented",
            case,
            notices.staff_recipients(t.department_id, "approver"),
            sms=False,
            due=notices.format_day(t.due_on),
        )
    return case
