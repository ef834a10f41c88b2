"""Window intake endpoints: preview, apply (cases), refusals and the written vouchers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from onewindow.accounts.access import require_roles
from onewindow.accounts.auth import ApiAuth, request_user
from onewindow.accounts.models import User
from onewindow.intake import access, documents_service, services
from onewindow.workflow import access as case_access
from onewindow.workflow import selectors as cases

router = Router(tags=["综合受理"])
APPLY_ROLES = ("clerk", "citizen", "enterprise")


class PartyIn(Schema):
    role: str
    id_number: str
    name: str = ""


class ApplicantIn(Schema):
    kind: str
    id_number: str = ""
    credit_code: str = ""
    name: str = ""
    phone: str = ""
    parties: list[PartyIn] = Field(default_factory=list)
    override_checksum: bool = False


class MaterialIn(Schema):
    material_id: str
    provided: str


class PreviewIn(Schema):
    item_code: str = ""
    applicant: ApplicantIn | None = None
    conditions: list[str] = Field(default_factory=list)
    purpose: str = ""


class BundlePreviewIn(PreviewIn):
    bundle_code: str = ""


class ApplicationIn(BundlePreviewIn):
    materials: list[MaterialIn] = Field(default_factory=list)
    form: dict[str, Any] = Field(default_factory=dict)
    tolerant: bool = False


class RefusalIn(Schema):
    item_code: str = ""
    applicant: ApplicantIn
    reason: str = ""


def _applicant(data: ApplicantIn | None) -> services.ApplicantInput | None:
    if data is None:
        return None
    return services.ApplicantInput(
        kind=data.kind,
        name=data.name,
        id_number=data.id_number,
        credit_code=data.credit_code,
        phone=data.phone,
        parties=[services.PartyInput(p.role, p.id_number, p.name) for p in data.parties],
        override_checksum=data.override_checksum,
    )


def _caller(request: HttpRequest, payload_applicant: ApplicantIn | None) -> User:
    user = require_roles(request_user(request), *APPLY_ROLES)
    named = None
    if payload_applicant is not None:
        named = payload_applicant.id_number or payload_applicant.credit_code
    access.check_applicant_allowed(user, named)
    return user


def _own(user: User, payload_applicant: ApplicantIn | None) -> ApplicantIn | None:
    """Applicants applying for themselves always use their registry identity."""
    return payload_applicant if user.has_role("clerk") else None


def _preview_body(evaluation: services.Evaluation) -> dict[str, Any]:
    return {
        "item_code": evaluation.version.item.code,
        "version": evaluation.version.version,
        "materials": [
            {
                "id": v.material.code,
                "name": v.material.name,
                "status": v.status,
                "required": v.material.required,
                "is_key": v.material.is_key,
                "condition": v.material.condition or None,
                "source_unavailable": v.source_unavailable,
                "certificate": (
                    {"identifier": v.certificate.identifier, "type": v.certificate.type.code}
                    if v.certificate
                    else None
                ),
            }
            for v in evaluation.materials
        ],
        "form": {
            "fields": [
                {"name": f.name, "value": f.value, "source": f.source} for f in evaluation.fields
            ]
        },
    }


@router.post("/intake/preview", auth=ApiAuth(*APPLY_ROLES), summary="受理预审：材料清单与表单预填")
def preview(request: HttpRequest, payload: BundlePreviewIn) -> dict[str, Any]:
    user = _caller(request, payload.applicant)
    evaluations = services.preview_applications(
        app=services.Application(
            applicant=_applicant(_own(user, payload.applicant)),
            item_code="" if payload.bundle_code else payload.item_code,
            bundle_code=payload.bundle_code,
            conditions=payload.conditions,
            purpose=payload.purpose,
        ),
        actor=user,
    )
    if payload.bundle_code:
        return {
            "bundle_code": payload.bundle_code,
            "items": [_preview_body(e) for e in evaluations],
        }
    return _preview_body(evaluations[0])


@router.post(
    "/cases",
    auth=ApiAuth(*APPLY_ROLES),
    summary="申请受理（窗口或网上）",
    response={200: dict, 201: dict},
)
def create_case(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    user = _caller(request, payload.applicant)
    outcome = services.submit_application(
        app=services.Application(
            applicant=_applicant(_own(user, payload.applicant)),
            item_code=payload.item_code,
            bundle_code=payload.bundle_code,
            conditions=payload.conditions,
            materials=[
                services.MaterialInput(m.material_id, m.provided) for m in payload.materials
            ],
            form=payload.form,
            tolerant=payload.tolerant,
            purpose=payload.purpose,
        ),
        actor=user,
    )
    if outcome.notice is not None:
        return Status(
            200,
            {
                "status": "supplement_required",
                "notice_number": outcome.notice.notice_number,
                "missing": [
                    {"material_id": m.material_id, "name": m.name, "item_code": m.item_code}
                    for m in outcome.missing
                ],
                "document_url": (
                    f"/api/v1/intake/supplement-notices/{outcome.notice.notice_number}/document"
                ),
            },
        )
    bodies = [
        {
            **cases.case_detail(c, with_events=False),
            "status": "accepted",
            "receipt_url": f"/api/v1/cases/{c.number}/receipt",
        }
        for c in outcome.cases
    ]
    if payload.bundle_code:
        return Status(
            201, {"group_number": outcome.group_number, "status": "accepted", "cases": bodies}
        )
    return Status(201, bodies[0])


@router.post("/intake/refusals", auth=ApiAuth("clerk"), summary="不予受理", response={201: dict})
def refuse(request: HttpRequest, payload: RefusalIn) -> Status[dict[str, Any]]:
    user = require_roles(request_user(request), "clerk")
    refusal = services.refuse_application(
        item_code=payload.item_code,
        applicant=_applicant(payload.applicant),  # type: ignore[arg-type]  # required by schema
        reason=payload.reason,
        actor=user,
    )
    return Status(
        201,
        {
            "number": refusal.number,
            "document_number": refusal.document_number,
            "reason": refusal.reason,
            "refused_at": refusal.refused_at,
            "document_url": f"/api/v1/intake/refusals/{refusal.number}/document",
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get("/cases/{number}/receipt", summary="受理通知书（PDF）")
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    user = request_user(request)
    case = case_access.case_for_user(require_roles(user, *APPLY_ROLES, "centre_admin"), number)
    return _pdf(documents_service.acceptance_pdf(case, request), f"{number}-受理通知书.pdf")


@router.get("/intake/refusals/{number}/document", summary="不予受理决定书（PDF）")
def refusal_document(request: HttpRequest, number: str) -> HttpResponse:
    user = require_roles(request_user(request), "clerk", "centre_admin")
    refusal = access.refusal_for_user(user, number)
    return _pdf(documents_service.refusal_pdf(refusal), f"{refusal.document_number}.pdf")


@router.get("/intake/supplement-notices/{number}/document", summary="补正材料一次性告知书（PDF）")
def notice_document(request: HttpRequest, number: str) -> HttpResponse:
    user = require_roles(request_user(request), *APPLY_ROLES, "centre_admin")
    notice = access.notice_for_user(user, number)
    return _pdf(documents_service.notice_pdf(notice), f"{number}.pdf")
