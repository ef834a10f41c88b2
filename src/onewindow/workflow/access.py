"""Fetching cases for a user: out-of-scope and missing look the same (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from onewindow.accounts.models import User
from onewindow.core import ids, ratelimit
from onewindow.core.errors import TooManyRequests
from onewindow.workflow import selectors
from onewindow.workflow.enums import (
    WORKABLE_CASE_STATUSES,
    CaseStatus,
    ExtensionStatus,
    TaskStatus,
)
from onewindow.workflow.errors import (
    CaseNotFound,
    ExtensionNotFound,
    SpecialProcedureNotFound,
    TaskNotFound,
)
from onewindow.workflow.models import Case, CaseTask, Extension, SpecialProcedure

CASE_WIDE_ROLES = ("clerk", "centre_admin", "auditor")
DEPARTMENT_ROLES = ("approver", "dept_admin", "dept_system")


def can_see_case(user: User, case: Case) -> bool:
    """Applicant; staff of a department with a task in it; clerks, centre admins, auditors."""
    if user.has_role(*CASE_WIDE_ROLES):
        return True
    if user.has_role(*DEPARTMENT_ROLES) and user.department_id is not None:
        if any(t.department_id == user.department_id for t in case.tasks.all()):
            return True
        if case.item_version.department_id == user.department_id:
            return True
    if case.submitted_by_id == user.pk:
        return True
    person = getattr(user, "person", None)
    if person is not None and case.person_id == person.pk:
        return True
    organisation = getattr(user, "organisation", None)
    return organisation is not None and case.organisation_id == organisation.pk


def case_for_user(user: User, number: str) -> Case:
    """The case when ``user`` may see it; CaseNotFound otherwise (never 403)."""
    case = selectors.get_case(number)
    if case is None or not can_see_case(user, case):
        raise CaseNotFound()
    return case


PROGRESS_SCOPE = "progress"


def case_for_progress(number: str, verify: str, address: str) -> Case:
    """The case behind the public progress view (no login): the number and the last four
    characters of the applicant's ID or credit code must match.

    Every wrong try from ``address`` counts, whichever door (page or API) it came through;
    past the configured limit an hour the address gets TooManyRequests. An unknown number and
    a wrong code look the same (CaseNotFound).
    """
    window = timedelta(hours=1)
    limit = int(settings.ONEWINDOW["PROGRESS_WRONG_TRIES_PER_HOUR"])
    if ratelimit.is_blocked(PROGRESS_SCOPE, address, limit=limit, window=window):
        raise TooManyRequests("查询码错误次数过多，请一小时后再试")
    case = selectors.get_case(number) if 0 < len(number) <= 40 else None
    if case is None or not verify or ids.last4(case.applicant_code) != verify.strip().upper():
        ratelimit.record_failure(PROGRESS_SCOPE, address, window=window)
        raise CaseNotFound("办件不存在或查询码不正确")
    return case


# --- the back office ------------------------------------------------------------------------


def task_for_approver(user: User, task_id: int) -> CaseTask:
    """A task of the approver's own department; TaskNotFound otherwise (never 403)."""
    task = (
        CaseTask.objects.select_related("case", "department")
        .filter(pk=task_id, department_id=user.department_id)
        .first()
        if user.department_id is not None and user.has_role("approver")
        else None
    )
    if task is None:
        raise TaskNotFound()
    return task


def case_for_task_approver(user: User, number: str) -> tuple[Case, int]:
    """A case in which the approver's department holds an open task, with that department.

    Case-level requests of the back office (延长审批, 特别程序) come from the department that
    is working the case now; anyone else gets CaseNotFound.
    """
    case = selectors.get_case(number) if 0 < len(number) <= 40 else None
    if (
        case is None
        or user.department_id is None
        or not user.has_role("approver")
        or not any(
            t.department_id == user.department_id and t.status == TaskStatus.OPEN
            for t in case.tasks.all()
        )
    ):
        raise CaseNotFound()
    return case, user.department_id


def case_for_clerk(user: User, number: str) -> Case:
    """Any case, for the window (clerks see every case); CaseNotFound otherwise."""
    if not user.has_role("clerk"):
        raise CaseNotFound()
    return case_for_user(user, number)


def extension_for_approver(user: User, extension_id: int) -> Extension:
    """A pending or decided extension the user may approve: the requesting department's head
    for an ordinary case, a centre admin for a joint one; ExtensionNotFound otherwise."""
    extension = Extension.objects.filter(pk=extension_id).first()
    if extension is None:
        raise ExtensionNotFound()
    if extension.is_joint:
        allowed = user.has_role("centre_admin")
    else:
        allowed = user.has_role("dept_admin") and user.department_id == extension.department_id
    if not allowed:
        raise ExtensionNotFound()
    return extension


def special_procedure_for_approver(user: User, procedure_id: int) -> SpecialProcedure:
    """A special procedure started by the approver's department; not found otherwise."""
    procedure = (
        SpecialProcedure.objects.filter(pk=procedure_id, department_id=user.department_id).first()
        if user.department_id is not None and user.has_role("approver")
        else None
    )
    if procedure is None:
        raise SpecialProcedureNotFound()
    return procedure


@dataclass(frozen=True)
class CaseCapabilities:
    """What the signed-in user may do on a case page (the services check again)."""

    open_tasks: list[CaseTask] = field(default_factory=list)  # decide / transfer
    may_request_extension: bool = False
    may_start_special_procedure: bool = False
    approvable_extensions: list[Extension] = field(default_factory=list)
    endable_procedures: list[SpecialProcedure] = field(default_factory=list)
    may_receive_supplement: bool = False
    may_deliver: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.open_tasks
            or self.approvable_extensions
            or self.endable_procedures
            or self.may_receive_supplement
            or self.may_deliver
        )


def case_capabilities(user: User, case: Case) -> CaseCapabilities:
    """The actions ``user`` may take on ``case`` now (tasks, extensions and procedures
    prefetched by ``selectors.case_queryset``)."""
    workable = case.status in WORKABLE_CASE_STATUSES
    mine: list[CaseTask] = []
    if user.has_role("approver") and user.department_id is not None:
        mine = [
            t
            for t in case.tasks.all()
            if t.department_id == user.department_id and t.status == TaskStatus.OPEN
        ]
    approvable = []
    for extension in case.extensions.all():
        if extension.status != ExtensionStatus.PENDING:
            continue
        if (extension.is_joint and user.has_role("centre_admin")) or (
            not extension.is_joint
            and user.has_role("dept_admin")
            and user.department_id == extension.department_id
        ):
            approvable.append(extension)
    endable = [
        p
        for p in case.special_procedures.all()
        if p.ended_at is None
        and user.has_role("approver")
        and user.department_id is not None
        and p.department_id == user.department_id
    ]
    is_clerk = user.has_role("clerk")
    return CaseCapabilities(
        open_tasks=mine if workable else [],
        may_request_extension=workable and bool(mine),
        may_start_special_procedure=workable and bool(mine),
        approvable_extensions=approvable,
        endable_procedures=endable,
        may_receive_supplement=is_clerk and case.status == CaseStatus.SUPPLEMENT,
        may_deliver=is_clerk and case.status == CaseStatus.APPROVED,
    )
