"""A real SPARQL 1.1 server for tests: the Oxigraph server from PyPI on a loopback port.

Started by the test setup itself (the ``oxigraph`` package is a test dependency), with the
default graph as the union of the named graphs, as the embedded store queries it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SparqlServer:
    base_url: str
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base_url}/store"


def oxigraph_command() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the 'oxigraph' command is missing: pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def oxigraph_server(location: Path, *, timeout_s: int | None = None) -> Iterator[SparqlServer]:
    """Run ``oxigraph serve`` on a free loopback port until the block ends."""
    port = free_port()
    command = [
        oxigraph_command(),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = SparqlServer(base_url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_answering(server: SparqlServer, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    probe = f"{server.query_url}?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            error = server.process.stderr.read().decode() if server.process.stderr else ""
            raise RuntimeError(f"oxigraph serve exited at start: {error}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError):
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        time.sleep(0.05)
    raise RuntimeError(f"oxigraph serve did not answer on {server.base_url} in {seconds} s")


@dataclass
class StandInAnswer:
    """One scripted answer of a stand-in server: a status, a body, or silence."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/sparql-results+json"
    #: seconds to wait before answering (longer than the client's timeout: never answers)
    delay: float = 0.0
    #: further headers of the answer, such as a redirect's Location
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StandIn:
    url: str
    #: the Authorization header of every request, in order
    authorizations: list[str | None]
    #: how many requests arrived
    requests: list[str]
    #: every header of every request, in order
    headers: list[dict[str, str]] = field(default_factory=list)


@contextlib.contextmanager
def standin_server(answers: list[StandInAnswer]) -> Iterator[StandIn]:
    """A tiny HTTP server that plays a faulty SPARQL server: it gives the scripted answers
    in order (the last one again and again) — 401s, 500s, HTML pages, silence."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen = StandIn(url="", authorizations=[], requests=[])
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.authorizations.append(self.headers.get("Authorization"))
            seen.headers.append(dict(self.headers.items()))
            seen.requests.append(self.command)
            answer = answers[min(len(seen.requests), len(answers)) - 1]
            if answer.delay:
                stop.wait(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = _answer  # noqa: N815 - the names http.server dispatches to

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    seen.url = f"http://127.0.0.1:{server.server_address[1]}/query"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
