"""Case pages of the API: the case (staff and applicant) and the public progress view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from onewindow.accounts.auth import request_user
from onewindow.core.errors import NotAuthenticated
from onewindow.core.http import client_address
from onewindow.workflow import access, selectors

router = Router(tags=["办件"])


@router.get("/cases/{number}", summary="办件详情")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user = request_user(request)
    if user is None:
        raise NotAuthenticated()
    return selectors.case_detail(access.case_for_user(user, number))


@router.get("/cases/{number}/progress", auth=None, summary="公开进度查询")
def get_progress(request: HttpRequest, number: str, verify: str = "") -> dict[str, Any]:
    case = access.case_for_progress(number, verify, client_address(request))
    return selectors.progress_detail(case)
