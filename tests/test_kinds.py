"""The registry of kinds (graph/sources/kinds.py) is complete: every kind has a mapper, its
class and German name agree with the ontology, and the reader, the build and the viewer read it.
"""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from graph import mapping
from graph.build import ENTITY_CLASSES
from graph.mapping import MAPPERS, ONTOLOGY_FILE, REFERENCE_SCHEMES, map_municipality
from graph.namespaces import IKG
from graph.sources import kinds, read_sources
from graph.sources.kinds import BY_NAME, KINDS, Kind
from tests.conftest import DATA_DIR, FIXTURES
from webapp.vocabulary import TYPE_NAMES

ONTOLOGY = Graph().parse(ONTOLOGY_FILE, format="turtle")


def german_label(term: URIRef) -> str | None:
    for label in ONTOLOGY.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == "de":
            return str(label)
    return None


@pytest.mark.parametrize("kind", kinds.TOP_LEVEL, ids=repr)
def test_every_kind_at_the_top_of_a_file_has_a_mapper(kind: Kind) -> None:
    assert kind in MAPPERS, f"no @maps({kind!r}) in graph/mapping.py"


def test_every_mapper_maps_a_kind_at_the_top_of_a_file() -> None:
    assert set(MAPPERS) <= set(kinds.TOP_LEVEL)


@pytest.mark.parametrize("kind", kinds.REFERENCE_KINDS, ids=repr)
def test_every_reference_scheme_has_a_scheme_to_map_into(kind: Kind) -> None:
    assert kind in REFERENCE_SCHEMES


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.nested], ids=repr)
def test_a_nested_kind_is_held_by_the_kinds_it_names(kind: Kind) -> None:
    """A nested kind is mapped by the mapper of the kind holding it: that kind must hold it."""
    for parent_name in kind.part_of:
        parent = BY_NAME[parent_name]
        field = parent.spec.field(kind.key or "")
        assert field is not None and field.type == "records", (parent, kind.key)
        assert field.spec is kind.spec
        assert parent.nested or parent in MAPPERS


def test_every_records_field_holds_a_kind_of_the_registry() -> None:
    specs = {kind.spec for kind in KINDS}
    for kind in KINDS:
        for field in kind.spec.fields:
            if field.type == "records":
                assert field.spec in specs, (kind, field.name)
                assert kind.name in BY_NAME[field.spec.kind].part_of, (kind, field.name)


def test_a_kind_without_mapper_fails_the_mapping_instead_of_being_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(FIXTURES / "sources" / "teststadt", data / "teststadt")
    city = read_sources(data).municipality("teststadt")
    monkeypatch.delitem(mapping.MAPPERS, kinds.MEASURE)
    with pytest.raises(AssertionError, match="no mapper for the kind measure"):
        map_municipality(city)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.rdf_class], ids=repr)
def test_every_class_of_a_kind_is_declared_in_the_ontology(kind: Kind) -> None:
    assert (kind.rdf_class, RDF.type, OWL.Class) in ONTOLOGY


@pytest.mark.parametrize(
    ("iri", "name"),
    [(iri, name) for iri, name in TYPE_NAMES.items() if str(iri).startswith(str(IKG._NS))],
    ids=lambda value: str(value).rsplit("#", 1)[-1],
)
def test_the_german_name_of_an_own_class_is_its_label_in_the_ontology(
    iri: URIRef, name: str
) -> None:
    assert german_label(iri) == name


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.rdf_class], ids=repr)
def test_the_viewer_names_each_kind_as_the_registry_does(kind: Kind) -> None:
    assert TYPE_NAMES[kind.rdf_class] == kind.singular


def test_the_viewer_tries_the_more_specific_class_first() -> None:
    order = list(TYPE_NAMES)
    for position, general in enumerate(order):
        for specific in order[position + 1 :]:
            superclasses = set(ONTOLOGY.transitive_objects(specific, RDFS.subClassOf))
            assert general not in superclasses, f"{specific} must come before {general}"


def test_the_build_counts_the_counted_kinds_in_registry_order() -> None:
    counted = [kind for kind in KINDS if kind.counted]
    assert list(ENTITY_CLASSES) == [kind.plural for kind in counted]
    assert list(ENTITY_CLASSES.values()) == [str(kind.rdf_class) for kind in counted]


def test_the_reader_reads_the_files_the_registry_names(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(FIXTURES / "sources" / "teststadt", data / "teststadt")
    city = read_sources(data).municipality("teststadt")
    for file_name in {path.name for path in (data / "teststadt").glob("*.yaml")}:
        if file_name == "municipality.yaml":
            continue
        for kind in kinds.KIND_OF_FILE[file_name]:
            assert all(record.file.endswith(file_name) for record in city.of_kind(kind.name))
    assert city.of_kind("measure"), "the fixture city has measures"


def test_the_registrys_examples_run() -> None:
    result = doctest.testmod(kinds)
    assert result.attempted and not result.failed
