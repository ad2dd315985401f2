"""The store package's seams: open_store picks a store, WorkerStore puts the query workers
behind the store interface, and `ikg push` finds its target in the library."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.errors import StoreError
from graph.namespaces import IKG
from graph.read_only import RefusedRequest
from graph.settings import Settings
from graph.store import EmbeddedStore, RemoteStore, open_store
from graph.store.push import PushTarget, push_source
from graph.store.workers import QueryTimeout, QueryWorkers, WorkerStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a ikg:Municipality }"
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"


def _calling(listener) -> str:
    return f"SELECT * WHERE {{ SERVICE <{listener.url()}> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def workers(store_path: Path) -> Iterator[QueryWorkers]:
    pool = QueryWorkers(store_path.resolve(), warm=1)
    yield pool
    pool.close()


def test_open_store_picks_by_the_setting(store_path: Path) -> None:
    settings = Settings(store=str(store_path))
    assert isinstance(open_store(settings), EmbeddedStore)
    remote = open_store(settings, "http://127.0.0.1:9/query")
    assert isinstance(remote, RemoteStore) and remote.query_url == "http://127.0.0.1:9/query"


def test_a_worker_store_answers_as_the_embedded_store_does(
    workers: QueryWorkers, embedded_store: EmbeddedStore
) -> None:
    guarded = WorkerStore(embedded_store, timeout_seconds=30, workers=lambda: workers)
    assert guarded.query(COUNT).rows == embedded_store.query(COUNT).rows
    # bound values and the dataset travel to the worker too
    bound = "SELECT ?m ?kind WHERE { ?m a ?kind }"
    rows = guarded.query(bound, {"kind": IKG.Municipality}, row_cap=2).rows
    assert rows == embedded_store.query(bound, {"kind": IKG.Municipality}, row_cap=2).rows
    assert len(rows) == 2
    empty = guarded.query(COUNT, default_graphs=[URIRef("urn:ikg:no-such-graph")])
    assert empty.rows == [(Literal(0),)]
    assert guarded.named_graphs() == embedded_store.named_graphs()
    assert guarded.quad_count() == embedded_store.quad_count()


def test_a_worker_store_stops_a_query_at_its_timeout(
    workers: QueryWorkers, embedded_store: EmbeddedStore
) -> None:
    guarded = WorkerStore(embedded_store, timeout_seconds=30, workers=lambda: workers)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="IKG_QUERY_TIMEOUT = 1 s"):
        guarded.query(ENDLESS, timeout_seconds=1)
    assert time.monotonic() - started < 1 + 3


def test_a_worker_store_refuses_service_in_the_worker(
    workers: QueryWorkers, embedded_store: EmbeddedStore, listener
) -> None:
    guarded = WorkerStore(embedded_store, timeout_seconds=30, workers=lambda: workers)
    with pytest.raises(RefusedRequest, match="^SERVICE"):
        guarded.query(_calling(listener))
    assert listener.received == []


def test_a_worker_store_over_a_remote_store_checks_before_the_server_is_asked(listener) -> None:
    """The 'server' is the recording listener: a query that got as far as the remote store
    would reach it."""
    checking = QueryWorkers(None, warm=1)  # the pool of a viewer on a remote store
    asked = []
    remote = RemoteStore(listener.url(), timeout_seconds=5)
    guarded = WorkerStore(remote, timeout_seconds=30, workers=lambda: asked.append(1) or checking)
    try:
        with pytest.raises(RefusedRequest, match="^SERVICE"):
            guarded.query(_calling(listener))
    finally:
        checking.close()
    assert asked == [1]
    time.sleep(0.3)
    assert listener.received == []


@pytest.mark.server
def test_a_worker_store_over_a_remote_store_needs_no_worker_for_a_plain_query(
    oxigraph_store: RemoteStore, embedded_store: EmbeddedStore
) -> None:
    asked = []
    guarded = WorkerStore(
        oxigraph_store, timeout_seconds=30, workers=lambda: asked.append(1) or None
    )
    assert guarded.query(COUNT).rows == embedded_store.query(COUNT).rows
    assert asked == []


def test_a_worker_store_of_its_own_starts_its_pool_with_the_first_query(
    embedded_store: EmbeddedStore,
) -> None:
    """As `ikg sparql` uses it: the pool starts with the query and ends with close()."""
    guarded = WorkerStore(embedded_store, timeout_seconds=30)
    try:
        assert guarded.query(COUNT).rows == embedded_store.query(COUNT).rows
    finally:
        guarded.close()
    with pytest.raises(StoreError, match="shut down"):
        guarded.query(COUNT)  # the pool it started is gone


# -- the target of `ikg push` -----------------------------------------------------------------


def test_the_push_target_is_the_store_setting_when_that_is_a_url() -> None:
    settings = Settings(store="http://127.0.0.1:7878/query", query_timeout=7)
    target = PushTarget.from_settings(settings)
    assert target.query_url == "http://127.0.0.1:7878/query"
    assert target.update_url == "http://127.0.0.1:7878/update"
    assert target.timeout_seconds == 7 and target.retries == 3


def test_options_come_before_the_settings() -> None:
    settings = Settings(
        store="http://127.0.0.1:7878/query", store_update="http://127.0.0.1:7878/schreiben"
    )
    assert PushTarget.from_settings(settings).update_url == "http://127.0.0.1:7878/schreiben"
    target = PushTarget.from_settings(
        settings,
        endpoint="http://127.0.0.1:8890/sparql",
        update_url="http://127.0.0.1:8890/sparql-auth",
        timeout_seconds=3,
        retries=0,
    )
    assert target.query_url == "http://127.0.0.1:8890/sparql"
    assert target.update_url == "http://127.0.0.1:8890/sparql-auth"
    assert (target.timeout_seconds, target.retries) == (3, 0)
    # a server that takes both at one address
    plain = PushTarget.from_settings(Settings(), endpoint="http://127.0.0.1:8890/sparql")
    assert plain.update_url == "http://127.0.0.1:8890/sparql"


@pytest.mark.parametrize("endpoint", [None, "var/store"])
def test_without_a_url_there_is_no_push_target(endpoint: str | None) -> None:
    with pytest.raises(StoreError, match="--endpoint") as raised:
        PushTarget.from_settings(Settings(store="var/store"), endpoint=endpoint)
    assert "IKG_STORE" in str(raised.value) and raised.value.exit_code == 2


def test_the_push_source_is_the_store_folder(store_path: Path, tmp_path: Path) -> None:
    assert push_source(Settings(store=str(store_path))).path == store_path
    assert push_source(Settings(store="http://127.0.0.1:7878/query"), store_path).path == (
        store_path
    )
    with pytest.raises(StoreError, match="ikg build"):
        push_source(Settings(store=str(tmp_path / "nichts")))
