"""Building the written vouchers from stored records (the renderers are pure)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from onewindow.core import ids
from onewindow.intake import documents
from onewindow.intake.models import Refusal, SupplementNotice
from onewindow.ledger import selectors as ledger
from onewindow.workflow import links
from onewindow.workflow.enums import Provided
from onewindow.workflow.models import Case

PROVIDED_NOTES: dict[str, str] = {
    Provided.PAPER: "纸质材料已收",
    Provided.ELECTRONIC: "电子材料已收",
    Provided.CERTIFICATE: "电子证照免提交",
    Provided.FORM: "申请表在线填写",
}


def progress_url(number: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/progress/{number}"


def acceptance_pdf(case: Case, request: HttpRequest | None = None) -> bytes:
    """受理通知书 of a case."""
    entries = ledger.list_entries_for_target(case.ledger_ref)
    version = case.item_version
    return documents.render_acceptance_notice(
        documents.AcceptanceNotice(
            number=case.number,
            item_name=version.name,
            item_code=case.item.code,
            item_version=version.version,
            department_name=version.department.name,
            applicant=documents.DocumentParty(
                case.applicant_name, ids.mask_identifier(case.applicant_code)
            ),
            accepted_at=case.accepted_at,
            promised_due_on=case.promised_due_on,
            is_instant=version.is_instant,
            window_code=case.window_code or "网上申请",
            clerk_name=(case.clerk.name or case.clerk.username) if case.clerk else "网上申请",
            received=[
                documents.MaterialLine(m.name, PROVIDED_NOTES.get(m.provided, ""))
                for m in case.materials.all()
                if m.provided != Provided.TOLERATED
            ],
            tolerated=[
                documents.MaterialLine(
                    m.name,
                    f"容缺：承诺于{case.supplement_due_on:%Y年%m月%d日}前补交"
                    if case.supplement_due_on
                    else "容缺后补",
                )
                for m in case.materials.all()
                if m.provided == Provided.TOLERATED
            ],
            supplement_due_on=case.supplement_due_on,
            progress_url=progress_url(case.number),
            verify_hint="查询码为申请人证件号码后4位",
            centre_name=settings.CENTRE_NAME,
            ledger_index=entries[0].index if entries else None,
            # The rating app provides the link through the workflow's hook (intake and
            # evaluation are independent); without it the receipt has no rating code.
            review_url=links.review_link(case, links.ACCEPTANCE, links.VIA_QR) or "",
        )
    )


def refusal_pdf(refusal: Refusal) -> bytes:
    """不予受理决定书."""
    return documents.render_refusal_decision(
        documents.RefusalDecision(
            document_number=refusal.document_number,
            number=refusal.number,
            item_name=refusal.item_version.name,
            department_name=refusal.item_version.department.name,
            applicant=documents.DocumentParty(
                refusal.applicant_name, ids.mask_identifier(refusal.applicant_code)
            ),
            reason=refusal.reason,
            refused_at=refusal.refused_at,
            clerk_name=refusal.clerk.name or refusal.clerk.username,
            window_code=refusal.window_code,
            centre_name=settings.CENTRE_NAME,
            progress_url="",
        )
    )


def notice_pdf(notice: SupplementNotice) -> bytes:
    """补正材料一次性告知书."""
    return documents.render_supplement_notice(
        documents.SupplementNotice(
            notice_number=notice.notice_number,
            item_name=notice.item_version.name,
            department_name=notice.item_version.department.name,
            applicant=documents.DocumentParty(
                notice.applicant_name, ids.mask_identifier(notice.applicant_code)
            ),
            missing=[
                documents.MaterialLine(m["name"], f"事项 {m['item_code']}") for m in notice.missing
            ],
            issued_at=notice.issued_at,
            clerk_name=notice.issued_by.name or notice.issued_by.username,
            window_code=notice.window_code,
            centre_name=settings.CENTRE_NAME,
            progress_url="",
        )
    )
