"""Network analysis: tiny hand-made cities whose answers are known (tests/fixtures/analysis/),
loaded into a real store so that the projection from RDF is tested too; then the built data
of the three real cities, cross-checked against the named queries."""

from __future__ import annotations

import csv
import doctest
import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import graph.analysis
import graph.analysis.measures
import graph.analysis.projection
import graph.analysis.reach
import graph.analysis.report
from graph.analysis.measures import (
    betweenness,
    brokers,
    communities,
    degree_centrality,
    eigenvector,
    node_measures,
)
from graph.analysis.projection import actor_graph, membership_graph, read_network
from graph.analysis.reach import field_reach
from graph.analysis.report import analyse
from graph.cli import main
from graph.errors import NotFoundError
from graph.export import export
from graph.namespaces import entity_iri, municipality_iri
from graph.queries import run_named_query
from graph.store import EmbeddedStore
from graph.store.builds import write_store

CITIES = Path(__file__).parent / "fixtures" / "analysis" / "cities.trig"


def iri(slug: str, local: str) -> str:
    return str(entity_iri(slug, local))


@pytest.fixture(scope="module")
def cities_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    quads = ox.parse(CITIES.read_bytes(), format=ox.RdfFormat.TRIG)
    path = tmp_path_factory.mktemp("analysis") / "store"
    write_store(path, [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)])
    return path


@pytest.fixture(scope="module")
def cities(cities_path: Path) -> EmbeddedStore:
    return EmbeddedStore(cities_path)


# --- the measures, on networkx graphs ---------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        graph.analysis.measures,
        graph.analysis.projection,
        graph.analysis.reach,
        graph.analysis.report,
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.failed == 0
    if module in (graph.analysis.measures, graph.analysis.projection):
        assert result.attempted > 5


def test_eigenvector_on_a_graph_in_pieces_does_not_raise_and_ranks_within_pieces():
    graph = nx.union(nx.star_graph(5), nx.path_graph(2), rename=("s", "p"))
    graph.add_node("alone")
    values = eigenvector(graph)
    assert values["alone"] == 0.0
    assert values["s0"] == max(values.values())
    # the pair on its own is not ranked above the centre of the larger group
    assert values["p0"] == values["p1"] < values["s0"]
    assert all(values[f"s{i}"] > 0 for i in range(1, 6))


def test_eigenvector_falls_back_instead_of_raising(monkeypatch):
    import scipy.sparse.linalg

    def no_eigensolver(*args, **kwargs):
        raise scipy.sparse.linalg.ArpackNoConvergence("stopped", [], [])

    def no_convergence(*args, **kwargs):
        raise nx.PowerIterationFailedConvergence(1000)

    graph = nx.star_graph(4)
    exact = eigenvector(graph)
    monkeypatch.setattr(scipy.sparse.linalg, "eigsh", no_eigensolver)
    assert eigenvector(graph) == pytest.approx(exact, abs=1e-6)  # power iteration
    monkeypatch.setattr(nx, "eigenvector_centrality", no_convergence)
    by_degree = eigenvector(graph)  # the degree, scaled to unit length
    assert by_degree[0] == pytest.approx(4 / 20**0.5) and by_degree[1] == pytest.approx(1 / 20**0.5)


def test_measures_of_a_graph_without_edges_are_zero_and_nobody_is_a_broker():
    graph = nx.empty_graph(3)
    assert degree_centrality(graph) == {0: 0.0, 1: 0.0, 2: 0.0}
    assert betweenness(graph) == {0: 0.0, 1: 0.0, 2: 0.0}
    assert communities(graph) == {0: None, 1: None, 2: None}
    assert brokers(graph) == {}


def test_communities_do_not_depend_on_the_order_nodes_were_added():
    graph = nx.barbell_graph(5, 2)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(graph.nodes)))
    shuffled.add_edges_from(reversed(list(graph.edges)))
    assert communities(graph) == communities(shuffled)
    assert node_measures(graph) == node_measures(shuffled)


# --- the star ---------------------------------------------------------------------------------


def test_star_centre_has_the_highest_degree_and_betweenness(cities):
    data = read_network(cities, "stern")
    actors = actor_graph(data)
    centre = iri("stern", "zentrum")
    assert actors.number_of_nodes() == 5
    assert sorted(actors.edges(centre)) == sorted(
        (centre, iri("stern", f"mso-{i}")) for i in range(1, 5)
    )
    assert actors.number_of_edges() == 4  # the MSOs share nothing among themselves
    analysis = analyse(cities, "stern")
    top = analysis.actors[0]
    assert top.iri == centre
    assert top.degree_centrality == 1.0 and top.betweenness == 1.0
    assert top.eigenvector == max(a.eigenvector for a in analysis.actors)
    assert top.measures == 4 and top.networks == 0
    leaves = [a for a in analysis.actors if a.iri != centre]
    assert all(a.betweenness == 0.0 and a.ties == 1 for a in leaves)
    assert [a.iri for a in analysis.brokers] == [centre]
    assert analysis.brokers[0].articulation_point
    assert analysis.isolated == []


# --- the bridge -------------------------------------------------------------------------------


def test_bridge_actor_is_the_articulation_point_and_only_broker(cities):
    analysis = analyse(cities, "bruecke")
    bridge = iri("bruecke", "vermittler")
    assert [a.iri for a in analysis.brokers] == [bridge]
    broker = analysis.actor(bridge)
    assert broker.articulation_point and broker.networks == 2
    # 3 × 3 pairs of the 7 connected actors cross the bridge; 8 others are isolated
    pairs = (len(analysis.actors) - 1) * (len(analysis.actors) - 2) / 2
    assert broker.betweenness == pytest.approx(9 / pairs)
    assert [a.iri for a in analysis.actors if a.articulation_point] == [bridge]


def test_bridge_groups_are_two_communities(cities):
    analysis = analyse(cities, "bruecke")
    group_a = {iri("bruecke", f"a-{i}") for i in range(1, 4)}
    group_b = {iri("bruecke", f"b-{i}") for i in range(1, 4)}
    assert len(analysis.communities) == 2
    found = [set(members) for members in analysis.communities.values()]
    assert any(group_a <= c for c in found) and any(group_b <= c for c in found)
    assert {analysis.actor(a).community for a in group_a} != {
        analysis.actor(b).community for b in group_b
    }


def test_isolated_actors_are_listed_and_belong_to_no_community(cities):
    analysis = analyse(cities, "bruecke")
    alone, council = iri("bruecke", "allein"), iri("bruecke", "rat")
    assert {a.iri for a in analysis.isolated} == {alone, council}
    assert [a.iri for a in analysis.isolated_msos] == [alone]  # the council is no MSO
    assert analysis.actor(alone).community is None
    assert analysis.actor(alone).ties == analysis.actor(alone).networks == 0


def test_membership_graph_is_two_mode_with_every_actor(cities):
    graph = membership_graph(read_network(cities, "bruecke"))
    networks = {n for n, d in graph.nodes(data=True) if d["bipartite"] == 1}
    assert networks == {iri("bruecke", "n-a"), iri("bruecke", "n-b")}
    assert nx.is_bipartite(graph)
    members = {a for edge in graph.edges for a in edge} - networks
    assert all(graph.nodes[a]["bipartite"] == 0 for a in members)
    assert graph.degree(iri("bruecke", "vermittler")) == 2
    assert graph.degree(iri("bruecke", "allein")) == 0  # in the graph, without ties
    assert graph.number_of_edges() == 8


def test_actor_graph_weights_count_shared_networks_and_measures(cities):
    actors = actor_graph(read_network(cities, "bruecke"))
    tie = actors.edges[iri("bruecke", "a-1"), iri("bruecke", "vermittler")]
    assert tie == {
        "networks": [iri("bruecke", "n-a")],
        "measures": [],
        "fundings": [],
        "events": [],
        "weight": 1,
    }
    felder = actor_graph(read_network(cities, "felder"))
    # ki and mso-2 share a network; ki and mso-1 a measure
    ki = iri("felder", "ki")
    assert felder.edges[ki, iri("felder", "mso-2")]["networks"] == [iri("felder", "netz-2")]
    assert felder.edges[ki, iri("felder", "mso-1")]["measures"] == [iri("felder", "mass-1")]


def test_committees_with_members_are_networks_those_without_stay_actors(cities):
    data = read_network(cities, "felder")
    board, committee = iri("felder", "beirat"), iri("felder", "ausschuss")
    assert data.networks[board].committee and data.networks[board].members == {
        iri("felder", "mso-3")
    }
    assert board not in data.actors
    assert committee in data.actors and committee not in data.networks


def test_analysis_is_the_same_on_every_run(cities):
    assert analyse(cities, "bruecke").to_dict() == analyse(cities, "bruecke").to_dict()


# --- action fields ----------------------------------------------------------------------------


def test_field_reach_counts_msos_through_measures_and_networks(cities):
    reach = field_reach(cities, read_network(cities, "felder"))
    assert [f.label for f in reach] == ["Bildung und Schule", "Teilhabe", "Gesundheit"]
    first, second, third = reach
    # through a measure in the reference field the city field is mapped to
    assert set(first.actors) == {iri("felder", "mso-1")} and first.via_measures == set(first.actors)
    assert set(second.actors) == {iri("felder", "mso-2")}
    assert second.via_networks == set(second.actors) and not second.via_measures
    assert third.count == 0  # nobody; the older edition's field is not listed


# --- errors, CLI, export ----------------------------------------------------------------------


def test_unknown_municipality_names_the_known_ones(cities):
    with pytest.raises(NotFoundError) as error:
        analyse(cities, "nirgendwo")
    assert "nirgendwo" in str(error.value)
    assert "bruecke, felder, stern" in str(error.value)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, cities_path: Path) -> CliRunner:
    monkeypatch.setenv("IKG_STORE", str(cities_path))
    return CliRunner()


def test_cli_analyse_table_lists_brokers_and_isolated_msos(cli):
    result = cli.invoke(main, ["analyse", "--municipality", "bruecke"])
    assert result.exit_code == 0, result.output
    brokers_section = result.output.split("Vermittler (")[1].split("Isolierte MSOs")[0]
    assert "Brücke <img src=x onerror=alert(1)> e. V." in brokers_section
    assert "Gelenkstelle" in brokers_section
    isolated_section = result.output.split("Isolierte MSOs")[1].split("Handlungsfelder")[0]
    assert "bruecke/allein" in isolated_section and "bruecke/rat" not in isolated_section


def test_cli_analyse_csv_has_a_row_per_actor(cli, cities):
    result = cli.invoke(main, ["analyse", "--municipality", "stern", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(read_network(cities, "stern").actors) == 5
    centre = next(r for r in rows if r["id"] == "stern/zentrum")
    assert float(centre["betweenness"]) == 1.0 and centre["broker"] == "true"


def test_cli_analyse_json_carries_every_measure(cli):
    result = cli.invoke(main, ["analyse", "--municipality", "felder", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["municipality"] == "felder"
    assert [f["msos"] for f in data["action_fields"]] == [1, 1, 0]
    assert {"betweenness", "eigenvector", "degree_centrality", "community"} <= set(
        data["actors"][0]
    )


def test_cli_analyse_unknown_municipality_exits_2_listing_the_known(cli):
    result = cli.invoke(main, ["analyse", "--municipality", "nirgendwo"])
    assert result.exit_code == 2
    assert "nirgendwo" in result.output and "bruecke, felder, stern" in result.output


def test_cli_analyse_needs_a_municipality(cli):
    result = cli.invoke(main, ["analyse"])
    assert result.exit_code == 2 and "--municipality" in result.output


@pytest.mark.parametrize("export_format", ["graphml", "gexf"])
def test_network_export_for_gephi(cities, export_format, tmp_path):
    path = tmp_path / f"bruecke.{export_format}"
    path.write_bytes(export(cities, export_format, "bruecke"))
    read = nx.read_graphml if export_format == "graphml" else nx.read_gexf
    graph = read(path)
    data = read_network(cities, "bruecke")
    assert graph.number_of_nodes() == len(data.actors) + len(data.networks)
    assert graph.number_of_edges() == 8
    bridge = graph.nodes[iri("bruecke", "vermittler")]
    assert bridge["label"] == "Brücke <img src=x onerror=alert(1)> e. V."
    assert bridge["type"] == "wohlfahrtsverband" and bridge["kind"] == "actor"
    between = {
        node: value
        for node, value in nx.get_node_attributes(graph, "betweenness_centrality").items()
        if graph.nodes[node]["kind"] == "actor"
    }
    # among the actors only the bridge lies on paths between others
    assert {node for node, value in between.items() if value > 0} == {iri("bruecke", "vermittler")}
    assert {"degree_centrality", "eigenvector_centrality", "community"} <= set(bridge)
    assert "community" not in graph.nodes[iri("bruecke", "allein")]  # no ties, no community
    assert graph.nodes[iri("bruecke", "n-a")]["type"] == "netzwerk"
    # organisations only: no attribute beyond the documented ones
    allowed = {
        "label",
        "kind",
        "type",
        "type_label",
        "collective",
        "bipartite",
        "municipality",
        "degree_centrality",
        "betweenness_centrality",
        "eigenvector_centrality",
        "community",
    }
    assert {key for _n, d in graph.nodes(data=True) for key in d} <= allowed


def test_cli_export_graphml_of_all_real_municipalities(cli, tmp_path):
    target = tmp_path / "alle.graphml"
    result = cli.invoke(main, ["export", "--format", "graphml", "-o", str(target)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(target)
    # felder is fictional: left out of the network of all, exported when named
    assert set(nx.get_node_attributes(graph, "municipality").values()) == {"bruecke", "stern"}
    named = tmp_path / "felder.graphml"
    result = cli.invoke(
        main, ["export", "--format", "graphml", "--municipality", "felder", "-o", str(named)]
    )
    assert result.exit_code == 0, result.output
    assert set(nx.get_node_attributes(nx.read_graphml(named), "municipality").values()) == {
        "felder"
    }


def test_cli_export_network_of_an_unknown_municipality_exits_2(cli):
    result = cli.invoke(main, ["export", "--format", "gexf", "--municipality", "nirgendwo"])
    assert result.exit_code == 2 and "bruecke, felder, stern" in result.output


# --- the built data of the three cities -------------------------------------------------------


def test_oberhausen_ki_networks_match_the_memberships_query(store, queries):
    ki = iri("oberhausen", "ki")
    memberships = run_named_query(
        store, queries["memberships"], {"actor": "Kommunales Integrationszentrum Oberhausen"}
    )
    networks = {str(row["network"]) for row in memberships.dicts()}
    data = read_network(store, "oberhausen")
    assert set(data.networks_of(ki)) == networks and len(networks) >= 5
    graph = membership_graph(data)
    assert graph.degree(ki) == len(networks)
    # the KI is in more networks than any other actor of Oberhausen
    actor_degrees = {n: graph.degree(n) for n, d in graph.nodes(data=True) if d["kind"] == "actor"}
    assert max(actor_degrees, key=actor_degrees.get) == ki


def test_oberhausen_ki_is_a_broker_holding_parts_of_the_network_together(store):
    # with every kind of tie, the KI once was a broker for linking the seven partner cities of
    # Integration.Interkommunal to Oberhausen: they are other municipalities, not actors of
    # Oberhausen, and are not analysed (tests/test_partner_municipalities.py)
    assert not analyse(store, "oberhausen").actor(iri("oberhausen", "ki")).broker
    # counting memberships and measures only, the KI alone holds a partner (the Fachverwaltung);
    # with fundings the city's innovation budget ties that partner to the city too
    analysis = analyse(store, "oberhausen", ties="membership,measure")
    ki = analysis.actor(iri("oberhausen", "ki"))
    assert ki.broker and ki.articulation_point
    assert ki in analysis.brokers
    # the partner it alone is tied to loses every tie without the KI
    actors = actor_graph(read_network(store, "oberhausen"), ["membership", "measure"])
    only_through_ki = [n for n in actors.neighbors(ki.iri) if actors.degree(n) == 1]
    assert only_through_ki
    assert ki.measures == len(read_network(store, "oberhausen").measures_of(ki.iri)) > 0


def test_real_cities_field_reach_agrees_with_coverage(store, queries):
    for slug in ("oberhausen", "offenburg", "leverkusen"):
        coverage = run_named_query(store, queries["coverage"], {"municipality": slug})
        expected = {
            str(row["field"]): int(row["actorCount"])
            for row in coverage.dicts()
            if row["typeLabel"] is not None
            and str(row["typeLabel"]) == "Migrantenselbstorganisation"
        }
        data = read_network(store, slug)
        reach = field_reach(store, data)
        assert {f.iri for f in reach} == {str(row["field"]) for row in coverage.dicts()}
        assert {f.iri: f.count for f in reach if f.count} == expected, slug


def test_every_real_municipality_can_be_analysed(store):
    for slug in ("oberhausen", "offenburg", "leverkusen"):
        analysis = analyse(store, slug)
        assert analysis.actors and analysis.networks
        assert all(str(municipality_iri(slug)) in a.iri for a in analysis.actors)
        assert {a.iri for a in analysis.isolated} == {a.iri for a in analysis.actors if a.ties == 0}


def test_analysis_on_a_remote_sparql_server_equals_the_embedded_one(store, oxigraph_store):
    # the projection only uses the Store interface and bound, projected variables
    for slug in ("oberhausen", "offenburg"):
        assert analyse(oxigraph_store, slug).to_dict() == analyse(store, slug).to_dict()
    assert export(oxigraph_store, "graphml", "oberhausen") == export(store, "graphml", "oberhausen")


@pytest.mark.parametrize("slug", ["leverkusen", "oberhausen", "offenburg"])
def test_a_network_is_read_from_its_municipalitys_graphs_as_from_all(
    store: EmbeddedStore, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analysis reads one municipality's stated and inferred graphs (at 400 municipalities
    the union made a network page's first request run over two minutes) and finds there what
    the same queries find over the union of all graphs."""
    from graph.analysis.projection import ACTORS, MEASURES, MEMBERSHIPS, NETWORKS
    from graph.namespaces import REFERENCE_GRAPH, inferred_graph, municipality_graph

    datasets: list[list | None] = []
    original_query = EmbeddedStore.query

    def recording_query(self, sparql, *arguments, **keywords):
        if sparql in (ACTORS, NETWORKS, MEMBERSHIPS, MEASURES):
            datasets.append(keywords.get("default_graphs"))
        return original_query(self, sparql, *arguments, **keywords)

    monkeypatch.setattr(EmbeddedStore, "query", recording_query)
    data = read_network(store, slug)
    assert datasets == [[REFERENCE_GRAPH, municipality_graph(slug), inferred_graph(slug)]] * 4

    bound = {"m": municipality_iri(slug)}
    over_all = {
        sparql: sorted(tuple(map(str, row)) for row in original_query(store, sparql, bound).rows)
        for sparql in (ACTORS, NETWORKS, MEMBERSHIPS, MEASURES)
    }
    assert {str(row[1]) for row in over_all[ACTORS]} - set(data.networks) == set(data.actors)
    assert {str(row[1]) for row in over_all[NETWORKS]} == set(data.networks)
    assert {str(row[1]) for row in over_all[MEASURES]} == set(data.measures)
    members = {(str(m), str(n)) for _, m, n in over_all[MEMBERSHIPS] if str(n) in data.networks}
    assert members == {(m, n) for n, network in data.networks.items() for m in network.members}
    assert data.actors and data.networks
