"""How long checking consistency and materialising inferences take, and where HermiT stops
being practical.

For each municipality graph measured — the three cities, one generated municipality
(graph/generator, ~8,000 triples) and single graphs made of k generated municipalities merged
(as if one municipality were k times larger) — the same three steps the build runs
(graph/reasoning.reason_about):

- HermiT: the consistency check by HermiT; skipped above ``--hermit-cap`` triples;
- rules: the rule-based check that replaces HermiT above IKG_HERMIT_LIMIT (graph/inference.py);
- inference: materialising the inferred graph (rules, for every size).

Each as wall seconds and as CPU seconds (of the Java process for HermiT, of this process for
the rules), which other work on the machine does not inflate.

Then whole builds of ``--build-size`` generated municipalities into a temporary store, once
with HermiT for every municipality and once with the rules (IKG_HERMIT_LIMIT=-1).

Prints a table and writes bench/results/reasoning.json.

    python -m bench.reasoning [--merged "1 4 16 64"] [--hermit-cap 400000] [--build-size 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from rdflib import Graph

from graph.build import build
from graph.generator import write_generated_data
from graph.inference import materialise
from graph.mapping import MappedMunicipality, load_ontology, map_municipality, map_reference
from graph.reasoning import check_consistency, check_consistency_by_rules
from graph.settings import PROJECT_ROOT, Settings
from graph.sources import read_sources

DEFAULT_OUTPUT = PROJECT_ROOT / "bench" / "results" / "reasoning.json"


def mapped_municipalities(data_dir: Path, seeds_dir: Path | None) -> tuple[list, Graph]:
    """Every municipality of data_dir mapped as the build maps it, and the context graph."""
    data = read_sources(data_dir, seeds_dir)
    context = load_ontology() + map_reference(data.reference)
    return [map_municipality(m) for m in data.municipalities], context


def merged(municipalities: list[MappedMunicipality], name: str) -> MappedMunicipality:
    graph = Graph()
    for municipality in municipalities:
        graph += municipality.graph
    return MappedMunicipality(name, graph, {})


def measure(mapped: MappedMunicipality, context: Graph, hermit_cap: int) -> dict[str, Any]:
    row: dict[str, Any] = {"graph": mapped.slug, "triples": len(mapped.graph)}
    if len(mapped.graph) <= hermit_cap:
        cpu_before = _children_cpu()
        report = check_consistency(mapped.graph, ontology=context)
        row["hermit_s"] = round(report.seconds, 2)
        row["hermit_cpu_s"] = round(_children_cpu() - cpu_before, 2)
        row["hermit_consistent"] = report.consistent
    started, cpu_before = time.perf_counter(), time.process_time()
    by_rules = check_consistency_by_rules(mapped.graph, ontology=context)
    row["rules_s"] = round(time.perf_counter() - started, 2)
    row["rules_cpu_s"] = round(time.process_time() - cpu_before, 2)
    row["rules_consistent"] = by_rules.consistent
    started, cpu_before = time.perf_counter(), time.process_time()
    row["inferred_triples"] = len(materialise(mapped.graph, context))
    row["inference_s"] = round(time.perf_counter() - started, 2)
    row["inference_cpu_s"] = round(time.process_time() - cpu_before, 2)
    return row


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(data_dir: Path, store: Path, hermit_limit: int) -> float:
    started = time.perf_counter()
    os.environ["IKG_HERMIT_LIMIT"] = str(hermit_limit)
    try:
        build(data_dir, store, full=True)
    finally:
        del os.environ["IKG_HERMIT_LIMIT"]
    return round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--merged",
        default="1 4 16 64",
        help="sizes k: graphs of k generated municipalities merged into one",
    )
    parser.add_argument(
        "--hermit-cap",
        type=int,
        default=400_000,
        help="no HermiT run on graphs with more triples than this",
    )
    parser.add_argument(
        "--build-size",
        type=int,
        default=10,
        help="generated municipalities in the whole-build comparison (0: none)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    settings = Settings.from_env()
    sizes = [int(size) for size in args.merged.split()]

    rows = []
    cities, context = mapped_municipalities(settings.data_dir, settings.seeds_dir)
    for city in cities:
        rows.append(measure(city, context, args.hermit_cap))
        _print(rows[-1])
    builds: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ikg-bench-reasoning-") as folder:
        generated_dir = Path(folder) / "data"
        write_generated_data(generated_dir, municipalities=max(sizes + [args.build_size]))
        generated, generated_context = mapped_municipalities(generated_dir, None)
        # the mapped graphs are millions of objects; a full garbage collection walking them
        # in the middle of one measurement would be charged to it
        gc.collect()
        gc.freeze()
        for size in sizes:
            name = generated[0].slug if size == 1 else f"{size} merged"
            rows.append(measure(merged(generated[:size], name), generated_context, args.hermit_cap))
            _print(rows[-1])
        if args.build_size:
            build_dir = Path(folder) / "build-data"
            write_generated_data(build_dir, municipalities=args.build_size)
            builds = {
                "municipalities": args.build_size,
                "with_hermit_s": timed_build(build_dir, Path(folder) / "a", 10**9),
                "with_rules_s": timed_build(build_dir, Path(folder) / "b", -1),
            }
            print(
                f"build of {args.build_size} generated municipalities: "
                f"HermiT {builds['with_hermit_s']} s, rules {builds['with_rules_s']} s"
            )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "date": dt.date.today().isoformat(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"{platform.python_implementation()} {platform.python_version()}",
                "load_average": os.getloadavg(),
                "graphs": rows,
                "builds": builds,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {args.output}")


def _print(row: dict[str, Any]) -> None:
    hermit = (
        f"HermiT {row['hermit_s']:>6} s ({row['hermit_cpu_s']} s CPU)"
        if "hermit_s" in row
        else "HermiT  skipped"
    )
    print(
        f"{row['graph']:<16} {row['triples']:>7} triples  {hermit}  "
        f"rules {row['rules_s']:>5} s ({row['rules_cpu_s']} s CPU)  "
        f"inference {row['inference_s']:>5} s ({row['inference_cpu_s']} s CPU, "
        f"{row['inferred_triples']} triples)",
        flush=True,
    )


if __name__ == "__main__":
    main()
