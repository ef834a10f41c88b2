"""Authentication and the caller's own profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onewindow.accounts import services
from onewindow.accounts.auth import request_user
from onewindow.accounts.models import User
from onewindow.core import ids
from onewindow.core.errors import NotAuthenticated

router = Router(tags=["账号"])


class TokenRequest(Schema):
    username: str
    password: str


@router.post("/auth/token", auth=None, summary="用户名密码换取访问令牌")
def issue_token(request: HttpRequest, payload: TokenRequest) -> dict[str, Any]:
    issued = services.issue_token(username=payload.username, password=payload.password)
    return {"token": issued.token, "expires_at": issued.expires_at, "roles": issued.roles}


def me_body(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": user.username,
        "name": user.name or user.username,
        "roles": sorted(user.role_set),
    }
    person = getattr(user, "person", None)
    organisation = getattr(user, "organisation", None)
    if person is not None:
        body["person"] = {
            "name": person.name,
            "id_number_masked": ids.mask_identifier(person.id_number),
        }
    elif organisation is not None:
        body["organisation"] = {
            "name": organisation.name,
            "credit_code_masked": ids.mask_identifier(organisation.credit_code),
        }
    else:
        body["department"] = (
            {"code": user.department.code, "name": user.department.name}
            if user.department
            else None
        )
        body["window_code"] = user.window_code or None
    return body


@router.get("/me", summary="当前账号")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    if user is None:
        raise NotAuthenticated()
    return me_body(user)
