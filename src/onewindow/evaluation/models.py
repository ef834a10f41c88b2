"""Reviews (好差评) of a case's service events and the rectifications that bad ones open."""

from __future__ import annotations

import uuid

from django.db import models

from onewindow.accounts.models import Department, User
from onewindow.catalog.models import Item
from onewindow.core.models import TimeStampedModel
from onewindow.evaluation.enums import (
    BAD_LEVELS,
    Classification,
    Level,
    RectificationStatus,
    ReviewChannel,
    Stage,
)
from onewindow.workflow.models import Case


class Review(TimeStampedModel):
    """One rating of one service event (受理 or 办结) of a case, with what it concerns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="reviews"
    )
    stage = models.CharField("评价环节", max_length=10, choices=Stage.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    channel = models.CharField("评价渠道", max_length=12, choices=ReviewChannel.choices)
    dimensions = models.JSONField("分项评价", default=dict, blank=True)
    text = models.TextField("评价内容", blank=True)
    evaluator = models.ForeignKey(
        User,
        verbose_name="评价人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_given",
    )
    has_contact_consent = models.BooleanField("同意联系", default=False)
    staff = models.ForeignKey(
        User,
        verbose_name="被评价人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_received",
    )
    window_code = models.CharField("窗口", max_length=20, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="reviews"
    )
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField("评价时间")
    is_excluded = models.BooleanField("不计入指标", default=False)
    excluded_reason = models.TextField("不计入原因", blank=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="review_one_per_case_stage"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="review_level_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["reviewed_at"], name="review_reviewed_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.level}"

    @property
    def is_bad(self) -> bool:
        """差评: levels 4 and 5."""
        return self.level in BAD_LEVELS


class Rectification(TimeStampedModel):
    """The work order a bad review opens: verify, classify, rectify, reply, revisit."""

    review = models.OneToOneField(
        Review, verbose_name="评价", on_delete=models.PROTECT, related_name="rectification"
    )
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态",
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.VERIFYING,
    )
    classification = models.CharField(
        "分类", max_length=10, choices=Classification.choices, blank=True
    )
    contact_due_on = models.DateField("联系核实期限")
    rectify_due_on = models.DateField("整改期限")
    contacted_at = models.DateTimeField("联系时间", null=True, blank=True)
    rectified_at = models.DateTimeField("整改时间", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    revisited_at = models.DateTimeField("回访时间", null=True, blank=True)
    is_revisit_satisfied = models.BooleanField("回访满意", null=True, blank=True)
    notes = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"

    def __str__(self) -> str:
        return f"整改 {self.pk} {self.status}"


class ScorecardWeight(models.Model):
    """Weights (percent, summing to 100) of the department scorecard, set by the centre; the
    newest row is in force."""

    review_percent = models.PositiveSmallIntegerField("评价指标权重（%）")
    rectification_percent = models.PositiveSmallIntegerField("整改绩效权重（%）")
    points_percent = models.PositiveSmallIntegerField("协同积分权重（%）")
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "部门考核权重"
        verbose_name_plural = "部门考核权重"
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review_percent}/{self.rectification_percent}/{self.points_percent}"
