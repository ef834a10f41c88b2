"""API authentication: a bearer token (``POST /api/v1/auth/token``) or the browser session."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import HttpBearer

from onewindow.accounts.models import User
from onewindow.accounts.services import user_for_token
from onewindow.core.errors import PermissionDenied


def _session_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def _csrf_ok(request: HttpRequest) -> bool:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return True
    check = CsrfViewMiddleware(_never_called)
    check.process_request(request)
    return check.process_view(request, _never_called, (), {}) is None


def _never_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the CSRF check only inspects the request")


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def request_user(request: HttpRequest) -> User | None:
    """The caller: a valid bearer token wins; otherwise the session (with CSRF for writes)."""
    if hasattr(request, "_onewindow_user"):
        cached: User | None = request._onewindow_user
        return cached
    token = bearer_token(request)
    user: User | None
    if token is not None:
        user = user_for_token(token)
    elif request.headers.get("Authorization"):
        user = None
    else:
        user = _session_user(request)
        if user is not None and not _csrf_ok(request):
            user = None
    request._onewindow_user = user  # type: ignore[attr-defined]
    return user


class ApiAuth(HttpBearer):
    """Token or session authentication for django-ninja routes.

    With ``roles`` an authenticated caller holding none of them gets 403 before the body is
    validated (API.md: 403 when the caller's role may never call the endpoint).
    """

    def __init__(self, *roles: str) -> None:
        super().__init__()
        self.roles = roles

    def __call__(self, request: HttpRequest) -> User | None:
        user = request_user(request)
        if user is not None and self.roles and not user.has_role(*self.roles):
            raise PermissionDenied()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token)


def idempotency_caller(request: HttpRequest) -> str:
    """Scope for Idempotency-Key: the user, or for anonymous callers their credential hash."""
    user = request_user(request)
    if user is not None:
        return f"user:{user.pk}"
    token = bearer_token(request) or ""
    return "anon:" + hashlib.sha256(token.encode()).hexdigest()[:16]
