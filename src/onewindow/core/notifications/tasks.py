"""Outbox jobs: send one notification after commit, and a retry pass every minute."""

from __future__ import annotations

from django_tasks import task

from onewindow.core import scheduler
from onewindow.core.notifications import services


@task()
def send_notification(notification_id: int) -> dict[str, str]:
    """Send the notification's channels that are due (enqueued after the change commits)."""
    return services.send_notification(notification_id)


@task()
def retry_notifications() -> int:
    """Retry every pending channel whose next attempt is due; returns how many were tried."""
    return services.retry_due()


scheduler.register("notifications.retry", "minute", retry_notifications)
