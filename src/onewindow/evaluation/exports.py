"""The department scorecard as an Excel workbook (openpyxl) and an A4 PDF (reportlab with its
built-in CID font, so no font file is needed on the server)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onewindow.core.pdf import cjk_font
from onewindow.evaluation.scorecard import ScorecardRow, Weights

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
COLUMNS = [
    "部门代码",
    "部门",
    "评价数",
    "评价得分",
    "整改单",
    "整改得分",
    "协同积分",
    "积分得分",
    "综合得分",
]


def _value(score: float | None) -> Any:
    return "—" if score is None else score


def row_values(r: ScorecardRow) -> list[Any]:
    return [
        r.department_code,
        r.department_name,
        r.reviews,
        _value(r.review_score),
        r.rectifications,
        _value(r.rectification_score),
        r.points,
        _value(r.points_score),
        _value(r.total),
    ]


def title_of(month: str) -> str:
    return f"{settings.CENTRE_NAME} 部门好差评考核 {month}"


def weights_line(weights: Weights) -> str:
    return (
        f"权重：评价指标 {weights.review}%，整改绩效 {weights.rectification}%，"
        f"协同积分 {weights.points}%（缺项按其余权重折算）"
    )


def render_xlsx(month: str, weights: Weights, rows: list[ScorecardRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "部门考核"
    sheet.append([title_of(month)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([weights_line(weights)])
    sheet.append(COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(row_values(r))
    sheet.column_dimensions["B"].width = 32
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_pdf(month: str, weights: Weights, rows: list[ScorecardRow]) -> bytes:
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    data = [[Paragraph(escape(str(v)), cell) for v in line] for line in [COLUMNS]]
    data += [[Paragraph(escape(str(v)), cell) for v in row_values(r)] for r in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f2")),
            ]
        )
    )
    story: list[Any] = [
        Paragraph(escape(title_of(month)), title),
        Paragraph(escape(weights_line(weights)), cell),
        Spacer(1, 12),
        table,
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title_of(month)).build(story)
    return buffer.getvalue()
