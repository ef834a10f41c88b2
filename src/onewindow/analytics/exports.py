"""The dispatch report as an Excel workbook (openpyxl) and an A4 landscape PDF (reportlab with
its built-in CID font STSong-Light, which needs no font file on the server)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onewindow.analytics.selectors import DepartmentRow, DispatchFigures
from onewindow.core.pdf import cjk_font

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

COLUMNS = [
    "部门",
    "受理",
    "办结",
    "审批决定",
    "按时办结率",
    "平均用时（工作日）",
    "平均承诺时限",
    "办理环节",
    "环节按时率",
    "补正",
    "转办",
    "超期未办",
    "流转积分",
]
OVERDUE_COLUMNS = ["办件编号", "事项", "环节", "承办部门", "责任人", "到期日", "超期工作日"]


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def row_values(r: DepartmentRow) -> list[Any]:
    """A department's line as the report prints it."""
    return [
        r.name,
        r.accepted,
        r.completed,
        r.decided,
        _rate(r.on_time_rate),
        r.days_used if r.decided else "—",
        r.days_promised if r.decided else "—",
        r.tasks_decided,
        _rate(r.task_on_time_rate),
        r.supplements,
        r.transfers,
        r.overdue,
        r.points,
    ]


def title_of(figures: DispatchFigures) -> str:
    kind = "周例会" if figures.period.period == "week" else "月调度"
    return f"{settings.CENTRE_NAME} {kind}调度报表 {figures.period.label}"


def render_xlsx(figures: DispatchFigures) -> bytes:
    """Sheets 汇总 (departments + centre) and 超期清单."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "汇总"
    sheet.append([title_of(figures)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"统计期间：{figures.period.starts_on} 至 {figures.period.ends_on}"])
    sheet.append(COLUMNS)
    header = PatternFill("solid", fgColor="DDE6F2")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = header
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r in figures.departments:
        sheet.append(row_values(r))
    sheet.append(row_values(figures.centre))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    for index in range(2, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "B4"
    overdue = book.create_sheet("超期清单")
    overdue.append(OVERDUE_COLUMNS)
    for cell in overdue[1]:
        cell.font = Font(bold=True)
        cell.fill = header
    for o in figures.overdue:
        overdue.append(
            [o.case_number, o.item, o.task, o.department, o.owners, o.due_on, o.overdue_days]
        )
    for letter, width in zip("ABCDEFG", (22, 36, 16, 30, 18, 12, 12), strict=True):
        overdue.column_dimensions[letter].width = width
    if figures.overdue_total > len(figures.overdue):
        overdue.append([f"另有 {figures.overdue_total - len(figures.overdue)} 件未列出"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_pdf(figures: DispatchFigures) -> bytes:
    """A4 landscape: the summary table, then the overdue list."""
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=TA_CENTER)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=13, alignment=TA_CENTER)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=11, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        data = [[Paragraph(escape(str(v)), cell) for v in line] for line in rows]
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f2")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    summary = [COLUMNS] + [row_values(r) for r in figures.departments]
    summary.append(row_values(figures.centre))
    widths = [58 * mm] + [17 * mm] * (len(COLUMNS) - 1)
    story: list[Any] = [
        Paragraph(escape(title_of(figures)), title),
        Paragraph(
            escape(
                f"统计期间：{figures.period.starts_on} 至 {figures.period.ends_on}　"
                f"按时办结率口径：审批决定日不晚于承诺日期（补正、特别程序不计时）"
            ),
            small,
        ),
        Spacer(1, 4 * mm),
        table(summary, widths),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"超期清单（共 {figures.overdue_total} 件）"), heading),
    ]
    overdue = [OVERDUE_COLUMNS] + [
        [o.case_number, o.item, o.task, o.department, o.owners, o.due_on, o.overdue_days]
        for o in figures.overdue
    ]
    story.append(table(overdue, [36 * mm, 62 * mm, 30 * mm, 52 * mm, 36 * mm, 24 * mm, 20 * mm]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title_of(figures),
        author=settings.CENTRE_NAME,
        creator="一窗通办",
        invariant=1,
    ).build(story)
    return buffer.getvalue()
