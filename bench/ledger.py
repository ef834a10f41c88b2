"""Ledger benchmark: appends, proofs and roots at a million entries, and the full verify.

In a fresh ``ONEWINDOW_HOME`` (SQLite by default, or an empty PostgreSQL database) the script
migrates, then measures

* appends per second, one entry per transaction (``ledger.record``) and batched
  (``ledger.record_many``, 10,000 per transaction), until the log holds ``--entries`` entries;
* at that size, the latency of an inclusion proof, a consistency proof and a root assembled
  from the stored nodes (``ledger.selectors``: the head query plus one node query each), and
  of the inclusion-proof endpoint through Django's request stack;
* the full ``verify`` (every leaf re-derived, every stored node compared, checkpoints);
* side by side, in the same process, ``pymerkle``'s in-memory tree for the same operations
  (append the same leaves, root, inclusion and consistency proofs) — a development-only
  comparison from the ``bench`` extra. Its roots must equal ours: both follow RFC 9162.

Targets: proofs under 1 ms at 1M entries; full verify of 1M entries under 60 s.
Results: a table on stdout and ``bench/results/ledger-<timestamp>.json``.

Run: ``.venv/bin/python bench/ledger.py [--entries 1000000] [--pg-url postgres://...]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parent.parent
RESULTS_DIR: Final = REPO / "bench" / "results"
PROOF_TARGET_MS: Final = 1.0
VERIFY_TARGET_S: Final = 60.0
BATCH: Final = 10_000
SAMPLES: Final = 2_000


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(samples: int, action: Callable[[int], object]) -> dict[str, float]:
    """Run ``action(i)`` ``samples`` times; latency statistics in milliseconds."""
    times: list[float] = []
    for i in range(samples):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 4),
        "p95_ms": round(percentile(times, 0.95), 4),
        "p99_ms": round(percentile(times, 0.99), 4),
        "mean_ms": round(statistics.fmean(times), 4),
    }


def setup_django(home: Path, database_url: str) -> None:
    """Configure Django for a throw-away home (before any project module is imported)."""
    os.environ["ONEWINDOW_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.config.settings.dev"
    os.environ["ONEWINDOW_LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def event(i: int) -> Any:
    """A realistic entry: a case event with a small payload."""
    from onewindow.ledger import services as ledger

    return ledger.Event(
        "case.accepted",
        f"user:{i % 97 + 1}",
        f"case:99990020261124{i:06d}",
        {"item": "SF-GAHZ-013", "version": 1, "tasks": 2},
    )


def bench_appends(entries: int, singles: int) -> dict[str, Any]:
    """Fill the log: ``singles`` one-per-transaction appends, then batches to ``entries``."""
    from django.db import transaction

    from onewindow.ledger import services as ledger

    start = time.perf_counter()
    for i in range(singles):
        with transaction.atomic():
            ledger.record_many([event(i)])
    single_s = time.perf_counter() - start
    start = time.perf_counter()
    done = singles
    while done < entries:
        count = min(BATCH, entries - done)
        with transaction.atomic():
            ledger.record_many([event(done + k) for k in range(count)])
        done += count
        if done % 100_000 < BATCH:
            print(f"  … {done:,} entries", flush=True)
    batch_s = time.perf_counter() - start
    return {
        "single_appends": singles,
        "single_per_s": round(singles / single_s, 1),
        "batched_appends": entries - singles,
        "batch_size": BATCH,
        "batched_per_s": round((entries - singles) / batch_s, 1),
        "fill_seconds": round(single_s + batch_s, 1),
    }


def bench_proofs(size: int) -> dict[str, Any]:
    """Latency of proofs and roots from stored nodes at the current size."""
    from django.test import Client

    from onewindow.ledger import merkle, selectors

    rng = random.Random(7)
    indices = [rng.randrange(size) for _ in range(SAMPLES)]
    firsts = [rng.randrange(1, size) for _ in range(SAMPLES)]
    hasher = selectors.get_state().hasher
    root = selectors.get_root(size, hasher)
    # Spot-check correctness while timing: every tenth proof is verified.
    sample_leaves = {i: selectors.get_nodes([(0, i)])[(0, i)] for i in indices[::10]}

    def inclusion(k: int) -> None:
        proof = selectors.get_inclusion_proof(indices[k], size)
        if indices[k] in sample_leaves and k % 10 == 0:
            assert merkle.verify_inclusion(sample_leaves[indices[k]], indices[k], size, proof, root)

    client = Client()
    results: dict[str, Any] = {
        "inclusion": timed(SAMPLES, inclusion),
        "consistency": timed(SAMPLES, lambda k: selectors.get_consistency_proof(firsts[k], size)),
        "root": timed(SAMPLES, lambda k: selectors.get_root(firsts[k], hasher)),
        "inclusion_http": timed(
            SAMPLES // 4,
            lambda k: client.get(f"/api/v1/ledger/proofs/inclusion?index={indices[k]}&size={size}"),
        ),
        "signed_checkpoint": timed(200, lambda k: selectors.get_signed_checkpoint()),
    }
    return results


def bench_verify() -> dict[str, Any]:
    """The full verification of the whole log."""
    from onewindow.ledger import services
    from onewindow.ledger.verify import verify_log

    services.publish_checkpoint()
    start = time.perf_counter()
    report = verify_log()
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 1),
        "ok": report.ok,
        "entries": report.entries,
        "nodes": report.nodes,
        "per_s": round(report.entries / seconds, 1),
    }


def bench_pymerkle(size: int) -> dict[str, Any]:
    """pymerkle's in-memory tree on the same leaves, for the same operations."""
    try:
        from pymerkle import InmemoryTree
    except ImportError:
        return {"skipped": "pymerkle not installed (pip install -e '.[bench]')"}
    from onewindow.ledger import selectors
    from onewindow.ledger.models import LedgerEntry
    from onewindow.ledger.services import entry_leaf_input

    leaves = [
        entry_leaf_input(e)
        for e in LedgerEntry.objects.order_by("index").iterator(chunk_size=20_000)
    ]
    tree = InmemoryTree(algorithm="sha256")
    start = time.perf_counter()
    for leaf in leaves:
        tree.append_entry(leaf)
    append_s = time.perf_counter() - start
    rng = random.Random(7)
    indices = [rng.randrange(size) for _ in range(SAMPLES)]
    firsts = [rng.randrange(1, size) for _ in range(SAMPLES)]
    same_root = tree.get_root(size) == selectors.get_root(size)
    samples = SAMPLES // 4
    return {
        "appends_per_s": round(len(leaves) / append_s, 1),
        # pymerkle numbers leaves from 1.
        "inclusion": timed(samples, lambda k: tree.prove_inclusion(indices[k] + 1, size)),
        "consistency": timed(samples, lambda k: tree.prove_consistency(firsts[k], size)),
        "root": timed(samples, lambda k: tree.get_root(firsts[k])),
        "same_root_as_onewindow": same_root,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--singles", type=int, default=2_000, help="one-per-transaction appends")
    parser.add_argument("--pg-url", default="", help="an empty PostgreSQL database (kept)")
    parser.add_argument("--skip-pymerkle", action="store_true")
    parser.add_argument("--json", default="", help="where to write the results")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="onewindow-bench-ledger-"))
    try:
        setup_django(home, args.pg_url)
        from django.db import connection

        print(f"ledger bench: {args.entries:,} entries on {connection.vendor} ({home})", flush=True)
        results: dict[str, Any] = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "entries": args.entries,
            "python": platform.python_version(),
            "machine": f"{platform.machine()} × {os.cpu_count()} cores",
        }
        results["appends"] = bench_appends(args.entries, min(args.singles, args.entries))
        print(f"  appends: {results['appends']}", flush=True)
        results["proofs"] = bench_proofs(args.entries)
        print(f"  proofs: {results['proofs']}", flush=True)
        results["verify"] = bench_verify()
        print(f"  verify: {results['verify']}", flush=True)
        if not args.skip_pymerkle:
            results["pymerkle"] = bench_pymerkle(args.entries)
            print(f"  pymerkle: {results['pymerkle']}", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    proof_ok = all(
        results["proofs"][k]["p95_ms"] < PROOF_TARGET_MS for k in ("inclusion", "consistency")
    )
    verify_ok = results["verify"]["seconds"] < VERIFY_TARGET_S and results["verify"]["ok"]
    results["targets"] = {"proofs_under_1ms_p95": proof_ok, "verify_under_60s": verify_ok}
    print()
    print(f"{'operation':<28}{'OneWindow p50/p95 ms':>24}{'pymerkle p50/p95 ms':>24}")
    other = results.get("pymerkle", {})
    for key in ("inclusion", "consistency", "root"):
        ours = results["proofs"][key]
        theirs = other.get(key)
        mine = f"{ours['p50_ms']:.3f} / {ours['p95_ms']:.3f}"
        them = f"{theirs['p50_ms']:.3f} / {theirs['p95_ms']:.3f}" if theirs else "—"
        print(f"{key:<28}{mine:>24}{them:>24}")
    http = results["proofs"]["inclusion_http"]
    via_http = f"{http['p50_ms']:.3f} / {http['p95_ms']:.3f}"
    print(f"{'inclusion via HTTP stack':<28}{via_http:>24}")
    print(
        f"appends/s: single {results['appends']['single_per_s']:,}, "
        f"batched {results['appends']['batched_per_s']:,}"
        + (f"; pymerkle {other['appends_per_s']:,}" if "appends_per_s" in other else "")
    )
    print(f"full verify: {results['verify']['seconds']} s ({results['verify']['per_s']:,}/s)")
    print(f"proofs < {PROOF_TARGET_MS} ms (p95): {'PASS' if proof_ok else 'FAIL'}")
    print(f"verify < {VERIFY_TARGET_S:.0f} s: {'PASS' if verify_ok else 'FAIL'}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = Path(args.json) if args.json else RESULTS_DIR / f"ledger-{stamp}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {path}")
    return 0 if proof_ok and verify_ok else 1


if __name__ == "__main__":
    sys.exit(main())
