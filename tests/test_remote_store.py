"""A remote SPARQL server as the store: binding, the interface, the CLI and the viewer on a
real Oxigraph server, and clear answers from faulty servers (stand-ins on loopback)."""

from __future__ import annotations

import gc
import json
import time

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from graph.cli import main
from graph.errors import QueryError, StoreError
from graph.namespaces import municipality_graph
from graph.sparql_text import query_form, with_values
from graph.store import EmbeddedStore, RemoteStore
from graph.store.http import Credentials
from tests.sparql_server import SparqlServer, StandInAnswer, free_port, standin_server
from tests.test_build import graphs_of
from webapp import create_app

# tests here start servers of their own on loopback
pytestmark = pytest.mark.server

SELECT_ONE = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}
).encode()

# -- the query text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("# INSERT in a comment\nASK {}", "ASK"),
        ('PREFIX delete: <urn:x#> SELECT ?s WHERE { ?s delete:p "DROP ALL" }', "SELECT"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <urn:x>", "DESCRIBE"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "UPDATE"),
        ("PREFIX ex: <urn:x#> DELETE WHERE { ?s ex:p ?o }", "UPDATE"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
        ("CLEAR ALL", "UPDATE"),
        ("nonsense", ""),
    ],
)
def test_the_form_of_a_query_ignores_strings_comments_and_names(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'SELECT ?x WHERE { ?x <urn:p> "{ not a group }" }',
            'SELECT ?x WHERE { VALUES (?v) { ("1") } ?x <urn:p> "{ not a group }" }',
        ),
        (
            "# { a comment\nSELECT * { { SELECT ?x WHERE { ?x ?p ?o } } }",
            '# { a comment\nSELECT * { VALUES (?v) { ("1") } { SELECT ?x WHERE { ?x ?p ?o } } }',
        ),
        (
            "CONSTRUCT { ?s <urn:p> ?v } { ?s ?q ?o }",
            'CONSTRUCT { ?s <urn:p> ?v } { VALUES (?v) { ("1") } ?s ?q ?o }',
        ),
        ("ASK { FILTER (?v = 1) }", 'ASK { VALUES (?v) { ("1") } FILTER (?v = 1) }'),
    ],
)
def test_values_go_first_into_the_outermost_group(text: str, expected: str) -> None:
    assert with_values(text, {"v": '"1"'}) == expected


def test_a_variable_name_that_is_not_one_is_refused() -> None:
    with pytest.raises(QueryError):
        with_values("SELECT * WHERE { }", {"v) } DROP ALL #": "<urn:x>"})


# -- on a real Oxigraph server -----------------------------------------------------------------

TRICKY_TERMS = [
    Literal('") } INSERT DATA { <urn:x> <urn:y> <urn:z> } #'),
    Literal("Zeile eins\nZeile zwei\t\\ \"zitiert\" 'einfach'"),
    Literal("Ölmühle & Söhne <b>fett</b>", lang="de"),
    Literal("😀 \u202e umgedreht"),
    Literal("2017-12-18", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
    URIRef("https://w3id.org/ikg/id/oberhausen/ki"),
]


@pytest.mark.parametrize("term", TRICKY_TERMS, ids=range(len(TRICKY_TERMS)))
def test_bound_terms_arrive_as_the_same_terms(oxigraph_store: RemoteStore, term) -> None:
    quads = oxigraph_store.quad_count()
    result = oxigraph_store.query("SELECT ?v WHERE { }", {"v": term})
    assert result.rows == [(term,)]
    assert oxigraph_store.quad_count() == quads


def test_the_interface_answers_as_the_embedded_store(
    oxigraph_store: RemoteStore, embedded_store: EmbeddedStore
) -> None:
    assert oxigraph_store.named_graphs() == embedded_store.named_graphs()
    assert oxigraph_store.quad_count() == embedded_store.quad_count()
    oberhausen = municipality_graph("oberhausen")
    assert oxigraph_store.graph_size(oberhausen) == embedded_store.graph_size(oberhausen)
    remote = graphs_of(oxigraph_store.dump(ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    local = graphs_of(embedded_store.dump(ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    assert remote.keys() == local.keys()
    for graph in local:
        assert isomorphic(remote[graph], local[graph]), graph


def test_ask_construct_and_the_row_cap(oxigraph_store: RemoteStore) -> None:
    assert oxigraph_store.query("ASK { ?m a ikg:Municipality }").boolean is True
    assert oxigraph_store.query("ASK { ?m a ikg:NoSuchClassInThere }").boolean is False
    built = oxigraph_store.query(
        "CONSTRUCT { ?m skos:prefLabel ?l } WHERE { ?m a ikg:Municipality ; skos:prefLabel ?l }"
    )
    assert b'"Stadt Leverkusen"@de' in built.triples
    capped = oxigraph_store.query("SELECT ?s WHERE { ?s ?p ?o }", row_cap=5)
    assert len(capped.rows) == 5 and capped.truncated


def test_an_update_never_reaches_the_server(oxigraph_store: RemoteStore) -> None:
    quads = oxigraph_store.quad_count()
    with pytest.raises(QueryError, match="read-only"):
        oxigraph_store.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert oxigraph_store.quad_count() == quads


def test_a_syntax_error_names_the_server(oxigraph_store: RemoteStore) -> None:
    with pytest.raises(QueryError, match="rejected the query"):
        oxigraph_store.query("SELECT ?s WHERE { ?s ?p }")


def test_the_cli_queries_a_remote_store(runner, sparql_server: SparqlServer) -> None:
    outcome = runner.invoke(
        main,
        [
            "query",
            "action-fields",
            "--store",
            sparql_server.query_url,
            "--param",
            "municipality=leverkusen",
            "--format",
            "json",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    assert len(json.loads(outcome.output)["results"]["bindings"]) == 10


def test_the_store_setting_takes_a_url(runner, monkeypatch, sparql_server: SparqlServer) -> None:
    monkeypatch.setenv("IKG_STORE", sparql_server.query_url)
    outcome = runner.invoke(
        main, ["sparql", "SELECT ?l WHERE { ?m a ikg:Municipality ; skos:prefLabel ?l }"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "Offenburg" in outcome.output


def test_export_from_a_remote_store_equals_the_embedded_export(
    runner, sparql_server: SparqlServer, store_path
) -> None:
    remote = runner.invoke(main, ["export", "--store", sparql_server.query_url, "--format", "nq"])
    local = runner.invoke(main, ["export", "--store", str(store_path), "--format", "nq"])
    assert remote.exit_code == 0 and local.exit_code == 0
    remote_graphs, local_graphs = (
        graphs_of(remote.stdout_bytes, ox.RdfFormat.N_QUADS),
        graphs_of(local.stdout_bytes, ox.RdfFormat.N_QUADS),
    )
    assert remote_graphs.keys() == local_graphs.keys()
    for graph in local_graphs:
        assert isomorphic(remote_graphs[graph], local_graphs[graph]), graph


@pytest.mark.parametrize(
    "page",
    [
        "/index.json",
        "/kommune/oberhausen/netzwerk.json",
        "/kommune/leverkusen/abdeckung.json",
        "/vorlage/leverkusen/paper-2017-1900.json",
        "/vergleich.json",
    ],
)
def test_the_viewer_shows_the_same_on_a_remote_store(
    sparql_server: SparqlServer, store_path, page: str
) -> None:
    remote = create_app({"STORE": sparql_server.query_url, "TESTING": True}).test_client()
    local = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    remote_answer, local_answer = remote.get(page), local.get(page)
    assert remote_answer.status_code == 200, remote_answer.text
    assert remote_answer.json == local_answer.json


# -- faulty servers ----------------------------------------------------------------------------


def test_an_unreachable_server_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreError, match="cannot reach") as caught:
        RemoteStore(url, timeout_seconds=2).query("ASK {}")
    assert url in str(caught.value) and "IKG_STORE" in str(caught.value)


def test_wrong_credentials_name_the_variables_to_set() -> None:
    with standin_server([StandInAnswer(status=401, body=b"Unauthorized")]) as server:
        store = RemoteStore(server.url, credentials=Credentials("kim", "falsch"))
        with pytest.raises(StoreError, match="IKG_STORE_USER") as caught:
            store.query("ASK {}")
    assert server.url in str(caught.value)
    assert server.authorizations[0] == "Basic a2ltOmZhbHNjaA=="  # base64("kim:falsch")


def test_a_bearer_token_is_sent() -> None:
    boolean = json.dumps({"head": {}, "boolean": True}).encode()
    with standin_server([StandInAnswer(body=boolean)]) as server:
        store = RemoteStore(server.url, credentials=Credentials(token="geheim-123"))
        assert store.query("ASK {}").boolean is True
    assert server.authorizations == ["Bearer geheim-123"]


def test_a_server_error_is_reported_with_its_text() -> None:
    broken = StandInAnswer(status=500, body=b"disk full", content_type="text/plain")
    with standin_server([broken]) as server:
        with pytest.raises(StoreError, match="server error") as caught:
            RemoteStore(server.url).query("ASK {}")
    assert "disk full" in str(caught.value)
    assert server.requests == ["POST"], "a 500 is not retried"


def test_an_html_page_instead_of_results_is_named() -> None:
    page = b"<html><body>Anmeldung erforderlich</body></html>"
    with standin_server([StandInAnswer(body=page, content_type="text/html")]) as server:
        with pytest.raises(StoreError, match="HTML page instead of SPARQL results"):
            RemoteStore(server.url).query("ASK {}")


def test_transient_failures_are_retried_a_bounded_number_of_times() -> None:
    busy = StandInAnswer(status=503, body=b"busy", content_type="text/plain")
    with standin_server([busy, busy, StandInAnswer(body=SELECT_ONE)]) as server:
        result = RemoteStore(server.url).query("SELECT ?n WHERE { }")
    assert result.rows == [(Literal("1"),)]
    assert len(server.requests) == 3
    with standin_server([busy]) as server:
        with pytest.raises(StoreError, match="HTTP 503"):
            RemoteStore(server.url).query("SELECT ?n WHERE { }")
    assert len(server.requests) == 3, "two retries, then the error"


# urllib (under SPARQLWrapper) leaves the timed-out connection's socket to the garbage
# collector; collected here, so the warning belongs to this test and no other
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_server_that_never_answers_is_given_up_on_at_the_timeout() -> None:
    with standin_server([StandInAnswer(body=SELECT_ONE, delay=60)]) as server:
        store = RemoteStore(server.url, timeout_seconds=1)
        started = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 1 s") as caught:
            store.query("SELECT ?n WHERE { }")
        waited = time.monotonic() - started
        message = str(caught.value)
    del caught
    gc.collect()
    assert "IKG_QUERY_TIMEOUT" in message
    # one try and two retries, each stopped at the timeout, plus the back-off between them
    assert waited < 3 * 1 + 0.5 + 1.0 + 5


def test_the_viewer_answers_502_with_the_reason_when_the_server_is_down() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    client = create_app({"STORE": url, "TESTING": True}).test_client()
    answer = client.get("/index.json")
    assert answer.status_code == 502
    assert url in answer.text
