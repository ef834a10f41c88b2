"""Roles and department kinds. Stored values never change once written."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "自然人申请人"
    ENTERPRISE = "enterprise", "法人申请人"
    CLERK = "clerk", "综合窗口人员"
    APPROVER = "approver", "后台审批人员"
    DEPT_ADMIN = "dept_admin", "部门管理员"
    CENTRE_ADMIN = "centre_admin", "中心管理员"
    TRAINER = "trainer", "培训管理员"
    AUDITOR = "auditor", "审计人员"
    DEPT_SYSTEM = "dept_system", "部门业务系统"


APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.ENTERPRISE})
STAFF_ROLES = frozenset(set(Role) - APPLICANT_ROLES)


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "政府部门", "政府部门"
    INSTITUTION = "事业单位", "事业单位"
    ENTERPRISE = "公共服务企业", "公共服务企业"
