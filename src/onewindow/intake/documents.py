"""Written vouchers handed out by the comprehensive window (行政许可法 §32).

Article 32 of the 行政许可法 obliges the authority, whenever it accepts or refuses an
application, to issue a written voucher bearing its seal and the date, and — when the
materials are incomplete — to tell the applicant *once* everything that must be supplied.
This module turns plain data into the three A4 PDF vouchers:

* 受理通知书 (:func:`render_acceptance_notice`)
* 不予受理决定书 (:func:`render_refusal_decision`)
* 补正材料一次性告知书 (:func:`render_supplement_notice`)

Every voucher carries a QR code pointing to the public progress page so the applicant can
follow the case without coming back to the window. The 受理通知书 also carries a second one,
"扫码评价", with the signed one-time link that rates the acceptance (好差评, GB/T 39046 channel
二维码), so every receipt handed out at the window can be rated without signing in.

The functions are pure: no Django, no database, just dataclasses in and PDF bytes out, so the
same code serves the window UI, background jobs and tests.

Fonts: reportlab cannot embed CFF-outline fonts (Noto CJK and most ``.otf`` files), so the
default is the built-in CID font ``STSong-Light``, which every PDF reader maps to a local Song
typeface and which needs no font file on the server.  A TrueType CJK font (for example Debian's
``fonts-wqy-zenhei``) can be selected with :func:`use_truetype_font` to get an embedded subset
that looks identical everywhere.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.tables import TableStyle

__all__ = [
    "WQY_ZENHEI_PATH",
    "AcceptanceNotice",
    "DocumentParty",
    "MaterialLine",
    "RefusalDecision",
    "SupplementNotice",
    "current_font_name",
    "render_acceptance_notice",
    "render_refusal_decision",
    "render_supplement_notice",
    "use_builtin_font",
    "use_truetype_font",
]

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentParty:
    """The applicant as printed on a voucher.

    ``id_masked`` must already be masked by the caller (e.g. ``"1101**********002X"``); this
    module never sees the full identity number, so it cannot leak it into a PDF.
    """

    name: str
    id_masked: str


@dataclass(frozen=True)
class MaterialLine:
    """One application material: its name and a free-text note (copies, form, deadline…)."""

    name: str
    note: str = ""


@dataclass(frozen=True)
class AcceptanceNotice:
    """Data for a 受理通知书.

    ``received`` lists the materials taken in at the window; ``tolerated`` lists the 容缺
    materials the applicant has promised to hand in later, by ``supplement_due_on``.
    ``promised_due_on`` is the committed completion date (None when not yet known);
    ``is_instant`` marks a 即办件 settled on the spot. ``review_url`` is the public rating
    link of the acceptance, printed as a second QR code (empty: no rating code).
    """

    number: str
    item_name: str
    item_code: str
    item_version: int
    department_name: str
    applicant: DocumentParty
    accepted_at: datetime
    promised_due_on: date | None
    is_instant: bool
    window_code: str
    clerk_name: str
    received: list[MaterialLine]
    tolerated: list[MaterialLine]
    supplement_due_on: date | None
    progress_url: str
    verify_hint: str
    centre_name: str
    ledger_index: int | None
    review_url: str = ""


@dataclass(frozen=True)
class RefusalDecision:
    """Data for a 不予受理决定书.

    ``document_number`` is the number of the decision itself; ``number`` is the application
    (case) number it refers to.
    """

    document_number: str
    number: str
    item_name: str
    department_name: str
    applicant: DocumentParty
    reason: str
    refused_at: datetime
    clerk_name: str
    window_code: str
    centre_name: str
    progress_url: str


@dataclass(frozen=True)
class SupplementNotice:
    """Data for a 补正材料一次性告知书; ``missing`` must list *every* material to supply."""

    notice_number: str
    item_name: str
    department_name: str
    applicant: DocumentParty
    missing: list[MaterialLine]
    issued_at: datetime
    clerk_name: str
    window_code: str
    centre_name: str
    progress_url: str


# ---------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------

#: Where Debian/Ubuntu's ``fonts-wqy-zenhei`` package installs its TrueType collection.
WQY_ZENHEI_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

_BUILTIN_FONT = "STSong-Light"
_font_lock = threading.Lock()
_registered_fonts: set[str] = set()
_truetype_names: dict[str, str] = {}
_current_font = _BUILTIN_FONT


def _register_builtin_font() -> None:
    """Register ``STSong-Light`` once; the caller must hold ``_font_lock``."""
    if _BUILTIN_FONT not in _registered_fonts:
        pdfmetrics.registerFont(UnicodeCIDFont(_BUILTIN_FONT))
        _registered_fonts.add(_BUILTIN_FONT)


def use_truetype_font(path: str) -> None:
    """Render subsequent vouchers with the TrueType CJK font at ``path``.

    ``.ttc`` collections are accepted (their first face is used).  The font is registered
    only once per path; calling this again with the same path just reselects it.  Raises
    ``FileNotFoundError`` when the file is missing, and lets reportlab's ``TTFError`` through
    for fonts it cannot embed (CFF/PostScript outlines such as Noto CJK).
    """
    resolved = str(Path(path).resolve())
    if not Path(resolved).is_file():
        raise FileNotFoundError(f"TrueType font not found: {path}")
    global _current_font
    with _font_lock:
        name = _truetype_names.get(resolved)
        if name is None:
            # Several paths may share a file stem, so number the registrations.
            name = f"OneWindowTT{len(_truetype_names) + 1}-{Path(resolved).stem}"
            pdfmetrics.registerFont(TTFont(name, resolved, subfontIndex=0))
            _truetype_names[resolved] = name
            _registered_fonts.add(name)
        _current_font = name


def use_builtin_font() -> None:
    """Go back to the default built-in CID font ``STSong-Light``."""
    global _current_font
    with _font_lock:
        _register_builtin_font()
        _current_font = _BUILTIN_FONT


def current_font_name() -> str:
    """Return the reportlab name of the font vouchers are rendered with (registering it)."""
    with _font_lock:
        if _current_font == _BUILTIN_FONT:
            _register_builtin_font()
        return _current_font


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def _local_zone() -> tzinfo:
    """Asia/Shanghai; a fixed +08:00 offset if the tz database is unavailable.

    The fallback is exact for any date a voucher can carry: China has observed no daylight
    saving time since 1991.
    """
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=8), "CST")


_LOCAL_TZ = _local_zone()


def _to_local(moment: datetime) -> datetime:
    """Convert to Beijing time; a naive datetime is taken to be Beijing time already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=_LOCAL_TZ)
    return moment.astimezone(_LOCAL_TZ)


def _format_date(day: date) -> str:
    """``2026年11月24日`` — official documents write dates without zero padding."""
    if isinstance(day, datetime):
        day = _to_local(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _format_datetime(moment: datetime) -> str:
    """``2026年11月24日 09:05`` in Beijing time, whatever zone ``moment`` carries."""
    local = _to_local(moment)
    return f"{_format_date(local.date())} {local:%H:%M}"


def _text(value: str) -> str:
    """Escape user text for Paragraph mini-markup and keep its line breaks."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(line) for line in lines)


def _qr_png(data: str) -> bytes:
    """Encode ``data`` as a QR code and return PNG bytes (medium error correction).

    Level M survives the smudges and folds a paper voucher picks up while keeping the code
    small enough to scan from an A4 sheet held at arm's length.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 22 * mm
_FRAME_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_QR_SIZE = 30 * mm
_QR_COLUMN = 72 * mm
_TWO_QR_COLUMN = 80 * mm

# Wording shared by all vouchers: §32 requires the voucher to carry the authority's seal and
# the date, so the signature block always ends with both.
_SEAL_PLACEHOLDER = "（印章）"


@dataclass(frozen=True)
class _Styles:
    """Paragraph styles bound to the font chosen for one rendering."""

    font: str
    centre: ParagraphStyle
    title: ParagraphStyle
    number: ParagraphStyle
    body: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    signature: ParagraphStyle
    caption: ParagraphStyle
    small: ParagraphStyle


def _styles(font: str) -> _Styles:
    """Build the style sheet; ``wordWrap="CJK"`` lets Chinese lines break between any glyphs."""

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * 1.6,
            wordWrap="CJK",
            **extra,
        )

    return _Styles(
        font=font,
        centre=style("centre", 13, alignment=TA_CENTER, spaceAfter=2 * mm),
        title=style("title", 22, alignment=TA_CENTER, spaceAfter=3 * mm),
        number=style("number", 11, alignment=TA_RIGHT, spaceAfter=4 * mm),
        body=style("body", 12, alignment=TA_JUSTIFY, firstLineIndent=24, spaceAfter=2 * mm),
        heading=style("heading", 12, alignment=TA_LEFT, spaceBefore=2 * mm, spaceAfter=2 * mm),
        cell=style("cell", 10.5, alignment=TA_LEFT),
        cell_head=style("cell_head", 10.5, alignment=TA_CENTER),
        signature=style("signature", 12, alignment=TA_LEFT),
        caption=style("caption", 9, alignment=TA_CENTER),
        small=style("small", 8, alignment=TA_CENTER, textColor=colors.HexColor("#555555")),
    )


def _header(styles: _Styles, centre_name: str, title: str, number_line: str) -> list[Flowable]:
    """Centre name, centred title and the right-aligned document number."""
    flowables: list[Flowable] = []
    if centre_name:
        flowables.append(Paragraph(_text(centre_name), styles.centre))
    flowables.append(Paragraph(_text(title), styles.title))
    flowables.append(Paragraph(_text(number_line), styles.number))
    return flowables


def _addressee(styles: _Styles, party: DocumentParty) -> Paragraph:
    """The salutation line naming the applicant and the masked identity number."""
    line = f"{party.name}（证件号码：{party.id_masked}）："
    return Paragraph(
        _text(line), ParagraphStyle("addressee", parent=styles.body, firstLineIndent=0)
    )


def _materials_table(styles: _Styles, materials: Sequence[MaterialLine]) -> Table:
    """A numbered 序号 / 材料名称 / 说明 table; the header row repeats on every page."""
    rows: list[list[Paragraph]] = [
        [
            Paragraph("序号", styles.cell_head),
            Paragraph("材料名称", styles.cell_head),
            Paragraph("说明", styles.cell_head),
        ]
    ]
    for index, material in enumerate(materials, start=1):
        rows.append(
            [
                Paragraph(str(index), styles.cell_head),
                Paragraph(_text(material.name), styles.cell),
                Paragraph(_text(material.note), styles.cell),
            ]
        )
    if not materials:
        rows.append(
            [
                Paragraph("—", styles.cell_head),
                Paragraph("（无）", styles.cell),
                Paragraph("", styles.cell),
            ]
        )
    widths = [14 * mm, _FRAME_WIDTH * 0.55, _FRAME_WIDTH - 14 * mm - _FRAME_WIDTH * 0.55]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _footer_block(
    styles: _Styles,
    *,
    centre_name: str,
    window_code: str,
    clerk_name: str,
    clerk_label: str,
    signed_at: datetime,
    progress_url: str,
    verify_hint: str = "",
    review_url: str = "",
) -> Table:
    """QR codes on the left (progress, and "扫码评价" when there is a ``review_url``),
    signature block (window, clerk, seal, date) on the right.

    Without a progress URL the QR cell is left empty rather than failing: §32 makes the
    written voucher mandatory, so a missing link must never stop it from being printed.
    """
    signature_lines = [
        f"窗口编号：{window_code}",
        f"{clerk_label}：{clerk_name}",
        f"{centre_name}{_SEAL_PLACEHOLDER}" if centre_name else _SEAL_PLACEHOLDER,
        _format_date(_to_local(signed_at).date()),
    ]
    signature = [Paragraph(_text(line), styles.signature) for line in signature_lines]

    blocks: list[list[Flowable]] = []
    if progress_url:
        notes = [verify_hint, progress_url] if verify_hint else [progress_url]
        blocks.append(_qr_block(styles, progress_url, "扫码查询办理进度", notes))
    if review_url:
        # The rating link is long (it carries the signed token), so only the code is printed.
        blocks.append(_qr_block(styles, review_url, "扫码评价", ["无需登录，限评价一次"]))

    qr_cell: list[Flowable] | Table = blocks[0] if len(blocks) == 1 else []
    left_width = _QR_COLUMN
    if len(blocks) > 1:
        left_width = _TWO_QR_COLUMN
        qr_cell = Table([blocks], colWidths=[left_width / len(blocks)] * len(blocks))
        qr_cell.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
                ]
            )
        )
    table = Table(
        [[qr_cell, signature]],
        colWidths=[left_width, _FRAME_WIDTH - left_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (0, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 20 * mm),
            ]
        )
    )
    return table


def _qr_block(styles: _Styles, url: str, caption: str, notes: Sequence[str]) -> list[Flowable]:
    """One QR code of ``url`` with its caption and small notes underneath."""
    block: list[Flowable] = [
        Image(io.BytesIO(_qr_png(url)), width=_QR_SIZE, height=_QR_SIZE),
        Paragraph(_text(caption), styles.caption),
    ]
    block += [Paragraph(_text(note), styles.small) for note in notes]
    return block


def _build_pdf(
    *,
    title: str,
    author: str,
    subject: str,
    footer_text: str,
    story: Callable[[_Styles], list[Flowable]],
) -> bytes:
    """Lay out ``story`` on A4 pages and return the PDF bytes.

    ``invariant`` fixes the timestamps and document id reportlab would otherwise randomise,
    so the same data gives the same bytes (handy for archiving and caching).
    """
    font = current_font_name()
    styles = _styles(font)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="一窗通办",
        invariant=1,
    )

    def draw_footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        # Page number plus the document number on every sheet, so a multi-page notice can be
        # checked for completeness and pages cannot be swapped between vouchers.
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawCentredString(_PAGE_WIDTH / 2, 12 * mm, f"{footer_text}　第{doc.page}页")
        canvas.restoreState()

    template.build(story(styles), onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------

_ACCEPTANCE_TITLE = "受理通知书"
_REFUSAL_TITLE = "不予受理决定书"
_SUPPLEMENT_TITLE = "补正材料一次性告知书"

# §32 only demands a written voucher; the remedy notice mirrors 行政许可法 §38(2), which makes
# the authority tell a refused applicant of review and litigation.  The periods are the 60
# days of 行政复议法 and the six months of 行政诉讼法.
_REMEDY_WORDING = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
)


def render_acceptance_notice(doc: AcceptanceNotice) -> bytes:
    """Render the 受理通知书 as PDF bytes.

    The acceptance wording follows 行政许可法 §32(1)(5): an application within the
    authority's remit whose materials are complete and in legal form shall be accepted.
    """
    accepted_date = _format_date(_to_local(doc.accepted_at).date())

    def story(styles: _Styles) -> list[Flowable]:
        flowables = _header(styles, doc.centre_name, _ACCEPTANCE_TITLE, f"编号：{doc.number}")
        flowables.append(_addressee(styles, doc.applicant))
        if doc.tolerated:
            # 容缺受理: the core materials are in order and the applicant has promised the rest;
            # the acceptance is still a §32(1)(5) acceptance, conditioned on that promise.
            basis = (
                "经审查，你（单位）提交的主要申请材料齐全、符合法定形式，其余材料按容缺受理"
                "办理。根据《中华人民共和国行政许可法》第三十二条第一款第（五）项的规定，"
                "决定予以受理。"
            )
        else:
            basis = (
                "经审查，你（单位）提交的申请材料齐全、符合法定形式。根据《中华人民共和国"
                "行政许可法》第三十二条第一款第（五）项的规定，决定予以受理。"
            )
        flowables.append(
            Paragraph(
                _text(
                    f"你（单位）于{_format_datetime(doc.accepted_at)}提出的"
                    f"“{doc.item_name}”（事项编码：{doc.item_code}，第{doc.item_version}版）"
                    f"申请，{basis}"
                ),
                styles.body,
            )
        )
        facts = [f"承办部门：{doc.department_name}", f"受理日期：{accepted_date}"]
        if doc.is_instant:
            facts.append("办理时限：本事项为即办件，当场办结。")
        elif doc.promised_due_on is not None:
            # 行政许可法 §45: time for hearings, tenders, auctions, inspection, testing,
            # quarantine, appraisal and expert review does not count against the deadline.
            facts.append(
                f"承诺办结日期：{_format_date(doc.promised_due_on)}前（依法需要听证、招标、拍卖、"
                "检验、检测、检疫、鉴定和专家评审的，所需时间不计算在内）"
            )
        if doc.ledger_index is not None:
            facts.append(f"受理台账序号：第{doc.ledger_index}号")
        for fact in facts:
            flowables.append(Paragraph(_text(fact), styles.body))

        flowables.append(Paragraph("一、已收取的申请材料", styles.heading))
        flowables.append(_materials_table(styles, doc.received))
        if doc.tolerated:
            due = (
                f"请于{_format_date(doc.supplement_due_on)}前补交"
                if doc.supplement_due_on is not None
                else "请按承诺期限补交"
            )
            flowables.append(Paragraph(_text(f"二、容缺材料（{due}）"), styles.heading))
            flowables.append(_materials_table(styles, doc.tolerated))
            flowables.append(Spacer(1, 2 * mm))
            flowables.append(
                Paragraph(
                    "逾期未补交容缺材料的，将依照容缺受理的有关规定处理。",
                    styles.body,
                )
            )
        flowables.append(Spacer(1, 6 * mm))
        flowables.append(
            _footer_block(
                styles,
                centre_name=doc.centre_name,
                window_code=doc.window_code,
                clerk_name=doc.clerk_name,
                clerk_label="受理人",
                signed_at=doc.accepted_at,
                progress_url=doc.progress_url,
                verify_hint=doc.verify_hint,
                review_url=doc.review_url,
            )
        )
        return flowables

    return _build_pdf(
        title=_ACCEPTANCE_TITLE,
        author=doc.centre_name,
        subject=f"{doc.item_name} {doc.number}",
        footer_text=f"{_ACCEPTANCE_TITLE}　编号：{doc.number}",
        story=story,
    )


def render_refusal_decision(doc: RefusalDecision) -> bytes:
    """Render the 不予受理决定书 as PDF bytes.

    行政许可法 §32 requires a written, sealed and dated decision when an application is not
    accepted (e.g. §32(1)(1) no licence needed, §32(1)(2) outside the authority's remit), and
    the applicant is told the remedies open to them (as §38(2) requires for refusals).
    """

    def story(styles: _Styles) -> list[Flowable]:
        flowables = _header(
            styles, doc.centre_name, _REFUSAL_TITLE, f"文书编号：{doc.document_number}"
        )
        flowables.append(_addressee(styles, doc.applicant))
        flowables.append(
            Paragraph(
                _text(
                    f"你（单位）提出的“{doc.item_name}”申请（申请编号：{doc.number}，"
                    f"承办部门：{doc.department_name}），经审查，根据《中华人民共和国行政许可法》"
                    "第三十二条的规定，决定不予受理。理由如下："
                ),
                styles.body,
            )
        )
        flowables.append(Paragraph(_text(doc.reason), styles.body))
        flowables.append(Paragraph(_text(_REMEDY_WORDING), styles.body))
        flowables.append(Spacer(1, 8 * mm))
        flowables.append(
            _footer_block(
                styles,
                centre_name=doc.centre_name,
                window_code=doc.window_code,
                clerk_name=doc.clerk_name,
                clerk_label="经办人",
                signed_at=doc.refused_at,
                progress_url=doc.progress_url,
            )
        )
        return flowables

    return _build_pdf(
        title=_REFUSAL_TITLE,
        author=doc.centre_name,
        subject=f"{doc.item_name} {doc.number}",
        footer_text=f"{_REFUSAL_TITLE}　文书编号：{doc.document_number}",
        story=story,
    )


def render_supplement_notice(doc: SupplementNotice) -> bytes:
    """Render the 补正材料一次性告知书 as PDF bytes.

    行政许可法 §32(1)(4): when materials are incomplete or not in legal form the authority
    must tell the applicant, on the spot or within five days and in one go, everything that
    has to be supplied.  A notice with nothing missing is therefore a caller error.
    """
    if not doc.missing:
        raise ValueError("a supplement notice must list at least one missing material")

    def story(styles: _Styles) -> list[Flowable]:
        flowables = _header(
            styles, doc.centre_name, _SUPPLEMENT_TITLE, f"编号：{doc.notice_number}"
        )
        flowables.append(_addressee(styles, doc.applicant))
        flowables.append(
            Paragraph(
                _text(
                    f"你（单位）申请办理的“{doc.item_name}”"
                    f"（承办部门：{doc.department_name}），经审查，申请材料不齐全或者不符合法定"
                    "形式。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，"
                    "现一次性告知你（单位）需要补正的全部内容如下："
                ),
                styles.body,
            )
        )
        flowables.append(_materials_table(styles, doc.missing))
        flowables.append(Spacer(1, 3 * mm))
        # The closing sentence is what makes the notice "一次性": the list above is the whole
        # of what may be asked, so the window cannot come back for more later.
        flowables.append(
            Paragraph(
                _text(
                    f"本告知书所列为需要补正的全部内容（共{len(doc.missing)}项），本机关一次性告知，"
                    "不再另行要求补正其他材料。请按上述要求补正后重新提交；补正材料齐全、符合法定"
                    "形式的，本机关将依法予以受理。"
                ),
                styles.body,
            )
        )
        flowables.append(Spacer(1, 8 * mm))
        flowables.append(
            _footer_block(
                styles,
                centre_name=doc.centre_name,
                window_code=doc.window_code,
                clerk_name=doc.clerk_name,
                clerk_label="经办人",
                signed_at=doc.issued_at,
                progress_url=doc.progress_url,
            )
        )
        return flowables

    return _build_pdf(
        title=_SUPPLEMENT_TITLE,
        author=doc.centre_name,
        subject=f"{doc.item_name} {doc.notice_number}",
        footer_text=f"{_SUPPLEMENT_TITLE}　编号：{doc.notice_number}",
        story=story,
    )
