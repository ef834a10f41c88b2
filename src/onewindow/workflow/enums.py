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
    # Added by the back-office engine (API.md: more may be added).
    CASE_EXTENSION_REQUESTED = "case.extension_requested", "申请延长审批"
    TASK_ESCALATED = "task.escalated", "督办升级"
    POINTS_WEIGHT_SET = "points.weight_set", "设置积分权重"
    CASE_CERTIFICATE_FLAGGED = "case.certificate_flagged", "所用证照状态变化"


# Case statuses in which the back office may act on tasks (approve, transfer, pause …).
WORKABLE_CASE_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW})
# Case statuses whose clock is stopped (补正, 行政许可法 §45 special procedures).
PAUSED_CASE_STATUSES = frozenset({CaseStatus.SUPPLEMENT, CaseStatus.SUSPENDED})
CLOSED_CASE_STATUSES = frozenset(
    {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.COMPLETED, CaseStatus.WITHDRAWN}
)


class DecisionAction(models.TextChoices):
    APPROVE = "approve", "通过"
    REJECT = "reject", "不予许可"
    SUPPLEMENT = "supplement", "退回补正"


class SpecialProcedureKind(models.TextChoices):
    """行政许可法 §45: time needed for these is not counted against the deadline."""

    HEARING = "听证", "听证"
    TENDER = "招标", "招标"
    AUCTION = "拍卖", "拍卖"
    INSPECTION = "检验", "检验"
    TESTING = "检测", "检测"
    QUARANTINE = "检疫", "检疫"
    APPRAISAL = "鉴定", "鉴定"
    EXPERT_REVIEW = "专家评审", "专家评审"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待批准"
    APPROVED = "approved", "已批准"


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", "窗口领取"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"


class EscalationLevel(models.TextChoices):
    REMINDER = "reminder", "临期提醒"
    OVERDUE = "overdue", "超期督办"
    SUPERVISION = "supervision", "电子监察"


class PointRuleCode(models.TextChoices):
    """What produces collaboration points (事项流转积分); the values are editable rules."""

    HANDOFF_ON_TIME = "handoff_on_time", "按时流转"
    COMPLETED_EARLY = "completed_early", "提前办结"
    SUPPLEMENT_OWN_ERROR = "supplement_own_error", "本部门原因补正"
    OVERDUE_DAY = "overdue_day", "超期（每工作日）"
    TRANSFER_BOUNCED = "transfer_bounced", "转办被退回"
