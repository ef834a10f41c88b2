"""``onewindow load_lexicon``: bring the curated guidance lexicon up to date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onewindow.guidance import services


class Command(BaseCommand):
    help = "导入内置的智能导办词条（幂等；不改动管理员维护的词条）"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.load_curated_lexicon()
        self.stdout.write(
            f"导办词条：新增 {counts['created']}，更新 {counts['updated']}，"
            f"移除 {counts['removed']}，内置共 {counts['total']} 条"
        )
