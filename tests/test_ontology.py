"""The ontology declares every own term, and the SHACL shapes reject what they must.

Shape cases are data: tests/fixtures/ontology/valid/*.ttl must conform and every file in
invalid/ must give exactly the violations its ``# expect: <focus> <shape>`` lines name. Each case
is validated together with base.ttl (a small valid municipality), and with the ontology plus
reference.ttl as pySHACL ont_graph — the way graph/build.py validates one municipality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.mapping import ONTOLOGY_FILE, SHAPES_FILE
from graph.namespaces import ID, IKG, SH
from graph.validate import validate_graph

FIXTURES = Path(__file__).parent / "fixtures" / "ontology"
SHAPES = Namespace("https://w3id.org/ikg/shapes#")

IKG_TERMS = [IKG[name] for name in IKG.__annotations__]
OWL_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
#: Where an own term names its nearest standard term.
NEAREST_STANDARD = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, RDFS.seeAlso)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def context(ontology: Graph) -> Graph:
    """What graph/build.py passes as ont_graph: ontology plus reference schemes."""
    return ontology + Graph().parse(FIXTURES / "reference.ttl", format="turtle")


def violations(data: Graph, shapes: Graph, context: Graph) -> set[tuple[URIRef, URIRef]]:
    """(focus node, source shape) of every violation, validated as the build does."""
    report = validate_graph(data, shapes, context)
    return {(URIRef(v.focus), URIRef(v.shape)) for v in report.violations}


def case_graph(case: Path) -> Graph:
    graph = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    return graph.parse(case, format="turtle")


def expected_violations(case: Path) -> set[tuple[URIRef, URIRef]]:
    expected = set()
    for line in case.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, shape = line.removeprefix("# expect:").split()
            expected.add((_expand(focus), _expand(shape)))
    assert expected, f"{case.name} names no '# expect: <focus> <shape>' line"
    return expected


def _expand(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return {"id": ID, "ikgsh": SHAPES}[prefix][local]


def _cases(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.ttl"))


# -- the ontology ------------------------------------------------------------------------------


def test_ontology_parses_and_names_itself(ontology: Graph) -> None:
    assert (URIRef("https://w3id.org/ikg/ontology"), RDF.type, OWL.Ontology) in ontology


@pytest.mark.parametrize("term", IKG_TERMS, ids=lambda term: term.split("#")[-1])
def test_every_own_term_is_declared(ontology: Graph, term: URIRef) -> None:
    kinds = [kind for kind in OWL_KINDS if (term, RDF.type, kind) in ontology]
    assert len(kinds) == 1, f"{term} must have exactly one OWL type, has {kinds}"
    for predicate in (RDFS.label, SKOS.definition):
        languages = {value.language for value in ontology.objects(term, predicate)}
        assert {"de", "en"} <= languages, f"{term} lacks a German or English {predicate}"
    standard = [
        value
        for predicate in NEAREST_STANDARD
        for value in ontology.objects(term, predicate)
        if isinstance(value, URIRef) and value not in IKG
    ]
    assert standard, f"{term} names no nearest standard term"


def test_ontology_declares_no_term_outside_the_closed_namespace(ontology: Graph) -> None:
    """A term added to ikg.ttl but not to graph/namespaces.py cannot be used by the code."""
    declared = {
        subject
        for kind in OWL_KINDS
        for subject in ontology.subjects(RDF.type, kind)
        if isinstance(subject, URIRef) and subject in IKG
    }
    assert declared == set(IKG_TERMS)


def test_no_property_is_of_two_kinds(ontology: Graph) -> None:
    """OWL 2 DL: a property is an object, a datatype or an annotation property, never two."""
    mixed = [
        subject
        for subject in set(ontology.subjects(RDF.type, None))
        if sum((subject, RDF.type, kind) in ontology for kind in PROPERTY_KINDS) > 1
    ]
    assert mixed == []


def test_every_term_the_sample_uses_is_declared(ontology: Graph) -> None:
    """Every predicate and class the fixtures use (as the mapping emits them) has an OWL type."""
    sample = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    for case in _cases("valid"):
        sample.parse(case, format="turtle")
    used = set(sample.predicates()) | set(sample.objects(None, RDF.type))
    used -= {RDF.type}
    undeclared = sorted(
        term for term in used if not any((term, RDF.type, kind) in ontology for kind in OWL_KINDS)
    )
    assert undeclared == []


def test_disjointness_covers_the_kinds_of_record(ontology: Graph) -> None:
    members: set[URIRef] = set()
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(ontology.items(ontology.value(axiom, OWL.members)))
    assert {
        IKG.Measure,
        IKG.Goal,
        IKG.Indicator,
        IKG.Paper,
        IKG.Consultation,
        IKG.Event,
        IKG.SourceDocument,
        IKG.Responsibility,
        IKG.Funding,
    } <= members


# -- the shapes --------------------------------------------------------------------------------


def test_every_constraining_shape_has_a_bilingual_message(shapes: Graph) -> None:
    """A shape that can be a violation's source shape says in German and English what to fix."""
    constraining = {
        shape for shape in shapes.subjects(SH.path, None) if isinstance(shape, URIRef)
    } | {shape for shape in shapes.subjects(SH["or"], None) if isinstance(shape, URIRef)}
    assert constraining
    for shape in constraining:
        messages = list(shapes.objects(shape, SH.message))
        assert len(messages) == 1, f"{shape} needs exactly one sh:message"
        german, _, english = str(messages[0]).partition(" / ")
        assert german and english, f"{shape}: message must read 'Deutsch … / English …'"
        assert isinstance(messages[0], Literal)


def test_base_conforms(shapes: Graph, context: Graph) -> None:
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    assert violations(data, shapes, context) == set()


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda path: path.stem)
def test_valid_case_conforms(case: Path, shapes: Graph, context: Graph) -> None:
    assert violations(case_graph(case), shapes, context) == set()


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda path: path.stem)
def test_invalid_case_gives_exactly_the_expected_violations(
    case: Path, shapes: Graph, context: Graph
) -> None:
    assert violations(case_graph(case), shapes, context) == expected_violations(case)


def test_invalid_cases_cover_the_required_rules() -> None:
    names = {path.stem for path in _cases("invalid")}
    assert {
        "measure-two-leads",
        "measure-without-action-field",
        "membership-without-member",
        "consultation-without-date",
        "entity-without-german-label",
        "date-as-string",
        "entity-without-source",
    } <= names


def test_shapes_accept_the_graph_written_to_a_file_and_read_back(
    tmp_path: Path, shapes: Graph, context: Graph
) -> None:
    """Regression guard: N-Triples round trip keeps datatypes and language tags intact."""
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    for case in _cases("valid"):
        data.parse(case, format="turtle")
    path = tmp_path / "sample.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    assert violations(Graph().parse(path, format="nt"), shapes, context) == set()


# -- the real data -----------------------------------------------------------------------------


def test_real_data_conforms(real_data: Graph) -> None:
    assert len(real_data) > 0


def test_real_data_uses_every_term_as_declared(real_data: Graph, ontology: Graph) -> None:
    """Regression: the mapping started to emit a term in a way the ontology did not foresee.

    Every predicate and class must be declared; object properties take IRIs, datatype
    properties literals (what OWL 2 DL and the reasoner rely on).
    """
    used = (set(real_data.predicates()) | set(real_data.objects(None, RDF.type))) - {RDF.type}
    undeclared = sorted(
        term for term in used if not any((term, RDF.type, kind) in ontology for kind in OWL_KINDS)
    )
    assert undeclared == []
    misused = set()
    for _subject, predicate, obj in real_data:
        if (predicate, RDF.type, OWL.ObjectProperty) in ontology and isinstance(obj, Literal):
            misused.add((predicate, "literal for an object property"))
        if (predicate, RDF.type, OWL.DatatypeProperty) in ontology and not isinstance(obj, Literal):
            misused.add((predicate, "node for a datatype property"))
    assert misused == set()
