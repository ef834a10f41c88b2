"""Authentication and role management."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction

from onewindow.accounts.errors import BadCredentials
from onewindow.accounts.models import ApiToken, RoleGrant, User
from onewindow.core import clock
from onewindow.ledger import services as ledger


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    roles: list[str]


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(*, username: str, password: str) -> IssuedToken:
    """Exchange a username and password for a bearer token. Raises BadCredentials."""
    user = authenticate(username=username, password=password)
    if not isinstance(user, User) or not user.is_active:
        raise BadCredentials()
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    expires_at = now + timedelta(hours=settings.ONEWINDOW["API_TOKEN_HOURS"])
    ApiToken.objects.create(key_hash=_hash(raw), user=user, created_at=now, expires_at=expires_at)
    return IssuedToken(raw, expires_at, sorted(user.role_set))


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None when unknown or expired."""
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(key_hash=_hash(raw), expires_at__gt=clock.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None


@transaction.atomic
def grant_role(*, user: User, role: str, actor: User | None) -> RoleGrant:
    """Give ``user`` a role (idempotent). Side effect: ledger entry ``account.role_granted``."""
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
    if created:
        ledger.record(
            event="account.role_granted",
            actor=actor.ledger_ref if actor else "system",
            target=user.ledger_ref,
            payload={"role": role},
        )
    user.__dict__.pop("role_set", None)
    return grant


@dataclass(frozen=True)
class DepartmentData:
    code: str
    name: str
    short_name: str
    parent_code: str | None
    kind: str
    credit_code: str
    region_code: str


@transaction.atomic
def upsert_departments(*, rows: list[DepartmentData], actor: str = "system") -> int:
    """Create or update departments (parents first); returns how many changed.

    Side effect: a ledger entry ``department.saved`` per created or changed department.
    """
    from onewindow.accounts.models import Department

    existing = {d.code: d for d in Department.objects.all()}
    changed = 0
    pending = list(rows)
    while pending:
        progressed = False
        for row in list(pending):
            if row.parent_code and row.parent_code not in existing:
                continue
            parent = existing[row.parent_code] if row.parent_code else None
            values = {
                "name": row.name,
                "short_name": row.short_name,
                "parent": parent,
                "kind": row.kind,
                "credit_code": row.credit_code,
                "region_code": row.region_code,
            }
            dept = existing.get(row.code)
            if dept is None:
                dept = Department.objects.create(code=row.code, **values)
            elif any(getattr(dept, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(dept, k, v)
                dept.save()
            else:
                pending.remove(row)
                progressed = True
                continue
            existing[row.code] = dept
            changed += 1
            ledger.record(
                event="department.saved",
                actor=actor,
                target=f"department:{row.code}",
                payload={"name": row.name, "parent": row.parent_code, "kind": row.kind},
            )
            pending.remove(row)
            progressed = True
        if not progressed:
            missing = sorted({r.parent_code or "" for r in pending})
            raise ValueError(f"上级部门不存在：{', '.join(missing)}")
    return changed
