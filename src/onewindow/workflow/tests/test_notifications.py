"""The notification outbox (core) as the workflow uses it: written with the change, sent
after commit, retried with backoff, never lost when a channel fails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.core.notifications import services, templates
from onewindow.core.notifications.channels import ChannelError
from onewindow.core.notifications.models import Notification, NotificationDelivery
from onewindow.core.notifications.services import Recipient

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 18, 12, 0, tzinfo=LOCAL_TZ)
Capture = Callable[..., Any]


class BrokenSms:
    """An SMS channel whose gateway is down."""

    def send(self, notification: Notification) -> None:
        raise ChannelError("短信网关不可用")


BROKEN = {"NOTIFICATION_CHANNELS": {"sms": f"{__name__}.BrokenSms"}}


def settings_with(**extra: Any) -> Any:
    from django.conf import settings

    return override_settings(ONEWINDOW={**settings.ONEWINDOW, **extra})


@pytest.fixture
def reader(db: None) -> User:
    return make_user("reader", "citizen", name="读者")


def notify(user: User, **extra: Any) -> list[Notification]:
    return services.notify(
        template="generic",
        context={"title": "测试", "body": "您的办件已受理"},
        recipients=[Recipient(user_id=user.pk, phone="13800138000")],
        target="case:T1",
        **extra,
    )


def test_a_notification_is_sent_after_commit_on_every_channel(
    reader: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        [notification] = notify(reader)
        assert set(notification.deliveries.values_list("status", flat=True)) == {"pending"}
    assert len(callbacks) == 1
    statuses = dict(notification.deliveries.values_list("channel", "status"))
    assert statuses == {"in_app": "sent", "sms": "sent"}
    assert services.count_unread(reader.pk) == 1
    assert services.mark_read(user_id=reader.pk) == 1 and services.count_unread(reader.pk) == 0


def test_a_rolled_back_change_sends_nothing(
    reader: User, django_capture_on_commit_callbacks: Capture
) -> None:
    def failing_change() -> None:
        with transaction.atomic():
            notify(reader)
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_change()
    assert callbacks == [] and not Notification.objects.exists()


def test_a_failing_channel_is_retried_with_backoff_and_never_lost(reader: User) -> None:
    with settings_with(**BROKEN, NOTIFICATION_MAX_ATTEMPTS=3), clock.frozen(NOON):
        [notification] = notify(reader)
        outcome = services.send_notification(notification.pk)
        assert outcome == {"in_app": "sent", "sms": "pending"}
        sms = NotificationDelivery.objects.get(notification=notification, channel="sms")
        assert sms.attempts == 1 and "短信网关不可用" in sms.last_error
        assert sms.next_attempt_at == NOON + timedelta(minutes=1)
        assert services.retry_due() == 0  # not due yet
        clock.advance(timedelta(minutes=1))
        assert services.retry_due() == 1
        sms.refresh_from_db()
        assert sms.attempts == 2 and sms.next_attempt_at == clock.now() + timedelta(minutes=2)
        clock.advance(timedelta(minutes=2))
        services.retry_due()
        sms.refresh_from_db()
        assert sms.status == "failed" and sms.attempts == 3 and sms.next_attempt_at is None
    # Given up, but still in the outbox: an operator sends it again once the gateway is back.
    with clock.frozen(NOON + timedelta(hours=1)):
        services.resend(sms)
        assert services.retry_due() == 1
    sms.refresh_from_db()
    assert sms.status == "sent"


def test_a_dedupe_key_makes_a_repeated_notify_a_no_op(reader: User) -> None:
    assert len(notify(reader, dedupe_key="sweep:2026-11-18")) == 1
    assert notify(reader, dedupe_key="sweep:2026-11-18") == []
    assert Notification.objects.count() == 1


def test_recipients_without_user_or_phone_are_skipped_and_sms_can_be_off(reader: User) -> None:
    created = services.notify(
        template="generic",
        context={"title": "t", "body": "b"},
        recipients=[Recipient(), Recipient(user_id=reader.pk, phone="13800138000")],
        sms=False,
    )
    assert len(created) == 1
    assert list(created[0].deliveries.values_list("channel", flat=True)) == ["in_app"]


def test_templates_need_every_placeholder() -> None:
    templates.register("test.hello", "您好{name}", "办件{number}已受理")
    assert templates.render("test.hello", {"name": "张三", "number": "N1"}) == (
        "您好张三",
        "办件N1已受理",
    )
    with pytest.raises(templates.MissingPlaceholder):
        templates.render("test.hello", {"name": "张三"})
    with pytest.raises(templates.UnknownTemplate):
        templates.render("test.nobody", {})


def test_messages_api_lists_and_marks_read(reader: User, client_for: Any) -> None:
    notify(reader)
    client = client_for(reader)
    body = client.get("/api/v1/messages").json()
    assert body["total"] == 1 and body["unread"] == 1
    assert body["items"][0]["body"] == "您的办件已受理"
    marked = client.post("/api/v1/messages/read", "{}", content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/messages").json()["unread"] == 0
    assert client_for(None).get("/api/v1/messages").status_code == 401
