"""Permission checks shared by every app's API and pages."""

from __future__ import annotations

from onewindow.accounts.models import User
from onewindow.core.errors import NotAuthenticated, PermissionDenied


def require_roles(user: User | None, *roles: str) -> User:
    """Return ``user`` when it holds one of ``roles``; 401 when anonymous, 403 otherwise."""
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()
    if not user.has_role(*roles):
        raise PermissionDenied()
    return user
