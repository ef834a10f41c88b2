"""The one source of time. Tests freeze it with :func:`frozen`; nothing else calls ``now()``.

Every deadline in the platform is derived from these two functions, so a test that freezes the
clock controls acceptance times, due dates and SLA states at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_state = threading.local()
_global_frozen: list[datetime] = []


def now() -> datetime:
    """Current time, timezone-aware."""
    frozen: datetime | None = getattr(_state, "frozen", None)
    if frozen is not None:
        return frozen
    if _global_frozen:
        return _global_frozen[-1]
    return timezone.now()


def today() -> date:
    """Today's date in China Standard Time, whatever the server's zone."""
    return now().astimezone(LOCAL_TZ).date()


def local(moment: datetime) -> datetime:
    """Express an aware datetime in China Standard Time (+08:00)."""
    return moment.astimezone(LOCAL_TZ)


@contextmanager
def frozen(moment: datetime | date) -> Iterator[None]:
    """Freeze ``now()`` for every thread at ``moment`` (a date means 09:00 local time)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, 9, 0, tzinfo=LOCAL_TZ)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    _global_frozen.append(moment)
    try:
        yield
    finally:
        _global_frozen.pop()


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    if not _global_frozen:
        raise RuntimeError("clock is not frozen")
    _global_frozen[-1] = _global_frozen[-1] + delta
