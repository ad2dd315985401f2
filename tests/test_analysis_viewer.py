"""The network analysis in the viewer: node sizes by centrality, colours by community on request
(``farbe=gemeinschaft``), the panel of brokers and isolated MSOs with links to their profiles,
the JSON twin and the GraphML download — on the hand-made cities of tests/fixtures/analysis/
(whose labels include markup), in a real browser, and on the generated example city."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.analysis.report import analyse
from graph.build import build
from graph.generator import write_example_city
from graph.store import EmbeddedStore
from graph.store.builds import write_store
from tests.browsing import needs_chromium
from tests.conftest import DATA_DIR, SEEDS_DIR
from tests.serving import serve
from webapp import create_app

FIXTURES = Path(__file__).parent / "fixtures"
CITIES = FIXTURES / "analysis" / "cities.trig"
HOSTILE = FIXTURES / "hostile" / "hostile.trig"
#: markup that must never reach a page unescaped (template syntax may: shown, not evaluated)
RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
BRIDGE = "https://w3id.org/ikg/id/bruecke/vermittler"
ALONE = "https://w3id.org/ikg/id/bruecke/allein"


def load(trig: Path, target: Path) -> Path:
    quads = ox.parse(trig.read_bytes(), format=ox.RdfFormat.TRIG)
    write_store(target, [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)])
    return target


@pytest.fixture(scope="module")
def cities_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load(CITIES, tmp_path_factory.mktemp("analysis-viewer") / "store")


@pytest.fixture(scope="module")
def client(cities_path: Path):
    return create_app({"STORE": str(cities_path), "TESTING": True}).test_client()


def network_json(client, query: str = "", slug: str = "bruecke") -> dict:
    response = client.get(f"/kommune/{slug}/netzwerk.json{query}")
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def by_id(data: dict) -> dict[str, dict]:
    return {node["id"]: node for node in data["nodes"]}


# --- sizes and colours ------------------------------------------------------------------------


def test_nodes_carry_centralities_and_are_sized_by_betweenness(client):
    data = network_json(client)
    nodes = by_id(data)
    for node in data["nodes"]:
        assert set(node["centrality"]) == {"degree", "betweenness", "eigenvector"}
        assert node["value"] == node["centrality"]["betweenness"]  # the default size
    # in the drawn graph the two networks and the actor between them carry every path
    carrying = {n for n, node in nodes.items() if node["value"] > 0}
    assert carrying == {
        BRIDGE,
        BRIDGE.replace("vermittler", "n-a"),
        BRIDGE.replace("vermittler", "n-b"),
    }


@pytest.mark.parametrize(
    ("groesse", "measure"), [("verbindungen", "degree"), ("einfluss", "eigenvector")]
)
def test_size_parameter_switches_the_measure(client, groesse, measure):
    data = network_json(client, f"?groesse={groesse}")
    assert data["view"]["groesse"] == groesse
    assert all(n["value"] == n["centrality"][measure] for n in data["nodes"])
    assert len({n["value"] for n in data["nodes"]}) > 2


def test_colour_by_community_on_request(client):
    by_type = network_json(client)
    assert {item["category"] for item in by_type["legend"]} >= {"mso", "network"}
    data = network_json(client, "?farbe=gemeinschaft")
    nodes = by_id(data)
    group_a = [f"https://w3id.org/ikg/id/bruecke/a-{i}" for i in (1, 2, 3)]
    group_b = [f"https://w3id.org/ikg/id/bruecke/b-{i}" for i in (1, 2, 3)]
    assert len({nodes[n]["color"] for n in group_a}) == 1
    assert len({nodes[n]["color"] for n in group_b}) == 1
    assert nodes[group_a[0]]["color"] != nodes[group_b[0]]["color"]
    assert nodes[group_a[0]]["community"] != nodes[group_b[0]]["community"]
    assert data["communities"] == 2
    labels = [item["label"] for item in data["legend"]]
    assert labels == ["Gemeinschaft 1", "Gemeinschaft 2", "Ohne Verbindung"]  # the council
    assert sum(item["count"] for item in data["legend"]) == data["node_count"]
    # sizes and colours stay with the node when a filter hides part of the graph
    filtered = by_id(network_json(client, "?farbe=gemeinschaft&typ=mso"))
    # not vacuous: the filter keeps both groups' MSOs and hides the rest
    assert set(group_a + group_b) <= set(filtered) < set(nodes)
    assert all(filtered[n]["community"] == nodes[n]["community"] for n in filtered)
    assert all(filtered[n]["value"] == nodes[n]["value"] for n in filtered)


def test_view_parameters_are_kept_in_the_form(client):
    html = client.get("/kommune/bruecke/netzwerk?farbe=gemeinschaft&groesse=einfluss").get_data(
        as_text=True
    )
    assert '<option value="gemeinschaft" selected>' in html
    assert '<option value="einfluss" selected>' in html
    assert 'data-colour-by="gemeinschaft"' in html and 'data-size-by="einfluss"' in html
    assert "Gemeinschaft 1" in html


@pytest.mark.parametrize(
    ("query", "parameter"), [("farbe=bunt", "farbe"), ("groesse=riesig", "groesse")]
)
def test_unknown_view_values_are_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/kommune/bruecke/netzwerk.json?{query}")
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert f"'{parameter}'" in message and "Erlaubt" in message


def test_community_colours_are_served_as_classes(client):
    css = client.get("/netzwerk/farben.css").get_data(as_text=True)
    assert ".swatch.g-1 {" in css and ".swatch.g-0 {" in css


def test_graphml_download_carries_centralities_and_communities(client):
    response = client.get("/kommune/bruecke/netzwerk.graphml")
    graph = nx.parse_graphml(response.get_data(as_text=True))
    node = graph.nodes[BRIDGE]
    assert node["betweenness_centrality"] > 0 and node["community"] >= 1
    assert "community" not in graph.nodes["https://w3id.org/ikg/id/bruecke/rat"]


# --- the panel --------------------------------------------------------------------------------


def test_panel_lists_brokers_and_isolated_msos_with_profile_links(client, cities_path):
    data = network_json(client)
    panel = data["analysis"]
    assert [b["iri"] for b in panel["brokers"]] == [BRIDGE]
    assert panel["brokers"][0]["url"] == "/kommune/bruecke/vermittler"
    assert panel["brokers"][0]["articulation_point"] is True
    assert [m["url"] for m in panel["isolated_msos"]] == ["/kommune/bruecke/allein"]
    # the same as `ikg analyse`
    assert panel == {
        **analyse(EmbeddedStore(cities_path), "bruecke").to_dict(),
        "brokers": panel["brokers"],
        "isolated_msos": panel["isolated_msos"],
    }
    html = client.get("/kommune/bruecke/netzwerk").get_data(as_text=True)
    panel_html = html[html.index('id="analyse"') :]
    assert '<a href="/kommune/bruecke/vermittler">Brücke &lt;img' in panel_html
    assert '<a href="/kommune/bruecke/allein">Allein &lt;script&gt;' in panel_html
    for url in ("/kommune/bruecke/vermittler", "/kommune/bruecke/allein"):
        assert client.get(url).status_code == 200


def test_panel_says_so_when_there_are_none(client):
    data = network_json(client, slug="felder")
    assert data["analysis"]["isolated_msos"] == []
    html = client.get("/kommune/felder/netzwerk").get_data(as_text=True)
    assert "Keine isolierten MSOs." in html


def test_all_municipalities_page_shows_fictional_ones_only_when_asked(client):
    def municipalities_of(data: dict) -> set[str]:
        return {n["id"].split("/id/")[1].split("/")[0] for n in data["nodes"]}

    real = client.get("/netzwerk.json").get_json()
    assert municipalities_of(real) == {"bruecke"}  # stern has no memberships to draw
    assert real["fictional_hidden"] == ["felder"]
    everything = client.get("/netzwerk.json?fiktiv=1").get_json()
    assert municipalities_of(everything) == {"bruecke", "felder"}
    html = client.get("/netzwerk?fiktiv=1").get_data(as_text=True)
    assert 'id="fiktiv-hinweis"' in html and '<input type="hidden" name="fiktiv" value="1">' in html
    assert 'id="fiktiv-ausgeblendet"' in client.get("/netzwerk").get_data(as_text=True)
    graphml = client.get("/netzwerk.graphml").get_data(as_text=True)
    assert "/id/felder/" not in graphml and "/id/bruecke/" in graphml


def test_all_municipalities_page_has_no_panel_but_says_where_it_is(client):
    response = client.get("/netzwerk.json")
    assert response.get_json()["analysis"] is None
    assert "zeigt die Netzwerkseite jeder Kommune" in client.get("/netzwerk").get_data(as_text=True)


def test_markup_in_names_stays_text(client):
    for url in (
        "/kommune/bruecke/netzwerk",
        "/kommune/bruecke/netzwerk?farbe=gemeinschaft",
        "/kommune/bruecke/netzwerk?groesse=einfluss&typ=mso",
    ):
        html = client.get(url).get_data(as_text=True)
        for raw in RAW:
            assert raw not in html, (url, raw)
        assert "Allein 49" not in html
        assert "Allein &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html


def test_hostile_city_with_community_colours_stays_text(tmp_path):
    client = create_app({"STORE": str(load(HOSTILE, tmp_path / "store")), "TESTING": True})
    html = (
        client.test_client()
        .get("/kommune/hostile/netzwerk?farbe=gemeinschaft&groesse=verbindungen")
        .get_data(as_text=True)
    )
    assert 'id="analyse"' in html
    for raw in RAW + ["<b>", "Rat 49 Ende", "Amt 49 Ende"]:
        assert raw not in html, raw


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cities_url(cities_path: Path) -> Iterator[str]:
    with serve({"STORE": str(cities_path)}) as served:
        yield served.base


DRAWN = """() => {
  const nodes = window.ikgNetwork.body.nodes;
  const out = {};
  for (const id of Object.keys(nodes)) {
    if (id.indexOf("edgeId:") === 0) { continue; }
    out[id] = {size: nodes[id].options.size, colour: nodes[id].options.color.background};
  }
  return out;
}"""


def open_network(page, url: str) -> dict[str, dict]:
    page.goto(url)
    page.wait_for_selector("#network[data-ready=true]", timeout=30_000)
    return page.evaluate(DRAWN)


@needs_chromium
def test_browser_draws_sizes_and_community_colours_and_links_the_panel(page, cities_url):
    drawn = open_network(page, f"{cities_url}/kommune/bruecke/netzwerk")
    a1 = "https://w3id.org/ikg/id/bruecke/a-1"
    network_a = "https://w3id.org/ikg/id/bruecke/n-a"
    # betweenness: the networks largest, the bridge next, the members smallest
    assert drawn[network_a]["size"] > drawn[BRIDGE]["size"] > drawn[a1]["size"]
    assert drawn[network_a]["size"] == max(d["size"] for d in drawn.values())
    page.select_option("select[name=farbe]", "gemeinschaft")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/netzwerk?*farbe=gemeinschaft*")
    page.wait_for_selector("#network[data-ready=true]", timeout=30_000)
    coloured = page.evaluate(DRAWN)
    b1 = "https://w3id.org/ikg/id/bruecke/b-1"
    assert coloured[a1]["colour"] == coloured["https://w3id.org/ikg/id/bruecke/a-2"]["colour"]
    assert coloured[a1]["colour"] != coloured[b1]["colour"]
    assert "Gemeinschaft 2" in page.inner_text("aside.legend")
    # the panel's links open the profiles
    page.click("#analyse a[href='/kommune/bruecke/allein']")
    page.wait_for_url("**/kommune/bruecke/allein")
    assert "Allein <script>alert(1)</script>" in page.inner_text("h1")
    assert page.recorder.dialogs == []
    assert page.recorder.errors == []
    assert page.recorder.foreign(cities_url) == []


# --- the generated example city ---------------------------------------------------------------


@pytest.fixture(scope="module")
def example_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("beispielstadt") / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    write_example_city(data, seed=1)
    store_path = data.parent / "store"
    build(data, store_path, seeds_dir=SEEDS_DIR)
    return store_path


@pytest.mark.slow
def test_example_city_has_brokers_isolated_msos_and_communities(example_path):
    analysis = analyse(EmbeddedStore(example_path), "beispielstadt")
    assert 40 <= len(analysis.msos) <= 60
    assert analysis.brokers and any(
        b.articulation_point or b.betweenness > 0 for b in analysis.brokers
    )
    assert analysis.isolated_msos
    assert all(m.networks == 0 or m.ties == 0 for m in analysis.isolated_msos)
    assert len(analysis.communities) > 1
    reached = [f for f in analysis.fields if f.count]
    assert reached and all(f.count <= len(analysis.msos) for f in analysis.fields)


@pytest.fixture(scope="module")
def example_url(example_path: Path) -> Iterator[str]:
    with serve({"STORE": str(example_path)}) as served:
        yield served.base


@needs_chromium
def test_example_city_network_page_renders_with_centrality_sizes(page, example_path, example_url):
    client = create_app({"STORE": str(example_path), "TESTING": True}).test_client()
    data = client.get("/kommune/beispielstadt/netzwerk.json").get_json()
    assert data["analysis"]["brokers"] and data["analysis"]["isolated_msos"]
    drawn = open_network(page, f"{example_url}/kommune/beispielstadt/netzwerk")
    assert len(drawn) == data["node_count"] > 50
    top = max(data["nodes"], key=lambda n: n["value"])
    low = min(data["nodes"], key=lambda n: n["value"])
    assert drawn[top["id"]]["size"] == max(d["size"] for d in drawn.values())
    assert drawn[top["id"]]["size"] > drawn[low["id"]]["size"]
    panel = page.inner_text("#analyse")
    assert data["analysis"]["isolated_msos"][0]["label"] in panel
    assert page.recorder.errors == [] and page.recorder.foreign(example_url) == []
