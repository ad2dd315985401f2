"""The scale benchmark runs end to end at a tiny size and writes every section of its report.

A smoke test: it checks that each figure is there and positive, not how fast anything is
(timing goals live in the benchmark and the README, not in tests).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bench import scale, sides
from graph.settings import PROJECT_ROOT

# the benchmark builds and queries generated municipalities, and asks `ikg serve` over HTTP
pytestmark = [pytest.mark.slow, pytest.mark.server]

QUERY_CAP = 5.0


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    output = tmp_path_factory.mktemp("bench") / "scale.json"
    before = set((PROJECT_ROOT / "var").glob("bench-scale-*"))
    arguments = [
        "--sizes", "1",
        "--runs", "2",
        "--viewer-runs", "2",
        "--side-runs", "1",
        "--rdflib-cap", "120",
        "--query-cap", str(QUERY_CAP),
        "--output", str(output),
    ]  # fmt: skip
    assert scale.main(arguments) == 0
    assert set((PROJECT_ROOT / "var").glob("bench-scale-*")) == before, "work folder left"
    return json.loads(output.read_text(encoding="utf-8")), scale.table(
        json.loads(output.read_text(encoding="utf-8"))
    )


def test_the_report_has_every_section(report: tuple[dict[str, Any], str]) -> None:
    document, _ = report
    assert {"date", "machine", "caps", "sizes", "goals"} <= set(document)
    assert document["machine"]["cores"] >= 1 and document["machine"]["memory_gib"] > 0
    size = document["sizes"]["1"]
    for section in ("build", "rebuild", "queries", "viewer", "pyoxigraph", "rdflib", "ratios"):
        assert section in size, section
    assert size["triples"] > 1000
    assert len(size["load_average_before"]) == 3


def test_build_and_rebuild_figures_are_positive(report: tuple[dict[str, Any], str]) -> None:
    size = report[0]["sizes"]["1"]
    for key in ("seconds", "peak_rss_mb", "store_mb", "parse_seconds"):
        assert size["build"][key] > 0, key
    assert size["rebuild"]["seconds"] > 0 and size["rebuild"]["peak_rss_mb"] > 0
    assert size["rebuild"]["rebuilt"] == ["musterstadt-001"]


def test_every_named_query_is_measured_for_one_and_compare_for_all(
    report: tuple[dict[str, Any], str],
) -> None:
    queries = report[0]["sizes"]["1"]["queries"]
    names = {path.stem for path in (PROJECT_ROOT / "queries").glob("*.rq")}
    assert names <= set(queries)
    assert "compare (alle)" in queries
    for key, figures in queries.items():
        assert figures["median_ms"] > 0 and figures["max_ms"] >= figures["median_ms"], key
        assert figures["rows"] > 0, key


def test_viewer_pages_answer_over_http(report: tuple[dict[str, Any], str]) -> None:
    viewer = report[0]["sizes"]["1"]["viewer"]
    assert set(viewer) == {"start", "netzwerk", "netzwerk.json", "abdeckung"}
    for page, figures in viewer.items():
        assert figures["status"] == 200, page
        assert figures["median_ms"] > 0, page


def test_the_other_sides_run_the_same_queries(report: tuple[dict[str, Any], str]) -> None:
    size = report[0]["sizes"]["1"]
    raw, rdflib = size["pyoxigraph"], size["rdflib"]
    assert raw["load_seconds"] > 0 and raw["peak_rss_mb"] > 0
    assert not rdflib["load_capped"] and rdflib["load_seconds"] > 0
    for key, ours in size["queries"].items():
        assert raw["queries"][key]["rows"] == ours["rows"], key
        other = rdflib["queries"][key]
        assert other.get("capped") or other.get("failed") or other["median_ms"] > 0, key
    assert size["ratios"]["build_vs_raw_load"] > 0
    assert size["ratios"]["queries"]["action-fields"]["ours_vs_raw"] > 0


def test_goals_are_judged_and_a_capped_side_is_shown_as_more_than_the_cap(
    report: tuple[dict[str, Any], str],
) -> None:
    document, text = report
    assert len(document["goals"]) >= 8
    assert all({"goal", "measured", "limit", "met"} <= set(goal) for goal in document["goals"])
    assert "Ziele" in text and "action-fields" in text
    capped = copy.deepcopy(document)
    capped["sizes"]["1"]["rdflib"] = {"load_seconds": None, "load_capped": True}
    assert "> 120 s (cap)" in scale.table(capped)
    assert f"> {QUERY_CAP:.0f} s" in scale.table(capped)


def test_sizes_are_read_from_one_argument() -> None:
    assert scale.parse_arguments(["--sizes", "1 10,100"]).sizes == [1, 10, 100]
    assert scale.parse_arguments([]).sizes == [1, 10, 100, 400]


def test_make_bench_runs_the_scale_benchmark_with_chosen_sizes() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert '-m bench.scale --sizes "$(N)"' in makefile
    assert "N ?= 1 10 100 400" in makefile


def test_a_query_the_other_engine_cannot_run_is_reported_not_fatal() -> None:
    """rdflib raises TypeError on ORDER BY over some unbound values: a figure, not a crash."""

    def runner(query: dict[str, Any]):
        def run() -> int:
            if query["key"] == "broken":
                raise TypeError("'<' not supported")
            return 3

        return run

    plan = {"runs": 2, "query_cap": 5.0, "queries": [{"key": "broken"}, {"key": "fine"}]}
    results = sides._time_queries(plan, runner)
    assert results["broken"] == {"failed": "TypeError: '<' not supported"}
    assert results["fine"]["rows"] == 3 and results["fine"]["median_ms"] >= 0
