"""Permission-checked fetches of certificates."""

from __future__ import annotations

from onewindow.accounts.models import User
from onewindow.datahub.errors import CertificateNotFound
from onewindow.datahub.models import Certificate


def certificate_for_issuer(user: User, identifier: str) -> Certificate:
    """A certificate the user may manage: the centre's admins any, a department system only
    those its department issued. Others and unknown identifiers look the same (404)."""
    certificate = (
        Certificate.objects.select_related("type", "issuer").filter(identifier=identifier).first()
    )
    if certificate is None:
        raise CertificateNotFound()
    if user.has_role("centre_admin"):
        return certificate
    if user.has_role("dept_system") and user.department_id == certificate.issuer_id:
        return certificate
    raise CertificateNotFound()


def holder_code_of(user: User) -> str | None:
    """The citizen ID or credit code an applicant account stands for."""
    person = getattr(user, "person", None)
    if person is not None:
        return str(person.id_number)
    organisation = getattr(user, "organisation", None)
    if organisation is not None:
        return str(organisation.credit_code)
    return None
