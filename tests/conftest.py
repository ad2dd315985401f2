"""Shared fixtures: the built-in data built once per test session into a real on-disk store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from graph.build import BuildSummary, build, prepare
from graph.namespaces import ONTOLOGY_GRAPH, slug_of_inferred_graph
from graph.queries import NamedQuery, load_queries
from graph.settings import PROJECT_ROOT, Settings
from graph.store import EmbeddedStore, RemoteStore, Store
from graph.store.push import PushTarget, push
from tests.browsing import browser, page  # noqa: F401 - the browser tests' fixtures
from tests.listening import listener  # noqa: F401 - a loopback port that records connections
from tests.sparql_server import SparqlServer, oxigraph_server

DATA_DIR = PROJECT_ROOT / "data"
QUERIES_DIR = PROJECT_ROOT / "queries"
SEEDS_DIR = Settings().seeds_dir
FIXTURES = Path(__file__).parent / "fixtures"

#: The stores the named-query suite runs on: the embedded store, a real Oxigraph server
#: started here, and any SPARQL server named by IKG_TEST_ENDPOINT (see `make test-virtuoso`).
STORE_KINDS = ["embedded", "oxigraph"]
if os.environ.get("IKG_TEST_ENDPOINT"):
    STORE_KINDS.append("external")

#: a test that uses one of these drives chromium (tests/browsing.py)
BROWSER_FIXTURES = {"browser", "page"}
#: a test that uses one of these needs a real server on loopback (or run elsewhere, for
#: ``external_store``); modules that start servers of their own mark themselves
SERVER_FIXTURES = {"sparql_server", "oxigraph_store", "external_store", "listener"}
#: the kinds of ``any_store`` that are servers
SERVER_STORE_KINDS = {"oxigraph", "external"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``browser`` and ``server`` by the fixtures a test uses, so a new test is in the
    right tier without a decorator (`make test-fast` leaves both out)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        store_kind = callspec.params.get("any_store") if callspec is not None else None
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
            # the pages come from the viewer served on loopback (tests/serving.py)
            item.add_marker(pytest.mark.server)
        elif fixtures & SERVER_FIXTURES or store_kind in SERVER_STORE_KINDS:
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """The three cities' data built once into a store on disk."""
    store_path = tmp_path_factory.mktemp("store") / "store"
    summary = build(DATA_DIR, store_path, seeds_dir=SEEDS_DIR)
    return store_path, summary


@pytest.fixture(scope="session")
def real_data() -> Graph:
    """The cities' data mapped and SHACL-validated as the build does, all graphs but the
    ontology's and the inferred ones in one graph (raises SourceError on any violation)."""
    prepared = prepare(DATA_DIR, SEEDS_DIR)
    union = Graph()
    for graph_iri, graph in prepared.graphs.items():
        if graph_iri != ONTOLOGY_GRAPH and slug_of_inferred_graph(graph_iri) is None:
            union += graph
    return union


@pytest.fixture(scope="session")
def store_path(built: tuple[Path, BuildSummary]) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def embedded_store(store_path: Path) -> EmbeddedStore:
    return EmbeddedStore(store_path)


@pytest.fixture(scope="session")
def store(embedded_store: EmbeddedStore) -> EmbeddedStore:
    """The built store; modules whose tests must hold on every store kind override this
    with ``any_store``."""
    return embedded_store


@pytest.fixture(scope="session")
def queries() -> dict[str, NamedQuery]:
    return load_queries(QUERIES_DIR)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, store_path: Path) -> CliRunner:
    """A CLI runner whose `ikg` uses the session's store unless told otherwise."""
    monkeypatch.setenv("IKG_STORE", str(store_path))
    return CliRunner()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def sparql_server(
    tmp_path_factory: pytest.TempPathFactory, store_path: Path
) -> Iterator[SparqlServer]:
    """A real Oxigraph server on a loopback port, filled by `ikg push` from the built store."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        target = PushTarget(server.query_url, server.update_url, timeout_seconds=60)
        push(EmbeddedStore(store_path), target)
        yield server


@pytest.fixture(scope="session")
def oxigraph_store(sparql_server: SparqlServer) -> RemoteStore:
    return RemoteStore(sparql_server.query_url, timeout_seconds=30)


@pytest.fixture(scope="session")
def external_store() -> RemoteStore:
    """A SPARQL server run outside the tests, already holding the built graph."""
    return RemoteStore(os.environ["IKG_TEST_ENDPOINT"], timeout_seconds=60)


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest) -> Store:
    """Each store the named queries must answer the same on (see STORE_KINDS)."""
    return request.getfixturevalue(f"{request.param}_store")
