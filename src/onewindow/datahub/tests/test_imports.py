"""Batch import of certificates from CSV and Excel: good rows stored, bad rows reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from onewindow.accounts.models import User
from onewindow.datahub import imports
from onewindow.datahub.models import Certificate

pytestmark = pytest.mark.django_db

HEADER = ["holder_code", "holder_code_type", "holder_name", "number", "valid_from", "valid_to",
          "姓名", "出生日期"]  # fmt: skip
GOOD = ["999903198807150010", "111", "李四", "A-1", "2020-01-01", "2040-01-01", "李四",
        "1988-07-15"]  # fmt: skip
BAD = ["999903198807150011", "111", "", "A-2", "2020-01-01", "2019-01-01", "王五", "1988-13-01"]


def test_csv_import_keeps_good_rows_and_reports_bad_ones(
    tmp_path: Path, centre_admin: User
) -> None:
    path = tmp_path / "sfz.csv"
    lines = [",".join(HEADER), ",".join(GOOD), ",".join(BAD), ",".join([*GOOD[:3], "A-3", "x"])]
    path.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    report = imports.import_certificates(
        path=path, type_code="EC-SFZ", issuer="GAHZ", actor=centre_admin
    )
    assert report.stored == 1
    assert len(report.problems) == 2
    assert report.problems[0].startswith("第 3 行")
    assert "holder.code" in report.problems[0] and "valid_to" in report.problems[0]
    assert "日期格式" in report.problems[1]
    assert Certificate.objects.filter(number="A-1").exists()


def test_xlsx_import_and_dry_run(tmp_path: Path, centre_admin: User) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(GOOD)
    path = tmp_path / "sfz.xlsx"
    book.save(path)
    dry = imports.import_certificates(
        path=path, type_code="EC-SFZ", issuer="GAHZ", actor=centre_admin, dry_run=True
    )
    assert dry.stored == 1 and not Certificate.objects.filter(number="A-1").exists()
    real = imports.import_certificates(
        path=path, type_code="EC-SFZ", issuer="GAHZ", actor=centre_admin
    )
    assert real.stored == 1 and Certificate.objects.filter(number="A-1").exists()
