"""Latency of every named query on the built-in data.

Builds data/ into a temporary store (the same build as `ikg build`), runs every query with the
example parameters of its header N times, prints median and maximum latency per query in
milliseconds and writes bench/results/queries.json. Parameter binding (entity lookup) is part
of each timed run, as it is for a user.

    python -m bench.queries [--runs 50] [--output bench/results/queries.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from graph.build import build
from graph.queries import NamedQuery, load_queries, run_named_query
from graph.settings import PROJECT_ROOT, Settings
from graph.store import EmbeddedStore

DEFAULT_OUTPUT = PROJECT_ROOT / "bench" / "results" / "queries.json"


def example_values(query: NamedQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.parameters if p.example is not None}


def measure(store: EmbeddedStore, query: NamedQuery, runs: int) -> dict[str, float | int]:
    """Milliseconds per run of one query with its example values (one untimed warm-up run)."""
    values = example_values(query)
    rows = len(run_named_query(store, query, values).rows)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run_named_query(store, query, values)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "rows": rows,
        "runs": runs,
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
    }


def run_benchmark(runs: int, data_dir: Path, queries_dir: Path) -> dict[str, object]:
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="ikg-bench-") as folder:
        store_path = Path(folder) / "store"
        started = time.perf_counter()
        summary = build(data_dir, store_path, seeds_dir=settings.seeds_dir)
        build_seconds = time.perf_counter() - started
        store = EmbeddedStore(store_path)
        queries = load_queries(queries_dir)
        results = {
            name: {"parameters": example_values(query), **measure(store, query, runs)}
            for name, query in queries.items()
        }
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "triples": summary.triples,
        "build_seconds": round(build_seconds, 2),
        "runs": runs,
        "queries": results,
    }


def table(report: dict[str, object]) -> str:
    queries: dict[str, dict[str, object]] = report["queries"]  # type: ignore[assignment]
    width = max(len(name) for name in queries)
    lines = [
        f"{'Abfrage':{width}}  {'Zeilen':>6}  {'Median ms':>9}  {'Max ms':>8}",
        f"{'─' * width}  {'─' * 6}  {'─' * 9}  {'─' * 8}",
    ]
    for name, figures in queries.items():
        lines.append(
            f"{name:{width}}  {figures['rows']:>6}  {figures['median_ms']:>9.2f}  "
            f"{figures['max_ms']:>8.2f}"
        )
    lines.append(
        f"({report['runs']} Läufe je Abfrage, {report['triples']} Tripel, "
        f"{report['machine']['cpus']} CPUs)"  # type: ignore[index]
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="runs per query (default 50)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--data", type=Path, default=None, help="data folder (default data/)")
    arguments = parser.parse_args(argv)
    settings = Settings.from_env()
    report = run_benchmark(
        arguments.runs, arguments.data or settings.data_dir, settings.queries_dir
    )
    print(table(report))
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"→ {arguments.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
