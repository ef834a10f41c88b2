"""Cases (办件) and their department tasks in plain, indexed tables (ARCHITECTURE §5)."""

from __future__ import annotations

import uuid

from django.db import models

from onewindow.accounts.models import Department, User
from onewindow.catalog.models import Item, ItemVersion
from onewindow.core.models import TimeStampedModel
from onewindow.datahub.models import Organisation, Person
from onewindow.workflow.enums import (
    CASE_TRANSITIONS,
    TASK_TRANSITIONS,
    ApplicantKind,
    CaseStatus,
    Channel,
    DeliveryMethod,
    EscalationLevel,
    ExtensionStatus,
    PointRuleCode,
    Provided,
    SpecialProcedureKind,
    TaskStatus,
)


class Case(TimeStampedModel):
    """An accepted application. It keeps the item version it was accepted under."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField("办件编号", max_length=40, unique=True)
    group_number = models.CharField("一件事编号", max_length=40, blank=True, db_index=True)
    region_code = models.CharField("区划代码", max_length=12)
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT)
    item_version = models.ForeignKey(
        ItemVersion, verbose_name="事项版本", on_delete=models.PROTECT, related_name="cases"
    )
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=ApplicantKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_code = models.CharField("证件号码", max_length=18)
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    checksum_overridden = models.BooleanField("校验位人工确认", default=False)
    parties = models.JSONField("其他当事人", default=list, blank=True)
    channel = models.CharField("受理渠道", max_length=8, choices=Channel.choices)
    window_code = models.CharField("受理窗口", max_length=20, blank=True)
    clerk = models.ForeignKey(
        User,
        verbose_name="受理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_cases",
    )
    submitted_by = models.ForeignKey(
        User,
        verbose_name="提交账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    accepted_at = models.DateTimeField("受理时间")
    promised_due_on = models.DateField("承诺办结日期")
    legal_due_on = models.DateField("法定办结日期")
    due_is_provisional = models.BooleanField("时限暂定", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED
    )
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    is_tolerant = models.BooleanField("容缺受理", default=False)
    supplement_due_on = models.DateField("容缺材料补交期限", null=True, blank=True)
    conditions = models.JSONField("适用情形", default=list, blank=True)
    form_data = models.JSONField("申请表", default=dict, blank=True)
    form_missing = models.JSONField("待填字段", default=list, blank=True)
    # The back office (ARCHITECTURE §5): the clock stops while paused_on is set (补正, §45).
    paused_on = models.DateField("计时暂停日期", null=True, blank=True)
    # Set while a certificate the case relied on (免提交) is not valid: the case page and the
    # inbox row show it so the department checks the application again.
    certificate_alert = models.CharField("证照状态提醒", max_length=300, blank=True)
    paused_days = models.PositiveIntegerField("不计时工作日", default=0)
    extended_days = models.PositiveIntegerField("延长工作日", default=0)
    decided_at = models.DateTimeField("审批决定时间", null=True, blank=True)
    delivery_method = models.CharField(
        "送达方式", max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    result_certificate = models.CharField("结果证照标识", max_length=120, blank=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["region_code", "status", "accepted_at"], name="case_status"),
            models.Index(fields=["region_code", "accepted_at"], name="case_accepted"),
            models.Index(fields=["applicant_code", "accepted_at"], name="case_applicant"),
            models.Index(fields=["region_code", "decided_at"], name="case_decided"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def ledger_ref(self) -> str:
        return f"case:{self.number}"

    def can_become(self, status: str) -> bool:
        return status in CASE_TRANSITIONS[self.status]


class CaseMaterial(models.Model):
    """How one material slot of the case's item version was satisfied at acceptance."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material_code = models.CharField("材料编号", max_length=40)
    name = models.CharField("材料名称", max_length=120)
    provided = models.CharField("提交方式", max_length=12, choices=Provided.choices)
    certificate_identifier = models.CharField("证照标识", max_length=120, blank=True)
    received_at = models.DateTimeField("收取时间", null=True, blank=True)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.material_code} {self.provided}"


class CaseTask(TimeStampedModel):
    """A department's review step of a case; tasks of one stage run in parallel (并联)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    stage = models.PositiveSmallIntegerField("阶段")
    position = models.PositiveSmallIntegerField("环节顺序")
    name = models.CharField("环节", max_length=40)
    department = models.ForeignKey(Department, verbose_name="承办部门", on_delete=models.PROTECT)
    role = models.CharField("岗位", max_length=120, blank=True)
    days = models.PositiveIntegerField("时限（工作日）")
    status = models.CharField(
        "状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.WAITING
    )
    opened_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("到期日期", null=True, blank=True)
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField("意见", blank=True)
    # The case's acceptance time, copied so that the inbox (due date, then acceptance time) is
    # one index range scan with a LIMIT, whatever the department's backlog.
    case_accepted_at = models.DateTimeField("受理时间", null=True, blank=True)

    class Meta:
        verbose_name = "办件环节任务"
        verbose_name_plural = "办件环节任务"
        ordering = ["case", "stage", "position"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="task_inbox"),
            models.Index(
                fields=["department", "status", "due_on", "case_accepted_at", "id"],
                name="task_inbox_order",
            ),
            models.Index(fields=["status", "due_on"], name="task_sla"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.name}"

    def can_become(self, status: str) -> bool:
        return status in TASK_TRANSITIONS[self.status]


class SupplementRequest(TimeStampedModel):
    """A return for supplement (补正) during review: the case goes back to the window with the
    listed materials and its clock stops until they arrive."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplements")
    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="supplements")
    department = models.ForeignKey(Department, verbose_name="退回部门", on_delete=models.PROTECT)
    missing = models.JSONField("需补正材料", default=list)
    comment = models.TextField("补正说明", blank=True)
    requested_at = models.DateTimeField("退回时间")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("收齐时间", null=True, blank=True)
    received_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paused_days = models.PositiveIntegerField("不计时工作日", default=0)
    is_repeat = models.BooleanField("同一部门再次补正", default=False)

    class Meta:
        verbose_name = "补正"
        verbose_name_plural = "补正"
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id} 补正"


class TaskTransfer(models.Model):
    """A task handed to another department (转办); its deadline restarts there."""

    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="transfers")
    from_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("转办理由", max_length=500)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("转办时间")
    is_bounce = models.BooleanField("退回原转办部门", default=False)

    class Meta:
        verbose_name = "转办记录"
        verbose_name_plural = "转办记录"
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} 转办"


class Extension(TimeStampedModel):
    """延长审批 (行政许可法 §42): +10 working days approved by the department head, +15 for a
    joint case approved by the centre; the reason is told to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    department = models.ForeignKey(Department, verbose_name="申请部门", on_delete=models.PROTECT)
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.CharField("延长理由", max_length=500)
    is_joint = models.BooleanField("并联办件", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)

    class Meta:
        verbose_name = "延长审批"
        verbose_name_plural = "延长审批"
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id} 延长 {self.days} 个工作日"


class SpecialProcedure(TimeStampedModel):
    """A special procedure (听证、检验、鉴定、专家评审 …) whose time is not counted
    (行政许可法 §45); the case is suspended while it runs."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="special_procedures")
    department = models.ForeignKey(Department, verbose_name="启动部门", on_delete=models.PROTECT)
    kind = models.CharField("程序类型", max_length=8, choices=SpecialProcedureKind.choices)
    reason = models.CharField("理由", max_length=500)
    started_at = models.DateTimeField("开始时间")
    started_on = models.DateField("开始日期")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField("结果", max_length=500, blank=True)
    paused_days = models.PositiveIntegerField("不计时工作日", default=0)

    class Meta:
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"
        ordering = ["case", "started_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Escalation(models.Model):
    """One escalation of one task for one due date: reminder, overdue notice, supervision.

    Unique per (task, level, due date), so a sweep that runs twice escalates once, and a task
    whose deadline moved (transfer, extension, pause) may be escalated again.
    """

    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="escalations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=12, choices=EscalationLevel.choices)
    due_on = models.DateField("到期日期")
    overdue_days = models.IntegerField("超期工作日", default=0)
    created_at = models.DateTimeField("升级时间")
    # The sweep's ledger entry that lists this escalation (by digest).
    ledger_index = models.BigIntegerField("账本序号", null=True, blank=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "level", "due_on"], name="escalation_once_per_due_date"
            )
        ]
        indexes = [models.Index(fields=["level", "created_at"], name="escalation_level")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.level}"


class PointRule(TimeStampedModel):
    """An editable collaboration-point rule (事项流转积分): what an event is worth."""

    code = models.CharField(
        "规则", max_length=30, choices=PointRuleCode.choices, unique=True, editable=False
    )
    points = models.IntegerField("分值")
    is_active = models.BooleanField("启用", default=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_code_display()}（{self.points:+d}）"


class PointEntry(models.Model):
    """Points one department earned or lost, traceable to the ledger entry that produced it."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField("规则", max_length=30, choices=PointRuleCode.choices)
    points = models.IntegerField("积分")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="point_entries")
    task = models.ForeignKey(
        CaseTask, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ledger_index = models.BigIntegerField("账本序号")
    event = models.CharField("事件", max_length=40)
    note = models.CharField("说明", max_length=200, blank=True)
    occurred_at = models.DateTimeField("发生时间")
    month = models.CharField("月份", max_length=7)

    class Meta:
        verbose_name = "积分记录"
        verbose_name_plural = "积分记录"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "department", "ledger_index"], name="points_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["month", "department"], name="points_month")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.rule} {self.points:+d}"


class PointWeight(models.Model):
    """The weight (percent) of collaboration points in departments' assessment, as set by the
    centre; the newest row is in force."""

    percent = models.PositiveSmallIntegerField("权重（%）")
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "积分考核权重"
        verbose_name_plural = "积分考核权重"
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.percent}%"
