"""Idempotent creating writes (API.md): the ``Idempotency-Key`` is checked before the body is
validated; the first 2xx response is stored in the same transaction as the write it answers,
so a retry either replays it or, after a crash, runs the write again — never both."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

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


def body_digest(body: bytes) -> str:
    """SHA-256 of the canonical JSON (RFC 8785) of the body, or of the raw bytes."""
    try:
        canonical = rfc8785.dumps(json.loads(body.decode("utf-8") or "null"))
    except (ValueError, UnicodeDecodeError, rfc8785.CanonicalizationError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


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
        caller = self.caller(request)
        digest = body_digest(request.body)
        cutoff = clock.now() - timedelta(hours=settings.ONEWINDOW["IDEMPOTENCY_HOURS"])
        scope = {"caller": caller, "path": request.path, "key": key}
        replay = self._replay(scope, digest, cutoff)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    IdempotencyRecord.objects.create(
                        **scope,
                        body_hash=digest,
                        status_code=response.status_code,
                        content_type=response.get("Content-Type", "application/json"),
                        response_body=response.content,
                        created_at=clock.now(),
                    )
        except IntegrityError:
            # A concurrent request with the same key committed first: this one's writes were
            # rolled back with the failed insert, and the first response is replayed.
            replay = self._replay(scope, digest, cutoff)
            if replay is not None:
                return replay
            raise
        return response

    def _replay(self, scope: dict[str, str], digest: str, cutoff: datetime) -> HttpResponse | None:
        record = IdempotencyRecord.objects.filter(**scope).first()
        if record is None:
            return None
        if record.created_at <= cutoff:  # expired: the key may be used afresh
            record.delete()
            return None
        if record.body_hash != digest:
            return error_response(409, "idempotency.conflict", "同一幂等键已用于不同的请求内容")
        response = HttpResponse(
            bytes(record.response_body),
            status=record.status_code,
            content_type=record.content_type,
        )
        response["Idempotent-Replayed"] = "true"
        return response
