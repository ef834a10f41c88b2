"""Report periods. Stored values never change."""

from __future__ import annotations

from django.db import models


class ReportPeriod(models.TextChoices):
    WEEK = "week", "周例会"
    MONTH = "month", "月调度"
