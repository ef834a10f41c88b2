"""Who may rate a case and fetch a rectification; missing and out of scope look the same."""

from __future__ import annotations

from onewindow.accounts.models import User
from onewindow.evaluation import selectors
from onewindow.evaluation.errors import RectificationNotFound
from onewindow.evaluation.models import Rectification
from onewindow.workflow.models import Case

RECTIFICATION_ROLES = ("centre_admin", "dept_admin")


def is_applicant(user: User | None, case: Case) -> bool:
    """The account that submitted the case, or the person/organisation it was opened for."""
    if user is None:
        return False
    # At the window the clerk submits the case for the applicant; that does not make the clerk
    # an applicant who may rate their own service.
    if case.submitted_by_id == user.pk and case.submitted_by_id != case.clerk_id:
        return True
    person = getattr(user, "person", None)
    if person is not None and case.person_id == person.pk:
        return True
    organisation = getattr(user, "organisation", None)
    return organisation is not None and case.organisation_id == organisation.pk


def may_see_evaluator(user: User, has_consent: bool) -> bool:
    """Staff see who rated only when the evaluator agreed to be contacted."""
    return has_consent and user.has_role("centre_admin", "dept_admin")


def rectification_for_admin(user: User, rectification_id: int) -> Rectification:
    """Centre admins: any; department admins: their department's; otherwise not found."""
    rectification = selectors.get_rectification(rectification_id)
    if rectification is None:
        raise RectificationNotFound()
    if user.has_role("centre_admin"):
        return rectification
    if user.has_role("dept_admin") and rectification.department_id == user.department_id:
        return rectification
    raise RectificationNotFound()
