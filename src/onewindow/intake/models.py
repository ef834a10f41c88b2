"""Written vouchers of the window that are not cases: refusals and one-time supplement notices
(行政许可法 §32: every outcome of an application gets a dated written voucher)."""

from __future__ import annotations

from django.db import models

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion


class Refusal(models.Model):
    """不予受理决定: the application is outside the centre's remit or not acceptable."""

    number = models.CharField("申请编号", max_length=40, unique=True)
    document_number = models.CharField("决定书编号", max_length=40, unique=True)
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT)
    applicant_kind = models.CharField(max_length=12)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_code = models.CharField("证件号码", max_length=18)
    reason = models.TextField("不予受理理由")
    refused_at = models.DateTimeField("决定时间")
    clerk = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    window_code = models.CharField("窗口", max_length=20, blank=True)

    class Meta:
        verbose_name = "不予受理决定"
        verbose_name_plural = "不予受理决定"

    def __str__(self) -> str:
        return self.document_number


class SupplementNotice(models.Model):
    """补正材料一次性告知: every missing material at once, no case opened."""

    notice_number = models.CharField("告知书编号", max_length=40, unique=True)
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT)
    bundle_code = models.CharField(max_length=20, blank=True)
    applicant_kind = models.CharField(max_length=12)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_code = models.CharField("证件号码", max_length=18)
    missing = models.JSONField("缺少的材料")
    issued_at = models.DateTimeField("告知时间")
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    window_code = models.CharField("窗口", max_length=20, blank=True)

    class Meta:
        verbose_name = "补正材料一次性告知书"
        verbose_name_plural = "补正材料一次性告知书"

    def __str__(self) -> str:
        return self.notice_number
