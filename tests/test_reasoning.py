"""HermiT finds the ontology and valid data consistent and names what makes data inconsistent.

Each reasoner run starts Java (about a second), so the cases are few. The inconsistent cases
are data: tests/fixtures/ontology/inconsistent/*.ttl, each added to base.ttl, with
``# expect-entity: <node>`` lines naming nodes the report must name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph import reasoning
from graph.mapping import ONTOLOGY_FILE
from graph.namespaces import ID
from graph.reasoning import ReasonerError, check_consistency

FIXTURES = Path(__file__).parent / "fixtures" / "ontology"


def sample() -> Graph:
    graph = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    for case in sorted((FIXTURES / "valid").glob("*.ttl")):
        graph.parse(case, format="turtle")
    return graph.parse(FIXTURES / "reference.ttl", format="turtle")


def expected_entities(case: Path) -> list[str]:
    entities = [
        str(ID[line.removeprefix("# expect-entity: id:").strip()])
        for line in case.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect-entity:")
    ]
    assert entities, f"{case.name} names no '# expect-entity: id:…' line"
    return entities


def test_ontology_alone_is_consistent() -> None:
    report = check_consistency(Graph())
    assert report.consistent
    assert report.unsatisfiable_classes == []
    assert report.inconsistent_entities == []
    assert report.seconds > 0


def test_valid_sample_is_consistent() -> None:
    report = check_consistency(sample())
    assert report.consistent, report.explanation


def test_dates_do_not_stop_hermit() -> None:
    """Regression: xsd:date is outside the OWL 2 datatype map and made HermiT refuse the data."""
    data = Graph().parse(FIXTURES / "valid" / "paper-consultations.ttl", format="turtle")
    assert check_consistency(data).consistent


@pytest.mark.parametrize(
    "case",
    sorted((FIXTURES / "inconsistent").glob("*.ttl")),
    ids=lambda path: path.stem,
)
def test_inconsistent_case_is_reported_with_its_entities(case: Path) -> None:
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle").parse(case, format="turtle")
    report = check_consistency(data)
    assert not report.consistent
    for entity in expected_entities(case):
        assert entity in report.inconsistent_entities, report.explanation
        assert f"<{entity}>" in report.explanation


def test_missing_java_is_an_error_not_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasoning.shutil, "which", lambda _name: None)
    with pytest.raises(ReasonerError, match="Java"):
        check_consistency(Graph())


def test_given_ontology_is_used_instead_of_the_file(tmp_path: Path) -> None:
    """With an ontology that lacks the disjointness axioms, a measure may be an organisation."""
    ontology = Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://w3id.org/ikg/ontology> a owl:Ontology .
        """,
        format="turtle",
    )
    data = Graph().parse(FIXTURES / "inconsistent" / "measure-is-organisation.ttl")
    assert check_consistency(data, ontology=ontology).consistent


def test_real_data_is_consistent(real_data: Graph) -> None:
    """The cities' data as the build maps it, with the ontology."""
    union = real_data + Graph().parse(ONTOLOGY_FILE)
    report = check_consistency(union)
    assert report.consistent, report.explanation
