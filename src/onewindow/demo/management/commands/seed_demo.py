"""``onewindow seed_demo [--people N] [--companies N] [--cases N] [--seed N] [--show-accounts]``:
generate the demo accounts, registry, certificates and case history (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.demo import seed as demo


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "生成演示数据：演示账号、自然人和法人、电子证照、容缺材料和历史办件（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=_count, default=demo.DEFAULT_PEOPLE, help="自然人数量（默认 300）"
        )
        parser.add_argument(
            "--companies", type=_count, default=demo.DEFAULT_COMPANIES, help="企业数量（默认 100）"
        )
        parser.add_argument(
            "--cases", type=_count, default=demo.DEFAULT_CASES, help="历史办件数量（默认 300）"
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子（相同种子生成相同数据）"
        )
        parser.add_argument(
            "--show-accounts", action="store_true", help="只列出演示账号，不生成数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show_accounts"]:
            self.show_accounts()
            return
        try:
            summary = demo.seed(
                people=options["people"],
                companies=options["companies"],
                cases=options["cases"],
                seed=options["seed"],
            )
        except demo.DemoModeRequired as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(f"演示数据（基准日 {summary.anchor:%Y-%m-%d}，用时 {summary.seconds:.1f} 秒）：")
        out.write(
            f"  新增：账号 {summary.accounts_created}，自然人 {summary.people_created}，"
            f"法人 {summary.organisations_created}，电子证照 {summary.certificates_created}，"
            f"关联关系 {summary.relations_created}，历史办件 {summary.cases_created}，"
            f"评价 {summary.reviews_created}（差评整改 {summary.rectification_steps} 步）"
        )
        if summary.cases_existing or summary.cases_skipped:
            out.write(
                f"  历史办件：已存在 {summary.cases_existing} 件，跳过 {summary.cases_skipped} 件"
            )
        out.write("  现有：" + "，".join(f"{k} {v}" for k, v in summary.totals.items()))
        if summary.non_key:
            out.write("  容缺受理演示（以下材料设为非关键材料）：")
            for m in summary.non_key:
                out.write(
                    f"    {m.item_code} {m.item_name}：{m.material_name}（{m.material_code}）"
                )
        if not summary.changed:
            out.write("  数据已是最新，本次没有新增。")

    def show_accounts(self) -> None:
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        rows = demo.accounts_table()
        width = max((len(name) for name, _ in rows), default=0)
        for name, description in rows:
            self.stdout.write(f"  {name.ljust(width)}  {description}")
        self.stdout.write("  部门代码：" + " ".join(demo.department_codes()))
