"""Pluggable delivery channels.

A channel sends one notification and raises :class:`ChannelError` (or any exception) when it
cannot; the outbox then retries later. Channels are configured by dotted path in
``settings.ONEWINDOW["NOTIFICATION_CHANNELS"]``; the SMS channel hands the text to the gateway
named by ``settings.ONEWINDOW["SMS_GATEWAY"]`` — a logging gateway in the demo, a provider's
client in production (any class with ``send_sms(phone, text)``).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from onewindow.core import ids
from onewindow.core.notifications.models import Notification, NotificationChannel

logger = logging.getLogger(__name__)


class ChannelError(RuntimeError):
    """The channel could not send now; the outbox retries."""


class Channel(Protocol):
    """Sends one notification over one medium."""

    def send(self, notification: Notification) -> None: ...


class SmsGateway(Protocol):
    """The interface an SMS provider's client implements."""

    def send_sms(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """A gateway that only logs (masked number): the demo has no SMS provider."""

    def send_sms(self, phone: str, text: str) -> None:
        logger.info("短信 → %s：%s", ids.mask_phone(phone), text)


class SmsChannel:
    """Texts ``title：body`` to the notification's phone number through the gateway."""

    def send(self, notification: Notification) -> None:
        if not notification.phone:
            raise ChannelError("没有手机号码")
        gateway: SmsGateway = import_string(settings.ONEWINDOW["SMS_GATEWAY"])()
        gateway.send_sms(notification.phone, f"【{settings.CENTRE_NAME}】{notification.body}")


class InAppChannel:
    """The outbox row is the in-app message: sending only checks it has a reader."""

    def send(self, notification: Notification) -> None:
        if notification.recipient_id is None:
            raise ChannelError("站内消息没有接收人")


DEFAULT_CHANNELS: dict[str, str] = {
    NotificationChannel.SMS: "onewindow.core.notifications.channels.SmsChannel",
    NotificationChannel.IN_APP: "onewindow.core.notifications.channels.InAppChannel",
}


def get_channel(name: str) -> Channel:
    """The configured channel ``name`` (settings override the defaults)."""
    configured: dict[str, str] = dict(settings.ONEWINDOW.get("NOTIFICATION_CHANNELS") or {})
    path = configured.get(name) or DEFAULT_CHANNELS[name]
    channel: Channel = import_string(path)()
    return channel
