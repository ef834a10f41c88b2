"""Workflow benchmark: the department inbox, the case page and one full escalation sweep on a
PostgreSQL database holding (at ``--scale 1``) one million historical cases and 100,000 open
tasks.

The script creates a fresh database on the server, migrates it, loads the catalog, and
bulk-loads synthetic cases straight into the tables (historical cases completed with every task
approved; open cases in review with their first-stage tasks open and due dates spread around
today, so that the sweep finds due-soon and overdue work in every department). It then runs
the API in-process through Django's test client with a bearer token — the whole request stack,
no network — and reports:

* ``GET /api/v1/inbox`` p50/p95/p99 for approvers of the busiest and of random departments,
  first and later pages (target: p95 < 50 ms);
* ``GET /api/v1/cases/{number}`` p50/p95/p99 for open and historical cases;
* the time of one full SLA sweep (escalation rows, ledger entries, digests) and of a second,
  idempotent sweep (target: < 30 s).

Synthetic rows carry no ledger entries of their own (the ledger is exercised by the sweep).
Results: a table on stdout and ``bench/results/workflow-<timestamp>.json``.

Run: ``.venv/bin/python bench/workflow.py [--scale 0.05] [--samples 200] [--keep]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _pg

FULL_HISTORICAL: Final = 1_000_000
FULL_OPEN_TASKS: Final = 100_000
BATCH: Final = 5_000
TARGET_INBOX_P95_MS: Final = 50.0
TARGET_SWEEP_S: Final = 30.0


class BenchError(RuntimeError):
    """The benchmark could not be set up; the message says why."""


@dataclass
class Latency:
    samples: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(s * 1000.0 for s in seconds)

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p * len(ms)))], 2)

        return cls(len(ms), pct(0.50), pct(0.95), pct(0.99), round(ms[-1], 2))


@dataclass
class Result:
    scale: float
    historical_cases: int
    open_tasks: int
    load_seconds: float
    inbox_busiest: Latency | None = None
    inbox_random: Latency | None = None
    case_page_open: Latency | None = None
    case_page_historical: Latency | None = None
    busiest_department_open_tasks: int = 0
    sweep_seconds: float = 0.0
    sweep_escalations: dict[str, int] = field(default_factory=dict)
    second_sweep_seconds: float = 0.0
    machine: dict[str, Any] = field(default_factory=dict)
    verdict: dict[str, bool] = field(default_factory=dict)


# --------------------------------------------------------------------------- synthetic data


def batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_data(historical: int, open_tasks: int, seed: int, progress: Callable[[str], None]) -> None:
    """Bulk-load ``historical`` completed cases and enough open cases for ``open_tasks``."""
    from onewindow.catalog.models import ItemVersion
    from onewindow.catalog.stages import build_stages
    from onewindow.core import calendar, clock
    from onewindow.workflow.models import Case, CaseTask

    rng = random.Random(seed)
    today = clock.today()
    versions = []
    for v in (
        ItemVersion.objects.filter(is_current=True)
        .select_related("item", "department")
        .prefetch_related("steps__department")
    ):
        stages = build_stages([s for s in v.steps.all() if s.kind == "review"])
        if stages:
            versions.append((v, stages))
    if not versions:
        raise BenchError("目录中没有含审查环节的事项 / no item with review steps")
    # Working days are looked up by bisect; build a small memo for the due dates we need.
    memo: dict[tuple[dt.date, int], dt.date] = {}

    def add(day: dt.date, days: int) -> dt.date:
        key = (day, days)
        if key not in memo:
            memo[key] = calendar.add_working_days(day, days)
        return memo[key]

    counter = iter(range(1, 10**9))

    def new_case(accepted: dt.datetime, version: Any, status: str) -> Case:
        day = accepted.date()
        n = next(counter)
        return Case(
            id=uuid.uuid4(),
            number=f"B{day:%Y%m%d}{n:09d}",
            region_code="999900",
            item_id=version.item_id,
            item_version_id=version.pk,
            applicant_kind="person",
            applicant_name="压测申请人",
            applicant_code=f"9999011990{n % 10**8:08d}",
            channel="window",
            window_code="B01",
            accepted_at=accepted,
            promised_due_on=add(day, version.promised_days),
            legal_due_on=add(day, version.legal_days),
            status=status,
        )

    started = time.monotonic()
    two_years = 730

    def historical_rows() -> Iterator[tuple[Case, list[CaseTask]]]:
        for _ in range(historical):
            version, stages = rng.choice(versions)
            accepted = dt.datetime.combine(
                today - dt.timedelta(days=rng.randint(30, two_years)),
                dt.time(rng.randint(9, 16), rng.randint(0, 59)),
                tzinfo=clock.LOCAL_TZ,
            )
            case = new_case(accepted, version, "completed")
            tasks = []
            opened = accepted.date()
            for stage in stages:
                for step in stage.steps:
                    due = add(opened, step.days)
                    tasks.append(
                        CaseTask(
                            case=case,
                            stage=stage.order,
                            position=step.position,
                            name=step.name,
                            department_id=step.department_id,
                            days=step.days,
                            status="approved",
                            opened_on=opened,
                            due_on=due,
                            decided_at=accepted,
                            case_accepted_at=accepted,
                        )
                    )
                opened = add(opened, stage.days)
            done = dt.datetime.combine(opened, dt.time(15), tzinfo=clock.LOCAL_TZ)
            case.decided_at = case.completed_at = done
            yield case, tasks

    def open_rows() -> Iterator[tuple[Case, list[CaseTask]]]:
        made = 0
        while made < open_tasks:
            version, stages = rng.choice(versions)
            accepted = dt.datetime.combine(
                today - dt.timedelta(days=rng.randint(0, 25)),
                dt.time(rng.randint(9, 16), rng.randint(0, 59)),
                tzinfo=clock.LOCAL_TZ,
            )
            case = new_case(accepted, version, "in_review")
            tasks = []
            for stage in stages:
                for step in stage.steps:
                    first = stage.order == 1
                    # Due dates spread from 10 working days ago to 15 ahead.
                    tasks.append(
                        CaseTask(
                            case=case,
                            stage=stage.order,
                            position=step.position,
                            name=step.name,
                            department_id=step.department_id,
                            days=step.days,
                            status="open" if first else "waiting",
                            opened_on=accepted.date() if first else None,
                            due_on=today + dt.timedelta(days=rng.randint(-14, 21))
                            if first
                            else None,
                            case_accepted_at=accepted,
                        )
                    )
                    made += int(first)
            yield case, tasks

    total = 0
    for label, rows in (("historical", historical_rows()), ("open", open_rows())):
        for chunk in batched(rows, BATCH):
            Case.objects.bulk_create([c for c, _ in chunk], batch_size=BATCH)
            CaseTask.objects.bulk_create([t for _, ts in chunk for t in ts], batch_size=BATCH)
            total += len(chunk)
            if total % (BATCH * 20) == 0:
                progress(f"  {label}: {total:,} cases loaded ({time.monotonic() - started:.0f} s)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- measurements


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(result: Result, samples: int, seed: int) -> None:
    from django.db.models import Count
    from django.test import Client

    from onewindow.accounts.models import Department
    from onewindow.accounts.tests.factories import make_user, token_for
    from onewindow.workflow import services
    from onewindow.workflow.models import Case, CaseTask

    rng = random.Random(seed)
    per_department = list(
        CaseTask.objects.filter(status="open")
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    busiest_id, busiest_n = per_department[0]
    result.busiest_department_open_tasks = int(busiest_n)
    codes = dict(Department.objects.values_list("pk", "code"))

    def client_for(department_id: int) -> Client:
        code = codes[department_id]
        user = make_user(f"bench-{code}-{uuid.uuid4().hex[:6]}", "approver", department=code)
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    def run(client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} → {response.status_code}: {response.content[:200]!r}")

    busiest = client_for(busiest_id)
    run(busiest, "/api/v1/inbox")  # warm caches (token, calendar, catalog)
    pages = max(1, busiest_n // 20)
    result.inbox_busiest = Latency.of(
        [
            timed(
                lambda: run(
                    busiest, f"/api/v1/inbox?page={rng.choice([1, 1, 2, rng.randint(1, pages)])}"
                )
            )
            for _ in range(samples)
        ]
    )
    clients = {d: client_for(d) for d, _ in rng.sample(per_department, min(8, len(per_department)))}
    for c in clients.values():
        run(c, "/api/v1/inbox")
    result.inbox_random = Latency.of(
        [
            timed(lambda: run(rng.choice(list(clients.values())), "/api/v1/inbox"))
            for _ in range(samples)
        ]
    )
    clerk = make_user(f"bench-clerk-{uuid.uuid4().hex[:6]}", "clerk", department="ZW")
    window = Client(headers={"Authorization": f"Bearer {token_for(clerk)}"})
    open_numbers = list(
        Case.objects.filter(status="in_review")
        .order_by("?")
        .values_list("number", flat=True)[:samples]
    )
    old_numbers = list(
        Case.objects.filter(status="completed")
        .order_by("?")
        .values_list("number", flat=True)[:samples]
    )

    def case_page(number: str) -> float:
        return timed(lambda: run(window, f"/api/v1/cases/{number}"))

    case_page(open_numbers[0])
    result.case_page_open = Latency.of([case_page(n) for n in open_numbers])
    if old_numbers:
        result.case_page_historical = Latency.of([case_page(n) for n in old_numbers])
    started = time.perf_counter()
    sweep = services.sweep_escalations()
    result.sweep_seconds = round(time.perf_counter() - started, 2)
    result.sweep_escalations = {
        "scanned": sweep.scanned,
        "reminders": sweep.reminders,
        "overdue": sweep.overdue,
        "supervision": sweep.supervision,
    }
    result.second_sweep_seconds = round(timed(services.sweep_escalations), 2)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1M cases + 100k open tasks")
    parser.add_argument("--samples", type=int, default=200, help="requests per latency figure")
    parser.add_argument("--pg-url", default=_pg.DEFAULT_PG_SERVER, help="a PostgreSQL server URL")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--json", type=Path, default=None, help="where to save the JSON")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale 必须大于 0")
    historical = max(1, int(FULL_HISTORICAL * args.scale))
    open_tasks = max(20, int(FULL_OPEN_TASKS * args.scale))
    name = f"onewindow_bench_wf_{os.getpid()}"
    print(f"工作流压测：{historical:,} 件历史办件、{open_tasks:,} 个在办环节 → {name}")
    url = _pg.create_database(args.pg_url, name)
    try:
        with tempfile.TemporaryDirectory(prefix="onewindow-bench-") as home:
            _pg.setup_django(url, home)
            from django.core.management import call_command

            from onewindow.catalog import services as catalog

            call_command("migrate", verbosity=0)
            catalog.load_catalog()
            started = time.monotonic()
            load_data(historical, open_tasks, args.seed, print)
            result = Result(
                scale=args.scale,
                historical_cases=historical,
                open_tasks=open_tasks,
                load_seconds=round(time.monotonic() - started, 1),
            )
            print(f"数据装载 {result.load_seconds} s；开始测量")
            measure(result, args.samples, args.seed)
    finally:
        if not args.keep:
            _pg.drop_database(args.pg_url, name)
    assert result.inbox_busiest is not None and result.inbox_random is not None
    result.machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    result.verdict = {
        "inbox_p95_under_50ms": max(result.inbox_busiest.p95_ms, result.inbox_random.p95_ms)
        < TARGET_INBOX_P95_MS,
        "sweep_under_30s": result.sweep_seconds < TARGET_SWEEP_S,
    }
    report(result)
    _pg.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = args.json or _pg.RESULTS_DIR / f"workflow-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果已保存：{path}")
    return 0 if all(result.verdict.values()) else 1


def report(r: Result) -> None:
    def line(label: str, lat: Latency | None) -> None:
        if lat is None:
            return
        print(
            f"  {label:<28} p50 {lat.p50_ms:8.2f}  p95 {lat.p95_ms:8.2f}  "
            f"p99 {lat.p99_ms:8.2f}  max {lat.max_ms:8.2f} ms  (n={lat.samples})"
        )

    print(f"\n规模 scale={r.scale}: {r.historical_cases:,} 历史办件, {r.open_tasks:,} 在办环节")
    print(f"  最忙部门在办环节 {r.busiest_department_open_tasks:,}")
    line("inbox (busiest department)", r.inbox_busiest)
    line("inbox (random departments)", r.inbox_random)
    line("case page (open)", r.case_page_open)
    line("case page (historical)", r.case_page_historical)
    print(
        f"  SLA sweep {r.sweep_seconds:.2f} s {r.sweep_escalations}; "
        f"again {r.second_sweep_seconds:.2f} s"
    )
    for name, ok in r.verdict.items():
        print(f"  {'PASS' if ok else 'FAIL'} {name}")


if __name__ == "__main__":
    sys.exit(main())
