"""Fetching cases for a user: out-of-scope and missing look the same (404)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from onewindow.accounts.models import User
from onewindow.core import ids, ratelimit
from onewindow.core.errors import TooManyRequests
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
