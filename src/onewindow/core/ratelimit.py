"""Sliding-window limits on failed guesses, stored in the database so every worker agrees."""

from __future__ import annotations

from datetime import timedelta

from onewindow.core import clock
from onewindow.core.models import FailedAttempt


def is_blocked(scope: str, address: str, *, limit: int, window: timedelta) -> bool:
    """Whether ``address`` has failed ``limit`` or more times in ``scope`` within ``window``."""
    since = clock.now() - window
    return FailedAttempt.objects.filter(scope=scope, address=address, at__gt=since).count() >= limit


def record_failure(scope: str, address: str, *, window: timedelta) -> None:
    """Remember one failure; failures older than the window are pruned on the way."""
    now = clock.now()
    FailedAttempt.objects.filter(scope=scope, address=address, at__lte=now - window).delete()
    FailedAttempt.objects.create(scope=scope, address=address, at=now)
