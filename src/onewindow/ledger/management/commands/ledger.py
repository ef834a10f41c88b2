"""``onewindow ledger <action>``: verify the log, sign or publish checkpoints, run a
department's witness round, manage the log's keys and register witnesses.

    onewindow ledger verify                       re-derive everything; non-zero on a mismatch
    onewindow ledger checkpoint [--publish]       print (and keep) the signed checkpoint
    onewindow ledger witness --department GAHZ    one witness round (see ledger.witness)
    onewindow ledger keys list|rotate|retire      the log's signing keys (ledger.keys)
    onewindow ledger register-witness --department GAHZ --vkey <vkey>
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.errors import DomainError
from onewindow.ledger import hashing, keys, selectors, services
from onewindow.ledger.notes import NoteError
from onewindow.ledger.verify import verify_log
from onewindow.ledger.witness import (
    HttpLogClient,
    WitnessError,
    load_or_create_key,
    witness_once,
)

# Exit status of a witness round that refused to cosign (fork or shrink reported).
EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "留痕账本：核验、检查点、部门见证、签名密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="重算全部叶哈希与子树哈希并核验已签名检查点")
        verify.add_argument("--quiet", action="store_true", help="只输出结论")

        checkpoint = actions.add_parser("checkpoint", help="输出当前签名检查点")
        checkpoint.add_argument(
            "--publish", action="store_true", help="同时发布（供各部门见证副署）"
        )

        witness = actions.add_parser("witness", help="以部门见证方身份核验并副署最新检查点")
        witness.add_argument("--department", required=True, help="部门代码，如 GAHZ")
        witness.add_argument(
            "--url", default="", help="平台地址（默认 ONEWINDOW_PUBLIC_URL 的设置）"
        )
        witness.add_argument(
            "--username",
            default="",
            help="部门业务系统账号（默认 system-<部门代码>；或用 ONEWINDOW_LEDGER_WITNESS_TOKEN）",
        )
        witness.add_argument("--state-dir", default="", help="见证状态目录")
        witness.add_argument("--name", default="", help="见证密钥名称（首次生成时使用）")
        witness.add_argument(
            "--log-key", action="append", default=[], help="信任的日志验证公钥（可多次指定）"
        )
        witness.add_argument(
            "--register",
            action="store_true",
            help="与平台同机部署时直接在本库登记见证公钥（演示用）",
        )
        witness.add_argument("--show-key", action="store_true", help="只显示见证公钥后退出")

        key_actions = actions.add_parser("keys", help="账本签名密钥").add_subparsers(
            dest="key_action", required=True, metavar="KEY_ACTION"
        )
        key_actions.add_parser("list", help="列出日志验证公钥")
        rotate = key_actions.add_parser("rotate", help="生成新的签名密钥（旧密钥继续签名）")
        rotate.add_argument("--kind", choices=keys.KINDS, default="ed25519")
        retire = key_actions.add_parser("retire", help="停用签名密钥（公钥仍然公布）")
        retire.add_argument("key_id", help="8 位十六进制密钥编号")

        register = actions.add_parser("register-witness", help="登记部门见证公钥")
        register.add_argument("--department", required=True)
        register.add_argument("--vkey", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "verify":
                self._verify(quiet=options["quiet"])
            elif action == "checkpoint":
                self._checkpoint(publish=options["publish"])
            elif action == "witness":
                self._witness(options)
            elif action == "keys":
                self._keys(options)
            elif action == "register-witness":
                witness = services.register_witness(
                    department_code=options["department"], vkey=options["vkey"], actor="system"
                )
                self.stdout.write(f"已登记 {witness.department_code} 的见证公钥 {witness.vkey}")
        except DomainError as exc:
            detail = "".join(f"；{v}" for v in exc.fields.values())
            raise CommandError(exc.message + detail) from exc

    # --- verify -------------------------------------------------------------------------------

    def _verify(self, *, quiet: bool) -> None:
        report = verify_log(progress=None if quiet else lambda m: self.stdout.write(m))
        summary = (
            f"{report.entries} 条记录、{report.nodes} 个子树哈希、{report.checkpoints} 个检查点、"
            f"{report.cosignatures} 个副署（{report.hash_algorithm}，用时 {report.seconds:.1f} 秒）"
        )
        if report.times_not_increasing and not quiet:
            self.stdout.write(
                f"提示：有 {report.times_not_increasing} 条记录的时间早于前一条"
                "（补录的历史记录属正常情况）"
            )
        first = report.first
        if first is None:
            self.stdout.write(self.style.SUCCESS(f"账本核验通过：{summary}"))
            return
        for problem in report.problems:
            self.stderr.write(f"[{problem.kind}] {problem.message}")
        raise CommandError(f"账本核验失败：{first.message}（已核验 {summary}）")

    # --- checkpoints --------------------------------------------------------------------------

    def _checkpoint(self, *, publish: bool) -> None:
        if publish:
            checkpoint, created = services.publish_checkpoint()
            if checkpoint is None:
                self.stderr.write("账本为空，未发布检查点")
                return
            self.stdout.write(selectors.published_note(checkpoint), ending="")
            self.stderr.write(
                f"{'已发布' if created else '该条目数已发布过'}第 {checkpoint.size} 条处的检查点"
            )
            return
        self.stdout.write(selectors.get_signed_checkpoint(), ending="")

    # --- witness ------------------------------------------------------------------------------

    def _witness(self, options: dict[str, Any]) -> None:
        department = str(options["department"]).strip().upper()
        config = settings.LEDGER
        base_url = options["url"] or str(settings.PUBLIC_BASE_URL)
        state_dir = Path(options["state_dir"] or Path(config["WITNESS_DIR"]) / department)
        host = urlsplit(base_url).netloc or "localhost"
        name = options["name"] or f"{host}/witness/{department}"
        try:
            signer = load_or_create_key(state_dir, name, str(config.get("WITNESS_KEY") or ""))
        except NoteError as exc:
            raise CommandError(f"见证密钥无效：{exc}") from exc
        vkey = signer.verifier().vkey
        if options["show_key"]:
            self.stdout.write(vkey)
            return
        if options["register"]:
            services.register_witness(department_code=department, vkey=vkey, actor="system")
        client = self._client(base_url, department, options["username"])
        try:
            outcome = witness_once(
                client=client,
                signer=signer,
                state_dir=state_dir,
                hasher=hashing.configured(),
                pinned_log_keys=list(options["log_key"]),
            )
        except WitnessError as exc:
            message = str(exc)
            if "ledger.not_a_witness" in message or "尚未登记" in message:
                message += (
                    "\n请中心登记本部门见证公钥：onewindow ledger register-witness "
                    f"--department {department} --vkey {vkey}"
                )
            raise CommandError(f"见证失败：{message}") from exc
        for trusted in outcome.trusted_on_first_use:
            self.stderr.write(
                f"首次运行，已信任日志验证公钥 {trusted}（建议核对后用 --log-key 固定）"
            )
        if outcome.status == "cosigned":
            self.stdout.write(self.style.SUCCESS(outcome.message))
            return
        self.stderr.write(self.style.ERROR(outcome.message))
        sys.exit(EXIT_REFUSED)

    def _client(self, base_url: str, department: str, username: str) -> HttpLogClient:
        config = settings.LEDGER
        token = str(config.get("WITNESS_TOKEN") or "")
        if token:
            return HttpLogClient(base_url, token)
        password = str(config.get("WITNESS_PASSWORD") or "")
        if not password and sys.stdin.isatty():
            password = getpass.getpass("部门业务系统账号密码：")
        if not password:
            raise CommandError(
                "缺少凭据：设置 ONEWINDOW_LEDGER_WITNESS_TOKEN（或 _FILE），"
                "或 ONEWINDOW_LEDGER_WITNESS_PASSWORD 与 --username"
            )
        try:
            return HttpLogClient.with_password(
                base_url, username or f"system-{department}", password
            )
        except WitnessError as exc:
            raise CommandError(f"登录失败：{exc}") from exc

    # --- keys ---------------------------------------------------------------------------------

    def _keys(self, options: dict[str, Any]) -> None:
        action = options["key_action"]
        if action == "list":
            for info in keys.list_keys():
                state = "签名中" if info.is_active else "已停用"
                self.stdout.write(f"{state}\t{info.vkey}")
        elif action == "rotate":
            signer = keys.rotate(options["kind"])
            self.stdout.write(f"新签名密钥：{signer.verifier().vkey}")
            self.stdout.write(
                "旧密钥继续签名；各方更新验证公钥后，用 keys retire <编号> 停用旧密钥。"
            )
        elif action == "retire":
            try:
                vkey = keys.retire(options["key_id"])
            except (ValueError, NoteError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"已停用签名（验证公钥仍公布）：{vkey}")
