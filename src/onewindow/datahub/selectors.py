"""Registry and certificate look-ups."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from onewindow.core import clock
from onewindow.datahub.enums import CertificateStatus
from onewindow.datahub.models import Certificate, DataAccess, Organisation, Person


def get_person(id_number: str) -> Person | None:
    """The registry record of a citizen ID, or None."""
    return Person.objects.filter(id_number=id_number).first()


def get_organisation(credit_code: str) -> Organisation | None:
    """The registry record of a credit code, or None."""
    return Organisation.objects.filter(credit_code=credit_code).first()


def valid_certificates(
    holder_codes: Iterable[str], type_codes: Iterable[str]
) -> dict[tuple[str, str], Certificate]:
    """The newest valid certificate per (holder code, type code), in one query."""
    holders, types = set(holder_codes), set(type_codes)
    if not holders or not types:
        return {}
    today = clock.today()
    found: dict[tuple[str, str], Certificate] = {}
    rows = (
        Certificate.objects.select_related("type", "issuer")
        .filter(holder_code__in=holders, type__code__in=types, status=CertificateStatus.VALID)
        .order_by("valid_from")
    )
    for cert in rows:
        if cert.valid_from > today or (cert.valid_to is not None and cert.valid_to < today):
            continue
        found[(cert.holder_code, cert.type.code)] = cert
    return found


def list_data_access(holder_code: str) -> QuerySet[DataAccess]:
    """Every read of a holder's data, newest first (the citizen's 数据使用记录)."""
    return (
        DataAccess.objects.filter(holder_code=holder_code)
        .select_related("actor", "department")
        .order_by("-at", "-pk")
    )
