"""Registry people, organisations and certificates for tests."""

from __future__ import annotations

import itertools
from datetime import date

from onewindow.catalog.models import CertificateType
from onewindow.core import ids
from onewindow.datahub.identifiers import build_identifier
from onewindow.datahub.models import Certificate, Organisation, Person

_serial = itertools.count(1)


def make_person(*, name: str, id_number: str, phone: str = "13800138000") -> Person:
    parsed = ids.parse_citizen_id(id_number, override_checksum=True)
    return Person.objects.create(
        id_number=parsed.number,
        name=name,
        gender="1" if parsed.is_male else "2",
        birth_date=parsed.birth_date,
        address="示范市东城区示范路1号",
        phone=phone,
        region_code=parsed.region_code,
    )


def make_organisation(*, name: str, credit_code: str) -> Organisation:
    return Organisation.objects.create(
        credit_code=credit_code, name=name, address="示范市高新区创业路8号", region_code="999905"
    )


def give_certificate(
    holder: Person | Organisation,
    type_code: str,
    *,
    status: str = "01",
    valid_to: date | None = date(2040, 1, 1),
    fields: dict[str, str] | None = None,
) -> Certificate:
    """A valid certificate of ``type_code`` for ``holder`` with its key fields filled."""
    ctype = CertificateType.objects.select_related("issuing_department").get(code=type_code)
    serial = f"{next(_serial):010d}"
    is_person = isinstance(holder, Person)
    code = holder.id_number if isinstance(holder, Person) else holder.credit_code
    values = {key: f"{key}示例" for key in ctype.key_fields}
    values.update({"姓名": holder.name, "名称": holder.name})
    if is_person:
        values["公民身份号码"] = code
    else:
        values["统一社会信用代码"] = code
    values = {k: v for k, v in values.items() if k in ctype.key_fields}
    values.update(fields or {})
    return Certificate.objects.create(
        identifier=build_identifier(
            ctype.national_code, ctype.issuing_department.credit_code, serial
        ),
        type=ctype,
        number=f"{type_code}-{serial}",
        serial=serial,
        holder_code=code,
        holder_code_type="111" if is_person else "001",
        holder_name=holder.name,
        person=holder if isinstance(holder, Person) else None,
        organisation=holder if isinstance(holder, Organisation) else None,
        issuer=ctype.issuing_department,
        valid_from=date(2020, 1, 1),
        valid_to=valid_to,
        status=status,
        fields=values,
    )
