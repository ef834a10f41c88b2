"""Each rectification step's owner, deadline in working days and SLA light.

Deadlines (working days, ``core.calendar``; settings ``ONEWINDOW``):

- 核实中 verifying: ``contact_due_on`` (``REVIEW_CONTACT_DAYS`` after the review);
- 整改中 rectifying: ``rectify_due_on`` (``REVIEW_RECTIFY_DAYS`` after the review), also when a
  rejected appeal sends the rectification back: an appeal does not stop the clock;
- 待回复 replying: within the rectify deadline, but at least ``REVIEW_REPLY_DAYS`` after the
  step began (a late rectification still leaves time to call the evaluator back);
- 待回访 revisiting: ``REVIEW_REVISIT_DAYS`` after the reply;
- 申诉中 appealing: the centre decides within ``REVIEW_APPEAL_DAYS``.

The light is the workflow's (``workflow.selectors.sla_state``): overdue after the deadline, due
soon within ``DUE_SOON_DAYS`` working days (so also on the day itself), normal otherwise.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from onewindow.core import calendar
from onewindow.evaluation.enums import STEP_OWNERS, RectificationStatus
from onewindow.evaluation.models import Rectification
from onewindow.workflow import selectors as workflow

# Used when a deployment's ONEWINDOW settings lack the key.
DEFAULT_DAYS: dict[str, int] = {
    "REVIEW_REPLY_DAYS": 1,
    "REVIEW_REVISIT_DAYS": 3,
    "REVIEW_APPEAL_DAYS": 5,
}


def configured_days(name: str) -> int:
    """Working days of the setting ``name`` (``DEFAULT_DAYS`` when unset)."""
    return int(settings.ONEWINDOW.get(name, DEFAULT_DAYS[name]))


def due_on_entering(rectification: Rectification, status: str, day: date) -> date | None:
    """The deadline of step ``status`` entered on ``day``; None for closed and revoked."""
    if status == RectificationStatus.VERIFYING:
        return rectification.contact_due_on
    if status == RectificationStatus.RECTIFYING:
        return rectification.rectify_due_on
    if status == RectificationStatus.REPLYING:
        earliest = calendar.add_working_days(day, configured_days("REVIEW_REPLY_DAYS"))
        return max(rectification.rectify_due_on, earliest)
    if status == RectificationStatus.REVISITING:
        return calendar.add_working_days(day, configured_days("REVIEW_REVISIT_DAYS"))
    if status == RectificationStatus.APPEALING:
        return calendar.add_working_days(day, configured_days("REVIEW_APPEAL_DAYS"))
    return None


def owner_of(rectification: Rectification) -> str | None:
    """``department`` or ``centre`` for an open step; None once closed or revoked."""
    return STEP_OWNERS.get(rectification.status)


def sla_of(rectification: Rectification, today: date | None = None) -> str | None:
    """The step's light (``SlaState`` value); None once closed or revoked."""
    if rectification.status not in STEP_OWNERS:
        return None
    return workflow.sla_state(rectification.step_due_on, today)
