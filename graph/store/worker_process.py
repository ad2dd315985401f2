"""One query worker process (graph.store.workers starts it as
``python -m graph.store.worker_process``): it leaves the network first, while it has a single
thread (graph.isolation), caps its memory, opens the store and answers queries, each only
once the SERVICE guard's decisive check (graph.read_only.confirm_no_service) has passed.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from graph.errors import IkgError, StoreError
from graph.isolation import isolate_network
from graph.read_only import RefusedRequest, confirm_no_service
from graph.store.embedded import EmbeddedStore


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
