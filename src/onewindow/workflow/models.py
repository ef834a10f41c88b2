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
    Provided,
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

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["region_code", "status", "accepted_at"], name="case_status"),
            models.Index(fields=["region_code", "accepted_at"], name="case_accepted"),
            models.Index(fields=["applicant_code", "accepted_at"], name="case_applicant"),
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

    class Meta:
        verbose_name = "办件环节任务"
        verbose_name_plural = "办件环节任务"
        ordering = ["case", "stage", "position"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="task_inbox"),
            models.Index(fields=["status", "due_on"], name="task_sla"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.name}"

    def can_become(self, status: str) -> bool:
        return status in TASK_TRANSITIONS[self.status]
