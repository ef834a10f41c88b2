"""The 受理通知书 carries a second QR code, "扫码评价", with the acceptance's rating link."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from onewindow.accounts.models import User
from onewindow.core.tests.pdf_qr import pdf_has_qr, pdf_images
from onewindow.intake.documents import (
    AcceptanceNotice,
    DocumentParty,
    MaterialLine,
    render_acceptance_notice,
)
from onewindow.workflow import links
from onewindow.workflow.tests.factories import make_case

PROGRESS = "https://zwfw.example.gov.cn/progress/SL-20261124-0007"
REVIEW = "https://zwfw.example.gov.cn/rate/SL-20261124-0007:accept:1790000000:sig/?via=qr"


def _notice(review_url: str) -> AcceptanceNotice:
    return AcceptanceNotice(
        number="SL-20261124-0007",
        item_name="食品经营许可（新办）",
        item_code="SC-001",
        item_version=1,
        department_name="市场监督管理局",
        applicant=DocumentParty("张三", "1101**********002X"),
        accepted_at=datetime(2026, 11, 24, 1, 5, tzinfo=UTC),
        promised_due_on=date(2026, 12, 8),
        is_instant=False,
        window_code="A03",
        clerk_name="王芳",
        received=[MaterialLine("营业执照", "复印件1份")],
        tolerated=[],
        supplement_due_on=None,
        progress_url=PROGRESS,
        verify_hint="查询码为申请人证件号码后4位",
        centre_name="某某市政务服务中心",
        ledger_index=1,
        review_url=review_url,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_acceptance_notice_prints_the_rating_code_beside_the_progress_code() -> None:
    pdf = render_acceptance_notice(_notice(REVIEW))
    assert len(pdf_images(pdf)) == 2
    assert pdf_has_qr(pdf, REVIEW) and pdf_has_qr(pdf, PROGRESS)
    assert not pdf_has_qr(pdf, REVIEW.replace("via=qr", "via=sms"))
    text = _text(pdf)
    assert "扫码评价" in text and "扫码查询办理进度" in text


def test_acceptance_notice_without_a_rating_link_has_one_code() -> None:
    pdf = render_acceptance_notice(_notice(""))
    assert len(pdf_images(pdf)) == 1
    assert "扫码评价" not in _text(pdf)


@pytest.mark.django_db
def test_case_receipt_carries_the_acceptance_rating_link(clerk: User, client_for: Any) -> None:
    case = make_case(clerk=clerk)
    link = links.review_link(case, links.ACCEPTANCE, links.VIA_QR)
    assert link is not None and "/rate/" in link and link.endswith("?via=qr")
    pdf = client_for(clerk).get(f"/api/v1/cases/{case.number}/receipt").content
    assert pdf_has_qr(pdf, link)
    assert "扫码评价" in _text(pdf)


@pytest.mark.django_db
def test_without_a_rating_app_the_receipt_is_still_issued(
    clerk: User, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links, "_review_link", None)
    case = make_case(clerk=clerk)
    pdf = client_for(clerk).get(f"/api/v1/cases/{case.number}/receipt").content
    assert pdf.startswith(b"%PDF") and len(pdf_images(pdf)) == 1
    assert "扫码评价" not in _text(pdf)
