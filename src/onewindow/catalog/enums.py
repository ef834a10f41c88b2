"""Catalog code sets (GB/T 39046-2020 annex A) and the dataset's own enumerations."""

from __future__ import annotations

from django.db import models


class ItemType(models.TextChoices):
    LICENSING = "01", "行政许可"
    PENALTY = "02", "行政处罚"
    COERCION = "03", "行政强制"
    LEVY = "04", "行政征收"
    BENEFIT = "05", "行政给付"
    INSPECTION = "06", "行政检查"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER_POWER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"

    @classmethod
    def code_for(cls, chinese: str) -> str:
        for choice in cls:
            if choice.label == chinese:
                return str(choice.value)
        raise ValueError(f"未知事项类型：{chinese}")


class Target(models.TextChoices):
    PERSON = "自然人", "自然人"
    ORGANISATION = "法人", "法人"
    BOTH = "both", "自然人和法人"


class OnlineDepth(models.TextChoices):
    FULL = "全程网办", "全程网办"
    PARTIAL = "部分网办", "部分网办"
    WINDOW = "窗口办理", "窗口办理"


class MaterialForm(models.TextChoices):
    ORIGINAL = "原件", "原件"
    COPY = "复印件", "复印件"
    ELECTRONIC = "电子", "电子"


class StepKind(models.TextChoices):
    ACCEPTANCE = "acceptance", "受理"
    REVIEW = "review", "审查审批"
    DELIVERY = "delivery", "出件送达"


class HolderKind(models.TextChoices):
    PERSON = "自然人", "自然人"
    ORGANISATION = "法人", "法人"
    BOTH = "both", "自然人或法人"
