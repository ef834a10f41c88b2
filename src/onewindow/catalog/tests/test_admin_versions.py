"""Editing an item in the admin publishes a new version; cases keep theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion

pytestmark = pytest.mark.django_db


def _form_data(version: ItemVersion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": version.name,
        "aliases": '["临时身份证办理"]',
        "keywords": '["临时身份证"]',
        "department": version.department_id,
        "item_type_code": version.item_type_code,
        "target": version.target,
        "legal_days": version.legal_days,
        "promised_days": version.promised_days,
        "visits": version.visits,
        "online": version.online,
        "fee": "工本费10元（可网上缴纳）",
        "legal_basis": version.legal_basis,
        "description": version.description,
        "basic_code": "",
        "implementation_code": "",
    }
    for prefix, rows, fields in (
        (
            "materials",
            version.materials.all(),
            [
                "position",
                "code",
                "name",
                "required",
                "condition",
                "is_form",
                "is_key",
                "copies",
                "form",
                "certificate_type",
                "data_fields",
            ],
        ),
        (
            "steps",
            version.steps.all(),
            ["position", "name", "kind", "department", "role", "days", "parallel_group"],
        ),
        ("form_fields", version.form_fields.all(), ["position", "name", "source"]),
    ):
        listed: list[Any] = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = len(listed)
        data[f"{prefix}-INITIAL_FORMS"] = len(listed)
        for i, row in enumerate(listed):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-version"] = version.pk
            for name in fields:
                value = (
                    getattr(row, name + "_id", None)
                    if name in {"certificate_type", "department"}
                    else getattr(row, name)
                )
                if name == "data_fields":
                    value = str(value).replace("'", '"')
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{name}"] = "on"
                    continue
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    return data


def test_admin_edit_publishes_a_new_version() -> None:
    admin = User.objects.create_superuser("root", password="x", email="")
    client = Client()
    client.force_login(admin)
    version = ItemVersion.objects.get(item__code="SF-GAHZ-013", is_current=True)
    response = client.post(f"/admin/catalog/itemversion/{version.pk}/change/", _form_data(version))
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    current = ItemVersion.objects.get(item__code="SF-GAHZ-013", is_current=True)
    assert not version.is_current and version.effective_to is not None
    assert current.version == version.version + 1
    assert current.fee == "工本费10元（可网上缴纳）"
    assert current.materials.count() == version.materials.count()
    assert version.fee == "工本费10元"  # history untouched
