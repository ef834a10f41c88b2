"""``onewindow scheduler [--once] [--interval 60]``: enqueue periodic jobs once per period."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from onewindow.core import clock, scheduler


class Command(BaseCommand):
    help = "定时任务调度：按周期（分钟/小时/天/周/月）把已登记的任务各入队一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="两轮之间的间隔秒数（默认 60）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval: float = options["interval"]
        if interval <= 0:
            raise CommandError("--interval 必须大于 0")
        scheduler.autodiscover()
        if options["once"]:
            self._tick(reconnect=False)
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        names = "、".join(f"{j.name}（{j.period}）" for j in scheduler.jobs()) or "无"
        self.stdout.write(f"定时任务调度已启动，每 {interval:g} 秒一轮；已登记：{names}")
        while not stop.is_set():
            self._tick(reconnect=True)
            # Wake at the next multiple of the interval so that ticks fall early in each minute
            # rather than drifting across period boundaries.
            delay = interval - (clock.now().timestamp() % interval)
            stop.wait(delay)
        self.stdout.write("定时任务调度已停止")

    def _tick(self, *, reconnect: bool) -> None:
        # A long-lived loop must not keep a connection the database has since dropped; a single
        # tick (``--once``, possibly inside a caller's transaction) leaves connections alone.
        if reconnect:
            close_old_connections()
        try:
            enqueued = scheduler.tick()
        finally:
            if reconnect:
                close_old_connections()
        if enqueued:
            self.stdout.write(
                f"{clock.local(clock.now()):%Y-%m-%d %H:%M:%S} 已入队：" + "、".join(enqueued)
            )
