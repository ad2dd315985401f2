"""How the product scales from one municipality to all ~400 of North Rhine-Westphalia.

For each size N (default 1, 10, 100, 400) the generator (graph/generator) writes N fictional
municipalities in the source format into a temporary folder under var/, and then:

- build: ``ikg build`` as a subprocess — wall time, peak memory of its process tree, store size
  on disk; the time of reading the YAML alone (the sources' parse time); then the rebuild after
  one municipality's file changed (``ikg build`` again: only that municipality is prepared);
- queries: every named query with parameters of one municipality, each run ``--runs`` times
  after a warm-up (parameter lookup included, as for a user); ``compare`` also over all;
- viewer: ``ikg serve`` (waitress, the production server) on a free port, median latency over
  HTTP of the start page, one municipality's network page and its JSON, its coverage page;
- side by side: rdflib's in-memory Dataset and raw pyoxigraph load the same N-Quads from a file
  and run the same query texts with the same bound terms (bench/sides.py), each in its own
  process; rdflib is stopped at ``--rdflib-cap`` seconds for loading and ``--query-cap`` per
  query and shown as "> cap".

Prints tables and writes bench/results/scale-<date>.json.

    python -m bench.scale [--sizes "1 10 100 400"] [--runs 20] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from bench.process_tree import run_measured
from graph.generator import write_generated_data
from graph.manifest import Manifest
from graph.mapping import SHAPES_FILE, load_ontology, map_municipality, map_reference
from graph.namespaces import municipality_iri
from graph.queries import NamedQuery, bind_parameters, load_queries, run_named_query
from graph.settings import PROJECT_ROOT, Settings
from graph.shapes import ShapeChecker
from graph.sources import read_sources
from graph.sources.loader import parse_yaml
from graph.store import EmbeddedStore
from graph.validate import validate_graph

RESULTS = PROJECT_ROOT / "bench" / "results"
IKG = Path(sys.executable).with_name("ikg")
DEFAULT_SIZES = (1, 10, 100, 400)

#: Goals of issue 7, checked against the largest size measured.
GOAL_QUERY_MS = 20.0
GOAL_QUERY_GROWTH = 2.0
GOAL_COMPARE_ALL_MS = 1000.0
GOAL_BUILD_SECONDS = 180.0
GOAL_BUILD_MB = 4096.0
GOAL_BUILD_VS_FLOOR = 3.0
GOAL_REBUILD_SECONDS = 10.0
GOAL_VIEWER_MS = 100.0


# -- one size ------------------------------------------------------------------------------


def measure_size(n: int, arguments: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    folder = workdir / f"n{n}"
    data, store_path = folder / "data", folder / "store"
    report: dict[str, Any] = {"municipalities": n, "load_average_before": os.getloadavg()}
    started = time.perf_counter()
    slugs = write_generated_data(data, municipalities=n, seed=1)
    report["generate_seconds"] = round(time.perf_counter() - started, 2)
    slug = slugs[0]

    report["build"] = measure_build(data, store_path)
    report["rebuild"] = measure_rebuild(data, store_path, slug)
    report["validation"] = measure_validation(data, slug)
    store = EmbeddedStore(store_path)
    report["triples"] = store.quad_count()
    queries = load_queries(Settings.from_env().queries_dir)
    cases = query_cases(store, queries, slug)
    report["queries"] = {
        key: measure_query(store, queries[name], values, arguments.runs)
        for key, (name, values) in cases.items()
    }
    report["viewer"] = measure_viewer(store_path, slug, arguments.viewer_runs)

    nquads = folder / "graph.nq"
    nquads.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    plan = side_plan(store, queries, cases, nquads, arguments, folder)
    del store
    report["pyoxigraph"] = run_side("pyoxigraph", plan, folder)
    report["rdflib"] = run_side("rdflib", plan, folder)
    report["ratios"] = ratios(report)
    report["load_average_after"] = os.getloadavg()
    return report


def measure_build(data: Path, store_path: Path) -> dict[str, Any]:
    finished = run_measured([str(IKG), "build", "--data", str(data), "--store", str(store_path)])
    if finished.returncode != 0:
        raise RuntimeError(f"ikg build failed:\n{finished.stderr}{finished.stdout}")
    started = time.perf_counter()
    for path in sorted(data.rglob("*.yaml")):
        parse_yaml(path.read_text(encoding="utf-8"))
    parse_seconds = time.perf_counter() - started
    manifest = Manifest.read(store_path.resolve())
    steps = manifest.seconds if manifest is not None else {}
    return {
        "seconds": round(finished.seconds, 3),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "store_mb": round(folder_mb(store_path.resolve()), 1),
        "parse_seconds": round(parse_seconds, 3),
        # per step, summed over the worker processes (CPU-bound: about CPU seconds)
        "steps": {step: round(spent, 2) for step, spent in steps.items()},
    }


def measure_validation(data: Path, slug: str) -> dict[str, Any]:
    """One municipality's SHACL validation: pySHACL against the compiled shape checks."""
    sources = read_sources(data, only={slug})
    context = load_ontology() + map_reference(sources.reference)
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    graph = map_municipality(sources.municipalities[0]).graph
    started = time.perf_counter()
    pyshacl_conforms = validate_graph(graph, shapes, context).conforms
    pyshacl_seconds = time.perf_counter() - started
    checker = ShapeChecker(shapes, context)
    started = time.perf_counter()
    compiled_conforms = not checker.violations(graph)
    compiled_seconds = time.perf_counter() - started
    return {
        "triples": len(graph),
        "pyshacl_seconds": round(pyshacl_seconds, 3),
        "compiled_seconds": round(compiled_seconds, 3),
        "same_verdict": pyshacl_conforms == compiled_conforms,
    }


def measure_rebuild(data: Path, store_path: Path, slug: str) -> dict[str, Any]:
    """Rename one actor of one municipality, then build again: only it is prepared anew."""
    path = data / slug / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n    label: [^\n]+)", r"\1 (umbenannt)", text, count=1), "utf-8")
    finished = run_measured([str(IKG), "build", "--data", str(data), "--store", str(store_path)])
    if finished.returncode != 0:
        raise RuntimeError(f"ikg build (rebuild) failed:\n{finished.stderr}{finished.stdout}")
    found = re.search(r"Neu aufgebaut: ([^;]*);", finished.stdout)
    return {
        "seconds": round(finished.seconds, 3),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "rebuilt": found.group(1).split(", ") if found else None,
    }


def query_cases(
    store: EmbeddedStore, queries: dict[str, NamedQuery], slug: str
) -> dict[str, tuple[str, dict[str, str]]]:
    """Parameters for every query, taken from the generated municipality ``slug``."""
    city = municipality_iri(slug)
    picks = {
        "actor": "SELECT ?m ?x WHERE { ?x ikg:municipality ?m ; a org:Organization ; "
        "org:classification ?t . ?t skos:inScheme ref:actor-type . "
        "?ms org:member ?x } ORDER BY ?x LIMIT 1",
        "network": "SELECT ?m ?x WHERE { ?x ikg:municipality ?m ; "
        "a org:OrganizationalCollaboration . ?ms org:organization ?x } ORDER BY ?x LIMIT 1",
        "paper": "SELECT ?m ?x WHERE { ?x ikg:municipality ?m ; a ikg:Paper . "
        "?c ikg:paper ?x } ORDER BY ?x LIMIT 1",
        "action-field": "SELECT ?m ?x WHERE { ?e ikg:municipality ?m ; a ikg:ConceptEdition . "
        "FILTER NOT EXISTS { ?newer dcterms:replaces ?e } "
        "?x skos:inScheme ?e ; a ikg:ActionField } ORDER BY ?x LIMIT 1",
    }
    picked = {}
    for kind, sparql in picks.items():
        rows = store.query(sparql, {"m": city}).rows
        value = str(rows[0][1]) if rows else ""
        # entities by their id (slug/id), as the viewer's links name them
        picked[kind] = value.rsplit("/id/", 1)[-1]
    cases: dict[str, tuple[str, dict[str, str]]] = {}
    for name, query in queries.items():
        values: dict[str, str] = {}
        compares = any(p.type == "municipalities" for p in query.parameters)
        for parameter in query.parameters:
            if parameter.type == "municipality":
                values[parameter.name] = slug
            elif parameter.type == "municipalities":
                values[parameter.name] = slug
            elif compares and not parameter.required:
                # another way to choose whom to compare (compare's cooperation): the generated
                # data has no cooperations of municipalities, so it stays open
                continue
            elif parameter.type in picked:
                values[parameter.name] = picked[parameter.type]
            elif parameter.example is not None and parameter.required:
                values[parameter.name] = parameter.example
        cases[name] = (name, values)
        if any(p.type == "municipalities" for p in query.parameters):
            everything = {p.name: "" for p in query.parameters if p.type == "municipalities"}
            # generated municipalities are fictional: shown in a comparison only when asked
            for parameter in query.parameters:
                if parameter.type == "boolean":
                    everything[parameter.name] = "ja"
            cases[f"{name} (alle)"] = (name, everything)
    return cases


def measure_query(
    store: EmbeddedStore, query: NamedQuery, values: dict[str, str], runs: int
) -> dict[str, Any]:
    rows = len(run_named_query(store, query, values).rows)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run_named_query(store, query, values)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "parameters": values,
        "rows": rows,
        "median_ms": round(statistics.median(timings), 3),
        "max_ms": round(max(timings), 3),
    }


def measure_viewer(store_path: Path, slug: str, runs: int) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen(
        [str(IKG), "serve", "--store", str(store_path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    pages = {
        "start": "/",
        "netzwerk": f"/kommune/{slug}/netzwerk",
        "netzwerk.json": f"/kommune/{slug}/netzwerk.json",
        "abdeckung": f"/kommune/{slug}/abdeckung",
    }
    try:
        wait_for(base + "/", timeout=60)
        results = {}
        for name, path in pages.items():
            try:
                status, _ = fetch(base + path)  # warm-up
            except TimeoutError:
                # recorded as missed ("> 120 s"), not the end of the run and its other figures
                results[name] = {
                    "path": path,
                    "status": None,
                    "median_ms": None,
                    "max_ms": None,
                    "timed_out_s": PAGE_TIMEOUT_S,
                }
                continue
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                status, _ = fetch(base + path)
                timings.append((time.perf_counter() - started) * 1000)
            results[name] = {
                "path": path,
                "status": status,
                "median_ms": round(statistics.median(timings), 3),
                "max_ms": round(max(timings), 3),
            }
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def side_plan(
    store: EmbeddedStore,
    queries: dict[str, NamedQuery],
    cases: dict[str, tuple[str, dict[str, str]]],
    nquads: Path,
    arguments: argparse.Namespace,
    folder: Path,
) -> dict[str, Any]:
    """The same query texts with the terms our parameter lookup bound, for the other sides."""
    planned = []
    for key, (name, values) in cases.items():
        bindings = bind_parameters(store, queries[name], values)
        planned.append(
            {
                "key": key,
                "text": queries[name].text,
                "bindings": {var: term.n3() for var, term in bindings.items()},
            }
        )
    return {
        "nquads": str(nquads),
        "load_cap": arguments.rdflib_cap,
        "query_cap": arguments.query_cap,
        "runs": arguments.side_runs,
        "workdir": str(folder),
        "queries": planned,
    }


def run_side(side: str, plan: dict[str, Any], folder: Path) -> dict[str, Any]:
    plan_path = folder / f"plan-{side}.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    finished = run_measured(
        [sys.executable, "-m", "bench.sides", side, str(plan_path)],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    if finished.returncode != 0:
        raise RuntimeError(f"bench.sides {side} failed:\n{finished.stderr}")
    report = json.loads(finished.stdout)
    report["peak_rss_mb"] = round(max(report["peak_rss_mb"], finished.peak_rss_mb), 1)
    report["seconds"] = round(finished.seconds, 2)
    return report


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    raw, rdflib = report["pyoxigraph"], report["rdflib"]
    build = report["build"]
    floor = raw["load_seconds"] + build["parse_seconds"]
    result: dict[str, Any] = {
        "build_vs_raw_load": round(build["seconds"] / raw["load_seconds"], 2),
        "build_vs_raw_load_plus_parse": round(build["seconds"] / floor, 2),
        "rdflib_load_vs_raw_load": (
            None
            if rdflib["load_capped"]
            else round(rdflib["load_seconds"] / raw["load_seconds"], 1)
        ),
        "queries": {},
    }
    for key, ours in report["queries"].items():
        raw_query = raw["queries"].get(key, {})
        rdflib_query = (rdflib.get("queries") or {}).get(key, {"capped": True})
        result["queries"][key] = {
            "ours_vs_raw": _ratio(ours["median_ms"], raw_query.get("median_ms")),
            "rdflib_vs_ours": _ratio(rdflib_query.get("median_ms"), ours["median_ms"]),
        }
    return result


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


# -- goals ---------------------------------------------------------------------------------


def goals(sizes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every goal of issue 7 for the largest size measured, with the figure and verdict."""
    largest = sizes[max(sizes, key=int)]
    smallest = sizes[min(sizes, key=int)]
    n = largest["municipalities"]
    checks: list[dict[str, Any]] = []

    def check(goal: str, measured: float | None, limit: float) -> None:
        met = measured is not None and measured < limit
        checks.append({"goal": goal, "n": n, "measured": measured, "limit": limit, "met": met})

    # every query with one municipality's parameters; "(alle)" runs over all of them
    one = {key: f for key, f in largest["queries"].items() if not key.endswith("(alle)")}
    worst = max(one, key=lambda key: one[key]["median_ms"])
    check(
        f"single-municipality query median (slowest: {worst}) ms",
        one[worst]["median_ms"],
        GOAL_QUERY_MS,
    )
    growth = max(
        figures["median_ms"] / smallest["queries"][key]["median_ms"] for key, figures in one.items()
    )
    check(
        f"growth of single-municipality medians N={smallest['municipalities']}→{n} (×)",
        round(growth, 2),
        GOAL_QUERY_GROWTH,
    )
    if "compare (alle)" in largest["queries"]:
        check(
            "compare over all municipalities, median ms",
            largest["queries"]["compare (alle)"]["median_ms"],
            GOAL_COMPARE_ALL_MS,
        )
    build = largest["build"]
    check("ikg build, s", build["seconds"], GOAL_BUILD_SECONDS)
    check("ikg build, peak memory MiB", build["peak_rss_mb"], GOAL_BUILD_MB)
    check(
        "ikg build ÷ (raw pyoxigraph load + YAML parse)",
        largest["ratios"]["build_vs_raw_load_plus_parse"],
        GOAL_BUILD_VS_FLOOR,
    )
    check(
        "rebuild after one municipality changed, s",
        largest["rebuild"]["seconds"],
        GOAL_REBUILD_SECONDS,
    )
    for page in ("netzwerk", "netzwerk.json", "abdeckung"):
        check(
            f"viewer page {page} of one municipality, median ms",
            largest["viewer"][page]["median_ms"],
            GOAL_VIEWER_MS,
        )
    return checks


# -- output --------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    lines = []
    for n, size in report["sizes"].items():
        build, rebuild, ratio = size["build"], size["rebuild"], size["ratios"]
        raw, rdflib = size["pyoxigraph"], size["rdflib"]
        rdflib_load = (
            f"> {report['caps']['rdflib_load_s']:.0f} s (cap)"
            if rdflib["load_capped"]
            else f"{rdflib['load_seconds']:.1f} s, {rdflib['peak_rss_mb']:.0f} MiB"
        )
        lines += [
            f"N = {n}: {size['triples']:,} Tripel, Last vorher "
            f"{size['load_average_before'][0]:.1f} / nachher {size['load_average_after'][0]:.1f}",
            f"  ikg build {build['seconds']:.1f} s, {build['peak_rss_mb']:.0f} MiB Spitze, "
            f"Store {build['store_mb']:.0f} MiB; YAML lesen {build['parse_seconds']:.1f} s; "
            f"neu nach Änderung einer Kommune {rebuild['seconds']:.1f} s "
            f"({', '.join(rebuild['rebuilt'] or ['?'])})",
            "  Schritte (s, über Prozesse summiert): "
            + ", ".join(f"{step} {spent:.1f}" for step, spent in build.get("steps", {}).items()),
            f"  SHACL einer Kommune ({size['validation']['triples']:,} Tripel): pySHACL "
            f"{size['validation']['pyshacl_seconds']:.2f} s, kompiliert "
            f"{size['validation']['compiled_seconds']:.3f} s",
            f"  raw pyoxigraph laden {raw['load_seconds']:.1f} s, {raw['peak_rss_mb']:.0f} MiB; "
            f"rdflib laden {rdflib_load}; Build ÷ raw {ratio['build_vs_raw_load']}, "
            f"÷ (raw + YAML) {ratio['build_vs_raw_load_plus_parse']}",
        ]
        width = max(len(key) for key in size["queries"])
        lines.append(
            f"  {'Abfrage':{width}}  {'Zeilen':>6}  {'Median':>8}  {'Max':>8}  {'raw':>8}  "
            f"{'rdflib':>10}  {'÷ raw':>6}  {'rdflib ÷':>8}"
        )
        for key, ours in size["queries"].items():
            raw_query = raw["queries"].get(key, {})
            rdflib_query = (rdflib.get("queries") or {}).get(key, {"capped": True})
            if rdflib_query.get("capped"):
                rdflib_text = f"> {report['caps']['rdflib_query_s']:.0f} s"
            elif "failed" in rdflib_query:
                rdflib_text = "Fehler"  # the engine raised; the JSON has its message
            else:
                rdflib_text = f"{rdflib_query['median_ms']:.1f}"
            q_ratio = ratio["queries"][key]
            lines.append(
                f"  {key:{width}}  {ours['rows']:>6}  {ours['median_ms']:>8.2f}  "
                f"{ours['max_ms']:>8.2f}  {raw_query.get('median_ms', float('nan')):>8.2f}  "
                f"{rdflib_text:>10}  {_show(q_ratio['ours_vs_raw']):>6}  "
                f"{_show(q_ratio['rdflib_vs_ours']):>8}"
            )
        viewer = size["viewer"]
        lines.append(
            "  Viewer (Median ms): "
            + ", ".join(
                f"{page} {_show(figures['median_ms'])}"
                if figures["median_ms"] is not None
                else f"{page} > {figures['timed_out_s']} s"
                for page, figures in viewer.items()
            )
        )
        lines.append("")
    lines.append("Ziele (größtes N):")
    for goal in report["goals"]:
        verdict = "erfüllt" if goal["met"] else "VERFEHLT"
        lines.append(f"  {verdict:9} {goal['goal']}: {goal['measured']} (< {goal['limit']})")
    return "\n".join(lines)


def _show(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


# -- helpers -------------------------------------------------------------------------------


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


#: how long a viewer page may take before it is recorded as missed
PAGE_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT_S) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def wait_for(url: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fetch(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration, ValueError):
        memory_kib = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": metadata.version("pyoxigraph"),
        "rdflib": metadata.version("rdflib"),
    }


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    var = PROJECT_ROOT / "var"
    var.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=var))
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "runs": arguments.runs,
        "viewer_runs": arguments.viewer_runs,
        "side_runs": arguments.side_runs,
        "caps": {"rdflib_load_s": arguments.rdflib_cap, "rdflib_query_s": arguments.query_cap},
        "sizes": {},
    }
    try:
        for n in arguments.sizes:
            print(f"… N = {n}", file=sys.stderr, flush=True)
            report["sizes"][str(n)] = measure_size(n, arguments, workdir)
            if not arguments.keep:
                shutil.rmtree(workdir / f"n{n}", ignore_errors=True)
    finally:
        if not arguments.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report["goals"] = goals(report["sizes"])
    return report


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=" ".join(map(str, DEFAULT_SIZES)),
        help='numbers of municipalities, e.g. "1 10 100 400" (default)',
    )
    parser.add_argument("--runs", type=int, default=20, help="runs per query (default 20)")
    parser.add_argument("--viewer-runs", type=int, default=10, help="requests per page")
    parser.add_argument("--side-runs", type=int, default=3, help="runs per query, other sides")
    parser.add_argument("--rdflib-cap", type=float, default=120.0, help="s for rdflib to load")
    parser.add_argument("--query-cap", type=float, default=30.0, help="s per rdflib query")
    parser.add_argument("--output", type=Path, default=None, help="JSON file to write")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and stores")
    arguments = parser.parse_args(argv)
    arguments.sizes = [int(size) for size in re.split(r"[\s,]+", arguments.sizes.strip())]
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    report = run(arguments)
    print(table(report))
    output = arguments.output or RESULTS / f"scale-{report['date']}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"→ {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
