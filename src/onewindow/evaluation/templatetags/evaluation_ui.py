"""Template helpers of the rectification lists: a step's SLA light, its owner, its escalation,
and the dashboard's panel of open rectifications."""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.core import clock
from onewindow.evaluation import selectors, steps
from onewindow.evaluation.enums import StepOwner
from onewindow.evaluation.models import Rectification
from onewindow.workflow.enums import EscalationLevel

register = template.Library()

DASHBOARD_ROWS = 10


@register.filter
def rectification_sla(rectification: Rectification) -> str:
    """The step's ``SlaState`` value, or "" once closed or revoked."""
    return steps.sla_of(rectification) or ""


@register.filter
def rectification_owner(rectification: Rectification) -> str:
    """责任部门's name or 政务服务中心 for an open step; "" once closed or revoked."""
    owner = steps.owner_of(rectification)
    if owner is None:
        return ""
    if owner == StepOwner.DEPARTMENT:
        return rectification.department.name
    return str(StepOwner(owner).label)


@register.filter
def escalation_label(value: object) -> str:
    text = str(value or "")
    return str(EscalationLevel(text).label) if text in EscalationLevel.values else ""


@register.inclusion_tag("evaluation/_open_rectifications.html", takes_context=True)
def open_rectifications(context: template.Context) -> dict[str, Any]:
    """The signed-in admin's open rectifications, nearest deadline first (at most 10)."""
    user = context["request"].user
    rows = list(selectors.list_open_rectifications(user)[: DASHBOARD_ROWS + 1])
    today = clock.today()
    return {
        "rows": [(r, steps.sla_of(r, today) or "") for r in rows[:DASHBOARD_ROWS]],
        "has_more": len(rows) > DASHBOARD_ROWS,
    }
