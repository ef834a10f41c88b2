"""A window form submitted twice (double click, resend) opens one case."""

from __future__ import annotations

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db


def _form(key: str) -> dict[str, object]:
    version = ItemVersion.objects.get(item__code="SF-GAHZ-013", is_current=True)
    codes = [m.code for m in version.materials.all() if m.required and not m.is_form]
    return {
        "kind": "person",
        "id_number": "999903198807150010",
        "name": "李四",
        "phone": "13900139000",
        "item_code": "SF-GAHZ-013",
        "received": codes,
        **{f"provided_{c}": "paper" for c in codes},
        "action": "accept",
        "submission_key": key,
    }


def test_double_submission_opens_one_case_and_replays_the_redirect(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    first = client.post("/window/submit/", _form("k-1"))
    second = client.post("/window/submit/", _form("k-1"))
    assert first.status_code == 302, first.content.decode()[:500]
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    third = client.post("/window/submit/", _form("k-2"))
    assert third.status_code == 302
    assert Case.objects.count() == 2


def test_changed_resubmission_with_a_used_key_is_refused(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    client.post("/window/submit/", _form("k-3"))
    changed = {**_form("k-3"), "name": "王五"}
    response = client.post("/window/submit/", changed)
    assert response.status_code == 409
    assert "已经提交过" in response.content.decode()
    assert Case.objects.count() == 1
