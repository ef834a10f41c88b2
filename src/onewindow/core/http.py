"""HTTP support shared by every app's API: JSON errors, pagination, time rendering.

Domain code never imports this module; only ``api.py``/``views.py`` modules and ``config`` do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.renderers import BaseRenderer

from onewindow.core import clock
from onewindow.core.errors import DomainError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
T = TypeVar("T")


class JsonEncoder(json.JSONEncoder):
    """Dates as YYYY-MM-DD, times as ISO 8601 in +08:00 (API.md conventions)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return clock.local(o).isoformat(timespec="seconds")
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, UUID):
            return str(o)
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def dumps(data: Any) -> str:
    return json.dumps(data, cls=JsonEncoder, ensure_ascii=False)


class Renderer(BaseRenderer):
    media_type = "application/json"
    charset = "utf-8"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return dumps(data)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": dict(fields or {})}


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )


def domain_error_response(exc: DomainError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def clamp_page(page: int | None, page_size: int | None) -> tuple[int, int]:
    """Page from 1; size defaults to 20 and is clamped to 1..100."""
    size = DEFAULT_PAGE_SIZE if not page_size or page_size < 1 else min(page_size, MAX_PAGE_SIZE)
    return max(page or 1, 1), size


def paginate(
    rows: QuerySet[Any] | Sequence[T],
    page: int | None,
    page_size: int | None,
    serialise: Callable[[Iterable[T]], list[dict[str, Any]]],
) -> dict[str, Any]:
    """``{"items": [...], "total": N}``; a page past the end has empty items."""
    number, size = clamp_page(page, page_size)
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (number - 1) * size
    window = rows[start : start + size]
    return {"items": serialise(window), "total": total}


def client_address(request: HttpRequest) -> str:
    """The caller's address (the proxy in front must set REMOTE_ADDR correctly)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")
