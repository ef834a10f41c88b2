"""Special procedures (特别程序): 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审. Their time is
not counted against the deadline and the applicant is told in writing (行政许可法 §45)."""

from __future__ import annotations

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import CLOSED_CASE_STATUSES, CaseStatus, Event, SpecialProcedureKind
from onewindow.workflow.errors import CaseClosed, SpecialProcedureEnded
from onewindow.workflow.models import Case, CaseTask, SpecialProcedure
from onewindow.workflow.services import notices
from onewindow.workflow.services.base import (
    RUNNING_TASK_STATUSES,
    ensure_workable,
    lock_case,
    move_case,
    resume_case,
)

TEXT_MAX = 500


@transaction.atomic
def start_special_procedure(
    *, case: Case, department_id: int, kind: str, reason: str, actor: User
) -> SpecialProcedure:
    """Suspend the case for a special procedure; the clock stops from today.

    Preconditions: ``actor`` is an approver of ``department_id`` holding an open task of the
    case (checked by access). Raises BadInput (unknown kind, no reason), CaseClosed,
    CasePaused (already in supplement or another procedure). Side effects: ledger
    ``case.suspended``; the applicant's written notice after commit.
    """
    reason = reason.strip()
    fields: dict[str, str] = {}
    if kind not in SpecialProcedureKind.values:
        fields["kind"] = "应为 听证、招标、拍卖、检验、检测、检疫、鉴定 或 专家评审"
    if not reason:
        fields["reason"] = "请填写理由（将书面告知申请人）"
    elif len(reason) > TEXT_MAX:
        fields["reason"] = f"理由不能超过 {TEXT_MAX} 字"
    if fields:
        raise BadInput(fields=fields)
    case = lock_case(case.pk)
    ensure_workable(case)
    now, today = clock.now(), clock.today()
    move_case(case, CaseStatus.SUSPENDED)
    case.paused_on = today
    case.save(update_fields=["status", "paused_on", "updated_at"])
    procedure = SpecialProcedure.objects.create(
        case=case,
        department_id=department_id,
        kind=kind,
        reason=reason,
        started_at=now,
        started_on=today,
        started_by=actor,
    )
    ledger.record(
        event=Event.CASE_SUSPENDED,
        actor=actor.ledger_ref,
        target=case.ledger_ref,
        payload={"procedure": procedure.pk, "kind": kind, "reason": reason},
    )
    notices.tell(
        "case.suspended", case, notices.applicant_recipients(case), kind=kind, reason=reason
    )
    return procedure


@transaction.atomic
def end_special_procedure(*, procedure: SpecialProcedure, result: str, actor: User) -> Case:
    """End a running special procedure: the case returns to review and every running deadline
    moves by the working days it took.

    Preconditions: ``actor`` is an approver of the department that started it (checked by
    access). Raises SpecialProcedureEnded, CaseClosed, BadInput (result too long). Side
    effects: ledger ``case.resumed``; the applicant's notice after commit.
    """
    result = result.strip()
    if len(result) > TEXT_MAX:
        raise BadInput(fields={"result": f"结果不能超过 {TEXT_MAX} 字"})
    case = lock_case(procedure.case_id)
    procedure = SpecialProcedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.ended_at is not None:
        raise SpecialProcedureEnded()
    if case.status in CLOSED_CASE_STATUSES:
        raise CaseClosed()
    now, today = clock.now(), clock.today()
    tasks, days = resume_case(case, case.paused_on or procedure.started_on, today)
    CaseTask.objects.bulk_update(
        [t for t in tasks if t.status in RUNNING_TASK_STATUSES], ["due_on", "updated_at"]
    )
    procedure.ended_at, procedure.ended_by = now, actor
    procedure.result, procedure.paused_days = result, days
    procedure.save(update_fields=["ended_at", "ended_by", "result", "paused_days", "updated_at"])
    ledger.record(
        event=Event.CASE_RESUMED,
        actor=actor.ledger_ref,
        target=case.ledger_ref,
        payload={
            "procedure": procedure.pk,
            "kind": procedure.kind,
            "paused_days": days,
            "promised_due_on": str(case.promised_due_on),
        },
    )
    notices.tell(
        "case.resumed",
        case,
        notices.applicant_recipients(case),
        kind=procedure.kind,
        due=notices.format_day(case.promised_due_on),
    )
    return case
