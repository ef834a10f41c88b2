"""Tests for the 行政许可法 §32 vouchers rendered by ``onewindow.intake.documents``.

Byte-level checks (PDF header, font, embedded image) need nothing beyond reportlab; checks on
the visible text and metadata use pypdf when it is installed and are skipped otherwise.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from onewindow.intake import documents
from onewindow.intake.documents import (
    AcceptanceNotice,
    DocumentParty,
    MaterialLine,
    RefusalDecision,
    SupplementNotice,
    render_acceptance_notice,
    render_refusal_decision,
    render_supplement_notice,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

CENTRE = "某某市政务服务中心"
TRICKY = "张<b>&三</b>"


@pytest.fixture(autouse=True)
def _builtin_font() -> Iterator[None]:
    """Each test starts, and leaves the module, on the default STSong-Light font."""
    documents.use_builtin_font()
    yield
    documents.use_builtin_font()


def _reader(data: bytes) -> PdfReader:
    pypdf = pytest.importorskip("pypdf")
    reader: PdfReader = pypdf.PdfReader(io.BytesIO(data))
    return reader


def _text(data: bytes) -> str:
    """All extracted text with whitespace removed, so table line breaks do not matter."""
    reader = _reader(data)
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def _image_count(data: bytes) -> int:
    """Image XObjects across all pages, found through the page resources."""
    reader = _reader(data)
    count = 0
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        xobjects = resources.get_object().get("/XObject")
        if xobjects is None:
            continue
        for ref in xobjects.get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def _party(name: str = "张三") -> DocumentParty:
    return DocumentParty(name=name, id_masked="1101**********002X")


def _acceptance(**changes: Any) -> AcceptanceNotice:
    doc = AcceptanceNotice(
        number="SL-20261124-0007",
        item_name="食品经营许可（新办）",
        item_code="11110000000000000X400011700100001",
        item_version=3,
        department_name="市场监督管理局",
        applicant=_party(),
        accepted_at=datetime(2026, 11, 24, 1, 5, tzinfo=UTC),
        promised_due_on=date(2026, 12, 8),
        is_instant=False,
        window_code="A03",
        clerk_name="王芳",
        received=[
            MaterialLine("食品经营许可申请书", "原件1份"),
            MaterialLine("营业执照", "复印件1份"),
        ],
        tolerated=[MaterialLine("食品安全管理制度文本", "容缺：承诺于2026-12-01前补交")],
        supplement_due_on=date(2026, 12, 1),
        progress_url="https://zwfw.example.gov.cn/progress/SL-20261124-0007",
        verify_hint="查询码为申请人证件号码后4位",
        centre_name=CENTRE,
        ledger_index=128,
    )
    return replace(doc, **changes)


def _refusal(**changes: Any) -> RefusalDecision:
    doc = RefusalDecision(
        document_number="不受字〔2026〕第0031号",
        number="SL-20261124-0009",
        item_name="建筑工程施工许可",
        department_name="住房和城乡建设局",
        applicant=_party(),
        reason="申请事项依法不属于本机关职权范围，请向省住房和城乡建设厅申请。",
        refused_at=datetime(2026, 11, 24, 3, 40, tzinfo=UTC),
        clerk_name="赵敏",
        window_code="B01",
        centre_name=CENTRE,
        progress_url="https://zwfw.example.gov.cn/progress/SL-20261124-0009",
    )
    return replace(doc, **changes)


def _supplement(**changes: Any) -> SupplementNotice:
    doc = SupplementNotice(
        notice_number="BZ-20261124-0002",
        item_name="道路运输经营许可",
        department_name="交通运输局",
        applicant=_party(),
        missing=[
            MaterialLine("车辆技术等级评定证明", "原件及复印件各1份"),
            MaterialLine("驾驶员从业资格证", "复印件1份，核验原件"),
            MaterialLine("安全生产管理制度文本", "加盖公章"),
        ],
        issued_at=datetime(2026, 11, 24, 16, 0, tzinfo=timezone(timedelta(hours=8))),
        clerk_name="钱伟",
        window_code="C02",
        centre_name=CENTRE,
        progress_url="https://zwfw.example.gov.cn/progress/BZ-20261124-0002",
    )
    return replace(doc, **changes)


RENDERED = pytest.mark.parametrize(
    ("render", "title"),
    [
        (lambda: render_acceptance_notice(_acceptance()), "受理通知书"),
        (lambda: render_refusal_decision(_refusal()), "不予受理决定书"),
        (lambda: render_supplement_notice(_supplement()), "补正材料一次性告知书"),
    ],
    ids=["acceptance", "refusal", "supplement"],
)


# --- byte-level checks (no pypdf needed) -----------------------------------------------------


@RENDERED
def test_renders_a_pdf_with_the_builtin_cjk_font(render: Callable[[], bytes], title: str) -> None:
    data = render()
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF-")
    assert b"STSong-Light" in data
    assert b"/Subtype /Image" in data


def test_rendering_is_deterministic() -> None:
    assert render_acceptance_notice(_acceptance()) == render_acceptance_notice(_acceptance())


def test_markup_in_user_text_does_not_break_rendering() -> None:
    data = render_refusal_decision(
        _refusal(applicant=_party(TRICKY), reason="材料<不全> & <b>未盖章", item_name="a<b>&c")
    )
    assert data.startswith(b"%PDF-")


def test_supplement_notice_without_missing_materials_is_rejected() -> None:
    with pytest.raises(ValueError, match="missing material"):
        render_supplement_notice(_supplement(missing=[]))


def test_missing_truetype_font_is_reported() -> None:
    with pytest.raises(FileNotFoundError):
        documents.use_truetype_font("/nonexistent/font.ttc")
    assert documents.current_font_name() == "STSong-Light"


# --- text and metadata (pypdf) ---------------------------------------------------------------


@RENDERED
def test_metadata_names_the_document_and_centre(render: Callable[[], bytes], title: str) -> None:
    metadata = _reader(render()).metadata
    assert metadata is not None
    assert metadata.title == title
    assert metadata.author == CENTRE


@RENDERED
def test_title_centre_and_qr_caption_are_visible(render: Callable[[], bytes], title: str) -> None:
    data = render()
    text = _text(data)
    assert title in text
    assert CENTRE in text
    assert "扫码查询办理进度" in text
    assert "（印章）" in text
    assert _image_count(data) == 1


def test_acceptance_notice_content() -> None:
    text = _text(render_acceptance_notice(_acceptance()))
    assert "SL-20261124-0007" in text
    assert "食品经营许可（新办）" in text
    assert "第三十二条" in text
    assert "市场监督管理局" in text
    # 01:05 UTC is 09:05 in Beijing.
    assert "2026年11月24日09:05" in text
    assert "2026年12月8日前" in text
    for name in ("食品经营许可申请书", "营业执照", "食品安全管理制度文本"):
        assert name in text
    assert "2026年12月1日前补交" in text
    assert "查询码为申请人证件号码后4位" in text
    assert "第128号" in text
    assert "A03" in text
    assert "王芳" in text
    assert "1101**********002X" in text


def test_acceptance_notice_instant_item_without_tolerated_materials() -> None:
    text = _text(
        render_acceptance_notice(
            _acceptance(
                is_instant=True,
                promised_due_on=None,
                tolerated=[],
                supplement_due_on=None,
                ledger_index=None,
            )
        )
    )
    assert "即办件" in text
    assert "容缺" not in text
    assert "台账" not in text


def test_naive_datetime_is_taken_as_beijing_time() -> None:
    text = _text(render_acceptance_notice(_acceptance(accepted_at=datetime(2026, 1, 5, 8, 30))))
    assert "2026年1月5日08:30" in text


def test_late_utc_time_rolls_over_to_next_local_day() -> None:
    late = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
    text = _text(render_refusal_decision(_refusal(refused_at=late)))
    assert "2026年11月25日" in text
    assert "2026年11月24日" not in text


def test_refusal_decision_content() -> None:
    doc = _refusal()
    text = _text(render_refusal_decision(doc))
    assert doc.document_number in text
    assert doc.number in text
    assert doc.reason in text
    assert "不予受理" in text
    # Remedies the applicant must be told about.
    assert "自收到本决定书之日起六十日内依法申请行政复议" in text
    assert "六个月内依法提起行政诉讼" in text


def test_supplement_notice_lists_every_missing_material() -> None:
    doc = _supplement()
    text = _text(render_supplement_notice(doc))
    assert doc.notice_number in text
    for line in doc.missing:
        assert line.name in text
        assert line.note in text
    assert "第三十二条第一款第（四）项" in text
    assert "一次性告知" in text
    assert "全部内容" in text
    assert "共3项" in text


def test_long_supplement_notice_spans_pages_and_keeps_every_line() -> None:
    missing = [MaterialLine(f"补正材料第{i:02d}项", f"说明{i:02d}") for i in range(1, 61)]
    data = render_supplement_notice(_supplement(missing=missing))
    assert len(_reader(data).pages) > 1
    text = _text(data)
    for line in missing:
        assert line.name in text
        assert line.note in text
    assert "第2页" in text


def test_user_markup_is_printed_literally() -> None:
    reason = "材料<不全> & <b>未盖章</b>"
    data = render_refusal_decision(_refusal(applicant=_party(TRICKY), reason=reason))
    text = _text(data)
    assert TRICKY in text
    assert "".join(reason.split()) in text
    supplement = render_supplement_notice(
        _supplement(missing=[MaterialLine("<b>&表格", "A&B <i>")])
    )
    assert "<b>&表格" in _text(supplement)


def test_reason_line_breaks_are_kept() -> None:
    data = render_refusal_decision(_refusal(reason="第一条理由\n第二条理由"))
    lines = [
        line.strip() for page in _reader(data).pages for line in page.extract_text().split("\n")
    ]
    assert "第一条理由" in lines
    assert "第二条理由" in lines


def test_without_progress_url_the_voucher_is_still_issued() -> None:
    data = render_supplement_notice(_supplement(progress_url=""))
    assert data.startswith(b"%PDF-")
    assert _image_count(data) == 0
    assert "扫码查询办理进度" not in _text(data)


@pytest.mark.skipif(
    not os.path.isfile(documents.WQY_ZENHEI_PATH) and not os.environ.get("ONEWINDOW_REQUIRE_FONTS"),
    reason="fonts-wqy-zenhei not installed (CI installs it and sets ONEWINDOW_REQUIRE_FONTS)",
)
def test_truetype_font_is_embedded_when_chosen() -> None:
    documents.use_truetype_font(documents.WQY_ZENHEI_PATH)
    # Selecting the same font again must not re-register it under a new name.
    name = documents.current_font_name()
    documents.use_truetype_font(documents.WQY_ZENHEI_PATH)
    assert documents.current_font_name() == name
    doc = _supplement()
    data = render_supplement_notice(doc)
    assert b"STSong-Light" not in data
    assert b"FontFile2" in data
    text = _text(data)
    for line in doc.missing:
        assert line.name in text
    documents.use_builtin_font()
    assert b"STSong-Light" in render_supplement_notice(doc)
