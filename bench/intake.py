"""Intake benchmark: accepted cases per second over HTTP against gunicorn.

For each database (SQLite, then PostgreSQL) the script prepares a fresh ``ONEWINDOW_HOME``
(migrate, load_catalog, one clerk with an API token), starts gunicorn (2 sync workers) on a free
local port and drives ``POST /api/v1/cases`` from N client threads for a warm-up and a measured
window. It reports accepted cases/s, latency percentiles and the CPU spent by the server, the
load generator and the PostgreSQL processes serving the bench database, plus pgbench's TPC-B TPS
on the same PostgreSQL server as a yardstick for the hardware. Results: a table on stdout and a
JSON file under ``bench/results/``.

Run: ``.venv/bin/python bench/intake.py [--duration 20] [--clients 16] [--only postgres]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Final
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO: Final = Path(__file__).resolve().parent.parent
SRC: Final = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from onewindow.core.ids import citizen_id_check_char  # noqa: E402

ITEMS_JSON: Final = SRC / "onewindow" / "catalog" / "data" / "items.json"
RESULTS_DIR: Final = REPO / "bench" / "results"
PERSON_TARGETS: Final = frozenset({"自然人", "both"})
# Person items from several departments, with 2 to 5 materials handed in on paper.
ITEM_CODES: Final = (
    "SF-GAHZ-010",  # 居民身份证申领（首次申领）
    "SF-GACRJ-001",  # 普通护照签发
    "SF-GAJG-006",  # 机动车转移登记（二手车过户）
    "SF-RSSB-005",  # 社会保障卡申领
    "SF-YB-001",  # 城乡居民基本医疗保险参保登记
    "SF-GJJ-003",  # 住房公积金个人账户转移接续
)
BIRTH_FIRST: Final = dt.date(1970, 1, 1)
BIRTH_DAYS: Final = (dt.date(2000, 12, 31) - BIRTH_FIRST).days + 1
TOKEN_LINE: Final = re.compile(r"^[A-Za-z0-9_-]{20,}$")
TARGET_CASES_PER_S: Final = 100.0
TARGET_P95_MS: Final = 300.0
DEFAULT_PG_SERVER: Final = "postgres://postgres@127.0.0.1:5432/postgres"
KEPT_ERROR_BODIES: Final = 5
OTHER_CPU_WARN: Final = 0.15  # cores used by unrelated processes before the table warns
CLK_TCK: Final = os.sysconf("SC_CLK_TCK")
CORES: Final = os.cpu_count() or 1

TOKEN_SCRIPT: Final = (
    "from onewindow.accounts.tests.factories import make_user, token_for; "
    "u = make_user('benchclerk', 'clerk', department='ZW', window_code='B01'); "
    "print(token_for(u))"
)


class BenchError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


# --------------------------------------------------------------------------- executables


def venv_bin(name: str) -> Path:
    """A console script of the interpreter running this file, else of the project's .venv."""
    for folder in (Path(sys.executable).parent, REPO / ".venv" / "bin"):
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise BenchError(f"找不到 {name}（请先 make install）/ {name} not found (run make install)")


def pgbench_path() -> Path:
    found = shutil.which("pgbench")
    if found:
        return Path(found)
    for version in ("17", "16", "15", "14", "13"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/pgbench")
        if candidate.exists():
            return candidate
    raise BenchError("找不到 pgbench / pgbench not found")


# --------------------------------------------------------------------------- request bodies


@dataclass(frozen=True)
class ItemPlan:
    code: str
    name: str
    material_ids: tuple[str, ...]


def load_item_plans(codes: Sequence[str] = ITEM_CODES) -> list[ItemPlan]:
    """The rotated items with every material that is not the application form itself."""
    items: list[dict[str, Any]] = json.loads(ITEMS_JSON.read_text(encoding="utf-8"))
    by_code = {str(item["code"]): item for item in items}
    plans: list[ItemPlan] = []
    for code in codes:
        item = by_code.get(code)
        if item is None or item["target"] not in PERSON_TARGETS:
            raise BenchError(f"事项 {code} 不存在或不面向自然人 / item {code} is not a person item")
        materials = tuple(str(m["id"]) for m in item["materials"] if not m["is_form"])
        plans.append(ItemPlan(code=code, name=str(item["name"]), material_ids=materials))
    return plans


def random_citizen_id(rng: random.Random) -> str:
    """A valid 18-digit citizen ID in the fictional region 999901–999906, born 1970–2000."""
    birth = BIRTH_FIRST + dt.timedelta(days=rng.randrange(BIRTH_DAYS))
    first17 = f"99990{rng.randint(1, 6)}{birth:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + citizen_id_check_char(first17)


def case_body(plan: ItemPlan, rng: random.Random) -> bytes:
    body = {
        "item_code": plan.code,
        "applicant": {
            "kind": "person",
            "id_number": random_citizen_id(rng),
            "name": "测试",
            "phone": "13800138000",
        },
        "materials": [{"material_id": m, "provided": "paper"} for m in plan.material_ids],
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- CPU accounting


def proc_stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from ``state`` on (index 0 = field 3), or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def process_ticks(pid: int) -> int | None:
    """utime + stime of one process in clock ticks."""
    fields = proc_stat_fields(pid)
    if fields is None:
        return None
    return int(fields[11]) + int(fields[12])


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (gunicorn master and workers)."""
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        fields = proc_stat_fields(pid)
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(pid)
    tree: list[int] = []
    pending = [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


BACKEND_CLIENT: Final = re.compile(r"^(\[local\]|\S+\(\d+\))$")


def postgres_pids(dbname: str) -> list[int]:
    """The local cluster's processes that work for ``dbname``: its backends and autovacuum
    workers, plus the shared helpers (postmaster, WAL writer, checkpointer …). Backends of other
    databases — other people's tests on the same server — are left out."""
    found: list[int] = []
    for pid in all_pids():
        try:
            comm = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
            if comm not in {"postgres", "postmaster"}:
                continue
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        words = raw.replace(b"\0", b" ").decode("utf-8", errors="replace").split()
        if words[:1] != ["postgres:"]:
            found.append(pid)  # the postmaster, shown with its real command line
        elif len(words) >= 4 and BACKEND_CLIENT.match(words[3]):
            if words[2] == dbname:  # "postgres: <user> <db> <client> <state>"
                found.append(pid)
        elif words[1:3] == ["autovacuum", "worker"]:
            if dbname in words[3:]:
                found.append(pid)
        else:
            found.append(pid)
    return found


def ticks_of(pids: Sequence[int]) -> dict[int, int]:
    snapshot: dict[int, int] = {}
    for pid in pids:
        ticks = process_ticks(pid)
        if ticks is not None:
            snapshot[pid] = ticks
    return snapshot


def cpu_seconds_between(before: Mapping[int, int], after: Mapping[int, int]) -> float:
    """CPU time used between two snapshots; processes born in between count from zero."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / CLK_TCK


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores from /proc/stat."""
    first = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()
    values = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    loadgen_user: float
    loadgen_sys: float
    server: dict[int, int]
    database: dict[int, int]
    machine_busy: int
    machine_total: int

    @classmethod
    def take(cls, server_root: int, pg_dbname: str | None) -> CpuSnapshot:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = machine_ticks()
        return cls(
            wall=time.perf_counter(),
            loadgen_user=usage.ru_utime,
            loadgen_sys=usage.ru_stime,
            server=ticks_of(process_tree(server_root)),
            database=ticks_of(postgres_pids(pg_dbname)) if pg_dbname else {},
            machine_busy=busy,
            machine_total=total,
        )


# --------------------------------------------------------------------------- load generator


@dataclass
class ClientLog:
    """What one client thread saw: (completion time, latency s, HTTP status or 0)."""

    samples: list[tuple[float, float, int]] = field(default_factory=list)
    exceptions: Counter[str] = field(default_factory=Counter)


@dataclass
class ErrorBodies:
    """The first few error responses, shared by the client threads."""

    limit: int
    bodies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keep(self, text: str) -> None:
        if len(self.bodies) >= self.limit:
            return
        with self.lock:
            if len(self.bodies) < self.limit:
                self.bodies.append(text)


def client_loop(
    port: int,
    token: str,
    plans: Sequence[ItemPlan],
    offset: int,
    stop_at: float,
    log: ClientLog,
    errors: ErrorBodies,
) -> None:
    """Post cases back to back until ``stop_at``. Sync workers close the connection after each
    response; ``HTTPConnection`` then reconnects on the next request, inside the timed span."""
    rng = random.Random()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    turn = offset
    try:
        while time.perf_counter() < stop_at:
            plan = plans[turn % len(plans)]
            turn += 1
            body = case_body(plan, rng)
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/cases", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                done = time.perf_counter()
                log.samples.append((done, done - started, 0))
                log.exceptions[type(exc).__name__] += 1
                errors.keep(f"{plan.code}: {type(exc).__name__}: {exc}")
                continue
            done = time.perf_counter()
            log.samples.append((done, done - started, status))
            if status != 201:
                text = payload[:400].decode("utf-8", errors="replace")
                errors.keep(f"{plan.code}: HTTP {status}: {text}")
    finally:
        conn.close()


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile of an ascending sequence (0 for an empty one)."""
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    ms = 1000.0
    return {
        "p50": round(percentile(ordered, 0.50) * ms, 2),
        "p95": round(percentile(ordered, 0.95) * ms, 2),
        "p99": round(percentile(ordered, 0.99) * ms, 2),
        "mean": round(sum(ordered) / len(ordered) * ms, 2) if ordered else 0.0,
        "max": round(ordered[-1] * ms, 2) if ordered else 0.0,
    }


@dataclass
class LoadResult:
    database: str
    duration_s: float
    clients: int
    requests: int
    accepted: int
    accepted_per_s: float
    accepted_per_s_per_core: float
    requests_per_s: float
    latency_ms_accepted: dict[str, float]
    latency_ms_all: dict[str, float]
    statuses: dict[str, int]
    exceptions: dict[str, int]
    error_samples: list[str]
    loadgen_cpu_s: float
    loadgen_user_s: float
    loadgen_sys_s: float
    server_cpu_s: float
    server_processes: int
    database_cpu_s: float | None
    machine_busy_pct: float
    other_cpu_s: float
    cpu_ms_per_case: dict[str, float | None]
    gunicorn_log_tail: list[str]


def run_load(
    *,
    database: str,
    port: int,
    token: str,
    plans: Sequence[ItemPlan],
    clients: int,
    warmup: float,
    duration: float,
    server_root: int,
    pg_dbname: str | None,
) -> LoadResult:
    """Drive the server for warm-up + duration; measure only the second window."""
    begin = time.perf_counter()
    window_start = begin + warmup
    window_end = window_start + duration
    logs = [ClientLog() for _ in range(clients)]
    errors = ErrorBodies(limit=KEPT_ERROR_BODIES)
    threads = [
        threading.Thread(
            target=client_loop,
            args=(port, token, plans, index, window_end, logs[index], errors),
            name=f"bench-client-{index}",
            daemon=True,
        )
        for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window_start - time.perf_counter()))
    before = CpuSnapshot.take(server_root, pg_dbname)
    time.sleep(max(0.0, window_end - time.perf_counter()))
    after = CpuSnapshot.take(server_root, pg_dbname)
    for thread in threads:
        thread.join(timeout=120)
    measured = after.wall - before.wall

    in_window = [s for log in logs for s in log.samples if before.wall <= s[0] <= after.wall]
    accepted = [latency for _, latency, status in in_window if status == 201]
    statuses = Counter(str(status) for _, _, status in in_window)
    exceptions: Counter[str] = Counter()
    for log in logs:
        exceptions.update(log.exceptions)

    loadgen_user = after.loadgen_user - before.loadgen_user
    loadgen_sys = after.loadgen_sys - before.loadgen_sys
    loadgen_cpu = loadgen_user + loadgen_sys
    server_cpu = cpu_seconds_between(before.server, after.server)
    database_cpu = cpu_seconds_between(before.database, after.database) if pg_dbname else None
    total_ticks = after.machine_total - before.machine_total
    busy_pct = (
        100.0 * (after.machine_busy - before.machine_busy) / total_ticks if total_ticks else 0.0
    )
    busy_s = (after.machine_busy - before.machine_busy) / CLK_TCK
    other_cpu = max(0.0, busy_s - server_cpu - loadgen_cpu - (database_cpu or 0.0))
    per_s = len(accepted) / measured if measured > 0 else 0.0

    def per_case(seconds: float | None) -> float | None:
        if seconds is None or not accepted:
            return None
        return round(1000.0 * seconds / len(accepted), 3)

    return LoadResult(
        database=database,
        duration_s=round(measured, 3),
        clients=clients,
        requests=len(in_window),
        accepted=len(accepted),
        accepted_per_s=round(per_s, 2),
        accepted_per_s_per_core=round(per_s / CORES, 2),
        requests_per_s=round(len(in_window) / measured, 2) if measured > 0 else 0.0,
        latency_ms_accepted=latency_summary(accepted),
        latency_ms_all=latency_summary([latency for _, latency, _ in in_window]),
        statuses=dict(sorted(statuses.items())),
        exceptions=dict(exceptions),
        error_samples=list(errors.bodies),
        loadgen_cpu_s=round(loadgen_cpu, 3),
        loadgen_user_s=round(loadgen_user, 3),
        loadgen_sys_s=round(loadgen_sys, 3),
        server_cpu_s=round(server_cpu, 3),
        server_processes=len(after.server),
        database_cpu_s=round(database_cpu, 3) if database_cpu is not None else None,
        machine_busy_pct=round(busy_pct, 1),
        other_cpu_s=round(other_cpu, 2),
        cpu_ms_per_case={
            "server": per_case(server_cpu),
            "loadgen": per_case(loadgen_cpu),
            "database": per_case(database_cpu),
        },
        gunicorn_log_tail=[],
    )


# --------------------------------------------------------------------------- processes & setup


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(home: Path, database_url: str) -> dict[str, str]:
    """Production settings on a throw-away home; nothing inherited decides the database."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("ONEWINDOW_") or name in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}:
            del env[name]
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "onewindow.config.settings.prod",
            "ONEWINDOW_SECRET_KEY": "bench-only",
            "ONEWINDOW_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ONEWINDOW_HOME": str(home),
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_command(args: Sequence[str], env: Mapping[str, str], what: str) -> str:
    """Run a setup step; its stdout is returned, a failure raises with the output's tail."""
    done = subprocess.run(
        list(args), env=dict(env), cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        raise BenchError(f"{what} 失败 / failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def prepare_home(env: Mapping[str, str]) -> str:
    """migrate, load_catalog and a clerk with a token; returns the raw token."""
    onewindow = str(venv_bin("onewindow"))
    run_command([onewindow, "migrate", "--no-input", "-v", "0"], env, "onewindow migrate")
    run_command([onewindow, "load_catalog"], env, "onewindow load_catalog")
    out = run_command([onewindow, "shell", "-c", TOKEN_SCRIPT], env, "create clerk token")
    tokens = [line.strip() for line in out.splitlines() if TOKEN_LINE.match(line.strip())]
    if not tokens:
        raise BenchError(f"无法读取令牌 / no token in shell output:\n{out}")
    return tokens[-1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log_tail(self, lines: int = 20) -> list[str]:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return text.splitlines()[-lines:]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def start_gunicorn(env: Mapping[str, str], home: Path) -> Server:
    port = free_port()
    log_path = home / "gunicorn.log"
    args = [
        str(venv_bin("gunicorn")),
        "onewindow.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "1",
        "--worker-class",
        "sync",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            env=dict(env),
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process=process, port=port, log_path=log_path)


def wait_until_ready(server: Server, token: str, timeout: float = 60.0) -> None:
    """Poll ``GET /api/v1/items?page_size=1`` until it answers 200."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = "\n".join(server.log_tail(30))
            raise BenchError(f"gunicorn 启动失败 / exited ({server.process.returncode}):\n{tail}")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request(
                "GET", "/api/v1/items?page_size=1", headers={"Authorization": f"Bearer {token}"}
            )
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                return
            last = f"HTTP {response.status}: {body[:300].decode('utf-8', errors='replace')}"
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
        time.sleep(0.2)
    raise BenchError(f"gunicorn 未就绪 / not ready after {timeout:.0f}s: {last}")


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PgTarget:
    """A PostgreSQL URL split into what Django, psycopg and pgbench need."""

    url: SplitResult

    @classmethod
    def parse(cls, url: str) -> PgTarget:
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise BenchError(f"--pg-url 应为 postgres://… / must be postgres://…: {url}")
        return cls(parts)

    @property
    def dbname(self) -> str:
        return unquote(self.url.path.lstrip("/"))

    def with_db(self, dbname: str) -> PgTarget:
        return PgTarget(self.url._replace(path=f"/{dbname}"))

    def text(self) -> str:
        return urlunsplit(self.url)

    def shown(self) -> str:
        """The URL without a password, for printing and the JSON file."""
        if self.url.password is None:
            return self.text()
        netloc = self.url.netloc.replace(f":{self.url.password}@", ":***@")
        return urlunsplit(self.url._replace(netloc=netloc))

    def libpq_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        if self.url.hostname:
            env["PGHOST"] = self.url.hostname
        if self.url.port:
            env["PGPORT"] = str(self.url.port)
        if self.url.username:
            env["PGUSER"] = unquote(self.url.username)
        if self.url.password:
            env["PGPASSWORD"] = unquote(self.url.password)
        return env


def create_database(server: PgTarget, name: str) -> None:
    with psycopg.connect(server.with_db("postgres").text(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server: PgTarget, name: str) -> None:
    with psycopg.connect(server.with_db("postgres").text(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def postgres_version(database: PgTarget) -> str:
    with psycopg.connect(database.text(), autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


@dataclass
class PgbenchResult:
    scale: int
    clients: int
    threads: int
    duration_s: float
    tps: float
    tps_per_core: float
    latency_avg_ms: float | None
    transactions: int | None


def run_pgbench(server: PgTarget, dbname: str, clients: int, duration: float) -> PgbenchResult:
    """``pgbench -i -s 10`` then the default TPC-B-like script for ``duration`` seconds."""
    binary = str(pgbench_path())
    env = {**os.environ, **server.libpq_env()}
    scale, threads, seconds = 10, 2, max(1, round(duration))
    run_command([binary, "-i", "-q", "-s", str(scale), dbname], env, "pgbench -i")
    out = run_command(
        [binary, "-c", str(clients), "-j", str(threads), "-T", str(seconds), "-n", dbname],
        env,
        "pgbench",
    )
    tps = re.search(r"^tps = ([0-9.]+)", out, re.MULTILINE)
    if tps is None:
        raise BenchError(f"无法解析 pgbench 输出 / cannot parse pgbench output:\n{out}")
    latency = re.search(r"^latency average = ([0-9.]+) ms", out, re.MULTILINE)
    processed = re.search(r"^number of transactions actually processed: (\d+)", out, re.MULTILINE)
    value = float(tps.group(1))
    return PgbenchResult(
        scale=scale,
        clients=clients,
        threads=threads,
        duration_s=seconds,
        tps=round(value, 1),
        tps_per_core=round(value / CORES, 1),
        latency_avg_ms=float(latency.group(1)) if latency else None,
        transactions=int(processed.group(1)) if processed else None,
    )


# --------------------------------------------------------------------------- one database


def bench_database(
    *,
    label: str,
    database_url: str | None,
    pg_dbname: str | None,
    args: argparse.Namespace,
    plans: Sequence[ItemPlan],
    cleanup: contextlib.ExitStack,
) -> LoadResult:
    home = Path(tempfile.mkdtemp(prefix=f"onewindow-bench-{label}-"))
    cleanup.callback(shutil.rmtree, home, ignore_errors=True)
    # SQLite: the database file lives in the throw-away home.
    env = server_env(home, database_url or f"sqlite:///{home / 'onewindow.sqlite3'}")
    print(f"[{label}] 准备数据库 / preparing (migrate, load_catalog, clerk token) …", flush=True)
    token = prepare_home(env)
    server = start_gunicorn(env, home)
    cleanup.callback(server.stop)
    wait_until_ready(server, token)
    print(
        f"[{label}] gunicorn :{server.port} ready; {args.clients} clients, "
        f"warm-up {args.warmup:g}s + {args.duration:g}s …",
        flush=True,
    )
    result = run_load(
        database=label,
        port=server.port,
        token=token,
        plans=plans,
        clients=args.clients,
        warmup=args.warmup,
        duration=args.duration,
        server_root=server.process.pid,
        pg_dbname=pg_dbname,
    )
    server.stop()
    result.gunicorn_log_tail = [line for line in server.log_tail(10) if line.strip()]
    return result


# --------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_table(results: Sequence[LoadResult], pgbench: PgbenchResult | None) -> None:
    rows: list[tuple[str, Callable[[LoadResult], str]]] = [
        ("measured window (s)", lambda r: fmt(r.duration_s, 1)),
        ("requests", lambda r: str(r.requests)),
        ("accepted (201)", lambda r: str(r.accepted)),
        ("errors (non-201)", lambda r: str(r.requests - r.accepted)),
        ("accepted cases/s", lambda r: fmt(r.accepted_per_s)),
        (f"  per core (÷{CORES})", lambda r: fmt(r.accepted_per_s_per_core)),
        ("latency p50 (ms)", lambda r: fmt(r.latency_ms_accepted["p50"])),
        ("latency p95 (ms)", lambda r: fmt(r.latency_ms_accepted["p95"])),
        ("latency p99 (ms)", lambda r: fmt(r.latency_ms_accepted["p99"])),
        ("latency max (ms)", lambda r: fmt(r.latency_ms_accepted["max"])),
        ("server CPU (s)", lambda r: fmt(r.server_cpu_s, 2)),
        ("  ms CPU / case", lambda r: fmt(r.cpu_ms_per_case["server"], 2)),
        ("load generator CPU (s)", lambda r: fmt(r.loadgen_cpu_s, 2)),
        ("  ms CPU / case", lambda r: fmt(r.cpu_ms_per_case["loadgen"], 2)),
        ("PostgreSQL CPU (s)", lambda r: fmt(r.database_cpu_s, 2)),
        ("  ms CPU / case", lambda r: fmt(r.cpu_ms_per_case["database"], 2)),
        ("machine busy (%)", lambda r: fmt(r.machine_busy_pct)),
        ("other processes CPU (s)", lambda r: fmt(r.other_cpu_s, 2)),
    ]
    width = 26
    header = f"{'':<{width}}" + "".join(f"{r.database:>14}" for r in results)
    print()
    print(header)
    print("-" * len(header))
    for title, cell in rows:
        print(f"{title:<{width}}" + "".join(f"{cell(r):>14}" for r in results))
    if pgbench is not None:
        print()
        print(
            f"pgbench TPC-B (scale {pgbench.scale}, -c {pgbench.clients} -j {pgbench.threads}, "
            f"{pgbench.duration_s:g}s): {fmt(pgbench.tps)} tps, "
            f"{fmt(pgbench.tps_per_core)} tps/core, latency avg {fmt(pgbench.latency_avg_ms, 2)} ms"
        )
    for r in results:
        if r.other_cpu_s > OTHER_CPU_WARN * r.duration_s:
            print(
                f"\n注意 / note [{r.database}]: other processes used {r.other_cpu_s:.1f} CPU-s "
                f"({r.other_cpu_s / r.duration_s:.2f} cores) during the window; "
                "the figures are pessimistic — rerun on a quiet machine"
            )
        if r.requests != r.accepted or r.exceptions:
            print(f"\n[{r.database}] statuses {r.statuses} exceptions {r.exceptions}")
            for sample in r.error_samples:
                print(f"  {sample}")


def target_verdict(results: Sequence[LoadResult]) -> dict[str, Any]:
    pg = next((r for r in results if r.database == "postgres"), None)
    verdict: dict[str, Any] = {
        "min_accepted_per_s": TARGET_CASES_PER_S,
        "max_p95_ms": TARGET_P95_MS,
        "database": "postgres",
    }
    if pg is None:
        verdict["result"] = "NOT RUN"
        return verdict
    ok = pg.accepted_per_s >= TARGET_CASES_PER_S and pg.latency_ms_accepted["p95"] < TARGET_P95_MS
    verdict["result"] = "PASS" if ok else "FAIL"
    return verdict


def git_commit() -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="受理接口压测 / intake benchmark (gunicorn, SQLite and PostgreSQL)"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first (3)")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="run one database only")
    parser.add_argument(
        "--pg-url",
        help=(
            "PostgreSQL database to use as is (default: a fresh onewindow_bench_<pid> on "
            "postgres://postgres@127.0.0.1:5432, created and dropped)"
        ),
    )
    parser.add_argument("--json", type=Path, help="result file (bench/results/intake-<ts>.json)")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.clients < 1 or args.warmup < 0:
        parser.error("--duration > 0, --clients ≥ 1, --warmup ≥ 0")
    return args


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    started = dt.datetime.now().astimezone()
    loadavg_at_start = Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    stamp = started.strftime("%Y%m%dT%H%M%S")
    json_path: Path = args.json or RESULTS_DIR / f"intake-{stamp}.json"
    plans = load_item_plans()
    run_sqlite = args.only in (None, "sqlite")
    run_postgres = args.only in (None, "postgres")
    results: list[LoadResult] = []
    pgbench: PgbenchResult | None = None
    pg_info: dict[str, Any] | None = None

    with contextlib.ExitStack() as cleanup:
        try:
            if run_sqlite:
                results.append(
                    bench_database(
                        label="sqlite",
                        database_url=None,
                        pg_dbname=None,
                        args=args,
                        plans=plans,
                        cleanup=cleanup,
                    )
                )
            if run_postgres:
                if args.pg_url:
                    target = PgTarget.parse(args.pg_url)
                    if not target.dbname:
                        raise BenchError("--pg-url 需要数据库名 / needs a database name")
                else:
                    target = PgTarget.parse(DEFAULT_PG_SERVER).with_db(
                        f"onewindow_bench_{os.getpid()}"
                    )
                    create_database(target, target.dbname)
                    cleanup.callback(drop_database, target, target.dbname)
                pg_info = {"url": target.shown(), "server_version": postgres_version(target)}
                results.append(
                    bench_database(
                        label="postgres",
                        database_url=target.text(),
                        pg_dbname=target.dbname,
                        args=args,
                        plans=plans,
                        cleanup=cleanup,
                    )
                )
                pgbench_db = f"onewindow_pgbench_{os.getpid()}"
                print(f"[pgbench] -i -s 10, then -c {args.clients} -j 2 …", flush=True)
                create_database(target, pgbench_db)
                cleanup.callback(drop_database, target, pgbench_db)
                pgbench = run_pgbench(target, pgbench_db, args.clients, args.duration)
        except (BenchError, psycopg.Error) as exc:
            print(f"\n错误 / error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("\n已中断，正在清理 / interrupted, cleaning up", file=sys.stderr)
            return 130

    print_table(results, pgbench)
    verdict = target_verdict(results)
    print(
        f"\nTarget (PostgreSQL ≥ {TARGET_CASES_PER_S:g} accepted cases/s, "
        f"p95 < {TARGET_P95_MS:g} ms): {verdict['result']}"
    )
    report = {
        "benchmark": "intake",
        "started_at": started.isoformat(timespec="seconds"),
        "options": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "clients": args.clients,
            "only": args.only,
        },
        "environment": {
            "cores": CORES,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_at_start": loadavg_at_start,
            "git_commit": git_commit(),
            # Sync workers close the connection after every response (--keep-alive only
            # applies to other worker classes), so each client reconnects per request.
            "gunicorn": "--workers 2 --threads 1 --worker-class sync --keep-alive 5",
            "settings": "onewindow.config.settings.prod",
            "items": [p.code for p in plans],
            "postgres": pg_info,
        },
        "results": [asdict(r) for r in results],
        "pgbench": asdict(pgbench) if pgbench else None,
        "target": verdict,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"JSON: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
