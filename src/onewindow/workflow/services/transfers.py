"""转办: hand an open task to the department that should handle it."""

from __future__ import annotations

from django.db import transaction

from onewindow.accounts.models import Department, User
from onewindow.core import calendar, clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import Event, PointRuleCode, TaskStatus
from onewindow.workflow.errors import TaskNotOpen
from onewindow.workflow.models import Case, CaseTask, TaskTransfer
from onewindow.workflow.services import notices, points
from onewindow.workflow.services.base import case_tasks, ensure_workable, lock_case, start_review

REASON_MAX = 500


@transaction.atomic
def transfer_task(*, task: CaseTask, to: str, reason: str, actor: User) -> Case:
    """Hand an open task to department ``to`` (its code) and restart its deadline there.

    The receiving department gets the task's full working days from today. Handing a task
    back to a department that transferred it here is a *bounce*: that department's transfer
    was wrong and it loses points. Preconditions: ``actor`` is an approver of the task's
    department. Raises BadInput (unknown or same department, no reason), TaskNotOpen,
    CaseClosed, CasePaused. Side effects: transfer record, ledger ``task.transferred``,
    points, a notice to the receiving department after commit.
    """
    reason = reason.strip()
    fields: dict[str, str] = {}
    if not reason:
        fields["reason"] = "请填写转办理由"
    elif len(reason) > REASON_MAX:
        fields["reason"] = f"理由不能超过 {REASON_MAX} 字"
    target = Department.objects.filter(code=to).first() if to else None
    if target is None:
        fields["department"] = "部门代码不存在"
    if fields:
        raise BadInput(fields=fields)
    assert target is not None
    case = lock_case(task.case_id)
    tasks = case_tasks(case)
    task = next(t for t in tasks if t.pk == task.pk)
    ensure_workable(case)
    if task.status != TaskStatus.OPEN:
        raise TaskNotOpen()
    if target.pk == task.department_id:
        raise BadInput(
            "不能转办给本部门", code="task.same_department", fields={"department": "不能转给本部门"}
        )
    source = task.department
    bounced_from = (
        TaskTransfer.objects.filter(task=task, from_department=target, to_department=source)
        .order_by("-at")
        .first()
    )
    now, today = clock.now(), clock.today()
    start_review(case)
    task.department = target
    task.opened_on = today
    task.due_on = calendar.add_working_days(today, task.days)
    task.save(update_fields=["department", "opened_on", "due_on", "updated_at"])
    case.save(update_fields=["status", "updated_at"])
    TaskTransfer.objects.create(
        task=task,
        from_department=source,
        to_department=target,
        reason=reason,
        actor=actor,
        at=now,
        is_bounce=bounced_from is not None,
    )
    entries = ledger.record_many(
        [
            ledger.Event(
                Event.TASK_TRANSFERRED,
                actor.ledger_ref,
                case.ledger_ref,
                {
                    "task": task.pk,
                    "from": source.code,
                    "to": target.code,
                    "reason": reason,
                    "due_on": str(task.due_on),
                    "bounce": bounced_from is not None,
                },
            )
        ]
    )
    if bounced_from is not None:
        points.award(
            [
                points.Award(
                    PointRuleCode.TRANSFER_BOUNCED,
                    target.pk,
                    case,
                    task,
                    0,
                    note=f"转办给{source.name}后被退回",
                )
            ],
            entries,
        )
    notices.tell(
        "task.transferred",
        case,
        notices.staff_recipients(target.pk, "approver"),
        sms=False,
        task=task.name,
        from_department=source.name,
        reason=reason,
        due=notices.format_day(task.due_on),
    )
    return case
