"""The worker processes behind the /sparql endpoint (graph.store.workers), used directly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import QueryError, StoreError
from graph.store.workers import QueryTimeout, QueryTooLarge, QueryWorkers

# worker processes are started, killed and timed out here
pytestmark = pytest.mark.slow

# the municipalities with their own data (a partner municipality states no ikg:fictional)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a ikg:Municipality ; ikg:fictional ?f }"


@pytest.fixture(scope="module")
def workers(store_path: Path) -> Iterator[QueryWorkers]:
    pool = QueryWorkers(store_path.resolve())
    yield pool
    pool.close()


def test_answers_as_the_store_does(workers, store_path, embedded_store):
    result = workers.query(store_path.resolve(), COUNT, timeout_seconds=30)
    assert result.rows == embedded_store.query(COUNT).rows
    assert str(result.rows[0][0]) == "3"


def test_errors_come_back_as_the_stores_errors(workers, store_path, tmp_path):
    with pytest.raises(QueryError, match="syntax error"):
        workers.query(store_path.resolve(), "SELECT ?x WHERE { ?x }", timeout_seconds=30)
    with pytest.raises(StoreError, match="ikg build"):
        workers.query(tmp_path / "nothing", COUNT, timeout_seconds=30)
    assert workers.query(store_path.resolve(), COUNT, timeout_seconds=30).rows  # still fine


def test_an_idle_worker_killed_from_outside_is_replaced(workers, store_path):
    for pid in workers.pids():
        os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    time.sleep(0.3)
    result = workers.query(store_path.resolve(), COUNT, timeout_seconds=30)
    assert str(result.rows[0][0]) == "3"


def test_the_timeout_kills_the_worker(workers, store_path):
    before = set(workers.pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="IKG_QUERY_TIMEOUT = 1 s"):
        workers.query(
            store_path.resolve(),
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d",
            timeout_seconds=1,
        )
    assert time.monotonic() - started < 1 + 3
    gone = before - set(workers.pids())
    assert gone and not any(Path(f"/proc/{pid}").exists() for pid in gone)


def test_a_query_that_grabs_too_much_memory_is_stopped(store_path):
    """An ORDER BY over a cross product fills memory fast; the worker's cap stops it long
    before the timeout, the answer says why, and the next query is answered."""
    build = store_path.resolve()
    pool = QueryWorkers(build, warm=1, memory_limit_bytes=400 * 1024**2)
    try:
        assert str(pool.query(build, COUNT, timeout_seconds=30).rows[0][0]) == "3"
        started = time.monotonic()
        with pytest.raises(QueryTooLarge, match="400 MB"):
            pool.query(
                build, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", timeout_seconds=120
            )
        assert time.monotonic() - started < 60
        assert str(pool.query(build, COUNT, timeout_seconds=30).rows[0][0]) == "3"
    finally:
        pool.close()


def test_a_worker_ends_with_its_server_even_in_the_middle_of_a_query(store_path):
    """A server killed outright (no clean-up) leaves no worker burning CPU."""
    script = textwrap.dedent(f"""
        from pathlib import Path
        from graph.store.workers import QueryWorkers
        build = Path({str(store_path.resolve())!r})
        pool = QueryWorkers(build, warm=1)
        print(*pool.pids(), flush=True)
        pool.query(build, "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}",
                   timeout_seconds=600)
    """)
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as server:
        try:
            worker = int(server.stdout.readline())
            time.sleep(3)  # the worker has started the endless query
            assert Path(f"/proc/{worker}").exists()
        finally:
            server.kill()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{worker}").exists()
