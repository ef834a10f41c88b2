"""The demo accounts of API.md "Demo accounts", all sharing one published password."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.hashers import make_password

from onewindow.accounts import services as accounts
from onewindow.accounts.enums import Role
from onewindow.accounts.models import Department, User
from onewindow.datahub.models import Organisation, Person
from onewindow.demo.seed.common import DEMO_PASSWORD
from onewindow.demo.seed.planner import _Planner


def _ensure_user(
    username: str,
    roles: Iterable[str],
    *,
    name: str,
    password_hash: str,
    department: Department | None = None,
    window_code: str = "",
    is_superuser: bool = False,
) -> tuple[User, bool]:
    """Create the account or bring its profile back to the demo values; the password of an
    existing account is left alone (someone may have changed it on purpose)."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, password=password_hash)
    changed: list[str] = []
    for key, value in (
        ("name", name),
        ("department", department),
        ("window_code", window_code),
        ("is_staff", is_superuser),
        ("is_superuser", is_superuser),
        ("is_active", True),
    ):
        if getattr(user, key) != value:
            setattr(user, key, value)
            changed.append(key)
    if created:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    for role in roles:
        accounts.grant_role(user=user, role=role, actor=None)
    return user, created


class _AccountSeeder:
    """Creates the demo accounts with one shared password hash."""

    def __init__(self, planner: _Planner) -> None:
        self.planner = planner
        # Hashing is deliberately slow (PBKDF2); a hundred accounts sharing one published
        # password gain nothing from separate salts, so the hash is computed once.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.created = 0

    def ensure(
        self,
        username: str,
        role: str,
        *,
        name: str = "",
        department: Department | None = None,
        window_code: str = "",
        is_superuser: bool = False,
    ) -> User:
        if not name:
            _, fake = self.planner.stream("user", username)
            name = fake.name()
        user, created = _ensure_user(
            username,
            [role],
            name=name,
            password_hash=self.password_hash,
            department=department,
            window_code=window_code,
            is_superuser=is_superuser,
        )
        self.created += int(created)
        return user


def _seed_accounts(p: _Planner, *, citizen: Person, company: Organisation) -> tuple[User, int]:
    """Every account of API.md "Demo accounts"; returns the ``clerk`` and how many were new."""
    departments = {d.code: d for d in Department.objects.all()}
    centre = departments.get("ZW")
    seeder = _AccountSeeder(p)
    ensure = seeder.ensure
    ensure("admin", Role.CENTRE_ADMIN, department=centre, is_superuser=True)
    clerk = ensure("clerk", Role.CLERK, department=centre, window_code="A01")
    ensure("clerk2", Role.CLERK, department=centre, window_code="A02")
    for code, department in sorted(departments.items()):
        ensure(f"approver-{code}", Role.APPROVER, department=department)
        ensure(f"deptadmin-{code}", Role.DEPT_ADMIN, department=department)
        ensure(
            f"system-{code}", Role.DEPT_SYSTEM, department=department,
            name=f"{department.name}业务系统",
        )  # fmt: skip
    ensure("auditor", Role.AUDITOR, department=centre)
    ensure("trainer", Role.TRAINER, department=centre)
    citizen_user = ensure("citizen", Role.CITIZEN, name=citizen.name)
    company_user = ensure("company", Role.ENTERPRISE, name=company.name)
    if citizen.user_id != citizen_user.pk:
        citizen.user = citizen_user
        citizen.save(update_fields=["user", "updated_at"])
    if company.user_id != company_user.pk:
        company.user = company_user
        company.save(update_fields=["user", "updated_at"])
    return clerk, seeder.created


def department_codes() -> list[str]:
    """The catalog's department codes, which complete ``approver-<CODE>`` and the like."""
    return list(Department.objects.order_by("code").values_list("code", flat=True))


def accounts_table() -> list[tuple[str, str]]:
    """The demo accounts as (username, description) rows for the console (password shared)."""
    codes = department_codes()
    example = "GAHZ" if "GAHZ" in codes else (codes[0] if codes else "<部门代码>")
    return [
        ("admin", f"{Role.CENTRE_ADMIN.label}（可登录 /admin/ 管理后台）"),
        ("clerk / clerk2", f"{Role.CLERK.label}（A01 / A02 窗口）"),
        (f"approver-{example}", f"{Role.APPROVER.label}（每个部门一个：approver-<部门代码>）"),
        (f"deptadmin-{example}", f"{Role.DEPT_ADMIN.label}（deptadmin-<部门代码>）"),
        (f"system-{example}", f"{Role.DEPT_SYSTEM.label}（system-<部门代码>）"),
        (
            "citizen",
            f"{Role.CITIZEN.label}（持有全部个人电子证照，有配偶、父母、子女、工作单位和房产）",
        ),
        ("company", f"{Role.ENTERPRISE.label}（持有营业执照等法人证照）"),
        ("auditor", Role.AUDITOR.label),
        ("trainer", Role.TRAINER.label),
    ]
