"""Case and task statuses with their allowed transitions (the one place they are declared),
and the ledger event types of the workflow. Stored values never change."""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    IN_REVIEW = "in_review", "审查中"
    SUPPLEMENT = "supplement", "待补正"
    SUSPENDED = "suspended", "特别程序中"
    APPROVED = "approved", "审批通过待出件"
    REJECTED = "rejected", "不予许可"
    COMPLETED = "completed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    # A case stays "accepted" until the back office first acts on it.
    CaseStatus.ACCEPTED: frozenset(
        {
            CaseStatus.IN_REVIEW,
            CaseStatus.SUPPLEMENT,
            CaseStatus.SUSPENDED,
            CaseStatus.APPROVED,
            CaseStatus.REJECTED,
            CaseStatus.WITHDRAWN,
        }
    ),
    CaseStatus.IN_REVIEW: frozenset(
        {
            CaseStatus.SUPPLEMENT,
            CaseStatus.SUSPENDED,
            CaseStatus.APPROVED,
            CaseStatus.REJECTED,
            CaseStatus.WITHDRAWN,
        }
    ),
    CaseStatus.SUPPLEMENT: frozenset({CaseStatus.IN_REVIEW, CaseStatus.WITHDRAWN}),
    CaseStatus.SUSPENDED: frozenset({CaseStatus.IN_REVIEW, CaseStatus.WITHDRAWN}),
    CaseStatus.APPROVED: frozenset({CaseStatus.COMPLETED}),
    CaseStatus.REJECTED: frozenset(),
    CaseStatus.COMPLETED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}

OPEN_CASE_STATUSES = frozenset(
    {CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.SUPPLEMENT, CaseStatus.SUSPENDED}
)


class TaskStatus(models.TextChoices):
    WAITING = "waiting", "待前序环节"
    OPEN = "open", "办理中"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予许可"
    RETURNED = "returned", "退回补正"
    CANCELLED = "cancelled", "已取消"


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.WAITING: frozenset({TaskStatus.OPEN, TaskStatus.CANCELLED}),
    TaskStatus.OPEN: frozenset(
        {TaskStatus.APPROVED, TaskStatus.REJECTED, TaskStatus.RETURNED, TaskStatus.CANCELLED}
    ),
    TaskStatus.RETURNED: frozenset({TaskStatus.OPEN, TaskStatus.CANCELLED}),
    TaskStatus.APPROVED: frozenset(),
    TaskStatus.REJECTED: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class Channel(models.TextChoices):
    WINDOW = "window", "综合窗口"
    ONLINE = "online", "网上申请"


class Provided(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    CERTIFICATE = "certificate", "电子证照免提交"
    FORM = "form", "在线填写申请表"
    TOLERATED = "tolerated", "容缺后补"


class SlaState(models.TextChoices):
    NORMAL = "normal", "正常"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "超期"


class Event(models.TextChoices):
    CASE_ACCEPTED = "case.accepted", "受理"
    TASK_OPENED = "task.opened", "环节开始"
    TASK_APPROVED = "task.approved", "环节通过"
    TASK_REJECTED = "task.rejected", "不予许可"
    TASK_RETURNED = "task.returned", "退回补正"
    TASK_TRANSFERRED = "task.transferred", "转办"
    CASE_SUPPLEMENTED = "case.supplemented", "补正材料已收"
    CASE_EXTENDED = "case.extended", "延长审批"
    CASE_SUSPENDED = "case.suspended", "特别程序开始"
    CASE_RESUMED = "case.resumed", "特别程序结束"
    CASE_APPROVED = "case.approved", "审批通过"
    CASE_REJECTED = "case.rejected", "不予许可"
    CASE_COMPLETED = "case.completed", "办结出件"
