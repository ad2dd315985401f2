"""The SERVICE guard through the running server: generated SERVICE variants sent to /sparql by
GET and by POST; a real listener on loopback must see no request from any of them.

The workers are left on the network here (QUERY_ISOLATION False), so the guard alone is what
keeps the listener quiet; tests/test_isolation.py shows the other wall on its own.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service_variants import calling, harmless
from tests.serving import Served, serve

# tests here start servers of their own on loopback
pytestmark = pytest.mark.server

VARIANTS = 120


@pytest.fixture(scope="module")
def guard_only(store_path: Path) -> Iterator[Served]:
    with serve({"STORE": str(store_path), "QUERY_ISOLATION": False}) as served:
        yield served


def _send(url: str, query: str, method: str) -> tuple[int, dict]:
    if method == "GET":
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': query})}")
    else:
        request = urllib.request.Request(
            url,
            data=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query"},
            method="POST",
        )
    request.add_header("Accept", "application/sparql-results+json, text/turtle;q=0.9")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            is_json = response.headers.get_content_type().endswith("json")
            return response.status, json.loads(body) if is_json else {"body": body}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_generated_service_variant_reaches_the_listener(guard_only, listener, method):
    statuses = {}
    for query in calling(listener.url(), VARIANTS):
        status, body = _send(guard_only.url, query, method)
        statuses[status] = statuses.get(status, 0) + 1
        assert status == 403, (query, body)
        assert body["error"]["message"].startswith("SERVICE")
    time.sleep(0.3)
    assert listener.received == []
    assert statuses == {403: VARIANTS}


def test_the_listener_would_have_heard_an_unguarded_call(listener):
    """The test above can fail: with the same listener, Oxigraph unguarded does call it."""
    import pyoxigraph as ox

    query = f"SELECT * WHERE {{ SERVICE <{listener.url()}> {{ ?s ?p ?o }} }}"
    with pytest.raises(OSError):
        list(ox.Store().query(query))
    assert listener.received and listener.received[0].startswith(b"POST /sparql")


def test_queries_that_only_mention_service_are_answered(guard_only):
    for query in harmless(20):
        status, body = _send(guard_only.url, query, "POST")
        assert status == 200, (query, body)
