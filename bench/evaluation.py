"""好差评 benchmark: review indicators over many reviews and rating submissions per second, on
a fresh PostgreSQL database.

At ``--scale 1`` the script bulk-loads 2.5 million completed cases over two years with two
reviews each (5 million reviews; one in ten bad, with its rectification) straight into the
tables, then reports:

* ``get_review_kpis`` for a centre-wide month and for one department's month, p50/p95 over
  ``--samples`` runs (target: centre-wide month under 1 s);
* rating submissions per second through ``services.rate_case`` (the whole service: token
  check, row lock, duplicate check, insert, ledger entry), one process.

Synthetic rows carry no ledger entries. Results: stdout and
``bench/results/evaluation-<timestamp>.json``.

Run: ``.venv/bin/python bench/evaluation.py [--scale 0.01] [--samples 20] [--keep]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO: Final = Path(__file__).resolve().parent.parent
SRC: Final = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

RESULTS_DIR: Final = REPO / "bench" / "results"
DEFAULT_PG_SERVER: Final = "postgres://postgres@127.0.0.1:5432/postgres"
FULL_CASES: Final = 2_500_000
BATCH: Final = 5_000
TARGET_CENTRE_MONTH_S: Final = 1.0


def _database(server: str, name: str, *, drop_only: bool = False) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def _setup_django(database_url: str, home: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ONEWINDOW_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.config.settings.test")
    import django

    django.setup()


def load(cases: int, seed: int, unrated: int) -> None:
    """Bulk-load completed cases, two reviews each (the first ``unrated`` cases none, for the
    submission test), and rectifications for the bad ones."""
    from onewindow.catalog.models import ItemVersion
    from onewindow.core import clock
    from onewindow.evaluation.models import Rectification, Review
    from onewindow.workflow.models import Case

    rng = random.Random(seed)
    versions = list(
        ItemVersion.objects.filter(is_current=True).only("pk", "item_id", "department_id")
    )
    now = clock.now()
    made = 0
    while made < cases:
        size = min(BATCH, cases - made)
        rows, reviews, fixes = [], [], []
        for n in range(made, made + size):
            v = rng.choice(versions)
            days = 0 if n < unrated else rng.randrange(730)  # fresh ones: tokens still valid
            accepted = now - dt.timedelta(days=days, minutes=rng.randrange(600))
            completed = accepted + dt.timedelta(days=rng.randrange(1, 20))
            case = Case(
                id=uuid.uuid4(),
                number=f"E{n:012d}",
                region_code="999900",
                item_id=v.item_id,
                item_version_id=v.pk,
                applicant_kind="person",
                applicant_name="压测申请人",
                applicant_code="999901199001010000",
                channel="window",
                window_code=f"W{rng.randrange(40):02d}",
                accepted_at=accepted,
                promised_due_on=accepted.date(),
                legal_due_on=accepted.date(),
                status="completed",
                completed_at=completed,
            )
            rows.append(case)
            if n < unrated:
                continue
            for stage, at in (("accept", accepted), ("complete", completed)):
                level = rng.choices((1, 2, 3, 4, 5), (60, 20, 10, 6, 4))[0]
                review = Review(
                    id=uuid.uuid4(),
                    case=case,
                    stage=stage,
                    level=level,
                    channel="PC端",
                    window_code=case.window_code,
                    department_id=v.department_id,
                    item_id=v.item_id,
                    reviewed_at=at,
                )
                reviews.append(review)
                if level >= 4:
                    fixes.append(
                        Rectification(
                            review=review,
                            department_id=v.department_id,
                            status="closed",
                            classification="immediate",
                            contact_due_on=at.date(),
                            rectify_due_on=at.date(),
                            rectified_at=at,
                            replied_at=at,
                            revisited_at=at,
                            is_revisit_satisfied=rng.random() < 0.8,
                        )
                    )
        Case.objects.bulk_create(rows)
        Review.objects.bulk_create(reviews)
        Rectification.objects.bulk_create(fixes)
        made += size
        print(f"  已装载 {made}/{cases} 件办件", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timings(call: Any, samples: int) -> dict[str, float]:
    values = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        values.append(time.perf_counter() - started)
    values.sort()
    return {
        "p50_s": round(statistics.median(values), 4),
        "p95_s": round(values[min(len(values) - 1, int(len(values) * 0.95))], 4),
    }


def measure(samples: int, ratings: int) -> dict[str, Any]:
    from django.db import transaction

    from onewindow.core import clock
    from onewindow.evaluation import selectors, services, tokens
    from onewindow.evaluation.models import Review
    from onewindow.workflow.models import Case

    today = clock.today()
    start = today.replace(day=1) - dt.timedelta(days=1)
    month = (start.replace(day=1), start)
    department = Review.objects.values_list("department__code", flat=True).first()
    centre = selectors.KpiFilters(start=month[0], end=month[1])
    dept = selectors.KpiFilters(department=department, start=month[0], end=month[1])
    result: dict[str, Any] = {
        "reviews": Review.objects.count(),
        "centre_month": timings(lambda: selectors.get_review_kpis(centre), samples),
        "department_month": timings(lambda: selectors.get_review_kpis(dept), samples),
    }
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--ratings", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-server", default=os.environ.get("BENCH_PG_SERVER", DEFAULT_PG_SERVER))
    parser.add_argument("--keep", action="store_true", help="不删除压测数据库")
    args = parser.parse_args(argv)
    name = f"onewindow_bench_eval_{os.getpid()}"
    url = _database(args.pg_server, name)
    try:
        with tempfile.TemporaryDirectory() as home:
            _setup_django(url, home)
            from django.core.management import call_command

            from onewindow.catalog import services as catalog

            call_command("migrate", verbosity=0)
            catalog.load_catalog()
            load(max(1, int(FULL_CASES * args.scale)), args.seed, args.ratings)
            result = measure(args.samples, args.ratings)
    finally:
        if not args.keep:
            _database(args.pg_server, name, drop_only=True)
    result.update({"scale": args.scale, "at": dt.datetime.now(dt.UTC).isoformat()})
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"evaluation-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    verdict = "PASS" if result["centre_month_ok"] else "FAIL"
    print(f"全中心月度指标 p95 < {TARGET_CENTRE_MONTH_S}s: {verdict}；结果：{out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
