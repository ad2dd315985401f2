"""A loopback port that records every connection made to it: the target a SERVICE clause (or
a redirect) must never reach."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest


@dataclass
class Listener:
    port: int
    #: what each connection sent first (b"" when it sent nothing within a second); a
    #: connection is recorded before it is closed, so a client that saw it closed finds it
    #: counted
    received: list[bytes] = field(default_factory=list)

    def url(self, path: str = "/sparql") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    recorded = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    recorded.received.append(connection.recv(4096))
                except OSError:
                    recorded.received.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield recorded
    stop.set()
    thread.join(timeout=2)
    server.close()
