"""Background jobs of the shared kernel and their schedule."""

from __future__ import annotations

from django_tasks import task

from onewindow.core import calendar, clock, scheduler


@task()
def refresh_calendar() -> None:
    """Load this year's and next year's working-day calendar.

    The State Council publishes next year's holiday schedule in November or December; once the
    installed ``chinese_calendar`` knows it, a year that was counted Monday-to-Friday
    (provisional) becomes statutory. Both loads are idempotent.
    """
    year = clock.today().year
    calendar.load_year(year)
    calendar.load_year(year + 1)


scheduler.register("calendar.refresh", "day", refresh_calendar)


# The outbox's jobs register themselves when their module is imported.
from onewindow.core.notifications import tasks as _notification_tasks  # noqa: E402, F401
