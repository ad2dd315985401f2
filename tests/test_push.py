"""`ikg push` against real servers on loopback ports: the Oxigraph server, and a small proxy in
front of it that misbehaves on cue (errors, silence, a dying server, credentials)."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from graph.cli import main
from graph.namespaces import GRAPH, STAGING_GRAPHS, municipality_graph, staging_graph
from graph.store import EmbeddedStore
from graph.store.push import chunks, update_url_for
from tests.sparql_server import SparqlServer, free_port, oxigraph_server

# tests here start servers of their own on loopback
pytestmark = pytest.mark.server

FOREIGN = URIRef("http://example.org/someone-elses-graph")
STALE = GRAPH["a-town-no-longer-built"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SparqlServer]:
    with oxigraph_server(tmp_path / "oxigraph") as running:
        yield running


@pytest.fixture(scope="module")
def first(store: EmbeddedStore) -> URIRef:
    """The graph a push sends first (graphs go in the order of their IRIs)."""
    return store.named_graphs()[0]


@pytest.fixture(scope="module")
def chunk(store: EmbeddedStore, first: URIRef) -> str:
    """A --chunk-triples that cuts the first graph into five or six chunks."""
    size = store.graph_size(first)
    assert size >= 10, f"{first} is too small to go up in chunks"
    return str(size // 5)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IKG_STORE_USER", "IKG_STORE_PASSWORD", "IKG_STORE_TOKEN", "IKG_STORE_UPDATE"):
        monkeypatch.delenv(name, raising=False)


# -- talking to the server directly --------------------------------------------------------


def update(server: SparqlServer, text: str) -> None:
    request = urllib.request.Request(
        server.update_url,
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in {200, 204}


def graph_sizes(query_url: str) -> dict[URIRef, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(
        f"{query_url}?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {URIRef(row["g"]["value"]): int(row["n"]["value"]) for row in rows}


def server_graph(server: SparqlServer, graph: URIRef) -> Graph:
    """One named graph as the server holds it (Graph Store Protocol GET)."""
    url = f"{server.store_url}?{urllib.parse.urlencode({'graph': str(graph)})}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return Graph().parse(data=response.read(), format="nt")


def built_graph(store: EmbeddedStore, graph: URIRef) -> Graph:
    return Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")


def assert_server_holds_the_build(server: SparqlServer, store: EmbeddedStore) -> None:
    sizes = graph_sizes(server.query_url)
    project = {g for g in sizes if str(g).startswith(str(GRAPH))}
    assert project == set(store.named_graphs())
    for graph in store.named_graphs():
        assert sizes[graph] == store.graph_size(graph), graph
        assert same_graph(server_graph(server, graph), built_graph(store, graph)), graph


def same_graph(first: Graph, second: Graph) -> bool:
    """Graphs compared as graphs: isomorphism where blank nodes are involved; without them,
    isomorphic means equal sets of triples, which is much quicker to check."""
    if any(isinstance(term, BNode) for triple in (*first, *second) for term in triple):
        return isomorphic(first, second)
    return set(first) == set(second)


def put_old_version(server: SparqlServer, graph: URIRef) -> None:
    """Three triples in ``graph`` on the server, as an older build might have left it."""
    update(
        server,
        f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/old> "
        '<http://example.org/says> "an older build" , "one" , "two" . } }',
    )


# -- a proxy that misbehaves on cue ----------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A request the proxy got: 'update' or 'query', and the how-many-th of its kind."""

    kind: str
    number: int
    headers: dict[str, str]


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


HANG = "hang"  # accept the request and never answer
VANISH = "vanish"  # close the connection without an answer and stop listening

Rule = Callable[[Seen], Answer | str | None]


class FaultProxy:
    """Passes requests to a real SPARQL server unless ``rule`` answers in its place."""

    def __init__(self, upstream: str | None, rule: Rule) -> None:
        self.upstream = upstream
        self.rule = rule
        self.seen: list[Seen] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._stopped = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    def updates(self) -> int:
        return sum(1 for seen in self.seen if seen.kind == "update")

    def note(self, kind: str, headers: dict[str, str]) -> Seen:
        with self._lock:
            number = sum(1 for seen in self.seen if seen.kind == kind) + 1
            seen = Seen(kind, number, headers)
            self.seen.append(seen)
            return seen

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.stop()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._handle(b"")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self._handle(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _handle(self, body: bytes) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        content_type = self.headers.get("Content-Type", "")
        is_update = "sparql-update" in content_type or body.startswith(b"update=")
        seen = proxy.note("update" if is_update else "query", dict(self.headers.items()))
        action = proxy.rule(seen)
        if action == HANG:
            proxy.released.wait(30)
            self.close_connection = True
            return
        if action == VANISH:
            # Stop listening before this connection closes, so that a retry finds nobody
            # there (connection refused) instead of racing the shutdown. Safe here: each
            # request runs in its own thread, not in the serve_forever loop.
            proxy.stop()
            self.close_connection = True
            return
        if isinstance(action, Answer):
            self._answer(action)
            return
        self._forward(body)

    def _forward(self, body: bytes) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() in {"content-type", "accept"}
        }
        request = urllib.request.Request(
            proxy.upstream + self.path,
            data=body if self.command == "POST" else None,
            headers=headers,
            method=self.command,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = Answer(
                    response.status, response.read(), response.headers.get("Content-Type", "")
                )
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.read(), error.headers.get("Content-Type", ""))
        self._answer(answer)

    def _answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        if answer.content_type:
            self.send_header("Content-Type", answer.content_type)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)


# -- pushing ---------------------------------------------------------------------------------


def push(runner: CliRunner, store_path: Path, query_url: str, *options: str):
    return runner.invoke(
        main, ["push", "--endpoint", query_url, "--store", str(store_path), *options]
    )


def test_push_copies_every_named_graph_exactly(
    runner: CliRunner, store_path: Path, store: EmbeddedStore, server: SparqlServer
) -> None:
    result = push(runner, store_path, server.query_url)

    assert result.exit_code == 0, result.output
    assert_server_holds_the_build(server, store)
    assert f"{len(store.named_graphs())} Graphen mit {store.quad_count()} Tripeln" in result.output
    assert server.update_url in result.output


def test_a_second_push_replaces_and_removes_stale_project_graphs_only(
    runner: CliRunner,
    store_path: Path,
    store: EmbeddedStore,
    server: SparqlServer,
    first: URIRef,
) -> None:
    put_old_version(server, first)
    for graph in (STALE, FOREIGN):
        triple = "<http://example.org/a> <http://example.org/b> 1 ."
        update(server, f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}")

    first_push = push(runner, store_path, server.query_url)
    second_push = push(runner, store_path, server.query_url)

    assert first_push.exit_code == 0 and second_push.exit_code == 0, (
        first_push.output + second_push.output
    )
    # pushed twice, still once: the ontology's blank nodes would double if it added instead
    assert_server_holds_the_build(server, store)
    sizes = graph_sizes(server.query_url)
    assert STALE not in sizes and str(STALE) in first_push.output
    assert sizes[FOREIGN] == 1
    assert "Entfernt" not in second_push.output


def test_chunked_push_gives_the_same_graphs_and_never_shows_half_a_graph(
    runner: CliRunner,
    store_path: Path,
    store: EmbeddedStore,
    server: SparqlServer,
    first: URIRef,
    chunk: str,
) -> None:
    put_old_version(server, first)
    sizes_seen: list[int] = []

    def watch_first(seen: Seen) -> None:
        # what a reader of the real server sees at the moment each update arrives
        sizes_seen.append(graph_sizes(server.query_url).get(first, 0))

    with FaultProxy(server.base_url, watch_first) as proxy:
        result = push(runner, store_path, proxy.query_url, "--chunk-triples", chunk)

    assert result.exit_code == 0, result.output
    assert_server_holds_the_build(server, store)
    assert proxy.updates() > 2 * len(store.named_graphs())  # it really went up in chunks
    assert set(sizes_seen) == {3, store.graph_size(first)}  # old, then all of the new
    assert not any("/staging/" in str(g) for g in graph_sizes(server.query_url))


def test_a_failure_between_chunks_leaves_the_graph_untouched_and_a_rerun_repairs(
    runner: CliRunner,
    store_path: Path,
    store: EmbeddedStore,
    server: SparqlServer,
    first: URIRef,
    chunk: str,
) -> None:
    put_old_version(server, first)

    def fail_third_update(seen: Seen) -> Answer | None:
        if seen.kind == "update" and seen.number == 3:
            return Answer(500, b"disk full")
        return None

    with FaultProxy(server.base_url, fail_third_update) as proxy:
        result = push(runner, store_path, proxy.query_url, "--chunk-triples", chunk)

    assert result.exit_code == 2
    assert f"{first}: unchanged on the server" in result.output
    assert "the part already sent was removed again" in result.output
    assert "HTTP 500" in result.output and "disk full" in result.output
    assert proxy.update_url in result.output and "ikg push" in result.output
    assert graph_sizes(server.query_url) == {first: 3}  # the old graph, nothing else

    rerun = push(runner, store_path, server.query_url, "--chunk-triples", chunk)
    assert rerun.exit_code == 0, rerun.output
    assert_server_holds_the_build(server, store)


def test_the_server_stopped_in_the_middle_of_a_push(
    runner: CliRunner,
    store_path: Path,
    store: EmbeddedStore,
    tmp_path: Path,
    first: URIRef,
    chunk: str,
) -> None:
    location = tmp_path / "oxigraph"
    with oxigraph_server(location) as first_run:

        def stop_the_server(seen: Seen) -> str | None:
            if seen.kind == "update" and seen.number == 4:
                first_run.process.kill()
                first_run.process.wait()
                return VANISH
            return None

        with FaultProxy(first_run.base_url, stop_the_server) as proxy:
            result = push(
                runner, store_path, proxy.query_url, "--chunk-triples", chunk, "--retries", "1"
            )

    assert result.exit_code == 2
    assert f"{first}: unchanged on the server" in result.output
    assert "connection refused" in result.output and proxy.update_url in result.output
    assert "retry 1 of 1" in result.output  # the broken connection was worth one more try
    assert f"is left in {STAGING_GRAPHS}" in result.output
    assert "Not yet pushed (unchanged): " + str(store.named_graphs()[1]) in result.output
    assert "Run 'ikg push' again" in result.output

    with oxigraph_server(location) as second_run:
        sizes = graph_sizes(second_run.query_url)
        assert first not in sizes  # never half a graph: only its staging copy got data
        assert any("/staging/" in str(g) for g in sizes)
        rerun = push(runner, store_path, second_run.query_url)
        assert rerun.exit_code == 0, rerun.output
        assert_server_holds_the_build(second_run, store)  # the leftover staging graph is gone


def test_a_server_error_is_reported_and_not_retried(
    runner: CliRunner,
    store_path: Path,
    server: SparqlServer,
    first: URIRef,
) -> None:
    def fail(seen: Seen) -> Answer | None:
        return Answer(500, b"java.lang.OutOfMemoryError") if seen.kind == "update" else None

    with FaultProxy(server.base_url, fail) as proxy:
        result = push(runner, store_path, proxy.query_url, "--chunk-triples", "1000000")

    assert result.exit_code == 2
    assert proxy.updates() == 1  # one request replaces the graph, and a 500 is not retried
    assert f"{first}: the request replacing it as a whole failed" in result.output
    assert f"{proxy.update_url} failed with a server error (HTTP 500)" in result.output
    assert "java.lang.OutOfMemoryError" in result.output
    assert str(first) in result.output and "Run 'ikg push' again" in result.output


def test_an_html_error_page_is_named_as_such(
    runner: CliRunner, store_path: Path, server: SparqlServer
) -> None:
    page = b"<html><head><title>Wartungsarbeiten &ndash; bitte sp\xc3\xa4ter</title></head></html>"

    def maintenance(seen: Seen) -> Answer | None:
        return Answer(500, page, "text/html; charset=utf-8") if seen.kind == "update" else None

    with FaultProxy(server.base_url, maintenance) as proxy:
        result = push(runner, store_path, proxy.query_url)

    assert result.exit_code == 2
    assert "HTML page instead of a SPARQL answer" in result.output
    assert "Wartungsarbeiten – bitte später" in result.output


def test_a_login_page_instead_of_sparql_results_changes_nothing(
    runner: CliRunner, store_path: Path
) -> None:
    def login_page(seen: Seen) -> Answer:
        return Answer(200, b"<html><title>Anmeldung</title><form></form></html>", "text/html")

    with FaultProxy(None, login_page) as proxy:
        result = push(runner, store_path, proxy.query_url)

    assert result.exit_code == 2
    assert "HTML page" in result.output and proxy.query_url in result.output
    assert "Nothing was changed" in result.output
    assert proxy.updates() == 0


def test_a_server_that_never_answers_meets_the_timeout(
    runner: CliRunner, store_path: Path, server: SparqlServer
) -> None:
    def silence(seen: Seen) -> str | None:
        return HANG if seen.kind == "update" else None

    with FaultProxy(server.base_url, silence) as proxy:
        started = time.monotonic()
        result = push(
            runner,
            store_path,
            proxy.query_url,
            "--timeout",
            "1",
            "--retries",
            "1",
            "--chunk-triples",
            "1000000",
        )
        seconds = time.monotonic() - started

    assert result.exit_code == 2
    assert f"{proxy.update_url} did not answer within 1 s" in result.output
    assert "IKG_QUERY_TIMEOUT" in result.output and "--timeout" in result.output
    assert proxy.updates() == 2  # the first try and one retry, each cut off after a second
    assert 2 <= seconds < 10


@pytest.mark.parametrize(
    ("accepted", "environment"),
    [
        ("Basic " + base64.b64encode(b"ikg:geheim").decode(), {"IKG_STORE_USER": "ikg"}),
        ("Bearer token-123", {}),
    ],
    ids=["basic", "bearer"],
)
def test_credentials_come_from_the_environment(
    runner: CliRunner,
    store_path: Path,
    store: EmbeddedStore,
    server: SparqlServer,
    monkeypatch: pytest.MonkeyPatch,
    accepted: str,
    environment: dict[str, str],
    first: URIRef,
) -> None:
    def guard_updates(seen: Seen) -> Answer | None:
        if seen.kind == "update" and seen.headers.get("Authorization") != accepted:
            return Answer(401, b"", headers={"WWW-Authenticate": 'Basic realm="sparql"'})
        return None

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    wrong = (
        {"IKG_STORE_PASSWORD": "falsch"}
        if accepted.startswith("Basic")
        else {"IKG_STORE_TOKEN": "token-456"}
    )
    right = (
        {"IKG_STORE_PASSWORD": "geheim"}
        if accepted.startswith("Basic")
        else {"IKG_STORE_TOKEN": "token-123"}
    )
    with FaultProxy(server.base_url, guard_updates) as proxy:
        for name, value in wrong.items():
            monkeypatch.setenv(name, value)
        refused = push(runner, store_path, proxy.query_url)
        assert graph_sizes(server.query_url) == {}
        for name, value in right.items():
            monkeypatch.setenv(name, value)
        accepted_push = push(runner, store_path, proxy.query_url)

    assert refused.exit_code == 2
    assert f"{proxy.update_url} refused the credentials (HTTP 401)" in refused.output
    for variable in ("IKG_STORE_USER", "IKG_STORE_PASSWORD", "IKG_STORE_TOKEN"):
        assert variable in refused.output
    assert f"{first}: unchanged on the server" in refused.output
    assert "falsch" not in refused.output and "token-456" not in refused.output
    assert accepted_push.exit_code == 0, accepted_push.output
    assert_server_holds_the_build(server, store)


def test_wrong_credentials_for_reading_stop_before_anything_changes(
    runner: CliRunner, store_path: Path, server: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def guard_everything(seen: Seen) -> Answer:
        return Answer(401, b"", headers={"WWW-Authenticate": 'Basic realm="sparql"'})

    monkeypatch.setenv("IKG_STORE_USER", "ikg")
    monkeypatch.setenv("IKG_STORE_PASSWORD", "falsch")
    with FaultProxy(server.base_url, guard_everything) as proxy:
        result = push(runner, store_path, proxy.query_url)

    assert result.exit_code == 2
    assert "IKG_STORE_USER" in result.output and "IKG_STORE_TOKEN" in result.output
    assert "Nothing was changed" in result.output
    assert proxy.updates() == 0


def test_transient_errors_are_retried_with_back_off_and_reported(
    runner: CliRunner, store_path: Path, store: EmbeddedStore, server: SparqlServer
) -> None:
    def busy_twice(seen: Seen) -> Answer | None:
        if seen.kind == "update" and seen.number <= 2:
            return Answer(503, b"busy, come back later")
        return None

    with FaultProxy(server.base_url, busy_twice) as proxy:
        result = push(runner, store_path, proxy.query_url)

    assert result.exit_code == 0, result.output
    assert "HTTP 503" in result.output
    assert "retry 1 of 3 in 0.5 s" in result.output and "retry 2 of 3 in 1 s" in result.output
    assert "2 davon wiederholt" in result.output
    assert_server_holds_the_build(server, store)


def test_nothing_listening_is_a_clear_message(runner: CliRunner, store_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"

    result = push(runner, store_path, url)

    assert result.exit_code == 2
    assert f"cannot list the graphs on {url}" in result.output
    assert "Nothing was changed" in result.output


def test_an_update_endpoint_that_is_not_there_is_named(
    runner: CliRunner,
    store_path: Path,
    server: SparqlServer,
    first: URIRef,
    chunk: str,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/update"

    in_one = push(
        runner, store_path, server.query_url, "--update", dead, "--chunk-triples", "1000000"
    )
    in_chunks = push(
        runner, store_path, server.query_url, "--update", dead, "--chunk-triples", chunk
    )

    for result in (in_one, in_chunks):
        assert result.exit_code == 2
        assert f"nothing answers at {dead} (connection refused)" in result.output
        assert f"{first}: unchanged on the server" in result.output
    assert "the request replacing it was turned away or did not reach it" in in_one.output
    assert "none of it reached the server" in in_chunks.output
    assert graph_sizes(server.query_url) == {}


# -- the command line ------------------------------------------------------------------------


def test_push_help(runner: CliRunner) -> None:
    result = runner.invoke(main, ["push", "--help"])
    assert result.exit_code == 0
    for option in ("--endpoint", "--update", "--store", "--chunk-triples", "--timeout"):
        assert option in result.output


def test_push_without_an_endpoint_says_how_to_give_one(runner: CliRunner) -> None:
    result = runner.invoke(main, ["push"])
    assert result.exit_code == 2
    assert "--endpoint" in result.output and "IKG_STORE" in result.output


def test_push_without_a_built_store_says_to_build(
    runner: CliRunner, tmp_path: Path, server: SparqlServer
) -> None:
    result = push(runner, tmp_path / "nothing-here", server.query_url)
    assert result.exit_code == 2
    assert "ikg build" in result.output
    assert graph_sizes(server.query_url) == {}


# -- the parts -------------------------------------------------------------------------------


def test_chunks_keep_triples_that_share_a_blank_node_together(store: EmbeddedStore) -> None:
    data = store.dump(ox.RdfFormat.N_TRIPLES, GRAPH["ontology"])
    quads = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))

    parts = chunks(quads, max_triples=10)

    owners: dict[str, int] = {}
    for index, part in enumerate(parts):
        for quad in ox.parse(part.ntriples.encode(), format=ox.RdfFormat.N_TRIPLES):
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.BlankNode):
                    assert owners.setdefault(term.value, index) == index
    assert owners, "the ontology graph has blank nodes to keep together"
    assert sum(part.triples for part in parts) == len(quads)
    assert len(parts) > len(quads) / 10 / 2
    assert all(part.triples <= 10 or part.has_blank_nodes for part in parts)


def test_chunks_stay_below_the_byte_limit() -> None:
    quads = [
        ox.Quad(
            ox.NamedNode(f"http://example.org/{i}"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal("x" * 1000),
        )
        for i in range(50)
    ]
    parts = chunks(quads, max_triples=1000, max_bytes=10_000)
    assert all(len(part.ntriples.encode()) <= 10_000 for part in parts)
    assert sum(part.triples for part in parts) == 50


@pytest.mark.parametrize(
    ("query_url", "configured", "expected"),
    [
        ("http://h:7878/query", "", "http://h:7878/update"),
        ("http://h:8890/sparql", "", "http://h:8890/sparql"),
        ("http://h:8890/sparql", "http://h:8890/sparql-auth", "http://h:8890/sparql-auth"),
    ],
)
def test_the_update_endpoint_is_derived_or_configured(
    query_url: str, configured: str, expected: str
) -> None:
    assert update_url_for(query_url, configured) == expected


def test_the_update_endpoint_setting_is_used(
    runner: CliRunner, store_path: Path, server: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultProxy(server.base_url, lambda seen: None) as proxy:
        monkeypatch.setenv("IKG_STORE_UPDATE", proxy.update_url)
        result = push(runner, store_path, server.query_url)

    assert result.exit_code == 0, result.output
    assert proxy.updates() > 0 and proxy.update_url in result.output


def test_staging_graphs_live_in_the_project_namespace_and_are_no_municipality() -> None:
    from graph.namespaces import slug_of_graph

    staging = staging_graph(municipality_graph("leverkusen"), "abc123")
    assert str(staging) == f"{STAGING_GRAPHS}abc123/leverkusen"
    assert slug_of_graph(staging) is None
    with pytest.raises(ValueError, match="not one of the project's graphs"):
        staging_graph(FOREIGN, "abc123")
