"""Token authentication and /me."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock

pytestmark = pytest.mark.django_db


def token(username: str, password: str) -> Any:
    return Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def test_token_then_me_for_staff(clerk: User) -> None:
    response = token("clerk1", "demo12345")
    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == ["clerk"] and body["expires_at"].endswith("+08:00")
    me = Client(headers={"Authorization": f"Bearer {body['token']}"}).get("/api/v1/me").json()
    assert me["username"] == "clerk1" and me["window_code"] == "A01"
    assert me["department"]["code"] == "ZW"


def test_me_for_citizen_masks_the_id(citizen: User, client_for: Any) -> None:
    me = client_for(citizen).get("/api/v1/me").json()
    assert me["person"]["id_number_masked"] == "9999**********1239"
    assert "department" not in me


def test_bad_password_and_bad_token_are_401(clerk: User) -> None:
    response = token("clerk1", "wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.invalid_credentials"
    assert Client(headers={"Authorization": "Bearer nope"}).get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_missing_fields_are_400(clerk: User) -> None:
    response = Client().post("/api/v1/auth/token", "{}", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


def test_expired_token_is_401(clerk: User) -> None:
    raw = token("clerk1", "demo12345").json()["token"]
    with clock.frozen(clock.now() + timedelta(days=2)):
        assert (
            Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401
        )
