"""Fetching cases for a user: out-of-scope and missing look the same (404)."""

from __future__ import annotations

from onewindow.accounts.models import User
from onewindow.workflow import selectors
from onewindow.workflow.errors import CaseNotFound
from onewindow.workflow.models import Case

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
