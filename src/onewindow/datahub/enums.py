"""Registry and certificate code sets (STANDARDS.md, GB/T 36901–36905 practice)."""

from __future__ import annotations

from django.db import models


class HolderCodeType(models.TextChoices):
    CITIZEN_ID = "111", "居民身份证"
    CREDIT_CODE = "001", "统一社会信用代码"


class CertificateStatus(models.TextChoices):
    VALID = "01", "有效"
    SUSPENDED = "02", "暂扣"
    REVOKED = "03", "撤销"
    CANCELLED = "04", "注销"
    EXPIRED = "05", "失效"
    WITHDRAWN = "07", "吊销"
    OTHER = "99", "其他"


class Gender(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class RelationKind(models.TextChoices):
    SPOUSE = "配偶", "配偶"
    FATHER = "父亲", "父亲"
    MOTHER = "母亲", "母亲"
    CHILD = "子女", "子女"
    GUARDIAN = "监护人", "监护人"
    EMPLOYER = "雇主", "工作单位"
    LEGAL_REPRESENTATIVE = "法定代表人", "法定代表人"
    AGENT = "经办人", "经办人"
