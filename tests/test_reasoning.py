"""HermiT finds the ontology and valid data consistent and names what makes data inconsistent;
the rules used above IKG_HERMIT_LIMIT give the same verdicts; an inconsistent municipality
fails the build.

Each reasoner run starts Java (about a second), so the cases are few. The inconsistent cases
are data: tests/fixtures/ontology/inconsistent/*.ttl, each added to base.ttl, with
``# expect-entity: <node>`` lines naming nodes the report must name.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from graph import reasoning
from graph.cli import main
from graph.inference import RULE_CHECKED_AXIOMS
from graph.mapping import ONTOLOGY_FILE, MappedMunicipality
from graph.namespaces import ID, IKG, OWL, RDF
from graph.reasoning import (
    HERMIT,
    RULES,
    ReasonerError,
    check_consistency,
    check_consistency_by_rules,
    reason_about,
    unsatisfiable_classes,
)
from graph.store import EmbeddedStore
from tests.conftest import DATA_DIR

# HermiT runs in most tests here
pytestmark = pytest.mark.slow

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
    assert report.consistent and report.route == HERMIT
    assert report.inconsistent_entities == []
    assert report.seconds > 0


def test_no_class_of_the_ontology_is_unsatisfiable() -> None:
    assert unsatisfiable_classes() == []


def test_an_unsatisfiable_class_is_named() -> None:
    """A class below two disjoint classes can have no instance; owlready2 + HermiT say which."""
    ontology = reasoning.load_ontology_graph().parse(
        data="""
        @prefix ikg: <https://w3id.org/ikg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ikg:MeasureGoal a owl:Class ; rdfs:subClassOf ikg:Measure , ikg:Goal .
        """,
        format="turtle",
    )
    assert unsatisfiable_classes(ontology) == ["https://w3id.org/ikg/ontology#MeasureGoal"]


def test_valid_sample_is_consistent() -> None:
    report = check_consistency(sample())
    assert report.consistent, report.explanation
    by_rules = check_consistency_by_rules(sample())
    assert by_rules.consistent and by_rules.route == RULES, by_rules.explanation


def test_the_same_content_is_checked_once_per_process() -> None:
    """The ontology is parsed anew for each call (new blank nodes): still the same content."""
    check_consistency(sample())
    again = check_consistency(sample())
    assert again.remembered and again.consistent and again.route == HERMIT
    changed = sample()
    changed.add((ID[f"teststadt/neu-{uuid.uuid4().hex}"], RDF.type, IKG.Measure))
    fresh = check_consistency(changed)
    assert fresh.consistent and not fresh.remembered


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
    """HermiT and the rules both find the case inconsistent and name its entities."""
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle").parse(case, format="turtle")
    for report in (check_consistency(data), check_consistency_by_rules(data)):
        assert not report.consistent, report.route
        for entity in expected_entities(case):
            assert entity in report.inconsistent_entities, report.explanation
            assert f"<{entity}>" in report.explanation


def test_the_inconsistent_cases_cover_each_kind_of_clash() -> None:
    names = {path.stem for path in (FIXTURES / "inconsistent").glob("*.ttl")}
    assert {
        "measure-is-organisation",  # disjoint classes, stated
        "body-is-a-paper",  # disjoint classes, one from a property's range
        "field-is-a-measure",  # disjoint classes, one from a range that is a union
        "two-different-leads",  # functional property
        "lead-is-partner",  # disjoint properties
    } <= names


def test_the_rules_understand_every_axiom_the_ontology_uses() -> None:
    """An OWL construct the rules do not know would let them miss what HermiT finds: extend
    graph/inference.py (and RULE_CHECKED_AXIOMS) before using one."""
    ontology = reasoning.load_ontology_graph()
    used = {
        term
        for triple in ontology
        for term in (triple[1], triple[2] if triple[1] == RDF.type else None)
        if isinstance(term, URIRef) and str(term).startswith(str(OWL))
    }
    assert used - RULE_CHECKED_AXIOMS == set()


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


def test_real_data_is_consistent_by_hermit_and_by_rules(built, real_data: Graph) -> None:
    """The session's build had HermiT check each city (it fails otherwise); the rules agree."""
    assert built[1].consistency_routes == {
        "leverkusen": HERMIT,
        "oberhausen": HERMIT,
        "offenburg": HERMIT,
    }
    report = check_consistency_by_rules(real_data)
    assert report.consistent, report.explanation


# -- the build ------------------------------------------------------------------------------


def municipality(case: str | None = None) -> MappedMunicipality:
    graph = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    if case:
        graph.parse(FIXTURES / "inconsistent" / f"{case}.ttl", format="turtle")
    return MappedMunicipality("teststadt", graph, {})


def test_the_limit_chooses_hermit_or_the_rules() -> None:
    context = Graph().parse(ONTOLOGY_FILE) + Graph().parse(FIXTURES / "reference.ttl")
    mapped = municipality("lead-is-partner")
    size = len(mapped.graph)
    by_hermit = reason_about(mapped, context, hermit_limit=size)
    by_rules = reason_about(mapped, context, hermit_limit=size - 1)
    assert (by_hermit.consistency.route, by_rules.consistency.route) == (HERMIT, RULES)
    for result in (by_hermit, by_rules):
        assert not result.consistency.consistent and len(result.inferred) == 0
        assert "teststadt/x" in result.problems[0].hint
    consistent = reason_about(municipality(), context, hermit_limit=-1)
    assert consistent.consistency.route == RULES and consistent.problems == []
    assert len(consistent.inferred) > 0 and "inference" in consistent.seconds


@pytest.fixture
def teststadt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the reference schemes and the small fixture municipality."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(FIXTURES.parent / "sources" / "teststadt", data / "teststadt")
    monkeypatch.setenv("IKG_SEEDS", str(tmp_path / "no-seeds"))  # its documents are made up
    monkeypatch.delenv("IKG_HERMIT_LIMIT", raising=False)
    return data


def test_an_inconsistent_municipality_fails_the_build_and_leaves_the_store(
    teststadt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    store_path = tmp_path / "store"
    first = runner.invoke(main, ["build", "--data", str(teststadt), "--store", str(store_path)])
    assert first.exit_code == 0, first.output
    assert "Widerspruchsfreiheit geprüft mit HermiT: teststadt" in first.output
    target_before = os.readlink(store_path)
    quads_before = EmbeddedStore(store_path).quad_count()

    # the lead of the Sprachcafé named as one of its partners too
    measures = teststadt / "teststadt" / "measures.yaml"
    text = measures.read_text(encoding="utf-8")
    assert "partners: [mso-verein, awo]" in text
    measures.write_text(text.replace("[mso-verein, awo]", "[mso-verein, awo, ki]"), "utf-8")

    failed = runner.invoke(main, ["build", "--data", str(teststadt), "--store", str(store_path)])
    assert failed.exit_code == 1
    assert "logical inconsistency (HermiT)" in failed.output
    assert "measures.yaml:2: [sprachcafe]" in failed.output
    assert "teststadt/sprachcafe (" in failed.output and "measures.yaml:2)" in failed.output
    assert "teststadt/ki (" in failed.output and "administration.yaml:2)" in failed.output
    assert "Nothing was stored" in failed.output
    assert os.readlink(store_path) == target_before
    assert EmbeddedStore(store_path).quad_count() == quads_before

    monkeypatch.setenv("IKG_HERMIT_LIMIT", "-1")
    by_rules = runner.invoke(main, ["validate", "--data", str(teststadt)])
    assert by_rules.exit_code == 1
    assert "logical inconsistency (Regeln)" in by_rules.output
    assert "teststadt/sprachcafe (" in by_rules.output and "teststadt/ki (" in by_rules.output


def test_a_build_of_more_municipalities_than_the_hermit_cap_checks_all_by_rules(
    teststadt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Java start per municipality would make a build of hundreds take minutes."""
    monkeypatch.delenv("IKG_HERMIT_MUNICIPALITIES", raising=False)
    by_hermit = CliRunner().invoke(main, ["validate", "--data", str(teststadt)])
    assert by_hermit.exit_code == 0, by_hermit.output
    assert "geprüft mit HermiT: teststadt" in by_hermit.output

    monkeypatch.setenv("IKG_HERMIT_MUNICIPALITIES", "0")
    by_rules = CliRunner().invoke(main, ["validate", "--data", str(teststadt)])
    assert by_rules.exit_code == 0, by_rules.output
    assert "geprüft mit Regeln: teststadt" in by_rules.output
