"""Queries on the embedded store in worker processes, so a query can be stopped at its timeout.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped from outside; a
process can. Each query is sent to a warm worker process that has the store open read-only;
when no answer comes within the timeout, the worker is killed (SIGKILL also frees whatever the
query had allocated) and a fresh one is started in the background.

A worker is a fresh interpreter running this module (``python -m graph.query_worker``), not a
fork: forking the threaded web server would copy it in the middle of its other threads' work
(locks held, half-written buffers), and multiprocessing's spawn and forkserver start methods
re-import the server's ``__main__`` in every worker, which runs the server again if its script
lacks a ``__main__`` guard. Worker and server talk over a socket pair with multiprocessing's
``Connection`` (pickled messages).

A worker is told the store's folder with every query and reopens the store when the folder
changed (``ikg build`` swaps the store link to a new build; see graph.store).

Within its time a query can also grab memory fast (an ORDER BY over a cross product: some
hundred MB a second), so a worker's data memory is capped (``RLIMIT_DATA``); a query that
passes the cap ends its worker, and the answer says why.

A worker is the place where the SERVICE guard's decisive check runs (graph.read_only: Oxigraph
parses a neutralised copy, which may take as long as a query), and it runs without network
access where the system allows it (graph.isolation): should a query get past the guard, its
SERVICE still cannot reach any host. A worker without a store (``store_path=None``) only
checks queries, for a viewer whose store is a remote SPARQL server.
"""

from __future__ import annotations

import atexit
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from rdflib import URIRef

from graph.errors import IkgError, QueryError, StoreError
from graph.isolation import isolate_network
from graph.read_only import RefusedRequest, confirm_no_service
from graph.store import EmbeddedStore, QueryResult

#: warm workers kept waiting; more are started while more queries run at the same time
WARM_WORKERS = 2
#: a worker's data memory (heap and private mappings); a legitimate query on a graph of
#: millions of triples stays far below it
MEMORY_LIMIT_BYTES = 2 * 1024**3
#: how long a new worker may take to start Python and open the store
STARTUP_SECONDS = 60.0
#: the folder that holds the ``graph`` package
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


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
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult:
        """Run a query on the store at ``store_path`` (a build folder) once the SERVICE guard
        has confirmed it; QueryTimeout when both take longer than ``timeout_seconds``,
        QueryTooLarge past the memory cap, RefusedRequest for a SERVICE, QueryError or
        StoreError as the store raises."""
        options = {
            "row_cap": row_cap, "default_graphs": default_graphs, "named_graphs": named_graphs,
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
                [sys.executable, "-m", "graph.query_worker", str(theirs.fileno()),
                 self._store_path, str(self._memory_limit),
                 "isolate" if self._isolate else "network"],
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


# -- the worker process ------------------------------------------------------------------


def serve(
    connection: Connection, store_path: str, memory_limit_bytes: int, network_left: str = ""
) -> None:
    """A worker's life: cap its memory, open the store (if it has one), say it is ready and
    whether it left the network, then answer queries until told to stop (None) or the server
    is gone."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = memory_limit_bytes if hard == resource.RLIM_INFINITY else min(hard, memory_limit_bytes)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    _exit_with_the_server()
    store: EmbeddedStore | None = None
    opened = ""
    opening_error = ""

    def open_store(path: str) -> None:
        nonlocal store, opened, opening_error
        store, opened, opening_error = None, path, ""
        try:
            store = EmbeddedStore(Path(path))
        except IkgError as error:
            opening_error = str(error)

    if store_path:
        open_store(store_path)
    connection.send(("ready", network_left))
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the server went away
            return
        if request is None:
            return
        path, sparql, options = request
        try:
            confirm_no_service(sparql)
        except RefusedRequest as refusal:
            connection.send(("refused", str(refusal)))
            continue
        except MemoryError:
            connection.send(("memory-error", ""))
            continue
        if path is None:  # only the check was asked for
            connection.send(("result", None))
            continue
        if path != opened:
            open_store(path)
        if store is None:
            connection.send(("store-error", opening_error))
            continue
        try:
            connection.send(("result", store.query(sparql, **options)))
        except StoreError as error:
            connection.send(("store-error", str(error)))
        except IkgError as error:
            connection.send(("query-error", str(error)))
        except MemoryError:  # Python's side ran out; pyoxigraph's side aborts the process
            connection.send(("memory-error", ""))
        except (OSError, ValueError, RuntimeError, TypeError) as error:
            # raised while reading the answer (pyoxigraph evaluates lazily)
            connection.send(("query-error", f"the query failed: {error}"))


def _exit_with_the_server() -> None:
    """End this worker when the server process is gone, even in the middle of a query
    (pyoxigraph releases the GIL while it evaluates, so this thread keeps running)."""
    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="ikg-watch-server", daemon=True).start()


def main() -> None:
    descriptor, store_path, memory_limit, network = sys.argv[1:5]
    # first, while this process has a single thread, as unshare demands
    network_left = isolate_network() if network == "isolate" else "asked to keep it"
    serve(Connection(int(descriptor)), store_path, int(memory_limit), network_left)


if __name__ == "__main__":
    main()
