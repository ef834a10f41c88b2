"""延长审批 (行政许可法 §42): a decision that cannot be made in time may be extended once —
by 10 working days with the approval of the deciding department's head, or for a joint
(并联) case by 15 with the approval of the centre — and the reason is told to the applicant."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import CLOSED_CASE_STATUSES, Event, ExtensionStatus
from onewindow.workflow.errors import (
    CaseClosed,
    ExtensionAlreadyGranted,
    ExtensionNotPending,
    ExtensionPending,
)
from onewindow.workflow.models import Case, CaseTask, Extension
from onewindow.workflow.services import notices
from onewindow.workflow.services.base import (
    case_tasks,
    ensure_workable,
    is_joint,
    lock_case,
    shift_deadlines,
    start_review,
)

REASON_MAX = 500


def extension_limit(joint: bool) -> int:
    """The longest extension the law allows: 10 working days, 15 for joint handling."""
    key = "JOINT_EXTENSION_DAYS" if joint else "EXTENSION_DAYS"
    return int(settings.ONEWINDOW[key])


@transaction.atomic
def request_extension(
    *, case: Case, department_id: int, days: int, reason: str, actor: User
) -> Extension:
    """An approver with an open task asks to extend the case's deadline by ``days``.

    Preconditions: ``actor`` is an approver of ``department_id`` holding an open task of the
    case (checked by access). Raises BadInput (days out of range — ``extension.too_long`` past
    the limit — or no reason), CaseClosed, CasePaused, ExtensionPending, ExtensionAlreadyGranted.
    Side effects: ledger ``case.extension_requested``; a notice to whoever must approve.
    """
    reason = reason.strip()
    case = lock_case(case.pk)
    ensure_workable(case)
    tasks = case_tasks(case)
    joint = is_joint(tasks)
    limit = extension_limit(joint)
    fields: dict[str, str] = {}
    code = "input.invalid"
    if days < 1:
        fields["days"] = "延长天数应为正整数"
    elif days > limit:
        fields["days"] = f"最多延长 {limit} 个工作日"
        code = "extension.too_long"
    if not reason:
        fields["reason"] = "请填写延长理由（将告知申请人）"
    elif len(reason) > REASON_MAX:
        fields["reason"] = f"理由不能超过 {REASON_MAX} 字"
    if fields:
        raise BadInput(code=code, fields=fields)
    previous = list(Extension.objects.filter(case=case))
    if any(e.status == ExtensionStatus.PENDING for e in previous):
        raise ExtensionPending()
    if any(e.status == ExtensionStatus.APPROVED for e in previous):
        raise ExtensionAlreadyGranted()
    start_review(case)
    case.save(update_fields=["status", "updated_at"])
    extension = Extension.objects.create(
        case=case,
        department_id=department_id,
        days=days,
        reason=reason,
        is_joint=joint,
        requested_by=actor,
        requested_at=clock.now(),
    )
    ledger.record(
        event=Event.CASE_EXTENSION_REQUESTED,
        actor=actor.ledger_ref,
        target=case.ledger_ref,
        payload={"extension": extension.pk, "days": days, "joint": joint, "reason": reason},
    )
    approvers = (
        notices.staff_recipients(None, "centre_admin")
        if joint
        else notices.staff_recipients(department_id, "dept_admin")
    )
    notices.tell(
        "case.extension_requested",
        case,
        approvers,
        sms=False,
        department=extension.department.name,
        days=days,
        reason=reason,
    )
    return extension


@transaction.atomic
def approve_extension(*, extension: Extension, actor: User) -> Case:
    """Approve a pending extension: the case's promised and legal dates and every running
    task's due date move ``days`` working days later, and the applicant is told why.

    Preconditions: ``actor`` is the requesting department's head (dept_admin) or, for a joint
    case, a centre admin (checked by access). Raises ExtensionNotPending, CaseClosed.
    Side effects: ledger ``case.extended``; the applicant's notice after commit.
    """
    case = lock_case(extension.case_id)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ExtensionNotPending()
    ensure_workable_or_paused(case)
    tasks = case_tasks(case)
    changed = shift_deadlines(case, tasks, extension.days)
    CaseTask.objects.bulk_update(changed, ["due_on", "updated_at"])
    case.extended_days += extension.days
    case.save(update_fields=["promised_due_on", "legal_due_on", "extended_days", "updated_at"])
    extension.status = ExtensionStatus.APPROVED
    extension.approved_by, extension.approved_at = actor, clock.now()
    extension.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    ledger.record(
        event=Event.CASE_EXTENDED,
        actor=actor.ledger_ref,
        target=case.ledger_ref,
        payload={
            "extension": extension.pk,
            "days": extension.days,
            "reason": extension.reason,
            "promised_due_on": str(case.promised_due_on),
            "legal_due_on": str(case.legal_due_on),
        },
    )
    notices.tell(
        "case.extended",
        case,
        notices.applicant_recipients(case),
        days=extension.days,
        due=notices.format_day(case.promised_due_on),
        reason=extension.reason,
    )
    return case


def ensure_workable_or_paused(case: Case) -> None:
    """An extension may be approved while the clock is paused, never once the case closed."""
    if case.status in CLOSED_CASE_STATUSES:
        raise CaseClosed()
