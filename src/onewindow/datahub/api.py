"""Data hub endpoints: certificate push and status, and the citizen's data-access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onewindow.accounts.auth import ApiAuth, request_user
from onewindow.accounts.models import User
from onewindow.core.errors import NotAuthenticated
from onewindow.core.http import paginate
from onewindow.datahub import access, selectors, services
from onewindow.datahub.models import Certificate, DataAccess

router = Router(tags=["数据中台"])
ISSUER_ROLES = ("dept_system", "centre_admin")


class HolderIn(Schema):
    code: str
    code_type: str
    name: str = ""


class CertificateIn(Schema):
    type: str
    holder: HolderIn
    number: str = ""
    issuer: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class StatusIn(Schema):
    status: str
    reason: str = ""


def certificate_body(c: Certificate) -> dict[str, Any]:
    return {
        "identifier": c.identifier,
        "type": c.type.code,
        "type_name": c.type.name,
        "number": c.number,
        "holder": {"code_type": c.holder_code_type, "name": c.holder_name},
        "issuer": c.issuer.code,
        "issued_on": c.issued_on,
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "status": c.status,
        "status_label": c.get_status_display(),
    }


def _user(request: HttpRequest) -> User:
    user = request_user(request)
    if user is None:
        raise NotAuthenticated()
    return user


@router.post(
    "/certificates", auth=ApiAuth(*ISSUER_ROLES), response={201: dict}, summary="推送电子证照"
)
def push_certificate(request: HttpRequest, payload: CertificateIn) -> Status[dict[str, Any]]:
    certificate = services.push_certificate(
        data=services.CertificateInput(
            type=payload.type,
            holder=services.Holder(
                payload.holder.code.strip(), payload.holder.code_type, payload.holder.name
            ),
            number=payload.number,
            issuer=payload.issuer,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            fields=payload.fields,
        ),
        actor=_user(request),
    )
    return Status(201, certificate_body(certificate))


@router.post(
    "/certificates/{identifier}/status", auth=ApiAuth(*ISSUER_ROLES), summary="变更证照状态"
)
def change_status(request: HttpRequest, identifier: str, payload: StatusIn) -> dict[str, Any]:
    user = _user(request)
    certificate = access.certificate_for_issuer(user, identifier)
    changed = services.change_certificate_status(
        certificate=certificate, status=payload.status, reason=payload.reason, actor=user
    )
    return certificate_body(changed)


def _access_rows(rows: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in rows:
        row: DataAccess = r
        out.append(
            {
                "at": row.at,
                "actor": (row.actor.name or row.actor.username) if row.actor else "系统",
                "department": row.department.name if row.department else None,
                "what": row.what,
                "case_number": row.case_number or None,
                "purpose": row.purpose,
            }
        )
    return out


@router.get("/me/data-access", auth=ApiAuth("citizen", "enterprise"), summary="我的数据使用记录")
def my_data_access(
    request: HttpRequest, page: int | None = None, page_size: int | None = None
) -> dict[str, Any]:
    holder = access.holder_code_of(_user(request))
    if holder is None:
        return {"items": [], "total": 0}
    return paginate(selectors.list_data_access(holder), page, page_size, _access_rows)
