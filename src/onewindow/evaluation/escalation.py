"""The rectification sweep (差评整改督办), run hourly like the workflow's SLA sweep: a step past its
deadline is escalated to the owner's head (the department's admins, or the centre for an
appeal), and after ``SUPERVISION_OVERDUE_DAYS`` working days to the centre's supervision.

Idempotent: each step is escalated once per level and deadline (RectificationEscalation is
unique on them), so the sweep may run any number of times; a step entered again with a new
deadline may be escalated again. Closed and revoked rectifications are never escalated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from onewindow.core import clock
from onewindow.core.notifications import services as outbox
from onewindow.core.notifications import templates
from onewindow.evaluation.enums import (
    OPEN_STATUSES,
    STEP_OWNERS,
    RectificationStatus,
    ReviewEvent,
    StepOwner,
)
from onewindow.evaluation.models import Rectification, RectificationEscalation
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import EscalationLevel
from onewindow.workflow.services import escalation as workflow_escalation
from onewindow.workflow.services import notices

SWEEP_ACTOR = "system:rectification-sweep"
# Higher levels win when the flag on the list shows the step's escalation.
RANK = {"": 0, EscalationLevel.OVERDUE.value: 1, EscalationLevel.SUPERVISION.value: 2}

templates.register(
    "rectification.overdue",
    "差评整改超期",
    "差评整改单{number}（办件{case}）的“{step}”环节已超过期限{due}（超期{days}个工作日），"
    "请督促办理。",
)
templates.register(
    "rectification.supervision",
    "差评整改列入电子监察",
    "{department}的差评整改单{number}（办件{case}）“{step}”环节超期{days}个工作日"
    "（期限{due}），已列入电子监察。",
)


@dataclass
class SweepResult:
    """What one sweep did."""

    scanned: int = 0
    overdue: int = 0
    supervision: int = 0


def _recipients(rectification: Rectification, level: str) -> list[outbox.Recipient]:
    """Overdue: the owner's head (department admins; the centre for an appeal). Supervision:
    the centre."""
    centre = STEP_OWNERS.get(rectification.status) == StepOwner.CENTRE
    if level == EscalationLevel.OVERDUE and not centre:
        return notices.staff_recipients(rectification.department_id, "dept_admin")
    return notices.staff_recipients(None, "centre_admin")


def _escalate(rectification: Rectification, today: date) -> list[RectificationEscalation]:
    """Record and announce the levels this step reached and has not been escalated for."""
    due_on = rectification.step_due_on
    assert due_on is not None  # the sweep selects steps with a deadline
    done = set(
        RectificationEscalation.objects.filter(
            rectification=rectification, status=rectification.status, due_on=due_on
        ).values_list("level", flat=True)
    )
    now = clock.now()
    step = RectificationStatus(rectification.status).label
    created: list[RectificationEscalation] = []
    for level, late in workflow_escalation.levels_for(due_on, today):
        if level == EscalationLevel.REMINDER or level in done:
            continue
        entry = ledger.record(
            event=ReviewEvent.RECTIFICATION_ESCALATED,
            actor=SWEEP_ACTOR,
            target=f"rectification:{rectification.pk}",
            payload={
                "status": rectification.status,
                "level": level,
                "due_on": due_on.isoformat(),
                "overdue_days": late,
            },
        )
        created.append(
            RectificationEscalation.objects.create(
                rectification=rectification,
                status=rectification.status,
                level=level,
                due_on=due_on,
                overdue_days=late,
                created_at=now,
                ledger_index=entry.index,
            )
        )
        outbox.notify(
            template=f"rectification.{level}",
            context={
                "number": rectification.pk,
                "case": rectification.review.case.number,
                "department": rectification.department.name,
                "step": step,
                "due": due_on.isoformat(),
                "days": late,
            },
            recipients=_recipients(rectification, level),
            target=f"rectification:{rectification.pk}",
            dedupe_key=f"rectification:{rectification.pk}:{rectification.status}:{level}:{due_on}",
            sms=False,
        )
    if created:
        levels = [rectification.escalation_level, *(e.level for e in created)]
        reached = max(levels, key=lambda level: RANK.get(level, 0))
        Rectification.objects.filter(pk=rectification.pk).update(
            escalation_level=reached, updated_at=now
        )
    return created


def sweep_rectifications() -> SweepResult:
    """Escalate every open rectification step past its deadline, once per level and deadline.

    Each rectification is handled in its own transaction holding a lock on its row, so a
    concurrent sweep waits instead of escalating twice and a step taken meanwhile is not
    escalated for its old deadline. Side effects: RectificationEscalation
    rows, one ledger entry ``rectification.escalated`` per step and level, in-app notices
    to the owner's admins (overdue) or the centre (supervision), and the escalation flag on
    the rectification.
    """
    today = clock.today()
    result = SweepResult()
    candidates = list(
        Rectification.objects.filter(status__in=OPEN_STATUSES, step_due_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        with transaction.atomic():
            rectification = (
                Rectification.objects.select_for_update(of=("self",))
                .select_related("review__case", "department")
                .filter(pk=pk, status__in=OPEN_STATUSES, step_due_on__lt=today)
                .first()
            )
            if rectification is None:  # a step was taken since the candidates were listed
                continue
            result.scanned += 1
            for e in _escalate(rectification, today):
                if e.level == EscalationLevel.OVERDUE:
                    result.overdue += 1
                else:
                    result.supervision += 1
    return result
