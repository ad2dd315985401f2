"""What ties actors in the network analysis (issue 16): memberships, measures, fundings and
events by default, each kind to be left out per call; the administration's hierarchy and the
consultation of papers never. Checked on the real cities as built, on every store kind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph.analysis.projection import DEFAULT_TIES, actor_graph, read_network, tie_kinds
from graph.analysis.report import analyse
from graph.build import build
from graph.cli import main
from graph.generator import EXAMPLE_SLUG, write_example_city
from graph.generator.vocabulary import BRIDGING_MSO_PATTERNS
from graph.namespaces import entity_iri, municipality_iri
from graph.store import EmbeddedStore, Store
from tests.conftest import DATA_DIR, SEEDS_DIR
from webapp import create_app

BAMF = str(entity_iri("oberhausen", "bamf"))
INTEGRATIONSRAT = str(entity_iri("oberhausen", "integrationsrat-oberhausen"))
CITY = str(municipality_iri("oberhausen"))
KI = str(entity_iri("oberhausen", "ki"))
DEZERNAT_3 = str(entity_iri("oberhausen", "dezernat-3"))


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def test_funder_and_event_hosts_are_not_isolated(store):
    analysis = analyse(store, "oberhausen")
    isolated = {a.iri for a in analysis.isolated}
    # the BAMF funds the MSO project, the Integrationsrat co-hosts the Konferenz für Vielfalt
    assert BAMF not in isolated and INTEGRATIONSRAT not in isolated
    actors = actor_graph(read_network(store, "oberhausen"))
    assert actors.has_edge(BAMF, str(entity_iri("oberhausen", "msos")))
    assert actors.edges[BAMF, str(entity_iri("oberhausen", "msos"))]["fundings"]
    assert actors.edges[CITY, INTEGRATIONSRAT]["events"]


def test_kinds_of_tie_can_be_chosen_per_call(store):
    only_memberships = analyse(store, "oberhausen", ties="membership,measure")
    isolated = {a.iri for a in only_memberships.isolated}
    assert {BAMF, INTEGRATIONSRAT} <= isolated
    assert only_memberships.to_dict()["tie_kinds"] == [
        {"kind": "membership", "label": "gemeinsame Mitgliedschaft in Netzwerk oder Gremium"},
        {"kind": "measure", "label": "gemeinsam getragene Maßnahme"},
    ]
    assert [t["kind"] for t in analyse(store, "oberhausen").to_dict()["tie_kinds"]] == list(
        DEFAULT_TIES
    )
    assert DEFAULT_TIES == ("membership", "measure", "funding", "event")


def test_the_city_itself_is_no_broker_and_hierarchy_ties_no_one(store):
    analysis = analyse(store, "oberhausen")
    assert CITY not in {a.iri for a in analysis.brokers}
    # its own figures are still measured
    assert analysis.actor(CITY).ties > 0
    # the brokers are Oberhausen's own actors (the MSOs and the Integrationsrat; the KI was
    # one while the partner cities of Integration.Interkommunal counted as actors)
    assert analysis.brokers
    assert all(a.iri.startswith(CITY + "/") for a in analysis.brokers)
    data = read_network(store, "oberhausen")
    assert (KI, DEZERNAT_3) in data.parts
    # the KI is part of Dezernat 3, which is tied to no one: a place in the administration
    # is no tie
    assert analysis.actor(DEZERNAT_3).isolated
    assert not actor_graph(data).has_edge(KI, DEZERNAT_3)


def test_unknown_kind_of_tie_is_named():
    with pytest.raises(ValueError, match="unbekannte Art von Verbindung 'paper'.*membership"):
        tie_kinds("membership,paper")


def test_cli_says_which_kinds_were_counted(store_path: Path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["analyse", "--municipality", "oberhausen", "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Verbindungen gezählt aus: gemeinsame Mitgliedschaft" in result.output
    assert "Förderung (Fördernde ↔ Geförderte)" in result.output
    chosen = runner.invoke(
        main,
        ["analyse", "--municipality", "oberhausen", "--store", str(store_path)]
        + ["--ties", "membership", "--format", "json"],
    )
    assert chosen.exit_code == 0, chosen.output
    assert '"kind": "membership"' in chosen.output and '"kind": "event"' not in chosen.output
    wrong = runner.invoke(
        main,
        ["analyse", "--municipality", "oberhausen", "--store", str(store_path)]
        + ["--ties", "papers"],
    )
    assert wrong.exit_code == 2
    assert "--ties" in wrong.output and "unbekannte Art von Verbindung 'papers'" in wrong.output
    assert "Traceback" not in wrong.output


@pytest.fixture(scope="module")
def client(store_path: Path):
    return create_app({"STORE": str(store_path), "TESTING": True}).test_client()


def test_panel_counts_the_kinds_from_the_url(client):
    default = client.get("/kommune/oberhausen/netzwerk.json").get_json()["analysis"]
    assert [t["kind"] for t in default["tie_kinds"]] == list(DEFAULT_TIES)
    assert "oberhausen" not in {b["id"] for b in default["brokers"]}
    assert "oberhausen/bamf" not in {a["id"] for a in default["isolated"]}
    chosen = client.get("/kommune/oberhausen/netzwerk.json?verbindungen=membership,measure")
    chosen_analysis = chosen.get_json()["analysis"]
    assert [t["kind"] for t in chosen_analysis["tie_kinds"]] == ["membership", "measure"]
    assert "oberhausen/bamf" in {a["id"] for a in chosen_analysis["isolated"]}
    page = client.get("/kommune/oberhausen/netzwerk?verbindungen=membership")
    assert page.status_code == 200
    assert "Gezählte Verbindungen" in page.get_data(as_text=True)
    wrong = client.get("/kommune/oberhausen/netzwerk.json?verbindungen=papers")
    assert wrong.status_code == 400
    assert "verbindungen" in wrong.get_data(as_text=True)


def test_diagram_sizes_do_not_count_hierarchy(client):
    nodes = {
        n["id"]: n for n in client.get("/kommune/leverkusen/netzwerk.json").get_json()["nodes"]
    }
    city = nodes[str(municipality_iri("leverkusen"))]
    council = nodes[str(entity_iri("leverkusen", "rat"))]
    steering = nodes[str(entity_iri("leverkusen", "controllinggruppe"))]
    # the council and the city are drawn above their committees and units (part-of), but
    # only the committees' members make anyone a go-between
    assert council["centrality"]["betweenness"] == 0
    assert city["value"] < steering["value"]
    assert city["value"] == city["centrality"]["betweenness"] < 0.05


# --- the generated example city ---------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, dict]]:
    data = tmp_path_factory.mktemp("beispielstadt-ties") / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    write_example_city(data, seed=1)
    store_path = data.parent / "store"
    build(data, store_path, seeds_dir=SEEDS_DIR)
    files = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (data / EXAMPLE_SLUG).glob("*.yaml")
    }
    return EmbeddedStore(store_path), files


def test_example_city_keeps_its_meant_isolated_msos_and_bridging_brokers(example):
    store, files = example
    msos = {a["id"] for a in files["actors.yaml"]["actors"] if a.get("type") == "mso"}
    mentioned = {
        text
        for name, content in files.items()
        if name != "actors.yaml"
        for text in _strings(content)
    }
    # the generator keeps a few MSOs out of everything: those, and only those, are isolated
    meant_isolated = {str(entity_iri(EXAMPLE_SLUG, m)) for m in msos - mentioned}
    analysis = analyse(store, EXAMPLE_SLUG)
    assert 3 <= len(meant_isolated) <= 5
    assert {a.iri for a in analysis.isolated_msos} == meant_isolated
    # the bridging MSOs sit in the MSO network and two district networks: with every kind
    # of tie counted, at least as many of them are brokers as with memberships and measures
    bridging = {
        a.iri
        for a in analysis.msos
        if any(a.label.startswith(p.split(" {d}")[0]) for p in BRIDGING_MSO_PATTERNS)
    }
    old = analyse(store, EXAMPLE_SLUG, ties="membership,measure")
    assert (
        len(bridging & {b.iri for b in analysis.brokers})
        >= len(bridging & {b.iri for b in old.brokers})
        >= 2
    )
    # funders tie to what they fund
    funders = {a.iri for a in analysis.actors if a.type == "foerdermittelgeber"}
    assert funders and not funders & {a.iri for a in analysis.isolated}
