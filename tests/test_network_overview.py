"""The network of all municipalities at scale (issue 19, item 3): above OVERVIEW_ABOVE nodes
/netzwerk shows each municipality with its networks and bodies instead of every actor, kept
per built store; the pages over every municipality are computed once per built store; the
spring layout's work is bounded. On municipalities written by the real generator and built by
the real build, through the Flask test client and in Debian's chromium."""

from __future__ import annotations

import doctest
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

import webapp.comparison
import webapp.network
import webapp.network_graph
import webapp.start
from graph.build import build
from graph.generator import generated_slug, write_generated_data
from graph.sources import municipality_folders
from graph.store import EmbeddedStore
from graph.store.builds import write_store
from tests.browsing import needs_chromium
from tests.conftest import DATA_DIR, FIXTURES, SEEDS_DIR
from tests.serving import serve
from tests.test_browser import fetch_json
from webapp import create_app

# several generated municipalities are written and built here
pytestmark = pytest.mark.slow

NOTICE = "Fiktive Beispieldaten – keine echte Kommune."
#: three generated municipalities have ~720 nodes together: past the default threshold (500),
#: while each one's own page (~240 nodes) is drawn whole
TOWNS = 3
SLUGS = [generated_slug(number) for number in range(1, TOWNS + 1)]

NETWORKS_IN_STORE = """
SELECT ?e ?m ?isNetwork (COUNT(DISTINCT ?member) AS ?members) WHERE {
  { ?e a org:OrganizationalCollaboration ; ikg:municipality ?m . BIND (true AS ?isNetwork) }
  UNION { ?e a ikg:PoliticalBody ; ikg:municipality ?m . BIND (false AS ?isNetwork) }
  OPTIONAL { ?ms a org:Membership ; org:organization ?e ; org:member ?member }
} GROUP BY ?e ?m ?isNetwork
"""


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("overview")
    write_generated_data(folder / "data", municipalities=TOWNS, seed=1)
    build(folder / "data", folder / "store")
    return folder / "store"


@pytest.fixture
def client(generated_store: Path):
    """A fresh app (an empty results cache) on the generated store, default settings."""
    return create_app({"STORE": str(generated_store), "TESTING": True}).test_client()


def networks_in_store(store_path: Path) -> dict[str, tuple[str, str, int]]:
    """IRI → (kind, municipality slug, distinct members) of every network and body."""
    rows = EmbeddedStore(store_path).query(NETWORKS_IN_STORE).rows
    found: dict[str, tuple[str, str, int]] = {}
    for iri, town, is_network, members in rows:
        kind = "network" if is_network.toPython() else "body"
        if found.get(str(iri), ("",))[0] != "network":  # a body that is a network too
            found[str(iri)] = (kind, str(town).rsplit("/", 1)[-1], int(members.toPython()))
    return found


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it); the list grows by one a call."""
    calls: list[int] = []
    original: Callable = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def get_json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:400])
    return response.get_json()


# -- the overview ---------------------------------------------------------------------------


def test_overview_has_one_node_per_municipality_and_per_network_not_every_actor(
    client, generated_store: Path
) -> None:
    data = get_json(client, "/netzwerk.json?fiktiv=1")
    expected = networks_in_store(generated_store)
    kinds = Counter(node["kind"] for node in data["nodes"])
    assert kinds == {
        "municipality": TOWNS,
        "network": sum(1 for kind, _t, _m in expected.values() if kind == "network"),
        "body": sum(1 for kind, _t, _m in expected.values() if kind == "body"),
    }
    assert kinds["network"] >= 10 * TOWNS and kinds["body"] >= 5 * TOWNS
    # the whole network (every actor) would have been past the threshold
    assert data["overview"]["whole_network_nodes"] > data["overview"]["threshold"] == 500
    assert data["node_count"] == len(data["nodes"]) < data["overview"]["whole_network_nodes"] / 5
    nodes = {node["id"]: node for node in data["nodes"]}
    towns = {n["municipality"]: n for n in data["nodes"] if n["kind"] == "municipality"}
    assert sorted(towns) == SLUGS
    for iri, (kind, town, members) in expected.items():
        assert (nodes[iri]["kind"], nodes[iri]["municipality"]) == (kind, town)
        assert nodes[iri]["members"] == nodes[iri]["value"] == members, iri
    # each network and body is tied to its municipality, and to nothing else
    assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(
        (iri, towns[town]["id"]) for iri, (_k, town, _m) in expected.items()
    )
    # drawn where the server put it: no physics, every node at its own place
    assert data["physics"] is False
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])


def test_overview_marks_fictional_municipalities_and_links_their_full_networks(client) -> None:
    data = get_json(client, "/netzwerk.json?fiktiv=1")
    for town in (n for n in data["nodes"] if n["kind"] == "municipality"):
        assert town["fictional"] is True and "(fiktiv)" in town["label"]
        assert town["url"] == f"/kommune/{town['municipality']}/netzwerk"
    assert [m["slug"] for m in data["municipalities"]] == SLUGS
    assert all(m["fictional"] for m in data["municipalities"])
    html = client.get("/netzwerk?fiktiv=1").get_data(as_text=True)
    assert NOTICE in html and 'id="ueberblick-hinweis"' in html
    assert "zeigt die Netzwerkseite jeder Kommune" in html
    for slug in SLUGS:
        assert f'<a href="/kommune/{slug}/netzwerk">' in html
    assert html.count('<span class="badge">fiktiv</span>') == TOWNS
    # a network's node opens the municipality's full diagram filtered to that network
    network = next(n for n in data["nodes"] if n["kind"] == "network")
    shown = get_json(client, network["url"].replace("/netzwerk?", "/netzwerk.json?"))
    assert network["id"] in {node["id"] for node in shown["nodes"]}
    assert "overview" not in shown and shown["node_count"] >= network["members"] + 1


def test_without_fictional_ones_the_overview_is_not_needed(client) -> None:
    data = get_json(client, "/netzwerk.json")
    assert "overview" not in data and data["nodes"] == []
    assert data["fictional_hidden"] == SLUGS
    assert 'id="fiktiv-ausgeblendet"' in client.get("/netzwerk").get_data(as_text=True)


def test_the_overview_is_computed_once_per_built_store(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(monkeypatch, webapp.network, "select")
    pages = counting(monkeypatch, webapp.network, "overview_page")
    layouts = counting(monkeypatch, webapp.network_graph, "layout")
    measures = counting(monkeypatch, webapp.network, "node_measures")
    first = get_json(client, "/netzwerk.json?fiktiv=1")
    assert len(pages) == 1 and len(reads) == 2  # the sizes, the networks: one row each
    for url in ("/netzwerk?fiktiv=1", "/netzwerk.json?fiktiv=1", "/netzwerk?fiktiv=ja"):
        assert client.get(url).status_code == 200
    assert get_json(client, "/netzwerk.json?fiktiv=1") == first
    assert len(pages) == 1 and len(reads) == 2
    # no actor is measured or laid out for it (what cost 45 s a request at 20 municipalities)
    assert layouts == [] and measures == []


def test_a_rebuild_is_shown_at_once(tmp_path: Path) -> None:
    data, store_path = tmp_path / "data", tmp_path / "store"
    write_generated_data(data, municipalities=2, seed=1)
    build(data, store_path)
    # two municipalities (~480 nodes) are past a threshold of 300, one (~240) is not
    client = create_app(
        {"STORE": str(store_path), "TESTING": True, "NETWORK_OVERVIEW_ABOVE": 300}
    ).test_client()
    before = get_json(client, "/netzwerk.json?fiktiv=1")
    assert [m["slug"] for m in before["municipalities"]] == SLUGS[:2]
    assert get_json(client, "/netzwerk.json?fiktiv=1") == before  # kept …
    write_generated_data(data, municipalities=3, seed=1)
    build(data, store_path)
    after = get_json(client, "/netzwerk.json?fiktiv=1")  # … but only for the built store
    assert [m["slug"] for m in after["municipalities"]] == SLUGS
    assert Counter(n["kind"] for n in after["nodes"])["municipality"] == 3
    assert after["node_count"] > before["node_count"]


def test_the_real_municipalities_are_read_whole_beside_many_hidden_ones(tmp_path: Path) -> None:
    """/netzwerk without fictional ones reads the graphs of the real ones only: reading all and
    dropping the hidden ones filled the row cap with generated rows (at ~40 generated
    municipalities for the default cap) and cut real nodes off."""
    data = tmp_path / "data"
    write_generated_data(data, municipalities=2, seed=1)
    for folder in municipality_folders(DATA_DIR):
        (data / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
    build(data, tmp_path / "store", seeds_dir=SEEDS_DIR)
    # the real cities' rows fit in this cap; with the generated ones' they do not
    client = create_app(
        {"STORE": str(tmp_path / "store"), "TESTING": True, "ROW_CAP": 300}
    ).test_client()
    shown = get_json(client, "/netzwerk.json")
    assert "overview" not in shown and shown["fictional_hidden"] == SLUGS[:2]
    expected: set[str] = set()
    for folder in municipality_folders(DATA_DIR):
        page = get_json(client, f"/kommune/{folder.name}/netzwerk.json")
        expected |= {node["id"] for node in page["nodes"]}
    assert {node["id"] for node in shown["nodes"]} == expected
    assert len(expected) > 50


@pytest.mark.parametrize(
    "query",
    [
        "typ=mso",
        "feld=sprache",
        "netzwerk=x",
        "fokus=a",
        "umkreis=2",
        "groesse=einfluss",
        "farbe=gemeinschaft",
    ],
)
def test_actor_parameters_in_the_overview_say_where_they_apply(client, query: str) -> None:
    response = client.get(f"/netzwerk.json?fiktiv=1&{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == query.split("=")[0]
    assert "Netzwerkseite jeder Kommune" in error["message"]
    assert f"/kommune/{SLUGS[0]}/netzwerk" in error["message"] and " / " in error["message"]


def test_the_whole_graphml_past_the_threshold_points_to_each_municipality(client) -> None:
    response = client.get("/netzwerk.graphml?fiktiv=1", headers={"Accept": "application/json"})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "je Kommune" in message and "/kommune/<kommune>/netzwerk.graphml" in message
    # one municipality's file is still there
    single = client.get(f"/kommune/{SLUGS[0]}/netzwerk.graphml")
    assert single.status_code == 200
    assert nx.parse_graphml(single.get_data(as_text=True)).number_of_nodes() > 100


def test_hostile_names_in_the_overview_stay_text(tmp_path: Path) -> None:
    quads = ox.parse((FIXTURES / "hostile" / "hostile.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    write_store(tmp_path / "store", [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)])
    client = create_app(
        {"STORE": str(tmp_path / "store"), "TESTING": True, "NETWORK_OVERVIEW_ABOVE": 1}
    ).test_client()
    data = get_json(client, "/netzwerk.json?fiktiv=1")
    labels = {node["kind"]: node["label"] for node in data["nodes"]}
    assert labels["network"] == "Netz <img src=x onerror=alert(1)> Netz"  # data, as it is
    assert "<script>alert(1)</script>" in labels["municipality"]
    html = client.get("/netzwerk?fiktiv=1").get_data(as_text=True)
    assert 'id="ueberblick-hinweis"' in html and NOTICE in html
    for raw in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- other pages over every municipality are kept per built store ---------------------------


def test_a_municipality_page_reads_the_counts_of_all_once(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = counting(monkeypatch, webapp.start, "counts")
    texts = counting(monkeypatch, webapp.start, "mso_count_texts")
    pages = [get_json(client, f"/kommune/{slug}.json") for slug in SLUGS]
    assert get_json(client, f"/kommune/{SLUGS[0]}.json") == pages[0]
    assert client.get("/").status_code == 200
    assert len(counts) == 1 and len(texts) == 1
    assert all(page["counts"]["actors"] > 100 for page in pages)


def test_the_comparison_is_read_once_per_choice(client, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = counting(monkeypatch, webapp.comparison, "select")
    # three reads a choice: fields, structures, cooperations of municipalities
    first = get_json(client, "/vergleich.json?fiktiv=1")
    assert [c["slug"] for c in first["municipalities"]] == SLUGS and len(reads) == 3
    assert get_json(client, "/vergleich.json?fiktiv=1") == first
    assert NOTICE in client.get("/vergleich?fiktiv=1").get_data(as_text=True)
    assert len(reads) == 3
    assert get_json(client, "/vergleich.json")["municipalities"] == [] and len(reads) == 6


def test_a_search_is_read_once(client, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = counting(monkeypatch, webapp.start, "select")
    first = get_json(client, "/suche.json?q=Netzwerk")
    assert any(r["fictional"] for r in first["results"])
    assert get_json(client, "/suche.json?q=Netzwerk") == first
    assert NOTICE in client.get("/suche?q=Netzwerk").get_data(as_text=True)
    assert len(reads) == 1
    get_json(client, "/suche.json?q=Verein")
    assert len(reads) == 2


def test_a_municipality_network_is_drawn_once_per_view(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawings = counting(monkeypatch, webapp.network, "vis_data")
    url = f"/kommune/{SLUGS[0]}/netzwerk.json"
    first = get_json(client, url)
    assert get_json(client, url) == first and len(drawings) == 1
    # the focus only fades nodes of the kept drawing; it is not drawn again
    network = next(n for n in first["nodes"] if n["category"] == "network")
    focused = get_json(client, f"{url}?fokus={network['id'].split('/id/')[1]}")
    assert len(drawings) == 1 and any(n["faded"] for n in focused["nodes"])
    assert get_json(client, url) == first  # and the kept drawing was not changed by it
    get_json(client, f"{url}?typ=mso")
    assert len(drawings) == 2


# -- the layout's work is bounded -----------------------------------------------------------


def test_the_spring_layout_gets_fewer_iterations_as_graphs_grow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[int] = []
    spring = nx.spring_layout

    def recorded(graph, **options):
        asked.append(options["iterations"])
        return spring(graph, **options)

    monkeypatch.setattr(webapp.network_graph.nx, "spring_layout", recorded)
    for nodes in (600, 2000):
        graph = nx.barabasi_albert_graph(nodes, 2, seed=1)
        positions = webapp.network_graph.layout(graph)
        assert len({(round(x), round(y)) for x, y in positions.values()}) > nodes * 0.9
    assert asked == [50, 12]
    # past the budget even for a few iterations: no spring layout, and still every node placed
    big = nx.barabasi_albert_graph(4000, 2, seed=1)
    positions = webapp.network_graph.layout(big)
    assert asked == [50, 12] and len(positions) == 4000
    assert len({(round(x), round(y)) for x, y in positions.values()}) == 4000
    assert positions == webapp.network_graph.layout(big)


def test_overview_layout_keeps_each_municipality_in_its_own_cell() -> None:
    from webapp.network_overview import overview_layout, ring_places

    groups = [(f"m{i}", [f"m{i}/n{j}" for j in range(i * 7)]) for i in range(10)]
    positions = overview_layout(groups)
    assert len(positions) == sum(1 + len(members) for _c, members in groups)
    assert len(set(positions.values())) == len(positions)
    reach = max(math.hypot(x, y) for x, y in ring_places(63))
    centres = [centre for centre, _members in groups]
    for centre, members in groups:
        for member in members:
            distances = {c: math.dist(positions[member], positions[c]) for c in centres}
            # around its own municipality, nearer to it than to any other
            assert min(distances, key=distances.get) == centre
            assert distances[centre] <= reach + 0.1
    assert positions == overview_layout(groups)


def test_the_examples_in_the_docstrings_hold() -> None:
    import webapp.network_overview

    for module in (webapp.network_overview, webapp.network_graph):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


# -- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated_url(generated_store: Path) -> Iterator[str]:
    with serve({"STORE": str(generated_store)}) as served:
        yield served.base


@needs_chromium
def test_browser_draws_the_overview_and_a_municipality_opens_its_network(
    page, generated_url: str
) -> None:
    page.goto(f"{generated_url}/netzwerk?fiktiv=1")
    page.wait_for_selector("#network[data-ready=true]", timeout=20_000)
    expected = fetch_json(f"{generated_url}/netzwerk.json?fiktiv=1")
    assert int(page.get_attribute("#network", "data-node-count")) == len(expected["nodes"])
    assert int(page.get_attribute("#network", "data-edge-count")) == len(expected["edges"])
    assert NOTICE in page.inner_text("#fiktiv-hinweis")
    page.screenshot(path="/tmp/network-overview.png")
    town = next(n for n in expected["nodes"] if n["kind"] == "municipality")
    drawn = page.evaluate("(id) => window.ikgNetwork.getPositions([id])[id]", town["id"])
    assert (drawn["x"], drawn["y"]) == (town["x"], town["y"])  # where the server put it
    point = page.evaluate(
        """(id) => {
          const net = window.ikgNetwork;
          const dom = net.canvasToDOM(net.getPositions([id])[id]);
          const box = document.querySelector('#network canvas').getBoundingClientRect();
          return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        town["id"],
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(rf".*/kommune/{town['municipality']}/netzwerk$"))
    page.wait_for_selector("#network[data-ready=true]", timeout=20_000)
    assert page.recorder.errors == []
    assert page.recorder.dialogs == []
    assert page.recorder.foreign(generated_url) == []
