"""``onewindow rebuild_review_tallies [--check]``: recompute the 好差评 daily tallies from the
cases, reviews and rectifications, or only compare them (after a restore or a manual fix)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.evaluation import tallies


class Command(BaseCommand):
    help = "按办件、评价和整改记录重算好差评日汇总（--check 只核对、不改写）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只核对日汇总是否与明细一致")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["check"]:
            expected, actual = tallies.compute(), tallies.stored()
            wrong = {k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)}
            if wrong:
                raise CommandError(f"好差评日汇总有 {len(wrong)} 行与明细不一致，请重算")
            self.stdout.write(f"好差评日汇总与明细一致（{len(expected)} 行）")
            return
        rows = tallies.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(f"好差评日汇总已重算：{rows} 行，用时 {seconds:.1f} 秒")
