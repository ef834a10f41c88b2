"""The SLA sweep (督办升级): due soon → a reminder to the department's approvers; overdue → the
department head; overdue by 3 working days (configurable) → the centre's supervision list
(电子监察). Idempotent: each task is escalated once per level and due date, so the sweep may run
any number of times; a task whose due date moved may be escalated again."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import Department
from onewindow.core import calendar, clock
from onewindow.core.models import Counter
from onewindow.core.notifications import services as outbox
from onewindow.ledger import services as ledger
from onewindow.workflow.enums import WORKABLE_CASE_STATUSES, EscalationLevel, Event, TaskStatus
from onewindow.workflow.models import CaseTask, Escalation
from onewindow.workflow.services import notices

SWEEP_ACTOR = "system:sla-sweep"
CHUNK = 2000
LOCK_KEY = "lock:workflow.sla_sweep"
DIGEST_CASES = 10


@dataclass
class SweepResult:
    """What one sweep did."""

    scanned: int = 0
    reminders: int = 0
    overdue: int = 0
    supervision: int = 0
    seconds: float = 0.0
    digests: dict[tuple[str, int | None], list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Due:
    task_id: int
    case_number: str
    department_id: int
    due_on: date


def _due_tasks(horizon: date) -> Iterator[list[_Due]]:
    rows = (
        CaseTask.objects.filter(
            status=TaskStatus.OPEN, due_on__lte=horizon, case__status__in=WORKABLE_CASE_STATUSES
        )
        .order_by("pk")
        .values_list("pk", "case__number", "department_id", "due_on")
    )
    chunk: list[_Due] = []
    for pk, number, department_id, due_on in rows.iterator(chunk_size=CHUNK):
        if due_on is None:  # open tasks always have one; guard the type
            continue
        chunk.append(_Due(pk, number, department_id, due_on))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def levels_for(due_on: date, today: date) -> list[tuple[str, int]]:
    """The escalation levels a task due on ``due_on`` has reached today, with overdue days."""
    if due_on >= today:
        return [(EscalationLevel.REMINDER.value, 0)]
    late = max(calendar.working_days_between(due_on, today), 0)
    levels = [(EscalationLevel.OVERDUE.value, late)]
    if late >= int(settings.ONEWINDOW["SUPERVISION_OVERDUE_DAYS"]):
        levels.append((EscalationLevel.SUPERVISION.value, late))
    return levels


def escalation_lines(rows: list[Escalation]) -> list[str]:
    """The canonical lines an escalation digest covers: ``task:level:due_on:overdue_days``."""
    return sorted(f"{e.task_id}:{e.level}:{e.due_on}:{e.overdue_days}" for e in rows)


def escalation_digest(rows: list[Escalation]) -> dict[str, object]:
    """The ledger payload of one sweep chunk: counts per level and the SHA-256 of its lines."""
    lines = escalation_lines(rows)
    counts: dict[str, int] = defaultdict(int)
    for e in rows:
        counts[e.level] += 1
    return {
        "count": len(rows),
        "levels": dict(sorted(counts.items())),
        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
    }


def sweep_escalations() -> SweepResult:
    """Escalate every open task that is due soon or overdue, once per level and due date.

    Tasks of paused cases (补正, special procedures) are skipped: their clock stands still.
    Runs in chunks, each in its own transaction holding the sweep lock, so a concurrent
    sweep waits instead of escalating twice. Side effects: Escalation rows, one ledger entry
    ``task.escalated`` per chunk (target ``sweep:<date>``) carrying the SHA-256 of the chunk's
    escalations (:func:`escalation_digest`), and notices per department and level to the
    approvers (reminder), the department heads (overdue) and the centre (supervision).
    """
    started = time.monotonic()
    today = clock.today()
    horizon = calendar.add_working_days(today, int(settings.ONEWINDOW["DUE_SOON_DAYS"]))
    result = SweepResult()
    digests: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for chunk in _due_tasks(horizon):
        result.scanned += len(chunk)
        with transaction.atomic():
            Counter.objects.get_or_create(key=LOCK_KEY)
            Counter.objects.select_for_update().filter(key=LOCK_KEY).first()
            ids = [d.task_id for d in chunk]
            done = set(
                Escalation.objects.filter(task_id__in=ids).values_list("task_id", "level", "due_on")
            )
            now = clock.now()
            new: list[Escalation] = []
            for d in chunk:
                for level, late in levels_for(d.due_on, today):
                    if (d.task_id, level, d.due_on) in done:
                        continue
                    new.append(
                        Escalation(
                            task_id=d.task_id,
                            department_id=d.department_id,
                            level=level,
                            due_on=d.due_on,
                            overdue_days=late,
                            created_at=now,
                        )
                    )
                    owner = None if level == EscalationLevel.SUPERVISION else d.department_id
                    digests[(level, owner)].append(d.case_number)
            if new:
                # One ledger entry per chunk lists its escalations by digest: the rows can be
                # checked against the tamper-evident log without an entry per task.
                entry = ledger.record(
                    event=Event.TASK_ESCALATED,
                    actor=SWEEP_ACTOR,
                    target=f"sweep:{today}",
                    payload=escalation_digest(new),
                )
                for e in new:
                    e.ledger_index = entry.index
                Escalation.objects.bulk_create(new)
        for e in new:
            if e.level == EscalationLevel.REMINDER:
                result.reminders += 1
            elif e.level == EscalationLevel.OVERDUE:
                result.overdue += 1
            else:
                result.supervision += 1
    _send_digests(digests, today)
    result.digests = dict(digests)
    result.seconds = time.monotonic() - started
    return result


def _send_digests(digests: dict[tuple[str, int | None], list[str]], today: date) -> None:
    if not digests:
        return
    codes = dict(Department.objects.values_list("pk", "code"))
    supervise_days = int(settings.ONEWINDOW["SUPERVISION_OVERDUE_DAYS"])
    roles: dict[str, str] = {
        EscalationLevel.REMINDER: "approver",
        EscalationLevel.OVERDUE: "dept_admin",
        EscalationLevel.SUPERVISION: "centre_admin",
    }
    with transaction.atomic():
        for (level, department_id), numbers in sorted(
            digests.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
        ):
            unique = list(dict.fromkeys(numbers))
            shown = "、".join(unique[:DIGEST_CASES])
            if len(unique) > DIGEST_CASES:
                shown += f" 等{len(unique)}件"
            department = codes.get(department_id, "centre") if department_id else "centre"
            outbox.notify(
                template=f"task.{level}",
                context={"count": len(unique), "cases": shown, "days": supervise_days},
                recipients=notices.staff_recipients(department_id, roles[level]),
                target=f"department:{department}",
                dedupe_key=f"escalation:{level}:{department}:{today}:{len(unique)}:{unique[0]}",
                sms=False,
            )
