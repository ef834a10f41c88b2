"""Guidance benchmark: accuracy per query kind, latency, index build time and memory.

Builds the engine in-process from the repository files (the reference catalog and the curated
lexicon; no database), then:

* accuracy — top-1, top-3 and MRR per query kind on ``shared/data/guidance/dev.jsonl`` (when
  present) and on our own labelled set ``src/onewindow/guidance/data/queries.jsonl``;
* latency — p50/p95/p99 of ``Engine.search`` over all those queries, on the 240-document
  reference catalog and on a synthetic catalog of 20,000 items;
* build — seconds to build each index and the memory it takes: resident memory before and
  after, the peak resident memory reached while building, and for the reference index the
  Python-level size and build peak (tracemalloc, which also sees numpy's arrays);
* the optional semantic signal (``pip install .[semantic]``) on the reference catalog, when the
  package is installed, with accuracy and latency beside the default stack.

Targets (issue #5): top-1 ≥ 95 % and top-3 ≥ 99 % on unseen queries; p95 < 10 ms at 240 items
and < 30 ms at 20,000. Results: a table on stdout and ``bench/results/guidance-<time>.json``.

Run: ``.venv/bin/python bench/guidance.py [--synthetic 20000] [--no-semantic] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from onewindow.guidance.engine import BundleDoc, Corpus, Engine, ItemDoc, RuleKind  # noqa: E402
from onewindow.guidance.engine.lexicon_file import parse_lexicon  # noqa: E402
from onewindow.guidance.engine.semantic import Embedder, load_embedder  # noqa: E402

CATALOG = ROOT / "src" / "onewindow" / "catalog" / "data"
LEXICON = ROOT / "src" / "onewindow" / "guidance" / "data" / "lexicon.txt"
EXAMPLES = ROOT / "src" / "onewindow" / "guidance" / "data" / "examples.txt"
OWN_SET = ROOT / "src" / "onewindow" / "guidance" / "data" / "queries.jsonl"
DEV_SET = ROOT.parent / "shared" / "data" / "guidance" / "dev.jsonl"
RESULTS = ROOT / "bench" / "results"

TARGET_TOP1, TARGET_TOP3 = 0.95, 0.99
TARGET_P95_MS = {"reference": 10.0, "synthetic": 30.0}


@dataclass(frozen=True)
class Query:
    q: str
    expect: tuple[str, ...]
    kind: str


@dataclass
class Score:
    n: int = 0
    top1: int = 0
    top3: int = 0
    rr: float = 0.0

    def add(self, codes: Sequence[str], expect: Sequence[str]) -> None:
        self.n += 1
        self.top1 += bool(codes) and codes[0] in expect
        self.top3 += any(c in expect for c in codes[:3])
        rank = next((i for i, c in enumerate(codes, start=1) if c in expect), None)
        self.rr += 1.0 / rank if rank else 0.0

    def as_dict(self) -> dict[str, float | int]:
        n = max(self.n, 1)
        return {
            "n": self.n,
            "top1": round(self.top1 / n, 4),
            "top3": round(self.top3 / n, 4),
            "mrr": round(self.rr / n, 4),
        }


@dataclass
class Accuracy:
    kinds: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    total: Score = field(default_factory=Score)
    misses: list[dict[str, Any]] = field(default_factory=list)


def read_queries(path: Path) -> list[Query]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Query(r["q"], tuple(r["expect"]), r["kind"]) for r in rows]


def reference_corpus() -> Corpus:
    items = json.loads((CATALOG / "items.json").read_text(encoding="utf-8"))
    bundles = json.loads((CATALOG / "bundles.json").read_text(encoding="utf-8"))
    curated = parse_lexicon(LEXICON.read_text(encoding="utf-8"))
    examples = parse_lexicon(EXAMPLES.read_text(encoding="utf-8")) if EXAMPLES.exists() else None
    departments = {
        d["code"]: d["name"]
        for d in json.loads((CATALOG / "departments.json").read_text(encoding="utf-8"))
    }
    return Corpus(
        items=tuple(
            ItemDoc(
                i["code"],
                i["name"],
                tuple(i["aliases"]),
                tuple(i["keywords"]),
                i["description"],
                departments[i["department_code"]],
                i["target"],
            )
            for i in items
        ),
        bundles=tuple(
            BundleDoc(b["code"], b["name"], b["description"], tuple(b["item_codes"]))
            for b in bundles
        ),
        rules=(*curated.rules, *(examples.rules if examples else ())),
        families=tuple(curated.families),
        cues=tuple(curated.cues),
    )


_DISTRICTS = ("东城", "西城", "南湖", "北山", "高新", "新区", "临港", "滨江", "东湖", "西山")
_QUALIFIERS = (
    "个人",
    "单位",
    "企业",
    "异地",
    "跨省",
    "首次",
    "变更",
    "延续",
    "注销",
    "补办",
    "特殊情形",
    "告知承诺",
    "网上办理",
    "容缺受理",
)


def synthetic_corpus(reference: Corpus, size: int, seed: int = 5) -> Corpus:
    """The reference catalog plus generated items up to ``size``: district variants of real
    items with qualifiers and shuffled aliases, so that names, vocabulary and posting lists
    grow as a provincial catalog's would."""
    rng = random.Random(seed)
    chars = sorted({ch for item in reference.items for ch in item.name + item.description})
    items = list(reference.items)
    serial = 0
    while len(items) < size:
        base = reference.items[serial % len(reference.items)]
        serial += 1
        district = rng.choice(_DISTRICTS)
        qualifier = rng.choice(_QUALIFIERS)
        noise = "".join(rng.choice(chars) for _ in range(2))
        aliases = [f"{district}{a}" for a in rng.sample(base.aliases, k=min(3, len(base.aliases)))]
        items.append(
            ItemDoc(
                code=f"SYN-{serial:05d}",
                name=f"{district}区{base.name}（{qualifier}{noise}）",
                aliases=(*aliases, f"{qualifier}{base.name}"),
                keywords=base.keywords,
                description=f"{district}区实施：{base.description}",
                department=base.department,
                target=base.target,
            )
        )
    return Corpus(
        items=tuple(items),
        bundles=reference.bundles,
        rules=reference.rules,
        families=reference.families,
        cues=reference.cues,
    )


def _rss_mib() -> float:
    """Resident memory of this process (Linux /proc), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_rss_mib() -> float:
    """The highest resident memory this process has had so far (Linux: KiB), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(
    corpus: Corpus, embedder: Embedder | None = None, *, trace: bool = False
) -> tuple[Engine, dict[str, Any]]:
    """Build once for time and resident memory; with ``trace`` build a second time under
    tracemalloc (five times slower) for the Python-level size of the index."""
    gc.collect()
    rss, peak_before = _rss_mib(), _peak_rss_mib()
    started = time.perf_counter()
    engine = Engine(corpus, embedder=embedder)
    seconds = time.perf_counter() - started
    rss_delta = _rss_mib() - rss
    # The build's own peak over the resident memory before it; unknown (None) when an
    # earlier moment of the run was higher still.
    peak_after = _peak_rss_mib()
    peak_delta = round(peak_after - rss, 1) if peak_after > peak_before else None
    current = peak = 0
    if trace:
        tracemalloc.start()
        traced = Engine(corpus, embedder=embedder)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del traced
        gc.collect()
    return engine, {
        "documents": engine.stats.documents,
        "phrases": engine.stats.phrases,
        "rules": engine.stats.rules,
        "families": engine.stats.families,
        "build_seconds": round(seconds, 3),
        "rss_growth_mib": round(rss_delta, 1),
        "peak_rss_growth_mib": peak_delta,
        "traced_mib": round(current / 2**20, 1) if trace else None,
        "traced_build_peak_mib": round(peak / 2**20, 1) if trace else None,
        "bm25_matrix_mib": round(engine.stats.index_bytes / 2**20, 2),
    }


def accuracy(engine: Engine, queries: Sequence[Query]) -> Accuracy:
    result = Accuracy()
    for query in queries:
        codes = [r.code for r in engine.search(query.q, 5).results]
        result.kinds[query.kind].add(codes, query.expect)
        result.total.add(codes, query.expect)
        if not codes or codes[0] not in query.expect:
            result.misses.append({"q": query.q, "expect": query.expect, "got": codes[:3]})
    return result


def latency(engine: Engine, queries: Sequence[Query], repeat: int) -> dict[str, float]:
    for query in queries[:20]:
        engine.search(query.q, 5)  # warm caches (pinyin of new words, numpy paths)
    samples: list[float] = []
    for _ in range(repeat):
        for query in queries:
            started = time.perf_counter()
            engine.search(query.q, 5)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()

    def pct(p: float) -> float:
        return round(samples[min(len(samples) - 1, int(p * len(samples)))], 3)

    return {
        "queries": len(samples),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(samples[-1], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


def report_accuracy(label: str, result: Accuracy) -> dict[str, Any]:
    print(f"\n{label}")
    print(f"  {'kind':<12}{'n':>5}{'top1':>8}{'top3':>8}{'mrr':>8}")
    body: dict[str, Any] = {"kinds": {}, "misses": result.misses}
    for kind, score in sorted(result.kinds.items()):
        row = score.as_dict()
        body["kinds"][kind] = row
        print(f"  {kind:<12}{row['n']:>5}{row['top1']:>8.3f}{row['top3']:>8.3f}{row['mrr']:>8.3f}")
    total = result.total.as_dict()
    body["total"] = total
    top1, top3, mrr = total["top1"], total["top3"], total["mrr"]
    print(f"  {'ALL':<12}{total['n']:>5}{top1:>8.3f}{top3:>8.3f}{mrr:>8.3f}")
    return body


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="智能导办基准测试")
    parser.add_argument("--synthetic", type=int, default=20_000, help="合成目录的事项数")
    parser.add_argument("--repeat", type=int, default=3, help="延迟测量时每条查询重复次数")
    parser.add_argument("--no-semantic", action="store_true", help="不测语义信号")
    parser.add_argument("--json", type=Path, default=None, help="结果 JSON 路径")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="另加一个查询集（JSON Lines，q / expect / kind），如 blind=queries.jsonl",
    )
    args = parser.parse_args(argv)

    sets = {"own": read_queries(OWN_SET)}
    if DEV_SET.exists():
        sets["dev"] = read_queries(DEV_SET)
    for spec in args.set:
        name, _, path = spec.partition("=")
        sets[name] = read_queries(Path(path))
    everything = [q for queries in sets.values() for q in queries]
    out: dict[str, Any] = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "targets": {"top1": TARGET_TOP1, "top3": TARGET_TOP3, "p95_ms": TARGET_P95_MS},
    }

    reference = reference_corpus()
    engine, stats = build(reference, trace=True)
    print(f"reference index: {stats}")
    out["reference"] = {"build": stats, "accuracy": {}}
    for name, queries in sets.items():
        out["reference"]["accuracy"][name] = report_accuracy(
            f"accuracy on {name} ({len(queries)} queries)", accuracy(engine, queries)
        )
    out["reference"]["latency"] = latency(engine, everything, args.repeat)
    print(f"\nlatency, {stats['documents']} documents: {out['reference']['latency']}")

    # What the example questions (常见问法) add: the same engine without them.
    plain = replace(
        reference, rules=tuple(r for r in reference.rules if r.kind != RuleKind.EXAMPLE)
    )
    if len(plain.rules) < len(reference.rules):
        without = Engine(plain)
        out["without_examples"] = {
            name: report_accuracy(f"without example questions, {name}", accuracy(without, queries))[
                "total"
            ]
            for name, queries in sets.items()
        }
        del without

    if args.synthetic > len(reference.items):
        big, big_stats = build(synthetic_corpus(reference, args.synthetic))
        print(f"\nsynthetic index: {big_stats}")
        out["synthetic"] = {"build": big_stats, "latency": latency(big, everything, args.repeat)}
        # The real items are still in the big catalog: how much do 20,000 neighbours cost?
        out["synthetic"]["accuracy_own"] = accuracy(big, sets["own"]).total.as_dict()
        print(f"latency, {big_stats['documents']} documents: {out['synthetic']['latency']}")
        print(f"accuracy on own set inside the big catalog: {out['synthetic']['accuracy_own']}")
        del big

    if not args.no_semantic:
        embedder = load_embedder()
        if embedder is None:
            out["semantic"] = {"available": False, "note": "semantic extra not installed"}
            print("\nsemantic: not installed (pip install .[semantic])")
        else:
            sem, sem_stats = build(reference, embedder)
            out["semantic"] = {"available": True, "build": sem_stats, "accuracy": {}}
            for name, queries in sets.items():
                out["semantic"]["accuracy"][name] = report_accuracy(
                    f"with the semantic signal, {name}", accuracy(sem, queries)
                )
            out["semantic"]["latency"] = latency(sem, everything, 1)
            print(f"latency with the semantic signal: {out['semantic']['latency']}")

    verdicts = {
        "reference_p95": out["reference"]["latency"]["p95_ms"] < TARGET_P95_MS["reference"],
    }
    if "synthetic" in out:
        verdicts["synthetic_p95"] = (
            out["synthetic"]["latency"]["p95_ms"] < TARGET_P95_MS["synthetic"]
        )
    for name in sets:
        total = out["reference"]["accuracy"][name]["total"]
        verdicts[f"{name}_top1"] = total["top1"] >= TARGET_TOP1
        verdicts[f"{name}_top3"] = total["top3"] >= TARGET_TOP3
    out["verdicts"] = verdicts
    print("\n" + "  ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in verdicts.items()))

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = args.json or RESULTS / f"guidance-{stamp}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
