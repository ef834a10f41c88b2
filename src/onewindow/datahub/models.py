"""The registry of persons and organisations and the electronic-certificate library."""

from __future__ import annotations

import uuid

from django.db import models

from onewindow.accounts.models import Department, User
from onewindow.catalog.models import CertificateType
from onewindow.core.models import TimeStampedModel
from onewindow.datahub.enums import CertificateStatus, Gender, HolderCodeType, RelationKind


class Person(TimeStampedModel):
    """A natural person known to the registry (人口库). ``pseudonym`` is used in logs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=60)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=10, default="汉")
    address = models.CharField("住址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    region_code = models.CharField("区划代码", max_length=6)
    user = models.OneToOneField(
        User,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"

    def __str__(self) -> str:
        return self.name

    @property
    def pseudonym(self) -> str:
        return f"person:{self.pk}"


class Organisation(TimeStampedModel):
    """A legal person or other organisation known to the registry (法人库)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=40, default="有限责任公司")
    legal_representative = models.ForeignKey(
        Person,
        verbose_name="法定代表人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represented_organisations",
    )
    address = models.CharField("住所", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    region_code = models.CharField("区划代码", max_length=6)
    established_on = models.DateField("成立日期", null=True, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )

    class Meta:
        verbose_name = "法人"
        verbose_name_plural = "法人"

    def __str__(self) -> str:
        return self.name

    @property
    def pseudonym(self) -> str:
        return f"organisation:{self.pk}"


class Relation(TimeStampedModel):
    """A registry link from a person to a relative or an employer."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField("关系", max_length=10, choices=RelationKind.choices)
    other_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "关联关系"
        verbose_name_plural = "关联关系"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(other_person__isnull=False)
                | models.Q(organisation__isnull=False),
                name="relation_has_other_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class Certificate(TimeStampedModel):
    """An electronic certificate (电子证照) with its national identifier."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identifier = models.CharField("证照标识", max_length=120, unique=True)
    type = models.ForeignKey(CertificateType, verbose_name="证照类型", on_delete=models.PROTECT)
    number = models.CharField("证照编号", max_length=60)
    serial = models.CharField("流水号", max_length=30)
    version = models.PositiveSmallIntegerField("版本号", default=1)
    holder_code = models.CharField("持证主体代码", max_length=18)
    holder_code_type = models.CharField(
        "持证主体代码类型", max_length=3, choices=HolderCodeType.choices
    )
    holder_name = models.CharField("持证主体", max_length=100)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issuer = models.ForeignKey(Department, verbose_name="发证机构", on_delete=models.PROTECT)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=2, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    fields = models.JSONField("照面信息", default=dict)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        constraints = [
            models.UniqueConstraint(
                fields=["type", "number", "issuer"], name="certificate_number_per_issuer"
            )
        ]
        indexes = [
            models.Index(fields=["holder_code", "type", "status"], name="certificate_holder")
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.number}"


class DataAccess(models.Model):
    """One read of personal data or a certificate: who, when, for which case and why (用证事由)."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name="使用人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="使用部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    holder_code = models.CharField("数据主体代码", max_length=18, db_index=True)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="reads"
    )
    what = models.CharField("使用内容", max_length=120)
    case_number = models.CharField("办件编号", max_length=40, blank=True)
    purpose = models.CharField("用证事由", max_length=200)

    class Meta:
        verbose_name = "数据使用记录"
        verbose_name_plural = "数据使用记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class SourceKind(models.TextChoices):
    HTTP = "http", "HTTP 接口"


class BreakerState(models.TextChoices):
    CLOSED = "closed", "正常"
    OPEN = "open", "熔断（暂停调用）"
    HALF_OPEN = "half_open", "试探恢复"


class DataSource(TimeStampedModel):
    """A department system the library pulls certificates from on demand (共享接口).

    The circuit breaker lives in the table so every worker agrees on a source's health.
    """

    code = models.CharField("数据源代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    department = models.ForeignKey(Department, verbose_name="提供部门", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=10, choices=SourceKind.choices)
    base_url = models.URLField("接口地址", max_length=300)
    certificate_types = models.JSONField("提供的证照类型", default=list)
    is_enabled = models.BooleanField("启用", default=True)
    timeout_seconds = models.FloatField("超时（秒）", default=2.0)
    retries = models.PositiveSmallIntegerField("重试次数", default=1)
    failure_threshold = models.PositiveSmallIntegerField("连续失败几次后熔断", default=3)
    cooldown_seconds = models.PositiveIntegerField("熔断后多久试探（秒）", default=60)
    state = models.CharField(
        "健康状态", max_length=10, choices=BreakerState.choices, default=BreakerState.CLOSED
    )
    consecutive_failures = models.PositiveIntegerField("连续失败次数", default=0)
    opened_at = models.DateTimeField("熔断时间", null=True, blank=True)
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_failure_at = models.DateTimeField("最近失败", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "数据源"
        verbose_name_plural = "数据源"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
