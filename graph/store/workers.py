"""Queries in worker processes, so a query can be stopped at its timeout.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped from outside; a
process can. Each query is sent to a warm worker process that has the store open read-only;
when no answer comes within the timeout, the worker is killed (SIGKILL also frees whatever the
query had allocated) and a fresh one is started in the background.

A worker is a fresh interpreter running graph.store.worker_process (``python -m
graph.store.worker_process``), not a fork: forking the threaded web server would copy it in
the middle of its other threads' work (locks held, half-written buffers), and
multiprocessing's spawn and forkserver start methods re-import the server's ``__main__`` in
every worker, which runs the server again if its script lacks a ``__main__`` guard. Worker
and server talk over a socket pair with multiprocessing's ``Connection`` (pickled messages).

A worker is told the store's folder with every query and reopens the store when the folder
changed (``ikg build`` swaps the store link to a new build; see graph.store.builds).

Within its time a query can also grab memory fast (an ORDER BY over a cross product: some
hundred MB a second), so a worker's data memory is capped (``RLIMIT_DATA``); a query that
passes the cap ends its worker, and the answer says why.

A worker is the place where the SERVICE guard's decisive check runs (graph.read_only: Oxigraph
parses a neutralised copy, which may take as long as a query), and it runs without network
access where the system allows it (graph.isolation): should a query get past the guard, its
SERVICE still cannot reach any host. A worker without a store (``store_path=None``) only
checks queries, for a viewer whose store is a remote SPARQL server.

``WorkerStore`` puts the pool behind the store interface, for the queries that come from
outside (the /sparql endpoint, `ikg sparql`): whoever asks it gets the guard, the timeout and
the memory cap without knowing which kind of store answers.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.read_only import RefusedRequest, mentions_service
from graph.store import worker_process
from graph.store.embedded import EmbeddedStore
from graph.store.interface import QueryResult, Store

#: warm workers kept waiting; more are started while more queries run at the same time
WARM_WORKERS = 2
#: a worker's data memory (heap and private mappings); a legitimate query on a graph of
#: millions of triples stays far below it
MEMORY_LIMIT_BYTES = 2 * 1024**3
#: how long a new worker may take to start Python and open the store
STARTUP_SECONDS = 60.0
#: the folder that holds the ``graph`` package
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class QueryTimeout(StoreError):
    """A query ran longer than the timeout and was stopped. 503: the service could not answer
    this request now; a narrower query may pass."""

    http_status = 503


class QueryTooLarge(StoreError):
    """A query needed more memory than a worker may use. 503, as for the timeout."""

    http_status = 503


def timeout_message(seconds: float) -> str:
    shown = f"{seconds:g}"
    return (
        f"Die Abfrage wurde nach {shown} s abgebrochen: Das ist das Zeitlimit "
        f"(Einstellung IKG_QUERY_TIMEOUT = {shown} s). Grenzen Sie die Abfrage ein, z. B. mit "
        f"genaueren Mustern oder LIMIT. / The query was stopped after {shown} s, the time "
        f"limit (setting IKG_QUERY_TIMEOUT = {shown} s); narrow it down."
    )


def memory_message(limit_bytes: int) -> str:
    shown = f"{limit_bytes / 1024**2:,.0f}".replace(",", ".")
    return (
        f"Die Abfrage brauchte mehr Speicher als erlaubt ({shown} MB) und wurde abgebrochen. "
        "Grenzen Sie sie ein, z. B. mit genaueren Mustern, LIMIT oder ohne ORDER BY über "
        f"große Zwischenergebnisse. / The query needed more than {shown} MB of memory and was "
        "stopped; narrow it down."
    )


@dataclass
class _Worker:
    process: subprocess.Popen
    connection: Connection
    #: it has said it is ready (Python started, store opened)
    ready: bool = False
    #: why it could not cut itself off the network ("" when it did), known once ready
    network_left: str = ""


class QueryWorkers:
    """A small pool of warm worker processes; ``query`` runs one query with a timeout.

    ``isolate=False`` leaves the workers on the network: only for tests that must show the
    guard holds on its own.
    """

    def __init__(
        self,
        store_path: Path | None,
        *,
        warm: int = WARM_WORKERS,
        memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
        isolate: bool = True,
    ) -> None:
        self._store_path = "" if store_path is None else str(store_path)
        self._warm = warm
        self._memory_limit = memory_limit_bytes
        self._isolate = isolate
        #: why the last worker to start could not leave the network ("" when it did)
        self.network_left = ""
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(warm):
            self._idle.append(self._start())
        # a server that ends normally takes its workers with it
        atexit.register(_close_if_alive, weakref.ref(self))

    def query(
        self,
        store_path: Path,
        sparql: str,
        *,
        timeout_seconds: float,
        bindings: Mapping[str, Node] | None = None,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult:
        """Run a query on the store at ``store_path`` (a build folder) once the SERVICE guard
        has confirmed it; QueryTimeout when both take longer than ``timeout_seconds``,
        QueryTooLarge past the memory cap, RefusedRequest for a SERVICE, QueryError or
        StoreError as the store raises."""
        options = {
            "bindings": bindings,
            "row_cap": row_cap,
            "default_graphs": default_graphs,
            "named_graphs": named_graphs,
        }
        return self._ask((str(store_path), sparql, options), timeout_seconds)

    def check(self, sparql: str, *, timeout_seconds: float) -> None:
        """Only the SERVICE guard's decisive check (graph.read_only.confirm_no_service), for a
        query that another store will run; RefusedRequest, or QueryTimeout when the check
        takes longer than ``timeout_seconds``."""
        self._ask((None, sparql, None), timeout_seconds)

    def _ask(self, request: tuple, timeout_seconds: float) -> QueryResult:
        worker = self._take(request[0] or self._store_path)
        try:
            worker.connection.send(request)
            if not worker.connection.poll(timeout_seconds):
                self._replace(worker)
                raise QueryTimeout(timeout_message(timeout_seconds))
            kind, payload = worker.connection.recv()
        except (EOFError, OSError) as error:
            self._replace(worker)
            if worker.process.returncode == -signal.SIGABRT:  # an allocation failed
                raise QueryTooLarge(memory_message(self._memory_limit)) from error
            raise StoreError(
                "Der Abfrageprozess ist unerwartet beendet worden; versuchen Sie es erneut. / "
                f"The query process ended unexpectedly ({type(error).__name__})."
            ) from error
        self._give_back(worker)
        if kind == "result":
            return payload
        if kind == "refused":
            raise RefusedRequest(payload, parameter="query")
        if kind == "store-error":
            raise StoreError(payload)
        if kind == "memory-error":
            raise QueryTooLarge(memory_message(self._memory_limit))
        raise QueryError(payload, parameter="query")

    def pids(self) -> list[int]:
        """The idle workers' process ids."""
        with self._lock:
            return [w.process.pid for w in self._idle]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            self._stop(worker)

    def _start(self) -> _Worker:
        ours, theirs = socket.socketpair()
        # the worker imports this package from where the server has it, whatever the cwd
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PACKAGE_ROOT), environment.get("PYTHONPATH", "")])
        )
        with theirs:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    worker_process.__name__,
                    str(theirs.fileno()),
                    self._store_path,
                    str(self._memory_limit),
                    "isolate" if self._isolate else "network",
                ],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=environment,
            )
        return _Worker(process, Connection(ours.detach()))

    def _take(self, store_path: str) -> _Worker:
        """An idle worker that is alive and ready (waiting for a new one's start-up, which
        does not count against the query's time)."""
        while True:
            with self._lock:
                if self._closed:
                    raise StoreError("the query workers are shut down")
                self._store_path = store_path  # where new workers open the store
                worker = self._idle.pop() if self._idle else None
            fresh = worker is None
            if worker is None:
                worker = self._start()
            if worker.process.poll() is None and self._await_ready(worker):
                return worker
            self._discard(worker)
            if fresh:
                raise StoreError(
                    "Der Abfrageprozess ließ sich nicht starten (siehe die Ausgabe des "
                    "Servers). / The query worker did not start; see the server's log."
                )
            # an idle worker that died (killed from outside): take another

    def _await_ready(self, worker: _Worker) -> bool:
        if worker.ready:
            return True
        try:
            if worker.connection.poll(STARTUP_SECONDS):
                message = worker.connection.recv()
                if isinstance(message, tuple) and message[0] == "ready":
                    worker.ready, worker.network_left = True, message[1]
                    self._note_network(worker.network_left)
                    return True
        except (EOFError, OSError):
            pass
        return False

    def _note_network(self, reason: str) -> None:
        if reason and self._isolate and reason != self.network_left:
            print(
                "Warnung: Die Abfrageprozesse laufen mit Netzzugang, da sie sich nicht davon "
                f"trennen ließen ({reason}); es schützt allein die SERVICE-Sperre. / Warning: "
                "the query workers could not leave the network; only the SERVICE guard "
                "protects it.",
                file=sys.stderr,
            )
        self.network_left = reason

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._warm:
                self._idle.append(worker)
                return
        self._stop(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (a runaway query, or one that died) and start a successor in the
        background, so the answer to the request does not wait for it."""
        self._discard(worker)
        threading.Thread(target=self._warm_up, name="ikg-query-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        with self._lock:
            wanted = not self._closed and len(self._idle) < self._warm
        if wanted:
            self._give_back(self._start())

    @staticmethod
    def _discard(worker: _Worker) -> None:
        worker.process.kill()
        worker.process.wait(timeout=10)
        worker.connection.close()

    @staticmethod
    def _stop(worker: _Worker) -> None:
        try:
            worker.connection.send(None)
            worker.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        QueryWorkers._discard(worker)


def _close_if_alive(reference: weakref.ref) -> None:
    workers = reference()
    if workers is not None:
        workers.close()


class WorkerStore:
    """A store for the queries that come from outside (the /sparql endpoint, `ikg sparql`),
    behind the same interface as the store it guards.

    Every query passes the SERVICE guard's decisive check in a worker process. On the embedded
    store it then runs there too, on the build the store's link points to at that moment, and
    is stopped at ``timeout_seconds``; on a remote store it runs on the server (which keeps its
    own HTTP timeout), and only a text with the letters of SERVICE needs a worker first
    (graph.read_only.mentions_service). The other methods run the project's own queries on
    the guarded store directly.

    ``workers`` gives the pool when a query first needs one (the web app keeps one per app);
    without it, the store starts a pool of its own, which ``close`` stops.
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout_seconds: float,
        workers: Callable[[], QueryWorkers] | None = None,
    ) -> None:
        self.store = store
        self.timeout_seconds = timeout_seconds
        #: the store's link (resolved at each query), None for a store the workers cannot open
        self._link = store.path if isinstance(store, EmbeddedStore) else None
        self._given_workers = workers
        self._own_workers: QueryWorkers | None = None
        self._closed = False

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
        timeout_seconds: float | None = None,
    ) -> QueryResult:
        """Run a query as :meth:`EmbeddedStore.query` does, once the guard has passed it;
        ``timeout_seconds`` (default: the store's) bounds the check and, on the embedded
        store, the query. QueryTimeout, QueryTooLarge, RefusedRequest as the pool raises."""
        seconds = self.timeout_seconds if timeout_seconds is None else timeout_seconds
        if self._link is None:
            if mentions_service(sparql):
                self._workers().check(sparql, timeout_seconds=seconds)
            return self.store.query(
                sparql,
                bindings,
                row_cap=row_cap,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
            )
        return self._workers().query(
            self._link.resolve(),
            sparql,
            timeout_seconds=seconds,
            bindings=bindings,
            row_cap=row_cap,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )

    def named_graphs(self) -> list[URIRef]:
        return self.store.named_graphs()

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes:
        return self.store.dump(rdf_format, graph)

    def graph_size(self, graph: URIRef) -> int:
        return self.store.graph_size(graph)

    def quad_count(self) -> int:
        return self.store.quad_count()

    def close(self) -> None:
        """Stop the pool this store started (a pool given to it is its owner's to stop)."""
        self._closed = True
        if self._own_workers is not None:
            self._own_workers.close()

    def _workers(self) -> QueryWorkers:
        if self._given_workers is not None:
            return self._given_workers()
        if self._closed:
            raise StoreError("the query workers are shut down")
        if self._own_workers is None:
            build = None if self._link is None else self._link.resolve()
            self._own_workers = QueryWorkers(build, warm=1)
        return self._own_workers
