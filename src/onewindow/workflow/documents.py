"""办结通知书 (and, for a refusal, 不予行政许可决定书): the written result of a case.

行政许可法 §38 requires a written decision, with reasons and the right to review or sue when
the application is refused; §44 has the certificate delivered within 10 days of the decision.
The renderer is pure (data in, PDF bytes out) and uses reportlab's built-in CID font
``STSong-Light``, which needs no font file on the server.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onewindow.core import clock, ids
from onewindow.ledger import selectors as ledger
from onewindow.workflow import links
from onewindow.workflow.enums import CaseStatus, DeliveryMethod
from onewindow.workflow.models import Case

FONT = "STSong-Light"
_font_lock = threading.Lock()
_REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
)


@dataclass(frozen=True)
class ResultNotice:
    """What the written result says; ``applicant_code`` is already masked."""

    number: str
    item_name: str
    department_name: str
    applicant_name: str
    applicant_code: str
    accepted_at: datetime
    decided_at: datetime | None
    completed_at: datetime | None
    promised_due_on: date
    is_approved: bool
    reason: str
    delivery: str
    certificate: str
    steps: list[tuple[str, str, str, str]]  # (环节, 部门, 结果, 办理时间)
    centre_name: str
    ledger_index: int | None
    review_url: str = ""  # the 办结 rating link, printed as a "扫码评价" QR code


def _font() -> str:
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        local = clock.local(moment)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{moment.year}年{moment.month}月{moment.day}日"


def render_result_notice(doc: ResultNotice) -> bytes:
    """The notice as A4 PDF bytes (the same data gives the same bytes)."""
    font = _font()

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.6, wordWrap="CJK", **extra
        )

    title_text = "办结通知书" if doc.is_approved else "不予行政许可决定书"
    centre = style("centre", 13, alignment=TA_CENTER)
    title = style("title", 22, alignment=TA_CENTER, spaceAfter=3 * mm)
    number = style("number", 11, alignment=TA_RIGHT, spaceAfter=4 * mm)
    body = style("body", 12, alignment=TA_JUSTIFY, firstLineIndent=24, spaceAfter=2 * mm)
    plain = style("plain", 12)
    cell = style("cell", 10)
    story: list[object] = [
        Paragraph(escape(doc.centre_name), centre),
        Paragraph(title_text, title),
        Paragraph(escape(f"办件编号：{doc.number}"), number),
        Paragraph(escape(f"{doc.applicant_name}（证件号码：{doc.applicant_code}）："), plain),
    ]
    if doc.is_approved:
        text = (
            f"你（单位）于{_day(doc.accepted_at)}申请的“{doc.item_name}”，经{doc.department_name}"
            f"等部门审查，已于{_day(doc.decided_at)}审批通过，并于{_day(doc.completed_at)}办结。"
            f"办理结果已{doc.delivery}。"
        )
    else:
        text = (
            f"你（单位）于{_day(doc.accepted_at)}申请的“{doc.item_name}”，经审查，"
            f"决定不予行政许可。理由：{doc.reason}。根据《中华人民共和国行政许可法》第三十八条"
            f"第二款的规定，特此书面告知。{_REMEDY}"
        )
    story.append(Paragraph(escape(text), body))
    if doc.certificate:
        story.append(Paragraph(escape(f"电子证照标识：{doc.certificate}"), body))
    story.append(Paragraph(escape(f"承诺办结日期：{_day(doc.promised_due_on)}"), body))
    rows = [[Paragraph(h, cell) for h in ("环节", "承办部门", "结果", "办理时间")]]
    rows += [[Paragraph(escape(v), cell) for v in step] for step in doc.steps]
    table = Table(rows, colWidths=[38 * mm, 56 * mm, 26 * mm, 44 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [Spacer(1, 3 * mm), table, Spacer(1, 10 * mm)]
    story.append(
        Paragraph(escape(f"{doc.centre_name}（印章）"), style("seal", 12, alignment=TA_RIGHT))
    )
    story.append(
        Paragraph(
            _day((doc.completed_at or doc.decided_at or doc.accepted_at).date()),
            style("date", 12, alignment=TA_RIGHT),
        )
    )
    if doc.review_url:
        story += [Spacer(1, 4 * mm), _qr_image(doc.review_url)]
        story.append(
            Paragraph("扫码评价本次办结服务（无需登录）", style("qr", 9, alignment=TA_CENTER))
        )
    if doc.ledger_index is not None:
        story.append(Spacer(1, 6 * mm))
        story.append(
            Paragraph(
                escape(f"本通知对应防篡改账本第{doc.ledger_index}号记录，可在平台核验。"),
                style("small", 8, alignment=TA_CENTER, textColor=colors.HexColor("#555555")),
            )
        )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title_text,
        author=doc.centre_name,
        subject=f"{doc.item_name} {doc.number}",
        creator="一窗通办",
        invariant=1,
    ).build(story)  # type: ignore[arg-type]  # reportlab's stubs want Flowable lists
    return buffer.getvalue()


def _qr_image(url: str) -> Image:
    """A 30 mm QR code of ``url`` (level M survives the folds of a paper notice)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer)
    buffer.seek(0)
    return Image(buffer, width=30 * mm, height=30 * mm)


DELIVERY_TEXT = {
    DeliveryMethod.WINDOW: "在综合窗口领取",
    DeliveryMethod.POST: "邮寄送达",
    DeliveryMethod.ELECTRONIC: "以电子方式送达",
}


def result_notice_for(case: Case) -> ResultNotice:
    """Collect the notice's data from a completed or rejected case (tasks prefetched)."""
    entries = ledger.list_entries_for_target(case.ledger_ref)
    final = next(
        (e for e in reversed(entries) if e.event in ("case.completed", "case.rejected")), None
    )
    rejected = next((t for t in case.tasks.all() if t.status == "rejected"), None)
    steps = [
        (
            t.name,
            t.department.name,
            t.get_status_display(),
            _day(t.decided_at) if t.decided_at else "—",
        )
        for t in case.tasks.all()
    ]
    return ResultNotice(
        number=case.number,
        item_name=case.item_version.name,
        department_name=case.item_version.department.name,
        applicant_name=case.applicant_name,
        applicant_code=ids.mask_identifier(case.applicant_code),
        accepted_at=case.accepted_at,
        decided_at=case.decided_at,
        completed_at=case.completed_at,
        promised_due_on=case.promised_due_on,
        is_approved=case.status == CaseStatus.COMPLETED,
        reason=rejected.comment if rejected else "",
        delivery=DELIVERY_TEXT.get(DeliveryMethod(case.delivery_method), "送达")
        if case.delivery_method
        else "送达",
        certificate=case.result_certificate,
        steps=steps,
        centre_name=settings.CENTRE_NAME,
        ledger_index=final.index if final else None,
        review_url=(links.review_link(case, links.COMPLETION, links.VIA_QR) or "")
        if case.status == CaseStatus.COMPLETED
        else "",
    )
