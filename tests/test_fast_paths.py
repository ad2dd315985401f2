"""The faster routes a large build takes give the same answers as the reference routes:
the compiled shape checks (graph/shapes.py) the same results as pySHACL, and libyaml the same
documents, with the same lines, as PyYAML's Python parser."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from graph.build import prepare
from graph.generator import write_generated_data
from graph.mapping import ONTOLOGY_FILE, SHAPES_FILE, load_ontology, map_municipality, map_reference
from graph.namespaces import IKG, ONTOLOGY_GRAPH, RDF, SH, SKOS, municipality_iri, slug_of_graph
from graph.queries import ENTITY_CANDIDATES, _candidates
from graph.shapes import Result, ShapeChecker, UnsupportedShapes
from graph.sources import read_sources
from graph.sources.loader import _PositionLoader, parse_yaml
from graph.store import EmbeddedStore
from tests.conftest import DATA_DIR, FIXTURES, SEEDS_DIR

CASES = sorted((FIXTURES / "ontology").glob("*valid/*.ttl"))
SHAPE_CASES = FIXTURES / "ontology"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def context() -> Graph:
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    return ontology + Graph().parse(SHAPE_CASES / "reference.ttl", format="turtle")


def pyshacl_results(data: Graph, shapes: Graph, context: Graph) -> set[Result]:
    """The top-level results of pySHACL's report, validated as graph/validate.py does."""
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=context, inference="none", allow_warnings=True
    )
    top = report.value(predicate=RDF.type, object=SH.ValidationReport)
    return {
        Result(
            focus=report.value(result, SH.focusNode),
            shape=report.value(result, SH.sourceShape),
            component=str(report.value(result, SH.sourceConstraintComponent)).rsplit("#")[-1],
            value=report.value(result, SH.value),
        )
        for result in report.objects(top, SH.result)
    }


def assert_same_results(data: Graph, shapes: Graph, context: Graph) -> set[Result]:
    expected = pyshacl_results(data, shapes, context)
    found = ShapeChecker(shapes, context).violations(data)
    assert len(found) == len(set(found))
    assert set(found) == expected
    return expected


@pytest.mark.parametrize("case", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_shape_checks_give_pyshacls_results_on_every_fixture(
    case: Path, shapes: Graph, context: Graph
) -> None:
    data = Graph().parse(SHAPE_CASES / "base.ttl", format="turtle").parse(case, format="turtle")
    results = assert_same_results(data, shapes, context)
    assert bool(results) == (case.parent.name == "invalid")


def test_shape_checks_give_pyshacls_results_on_the_real_data(shapes: Graph) -> None:
    prepared = prepare(DATA_DIR, SEEDS_DIR)
    context = prepared.shared[ONTOLOGY_GRAPH] + next(
        graph for iri, graph in prepared.shared.items() if iri != ONTOLOGY_GRAPH
    )
    for iri, graph in prepared.graphs.items():
        if slug_of_graph(iri) is not None:  # the stated facts; inferred graphs have no shapes
            assert assert_same_results(graph, shapes, context) == set()


def test_shape_checks_give_pyshacls_results_on_damaged_generated_data(
    tmp_path: Path, shapes: Graph
) -> None:
    """A generated municipality with a few hundred random faults of the kinds the shapes
    catch: labels, types, links, dates and counts removed, doubled or replaced."""
    write_generated_data(tmp_path, municipalities=1, reference_from=DATA_DIR)
    sources = read_sources(tmp_path)
    context = load_ontology() + map_reference(sources.reference)
    graph = map_municipality(sources.municipalities[0]).graph
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    chance = random.Random(7)
    for subject, predicate, obj in chance.sample(triples, 300):
        fault = chance.randrange(4)
        if fault == 0:
            graph.remove((subject, predicate, obj))
        elif fault == 1:
            graph.add((subject, predicate, Literal("kaputt", lang="de")))
        elif fault == 2:
            graph.add((subject, predicate, URIRef(str(subject) + "/fremd")))
        else:
            graph.add((subject, RDF.type, chance.choice([IKG.Measure, SKOS.Concept, IKG.Paper])))
    assert len(assert_same_results(graph, shapes, context)) > 50


def test_a_shape_beyond_the_supported_part_of_shacl_is_refused(
    shapes: Graph, context: Graph
) -> None:
    extended = Graph()
    for triple in shapes:
        extended.add(triple)
    extended.add((URIRef("https://w3id.org/ikg/shapes#Measure-lead"), SH.maxLength, Literal(9)))
    with pytest.raises(UnsupportedShapes, match="maxLength"):
        ShapeChecker(extended, context)


YAML_FILES = sorted(DATA_DIR.rglob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))


def same_with_lines(fast: object, slow: object) -> bool:
    """Equal values, and equal lines for every mapping, key, list and item."""
    if type(fast) is not type(slow) or fast != slow:
        return False
    lines = ("line", "key_lines", "item_lines")
    if any(getattr(fast, name, None) != getattr(slow, name, None) for name in lines):
        return False
    if isinstance(fast, dict) and isinstance(slow, dict):
        return all(same_with_lines(fast[key], slow[key]) for key in fast)
    if isinstance(fast, list) and isinstance(slow, list):
        return all(same_with_lines(a, b) for a, b in zip(fast, slow, strict=True))
    return True


def test_libyaml_reads_every_file_as_the_python_parser_does(tmp_path: Path) -> None:
    assert yaml.__with_libyaml__
    write_generated_data(tmp_path / "generated", municipalities=1, reference_from=DATA_DIR)
    files = YAML_FILES + sorted((tmp_path / "generated").rglob("*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        slow = yaml.load(text, Loader=_PositionLoader)  # noqa: S506 - SafeLoader subclass
        assert same_with_lines(parse_yaml(text), slow), path


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: [1, 2\n",
        "- a\nb: c\n",
        "a: 'x\n",
        "a: b: c\n",
        "a:\n\t- b\n",
        "a: \x07\n",
        "datum: 2023-02-30\n",
    ],
)
def test_broken_yaml_gets_the_python_parsers_error(text: str, tmp_path: Path) -> None:
    from graph.sources.loader import load_yaml

    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        expected = yaml.load(text, Loader=_PositionLoader)  # noqa: S506 - SafeLoader subclass
        error = None
    except yaml.YAMLError as raised:
        expected, error = None, raised
    document, problem = load_yaml(path, "file.yaml")
    if error is None:
        assert problem is None and document == expected
    else:
        assert problem is not None
        mark = getattr(error, "problem_mark", None)
        if mark is not None:
            assert problem.line == mark.line + 1


def test_shapes_of_the_build_are_all_supported(shapes: Graph, context: Graph) -> None:
    """The build's fast route is really taken: the project's shapes compile, into checks
    that find the fault in every invalid fixture (an empty checker would find none)."""
    checker = ShapeChecker(shapes, context)
    invalid = [case for case in CASES if case.parent.name == "invalid"]
    assert invalid
    for case in invalid:
        data = Graph().parse(SHAPE_CASES / "base.ttl", format="turtle").parse(case, format="turtle")
        assert checker.violations(data), case.name


@pytest.mark.parametrize("kind", sorted(ENTITY_CANDIDATES))
def test_one_municipalitys_candidates_are_the_whole_graphs_filtered_to_it(
    store: EmbeddedStore, kind: str
) -> None:
    """A parameter lookup with a known municipality reads only its candidates (and the shared
    reference terms): exactly the ones a lookup over the whole graph would keep."""
    everything = store.query(ENTITY_CANDIDATES[kind]).rows
    for slug in ("leverkusen", "oberhausen", "offenburg"):
        scope = municipality_iri(slug)
        kept: dict[str, set[str]] = {}
        for entity, label, municipality in everything:
            if municipality is None or municipality == scope:
                kept.setdefault(str(entity), set()).add(str(label))
        assert _candidates(store, kind, scope) == kept
        assert kept or kind == "paper"


def test_a_result_converts_each_distinct_term_once_and_keeps_look_alikes_apart(
    store: EmbeddedStore,
) -> None:
    """Rows share the converted terms, but terms that only look alike (same text, other
    datatype or language) stay what they are."""
    result = store.query(
        """SELECT ?a ?b WHERE {
             VALUES (?a ?b) { (1 "1") ("1"@de "1") (1 1) (<https://example.org/1> UNDEF) }
           }"""
    )
    assert [row[0] for row in result.rows] == [
        Literal(1),
        Literal("1", lang="de"),
        Literal(1),
        URIRef("https://example.org/1"),
    ]
    assert [row[1] for row in result.rows] == [Literal("1"), Literal("1"), Literal(1), None]
    assert [type(row[1].datatype) for row in result.rows[:3]] == [type(None), type(None), URIRef]
