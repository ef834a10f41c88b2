"""Case pages of the API: the case (staff and applicant) and the public progress view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from onewindow.accounts.auth import request_user
from onewindow.core import ids, ratelimit
from onewindow.core.errors import NotAuthenticated, TooManyRequests
from onewindow.core.http import client_address
from onewindow.workflow import access, selectors
from onewindow.workflow.errors import CaseNotFound

router = Router(tags=["办件"])
PROGRESS_SCOPE = "progress"


@router.get("/cases/{number}", summary="办件详情")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    user = request_user(request)
    if user is None:
        raise NotAuthenticated()
    return selectors.case_detail(access.case_for_user(user, number))


@router.get("/cases/{number}/progress", auth=None, summary="公开进度查询")
def get_progress(request: HttpRequest, number: str, verify: str = "") -> dict[str, Any]:
    address = client_address(request)
    window = timedelta(hours=1)
    limit = settings.ONEWINDOW["PROGRESS_WRONG_TRIES_PER_HOUR"]
    if ratelimit.is_blocked(PROGRESS_SCOPE, address, limit=limit, window=window):
        raise TooManyRequests("查询码错误次数过多，请一小时后再试")
    case = selectors.get_case(number) if len(number) <= 40 else None
    if case is None or not verify or ids.last4(case.applicant_code) != verify.strip().upper():
        ratelimit.record_failure(PROGRESS_SCOPE, address, window=window)
        raise CaseNotFound("办件不存在或查询码不正确")
    return selectors.progress_detail(case)
