"""``onewindow load_catalog [--dir DIR]``: import the reference catalog (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onewindow.catalog import services


class Command(BaseCommand):
    help = "导入事项目录（部门、证照类型、事项、一件事套餐、区级差异），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=services.DATA_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.load_catalog(directory=options["dir"])
        self.stdout.write("事项目录已导入：" + "，".join(f"{k} {v}" for k, v in counts.items()))
