"""Idempotent creating writes (API.md): the ``Idempotency-Key`` is checked before the body is
validated; the first 2xx response is stored in the same transaction as the write it answers,
so a retry either replays it or, after a crash, runs the write again — never both.

Pages opt in with :func:`idempotent_form`: the form carries a ``submission_key`` generated when
it was rendered, so a double click or a resent form opens one case, not two."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import rfc8785
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from onewindow.core import clock
from onewindow.core.http import error_response
from onewindow.core.models import IdempotencyRecord

API_PREFIX = "/api/v1/"
MAX_KEY_LENGTH = 255
FORM_KEY_FIELD = "submission_key"
_FORM_ATTRIBUTE = "onewindow_idempotent_form"
V = TypeVar("V", bound=Callable[..., HttpResponse])


def idempotent_form(view: V) -> V:
    """Mark a page view whose POST is replayed for the same ``submission_key`` (the outermost
    decorator). Success and redirect responses are stored; errors are not."""
    setattr(view, _FORM_ATTRIBUTE, True)
    return view


def new_submission_key() -> str:
    """A fresh key for a rendered form."""
    return secrets.token_urlsafe(18)


def body_digest(body: bytes) -> str:
    """SHA-256 of the canonical JSON (RFC 8785) of the body, or of the raw bytes."""
    try:
        canonical = rfc8785.dumps(json.loads(body.decode("utf-8") or "null"))
    except (ValueError, UnicodeDecodeError, rfc8785.CanonicalizationError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def form_digest(request: HttpRequest) -> str:
    """SHA-256 of a posted form's fields (urlencoded or multipart alike), CSRF token aside."""
    fields = {
        k: request.POST.getlist(k) for k in sorted(request.POST) if k != "csrfmiddlewaretoken"
    }
    return hashlib.sha256(rfc8785.dumps(fields)).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._caller_of: Callable[[HttpRequest], str] | None = None

    def caller(self, request: HttpRequest) -> str:
        if self._caller_of is None:
            self._caller_of = import_string(str(settings.ONEWINDOW["IDEMPOTENCY_CALLER"]))
        return self._caller_of(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "")
        if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return error_response(
                400, "idempotency.bad_key", "幂等键过长", {"Idempotency-Key": "最多255个字符"}
            )
        return self._once(request, key, lambda: self.get_response(request), keep_redirects=False)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method != "POST" or not getattr(view, _FORM_ATTRIBUTE, False):
            return None
        key = request.POST.get(FORM_KEY_FIELD, "")[:MAX_KEY_LENGTH]
        if not key:
            return None
        return self._once(request, key, lambda: view(request, *args, **kwargs), keep_redirects=True)

    def _once(
        self,
        request: HttpRequest,
        key: str,
        run: Callable[[], HttpResponse],
        *,
        keep_redirects: bool,
    ) -> HttpResponse:
        caller = self.caller(request)
        digest = form_digest(request) if keep_redirects else body_digest(request.body)
        cutoff = clock.now() - timedelta(hours=settings.ONEWINDOW["IDEMPOTENCY_HOURS"])
        scope = {"caller": caller, "path": request.path, "key": key}
        replay = self._replay(scope, digest, cutoff, for_page=keep_redirects)
        if replay is not None:
            return replay
        top = 400 if keep_redirects else 300
        try:
            with transaction.atomic():
                response = run()
                if 200 <= response.status_code < top and not response.streaming:
                    IdempotencyRecord.objects.create(
                        **scope,
                        body_hash=digest,
                        status_code=response.status_code,
                        content_type=response.get("Content-Type", "application/json"),
                        location=response.get("Location", ""),
                        response_body=response.content,
                        created_at=clock.now(),
                    )
        except IntegrityError:
            # A concurrent request with the same key committed first: this one's writes were
            # rolled back with the failed insert, and the first response is replayed.
            replay = self._replay(scope, digest, cutoff, for_page=keep_redirects)
            if replay is not None:
                return replay
            raise
        return response

    def _replay(
        self, scope: dict[str, str], digest: str, cutoff: datetime, *, for_page: bool = False
    ) -> HttpResponse | None:
        record = IdempotencyRecord.objects.filter(**scope).first()
        if record is None:
            return None
        if record.created_at <= cutoff:  # expired: the key may be used afresh
            record.delete()
            return None
        if record.body_hash != digest:
            if for_page:
                return HttpResponse(
                    "该表单已经提交过，内容不能再更改。请重新打开页面后办理。",
                    status=409,
                    content_type="text/plain; charset=utf-8",
                )
            return error_response(409, "idempotency.conflict", "同一幂等键已用于不同的请求内容")
        response = HttpResponse(
            bytes(record.response_body),
            status=record.status_code,
            content_type=record.content_type,
        )
        if record.location:
            response["Location"] = record.location
        response["Idempotent-Replayed"] = "true"
        return response
