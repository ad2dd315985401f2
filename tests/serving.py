"""The viewer under waitress on a free loopback port, as `ikg serve` runs it: the one way a
test serves the app (a test that does is a ``server`` test; see tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask

from webapp import create_app
from webapp.serve import thread_count
from webapp.sparql import close_query_workers


@dataclass(frozen=True)
class Served:
    app: Flask
    #: the server's root, without a trailing slash
    base: str

    @property
    def url(self) -> str:
        """The /sparql address."""
        return f"{self.base}/sparql"


@contextmanager
def serve(config: dict[str, Any], *, page_threads: int = 4) -> Iterator[Served]:
    """The app in a thread until the block ends, with as many threads as `ikg serve` gives
    it (pages plus the /sparql slots)."""
    from waitress import wasyncore
    from waitress.server import create_server

    app = create_app(config)
    threads = thread_count(
        page_threads, int(app.config["SPARQL_RUNNING"]), int(app.config["SPARQL_WAITING"])
    )
    # poll(), not select(): a socket closed during shutdown is then reported, not an error
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, asyncore_use_poll=True)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Served(app, f"http://127.0.0.1:{server.effective_port}")
    finally:
        # let answers in flight finish (they still pull the server's trigger), then close
        # the server and every connection, which ends its loop
        server.task_dispatcher.shutdown(timeout=10)
        server.close()
        wasyncore.close_all(server._map)
        thread.join(timeout=10)
        close_query_workers(app)
