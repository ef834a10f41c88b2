"""Public catalog endpoints: /items, /items/{code}, /bundles, /bundles/{code}."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def get(path: str) -> Any:
    return Client().get(path)


def test_items_are_paginated_and_ordered_by_code() -> None:
    body = get("/api/v1/items").json()
    assert body["total"] == 234
    assert len(body["items"]) == 20
    codes = [i["code"] for i in body["items"]]
    assert codes == sorted(codes)
    first = body["items"][0]
    assert set(first) >= {
        "code",
        "name",
        "department",
        "item_type",
        "item_type_code",
        "target",
        "promised_days",
        "legal_days",
        "is_instant",
        "visits",
        "online",
    }
    assert get("/api/v1/items?page_size=500").json()["items"].__len__() == 100
    assert get("/api/v1/items?page=999").json() == {"items": [], "total": 234}


def test_item_list_query_count_is_constant() -> None:
    with CaptureQueriesContext(connection) as small:
        get("/api/v1/items?page_size=5")
    with CaptureQueriesContext(connection) as large:
        get("/api/v1/items?page_size=100")
    assert len(small) == len(large) <= 3


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("临时居民身份证申领", "SF-GAHZ-013"),
        ("临时身份证办理", "SF-GAHZ-013"),  # an alias
        ("lsjmsfzsl", "SF-GAHZ-013"),  # pinyin initials of the name
    ],
)
def test_search_by_name_alias_and_initials(q: str, code: str) -> None:
    body = get(f"/api/v1/items?q={q}").json()
    assert body["items"][0]["code"] == code


def test_filter_by_department() -> None:
    body = get("/api/v1/items?department=GAHZ&page_size=100").json()
    assert body["total"] > 0
    assert {i["department"]["code"] for i in body["items"]} == {"GAHZ"}


def test_item_guide_has_materials_and_stages() -> None:
    body = get("/api/v1/items/SF-GAHZ-013").json()
    assert body["item_type"] == "行政许可" and body["item_type_code"] == "01"
    assert body["is_instant"] is True and body["version"] >= 1
    material = body["materials"][0]
    assert material == {
        "id": "SF-GAHZ-013-M01",
        "name": "申请人居民户口簿",
        "required": True,
        "condition": None,
        "is_form": False,
        "is_key": True,
        "copies": 0,
        "form": "电子",
        "certificate_type": "EC-HKB",
    }
    assert [s["kind"] for s in body["stages"]] == ["acceptance", "review", "review", "delivery"]
    assert [s["order"] for s in body["stages"]] == [1, 2, 3, 4]


def test_parallel_steps_form_one_stage() -> None:
    items = get("/api/v1/items?page_size=100").json()["items"]
    items += get("/api/v1/items?page_size=100&page=2").json()["items"]
    items += get("/api/v1/items?page_size=100&page=3").json()["items"]
    found = False
    for summary in items:
        guide = get(f"/api/v1/items/{summary['code']}").json()
        wide = [s for s in guide["stages"] if len(s["tasks"]) > 1]
        if wide:
            departments = {t["department"]["code"] for t in wide[0]["tasks"]}
            assert len(departments) >= 2
            found = True
            break
    assert found


def test_unknown_item_is_404_with_code() -> None:
    response = get("/api/v1/items/SF-NOPE-999")
    assert response.status_code == 404
    assert response.json() == {"code": "item.not_found", "message": "事项不存在", "fields": {}}


def test_bundles() -> None:
    body = get("/api/v1/bundles").json()
    assert body["total"] == 14
    one = get("/api/v1/bundles/YJS-001").json()
    assert one["name"] == "新生儿出生一件事"
    assert "SF-GAHZ-001" in one["items"] and one["promised_days"] == 10
    assert get("/api/v1/bundles/YJS-999").status_code == 404


def test_openapi_schema_and_local_docs() -> None:
    schema = get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"]
    docs = get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg.com" not in docs.content
