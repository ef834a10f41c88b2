"""办结出件: an approved case is delivered (window pickup, post, electronic) and completed; its
result certificate, when the item evidently issues one, goes into the certificate library."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.catalog.models import CertificateType
from onewindow.core import clock
from onewindow.core.errors import BadInput
from onewindow.datahub.enums import CertificateStatus, HolderCodeType
from onewindow.datahub.identifiers import build_identifier
from onewindow.datahub.models import Certificate
from onewindow.ledger import services as ledger
from onewindow.workflow import links, signals
from onewindow.workflow.enums import (
    CLOSED_CASE_STATUSES,
    ApplicantKind,
    CaseStatus,
    DeliveryMethod,
    Event,
)
from onewindow.workflow.errors import CaseClosed, CaseNotApproved
from onewindow.workflow.models import Case
from onewindow.workflow.services import notices
from onewindow.workflow.services.base import lock_case, move_case

# An item issues a certificate when its name says so: the certificate's name followed by, or
# next to, one of these verbs (居民身份证换领, 建筑工程施工许可证核发 …).
ISSUING_WORDS = (
    "申领",
    "核发",
    "换领",
    "补领",
    "换发",
    "补发",
    "签发",
    "新办",
    "开具",
    "换证",
    "补证",
)
METHOD_WORDS = {
    DeliveryMethod.WINDOW: "在窗口领取",
    DeliveryMethod.POST: "邮寄送出",
    DeliveryMethod.ELECTRONIC: "以电子方式送达",
}


def result_certificate_type(case: Case) -> CertificateType | None:
    """The certificate type the case's item evidently issues, or None.

    Evident means: the item's name contains the type's name (not as a 临时 variant) and an
    issuing verb, the type is issued by the item's department, and it may be held by the
    applicant's kind. Kept simple on purpose; items that issue nothing get nothing.
    """
    name = case.item_version.name
    if not any(word in name for word in ISSUING_WORDS):
        return None
    holder_kinds = (
        ("自然人", "both") if case.applicant_kind == ApplicantKind.PERSON else ("法人", "both")
    )
    candidates = CertificateType.objects.filter(
        issuing_department_id=case.item_version.department_id, holder_kind__in=holder_kinds
    ).select_related("issuing_department")
    for ctype in sorted(candidates, key=lambda t: -len(t.name)):
        short = ctype.name.removeprefix("中华人民共和国")
        at = name.find(short)
        if at >= 0 and not name[max(at - 2, 0) : at].endswith("临时"):
            return ctype
    return None


def issue_result_certificate(case: Case, today: date) -> Certificate | None:
    """Put the case's result certificate into the library (电子证照库), when there is one."""
    ctype = result_certificate_type(case)
    if ctype is None:
        return None
    issuer = ctype.issuing_department
    # The case number is unique and longer than the serials of pushed or seeded certificates,
    # so a result certificate's identifier never collides with one issued elsewhere.
    serial = case.number
    is_person = case.applicant_kind == ApplicantKind.PERSON
    return Certificate.objects.create(
        identifier=build_identifier(ctype.national_code, issuer.credit_code, serial),
        type=ctype,
        number=f"{case.number}",
        serial=serial,
        holder_code=case.applicant_code,
        holder_code_type=HolderCodeType.CITIZEN_ID if is_person else HolderCodeType.CREDIT_CODE,
        holder_name=case.applicant_name,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        issuer=issuer,
        issued_on=today,
        valid_from=today,
        status=CertificateStatus.VALID,
        fields=certificate_fields(case, ctype, today),
    )


def certificate_fields(case: Case, ctype: CertificateType, today: date) -> dict[str, str]:
    """The certificate's key fields (照面信息): from the applicant, the issuer, the date, the
    application form where it has a field of the same name, else the case as the reference."""
    issuer = ctype.issuing_department.name
    known = {
        "姓名": case.applicant_name,
        "名称": case.applicant_name,
        "持证人": case.applicant_name,
        "权利人": case.applicant_name,
        "公民身份号码": case.applicant_code,
        "统一社会信用代码": case.applicant_code,
        "社会信用代码": case.applicant_code,
    }
    values: dict[str, str] = {}
    for key in ctype.key_fields:
        if key in known:
            values[key] = known[key]
        elif key.endswith(("机关", "机构", "单位", "地")) and "日期" not in key:
            values[key] = issuer
        elif key.endswith("日期") or key.endswith("时间"):
            values[key] = today.isoformat()
        elif str(case.form_data.get(key, "")).strip():
            values[key] = str(case.form_data[key])
        elif key.endswith(("号", "号码", "编号", "证号", "字号")):
            values[key] = case.number
        else:
            values[key] = f"见办件{case.number}"
    return values


@transaction.atomic
def deliver_case(*, case: Case, method: str, actor: User) -> Case:
    """Hand over the result of an approved case and complete it (办结).

    Preconditions: ``actor`` is a clerk. Raises BadInput (unknown method), CaseClosed
    (already completed, rejected or withdrawn), CaseNotApproved (still in review). Side
    effects: the result certificate in the library when the item issues one, ledger
    ``case.completed``, ``case_event``, the applicant's notice after commit.
    """
    if method not in DeliveryMethod.values:
        raise BadInput(fields={"method": "应为 window、post 或 electronic"})
    case = lock_case(case.pk)
    if case.status != CaseStatus.APPROVED:
        if case.status in CLOSED_CASE_STATUSES:
            raise CaseClosed()
        raise CaseNotApproved()
    now, today = clock.now(), clock.today()
    certificate = issue_result_certificate(case, today)
    move_case(case, CaseStatus.COMPLETED)
    case.completed_at = now
    case.delivery_method = method
    case.result_certificate = certificate.identifier if certificate else ""
    case.save(
        update_fields=[
            "status",
            "completed_at",
            "delivery_method",
            "result_certificate",
            "updated_at",
        ]
    )
    ledger.record(
        event=Event.CASE_COMPLETED,
        actor=actor.ledger_ref,
        target=case.ledger_ref,
        payload={
            "method": method,
            "certificate": certificate.identifier if certificate else None,
            "on_time": case.decided_at is not None
            and clock.local(case.decided_at).date() <= case.promised_due_on,
        },
    )
    signals.case_event.send(sender=Case, case=case, event="complete")
    notices.tell(
        "case.completed",
        case,
        notices.applicant_recipients(case),
        method=METHOD_WORDS[DeliveryMethod(method)],
        review=notices.review_invitation(case, links.COMPLETION),
    )
    return case
