"""Cases opened straight through the workflow service (the window's checks are intake's)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.test import Client

from onewindow.accounts.models import User
from onewindow.catalog import selectors as catalog
from onewindow.core import clock
from onewindow.datahub.models import Person
from onewindow.workflow import services
from onewindow.workflow.enums import ApplicantKind, Channel, Provided
from onewindow.workflow.models import Case

SERIAL_ITEM = "SF-GAHZ-011"  # 居民身份证换领: GAHZ 审核 3 → 签发 1 → 制证 14, promised 20
PARALLEL_ITEM = "SF-RSJY-006"  # 一次性创业补贴: SC ∥ RSSB (1 each), then RSJY 6 → 1 → 2
APPLICANT_ID = "999901199003071239"


def make_case(
    *,
    clerk: User,
    item_code: str = SERIAL_ITEM,
    at: datetime | date | None = None,
    person: Person | None = None,
    phone: str = "13800138000",
) -> Case:
    """Open a case for 张三 as the clerk would, at ``at`` (the clock frozen there)."""
    version = catalog.get_item_guide(item_code)
    assert version is not None, item_code
    materials = [
        services.MaterialReceipt(m.code, m.name, Provided.PAPER)
        for m in version.materials.all()
        if m.required and not m.is_form
    ]
    new = services.NewCase(
        version=version,
        applicant=services.ApplicantRecord(
            kind=ApplicantKind.PERSON,
            name="张三",
            code=APPLICANT_ID,
            phone=phone,
            person=person,
        ),
        channel=Channel.WINDOW,
        materials=materials,
        window_code=clerk.window_code,
        clerk=clerk,
    )
    if at is None:
        return services.open_case(new=new, actor=clerk)
    with clock.frozen(at):
        return services.open_case(new=new, actor=clerk)


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST JSON (an empty object when ``body`` is None)."""
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def put(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")
