"""Users, roles and API clients for tests."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.test import Client

from onewindow.accounts.models import ApiToken, Department, RoleGrant, User
from onewindow.core import clock


def make_user(
    username: str,
    *roles: str,
    department: str | None = None,
    window_code: str = "",
    name: str = "",
    password: str = "demo12345",
) -> User:
    """A user with roles; department by catalog code."""
    user = User.objects.create_user(
        username=username,
        password=password,
        name=name or username,
        department=Department.objects.get(code=department) if department else None,
        window_code=window_code,
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


def token_for(user: User) -> str:
    raw = secrets.token_urlsafe(24)
    now = clock.now()
    ApiToken.objects.create(
        key_hash=hashlib.sha256(raw.encode()).hexdigest(),
        user=user,
        created_at=now,
        expires_at=now + timedelta(days=3650),
    )
    return raw


def api_client(user: User | None) -> Client:
    """A test client that authenticates as ``user`` with a bearer token (anonymous for None)."""
    if user is None:
        return Client()
    return Client(headers={"Authorization": f"Bearer {token_for(user)}"})
