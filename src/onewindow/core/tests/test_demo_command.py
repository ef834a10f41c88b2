"""The periodic-job scheduler and the ``demo`` command that runs everything together."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import management
from django.core.management import call_command
from django.core.management.base import CommandError

from onewindow.core import clock, scheduler
from onewindow.core.management.commands import demo as demo_command
from onewindow.core.models import CalendarYear, Counter

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 24, 10, 15, tzinfo=clock.LOCAL_TZ)


class RecordingTask:
    """Stands in for a django-tasks task; counts ``enqueue()`` calls."""

    def __init__(self, *, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def enqueue(self) -> object:
        if self.fail:
            raise RuntimeError("队列不可用")
        self.calls += 1
        return None


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, scheduler.Job]:
    """An empty job registry for the test (the real one is restored afterwards)."""
    fresh: dict[str, scheduler.Job] = {}
    monkeypatch.setattr(scheduler, "_registry", fresh)
    return fresh


def _markers(name: str) -> list[str]:
    return list(
        Counter.objects.filter(key__startswith=f"sched:{name}:").values_list("key", flat=True)
    )


# --- scheduler ------------------------------------------------------------------------------


def test_tick_enqueues_a_job_once_per_period(registry: dict[str, scheduler.Job]) -> None:
    task = RecordingTask()
    scheduler.register("test.hourly", "hour", task)

    with clock.frozen(MOMENT):
        assert scheduler.tick() == ["test.hourly"]
        assert scheduler.tick() == []
    assert scheduler.tick(MOMENT + timedelta(minutes=40)) == []
    assert task.calls == 1

    assert scheduler.tick(MOMENT + timedelta(hours=1)) == ["test.hourly"]
    assert task.calls == 2


def test_only_the_latest_period_marker_is_kept(registry: dict[str, scheduler.Job]) -> None:
    scheduler.register("test.minutely", "minute", RecordingTask())

    for minutes in range(3):
        scheduler.tick(MOMENT + timedelta(minutes=minutes))

    assert _markers("test.minutely") == ["sched:test.minutely:2026-11-24T10:17"]


def test_a_failed_enqueue_leaves_the_period_for_the_next_tick(
    registry: dict[str, scheduler.Job],
) -> None:
    broken = RecordingTask(fail=True)
    healthy = RecordingTask()
    scheduler.register("test.broken", "day", broken)
    scheduler.register("test.healthy", "day", healthy)

    assert scheduler.tick(MOMENT) == ["test.healthy"]
    assert _markers("test.broken") == []

    broken.fail = False
    assert scheduler.tick(MOMENT + timedelta(minutes=1)) == ["test.broken"]
    assert (broken.calls, healthy.calls) == (1, 1)


@pytest.mark.parametrize(
    ("period", "moment", "key"),
    [
        ("minute", MOMENT, "2026-11-24T10:15"),
        ("hour", MOMENT, "2026-11-24T10"),
        ("day", MOMENT, "2026-11-24"),
        ("week", MOMENT, "2026-W48"),
        ("month", MOMENT, "2026-11"),
        # 17:30 UTC is already the next day in China Standard Time.
        ("day", datetime.fromisoformat("2026-11-24T17:30:00+00:00"), "2026-11-25"),
        # ISO weeks keep the days around New Year in one period.
        ("week", datetime(2027, 1, 1, 9, tzinfo=clock.LOCAL_TZ), "2026-W53"),
    ],
)
def test_period_keys_are_computed_in_china_standard_time(
    period: scheduler.Period, moment: datetime, key: str
) -> None:
    assert scheduler.period_key(period, moment) == key


def test_register_rejects_unknown_periods_and_unsafe_names(
    registry: dict[str, scheduler.Job],
) -> None:
    with pytest.raises(ValueError, match="周期"):
        scheduler.register("test.job", "fortnight", RecordingTask())  # type: ignore[arg-type]  # the wrong value is the point
    with pytest.raises(ValueError, match="名称"):
        scheduler.register("Test:Job", "day", RecordingTask())
    assert registry == {}


def test_calendar_refresh_is_a_daily_job_that_loads_this_and_next_year() -> None:
    scheduler.autodiscover()
    from onewindow.core import tasks

    jobs = {job.name: job for job in scheduler.jobs()}
    assert jobs["calendar.refresh"].period == "day"
    assert jobs["calendar.refresh"].task is tasks.refresh_calendar

    with clock.frozen(datetime(2031, 3, 2, 9, tzinfo=clock.LOCAL_TZ)):
        tasks.refresh_calendar.enqueue()

    assert set(
        CalendarYear.objects.filter(year__in=[2031, 2032]).values_list("year", flat=True)
    ) == {
        2031,
        2032,
    }


def test_scheduler_command_once_runs_a_single_tick(registry: dict[str, scheduler.Job]) -> None:
    task = RecordingTask()
    scheduler.register("test.command", "week", task)
    out = StringIO()

    call_command("scheduler", "--once", stdout=out)
    call_command("scheduler", "--once", stdout=out)

    assert task.calls == 1
    assert "test.command" in out.getvalue()


def test_scheduler_command_rejects_a_non_positive_interval() -> None:
    with pytest.raises(CommandError, match="interval"):
        call_command("scheduler", "--once", "--interval", "0")


# --- demo -----------------------------------------------------------------------------------


class FakeProcess:
    """A child process that ends on its own (the web server) or runs until terminated."""

    def __init__(self, argv: list[str], *, exits_with: int | None = None) -> None:
        self.argv = argv
        self.returncode = exits_with
        self.terminated = False

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -15

    def kill(self) -> None:
        self.returncode = -9

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode if self.returncode is not None else 0


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[FakeProcess]:
    """Children are recorded instead of started; the web server ends at once with ``0``."""
    started: list[FakeProcess] = []

    def spawn(self: demo_command.Command, command: list[str]) -> FakeProcess:
        process = FakeProcess(command, exits_with=0 if command[0] == "runserver" else None)
        started.append(process)
        return process

    monkeypatch.setattr(demo_command.Command, "spawn", spawn)
    return started


@pytest.fixture
def commands_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Management commands the demo calls, recorded; only the accounts table really runs."""
    calls: list[str] = []
    real = management.call_command

    def record(name: str, *args: Any, **options: Any) -> None:
        calls.append(name + (" --show-accounts" if options.get("show_accounts") else ""))
        if options.get("show_accounts"):
            real(name, *args, **options)

    monkeypatch.setattr(demo_command, "call_command", record)
    return calls


def test_demo_prepares_the_database_then_runs_worker_scheduler_and_server(
    monkeypatch: pytest.MonkeyPatch,
    free_port: int,
    launched: list[FakeProcess],
    commands_run: list[str],
) -> None:
    monkeypatch.setenv("PORT", str(free_port))
    out = StringIO()

    call_command("demo", stdout=out)

    assert commands_run == ["migrate", "load_catalog", "seed_demo", "seed_demo --show-accounts"]
    assert [p.argv for p in launched] == [
        ["db_worker", "--no-reload", "--queue-name", "*"],
        ["scheduler"],
        ["runserver", f"127.0.0.1:{free_port}", "--noreload"],
    ]
    assert launched[0].terminated and launched[1].terminated
    text = out.getvalue()
    assert f"http://127.0.0.1:{free_port}/" in text
    assert "演示账号" in text and "demo12345" in text


def test_demo_skips_the_seed_when_the_clerk_exists_and_honours_the_flags(
    free_port: int, launched: list[FakeProcess], commands_run: list[str]
) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create(username="clerk")

    call_command(
        "demo", "--port", str(free_port), "--no-worker", "--no-scheduler", stdout=StringIO()
    )

    assert commands_run == ["migrate", "load_catalog", "seed_demo --show-accounts"]
    assert [p.argv[0] for p in launched] == ["runserver"]


def test_demo_stops_its_children_when_interrupted(
    free_port: int,
    monkeypatch: pytest.MonkeyPatch,
    launched: list[FakeProcess],
    commands_run: list[str],
) -> None:
    def interrupted(self: demo_command.Command, server: Any, children: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_command.Command, "wait", interrupted)

    call_command("demo", "--port", str(free_port), stdout=StringIO())

    assert all(p.terminated for p in launched if p.argv[0] != "runserver")


def test_demo_reports_a_port_in_use_before_starting_anything(
    launched: list[FakeProcess], commands_run: list[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=str(port)):
            call_command("demo", "--port", str(port), stdout=StringIO())

    assert launched == [] and commands_run == []


def test_demo_reports_a_server_that_fails(
    free_port: int, monkeypatch: pytest.MonkeyPatch, commands_run: list[str]
) -> None:
    def spawn(self: demo_command.Command, command: list[str]) -> FakeProcess:
        return FakeProcess(command, exits_with=1 if command[0] == "runserver" else None)

    monkeypatch.setattr(demo_command.Command, "spawn", spawn)

    with pytest.raises(CommandError, match="退出码 1"):
        call_command("demo", "--port", str(free_port), stdout=StringIO())
