"""The file connector: certificates from a department's CSV or Excel export (批量导入).

One row per certificate. Fixed columns: ``holder_code``, ``holder_code_type`` (111/001),
``holder_name``, ``number``, ``valid_from``, ``valid_to``; every other column is a face field of
the certificate type (``姓名``, ``住址`` …). Each row is validated like a push and stored in its
own transaction, so one bad row never loses the good ones; every problem is reported by row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core.errors import DomainError
from onewindow.datahub import services

FIXED = ("holder_code", "holder_code_type", "holder_name", "number", "valid_from", "valid_to")


@dataclass
class ImportReport:
    stored: int = 0
    problems: list[str] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a .csv (UTF-8, with or without BOM) or .xlsx file as dicts by header."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        if sheet is None:
            return
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        for values in rows:
            if any(v not in (None, "") for v in values):
                yield dict(zip(header, values, strict=False))
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def import_certificates(
    *, path: Path, type_code: str, issuer: str, actor: User, dry_run: bool = False
) -> ImportReport:
    """Validate every row and store the valid ones (nothing is stored with ``dry_run``)."""
    report = ImportReport()
    for line, row in enumerate(read_rows(path), start=2):
        try:
            data = services.CertificateInput(
                type=type_code,
                holder=services.Holder(
                    str(row.get("holder_code") or "").strip(),
                    str(row.get("holder_code_type") or "111").strip(),
                    str(row.get("holder_name") or "").strip(),
                ),
                number=str(row.get("number") or "").strip(),
                issuer=issuer,
                valid_from=_date(row.get("valid_from")),
                valid_to=_date(row.get("valid_to")),
                fields={
                    k: v for k, v in row.items() if k and k not in FIXED and v not in (None, "")
                },
            )
        except ValueError:
            report.problems.append(f"第 {line} 行：日期格式应为 YYYY-MM-DD")
            continue
        try:
            with transaction.atomic():
                services.push_certificate(data=data, actor=actor)
                if dry_run:
                    transaction.set_rollback(True)
            report.stored += 1
        except DomainError as exc:
            detail = "；".join(f"{k}：{v}" for k, v in exc.fields.items()) or exc.message
            report.problems.append(f"第 {line} 行：{detail}")
    return report
