"""好差评 benchmark: review indicators over many reviews and rating submissions per second, on
a fresh PostgreSQL database.

At ``--scale 1`` the script loads 2.5 million completed cases over two years with two reviews
each (5 million reviews; about one in ten bad, with its rectification; a few bad ones removed by
an upheld appeal), spread over the catalog's items (a few busy, most quiet) and two windows per
department, each with its clerk. Rows go straight into the tables with ``COPY`` — secondary
indexes dropped and rebuilt afterwards, foreign-key triggers off during the load — and the daily
tallies behind the indicators are then rebuilt from them (``tallies.rebuild``, timed). It then
reports:

* ``get_review_kpis`` for a centre-wide month, one department's month, and the default all-time
  scope (centre-wide and one department), p50/p95 over ``--samples`` runs (target: centre-wide
  month under 1 s);
* ``get_review_trend`` for the default 12 months (centre-wide) and by week for one department;
* the 好差评 dashboard page as a centre admin opens it (all time, with its trend) and its
  15-second refresh, p50/p95;
* rating submissions per second through ``services.rate_case`` (the whole service: token
  check, row lock, duplicate check, insert, ledger entry), one process.

Synthetic rows carry no ledger entries. ``--keep`` keeps the database and ``--reuse NAME``
measures an existing one again (migrating it first), so a change can be timed without
reloading. Results: stdout and ``bench/results/evaluation-<timestamp>.json``.

Run: ``.venv/bin/python bench/evaluation.py [--scale 0.01] [--samples 20] [--keep]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from psycopg import sql

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _pg

if TYPE_CHECKING:
    from django.db import models

FULL_CASES: Final = 2_500_000
BATCH: Final = 50_000
WINDOWS_PER_DEPARTMENT: Final = 2
TARGET_CENTRE_MONTH_S: Final = 1.0
TABLES: Final = ("workflow_case", "evaluation_review", "evaluation_rectification")


class Copier:
    """``COPY`` rows into a model's table: the ``given`` columns in that order, then every other
    column with its default (so a column added later needs no change here)."""

    def __init__(self, model: type[models.Model], given: Sequence[str], now: dt.datetime) -> None:
        from django.db import models

        self.table = model._meta.db_table
        columns = list(given)
        tail: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.attname in given or (f.primary_key and isinstance(f, models.AutoField)):
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.has_default() or f.null or f.empty_strings_allowed:
                value = f.get_default()  # None when nullable, "" for text without a default
                if isinstance(f, models.JSONField):
                    value = json.dumps(value)
            else:
                raise RuntimeError(f"{self.table}.{f.column} 无默认值，请在压测数据中给出")
            columns.append(f.column)
            tail.append(value)
        self.tail = tuple(tail)
        self.statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )

    def write(self, cursor: Any, rows: Iterable[tuple[Any, ...]]) -> None:
        tail = self.tail
        with cursor.copy(self.statement) as copy:
            for row in rows:
                copy.write_row(row + tail)


def _secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """(name, definition) of the loaded tables' indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(TABLES)],
    )
    return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def _clerks(department_codes: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """Two windows per department, a clerk at each: department code → [(window, user id)]."""
    from onewindow.accounts.tests.factories import make_user

    windows: dict[str, list[tuple[str, int]]] = {}
    for d, code in enumerate(department_codes):
        for w in range(WINDOWS_PER_DEPARTMENT):
            window = f"W{d:02d}{w}"
            user = make_user(f"bench-clerk-{window}", "clerk", department=code, window_code=window)
            windows.setdefault(code, []).append((window, user.pk))
    return windows


def load(cases: int, seed: int, unrated: int, progress: Callable[[str], None]) -> float:
    """Load completed cases, two reviews each (the first ``unrated`` cases none, for the
    submission test), and rectifications for the bad ones; returns the seconds taken."""
    from django.db import connection

    from onewindow.catalog.models import ItemVersion
    from onewindow.core import clock
    from onewindow.evaluation.models import Rectification, Review
    from onewindow.workflow.models import Case

    started = time.monotonic()
    rng = random.Random(seed)
    versions = list(
        ItemVersion.objects.filter(is_current=True).values_list(
            "pk", "item_id", "department_id", "department__code"
        )
    )
    windows = _clerks(sorted({v[3] for v in versions}))
    # Some items draw far more applications than others (as in a real hall).
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(versions))]
    rng.shuffle(versions)
    now = clock.now()
    cases_copy = Copier(
        Case,
        (
            "id",
            "number",
            "region_code",
            "item_id",
            "item_version_id",
            "applicant_kind",
            "applicant_name",
            "applicant_code",
            "channel",
            "window_code",
            "clerk_id",
            "accepted_at",
            "promised_due_on",
            "legal_due_on",
            "status",
            "completed_at",
            "decided_at",
        ),
        now,
    )
    reviews_copy = Copier(
        Review,
        (
            "id",
            "case_id",
            "stage",
            "level",
            "channel",
            "window_code",
            "staff_id",
            "department_id",
            "item_id",
            "reviewed_at",
            "is_excluded",
            "excluded_reason",
        ),
        now,
    )
    fixes_copy = Copier(
        Rectification,
        (
            "review_id",
            "department_id",
            "status",
            "classification",
            "contact_due_on",
            "rectify_due_on",
            "contacted_at",
            "rectified_at",
            "replied_at",
            "revisited_at",
            "is_revisit_satisfied",
        ),
        now,
    )
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor:
        indexes = _secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        # The rows are consistent by construction; skip the per-row foreign-key triggers.
        cursor.execute("SET session_replication_role = replica")
        made = 0
        while made < cases:
            size = min(BATCH, cases - made)
            case_rows: list[tuple[Any, ...]] = []
            review_rows: list[tuple[Any, ...]] = []
            fix_rows: list[tuple[Any, ...]] = []
            picks = rng.choices(versions, weights, k=size)
            for n, (version_id, item_id, department_id, code) in enumerate(picks, made):
                window, clerk = rng.choice(windows[code])
                days = 0 if n < unrated else rng.randrange(730)  # fresh ones: tokens still valid
                accepted = now - dt.timedelta(days=days, minutes=rng.randrange(600))
                completed = min(now, accepted + dt.timedelta(days=rng.randrange(1, 20)))
                case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                case_rows.append(
                    (
                        case_id,
                        f"E{n:012d}",
                        "999900",
                        item_id,
                        version_id,
                        "person",
                        "压测申请人",
                        "999901199001010000",
                        "window",
                        window,
                        clerk,
                        accepted,
                        accepted.date(),
                        accepted.date(),
                        "completed",
                        completed,
                        completed,
                    )
                )
                if n < unrated:
                    continue
                for stage, at in (("accept", accepted), ("complete", completed)):
                    level = rng.choices((1, 2, 3, 4, 5), (60, 20, 10, 6, 4))[0]
                    review_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                    upheld = level >= 4 and rng.random() < 0.05
                    review_rows.append(
                        (
                            review_id,
                            case_id,
                            stage,
                            level,
                            "PC端",
                            window,
                            clerk,
                            department_id,
                            item_id,
                            at,
                            upheld,
                            "申诉成立" if upheld else "",
                        )
                    )
                    if level < 4:
                        continue
                    day = clock.local(at).date()
                    if upheld:
                        fix_rows.append(
                            (review_id, department_id, "revoked", "appeal", day, day, at)
                            + (None,) * 4
                        )
                        continue
                    # Recent ones are still open: replied after ~5 days, revisited after ~10.
                    age = (now - at).days
                    fix_rows.append(
                        (
                            review_id,
                            department_id,
                            "closed" if age >= 10 else "replying" if age < 5 else "revisiting",
                            "immediate",
                            day,
                            day + dt.timedelta(days=21),
                            at,
                            at,
                            at if age >= 5 else None,
                            at if age >= 10 else None,
                            (rng.random() < 0.8) if age >= 10 else None,
                        )
                    )
            cases_copy.write(cursor, case_rows)
            reviews_copy.write(cursor, review_rows)
            fixes_copy.write(cursor, fix_rows)
            made += size
            progress(f"  已装载 {made:,}/{cases:,} 件办件（{time.monotonic() - started:.0f} s）")
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            progress(f"  重建索引 {name}")
            cursor.execute(definition)
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def timings(call: Callable[[], Any], samples: int) -> dict[str, float]:
    call()  # warm caches (first plan, buffers)
    values = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        values.append(time.perf_counter() - started)
    values.sort()
    return {
        "p50_s": round(statistics.median(values), 4),
        "p95_s": round(values[min(len(values) - 1, int(len(values) * 0.95))], 4),
        "max_s": round(values[-1], 4),
    }


def measure(samples: int, ratings: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.db import transaction
    from django.test import Client

    from onewindow.accounts.tests.factories import make_user
    from onewindow.core import clock
    from onewindow.evaluation import selectors, services, tokens
    from onewindow.evaluation.models import Review
    from onewindow.workflow.models import Case

    today = clock.today()
    start = today.replace(day=1) - dt.timedelta(days=1)
    month = (start.replace(day=1), start)
    department = Review.objects.values_list("department__code", flat=True).first()
    scopes = {
        "centre_month": selectors.KpiFilters(start=month[0], end=month[1]),
        "department_month": selectors.KpiFilters(
            department=department, start=month[0], end=month[1]
        ),
        "centre_all_time": selectors.KpiFilters(),
        "department_all_time": selectors.KpiFilters(department=department),
    }
    result: dict[str, Any] = {"reviews": Review.objects.count(), "month": [str(d) for d in month]}
    for label, scope in scopes.items():
        progress(f"  测量 {label}")
        result[label] = timings(partial(selectors.get_review_kpis, scope), samples)
    admin = make_user(f"bench-admin-{uuid.uuid4().hex[:6]}", "centre_admin")
    client = Client()
    client.force_login(admin)

    def page(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} → {response.status_code}")

    progress("  测量趋势")
    result["trend_12_months"] = timings(
        lambda: selectors.get_review_trend(selectors.KpiFilters(), "month"), samples
    )
    result["trend_weeks_department"] = timings(
        lambda: selectors.get_review_trend(selectors.KpiFilters(department=department), "week"),
        samples,
    )
    progress("  测量看板页面")
    result["dashboard_page"] = timings(lambda: page("/kpis/reviews/"), max(3, samples // 2))
    result["dashboard_figures"] = timings(
        lambda: page("/kpis/reviews/figures/"), max(3, samples // 2)
    )
    progress("  测量评价提交")
    targets = list(Case.objects.filter(reviews__isnull=True)[:ratings])
    started = time.perf_counter()
    for case in targets:
        token = tokens.token_for(case, "accept")
        rating = services.Rating(stage="accept", level=2, channel="短信")
        with transaction.atomic():
            services.rate_case(case=case, rating=rating, actor=None, token=token)
    elapsed = time.perf_counter() - started
    count = len(targets)
    result["ratings_per_second"] = round(count / elapsed, 1) if elapsed else None
    result["centre_month_ok"] = result["centre_month"]["p95_s"] < TARGET_CENTRE_MONTH_S
    return result


def _machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return {
        "python": platform.python_version(),
        "postgresql": row[0] if row else None,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--ratings", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pg-server", default=os.environ.get("BENCH_PG_SERVER", _pg.DEFAULT_PG_SERVER)
    )
    parser.add_argument("--keep", action="store_true", help="不删除压测数据库")
    parser.add_argument(
        "--reuse", metavar="NAME", help="测量已装载的压测数据库（先迁移，不重新装载）"
    )
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale 必须大于 0")
    name = args.reuse or f"onewindow_bench_eval_{os.getpid()}"
    url = _pg.database_url(args.pg_server, name) if args.reuse else None
    url = url or _pg.create_database(args.pg_server, name)
    print(f"好差评压测 → {name}", file=sys.stderr)
    result: dict[str, Any] = {"scale": args.scale, "database": name}
    try:
        with tempfile.TemporaryDirectory() as home:
            _pg.setup_django(url, home)
            from django.core.management import call_command

            from onewindow.catalog import services as catalog
            from onewindow.evaluation import tallies

            def progress(line: str) -> None:
                print(line, file=sys.stderr, flush=True)

            result["machine_before"] = _machine()
            started = time.monotonic()
            call_command("migrate", verbosity=0)
            result["migrate_seconds"] = round(time.monotonic() - started, 1)
            if not args.reuse:
                catalog.load_catalog()
                cases = max(1, int(FULL_CASES * args.scale))
                result["load_seconds"] = round(load(cases, args.seed, args.ratings, progress), 1)
                progress("  重算好差评日汇总")
                started = time.monotonic()
                result["tally_rows"] = tallies.rebuild()
                result["tally_rebuild_seconds"] = round(time.monotonic() - started, 1)
            result.update(measure(args.samples, args.ratings, progress))
            result["machine_after"] = _machine()
    finally:
        if not (args.keep or args.reuse):
            _pg.drop_database(args.pg_server, name)
    result["at"] = dt.datetime.now(dt.UTC).isoformat()
    _pg.RESULTS_DIR.mkdir(exist_ok=True)
    out = _pg.RESULTS_DIR / f"evaluation-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    verdict = "PASS" if result["centre_month_ok"] else "FAIL"
    print(f"全中心月度指标 p95 < {TARGET_CENTRE_MONTH_S}s: {verdict}；结果：{out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
