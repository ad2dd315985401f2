"""SHACL violations found in a mapped graph are reported at the file and line of the record."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph

from graph.mapping import SHAPES_FILE, load_ontology, map_municipality, map_reference
from graph.namespaces import IKG, SKOS, entity_iri
from graph.sources import read_sources
from graph.validate import validate_graph
from tests.conftest import DATA_DIR, FIXTURES


def mapped_teststadt(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(FIXTURES / "sources" / "teststadt", data / "teststadt")
    sources = read_sources(data)
    context = load_ontology() + map_reference(sources.reference)
    return map_municipality(sources.municipality("teststadt")), context


def test_valid_fixture_conforms(tmp_path: Path) -> None:
    mapped, context = mapped_teststadt(tmp_path)
    report = validate_graph(mapped.graph, Graph().parse(SHAPES_FILE), context, mapped.locations)
    assert report.conforms, report.problems()


def test_violation_names_the_file_and_line_of_the_record(tmp_path: Path) -> None:
    mapped, context = mapped_teststadt(tmp_path)
    measure = entity_iri("teststadt", "sprachcafe")
    mapped.graph.add((measure, IKG.lead, entity_iri("teststadt", "awo")))  # a second lead
    awo = entity_iri("teststadt", "awo")
    mapped.graph.remove((awo, SKOS.prefLabel, None))  # an entity without a German label
    report = validate_graph(mapped.graph, Graph().parse(SHAPES_FILE), context, mapped.locations)
    assert not report.conforms
    problems = {(p.file, p.line, p.record_id) for p in report.problems()}
    assert ("data/teststadt/measures.yaml", 2, "sprachcafe") in problems
    assert ("data/teststadt/actors.yaml", 8, "awo") in problems
    # each fault once: nested detail results are not reported again
    assert len(report.violations) == len({(v.focus, v.shape) for v in report.violations})
