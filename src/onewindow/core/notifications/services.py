"""Writing to the outbox and sending from it.

:func:`notify` is called inside the changing service's transaction: the rows commit with the
change, and the sending job is enqueued only after commit, so a rolled-back change never sends
and a committed one is never forgotten. :func:`send_delivery` claims one channel's row, sends
outside any transaction and records the outcome; a failure schedules a retry with backoff, and
after the configured attempts the row is marked failed — still in the outbox, where an operator
can send it again (:func:`resend`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from onewindow.core import clock
from onewindow.core.notifications import templates
from onewindow.core.notifications.channels import get_channel
from onewindow.core.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationDelivery,
)

logger = logging.getLogger(__name__)

# A claimed row is not picked up again for this long, so a worker that dies mid-send only
# delays the message; the next retry pass takes it again.
CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Recipient:
    """Whom to tell: a user (in-app message) and/or a phone number (SMS)."""

    user_id: int | None = None
    phone: str = ""


def _max_attempts() -> int:
    return int(settings.ONEWINDOW.get("NOTIFICATION_MAX_ATTEMPTS", 6))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after ``attempts`` failed tries: 1, 2, 4 … minutes, at most 1 hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def notify(
    *,
    template: str,
    context: Mapping[str, object],
    recipients: Sequence[Recipient],
    target: str = "",
    dedupe_key: str = "",
    sms: bool = True,
) -> list[Notification]:
    """Render ``template`` and put one notification per recipient into the outbox.

    Precondition: called inside the caller's transaction (outside one, the send is enqueued
    at once). A recipient with a user gets an in-app message; with a phone (and ``sms``) an
    SMS. Recipients with neither are skipped. With ``dedupe_key`` a second call with the same
    key (per recipient) adds nothing. Raises UnknownTemplate / MissingPlaceholder for
    programming errors. Side effect: a ``send_notification`` job per notification after commit.
    """
    title, body = templates.render(template, context)
    now = clock.now()
    created: list[Notification] = []
    seen: set[tuple[int | None, str]] = set()
    for index, recipient in enumerate(recipients):
        phone = recipient.phone if sms else ""
        key = (recipient.user_id, phone)
        if key in seen or (recipient.user_id is None and not phone):
            continue
        seen.add(key)
        dedupe = f"{dedupe_key}:" + (f"u{recipient.user_id}" if recipient.user_id else f"p{index}")
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    template=template,
                    title=title[:120],
                    body=body,
                    recipient_id=recipient.user_id,
                    phone=phone,
                    target=target,
                    dedupe_key=dedupe if dedupe_key else None,
                )
        except IntegrityError:
            # A concurrent call with the same dedupe key won; it sends the message.
            continue
        channels = []
        if recipient.user_id is not None:
            channels.append(NotificationChannel.IN_APP)
        if phone:
            channels.append(NotificationChannel.SMS)
        NotificationDelivery.objects.bulk_create(
            NotificationDelivery(notification=notification, channel=c, next_attempt_at=now)
            for c in channels
        )
        created.append(notification)
        transaction.on_commit(partial(_enqueue_send, notification.pk))
    return created


def _enqueue_send(notification_id: int) -> None:
    from onewindow.core.notifications.tasks import send_notification

    try:
        send_notification.enqueue(notification_id)
    except Exception:
        # The rows are committed; the retry pass sends them. Never fail the caller's request.
        logger.exception("通知 %s 发送任务入队失败，等待重试", notification_id)


def send_delivery(delivery_id: int) -> str:
    """Try to send one channel's row once; returns its status afterwards.

    Only a pending row whose next attempt is due is claimed (by a conditional update, so two
    workers never send it twice at once). Sending happens outside any transaction. Side
    effects: the row's status, attempts, error and next attempt time.
    """
    now = clock.now()
    claimed = NotificationDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE, updated_at=now)
    delivery = NotificationDelivery.objects.select_related("notification").get(pk=delivery_id)
    if not claimed:
        return delivery.status
    try:
        get_channel(delivery.channel).send(delivery.notification)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        if delivery.attempts >= _max_attempts():
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            logger.error("通知投递 %s 多次失败，已停止重试：%s", delivery_id, error)
        else:
            delivery.next_attempt_at = clock.now() + retry_delay(delivery.attempts)
            logger.warning("通知投递 %s 失败，稍后重试：%s", delivery_id, error)
        delivery.last_error = error
        delivery.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
        return delivery.status
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = clock.now()
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save(
        update_fields=["status", "sent_at", "next_attempt_at", "last_error", "updated_at"]
    )
    return delivery.status


def send_notification(notification_id: int) -> dict[str, str]:
    """Send every due channel of one notification; returns channel → status."""
    outcome: dict[str, str] = {}
    rows = NotificationDelivery.objects.filter(notification_id=notification_id).values_list(
        "pk", "channel"
    )
    for pk, channel in list(rows):
        outcome[channel] = send_delivery(pk)
    return outcome


def retry_due(limit: int = 500) -> int:
    """Send pending rows whose next attempt is due (the periodic retry pass); returns how many
    were tried."""
    now = clock.now()
    due = list(
        NotificationDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        send_delivery(pk)
    return len(due)


def resend(delivery: NotificationDelivery) -> None:
    """Put a failed row back in the queue (an operator's decision); attempts start again."""
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=clock.now()
    )
    transaction.on_commit(partial(_enqueue_send, delivery.notification_id))


def mark_read(*, user_id: int, notification_ids: Sequence[int] | None = None) -> int:
    """Mark the user's in-app messages read (all when ``notification_ids`` is None)."""
    rows = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=clock.now())


def list_for_user(user_id: int) -> QuerySet[Notification]:
    """The user's in-app messages, newest first."""
    return Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-id")


def count_unread(user_id: int) -> int:
    """How many of the user's in-app messages are unread."""
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
