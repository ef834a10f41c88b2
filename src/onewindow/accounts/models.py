"""Departments, users, their roles and API tokens."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from onewindow.accounts.enums import DepartmentKind, Role
from onewindow.core.models import TimeStampedModel


class Department(TimeStampedModel):
    """A department, subordinate unit or public-service enterprise (catalog departments.json)."""

    code = models.CharField("部门代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=80)
    short_name = models.CharField("简称", max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField("类别", max_length=10, choices=DepartmentKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region_code = models.CharField("区划代码", max_length=12, default="999900")

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class User(AbstractUser):
    """A login: staff (with department and window) or an applicant (citizen, enterprise)."""

    name = models.CharField("姓名/名称", max_length=80, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    window_code = models.CharField("窗口编号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        """The user's roles (one query, cached on the instance)."""
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def ledger_ref(self) -> str:
        """Pseudonymous reference used in ledger entries (no personal data)."""
        return f"user:{self.pk}"


class RoleGrant(TimeStampedModel):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_grant_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "访问令牌"
        verbose_name_plural = "访问令牌"

    def __str__(self) -> str:
        return f"令牌 {self.user_id}"
