"""Certificate push and status changes, and the citizen's data-access log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.datahub.identifiers import is_valid_identifier
from onewindow.datahub.models import Certificate, Person
from onewindow.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def gahz_system(db: None) -> User:
    return make_user("system-gahz", "dept_system", department="GAHZ")


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "EC-SFZ",
        "holder": {"code": "999903198807150010", "code_type": "111", "name": "李四"},
        "number": "SFZ-0001",
        "issuer": "GAHZ",
        "valid_from": "2020-01-01",
        "valid_to": "2040-01-01",
        "fields": {"姓名": "李四", "公民身份号码": "999903198807150010", "出生日期": "1988-07-15"},
    }
    data.update(changes)
    return data


def post(client: Any, path: str, data: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", headers=headers)


def test_push_creates_a_certificate_with_a_national_identifier(
    gahz_system: User, client_for: Any
) -> None:
    response = post(client_for(gahz_system), "/api/v1/certificates", body())
    assert response.status_code == 201, response.content
    identifier = response.json()["identifier"]
    assert identifier.startswith("1.2.156.3005.2.")
    assert is_valid_identifier(identifier)
    certificate = Certificate.objects.get(identifier=identifier)
    assert certificate.person == Person.objects.get(id_number="999903198807150010")
    assert LedgerEntry.objects.filter(
        event="certificate.issued", target=f"certificate:{identifier}"
    ).exists()
    entry = LedgerEntry.objects.get(target=f"certificate:{identifier}")
    assert "999903198807150010" not in json.dumps(entry.payload, ensure_ascii=False)


def test_push_lists_every_bad_field(gahz_system: User, client_for: Any) -> None:
    bad = body(
        type="EC-NOPE",
        holder={"code": "999903198807150011", "code_type": "111", "name": ""},
        valid_from="2030-01-01",
        valid_to="2020-01-01",
    )
    response = post(client_for(gahz_system), "/api/v1/certificates", bad)
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"type", "holder.code", "holder.name", "valid_to"} <= set(fields)
    assert "校验位" in fields["holder.code"]


def test_fields_are_checked_by_name_and_value(gahz_system: User, client_for: Any) -> None:
    fields = {"姓名": "李四", "血型": "A", "出生日期": "1988-13-40", "公民身份号码": "123"}
    response = post(client_for(gahz_system), "/api/v1/certificates", body(fields=fields))
    assert response.status_code == 400
    errors = response.json()["fields"]
    assert set(errors) == {"fields.血型", "fields.出生日期", "fields.公民身份号码"}


def test_duplicate_is_409_and_idempotent_retry_is_replayed(
    gahz_system: User, client_for: Any
) -> None:
    client = client_for(gahz_system)
    first = post(client, "/api/v1/certificates", body(), **{"Idempotency-Key": "c-1"})
    again = post(client, "/api/v1/certificates", body(), **{"Idempotency-Key": "c-1"})
    assert again.status_code == 201 and again.json() == first.json()
    duplicate = post(client, "/api/v1/certificates", body())
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "certificate.duplicate"
    assert Certificate.objects.filter(number="SFZ-0001").count() == 1


def test_department_systems_push_only_as_themselves(
    gahz_system: User, client_for: Any, citizen: User
) -> None:
    response = post(client_for(gahz_system), "/api/v1/certificates", body(issuer="SC"))
    assert response.status_code == 400 and "issuer" in response.json()["fields"]
    assert post(client_for(citizen), "/api/v1/certificates", body()).status_code == 403


def test_status_change_by_issuer_only(
    gahz_system: User, client_for: Any, centre_admin: User
) -> None:
    identifier = post(client_for(gahz_system), "/api/v1/certificates", body()).json()["identifier"]
    other = make_user("system-sc", "dept_system", department="SC")
    path = f"/api/v1/certificates/{identifier}/status"
    assert post(client_for(other), path, {"status": "04", "reason": "注销"}).status_code == 404
    bad = post(client_for(gahz_system), path, {"status": "06", "reason": ""})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"status", "reason"}
    ok = post(client_for(gahz_system), path, {"status": "03", "reason": "证件信息有误，撤销"})
    assert ok.status_code == 200 and ok.json()["status"] == "03"
    again = post(client_for(centre_admin), path, {"status": "01", "reason": "复核后恢复"})
    assert again.status_code == 200


def test_citizen_sees_who_read_their_data(citizen: User, clerk: User, client_for: Any) -> None:
    preview = {
        "item_code": "SF-GAHZ-013",
        "applicant": {"kind": "person", "id_number": "999901199003071239", "name": "张三"},
        "purpose": "受理预审：临时居民身份证申领",
    }
    post(client_for(clerk), "/api/v1/intake/preview", preview)
    rows = client_for(citizen).get("/api/v1/me/data-access").json()
    assert rows["total"] >= 1
    row = rows["items"][0]
    assert row["actor"] == "王窗口"
    assert row["department"] == "示范市政务服务和数据管理局"
    assert row["purpose"] == "受理预审：临时居民身份证申领"
    assert client_for(clerk).get("/api/v1/me/data-access").status_code == 403


def test_data_access_page_lists_reads(citizen: User, clerk: User, client_for: Any) -> None:
    from django.test import Client

    preview = {
        "item_code": "SF-GAHZ-013",
        "applicant": {"kind": "person", "id_number": "999901199003071239", "name": "张三"},
    }
    post(client_for(clerk), "/api/v1/intake/preview", preview)
    browser = Client()
    browser.force_login(citizen)
    page = browser.get("/my/data-access/").content.decode()
    assert "受理预审：临时居民身份证申领" in page and "王窗口" in page
    outsider_page = Client()
    outsider_page.force_login(clerk)
    assert outsider_page.get("/my/data-access/").status_code in (302, 403)
