"""Periodic jobs: enqueue each registered task once per period (ARCHITECTURE §2).

Neither django-tasks nor its database worker schedules periodic work, so the ``scheduler``
command calls :func:`tick` every interval. A job runs at most once per *period key*
(``2026-11-24T10`` for an hourly job, ``2026-W48`` for a weekly one), computed in China
Standard Time. The key is claimed by creating a :class:`~onewindow.core.models.Counter` row in
the same transaction as the enqueue, so several schedulers (one per app server) never enqueue
the same period twice, and a failed enqueue leaves the period unclaimed for the next tick.

Apps register their jobs at import time in their ``tasks`` module::

    scheduler.register("workflow.sla_sweep", "hour", sla_sweep)

and :func:`autodiscover` imports every installed app's ``tasks`` module.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, Protocol, get_args

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from onewindow.core import clock
from onewindow.core.models import Counter

logger = logging.getLogger(__name__)

Period = Literal["minute", "hour", "day", "week", "month"]
PERIODS: Final[frozenset[str]] = frozenset(get_args(Period))

MARKER_PREFIX: Final = "sched:"
# Job names become part of a Counter key (80 characters); the colon separates the key's parts.
_NAME_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,47}$")


class PeriodicTask(Protocol):
    """What the scheduler needs of a task: ``enqueue()`` without arguments (a django-tasks
    ``Task`` whose function takes none)."""

    def enqueue(self) -> object: ...


@dataclass(frozen=True)
class Job:
    """A registered periodic job."""

    name: str
    period: Period
    task: PeriodicTask


_registry: dict[str, Job] = {}


def register(name: str, period: Period, task: PeriodicTask) -> Job:
    """Register ``task`` to be enqueued once per ``period`` under ``name``.

    Registering the same name again replaces the job (modules may be imported twice in
    development). Raises ValueError for an unknown period or a name that is not
    ``[a-z0-9._-]`` (at most 48 characters).
    """
    if period not in PERIODS:
        raise ValueError(f"未知的周期：{period!r}（应为 {', '.join(sorted(PERIODS))}）")
    if not _NAME_PATTERN.match(name):
        raise ValueError(f"定时任务名称不合规：{name!r}（小写字母、数字、点、下划线、连字符）")
    job = Job(name, period, task)
    _registry[name] = job
    return job


def unregister(name: str) -> None:
    """Remove a job (tests that register throw-away jobs clean up with this)."""
    _registry.pop(name, None)


def jobs() -> list[Job]:
    """The registered jobs, ordered by name."""
    return [_registry[name] for name in sorted(_registry)]


def autodiscover() -> None:
    """Import each installed app's ``tasks`` module so that its jobs register themselves."""
    autodiscover_modules("tasks")


def period_key(period: Period, moment: datetime) -> str:
    """The key of the period containing ``moment`` in China Standard Time.

    ``minute`` → ``2026-11-24T10:05``, ``hour`` → ``2026-11-24T10``, ``day`` → ``2026-11-24``,
    ``week`` → ``2026-W48`` (ISO 8601 week, so a week spanning New Year has one key),
    ``month`` → ``2026-11``.
    """
    local = clock.local(moment)
    if period == "minute":
        return local.strftime("%Y-%m-%dT%H:%M")
    if period == "hour":
        return local.strftime("%Y-%m-%dT%H")
    if period == "day":
        return local.strftime("%Y-%m-%d")
    if period == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return local.strftime("%Y-%m")
    raise ValueError(f"未知的周期：{period!r}")


def marker_key(job: Job, key: str) -> str:
    """The Counter key that records that ``job`` was enqueued for period ``key``."""
    return f"{MARKER_PREFIX}{job.name}:{key}"


def run_job(job: Job, moment: datetime) -> bool:
    """Enqueue ``job`` unless its period containing ``moment`` was already claimed.

    Returns whether it was enqueued. The marker and the queued task commit together. Markers of
    earlier periods are deleted once a later one is claimed: they are never needed again, and
    a minutely job would otherwise leave 1,440 rows a day behind.
    """
    key = marker_key(job, period_key(job.period, moment))
    with transaction.atomic():
        _, created = Counter.objects.get_or_create(key=key)
        if not created:
            return False
        job.task.enqueue()
        Counter.objects.filter(key__startswith=f"{MARKER_PREFIX}{job.name}:").exclude(
            key=key
        ).delete()
    return True


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every registered job whose current period has not run yet.

    ``now`` defaults to :func:`core.clock.now`. Returns the names of the jobs enqueued. A job
    that fails to enqueue is logged and retried on the next tick; the other jobs still run.
    """
    moment = now if now is not None else clock.now()
    enqueued: list[str] = []
    for job in jobs():
        try:
            if run_job(job, moment):
                enqueued.append(job.name)
        except Exception:
            # One broken job (or a briefly locked database) must not stop the others; the
            # period stays unclaimed, so the next tick tries again.
            logger.exception("定时任务 %s 入队失败，下一轮重试", job.name)
    return enqueued
