"""Helpers shared by the evaluation tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from onewindow.core import clock
from onewindow.workflow.enums import CaseStatus
from onewindow.workflow.models import Case


def complete(case: Case) -> Case:
    """Mark the case completed now (the workflow's own path is tested there)."""
    case.status = CaseStatus.COMPLETED
    case.completed_at = clock.now()
    case.save(update_fields=["status", "completed_at", "updated_at"])
    return case


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def review_body(stage: str = "accept", level: int = 1, **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "level": level, "channel": "PC端", **extra}
