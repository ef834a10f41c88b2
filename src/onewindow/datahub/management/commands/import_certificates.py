"""``onewindow import_certificates FILE --type EC-SFZ --issuer GAHZ [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.datahub import imports


class Command(BaseCommand):
    help = "从部门导出的 CSV 或 Excel 文件批量导入电子证照（逐行校验，错误逐行报告）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--type", required=True, help="证照类型代码，如 EC-SFZ")
        parser.add_argument("--issuer", required=True, help="发证部门代码，如 GAHZ")
        parser.add_argument("--as-user", default="admin", help="记入账本的操作账号")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不入库")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"账号不存在：{options['as_user']}")
        report = imports.import_certificates(
            path=path,
            type_code=options["type"],
            issuer=options["issuer"],
            actor=user,
            dry_run=options["dry_run"],
        )
        verb = "校验通过" if options["dry_run"] else "已导入"
        self.stdout.write(f"{verb} {report.stored} 条，问题 {len(report.problems)} 条")
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
        if report.problems and report.stored == 0:
            raise CommandError("没有可导入的记录")
