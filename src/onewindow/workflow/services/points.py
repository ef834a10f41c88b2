"""Collaboration points (事项流转积分): departments earn and lose points from their handling.

Rules are rows an admin edits (:class:`PointRule`); the events that trigger them are fixed in
code. Every entry names the ledger entry of the case event that produced it, so a department
can check each point against the tamper-evident log. The centre sets the weight of the points
in departments' assessment (the reform asks for at least 20%).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.ledger import services as ledger
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.enums import Event, PointRuleCode
from onewindow.workflow.models import Case, CaseTask, PointEntry, PointRule, PointWeight

DEFAULT_RULES: dict[str, tuple[int, str]] = {
    PointRuleCode.HANDOFF_ON_TIME: (1, "环节在到期日前办结并流转，每件加分"),
    PointRuleCode.COMPLETED_EARLY: (2, "办件在承诺日期前审批通过，参与部门各加分"),
    PointRuleCode.SUPPLEMENT_OWN_ERROR: (-3, "同一办件再次退回补正（未一次性告知），每次扣分"),
    PointRuleCode.OVERDUE_DAY: (-1, "环节超过到期日办理，每超期一个工作日扣分"),
    PointRuleCode.TRANSFER_BOUNCED: (-2, "转办给其他部门后被退回，每次扣分"),
}


@dataclass(frozen=True)
class Award:
    """Points to give when ``event_offset``-th ledger entry of the batch is written."""

    rule: str
    department_id: int
    case: Case
    task: CaseTask | None
    event_offset: int
    units: int = 1
    note: str = ""


def rules() -> dict[str, PointRule]:
    """Every rule by code, creating the defaults the first time (admins edit them later)."""
    existing = {r.code: r for r in PointRule.objects.all()}
    missing = [
        PointRule(code=code, points=points, description=text)
        for code, (points, text) in DEFAULT_RULES.items()
        if code not in existing
    ]
    if missing:
        PointRule.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {r.code: r for r in PointRule.objects.all()}
    return existing


def award(awards: list[Award], entries: list[LedgerEntry]) -> list[PointEntry]:
    """Write the points of ``awards`` against the ledger ``entries`` just recorded.

    Precondition: inside the transaction that wrote ``entries``. Inactive rules and zero
    results give nothing. Idempotent per (rule, department, ledger entry).
    """
    if not awards:
        return []
    table = rules()
    rows: list[PointEntry] = []
    for a in awards:
        rule = table.get(a.rule)
        if rule is None or not rule.is_active or a.units <= 0 or rule.points == 0:
            continue
        entry = entries[a.event_offset]
        rows.append(
            PointEntry(
                department_id=a.department_id,
                rule=a.rule,
                points=rule.points * a.units,
                case=a.case,
                task=a.task,
                ledger_index=entry.index,
                event=entry.event,
                note=a.note[:200],
                occurred_at=entry.at,
                month=f"{clock.local(entry.at):%Y-%m}",
            )
        )
    return PointEntry.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def set_weight(*, percent: int, actor: User) -> PointWeight:
    """Set the weight of collaboration points in departments' assessment.

    Preconditions: the caller is a centre admin. Raises BadInput (``points.weight_too_low``)
    below the configured minimum or above 100. Side effects: a row kept as history and a
    ledger entry ``points.weight_set``.
    """
    minimum = int(settings.ONEWINDOW["POINTS_MIN_WEIGHT_PERCENT"])
    if not minimum <= percent <= 100:
        raise BadInput(
            f"积分权重应在 {minimum}% 到 100% 之间",
            code="points.weight_too_low" if percent < minimum else "input.invalid",
            fields={"percent": f"应在 {minimum} 到 100 之间"},
        )
    weight = PointWeight.objects.create(percent=percent, set_by=actor, set_at=clock.now())
    ledger.record(
        event=Event.POINTS_WEIGHT_SET,
        actor=actor.ledger_ref,
        target="points:weight",
        payload={"percent": percent},
    )
    return weight
