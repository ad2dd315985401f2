"""The web viewer against the real data: every page, its JSON twin, errors and headers."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.store import EmbeddedStore
from webapp import create_app
from webapp.network_graph import (
    Filters,
    NodeInfo,
    apply_filters,
    build_graph,
    layout,
    vis_data,
)

OBERHAUSEN_KI = "/kommune/oberhausen/ki"

PAGES = [
    "/",
    "/kommune/oberhausen",
    "/kommune/leverkusen",
    "/kommune/offenburg",
    "/suche?q=Integration",
    "/netzwerk",
    "/kommune/oberhausen/netzwerk",
    "/kommune/oberhausen/netzwerk?typ=mso",
    "/kommune/oberhausen/abdeckung",
    "/kommune/oberhausen/zustaendigkeiten",
    "/kommune/leverkusen/zustaendigkeiten",
    "/vergleich",
    "/vorlage/leverkusen/paper-2017-1900",
    OBERHAUSEN_KI,
    "/referenz/action-field/bildung",
    "/abfragen",
    "/abfragen/action-fields?municipality=oberhausen",
]


@pytest.fixture(scope="module")
def app(store_path):
    return create_app({"STORE": str(store_path), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def twin(url: str) -> str:
    path, _, query = url.partition("?")
    path = "/index" if path == "/" else path
    return f"{path}.json" + (f"?{query}" if query else "")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_german_with_its_json_twin(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.data[:500]
    html = page.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Diese Seite als JSON" in html
    data = client.get(twin(url))
    assert data.status_code == 200
    assert data.is_json


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_nothing_from_other_hosts(client, url):
    html = client.get(url).get_data(as_text=True)
    for attribute in ('src="http', "src='http", 'href="http', "href='//", 'src="//'):
        assert attribute not in html
    assert "<script>" not in html.replace('<script type="application/json"', "")


def test_security_headers_allow_only_self(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_start_page_counts_every_municipality(client):
    data = client.get("/index.json").get_json()
    slugs = {m["slug"] for m in data["municipalities"]}
    assert {"oberhausen", "offenburg", "leverkusen"} <= slugs
    oberhausen = next(m for m in data["municipalities"] if m["slug"] == "oberhausen")
    assert oberhausen["counts"]["networks"] > 5
    assert oberhausen["counts"]["action_fields"] == 6
    assert oberhausen["counts"]["measures"] > 0


def test_municipality_overview_lists_action_fields_from_the_named_query(client):
    data = client.get("/kommune/leverkusen.json").get_json()
    assert len(data["action_fields"]) == 10
    assert data["sections"]["Gremium"]


def test_search_finds_labels_and_alternative_labels(client):
    data = client.get("/suche.json?q=bamf").get_json()
    assert any(r["iri"].endswith("/oberhausen/bamf") for r in data["results"])
    assert client.get("/suche.json").get_json()["results"] == []


def test_network_json_has_nodes_edges_and_a_legend(client):
    data = client.get("/kommune/oberhausen/netzwerk.json").get_json()
    assert data["node_count"] == len(data["nodes"]) > 20
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert {item["category"] for item in data["legend"]} == {n["category"] for n in data["nodes"]}
    assert data["physics"] is True
    assert all(n["url"].startswith("/kommune/") for n in data["nodes"])


def test_network_filters_narrow_the_graph(client):
    full = client.get("/kommune/oberhausen/netzwerk.json").get_json()
    msos = client.get("/kommune/oberhausen/netzwerk.json?typ=mso").get_json()
    assert 0 < msos["node_count"] < full["node_count"]
    assert {n["category"] for n in msos["nodes"]} <= {"mso", "network"}
    network = client.get(
        "/kommune/oberhausen/netzwerk.json?netzwerk=integration-interkommunal"
    ).get_json()
    assert 0 < network["node_count"] < full["node_count"]
    field = full["options"]["feld"][0]["value"]
    by_field = client.get(f"/kommune/oberhausen/netzwerk.json?feld={field}").get_json()
    assert 0 < by_field["node_count"] < full["node_count"]


def test_network_export_as_graphml(client):
    response = client.get("/kommune/oberhausen/netzwerk.graphml?typ=mso")
    assert response.status_code == 200
    assert response.mimetype == "application/graphml+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    graph = nx.parse_graphml(response.get_data(as_text=True))
    expected = client.get("/kommune/oberhausen/netzwerk.json?typ=mso").get_json()
    assert graph.number_of_nodes() == expected["node_count"]


def test_large_graphs_get_a_seeded_server_layout_without_physics():
    nodes = [NodeInfo(iri=f"n{i}", label=f"N{i}", category="mso") for i in range(30)]
    nodes.append(NodeInfo(iri="net", label="Netz", category="network"))
    graph = build_graph(nodes, [(f"n{i}", "net", None) for i in range(30)])
    small = vis_data(graph, {}, server_layout_above=100)
    assert small["physics"] is True and "x" not in small["nodes"][0]
    large = vis_data(graph, {}, server_layout_above=10)
    again = vis_data(graph, {}, server_layout_above=10)
    assert large["physics"] is False
    assert all(isinstance(n["x"], float) for n in large["nodes"])
    assert large["nodes"] == again["nodes"]  # seeded: the same layout every time
    assert apply_filters(graph, Filters(actor_type="mso")).number_of_nodes() == 31


@pytest.mark.slow
def test_server_layout_spreads_a_thousand_nodes_reproducibly():
    graph = nx.barabasi_albert_graph(1000, 2, seed=1)
    positions = layout(graph, seed=7)
    assert len(positions) == 1000
    assert len({(round(x), round(y)) for x, y in positions.values()}) > 900
    assert positions == layout(graph, seed=7)


def test_coverage_counts_come_from_the_named_query_and_cells_list_their_actors(client):
    data = client.get("/kommune/oberhausen/abdeckung.json").get_json()
    assert len(data["rows"]) == 6
    assert data["gaps"], "the data has gaps"
    for row in data["rows"]:
        for cell in row["cells"]:
            if cell["count"]:
                listed = client.get(cell["url"].replace("/abdeckung?", "/abdeckung.json?"))
                assert len(listed.get_json()["selection"]["actors"]) == cell["count"]
    html = client.get("/kommune/oberhausen/abdeckung").get_data(as_text=True)
    assert 'data-gap="true"' in html and "Lücke" in html


def test_coverage_gap_cell_says_so(client):
    data = client.get("/kommune/oberhausen/abdeckung.json").get_json()
    gap = data["gaps"][0]
    html = client.get(
        "/kommune/oberhausen/abdeckung", query_string={"feld": gap["field"], "typ": gap["type"]}
    ).get_data(as_text=True)
    assert "<strong>Lücke:</strong>" in html


def test_responsibilities_filter_and_search(client):
    data = client.get("/kommune/oberhausen/zustaendigkeiten.json").get_json()
    assert data["total"] == len(data["responsibilities"]) > 5
    assert all(r["sources"] for r in data["responsibilities"])
    agent = data["options"]["akteur"][0]["value"]
    only = client.get(f"/kommune/oberhausen/zustaendigkeiten.json?akteur={agent}").get_json()
    assert only["responsibilities"] and all(
        r["agent"]["id"] == agent for r in only["responsibilities"]
    )
    searched = client.get("/kommune/oberhausen/zustaendigkeiten.json?q=Federführung").get_json()
    assert 0 < len(searched["responsibilities"]) < data["total"]


def test_comparison_puts_municipalities_side_by_side(client):
    data = client.get("/vergleich.json").get_json()
    slugs = [m["slug"] for m in data["municipalities"]]
    assert len(slugs) >= 3
    bildung = next(r for r in data["reference_fields"] if r["iri"].endswith("/bildung"))
    assert set(bildung["cells"]) == set(slugs)
    assert any(bildung["cells"][s] for s in slugs)
    assert any(data["structures"][s]["Gremien"] for s in slugs)


def test_consultations_timeline_in_order(client):
    data = client.get("/vorlage/leverkusen/paper-2017-1900.json").get_json()
    orders = [c["order"] for c in data["consultations"]]
    assert orders == sorted(orders) and len(orders) > 3
    assert any(c["authoritative"] for c in data["consultations"])
    assert all(c["sources"] for c in data["consultations"])


def test_profile_shows_relations_as_links_and_sources_with_passages(client):
    data = client.get(f"{OBERHAUSEN_KI}.json").get_json()
    assert data["label"] and data["kind"] == "Verwaltungseinheit"
    assert data["sources"] and all(s["passage"] for s in data["sources"])
    assert data["member_of"] and all(m["sources"] for m in data["member_of"])
    html = client.get(OBERHAUSEN_KI).get_data(as_text=True)
    assert "Quellen" in html and 'class="passage"' in html
    network = client.get("/kommune/oberhausen/steuerungsgruppe-bildungslandschaft.json")
    assert network.get_json()["members"]


def test_every_entity_of_a_municipality_has_a_profile(client):
    overview = client.get("/kommune/offenburg.json").get_json()
    urls = [item["url"] for items in overview["sections"].values() for item in items]
    assert len(urls) > 20
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_named_query_page_form_table_and_downloads(client):
    form = client.get("/abfragen/action-fields").get_data(as_text=True)
    assert 'name="municipality"' in form and "Ausführen" in form
    html = client.get("/abfragen/action-fields?municipality=oberhausen").get_data(as_text=True)
    assert "Gesellschaftliche Teilhabe" in html and "CSV herunterladen" in html
    csv = client.get("/abfragen/action-fields?municipality=oberhausen&format=csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).count("\n") == 7
    sparql = client.get("/abfragen/action-fields?municipality=oberhausen&format=json")
    assert len(sparql.get_json()["results"]["bindings"]) == 6
    listing = client.get("/abfragen.json").get_json()
    assert any(q["name"] == "coverage" for q in listing["queries"])


def test_every_named_query_has_a_page(client):
    for query in client.get("/abfragen.json").get_json()["queries"]:
        assert client.get(f"/abfragen/{query['name']}").status_code == 200


def test_unknown_ids_give_a_german_404_and_a_json_error(client):
    page = client.get("/kommune/oberhausen/gibt-es-nicht")
    assert page.status_code == 404
    assert "Nicht gefunden" in page.get_data(as_text=True)
    for url in (
        "/kommune/nirgendwo",
        "/kommune/nirgendwo/netzwerk",
        "/vorlage/oberhausen/x",
        "/abfragen/keine-solche",
        "/referenz/action-field/nichts",
    ):
        assert client.get(url).status_code == 404, url
    error = client.get("/kommune/oberhausen/gibt-es-nicht.json")
    assert error.status_code == 404
    assert error.get_json() == {
        "error": {
            "status": 404,
            "type": "NotFoundError",
            "message": "Einen Eintrag 'oberhausen/gibt-es-nicht' gibt es in den Daten nicht.",
            "parameter": None,
        }
    }
    assert client.get("/gar/nichts.json").get_json()["error"]["status"] == 404


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/kommune/oberhausen/netzwerk?typ=quatsch", "typ"),
        ("/kommune/oberhausen/netzwerk.json?feld=quatsch", "feld"),
        ("/kommune/oberhausen/netzwerk?netzwerk=quatsch", "netzwerk"),
        ("/kommune/oberhausen/abdeckung?feld=quatsch&typ=MSO", "feld"),
        ("/kommune/oberhausen/zustaendigkeiten?akteur=quatsch", "akteur"),
        ("/suche?q=" + "x" * 201, "q"),
        ("/abfragen/action-fields?municipality=atlantis", "municipality"),
        ("/abfragen/action-fields?municipality=oberhausen&typo=1", "typo"),
        ("/abfragen/action-fields?municipality=oberhausen&format=xml", "format"),
    ],
)
def test_bad_parameters_give_400_naming_the_parameter(client, url, parameter):
    path, _, query = url.partition("?")
    page = client.get(path.removesuffix(".json"), query_string=query)
    assert page.status_code == 400
    assert f"<code>{parameter}</code>" in page.get_data(as_text=True)
    data = client.get(path if path.endswith(".json") else path + ".json", query_string=query)
    assert data.status_code == 400
    assert data.get_json()["error"]["parameter"] == parameter


def test_the_viewer_is_read_only(client, store_path):
    assert client.post("/").status_code == 405
    assert client.delete("/kommune/oberhausen").status_code == 405
    # the store the app opens is a read-only pyoxigraph store
    store = EmbeddedStore(store_path)
    with pytest.raises(RuntimeError, match="only possible on read-write"):
        store._store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_static_vendor_assets_are_served_by_the_app(client):
    with client.get("/static/vendor/vis-network/vis-network.min.js") as script:
        assert script.status_code == 200 and b"vis-network" in script.data[:200]
    assert client.get("/netzwerk/farben.css").mimetype == "text/css"


def test_focus_highlights_the_neighbourhood_and_fades_the_rest(client):
    base = "/kommune/oberhausen/netzwerk.json"
    whole = client.get(base).get_json()
    ki = next(n for n in whole["nodes"] if n["id"].endswith("/oberhausen/ki"))
    neighbours = {e["to"] for e in whole["edges"] if e["from"] == ki["id"]} | {
        e["from"] for e in whole["edges"] if e["to"] == ki["id"]
    }
    one = client.get(base + "?fokus=oberhausen/ki&umkreis=1").get_json()
    highlighted = {n["id"] for n in one["nodes"] if not n["faded"]}
    assert highlighted == neighbours | {ki["id"]}
    assert one["focus"] == {"id": ki["id"], "steps": 1, "highlighted": len(highlighted)}
    assert len(one["nodes"]) == len(whole["nodes"])  # faded, not removed
    two = client.get(base + "?fokus=oberhausen/ki&umkreis=2").get_json()
    highlighted_two = {n["id"] for n in two["nodes"] if not n["faded"]}
    assert highlighted < highlighted_two


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("fokus=oberhausen/gibt-es-nicht", "fokus"), ("fokus=oberhausen/ki&umkreis=3", "umkreis")],
)
def test_bad_focus_is_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/kommune/oberhausen/netzwerk.json?{query}")
    assert response.status_code == 400
    assert f"'{parameter}'" in response.get_json()["error"]["message"]


def test_the_start_page_is_kept_per_build_and_a_rebuild_is_shown(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start page's counts are computed once per built store; a rebuild is a new store,
    so what it changed appears on the next request, never the kept page of the old one."""
    from graph.build import build

    data, store_path = built_teststadt(tmp_path, monkeypatch)
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()

    def shown_labels() -> list[str]:
        answer = client.get("/index.json").get_json()
        return [city["label"] for city in answer["fictional_municipalities"]]

    assert shown_labels() == ["Stadt Teststadt"]
    assert shown_labels() == ["Stadt Teststadt"]  # the kept page

    metadata = data / "teststadt" / "municipality.yaml"
    text = metadata.read_text(encoding="utf-8")
    metadata.write_text(text.replace("label: Stadt Teststadt", "label: Stadt Neustadt"), "utf-8")
    build(data, store_path)
    assert shown_labels() == ["Stadt Neustadt"]


def test_a_network_is_read_once_per_build_from_its_own_graph_and_a_rebuild_is_shown(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diagram's data is read once per built store, from the municipality's own graph
    (not the union of all), and a rebuild shows what it changed on the next request."""
    from graph.analysis.projection import MEMBERSHIPS
    from graph.build import build
    from graph.namespaces import municipality_graph

    data, store_path = built_teststadt(tmp_path, monkeypatch)
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()

    membership_reads: list[list | None] = []
    original_query = EmbeddedStore.query

    def recording_query(self, sparql, *arguments, **keywords):
        if sparql == MEMBERSHIPS:  # the diagram's edges
            membership_reads.append(keywords.get("default_graphs"))
        return original_query(self, sparql, *arguments, **keywords)

    monkeypatch.setattr(EmbeddedStore, "query", recording_query)

    def network_labels() -> set[str]:
        answer = client.get("/kommune/teststadt/netzwerk.json").get_json()
        return {node["label"] for node in answer["nodes"]}

    assert "Arbeitskreis Integration" in network_labels()
    assert membership_reads and all(
        municipality_graph("teststadt") in graphs for graphs in membership_reads
    )
    reads_of_first_request = len(membership_reads)
    assert "Arbeitskreis Integration" in network_labels()
    assert len(membership_reads) == reads_of_first_request  # the kept data

    networks = data / "teststadt" / "networks.yaml"
    text = networks.read_text(encoding="utf-8")
    networks.write_text(text.replace("Arbeitskreis Integration", "Arbeitskreis Vielfalt"), "utf-8")
    build(data, store_path)
    labels = network_labels()
    assert "Arbeitskreis Vielfalt" in labels and "Arbeitskreis Integration" not in labels


def test_the_municipalities_and_the_coverage_are_read_once_per_build_and_a_rebuild_is_shown(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of a municipality looks its slug up in the list of municipalities (at 400
    municipalities ~90 ms a request), and the coverage page runs three queries (~100 ms): both
    read once per built store, and read again from the store a rebuild makes."""
    from graph.build import build
    from tests.conftest import QUERIES_DIR

    data, store_path = built_teststadt(tmp_path, monkeypatch)
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    coverage_text = (QUERIES_DIR / "coverage.rq").read_text(encoding="utf-8")
    reads: list[str] = []
    original_query = EmbeddedStore.query

    def recording_query(self, sparql, *arguments, **keywords):
        if "ikg:officialKey" in sparql:
            reads.append("municipalities")
        if sparql == coverage_text:
            reads.append("coverage")
        return original_query(self, sparql, *arguments, **keywords)

    monkeypatch.setattr(EmbeddedStore, "query", recording_query)
    for _ in range(2):
        page = client.get("/kommune/teststadt/abdeckung")
        assert page.status_code == 200 and "Stadt Teststadt" in page.get_data(as_text=True)
    assert sorted(reads) == ["coverage", "municipalities"]

    municipality = data / "teststadt" / "municipality.yaml"
    text = municipality.read_text(encoding="utf-8")
    municipality.write_text(text.replace("label: Stadt Teststadt", "label: Stadt Prüfstadt"))
    build(data, store_path)
    page = client.get("/kommune/teststadt/abdeckung").get_data(as_text=True)
    assert "Stadt Prüfstadt" in page
    assert sorted(reads) == ["coverage", "coverage", "municipalities", "municipalities"]


def built_teststadt(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The made-up test municipality's sources copied to tmp_path and built: (data, store)."""
    import shutil

    from graph.build import build
    from tests.conftest import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(DATA_DIR.parent / "tests" / "fixtures" / "sources" / "teststadt",
                    data / "teststadt")  # fmt: skip
    monkeypatch.setenv("IKG_SEEDS", str(tmp_path / "no-seeds"))  # its documents are made up
    store_path = tmp_path / "store"
    build(data, store_path)
    return data, store_path


def test_the_results_cache_keeps_what_is_used_and_lets_the_oldest_unused_go(
    store_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most CACHE_ENTRIES results per store; the one asked for on every page survives
    however many municipalities are opened after it."""
    from webapp import store as webapp_store

    monkeypatch.setattr(webapp_store, "CACHE_ENTRIES", 3)
    app = create_app({"STORE": str(store_path), "TESTING": True})
    computed: list[str] = []

    def kept(key: str) -> str:
        return webapp_store.cached((key,), lambda: computed.append(key) or key)

    with app.test_request_context("/"):
        for key in ("every-page", "a", "every-page", "b", "every-page", "c", "every-page"):
            assert kept(key) == key
        assert kept("a") == "a"  # the oldest unused one went first
    assert computed == ["every-page", "a", "b", "c", "a"]
