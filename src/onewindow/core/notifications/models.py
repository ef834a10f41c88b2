"""Outbox tables: one notification per recipient, one delivery row per channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onewindow.core.models import TimeStampedModel


class NotificationChannel(models.TextChoices):
    SMS = "sms", "短信"
    IN_APP = "in_app", "站内消息"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notification(TimeStampedModel):
    """A rendered message to one recipient: a user (in-app) and/or a phone number (SMS).

    ``target`` is a pseudonymous reference to what it is about (``case:<number>``);
    ``dedupe_key`` makes a repeated notify (a sweep run twice) a no-op.
    """

    template = models.CharField("模板", max_length=60)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)
    target = models.CharField("关联对象", max_length=80, blank=True, db_index=True)
    dedupe_key = models.CharField("去重键", max_length=160, null=True, blank=True, unique=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox")
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(TimeStampedModel):
    """The state of one channel of one notification; retried until sent or given up."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=NotificationChannel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "通知投递"
        verbose_name_plural = "通知投递"
        ordering = ["notification", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_channel_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"
