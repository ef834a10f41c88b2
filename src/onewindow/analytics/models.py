"""Archived dispatch reports (周例会/月调度): the figures and the files handed to the meeting."""

from __future__ import annotations

from django.db import models

from onewindow.analytics.enums import ReportPeriod
from onewindow.core.models import TimeStampedModel


class DispatchReport(TimeStampedModel):
    """One report of one period; generating it again replaces the files and figures."""

    period = models.CharField("周期", max_length=6, choices=ReportPeriod.choices)
    key = models.CharField("期间", max_length=10)  # 2026-W47 or 2026-11
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    generated_at = models.DateTimeField("生成时间")
    figures = models.JSONField("数据", default=dict)
    xlsx_path = models.CharField("Excel 文件", max_length=200)
    pdf_path = models.CharField("PDF 文件", max_length=200)
    xlsx_sha256 = models.CharField("Excel 摘要", max_length=64)
    pdf_sha256 = models.CharField("PDF 摘要", max_length=64)
    ledger_index = models.BigIntegerField("账本序号", null=True, blank=True)

    class Meta:
        verbose_name = "调度报表"
        verbose_name_plural = "调度报表"
        ordering = ["-starts_on", "period"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="dispatch_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.key}"
