"""The service events a review rates (GB/T 39046: 受理 and 办结) and when a case had them.

One place for "has this event happened, and when": the rating service (may it be rated yet),
the review tokens (they expire a set time after the event), the rating forms (which stages to
offer) and the indicator tallies (which day an event counts on) all ask here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from onewindow.evaluation.enums import Stage
from onewindow.workflow.models import Case

# The case's timestamp of each event.
EVENT_FIELDS: Final = {Stage.ACCEPT: "accepted_at", Stage.COMPLETE: "completed_at"}


def event_at(case: Case, stage: str) -> datetime | None:
    """When ``case`` had the ``stage`` event; None while it has not happened."""
    moment: datetime | None = getattr(case, EVENT_FIELDS[Stage(stage)])
    return moment


def has_happened(case: Case, stage: str) -> bool:
    """The event happened, so it may be rated (办结 only once the case is completed)."""
    return event_at(case, stage) is not None
