"""Every private endpoint: anonymous is 401, a role that may never call it is 403, and an
authenticated outsider never sees another applicant's objects (404)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User

pytestmark = pytest.mark.django_db

PERSON = {"kind": "person", "id_number": "999903198807150010", "name": "李四"}


@pytest.fixture
def records(clerk: User, client_for: Any) -> dict[str, str]:
    """A case, a refusal and a supplement notice made by the clerk for someone else."""
    client = client_for(clerk)

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(path, json.dumps(body), content_type="application/json").json()

    notice = post("/api/v1/cases", {"item_code": "SF-GAHZ-011", "applicant": PERSON})
    refusal = post(
        "/api/v1/intake/refusals",
        {"item_code": "SF-GAHZ-011", "applicant": PERSON, "reason": "不属于受理范围"},
    )
    case = post(
        "/api/v1/cases",
        {
            "item_code": "SF-GAHZ-013",
            "applicant": PERSON,
            "materials": [{"material_id": "SF-GAHZ-013-M01", "provided": "paper"}],
        },
    )
    return {
        "case": case["number"],
        "refusal": refusal["number"],
        "notice": notice["notice_number"],
    }


def _call(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(
        path, json.dumps({"item_code": "SF-GAHZ-013"}), content_type="application/json"
    )


PRIVATE = [
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/intake/preview"),
    ("POST", "/api/v1/cases"),
    ("POST", "/api/v1/intake/refusals"),
    ("GET", "/api/v1/cases/{case}"),
    ("GET", "/api/v1/cases/{case}/receipt"),
    ("GET", "/api/v1/intake/refusals/{refusal}/document"),
    ("GET", "/api/v1/intake/supplement-notices/{notice}/document"),
]


@pytest.mark.parametrize(("method", "path"), PRIVATE)
def test_anonymous_is_401_with_the_error_shape(
    method: str, path: str, records: dict[str, str]
) -> None:
    response = _call(Client(), method, path.format(**records))
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/cases/{case}", 404),
        ("GET", "/api/v1/cases/{case}/receipt", 404),
        ("GET", "/api/v1/intake/refusals/{refusal}/document", 403),
        ("GET", "/api/v1/intake/supplement-notices/{notice}/document", 404),
        ("POST", "/api/v1/intake/refusals", 403),
    ],
)
def test_outsider_never_reaches_other_peoples_records(
    method: str, path: str, status: int, outsider: User, records: dict[str, str], client_for: Any
) -> None:
    response = _call(client_for(outsider), method, path.format(**records))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/intake/preview"),
        ("POST", "/api/v1/cases"),
        ("POST", "/api/v1/intake/refusals"),
    ],
)
def test_roles_that_may_never_call_get_403(
    method: str, path: str, approver: User, client_for: Any
) -> None:
    response = _call(client_for(approver), method, path)
    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"


def test_approver_of_another_department_cannot_see_the_case(
    other_approver: User, records: dict[str, str], client_for: Any
) -> None:
    assert client_for(other_approver).get(f"/api/v1/cases/{records['case']}").status_code == 404
