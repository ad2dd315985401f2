"""Every SPARQL text of the viewer is a file in queries/ (issue 13): the pages' own queries in
queries/pages/, read through the loader of the named queries, marked ``purpose: page`` and so
left out of `ikg query --list`, /abfragen and the examples of /sparql; each runs on the
embedded store and on a real Oxigraph server with the example bindings its header declares;
no SPARQL is left in webapp/*.py. The pages that have a named query read it: Zuständigkeiten
reads responsibilities.rq, Abdeckung lists the actors coverage.rq counts."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.analysis import projection, reach
from graph.cli import main
from graph.errors import QueryError
from graph.export import export
from graph.namespaces import ID, REF, short_id
from graph.queries import (
    NamedQuery,
    load_page_queries,
    load_queries,
    page_query,
    parse_query_file,
    run_named_query,
)
from graph.settings import PROJECT_ROOT
from graph.store import EmbeddedStore, Store
from tests.conftest import QUERIES_DIR
from webapp import create_app
from webapp.sparql import close_query_workers

PAGE_QUERIES = load_page_queries(QUERIES_DIR)
SPARQL_TEXT = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b.*\{", re.DOTALL)
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

HIDDEN_QUERY = """#+ purpose: page
#+ title:
#+   de: Nur für eine Seite
#+   en: For a page only
#+ description: Eine Abfrage, die keine Liste zeigen darf. / Not for any list.
SELECT ?m WHERE { ?m a ikg:Municipality }
"""


def texts_of(module: Path) -> list[str]:
    """Every string literal of a module, f-strings by their literal parts."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts.append(
                "".join(
                    part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
                )
            )
    return texts


def test_no_sparql_text_remains_in_the_viewer_modules() -> None:
    modules = sorted((PROJECT_ROOT / "webapp").glob("*.py"))
    assert len(modules) > 10
    found = [
        f"{module.name}: {text.strip()[:60]!r}"
        for module in modules
        for text in texts_of(module)
        if SPARQL_TEXT.search(text)
    ]
    assert found == []


def test_the_check_finds_sparql_where_there_is_some(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text('Q = f"""\nSELECT ?e WHERE {{ ?e a <{IRI}> }}"""\n', encoding="utf-8")
    assert any(SPARQL_TEXT.search(text) for text in texts_of(module))


# -- the header key ``purpose`` ---------------------------------------------------------------


def test_every_page_file_declares_its_purpose_and_none_is_listed() -> None:
    files = sorted((QUERIES_DIR / "pages").glob("*.rq"))
    assert len(files) >= 15 and set(PAGE_QUERIES) == {path.stem for path in files}
    assert all(query.purpose == "page" and not query.listed for query in PAGE_QUERIES.values())
    assert not set(PAGE_QUERIES) & set(load_queries(QUERIES_DIR))


@pytest.fixture
def queries_dir(tmp_path: Path) -> Path:
    """A queries folder with one named query and, beside it, a file for a page only."""
    folder = tmp_path / "queries"
    folder.mkdir()
    shutil.copy(QUERIES_DIR / "members.rq", folder / "members.rq")
    (folder / "nur-seite.rq").write_text(HIDDEN_QUERY, encoding="utf-8")
    return folder


def test_a_page_file_is_in_no_list(queries_dir: Path, store_path: Path, monkeypatch) -> None:
    assert parse_query_file(queries_dir / "nur-seite.rq").purpose == "page"
    assert list(load_queries(queries_dir)) == ["members"]

    monkeypatch.setenv("IKG_QUERIES", str(queries_dir))
    monkeypatch.setenv("IKG_STORE", str(store_path))
    runner = CliRunner()
    listed = runner.invoke(main, ["query", "--list"])
    assert listed.exit_code == 0, listed.output
    assert "members" in listed.output and "nur-seite" not in listed.output
    as_json = runner.invoke(main, ["query", "--list", "--format", "json"])
    assert [q["name"] for q in json.loads(as_json.output)] == ["members"]
    assert runner.invoke(main, ["query", "nur-seite"]).exit_code == 2

    client = create_app(
        {"STORE": str(store_path), "QUERIES_DIR": str(queries_dir), "TESTING": True}
    ).test_client()
    page = client.get("/abfragen.json").get_json()
    assert [q["name"] for q in page["queries"]] == ["members"]
    assert client.get("/abfragen/nur-seite").status_code == 404
    try:
        sparql = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    finally:
        close_query_workers(client.application)
    assert 'value="members"' in sparql and "nur-seite" not in sparql


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ purpose: liste\n", "purpose 'liste' ist unbekannt"),
        ("#+ bindings:\n#+   m:\n#+     description: die Kommune\n", "braucht description"),
        (
            "#+ bindings:\n#+   m:\n#+     description: die Kommune\n#+     example: oberhausen\n",
            "Beispiel 'oberhausen'",
        ),
    ],
)
def test_a_bad_header_names_the_file(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "kaputt.rq"
    path.write_text(
        "#+ title: {de: Kaputt, en: Broken}\n#+ description: Kaputt.\n"
        + header
        + "SELECT ?m WHERE { ?m a ikg:Municipality }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError, match=message) as raised:
        parse_query_file(path)
    assert str(path) in str(raised.value)


def test_a_page_file_must_say_it_is_one(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    shutil.copy(QUERIES_DIR / "members.rq", tmp_path / "pages" / "members.rq")
    with pytest.raises(QueryError, match="purpose: page"):
        page_query(tmp_path, "members")
    with pytest.raises(QueryError, match="fehlt"):
        page_query(tmp_path, "gibt-es-nicht")


# -- every page query on every store ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_every_page_query_answers_with_its_example_bindings(any_store: Store, name: str) -> None:
    query = PAGE_QUERIES[name]
    bindings = query.example_bindings()
    # pyoxigraph substitutes only projected variables, so a page's bound variable is projected
    projection = query.text[query.text.index("SELECT") : query.text.index("WHERE")]
    assert all(f"?{variable}" in projection for variable in bindings), name
    result = any_store.query(query.text, bindings)
    assert result.rows, f"{name} answers nothing for {bindings}"


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_a_page_query_answers_the_same_on_a_sparql_server(
    embedded_store: EmbeddedStore, oxigraph_store: Store, name: str
) -> None:
    query = PAGE_QUERIES[name]
    bindings = query.example_bindings()

    def answer(store: Store) -> list[tuple[str, ...]]:
        rows = store.query(query.text, bindings).rows
        return sorted(tuple("" if cell is None else cell.n3() for cell in row) for row in rows)

    assert answer(oxigraph_store) == answer(embedded_store)


# -- the pages read the named queries -----------------------------------------------------------


@pytest.fixture(scope="module")
def client(store_path: Path):
    return create_app({"STORE": str(store_path), "TESTING": True}).test_client()


def named(store: Store, queries: dict[str, NamedQuery], name: str, **values: str) -> list[dict]:
    return run_named_query(store, queries[name], values).dicts()


@pytest.mark.parametrize("slug", ["oberhausen", "leverkusen", "offenburg"])
def test_responsibilities_page_lists_what_the_named_query_lists(
    client, store: EmbeddedStore, queries: dict[str, NamedQuery], slug: str
) -> None:
    page = client.get(f"/kommune/{slug}/zustaendigkeiten.json").get_json()
    rows = named(store, queries, "responsibilities", municipality=slug)
    listed = {
        (str(r["thingLabel"]), str(r["agentLabel"]), str(r["role"])): {
            label for label in str(r["fields"] or "").split("; ") if label
        }
        for r in rows
    }
    shown = {
        (e["thing"]["label"], e["agent"]["label"], e["role"]): {
            f["label"] for f in e["action_fields"]
        }
        for e in page["responsibilities"]
    }
    # the same responsibilities, and each with the fields the query names for it
    assert shown == listed and page["total"] == len(rows) > 0
    assert {e["thing"]["kind"] for e in page["responsibilities"]} == {str(r["kind"]) for r in rows}


def test_the_field_filter_of_the_responsibilities_is_the_named_querys(
    client, store: EmbeddedStore, queries: dict[str, NamedQuery]
) -> None:
    everything = client.get("/kommune/oberhausen/zustaendigkeiten.json").get_json()
    narrowed = 0
    for option in everything["options"]["feld"]:
        page = client.get(
            "/kommune/oberhausen/zustaendigkeiten.json", query_string={"feld": option["value"]}
        ).get_json()
        # the page's value is the field's id below id: (oberhausen/hf-…) or, for a reference
        # field, below ref: (action-field/…); the named query takes the short id of either
        value = option["value"]
        field = (ID if value.startswith("oberhausen/") else REF) + value
        rows = named(
            store, queries, "responsibilities", municipality="oberhausen", field=short_id(field)
        )
        assert {(e["thing"]["label"], e["agent"]["label"]) for e in page["responsibilities"]} == {
            (str(r["thingLabel"]), str(r["agentLabel"])) for r in rows
        }, option
        narrowed += 0 < len(rows) < everything["total"]
    assert narrowed > 0


def test_a_coverage_cell_lists_the_actors_coverage_counts(
    client, store: EmbeddedStore, queries: dict[str, NamedQuery]
) -> None:
    slug = "oberhausen"  # the city whose sources name who takes part in which field
    counted = {
        (str(r["field"]).rsplit("/", 1)[-1], str(r["typeLabel"])): str(r["actors"])
        for r in named(store, queries, "coverage", municipality=slug)
        if r["typeLabel"] is not None
    }
    assert counted
    for (field, actor_type), actors in counted.items():
        page = client.get(
            f"/kommune/{slug}/abdeckung.json", query_string={"feld": field, "typ": actor_type}
        ).get_json()
        listed = page["selection"]["actors"]
        assert {a["label"] for a in listed} == set(actors.split("; ")), (field, actor_type)
        assert all(a["via"] and a["url"] for a in listed)


# -- one projection of a municipality's network, one GraphML writer ------------------------------


def graphml_keys(text: str) -> set[tuple[str, str]]:
    """(for, attr.name) of every node and edge attribute a GraphML file declares."""
    root = ElementTree.fromstring(text)
    return {
        (key.get("for"), key.get("attr.name"))
        for key in root.iter(f"{GRAPHML}key")
        if key.get("for") in ("node", "edge")
    }


def test_the_export_and_the_viewers_download_write_the_same_attributes(
    client, store: EmbeddedStore
) -> None:
    exported = export(store, "graphml", "oberhausen").decode("utf-8")
    downloaded = client.get("/kommune/oberhausen/netzwerk.graphml").get_data(as_text=True)
    documented = {
        "label",
        "kind",
        "type",
        "type_label",
        "municipality",
        "degree_centrality",
        "betweenness_centrality",
        "eigenvector_centrality",
        "community",
    }
    assert graphml_keys(downloaded) == graphml_keys(exported)
    nodes = {name for scope, name in graphml_keys(exported) if scope == "node"}
    assert documented <= nodes <= documented | {"collective", "bipartite"}
    assert {name for scope, name in graphml_keys(exported) if scope == "edge"} == {
        "relation",
        "role",
    }
    # and a node both files hold is described alike
    file_graph, diagram = nx.parse_graphml(exported), nx.parse_graphml(downloaded)
    shared = set(file_graph.nodes) & set(diagram.nodes)
    assert len(shared) > 20
    for node in shared:
        for key in ("label", "kind", "type", "type_label", "municipality"):
            assert file_graph.nodes[node][key] == diagram.nodes[node][key], (node, key)
    roles = {d["role"] for _a, _b, d in diagram.edges(data=True)} - {""}
    assert roles and roles <= {d["role"] for _a, _b, d in file_graph.edges(data=True)}


def test_the_diagram_and_the_panel_read_the_network_once(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diagram is drawn from the analysis's projection: a network page reads each of its
    queries once, for the diagram and the analysis panel together, and no other query about
    the network."""
    reads: list[str] = []
    original_query = EmbeddedStore.query

    def recording_query(self, sparql, *arguments, **keywords):
        reads.append(sparql)
        return original_query(self, sparql, *arguments, **keywords)

    monkeypatch.setattr(EmbeddedStore, "query", recording_query)
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    assert client.get("/kommune/oberhausen/netzwerk.json").status_code == 200
    network = [
        projection.ACTORS,
        projection.NETWORKS,
        projection.MEMBERSHIPS,
        projection.MEASURES,
        projection.FUNDINGS,
        projection.EVENTS,
        projection.ROLES,
        projection.DRAWN,
        projection.PARTS,
        projection.NETWORK_FIELDS,
    ]
    assert [reads.count(sparql) for sparql in network] == [1] * len(network)
    others = [
        sparql
        for sparql in reads
        if sparql not in network
        and sparql not in (projection.MUNICIPALITIES, reach.FIELDS, reach.PARTICIPATION)
    ]
    # the list of municipalities every page looks its slug up in, nothing else
    assert others == [page_query(QUERIES_DIR, "municipalities").text]
