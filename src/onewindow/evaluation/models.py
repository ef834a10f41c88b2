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
from onewindow.workflow.enums import EscalationLevel
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
    # The current step's deadline, set when the rectification enters the step (see
    # services.step_due_on); none once closed or revoked.
    step_due_on = models.DateField("当前环节期限", null=True, blank=True)
    # The highest escalation the current step has reached (blank: none); reset on each step.
    escalation_level = models.CharField(
        "督办级别", max_length=12, choices=EscalationLevel.choices, blank=True
    )

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        indexes = [
            models.Index(fields=["status", "step_due_on"], name="rectification_step_due_idx")
        ]

    def __str__(self) -> str:
        return f"整改 {self.pk} {self.status}"


class RectificationEscalation(models.Model):
    """One escalation of one rectification step: overdue notice to the department head, or the
    centre's supervision list. Unique per (rectification, step, level, due date), so a sweep that
    runs twice escalates once, and a step entered again with a new deadline may escalate again.
    """

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="escalations"
    )
    status = models.CharField("环节", max_length=12, choices=RectificationStatus.choices)
    level = models.CharField("级别", max_length=12, choices=EscalationLevel.choices)
    due_on = models.DateField("环节期限")
    overdue_days = models.IntegerField("超期工作日", default=0)
    created_at = models.DateTimeField("升级时间")
    ledger_index = models.BigIntegerField("账本序号", null=True, blank=True)

    class Meta:
        verbose_name = "差评整改督办"
        verbose_name_plural = "差评整改督办"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rectification", "status", "level", "due_on"],
                name="rectification_escalation_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.status} {self.level}"


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


class ReviewTally(models.Model):
    """好差评日汇总: the counts behind the review indicators for one local day, stage, department,
    window, staff member and item (实时归集). ``events`` and ``rated`` count rateable events
    (a case accepted or completed that day) and those of them reviewed; the other counters are
    the reviews made that day, less upheld appeals. Kept in step in the same transaction as each
    acceptance, completion, rating and rectification step (``evaluation.tallies``); rebuilt from
    the rows by ``onewindow rebuild_review_tallies``. Derived data, hence no timestamps."""

    day = models.DateField("日期")
    stage = models.CharField("评价环节", max_length=10, choices=Stage.choices)
    department = models.ForeignKey(  # indexed with the day below
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    window_code = models.CharField("窗口", max_length=20, blank=True)
    # The staff member's user id, 0 for none: a nullable key column could not be unique.
    staff_key = models.BigIntegerField("工作人员", default=0)
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    events = models.IntegerField("可评价事件", default=0)
    rated = models.IntegerField("已评价事件", default=0)
    reviews = models.IntegerField("计入评价", default=0)
    bad = models.IntegerField("差评", default=0)
    replied = models.IntegerField("差评已回复", default=0)
    rectified = models.IntegerField("差评已整改", default=0)
    revisits = models.IntegerField("已回访", default=0)
    satisfied = models.IntegerField("回访满意", default=0)

    class Meta:
        verbose_name = "好差评日汇总"
        verbose_name_plural = "好差评日汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "stage", "department", "window_code", "staff_key", "item"],
                name="review_tally_one_per_key",
            )
        ]
        indexes = [models.Index(fields=["department", "day"], name="review_tally_department")]

    def __str__(self) -> str:
        return f"{self.day} {self.stage} {self.department_id} {self.item_id}"
