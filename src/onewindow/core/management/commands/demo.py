"""``onewindow demo [--host 127.0.0.1] [--port 8000] [--no-worker] [--no-scheduler]``.

One command for a demonstration on SQLite: migrate, import the catalog, seed demo data the
first time, then run the task worker and the scheduler as child processes and the web server in
the foreground. Stopping the demo (Ctrl-C or SIGTERM) stops the children too.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.config.env import env_int

# How long a child may take to shut down cleanly before it is killed.
STOP_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "一键演示：迁移数据库、导入事项目录、首次生成演示数据，启动 Web 服务、任务执行器和定时调度"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument(
            "--port",
            type=int,
            default=env_int("PORT", 8000),
            help="监听端口（默认取环境变量 PORT，未设置时为 8000）",
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务执行器")
        parser.add_argument("--no-scheduler", action="store_true", help="不启动定时任务调度")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "onewindow demo 仅用于演示模式（开发设置 onewindow.config.settings.dev）"
            )
        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        # Fail before touching the database when the server could not start anyway.
        ensure_port_free(host, port)

        self.stdout.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("load_catalog", stdout=self.stdout)
        if get_user_model().objects.filter(username="clerk").exists():
            self.stdout.write("演示数据已存在，跳过生成。")
        else:
            self.stdout.write("首次运行，正在生成演示数据……")
            call_command("seed_demo", stdout=self.stdout)

        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        previous_handler = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            if not options["no_worker"]:
                # --no-reload: the worker's autoreloader would fork a grandchild we cannot stop.
                children.append(
                    ("任务执行器", self.spawn(["db_worker", "--no-reload", "--queue-name", "*"]))
                )
            if not options["no_scheduler"]:
                children.append(("定时调度", self.spawn(["scheduler"])))
            url = f"http://{_url_host(host)}:{port}/"
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"一窗通办演示已启动：{url}"))
            self.stdout.write(f"管理后台：{url}admin/    接口文档：{url}api/v1/docs")
            call_command("seed_demo", show_accounts=True, stdout=self.stdout)
            self.stdout.write("按 Ctrl-C 停止。\n")
            server = self.spawn(["runserver", f"{_addr_host(host)}:{port}", "--noreload"])
            children.append(("Web 服务", server))
            code = self.wait(server, children)
        except KeyboardInterrupt:
            code = 0
        finally:
            stop_children(children)
            signal.signal(signal.SIGTERM, previous_handler)
        self.stdout.write("演示已停止。")
        if code:
            raise CommandError(f"Web 服务异常退出（退出码 {code}）")

    def spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Start ``onewindow <command>`` as a child with this process's environment and settings.

        The child inherits the environment (ONEWINDOW_HOME, DATABASE_URL …); ``--settings`` is
        passed as well, in case this process was started with ``--settings`` instead.
        """
        argv = [
            sys.executable,
            "-m",
            "onewindow",
            *command,
            f"--settings={settings.SETTINGS_MODULE}",
        ]
        return subprocess.Popen(argv)

    def wait(
        self, server: subprocess.Popen[bytes], children: list[tuple[str, subprocess.Popen[bytes]]]
    ) -> int:
        """Wait for the web server to end; report helpers that stop on their own."""
        reported: set[str] = set()
        while (code := server.poll()) is None:
            for label, child in children:
                if child is not server and label not in reported and child.poll() is not None:
                    reported.add(label)
                    self.stderr.write(
                        f"{label}已退出（退出码 {child.returncode}），Web 服务继续运行。"
                    )
            time.sleep(POLL_SECONDS)
        return code


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into an exception so that the ``finally`` block stops the children.
    raise SystemExit(0)


def stop_children(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    """Terminate the children (last started first), killing any that do not stop in time."""
    running = [child for _, child in reversed(children) if child.poll() is None]
    for child in running:
        child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in running:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def ensure_port_free(host: str, port: int) -> None:
    """Raise CommandError when ``host:port`` cannot be listened on (in use, no permission)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        # create_server sets SO_REUSEADDR like the development server, so a port in TIME_WAIT
        # after a previous run is not mistaken for one in use.
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        raise CommandError(
            f"无法监听 {host}:{port}（{exc.strerror or exc}），请换一个端口（--port）"
        ) from exc


def _addr_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _url_host(host: str) -> str:
    if host in {"0.0.0.0", "::"}:
        return "127.0.0.1"
    return _addr_host(host)
