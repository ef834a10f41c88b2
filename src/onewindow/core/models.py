"""Shared kernel tables: the base model, the working-day calendar, idempotency, rate limits."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Every table carries creation and update times."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class CalendarSource(models.TextChoices):
    STATUTORY = "statutory", "国务院公布的放假安排"
    WEEKDAYS = "weekdays", "暂按周一至周五（待国务院公布）"


class CalendarYear(TimeStampedModel):
    """A year whose working days are known (statutory schedule loaded) or provisional."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=16, choices=CalendarSource.choices)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}（{self.get_source_display()}）"

    @property
    def is_provisional(self) -> bool:
        return self.source == CalendarSource.WEEKDAYS


class CalendarDay(TimeStampedModel):
    """One day's working status. Statutory rows come from the State Council schedule; rows an
    admin edits (``is_local_adjustment``) win and are kept when the schedule is reloaded."""

    day = models.DateField("日期", primary_key=True)
    is_working = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=40, blank=True)
    is_local_adjustment = models.BooleanField("本地调整", default=False)

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'工作日' if self.is_working else '休息日'} {self.name}".strip()


class IdempotencyRecord(models.Model):
    """The first 2xx response to a creating write, replayed for the same key and body (24 h)."""

    caller = models.CharField(max_length=80)
    path = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, default="application/json")
    location = models.CharField(max_length=500, blank=True, default="")
    response_body = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "幂等请求记录"
        verbose_name_plural = "幂等请求记录"
        constraints = [
            models.UniqueConstraint(fields=["caller", "path", "key"], name="idempotency_scope")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.path} {self.key}"


class FailedAttempt(models.Model):
    """A failed guess (wrong progress verify code …) for sliding-window rate limits."""

    scope = models.CharField(max_length=40)
    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "address", "at"], name="failed_attempt_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.address}"


class Counter(models.Model):
    """Named counters for readable document numbers (case numbers per day and region …)."""

    key = models.CharField(max_length=80, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


# The notification outbox lives in its own module; importing it here registers its models.
from onewindow.core.notifications.models import (  # noqa: E402
    Notification as Notification,
)
from onewindow.core.notifications.models import (  # noqa: E402
    NotificationDelivery as NotificationDelivery,
)
