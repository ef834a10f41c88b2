"""Status and choice values of reviews and rectifications (stored values never change)."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    ACCEPT = "accept", "受理"
    COMPLETE = "complete", "办结"


class Level(models.IntegerChoices):
    """GB/T 39046 A.8 satisfaction codes; 1–3 are 好评, 4–5 差评."""

    VERY_SATISFIED = 1, "非常满意"
    SATISFIED = 2, "满意"
    FAIRLY_SATISFIED = 3, "基本满意"
    DISSATISFIED = 4, "不满意"
    VERY_DISSATISFIED = 5, "非常不满意"


BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class ReviewChannel(models.TextChoices):
    """GB/T 39046 table 9 channels; the stored value is the Chinese name."""

    PC = "PC端", "PC端"
    MOBILE = "移动服务端", "移动服务端"
    QR_CODE = "二维码", "二维码"
    HALL_TABLET = "政务大厅平板电脑", "政务大厅平板电脑"
    HALL_OTHER = "政务大厅其他终端", "政务大厅其他终端"
    PHONE = "电话", "电话"
    SMS = "短信", "短信"


class RectificationStatus(models.TextChoices):
    VERIFYING = "verifying", "核实中"
    RECTIFYING = "rectifying", "整改中"
    REPLYING = "replying", "待回复"
    REVISITING = "revisiting", "待回访"
    CLOSED = "closed", "已办结"
    APPEALING = "appealing", "申诉中"
    REVOKED = "revoked", "已撤销"


class Classification(models.TextChoices):
    IMMEDIATE = "immediate", "立即整改"
    DEADLINE = "deadline", "限期整改"
    EXPLAIN = "explain", "解释说明"
    APPEAL = "appeal", "申诉"


class StepOwner(models.TextChoices):
    """Who answers for a rectification step's deadline."""

    DEPARTMENT = "department", "责任部门"
    CENTRE = "centre", "政务服务中心"


class Action(models.TextChoices):
    CONTACT = "contact", "联系核实"
    RECTIFY = "rectify", "整改"
    REPLY = "reply", "回复"
    REVISIT = "revisit", "回访"
    APPEAL = "appeal", "申诉"
    UPHOLD_APPEAL = "uphold_appeal", "申诉成立"
    REJECT_APPEAL = "reject_appeal", "驳回申诉"


class ReviewEvent(models.TextChoices):
    """Ledger events written by this app."""

    REVIEW_SUBMITTED = "review.submitted", "提交评价"
    RECTIFICATION_OPENED = "rectification.opened", "差评整改立案"
    RECTIFICATION_STEP = "rectification.step", "差评整改环节"
    RECTIFICATION_ESCALATED = "rectification.escalated", "差评整改超期督办"
    SCORECARD_WEIGHTS_SET = "scorecard.weights_set", "设置部门考核权重"


R = RectificationStatus
# The one home of the loop's transitions: action -> (statuses it may start from, result).
# ``contact`` resolves its result from the classification (see CONTACT_RESULTS).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.CONTACT: (frozenset({R.VERIFYING}), R.RECTIFYING),
    Action.RECTIFY: (frozenset({R.RECTIFYING}), R.REPLYING),
    Action.REPLY: (frozenset({R.REPLYING}), R.REVISITING),
    Action.REVISIT: (frozenset({R.REVISITING}), R.CLOSED),
    Action.APPEAL: (frozenset({R.VERIFYING, R.RECTIFYING}), R.APPEALING),
    Action.UPHOLD_APPEAL: (frozenset({R.APPEALING}), R.REVOKED),
    Action.REJECT_APPEAL: (frozenset({R.APPEALING}), R.RECTIFYING),
}
CONTACT_RESULTS: dict[str, str] = {
    Classification.IMMEDIATE: R.RECTIFYING,
    Classification.DEADLINE: R.RECTIFYING,
    Classification.EXPLAIN: R.REPLYING,
    Classification.APPEAL: R.APPEALING,
}
# Appeals are decided by the centre (STANDARDS.md 好差评).
CENTRE_ACTIONS = frozenset({Action.UPHOLD_APPEAL, Action.REJECT_APPEAL})

# Each open step's owner. Revisits stay with the responsible department: its admins may take
# every step but the appeal decision (access.rectification_for_admin, CENTRE_ACTIONS), so the
# owner of a deadline is always someone allowed to meet it.
STEP_OWNERS: dict[str, str] = {
    R.VERIFYING: StepOwner.DEPARTMENT,
    R.RECTIFYING: StepOwner.DEPARTMENT,
    R.REPLYING: StepOwner.DEPARTMENT,
    R.REVISITING: StepOwner.DEPARTMENT,
    R.APPEALING: StepOwner.CENTRE,
}
OPEN_STATUSES = frozenset(STEP_OWNERS)
