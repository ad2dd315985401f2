"""Admission control for /sparql: a few queries run at once, a few wait, the rest are turned
away at once, so the viewer's pages always have threads of their own.

waitress serves every request from one pool of threads, and a SPARQL query holds its thread
for as long as it runs (up to the timeout). Without a limit, four slow queries took all four
threads and the pages waited behind them. Now at most ``running`` queries run, at most
``waiting`` more wait for a slot for a bounded time, counted within the query's timeout, and
any further query gets 503 with ``Retry-After`` at once; ``ikg serve`` gives waitress that
many threads on top of the ones for pages (webapp/serve.py).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from graph.errors import StoreError


class EndpointBusy(StoreError):
    """Every slot for SPARQL queries is taken. 503, with Retry-After."""

    http_status = 503

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Admission:
    """Slots for queries running at once, and room for a few to wait for one."""

    def __init__(self, *, running: int, waiting: int) -> None:
        if running < 1 or waiting < 0:
            raise ValueError("running must be at least 1, waiting at least 0")
        self.running = running
        self.waiting = waiting
        self._slots = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._inside = 0  # running plus waiting

    @contextmanager
    def slot(self, *, wait_seconds: float, retry_after: float) -> Iterator[float]:
        """Hold a slot for the block; yields the seconds spent waiting for it. EndpointBusy
        when running and waiting are full, or no slot came within ``wait_seconds``."""
        with self._lock:
            full = self._inside >= self.running + self.waiting
            if not full:
                self._inside += 1
        if full:
            raise _busy(self, retry_after, waited=None)
        started = time.monotonic()
        try:
            if not self._slots.acquire(timeout=max(wait_seconds, 0)):
                raise _busy(self, retry_after, waited=time.monotonic() - started)
            try:
                yield time.monotonic() - started
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._inside -= 1


def _busy(admission: Admission, retry_after: float, waited: float | None) -> EndpointBusy:
    seconds = max(1, math.ceil(retry_after))
    how = (
        f"nach {waited:.1f} s Wartezeit" if waited is not None else "und die Warteschlange ist voll"
    )
    return EndpointBusy(
        f"Der SPARQL-Endpunkt ist ausgelastet: {admission.running} Abfragen laufen schon, "
        f"{how} (Einstellungen IKG_SPARQL_RUNNING = {admission.running}, IKG_SPARQL_WAITING = "
        f"{admission.waiting}). Bitte in {seconds} s erneut versuchen. / The SPARQL endpoint "
        f"is busy ({admission.running} queries running); retry in {seconds} s.",
        retry_after=seconds,
    )
