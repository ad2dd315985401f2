"""The second wall behind the SERVICE guard: query workers without network access
(graph.isolation), shown with a real worker whose guard is switched off."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from multiprocessing.connection import Connection
from pathlib import Path

from graph.store.workers import PACKAGE_ROOT, QueryWorkers


def _python(code: str, *, pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
    environment = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        pass_fds=pass_fds,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_isolated_process_cannot_connect_even_to_loopback(listener):
    port = listener.port
    process = _python(f"""
        import socket
        from graph.isolation import isolate_network
        print(repr(isolate_network()))
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2)
            print("connected")
        except OSError as error:
            print("refused:", error)
        """)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    said, outcome = out.splitlines()
    assert said == "''"  # it worked here; the README says where it cannot
    assert outcome.startswith("refused:") and "unreachable" in outcome
    assert listener.received == []


def test_a_worker_whose_guard_is_switched_off_still_cannot_call_a_service(
    listener, store_path: Path
):
    """A real worker process (graph.store.worker_process.main: isolation first, then serve),
    with the SERVICE guard replaced by one that lets everything through, as a bypass would."""
    port = listener.port
    ours, theirs = socket.socketpair()
    with theirs:
        process = _python(
            f"""
            import sys
            import graph.store.worker_process as worker
            worker.confirm_no_service = lambda text: None  # a guard that a query got past
            sys.argv = ["worker", "{theirs.fileno()}", {str(store_path.resolve())!r},
                        str(2 * 1024**3), "isolate"]
            worker.main()
            """,
            pass_fds=(theirs.fileno(),),
        )
    connection = Connection(ours.detach())
    try:
        assert connection.poll(60)
        assert connection.recv() == ("ready", "")  # it left the network
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        connection.send((str(store_path.resolve()), query, {}))
        assert connection.poll(30)
        kind, message = connection.recv()
        connection.send(None)
    finally:
        connection.close()
        process.communicate(timeout=30)
    assert kind == "query-error" and "unreachable" in message.lower()
    assert listener.received == []


def test_the_pools_workers_live_in_a_network_namespace_of_their_own(store_path: Path):
    workers = QueryWorkers(store_path.resolve(), warm=1)
    try:
        workers.query(store_path.resolve(), "ASK { ?s ?p ?o }", timeout_seconds=60)
        assert workers.network_left == ""
        (pid,) = workers.pids()
        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    finally:
        workers.close()


def test_workers_asked_to_keep_the_network_share_ours(store_path: Path):
    """The switch the guard-only tests use does what it says (so those tests test the guard)."""
    workers = QueryWorkers(store_path.resolve(), warm=1, isolate=False)
    try:
        workers.query(store_path.resolve(), "ASK { ?s ?p ?o }", timeout_seconds=60)
        (pid,) = workers.pids()
        assert os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
    finally:
        workers.close()
