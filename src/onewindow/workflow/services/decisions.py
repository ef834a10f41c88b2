"""An approver's decision on a task: approve (the stage moves on when all its tasks are
approved), reject (不予许可, ends the case) or return for supplement (补正)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import calendar, clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import CaseStatus, DecisionAction, Event, PointRuleCode, TaskStatus
from onewindow.workflow.errors import TaskNotOpen
from onewindow.workflow.models import Case, CaseTask, SupplementRequest
from onewindow.workflow.services import notices, points
from onewindow.workflow.services.base import (
    case_tasks,
    ensure_workable,
    lock_case,
    move_case,
    move_task,
    start_review,
)

COMMENT_MAX = 2000


def _event(kind: str, actor: User, case: Case, payload: dict[str, object]) -> ledger.Event:
    return ledger.Event(kind, actor.ledger_ref, case.ledger_ref, payload)


def _locked_pair(task: CaseTask) -> tuple[Case, CaseTask, list[CaseTask]]:
    """Lock the case, then read its tasks; returns the case, this task and all tasks."""
    case = lock_case(task.case_id)
    tasks = case_tasks(case)
    mine = next(t for t in tasks if t.pk == task.pk)
    return case, mine, tasks


def _timeliness(task: CaseTask, offset: int, case: Case, today: date) -> list[points.Award]:
    """Points off per working day a decision comes after the task's due date."""
    if task.due_on is None:
        return []
    late = calendar.working_days_between(task.due_on, today)
    if late > 0:
        return [
            points.Award(
                PointRuleCode.OVERDUE_DAY,
                task.department_id,
                case,
                task,
                offset,
                units=late,
                note=f"{task.name} 超期 {late} 个工作日",
            )
        ]
    return []


@transaction.atomic
def decide_task(
    *,
    task: CaseTask,
    action: str,
    actor: User,
    comment: str = "",
    missing: Sequence[str] = (),
) -> CaseTask:
    """Record an approver's decision on an open task.

    * ``approve``: the task is approved; when every task of its stage is, the next stage's
      tasks open with due dates in working days, or — after the last stage — the case is
      approved (审批通过待出件).
    * ``reject`` (不予许可): needs a reason in ``comment``; the case ends ``rejected`` and its
      other open or waiting tasks are cancelled.
    * ``supplement`` (补正): ``missing`` lists material ids of the case's item version; the task
      is returned, the case goes back to the window and its clock stops until
      :func:`receive_supplement`.

    Preconditions: ``actor`` is an approver of the task's department (checked by access).
    Raises BadInput (unknown action, missing reason or materials), TaskNotOpen, CaseClosed,
    CasePaused. Side effects: ledger entries, collaboration points, notifications after commit.
    """
    if action not in DecisionAction.values:
        raise BadInput(fields={"action": "应为 approve、reject 或 supplement"})
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise BadInput(fields={"comment": f"意见不能超过 {COMMENT_MAX} 字"})
    case, task, tasks = _locked_pair(task)
    ensure_workable(case)
    if task.status != TaskStatus.OPEN:
        raise TaskNotOpen()
    if action == DecisionAction.APPROVE:
        return _approve(case, task, tasks, actor, comment)
    if action == DecisionAction.REJECT:
        if not comment:
            raise BadInput("不予许可应当说明理由", fields={"comment": "请填写不予许可的理由"})
        return _reject(case, task, tasks, actor, comment)
    return _return_for_supplement(case, task, actor, comment, list(missing))


def _approve(
    case: Case, task: CaseTask, tasks: list[CaseTask], actor: User, comment: str
) -> CaseTask:
    now, today = clock.now(), clock.today()
    start_review(case)
    move_task(task, TaskStatus.APPROVED)
    task.decided_at, task.decided_by, task.comment = now, actor, comment
    task.save(update_fields=["status", "decided_at", "decided_by", "comment", "updated_at"])
    events = [
        _event(
            Event.TASK_APPROVED,
            actor,
            case,
            {"task": task.pk, "stage": task.stage, "department": task.department.code},
        )
    ]
    awards: list[points.Award] = []
    late = _timeliness(task, 0, case, today)
    awards += late or [
        points.Award(PointRuleCode.HANDOFF_ON_TIME, task.department_id, case, task, 0)
    ]
    stage_done = all(t.status == TaskStatus.APPROVED for t in tasks if t.stage == task.stage)
    case_fields = ["status", "updated_at"]
    opened: list[CaseTask] = []
    if stage_done:
        later = sorted({t.stage for t in tasks if t.stage > task.stage})
        if later:
            opened = [t for t in tasks if t.stage == later[0] and t.status == TaskStatus.WAITING]
            for t in opened:
                move_task(t, TaskStatus.OPEN)
                t.opened_on = today
                t.due_on = calendar.add_working_days(today, t.days)
            CaseTask.objects.bulk_update(opened, ["status", "opened_on", "due_on", "updated_at"])
            events += [
                _event(
                    Event.TASK_OPENED,
                    actor,
                    case,
                    {
                        "task": t.pk,
                        "stage": t.stage,
                        "department": t.department.code,
                        "due_on": str(t.due_on),
                    },
                )
                for t in opened
            ]
        else:
            move_case(case, CaseStatus.APPROVED)
            case.decided_at = now
            case_fields.append("decided_at")
            events.append(_event(Event.CASE_APPROVED, actor, case, {"decided_on": str(today)}))
            if today < case.promised_due_on:
                offset = len(events) - 1
                departments = dict.fromkeys(t.department_id for t in tasks)
                awards += [
                    points.Award(
                        PointRuleCode.COMPLETED_EARLY,
                        d,
                        case,
                        None,
                        offset,
                        note=f"承诺 {case.promised_due_on} 前审批通过",
                    )
                    for d in departments
                ]
    case.save(update_fields=case_fields)
    entries = ledger.record_many(events)
    points.award(awards, entries)
    if case.status == CaseStatus.APPROVED:
        notices.tell("case.approved", case, notices.applicant_recipients(case))
    for t in opened:
        # The hand-off: the next department learns of its new task at once.
        notices.tell(
            "task.opened",
            case,
            notices.staff_recipients(t.department_id, "approver"),
            sms=False,
            task=t.name,
            due=notices.format_day(t.due_on),
        )
    return task


def _reject(
    case: Case, task: CaseTask, tasks: list[CaseTask], actor: User, comment: str
) -> CaseTask:
    now, today = clock.now(), clock.today()
    move_task(task, TaskStatus.REJECTED)
    task.decided_at, task.decided_by, task.comment = now, actor, comment
    task.save(update_fields=["status", "decided_at", "decided_by", "comment", "updated_at"])
    cancelled = [
        t
        for t in tasks
        if t.pk != task.pk
        and t.status in (TaskStatus.OPEN, TaskStatus.WAITING, TaskStatus.RETURNED)
    ]
    for t in cancelled:
        move_task(t, TaskStatus.CANCELLED)
    CaseTask.objects.bulk_update(cancelled, ["status", "updated_at"])
    move_case(case, CaseStatus.REJECTED)
    case.decided_at = now
    case.save(update_fields=["status", "decided_at", "updated_at"])
    events = [
        _event(
            Event.TASK_REJECTED,
            actor,
            case,
            {"task": task.pk, "stage": task.stage, "department": task.department.code},
        ),
        _event(
            Event.CASE_REJECTED,
            actor,
            case,
            {"cancelled": [t.pk for t in cancelled], "decided_on": str(today)},
        ),
    ]
    entries = ledger.record_many(events)
    points.award(_timeliness(task, 0, case, today), entries)
    notices.tell("case.rejected", case, notices.applicant_recipients(case), reason=comment)
    return task


def _return_for_supplement(
    case: Case, task: CaseTask, actor: User, comment: str, missing: list[str]
) -> CaseTask:
    if not missing:
        raise BadInput(
            "补正应当一次性列明需补正的全部材料", fields={"missing": "请选择需补正的材料"}
        )
    catalogue = {m.code: m.name for m in case.item_version.materials.all()}
    bad = {
        f"missing.{i}": "不是本事项的申请材料" for i, c in enumerate(missing) if c not in catalogue
    }
    if bad:
        raise BadInput(fields=bad)
    codes = list(dict.fromkeys(missing))
    now, today = clock.now(), clock.today()
    start_review(case)
    move_task(task, TaskStatus.RETURNED)
    task.comment = comment
    task.save(update_fields=["status", "comment", "updated_at"])
    move_case(case, CaseStatus.SUPPLEMENT)
    case.paused_on = today
    case.save(update_fields=["status", "paused_on", "updated_at"])
    is_repeat = SupplementRequest.objects.filter(case=case, department=task.department).exists()
    SupplementRequest.objects.create(
        case=case,
        task=task,
        department=task.department,
        missing=[{"material_id": c, "name": catalogue[c]} for c in codes],
        comment=comment,
        requested_at=now,
        requested_by=actor,
        is_repeat=is_repeat,
    )
    entries = ledger.record_many(
        [
            _event(
                Event.TASK_RETURNED,
                actor,
                case,
                {
                    "task": task.pk,
                    "department": task.department.code,
                    "missing": codes,
                    "paused_on": str(today),
                },
            )
        ]
    )
    if is_repeat:
        # 优化营商环境条例 §36 / 行政许可法 §32: what must be supplemented is told once; a
        # department asking again is its own error.
        points.award(
            [
                points.Award(
                    PointRuleCode.SUPPLEMENT_OWN_ERROR,
                    task.department_id,
                    case,
                    task,
                    0,
                    note="同一部门再次退回补正",
                )
            ],
            entries,
        )
    names = "、".join(catalogue[c] for c in codes)
    extra = f"说明：{comment}。" if comment else ""
    notices.tell(
        "case.supplement_requested",
        case,
        notices.applicant_recipients(case),
        materials=names,
        comment=extra,
    )
    notices.tell(
        "case.returned_to_window",
        case,
        # The accepting clerk; for an online case, the window team.
        notices.user_recipient(case.clerk_id) or notices.staff_recipients(None, "clerk"),
        sms=False,
        department=task.department.name,
        materials=names,
        comment=extra,
    )
    return task
