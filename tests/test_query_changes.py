"""The rules of `concept-changes` on a small hand-made graph (the built-in data has no edition
pair where both list fields): renamed, split, unchanged, added with and without the mark,
dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal

from graph.namespaces import (
    DCTERMS,
    IKG,
    RDF,
    SKOS,
    action_field_reference_iri,
    entity_iri,
    municipality_graph,
    municipality_iri,
)
from graph.queries import NamedQuery, run_named_query
from graph.results import plain
from graph.store import EmbeddedStore
from graph.store.builds import write_store
from graph.store.interface import ntriples_in_graph

SLUG = "testheim"
REFERENCE = ["kita-sprache", "wohnen", "kultur-freizeit-sport", "gesundheit", "pflege-alter",
             "arbeitsmarkt"]  # fmt: skip
OLD = [  # id, label, match, reference, marked new
    ("o-sprache", "Sprache", SKOS.exactMatch, "kita-sprache", False),
    ("o-wohnen", "Wohnen", SKOS.exactMatch, "wohnen", False),
    ("o-kultur", "Kultur, Freizeit und Sport", SKOS.exactMatch, "kultur-freizeit-sport", False),
    ("o-gesundheit", "Gesundheit", SKOS.exactMatch, "gesundheit", False),
]
NEW = [
    ("n-sprache", "Sprachförderung", SKOS.broadMatch, "kita-sprache", False),
    ("n-kultur", "Kultur", SKOS.broadMatch, "kultur-freizeit-sport", False),
    ("n-sport", "Freizeit und Sport", SKOS.broadMatch, "kultur-freizeit-sport", False),
    ("n-gesundheit", "gesundheit", SKOS.exactMatch, "gesundheit", False),
    ("n-pflege", "Pflege", SKOS.exactMatch, "pflege-alter", True),
    ("n-arbeit", "Arbeit", SKOS.closeMatch, "arbeitsmarkt", False),
    ("n-quartier", "Wohnen im Quartier", SKOS.closeMatch, "wohnen", True),
]


def _graph() -> Graph:
    graph = Graph()
    city = municipality_iri(SLUG)
    graph.add((city, RDF.type, IKG.Municipality))
    graph.add((city, SKOS.prefLabel, Literal("Stadt Testheim", lang="de")))
    graph.add((city, IKG.fictional, Literal(True)))
    for reference in REFERENCE:
        iri = action_field_reference_iri(reference)
        graph.add((iri, RDF.type, IKG.ReferenceActionField))
        graph.add((iri, SKOS.prefLabel, Literal(reference, lang="de")))
    old, new = entity_iri(SLUG, "ik-alt"), entity_iri(SLUG, "ik-neu")
    graph.add((new, DCTERMS.replaces, old))
    for edition, label, fields in ((old, "Alt", OLD), (new, "Neu", NEW)):
        graph.add((edition, RDF.type, IKG.ConceptEdition))
        graph.add((edition, IKG.municipality, city))
        graph.add((edition, SKOS.prefLabel, Literal(label, lang="de")))
        for field_id, field_label, match, reference, marked in fields:
            field = entity_iri(SLUG, field_id)
            graph.add((field, RDF.type, IKG.ActionField))
            graph.add((field, IKG.municipality, city))
            graph.add((field, SKOS.inScheme, edition))
            graph.add((field, SKOS.prefLabel, Literal(field_label, lang="de")))
            graph.add((field, match, action_field_reference_iri(reference)))
            if marked:
                graph.add((field, IKG.newInEdition, Literal(True)))
    return graph


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    path: Path = tmp_path_factory.mktemp("changes") / "store"
    nquads = ntriples_in_graph(_graph().serialize(format="nt"), municipality_graph(SLUG))
    write_store(path, nquads.encode("utf-8"))
    return EmbeddedStore(path)


def test_changes_between_two_editions_with_fields(
    small_store: EmbeddedStore, queries: dict[str, NamedQuery]
) -> None:
    result = run_named_query(small_store, queries["concept-changes"], {"municipality": SLUG})
    positions = [result.variables.index(v) for v in ("change", "oldLabel", "newLabel")]
    found = [tuple(plain(row[p]) for p in positions) for row in result.rows]
    assert found == [
        ("hinzugefügt", "", "Arbeit"),
        ("hinzugefügt", "", "Pflege"),
        ("hinzugefügt", "", "Wohnen im Quartier"),
        ("umbenannt", "Kultur, Freizeit und Sport", "Freizeit und Sport"),
        ("umbenannt", "Kultur, Freizeit und Sport", "Kultur"),
        ("umbenannt", "Sprache", "Sprachförderung"),
        # its only successor on the same reference field is marked new: an addition
        ("entfallen", "Wohnen", ""),
    ]
    reasons = dict(
        (
            plain(row[result.variables.index("newLabel")]),
            plain(row[result.variables.index("reason")]),
        )
        for row in result.rows
    )
    assert reasons["Pflege"] == "in der neuen Fassung als neu gekennzeichnet"
    assert reasons["Arbeit"] == "kein Feld der vorigen Fassung mit gemeinsamem Referenzfeld"
    assert reasons["Sprachförderung"] == "gemeinsames Referenzfeld: kita-sprache"
