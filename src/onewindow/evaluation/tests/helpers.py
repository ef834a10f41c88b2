"""Helpers shared by the evaluation tests."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.datahub.models import Person
from onewindow.evaluation import services
from onewindow.evaluation.models import Rectification
from onewindow.workflow import signals
from onewindow.workflow.enums import CaseStatus
from onewindow.workflow.models import Case
from onewindow.workflow.tests.factories import make_case


def complete(case: Case) -> Case:
    """Mark the case completed now (the workflow's own path is tested there), announcing it as
    the workflow does."""
    case.status = CaseStatus.COMPLETED
    case.completed_at = clock.now()
    case.save(update_fields=["status", "completed_at", "updated_at"])
    signals.case_event.send(sender=Case, case=case, event="complete")
    return case


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def review_body(stage: str = "accept", level: int = 1, **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "level": level, "channel": "PC端", **extra}


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock local time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ)


def open_on(day: date, clerk: User, citizen: User, person: Person, level: int = 5) -> Rectification:
    """A 差评 of the acceptance given on ``day``, which opens a rectification."""
    case = make_case(clerk=clerk, person=person, at=at(day, 9))
    with clock.frozen(at(day)):
        rating = services.Rating(stage="accept", level=level, channel="PC端", text="等候太久")
        services.rate_case(case=case, rating=rating, actor=citizen, token=None)
    return Rectification.objects.get(review__case=case)


def step(
    rectification: Rectification, day: date, action: str, actor: User, **extra: Any
) -> Rectification:
    """Take ``action`` on ``day``."""
    with clock.frozen(at(day)):
        return services.act_on_rectification(
            rectification=rectification, action=action, note="", actor=actor, **extra
        )
