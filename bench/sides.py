"""The comparison sides of bench/scale.py, each run in its own process so that its time and
memory are its own and a cap can stop it:

- ``rdflib``: rdflib's in-memory Dataset (the obvious choice a newcomer would make) loads the
  N-Quads file and runs the queries with rdflib's SPARQL engine;
- ``pyoxigraph``: raw pyoxigraph bulk-loads the same file into a fresh on-disk store and runs
  the same query texts with the same bound terms — no parameter lookup, no result conversion:
  the floor for our own overhead.

    python -m bench.sides rdflib|pyoxigraph PLAN.json

PLAN.json: {"nquads": path, "load_cap": s, "query_cap": s, "runs": n, "workdir": path,
"queries": [{"key", "text", "bindings": {variable: N-Triples term}}]}. Prints a JSON object:
load_seconds (null when capped), load_capped, peak_rss_mb, and per query key median_ms,
max_ms and rows, or {"capped": true}, or {"failed": "what the engine raised"}.
"""

from __future__ import annotations

import json
import resource
import signal
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.namespaces import PREFIXES


class CapReached(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise CapReached


def capped(seconds: float, work: Callable[[], Any]) -> tuple[Any, float | None]:
    """(result, seconds) of ``work``, or (None, None) when it took longer than ``seconds``.

    rdflib's parser and SPARQL engine are Python, so the alarm's exception stops them."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.perf_counter()
    try:
        result = work()
    except CapReached:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return result, time.perf_counter() - started


def run_rdflib(plan: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Dataset, Graph

    warnings.filterwarnings("ignore")  # rdflib's Dataset deprecations, not ours to fix
    dataset = Dataset(default_union=True)
    loaded, load_seconds = capped(
        plan["load_cap"], lambda: dataset.parse(plan["nquads"], format="nquads")
    )
    report: dict[str, Any] = {"load_seconds": load_seconds, "load_capped": loaded is None}
    if loaded is None:
        return report
    prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

    def term(ntriples: str) -> Any:
        graph = Graph().parse(data=f"<urn:s> <urn:p> {ntriples} .", format="nt")
        return next(iter(graph.objects()))

    def runner(query: dict[str, Any]) -> Callable[[], int]:
        bindings = {name: term(value) for name, value in query["bindings"].items()}
        text = prologue + query["text"]
        return lambda: len(list(dataset.query(text, initBindings=bindings)))

    report["queries"] = _time_queries(plan, runner)
    return report


def run_pyoxigraph(plan: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    folder = tempfile.mkdtemp(prefix="raw-", dir=plan["workdir"])
    store = ox.Store(str(Path(folder) / "store"))
    started = time.perf_counter()
    store.bulk_load(path=plan["nquads"], format=ox.RdfFormat.N_QUADS)
    store.flush()
    report: dict[str, Any] = {
        "load_seconds": time.perf_counter() - started,
        "load_capped": False,
        "store_mb": _folder_mb(Path(folder)),
    }

    def term(ntriples: str) -> Any:
        document = f"<urn:s> <urn:p> {ntriples} .".encode()
        return next(iter(ox.parse(document, format=ox.RdfFormat.N_TRIPLES))).object

    def runner(query: dict[str, Any]) -> Callable[[], int]:
        substitutions = {ox.Variable(name): term(v) for name, v in query["bindings"].items()}
        text = query["text"]

        def run() -> int:
            answer = store.query(
                text,
                prefixes=PREFIXES,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
            )
            return sum(1 for _ in answer)

        return run

    report["queries"] = _time_queries(plan, runner)
    return report


def _time_queries(
    plan: dict[str, Any], runner: Callable[[dict[str, Any]], Callable[[], int]]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for query in plan["queries"]:
        run = runner(query)
        timings: list[float] = []
        rows = 0
        failure = None
        for _ in range(plan["runs"] + 1):  # the first run warms up and is not counted
            try:
                rows, seconds = capped(plan["query_cap"], run)
            except Exception as error:  # noqa: BLE001 - an engine's failure is a result here
                # e.g. rdflib's ORDER BY over unbound values raises TypeError
                failure = f"{type(error).__name__}: {error}"
                break
            if seconds is None:
                break
            timings.append(seconds * 1000)
        if failure is not None:
            results[query["key"]] = {"failed": failure}
            continue
        if len(timings) < plan["runs"] + 1:
            results[query["key"]] = {"capped": True}
            continue
        counted = timings[1:]
        results[query["key"]] = {
            "rows": rows,
            "median_ms": round(statistics.median(counted), 3),
            "max_ms": round(max(counted), 3),
        }
    return results


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main(argv: list[str]) -> int:
    side, plan_path = argv
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    report = run_rdflib(plan) if side == "rdflib" else run_pyoxigraph(plan)
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
