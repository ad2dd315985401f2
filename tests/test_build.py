"""The build: named graphs, counts that match the documents, round trip through export,
atomic swaps that leave the previous store untouched on any error, and stable IRIs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph.build import build
from graph.cli import main
from graph.errors import SourceError
from graph.export import export
from graph.namespaces import (
    IKG,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    SKOS,
    entity_iri,
    municipality_graph,
)
from graph.store import EmbeddedStore
from graph.store.interface import from_oxigraph
from tests.conftest import DATA_DIR, FIXTURES

CITIES = ("leverkusen", "oberhausen", "offenburg")


def current_fields(store: EmbeddedStore, slug: str) -> list[str]:
    result = store.query(
        """
        PREFIX ikg: <https://w3id.org/ikg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?city ?label WHERE {
          GRAPH ?g {
            ?edition a ikg:ConceptEdition ; ikg:municipality ?city .
            FILTER NOT EXISTS { ?newer dcterms:replaces ?edition }
            ?field skos:inScheme ?edition ; skos:prefLabel ?label .
          }
        }""",
        {"city": URIRef(f"https://w3id.org/ikg/id/{slug}")},
    )
    return sorted(str(row[1]) for row in result.rows)


def test_every_named_graph_is_there_and_not_empty(store: EmbeddedStore) -> None:
    graphs = set(store.named_graphs())
    expected = {ONTOLOGY_GRAPH, REFERENCE_GRAPH} | {municipality_graph(c) for c in CITIES}
    assert expected <= graphs
    for graph in expected:
        assert store.graph_size(graph) > 0, graph


@pytest.mark.parametrize(
    ("slug", "count"), [("oberhausen", 6), ("offenburg", 11), ("leverkusen", 10)]
)
def test_action_fields_of_the_current_edition_match_the_documents(
    store: EmbeddedStore, slug: str, count: int
) -> None:
    assert len(current_fields(store, slug)) == count


def test_leverkusen_has_eight_lettered_and_two_cross_cutting_fields(store: EmbeddedStore) -> None:
    result = store.query(
        """
        PREFIX ikg: <https://w3id.org/ikg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?city ?notation ?cross WHERE {
          ?field a ikg:ActionField ; ikg:municipality ?city .
          OPTIONAL { ?field skos:notation ?notation }
          BIND (EXISTS { ?field ikg:crossCutting true } AS ?cross)
        }""",
        {"city": URIRef("https://w3id.org/ikg/id/leverkusen")},
    )
    notations = sorted(str(row[1]) for row in result.rows if row[1] is not None)
    assert notations == list("ABCDEFGH")
    assert sum(1 for row in result.rows if row[2] == Literal(True)) == 2


def test_offenburg_marks_the_five_new_fields(store: EmbeddedStore) -> None:
    result = store.query(
        """
        PREFIX ikg: <https://w3id.org/ikg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?city ?label WHERE {
          ?field a ikg:ActionField ; ikg:municipality ?city ; ikg:newInEdition true ;
                 skos:prefLabel ?label .
        }""",
        {"city": URIRef("https://w3id.org/ikg/id/offenburg")},
    )
    assert sorted(str(row[1]) for row in result.rows) == [
        "Ausbildung, Beschäftigung und Arbeit/Betriebe",
        "Interkulturelle Öffnung der Verwaltung",
        "Interreligiöser Dialog - Miteinander der Religionen",
        "Pflege und Altern",
        "Zusammenarbeit der Migrantenorganisationen und der Stadt Offenburg",
    ]


def graphs_of(data: bytes, rdf_format: ox.RdfFormat) -> dict[str, Graph]:
    """Parse a quad format into one rdflib Graph per named graph."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(data, format=rdf_format):
        triple = tuple(from_oxigraph(term) for term in (quad.subject, quad.predicate, quad.object))
        graphs.setdefault(str(quad.graph_name.value), Graph()).add(triple)
    return graphs


def stored_graphs(store: EmbeddedStore) -> dict[str, Graph]:
    """What the store holds, read through SPARQL rather than through the exporter."""
    graphs: dict[str, Graph] = {}
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    for graph_iri, *triple in rows:
        graphs.setdefault(str(graph_iri), Graph()).add(tuple(triple))
    return graphs


def test_export_round_trip_is_isomorphic_to_the_store(store: EmbeddedStore) -> None:
    exported = graphs_of(export(store, "trig"), ox.RdfFormat.TRIG)
    stored = stored_graphs(store)
    assert set(exported) == set(stored)
    for graph_iri, graph in stored.items():
        assert isomorphic(exported[graph_iri], graph), graph_iri
    assert sum(len(g) for g in exported.values()) == store.quad_count()


def test_every_export_format_parses_and_one_municipality_stays_apart(
    store: EmbeddedStore,
) -> None:
    whole = Graph().parse(data=export(store, "ttl"), format="turtle")
    one = Graph().parse(data=export(store, "ttl", "offenburg"), format="turtle")
    jsonld = graphs_of(export(store, "jsonld", "offenburg"), ox.RdfFormat.JSON_LD)
    nquads = graphs_of(export(store, "nq", "offenburg"), ox.RdfFormat.N_QUADS)
    assert 0 < len(one) < len(whole)
    assert list(jsonld) == list(nquads) == ["https://w3id.org/ikg/graph/offenburg"]
    assert isomorphic(jsonld[str(municipality_graph("offenburg"))], one)
    assert any(one.subjects(IKG.municipality, URIRef("https://w3id.org/ikg/id/offenburg")))
    assert not any(one.subjects(IKG.municipality, URIRef("https://w3id.org/ikg/id/leverkusen")))


def test_iris_are_stable_across_rebuilds(store: EmbeddedStore, tmp_path: Path) -> None:
    build(DATA_DIR, tmp_path / "again")
    again = EmbeddedStore(tmp_path / "again")
    assert export(again, "nq") and _subjects(again) == _subjects(store)


def _subjects(store: EmbeddedStore) -> set[str]:
    # blank nodes (OWL axioms of the ontology) have no identity across builds; IRIs must
    rows = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }").rows
    return {str(row[0]) for row in rows if isinstance(row[0], URIRef)}


def test_failed_build_leaves_the_previous_store_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    store_path = tmp_path / "store"
    build(data, store_path)
    target_before = os.readlink(store_path)
    quads_before = EmbeddedStore(store_path).quad_count()

    broken = data / "leverkusen" / "bodies.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - id: [kaputt\n", encoding="utf-8")
    with pytest.raises(SourceError):
        build(data, store_path)
    assert os.readlink(store_path) == target_before
    assert EmbeddedStore(store_path).quad_count() == quads_before
    assert len(list((tmp_path / "store.builds").iterdir())) == 1


def test_builds_keep_only_a_few_old_folders(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    for _ in range(4):
        build(DATA_DIR, store_path, builds_kept=1)
    builds = sorted((tmp_path / "store.builds").iterdir())
    assert len(builds) == 2
    assert store_path.resolve() == builds[-1].resolve()


def test_markup_like_text_and_braces_are_stored_as_plain_literals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(FIXTURES / "sources" / "teststadt", data / "teststadt")
    build(data, tmp_path / "store")
    store = EmbeddedStore(tmp_path / "store")
    label = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?actor ?label WHERE { ?actor skos:prefLabel ?label }",
        {"actor": entity_iri("teststadt", "mso-verein")},
    )
    assert label.rows[0][1] == Literal(
        'Deutsch-Türkischer Kulturverein "Brücke" e. V. & Freunde {{ Test }}', lang="de"
    )


# -- the CLI ----------------------------------------------------------------------------


def test_cli_query_returns_the_ten_leverkusen_fields_as_sparql_json(runner) -> None:
    result = runner.invoke(
        main, ["query", "action-fields", "--param", "municipality=leverkusen", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert "label" in document["head"]["vars"]
    bindings = document["results"]["bindings"]
    assert len(bindings) == 10
    assert bindings[0]["label"] == {
        "type": "literal",
        "value": "Sprache/Sprachförderung",
        "xml:lang": "de",
    }


@pytest.mark.parametrize(
    "file_name",
    ["actors.yaml", "bodies.yaml", "networks.yaml", "papers.yaml"],
)
def test_cli_validate_on_broken_input_names_file_and_line(
    runner, data_copy: Path, file_name: str
) -> None:
    path = data_copy / "leverkusen" / file_name
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("- id:"))
    lines[target] = lines[target] + "\n    unbekannt: 1"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert f"data/leverkusen/{file_name}:{target + 2}:" in result.output
    assert "unknown key 'unbekannt'" in result.output


def test_cli_build_failure_exits_nonzero_and_keeps_the_store(runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    store_path = tmp_path / "store"
    assert (
        runner.invoke(main, ["build", "--data", str(data), "--store", str(store_path)]).exit_code
        == 0
    )
    before = os.readlink(store_path)
    (data / "offenburg" / "municipality.yaml").unlink()
    result = runner.invoke(main, ["build", "--data", str(data), "--store", str(store_path)])
    assert result.exit_code == 1
    assert "data/offenburg: municipality folder has no municipality.yaml" in result.output
    assert "previous store is unchanged" in result.output
    assert os.readlink(store_path) == before


def test_cli_sparql_runs_reads_and_refuses_updates(runner) -> None:
    ask = runner.invoke(main, ["sparql", "ASK { ?s a ikg:Municipality }"])
    assert ask.exit_code == 0 and ask.output.strip() == "ja"
    update = runner.invoke(main, ["sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"])
    assert update.exit_code == 2
    assert "read-only" in update.output and "INSERT" in update.output
    construct = runner.invoke(
        main,
        [
            "sparql",
            "CONSTRUCT { ?m a ikg:Municipality } "
            "WHERE { ?m a ikg:Municipality ; ikg:fictional ?fictional }",
        ],
    )
    assert construct.exit_code == 0
    assert len(Graph().parse(data=construct.output, format="turtle")) == 3


def test_cli_export_writes_a_file(runner, tmp_path: Path) -> None:
    target = tmp_path / "offenburg.ttl"
    result = runner.invoke(
        main, ["export", "--format", "ttl", "--municipality", "offenburg", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    graph = Graph().parse(target, format="turtle")
    assert any(graph.objects(None, SKOS.prefLabel))
    unknown = runner.invoke(main, ["export", "--municipality", "atlantis"])
    assert unknown.exit_code == 2 and "atlantis" in unknown.output


@pytest.mark.parametrize(
    "command", [[], ["build"], ["validate"], ["query"], ["sparql"], ["export"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_cli_malformed_param_names_the_accepted_ones(runner) -> None:
    result = runner.invoke(main, ["query", "gaps", "--param", "municipality"])
    assert result.exit_code == 2
    assert "--param erwartet KEY=VALUE" in result.output
    assert "municipality (municipality, erforderlich)" in result.output
    assert "actor-type (actor-type, optional)" in result.output


def test_construct_results_are_cut_at_the_row_cap_and_say_so(store: EmbeddedStore) -> None:
    sparql = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
    capped = store.query(sparql, row_cap=2)
    assert capped.truncated
    assert len(Graph().parse(data=capped.triples, format="nt")) == 2
    assert not store.query(sparql, row_cap=100_000).truncated
