"""Every state-changing service that exists today writes its ledger entry, in its own
transaction, with pseudonymous references and no raw personal data (ARCHITECTURE §4, §6).

The services walked: catalog ``catalog.item_published``; accounts ``department.saved`` and
``account.role_granted``; intake through the API ``case.accepted`` with ``task.opened``,
``intake.supplement_notice`` and ``intake.refused``; the ledger's own witness events.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts import services as accounts
from onewindow.accounts.models import Department, User
from onewindow.catalog import services as catalog
from onewindow.catalog.models import ItemVersion
from onewindow.datahub.models import Person
from onewindow.ledger import checkpoints, services
from onewindow.ledger.models import LedgerEntry
from onewindow.ledger.tests.helpers import post_json

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "person",
    "id_number": "999901199003071239",
    "name": "张三",
    "phone": "13800138000",
}
PERSONAL = ("999901199003071239", "张三", "13800138000", "999903198807150010", "无证照")


def new_entries(action: Callable[[], Any]) -> list[LedgerEntry]:
    before = LedgerEntry.objects.count()
    action()
    return list(LedgerEntry.objects.filter(index__gte=before).order_by("index"))


def assert_clean(entries: list[LedgerEntry]) -> None:
    for entry in entries:
        text = json.dumps([entry.actor, entry.target, entry.payload], ensure_ascii=False)
        for value in PERSONAL:
            assert value not in text, f"{entry.event} carries personal data {value!r}"
        assert entry.actor == "system" or entry.actor.startswith("user:")


def test_catalog_publication_is_recorded() -> None:
    version = ItemVersion.objects.get(item__code="SF-GAHZ-013", is_current=True)
    data = catalog.snapshot(version)
    data["name"] = data["name"] + "（新版）"
    entries = new_entries(lambda: catalog.publish_item_version(data=data, actor="user:1"))
    assert [e.event for e in entries] == ["catalog.item_published"]
    assert entries[0].target.endswith("SF-GAHZ-013")
    assert_clean(entries)


def test_department_and_role_changes_are_recorded(clerk: User) -> None:
    zw = Department.objects.get(code="ZW")
    row = accounts.DepartmentData(
        code="ZW",
        name=zw.name + "（更名）",
        short_name=zw.short_name,
        parent_code=zw.parent.code if zw.parent else None,
        kind=zw.kind,
        credit_code=zw.credit_code,
        region_code=zw.region_code,
    )
    saved = new_entries(lambda: accounts.upsert_departments(rows=[row], actor="user:1"))
    assert [(e.event, e.target) for e in saved] == [("department.saved", "department:ZW")]
    granted = new_entries(lambda: accounts.grant_role(user=clerk, role="auditor", actor=None))
    assert [(e.event, e.target) for e in granted] == [("account.role_granted", clerk.ledger_ref)]
    assert_clean(saved + granted)


def test_intake_writes_acceptance_tasks_notices_and_refusals(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    client = client_for(clerk)
    accepted = new_entries(
        lambda: post_json(
            client,
            "/api/v1/cases",
            {"item_code": "SF-GAHZ-013", "applicant": PERSON, "materials": []},
        )
    )
    events = [e.event for e in accepted]
    assert events[0] == "case.accepted" and "task.opened" in events
    assert {e.target for e in accepted} == {accepted[0].target}
    assert accepted[0].target.startswith("case:")
    assert all(e.actor == clerk.ledger_ref for e in accepted)

    stranger = {**PERSON, "id_number": "999903198807150010", "name": "无证照"}
    notice = new_entries(
        lambda: post_json(
            client,
            "/api/v1/cases",
            {"item_code": "SF-GAHZ-011", "applicant": stranger, "materials": []},
        )
    )
    assert [e.event for e in notice] == ["intake.supplement_notice"]

    refused = new_entries(
        lambda: post_json(
            client,
            "/api/v1/intake/refusals",
            {"item_code": "SF-GAHZ-013", "applicant": PERSON, "reason": "不属于本中心受理范围"},
        )
    )
    assert [e.event for e in refused] == ["intake.refused"]
    assert_clean(accepted + notice + refused)


def test_failed_intake_writes_nothing(clerk: User, client_for: Any) -> None:
    entries = new_entries(
        lambda: post_json(
            client_for(clerk), "/api/v1/cases", {"item_code": "NOPE", "applicant": PERSON}
        )
    )
    assert entries == []


def test_witness_registration_is_recorded() -> None:
    vkey = checkpoints.CosignatureSigner.generate("w.example/SC").verifier().vkey
    entries = new_entries(
        lambda: services.register_witness(department_code="SC", vkey=vkey, actor="user:1")
    )
    assert [(e.event, e.target) for e in entries] == [("ledger.witness_registered", "witness:SC")]


def test_entries_are_readable_by_their_case_through_the_api(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    response = post_json(
        client_for(clerk), "/api/v1/cases", {"item_code": "SF-GAHZ-013", "applicant": PERSON}
    )
    number = response.json()["number"]
    progress = Client().get(f"/api/v1/cases/{number}/progress?verify=1239").json()
    indices = [e["ledger_index"] for e in progress["events"]]
    stored = LedgerEntry.objects.filter(target=f"case:{number}").values_list("index", flat=True)
    assert indices == list(stored)
