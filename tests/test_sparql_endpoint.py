"""The /sparql endpoint through a real client (SPARQLWrapper) against the app served by
waitress on a free loopback port: every results format, ASK, CONSTRUCT, the three ways to
send a query, dataset parameters, refusals, content negotiation, CORS, the row cap and the
timeout. The main tests run on the embedded store and on a real Oxigraph server as the store.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from SPARQLWrapper import CSV, JSON, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph.namespaces import GRAPH, municipality_graph, municipality_iri
from graph.store import EmbeddedStore
from tests.serving import Served, serve
from tests.sparql_server import SparqlServer
from webapp.sparql import WORKERS

# tests here start servers of their own on loopback
pytestmark = pytest.mark.server

CITIES = {"oberhausen": "Oberhausen", "offenburg": "Offenburg", "leverkusen": "Leverkusen"}
# the municipalities with their own data: each states ikg:fictional, a partner municipality
# that only others name (Bochum …, in Oberhausen's data) does not
LABELS = """SELECT ?m ?label WHERE {
  ?m a ikg:Municipality ; skos:prefLabel ?label ; ikg:fictional ?fictional }
ORDER BY ?label"""
LABEL_GRAPH = """CONSTRUCT { ?m skos:prefLabel ?label } WHERE {
  ?m a ikg:Municipality ; skos:prefLabel ?label ; ikg:fictional ?fictional }"""
#: a triple cross product: runs for hours
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def embedded(store_path: Path) -> Iterator[Served]:
    with serve({"STORE": str(store_path)}) as served:
        yield served


@pytest.fixture(scope="module")
def on_oxigraph(sparql_server: SparqlServer) -> Iterator[Served]:
    with serve({"STORE": sparql_server.query_url}) as served:
        yield served


@pytest.fixture(params=["embedded", "on_oxigraph"])
def endpoint(request: pytest.FixtureRequest) -> str:
    """The /sparql address of the app on each kind of store."""
    return request.getfixturevalue(request.param).url


@pytest.fixture(scope="module")
def limited(store_path: Path) -> Iterator[Served]:
    """The app with a small timeout and row cap."""
    with serve({"STORE": str(store_path), "QUERY_TIMEOUT": 1.5, "ROW_CAP": 2}) as served:
        yield served


def client(url: str, query: str, return_format: str, *, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(url)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    sparql.setTimeout(60)
    if method == "POSTDIRECTLY":
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)
    else:
        sparql.setMethod(method)
    return sparql


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def http(
    url: str,
    *,
    params: dict | list | None = None,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """A plain HTTP request that returns error answers instead of raising."""
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def expected_labels(store: EmbeddedStore) -> list[tuple[str, str]]:
    rows = store.query(LABELS).rows
    assert {str(label).split()[-1] for _, label in rows} == set(CITIES.values())
    return [(str(m), str(label)) for m, label in rows]


# -- SELECT, ASK, CONSTRUCT -------------------------------------------------------------


def test_select_as_json(endpoint, embedded_store):
    data = client(endpoint, LABELS, JSON).query().convert()
    assert data["head"]["vars"] == ["m", "label"]
    rows = [(b["m"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    assert rows == expected_labels(embedded_store)
    assert data["results"]["bindings"][0]["label"]["xml:lang"] == "de"


def test_select_as_xml(endpoint, embedded_store):
    document = client(endpoint, LABELS, XML).query().convert()
    assert isinstance(document, Document)
    rows = []
    for result in document.getElementsByTagName("result"):
        cells = {b.getAttribute("name"): b for b in result.getElementsByTagName("binding")}
        iri = cells["m"].getElementsByTagName("uri")[0].firstChild.data
        literal = cells["label"].getElementsByTagName("literal")[0]
        assert literal.getAttribute("xml:lang") == "de"
        rows.append((iri, literal.firstChild.data))
    assert rows == expected_labels(embedded_store)


@pytest.mark.parametrize(
    ("return_format", "results_format"),
    [
        (XML, ox.QueryResultsFormat.XML),
        (JSON, ox.QueryResultsFormat.JSON),
        (TSV, ox.QueryResultsFormat.TSV),
    ],
)
def test_select_reads_back_in_oxigraph_as_the_same_solutions(
    embedded, embedded_store, return_format, results_format
):
    """An independent parser (Oxigraph's) reads our XML, JSON and TSV as the same terms."""
    response = client(embedded.url, LABELS, return_format).query().response
    solutions = ox.parse_query_results(response.read(), format=results_format)
    rows = [(s["m"].value, s["label"].value, s["label"].language) for s in solutions]
    assert rows == [(m, label, "de") for m, label in expected_labels(embedded_store)]


def test_select_as_csv(endpoint, embedded_store):
    body = client(endpoint, LABELS, CSV).query().convert()
    assert body.startswith(b"m,label\r\n")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert [tuple(row) for row in rows[1:]] == expected_labels(embedded_store)


def test_select_as_tsv(endpoint, embedded_store):
    body = client(endpoint, LABELS, TSV).query().convert().decode("utf-8")
    lines = body.splitlines()
    assert lines[0] == "?m\t?label"
    assert lines[1:] == [f'<{m}>\t"{label}"@de' for m, label in expected_labels(embedded_store)]


def test_ask_true_and_false(endpoint):
    known = f"ASK {{ <{municipality_iri('offenburg')}> a ikg:Municipality }}"
    unknown = f"ASK {{ <{municipality_iri('atlantis')}> a ikg:Municipality }}"
    assert client(endpoint, known, JSON).query().convert()["boolean"] is True
    assert client(endpoint, unknown, JSON).query().convert()["boolean"] is False
    document = client(endpoint, known, XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert client(endpoint, unknown, CSV).query().convert() == b"false"


LABEL_TRIPLE = (
    municipality_iri("leverkusen"),
    SKOS.prefLabel,
    Literal("Stadt Leverkusen", lang="de"),
)


def parse_graph(body: bytes, media_type: str) -> Graph:
    if media_type == "application/ld+json":
        # rdflib's JSON-LD parser warns of its own deprecated internals: read it with Oxigraph
        triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        media_type = "application/n-triples"
    formats = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}
    return Graph().parse(data=body, format=formats[media_type])


@pytest.mark.parametrize(
    "accept",
    ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"],
)
def test_construct_in_every_graph_format(endpoint, embedded_store, accept):
    sparql = client(endpoint, LABEL_GRAPH, N3)
    sparql.setOnlyConneg(True)  # no format=n3 hint: the Accept header alone decides
    sparql.addCustomHttpHeader("Accept", accept)
    response = sparql.query().response
    assert response.headers["Content-Type"].split(";")[0] == accept
    answer = parse_graph(response.read(), accept)
    assert LABEL_TRIPLE in answer
    direct = Graph().parse(data=embedded_store.query(LABEL_GRAPH).triples, format="nt")
    assert len(direct) == 3 and isomorphic(answer, direct)


def test_construct_with_sparqlwrapper_turtle(endpoint):
    body = client(endpoint, LABEL_GRAPH, TURTLE).query().convert()
    assert LABEL_TRIPLE in Graph().parse(data=body, format="turtle")


def test_describe_answers_with_the_resource_triples(endpoint):
    sparql = client(endpoint, f"DESCRIBE <{municipality_iri('oberhausen')}>", TURTLE)
    answer = Graph().parse(data=sparql.query().convert(), format="turtle")
    label = Literal("Stadt Oberhausen", lang="de")
    assert (municipality_iri("oberhausen"), SKOS.prefLabel, label) in answer


# -- ways to send a query, dataset ------------------------------------------------------


@pytest.mark.parametrize("method", [POST, "POSTDIRECTLY"])
def test_post_form_and_post_sparql_query(endpoint, embedded_store, method):
    data = client(endpoint, LABELS, JSON, method=method).query().convert()
    rows = [(b["m"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    assert rows == expected_labels(embedded_store)


def test_post_of_another_content_type_is_415(embedded):
    answer = http(
        embedded.url, method="POST", data=LABELS.encode(), headers={"Content-Type": "text/plain"}
    )
    assert answer.status == 415
    assert "application/sparql-query" in answer.json()["error"]["message"]


MUNICIPALITIES = (
    "SELECT DISTINCT ?m WHERE { ?m a ikg:Municipality ; ikg:fictional ?fictional } ORDER BY ?m"
)
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def _column(data: dict, name: str) -> list[str]:
    return [b[name]["value"] for b in data["results"]["bindings"]]


def test_default_graph_uri_restricts_the_default_graph(endpoint):
    everything = client(endpoint, MUNICIPALITIES, JSON).query().convert()
    assert _column(everything, "m") == sorted(str(municipality_iri(s)) for s in CITIES)
    sparql = client(endpoint, MUNICIPALITIES, JSON)
    sparql.addParameter("default-graph-uri", str(municipality_graph("leverkusen")))
    assert _column(sparql.query().convert(), "m") == [str(municipality_iri("leverkusen"))]
    sparql.addParameter("default-graph-uri", str(municipality_graph("offenburg")))
    assert _column(sparql.query().convert(), "m") == sorted(
        str(municipality_iri(s)) for s in ("leverkusen", "offenburg")
    )


def test_named_graph_uri_restricts_the_named_graphs(endpoint):
    everything = _column(client(endpoint, GRAPHS, JSON).query().convert(), "g")
    assert str(municipality_graph("oberhausen")) in everything and len(everything) >= 5
    sparql = client(endpoint, GRAPHS, JSON)
    sparql.addParameter("named-graph-uri", str(municipality_graph("oberhausen")))
    sparql.addParameter("named-graph-uri", str(GRAPH["reference"]))
    assert _column(sparql.query().convert(), "g") == sorted(
        [str(municipality_graph("oberhausen")), str(GRAPH["reference"])]
    )
    # named graphs without a default graph: the default graph is empty (SPARQL 1.1, 13.2)
    count = client(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    count.addParameter("named-graph-uri", str(municipality_graph("oberhausen")))
    assert _column(count.query().convert(), "n") == ["0"]


def test_a_graph_parameter_that_is_no_iri_is_400(embedded):
    answer = http(embedded.url, params={"query": GRAPHS, "named-graph-uri": "not an iri"})
    assert answer.status == 400
    assert answer.json()["error"]["parameter"] == "named-graph-uri"


# -- refusals and errors ------------------------------------------------------------------

UPDATES = {
    "INSERT": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE": "DELETE DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "INSERT WHERE": "PREFIX x: <urn:x:> INSERT { ?s x:copy ?o } WHERE { ?s ?p ?o }",
    "WITH": "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR": "CLEAR ALL",
    "DROP": "DROP GRAPH <https://w3id.org/ikg/graph/oberhausen>",
    "CREATE": "CREATE GRAPH <urn:x:g>",
    "ADD": "ADD DEFAULT TO <urn:x:g>",
    "MOVE": "MOVE <https://w3id.org/ikg/graph/oberhausen> TO <urn:x:g>",
    "COPY": "COPY <https://w3id.org/ikg/graph/oberhausen> TO DEFAULT",
}


@pytest.mark.parametrize("kind", list(UPDATES))
def test_every_update_is_refused(endpoint, embedded_store, kind):
    before = embedded_store.quad_count()
    keyword = kind.split()[0]
    # as SPARQLWrapper sends an update: POST update=…
    sparql = client(endpoint, UPDATES[kind], JSON, method=POST)
    with pytest.raises(urllib.error.HTTPError) as raised:
        sparql.query()
    assert raised.value.code == 403
    error = json.loads(raised.value.read())["error"]
    assert error["type"] == "RefusedRequest" and "schreibgeschützt" in error["message"]
    assert "read-only" in error["message"]
    # and sent as a query
    answer = http(endpoint, params={"query": UPDATES[kind]})
    assert answer.status == 403
    assert f"SPARQL Update ({keyword})" in answer.json()["error"]["message"]
    assert embedded_store.quad_count() == before


def test_update_as_sparql_update_body_is_refused(embedded):
    answer = http(
        embedded.url,
        method="POST",
        data=UPDATES["INSERT"].encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert answer.status == 403 and answer.json()["error"]["parameter"] == "update"


SERVICE_CALLS = [
    "SELECT * WHERE { SERVICE <{target}> { ?s ?p ?o } }",
    "select * where { ?m a ikg:Municipality OPTIONAL { service silent <{target}> { ?m ?p ?o } } }",
    "SELECT * WHERE { VALUES ?x { <{target}> } SERVICE ?x { ?s ?p ?o } }",
    "ASK { FILTER EXISTS { SERVICE <{target}> { ?s ?p ?o } } }",
    # a lexer reads <'> as an IRI and then a string that hides SERVICE; a parser does not
    "SELECT * WHERE { FILTER(1<'>') SERVICE <{target}> { ?s ?p ?o } FILTER(?o = 'x') }",
    # an escaped '#' in a prefixed name is no comment
    "PREFIX ex: <urn:x:> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <{target}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_CALLS)
def test_service_is_refused_and_never_called(endpoint, listener, template):
    query = template.replace("{target}", listener.url())
    with pytest.raises(urllib.error.HTTPError) as raised:
        client(endpoint, query, JSON).query()
    assert raised.value.code == 403
    error = json.loads(raised.value.read())["error"]
    assert error["message"].startswith("SERVICE") and "refused" in error["message"]
    time.sleep(0.2)
    assert listener.received == []


def test_service_in_a_string_or_comment_is_not_refused(endpoint):
    query = """# SERVICE <http://example.org/sparql> { ?s ?p ?o }
SELECT ?text ?service WHERE {
  BIND ("SERVICE <http://example.org/sparql> { ?s ?p ?o }" AS ?text)
  BIND ('''service''' AS ?service)
}"""
    data = client(endpoint, query, JSON).query().convert()
    binding = data["results"]["bindings"][0]
    assert binding["text"]["value"].startswith("SERVICE <http://example.org/")
    assert binding["service"]["value"] == "service"


def test_syntax_error_is_400_with_the_parsers_message(endpoint):
    with pytest.raises(QueryBadFormed):
        client(endpoint, "SELECT ?x WHERE { ?x ikg:label }", JSON).query()
    answer = http(endpoint, params={"query": "SELECT ?x WHERE { ?x ikg:label }"})
    assert answer.status == 400
    error = answer.json()["error"]
    assert error["type"] == "QueryError"
    assert "error at " in error["message"] and ": expected" in error["message"]


def test_missing_query_is_400_for_a_program(embedded):
    answer = http(embedded.url, headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 400
    error = answer.json()["error"]
    assert set(error) == {"status", "type", "message", "parameter"}
    assert (error["status"], error["type"], error["parameter"]) == (400, "QueryError", "query")
    assert "Parameter 'query' fehlt" in error["message"]


# -- negotiation, CORS --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (LABELS, "image/png"),
        (LABELS, "text/turtle"),
        (LABEL_GRAPH, "application/sparql-results+json"),
    ],
)
def test_an_unsupported_accept_is_406_naming_what_is_offered(embedded, query, accept):
    answer = http(embedded.url, params={"query": query}, headers={"Accept": accept})
    assert answer.status == 406
    error = answer.json()["error"]
    assert error["type"] == "NotAcceptable" and accept in error["message"]
    offered = "text/turtle" if query == LABEL_GRAPH else "application/sparql-results+json"
    assert offered in error["message"]


def test_format_parameter_overrides_accept(embedded):
    answer = http(
        embedded.url,
        params={"query": LABELS, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.body.startswith(b"m,label\r\n")
    # a format this kind of answer lacks is a hint for some other server: Accept decides
    other = http(
        embedded.url,
        params=[("query", LABELS), ("format", "turtle"), ("format", "text/tab-separated-values")],
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert other.headers["Content-Type"].startswith("text/tab-separated-values")
    ignored = http(
        embedded.url,
        params={"query": LABELS, "format": "turtle"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert ignored.headers["Content-Type"].startswith("application/sparql-results+xml")


def test_no_accept_gives_json_for_select_and_turtle_for_construct(embedded):
    select = http(embedded.url, params={"query": LABELS})
    assert select.headers["Content-Type"] == "application/sparql-results+json"
    construct = http(embedded.url, params={"query": LABEL_GRAPH})
    assert construct.headers["Content-Type"].startswith("text/turtle")
    assert LABEL_TRIPLE in Graph().parse(data=construct.body, format="turtle")


def test_cors_headers_and_preflight(embedded):
    answer = http(
        embedded.url, params={"query": LABELS}, headers={"Origin": "http://yasgui.example"}
    )
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-IKG-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    refused = http(
        embedded.url, params={"query": UPDATES["DROP"]}, headers={"Origin": "http://yasgui.example"}
    )
    assert refused.status == 403 and refused.headers["Access-Control-Allow-Origin"] == "*"
    preflight = http(
        embedded.url,
        method="OPTIONS",
        headers={
            "Origin": "http://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_the_rest_of_the_app_keeps_its_content_security_policy(embedded):
    page = http(embedded.url.replace("/sparql", "/"))
    assert "Access-Control-Allow-Origin" not in page.headers
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_browser_gets_the_query_page_and_its_errors_as_html(embedded):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = http(embedded.url, headers={"Accept": accept})
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b'<textarea id="sparql-query"' in page.body
    assert b'data-query="' in page.body and b"Handlungsfelder einer Kommune" in page.body
    shown = http(embedded.url, params={"query": LABELS}, headers={"Accept": accept})
    assert shown.status == 200 and b"<td>Stadt Offenburg</td>" in shown.body
    refused = http(embedded.url, params={"query": UPDATES["CLEAR"]}, headers={"Accept": accept})
    assert refused.status == 403 and refused.headers["Content-Type"].startswith("text/html")
    assert "schreibgeschützt".encode() in refused.body and b"CLEAR ALL</textarea>" in refused.body


# -- row cap and timeout ------------------------------------------------------------------


def test_a_result_cut_at_the_row_cap_says_so(limited):
    response = client(limited.url, LABELS, JSON).query()
    assert response.response.headers["X-IKG-Truncated"] == "true"
    assert response.response.headers["X-IKG-Row-Cap"] == "2"
    data = response.convert()
    assert len(data["results"]["bindings"]) == 2 and data["truncated"] is True
    whole = client(limited.url, MUNICIPALITIES.replace("DISTINCT ?m", "(COUNT(*) AS ?n)"), JSON)
    assert "X-IKG-Truncated" not in whole.query().response.headers
    page = http(limited.url, params={"query": LABELS}, headers={"Accept": "text/html"})
    assert b'id="sparql-truncated"' in page.body and "Gekürzt".encode() in page.body


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def test_a_query_that_would_run_for_hours_is_stopped_at_the_timeout(limited):
    client(limited.url, MUNICIPALITIES, JSON).query()  # the workers are warm
    workers = limited.app.extensions[WORKERS]
    before = set(workers.pids())
    assert before
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as raised:
        client(limited.url, ENDLESS, JSON).query()
    elapsed = time.monotonic() - started
    assert raised.value.code == 503
    error = json.loads(raised.value.read())["error"]
    assert error["type"] == "QueryTimeout"
    assert "1.5 s" in error["message"] and "IKG_QUERY_TIMEOUT" in error["message"]
    assert 1.5 <= elapsed < 1.5 + 3, f"answered after {elapsed:.1f} s"
    killed = before - set(workers.pids())
    assert len(killed) == 1, (before, workers.pids())
    assert not any(Path(f"/proc/{pid}").exists() for pid in killed)
    # nothing of the query keeps running: the workers left (and the successor) are idle
    time.sleep(0.5)
    left = workers.pids()
    assert set(left) <= set(_children(os.getpid()))  # the workers are the server's children
    ticks = _cpu_ticks(left)
    time.sleep(1)
    burnt = _cpu_ticks(left) - ticks
    assert burnt <= 5 * len(left), f"{burnt} ticks in 1 s"  # 100 ticks: a core busy
    data = client(limited.url, MUNICIPALITIES, JSON).query().convert()
    assert len(data["results"]["bindings"]) == 2  # the row cap of this app


def test_the_workers_read_a_rebuilt_store(tmp_path):
    """`ikg build` swaps the store link; the next query sees the new build."""
    from graph.store.builds import write_store

    path = tmp_path / "store"
    triple = '<urn:x:s{n}> <urn:x:p> "v" <https://w3id.org/ikg/graph/x> .\n'
    write_store(path, [triple.format(n=1).encode()])
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with serve({"STORE": str(path)}) as served:
        assert _column(client(served.url, count, JSON).query().convert(), "n") == ["1"]
        write_store(path, [(triple.format(n=1) + triple.format(n=2)).encode()])
        assert _column(client(served.url, count, JSON).query().convert(), "n") == ["2"]
