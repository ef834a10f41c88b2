"""Registry and certificate writes, and the access log of every read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from onewindow.accounts.models import Department, User
from onewindow.catalog.models import CertificateType
from onewindow.core import clock, ids, sequences
from onewindow.datahub import signals
from onewindow.datahub.enums import CertificateStatus, Gender, HolderCodeType
from onewindow.datahub.errors import (
    DuplicateCertificate,
    InvalidCertificate,
    InvalidStatusChange,
)
from onewindow.datahub.identifiers import build_identifier
from onewindow.datahub.models import Certificate, DataAccess, Organisation, Person
from onewindow.ledger import services as ledger


@dataclass(frozen=True)
class Read:
    holder_code: str
    what: str
    certificate: Certificate | None = None


def log_reads(
    *, actor: User | None, reads: list[Read], purpose: str, case_number: str = ""
) -> None:
    """Record who read which data, when, for which case and why (用证事由), in one insert."""
    if not reads:
        return
    now = clock.now()
    department = actor.department if actor is not None else None
    with transaction.atomic():
        DataAccess.objects.bulk_create(
            DataAccess(
                at=now,
                actor=actor,
                department=department,
                holder_code=r.holder_code,
                certificate=r.certificate,
                what=r.what,
                case_number=case_number,
                purpose=purpose,
            )
            for r in reads
        )


# --- pushing certificates ------------------------------------------------------------------

# Field names whose values are checked: dates must be real dates, ID numbers real numbers.
_DATE_FIELD = re.compile(r"(日期|日)$")
_ID_FIELDS = frozenset({"公民身份号码", "身份证号码", "身份证件号码"})
_CREDIT_FIELDS = frozenset({"统一社会信用代码"})


@dataclass(frozen=True)
class Holder:
    code: str
    code_type: str
    name: str


@dataclass(frozen=True)
class CertificateInput:
    type: str
    holder: Holder
    number: str
    issuer: str
    valid_from: date | None
    valid_to: date | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def _check_fields(ctype: CertificateType, values: dict[str, Any], errors: dict[str, str]) -> None:
    allowed = set(ctype.key_fields)
    for name, value in values.items():
        path = f"fields.{name}"
        if name not in allowed:
            errors[path] = f"“{ctype.name}”没有照面信息项“{name}”"
            continue
        if not isinstance(value, str | int | float | bool) and value is not None:
            errors[path] = "照面信息项的值应为文本"
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            continue
        if _DATE_FIELD.search(name) and not _is_date(text):
            errors[path] = "日期格式应为 YYYY-MM-DD"
        elif name in _ID_FIELDS:
            try:
                ids.parse_citizen_id(text)
            except ids.InvalidIdentifier as exc:
                errors[path] = exc.message
        elif name in _CREDIT_FIELDS:
            try:
                ids.parse_credit_code(text)
            except ids.InvalidIdentifier as exc:
                errors[path] = exc.message


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _registry_holder(holder: Holder, code: str) -> tuple[Person | None, Organisation | None]:
    """The registry record of the holder, created from the certificate when unknown."""
    if holder.code_type == HolderCodeType.CITIZEN_ID:
        person = Person.objects.filter(id_number=code).first()
        if person is None:
            parsed = ids.parse_citizen_id(code, override_checksum=True)
            person = Person.objects.create(
                id_number=code,
                name=holder.name,
                gender=Gender.MALE if parsed.is_male else Gender.FEMALE,
                birth_date=parsed.birth_date,
                region_code=parsed.region_code,
            )
        return person, None
    organisation = Organisation.objects.filter(credit_code=code).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            credit_code=code, name=holder.name, region_code=code[2:8]
        )
    return None, organisation


@transaction.atomic
def push_certificate(*, data: CertificateInput, actor: User) -> Certificate:
    """Store a certificate pushed by a department system (or the centre) in the library.

    A department system may issue only as its own department. See :func:`_store_certificate`
    for the checks, errors and side effects.
    """
    only_issuer = None
    if actor.has_role("dept_system") and not actor.has_role("centre_admin"):
        only_issuer = actor.department_id or -1
    return _store_certificate(data=data, actor_ref=actor.ledger_ref, only_issuer=only_issuer)


def _store_certificate(
    *, data: CertificateInput, actor_ref: str, only_issuer: int | None
) -> Certificate:
    """Validate and store one certificate.

    Validates every field at once: known type, holder code with its check character for the
    code type, issuer department (``only_issuer``: the department pk a caller may issue as),
    validity order, and the type's key fields (dates and ID numbers by value). Raises
    InvalidCertificate (400 with fields) or DuplicateCertificate (same type, number, issuer).
    Side effects: registry record for an unknown holder; ledger entry ``certificate.issued``.
    """
    errors: dict[str, str] = {}
    ctype = CertificateType.objects.filter(code=data.type).first()
    if ctype is None:
        errors["type"] = "证照类型不存在"
    code = ""
    if data.holder.code_type == HolderCodeType.CITIZEN_ID:
        try:
            code = ids.parse_citizen_id(data.holder.code).number
        except ids.InvalidIdentifier as exc:
            errors["holder.code"] = exc.message
    elif data.holder.code_type == HolderCodeType.CREDIT_CODE:
        try:
            code = ids.parse_credit_code(data.holder.code).code
        except ids.InvalidIdentifier as exc:
            errors["holder.code"] = exc.message
    else:
        errors["holder.code_type"] = (
            "持证主体代码类型应为 111（居民身份证）或 001（统一社会信用代码）"
        )
    if ctype is not None and code:
        person_only = ctype.holder_kind == "自然人"
        org_only = ctype.holder_kind == "法人"
        if (person_only and data.holder.code_type != HolderCodeType.CITIZEN_ID) or (
            org_only and data.holder.code_type != HolderCodeType.CREDIT_CODE
        ):
            errors["holder.code_type"] = f"“{ctype.name}”的持证主体类型不符"
    if not data.holder.name.strip():
        errors["holder.name"] = "持证主体名称不能为空"
    number = data.number.strip()
    if not number:
        errors["number"] = "证照编号不能为空"
    elif len(number) > 60:
        errors["number"] = "证照编号过长"
    issuer = Department.objects.filter(code=data.issuer).first()
    if issuer is None:
        errors["issuer"] = "发证机构不存在"
    elif only_issuer is not None and only_issuer != issuer.pk:
        errors["issuer"] = "部门业务系统只能以本部门名义推送证照"
    if data.valid_from is None:
        errors["valid_from"] = "请填写有效期起始日期"
    elif data.valid_to is not None and data.valid_to < data.valid_from:
        errors["valid_to"] = "有效期截止日期不能早于起始日期"
    if ctype is not None:
        _check_fields(ctype, data.fields, errors)
    if errors or ctype is None or issuer is None or data.valid_from is None:
        raise InvalidCertificate(fields=errors)
    if Certificate.objects.filter(type=ctype, number=number, issuer=issuer).exists():
        raise DuplicateCertificate()
    person, organisation = _registry_holder(data.holder, code)
    serial = f"{sequences.next_value(f'certificate:{issuer.code}:{ctype.code}'):012d}"
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                identifier=build_identifier(ctype.national_code, issuer.credit_code, serial),
                type=ctype,
                number=number,
                serial=serial,
                holder_code=code,
                holder_code_type=data.holder.code_type,
                holder_name=data.holder.name.strip(),
                person=person,
                organisation=organisation,
                issuer=issuer,
                issued_on=clock.today(),
                valid_from=data.valid_from,
                valid_to=data.valid_to,
                fields={k: "" if v is None else str(v) for k, v in data.fields.items()},
            )
    except IntegrityError as exc:  # a concurrent push of the same certificate won
        raise DuplicateCertificate() from exc
    ledger.record(
        event="certificate.issued",
        actor=actor_ref,
        target=f"certificate:{certificate.identifier}",
        payload={"type": ctype.code, "issuer": issuer.code, "holder": _pseudonym(certificate)},
    )
    return certificate


def _pseudonym(certificate: Certificate) -> str:
    if certificate.person_id:
        return f"person:{certificate.person_id}"
    return f"organisation:{certificate.organisation_id}"


VALID_STATUSES = frozenset(CertificateStatus.values)


@transaction.atomic
def change_certificate_status(
    *, certificate: Certificate, status: str, reason: str, actor: User
) -> Certificate:
    """Set a certificate's status (STANDARDS.md codes 01–07, 99) with the reason.

    Raises InvalidStatusChange for an unknown code, an empty reason or no change. Side effects:
    ledger entry ``certificate.status_changed``; after commit the named signal
    ``certificate_status_changed`` lets case handling flag open cases that relied on it.
    """
    errors: dict[str, str] = {}
    if status not in VALID_STATUSES:
        errors["status"] = (
            "状态应为 01 有效、02 暂扣、03 撤销、04 注销、05 失效、07 吊销 或 99 其他"
        )
    if not reason.strip():
        errors["reason"] = "请填写状态变更原因"
    elif len(reason) > 500:
        errors["reason"] = "原因过长（最多500字）"
    if errors:
        raise InvalidStatusChange(fields=errors)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status == status:
        raise InvalidStatusChange("证照已是该状态", fields={"status": "证照已是该状态"})
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    ledger.record(
        event="certificate.status_changed",
        actor=actor.ledger_ref,
        target=f"certificate:{locked.identifier}",
        payload={"from": old, "to": status, "reason": reason.strip()[:200]},
    )
    transaction.on_commit(
        partial(
            signals.certificate_status_changed.send,
            sender=Certificate,
            certificate=locked,
            old_status=old,
            new_status=status,
        )
    )
    return locked


@transaction.atomic
def store_pulled_certificate(*, item: Any, source: Any) -> Certificate:
    """Store a certificate a source returned, validated like a push by that source's
    department. ``item`` is a ``connectors.PulledCertificate``, ``source`` its ``DataSource``.
    Raises like :func:`push_certificate`.
    """
    return _store_certificate(
        data=CertificateInput(
            type=item.type,
            holder=Holder(item.holder_code, item.holder_code_type, item.holder_name),
            number=item.number,
            issuer=source.department.code,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
            fields=item.fields,
        ),
        actor_ref=f"source:{source.code}",
        only_issuer=source.department_id,
    )
