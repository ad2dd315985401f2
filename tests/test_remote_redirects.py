"""Credentials go to the configured server only: a redirect to another origin is refused on
every path to a remote store (reads, `ikg push`'s queries, its updates), and credentials
written into a URL are neither sent nor shown.

Real listeners on loopback: a stand-in that answers with a redirect, and a second one on
another port (another origin) that records every request it gets.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import main
from graph.errors import StoreError
from graph.store import RemoteStore
from graph.store.http import Credentials
from tests.sparql_server import StandIn, StandInAnswer, free_port, standin_server

# tests here start servers of their own on loopback
pytestmark = pytest.mark.server

NO_GRAPHS = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": []}}).encode()
BASIC = {"IKG_STORE_USER": "kim", "IKG_STORE_PASSWORD": "geheim-pw"}
BEARER = {"IKG_STORE_TOKEN": "token-geheim"}
SECRETS = ("geheim-pw", "token-geheim", base64.b64encode(b"kim:geheim-pw").decode())


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IKG_STORE_USER", "IKG_STORE_PASSWORD", "IKG_STORE_TOKEN", "IKG_STORE_UPDATE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def elsewhere() -> Iterator[StandIn]:
    """Another origin (same host, another port): it must never hear from the client."""
    with standin_server([StandInAnswer(body=NO_GRAPHS)]) as listener:
        yield listener


@pytest.fixture
def sparql_answers() -> Iterator[StandIn]:
    """A query endpoint that answers every query with no solutions: no graphs on it."""
    with standin_server([StandInAnswer(body=NO_GRAPHS)]) as listener:
        yield listener


def redirecting(status: int, location: str) -> StandInAnswer:
    return StandInAnswer(status=status, body=b"", headers={"Location": location})


def assert_never_reached(listener: StandIn, result_text: str) -> None:
    assert listener.requests == [], "the redirect was followed"
    assert all("Authorization" not in headers for headers in listener.headers)
    for secret in SECRETS:
        assert secret not in result_text


def assert_refused_as_another_origin(text: str, url: str, target: str) -> None:
    assert f"{url} leitet auf {target} um" in text  # German first …
    assert f"{url} redirects to {target}, another server (HTTP " in text  # … then English
    assert "credentials go only to the configured server" in text


CREDENTIALS = pytest.mark.parametrize("environment", [BASIC, BEARER], ids=["basic", "bearer"])
STATUSES = pytest.mark.parametrize("status", [302, 307])


# -- reads (IKG_STORE=http…) ----------------------------------------------------------------


@CREDENTIALS
@STATUSES
def test_a_read_is_not_redirected_to_another_origin(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    elsewhere: StandIn,
    environment: dict[str, str],
    status: int,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with standin_server([redirecting(status, elsewhere.url)]) as store:
        monkeypatch.setenv("IKG_STORE", store.url)
        result = runner.invoke(main, ["sparql", "ASK {}"])

    assert_never_reached(elsewhere, result.output)
    assert result.exit_code == 2, result.output
    assert_refused_as_another_origin(result.output, store.url, elsewhere.url)
    assert "IKG_STORE" in result.output
    assert len(store.requests) == 1, "a refused redirect is not retried"
    assert store.authorizations[0] is not None  # the configured server did get them


def test_a_read_is_not_redirected_to_another_scheme_of_the_same_host(elsewhere: StandIn) -> None:
    port = elsewhere.url.split(":")[2].split("/")[0]
    target = f"https://127.0.0.1:{port}/query"
    with standin_server([redirecting(301, target)]) as store:
        reader = RemoteStore(store.url, credentials=Credentials(token="token-geheim"))
        with pytest.raises(StoreError, match="another server") as caught:
            reader.query("ASK {}")
    assert target in str(caught.value)
    assert_never_reached(elsewhere, str(caught.value))


def test_a_redirect_on_the_same_server_is_refused_and_names_the_url_to_give(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # not followed either: a redirected POST arrives as a GET without its query, and the
    # update path, where that would lose the data, has never followed one
    monkeypatch.setenv("IKG_STORE_TOKEN", "token-geheim")
    with standin_server([redirecting(302, "/sparql/query")]) as store:
        monkeypatch.setenv("IKG_STORE", store.url)
        result = runner.invoke(main, ["sparql", "ASK {}"])

    target = store.url.removesuffix("/query") + "/sparql/query"
    assert result.exit_code == 2
    assert f"{store.url} redirects to {target} (HTTP 302)" in result.output
    assert f"give {target} instead" in result.output
    assert store.requests == ["POST"]


# -- ikg push --------------------------------------------------------------------------------


def push(runner: CliRunner, store_path: Path, query_url: str, *options: str) -> Result:
    return runner.invoke(
        main, ["push", "--endpoint", query_url, "--store", str(store_path), *options]
    )


@CREDENTIALS
@STATUSES
def test_push_queries_are_not_redirected_to_another_origin(
    runner: CliRunner,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    elsewhere: StandIn,
    environment: dict[str, str],
    status: int,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with standin_server([redirecting(status, elsewhere.url)]) as server:
        result = push(runner, store_path, server.url)

    assert_never_reached(elsewhere, result.output)
    assert result.exit_code == 2, result.output
    assert_refused_as_another_origin(result.output, server.url, elsewhere.url)
    assert "--endpoint" in result.output and "Nothing was changed" in result.output


@CREDENTIALS
@STATUSES
def test_push_updates_are_not_redirected_to_another_origin(
    runner: CliRunner,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sparql_answers: StandIn,
    elsewhere: StandIn,
    environment: dict[str, str],
    status: int,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with standin_server([redirecting(status, elsewhere.url)]) as update:
        result = push(runner, store_path, sparql_answers.url, "--update", update.url)

    assert_never_reached(elsewhere, result.output)
    assert result.exit_code == 2, result.output
    assert_refused_as_another_origin(result.output, update.url, elsewhere.url)
    assert "--update" in result.output and "unchanged on the server" in result.output
    assert update.requests == ["POST"], "a refused redirect is not retried"


# -- credentials written into a URL ------------------------------------------------------------


def test_credentials_in_the_store_url_are_neither_sent_nor_shown(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, sparql_answers: StandIn
) -> None:
    address = sparql_answers.url.removeprefix("http://")
    monkeypatch.setenv("IKG_STORE", f"http://ikg-nutzer:geheim-pw@{address}")
    result = runner.invoke(main, ["sparql", "ASK {}"])

    assert result.exit_code == 2
    assert f"http://***@{address}" in result.output
    assert "IKG_STORE_USER" in result.output and "IKG_STORE_PASSWORD" in result.output
    assert "geheim-pw" not in result.output and "ikg-nutzer" not in result.output
    assert sparql_answers.requests == []


def test_credentials_in_push_urls_are_neither_sent_nor_shown(
    runner: CliRunner, store_path: Path, sparql_answers: StandIn
) -> None:
    address = sparql_answers.url.removeprefix("http://")
    with_credentials = f"http://ikg-nutzer:geheim-pw@{address}"

    by_endpoint = push(runner, store_path, with_credentials)
    by_update = push(runner, store_path, sparql_answers.url, "--update", with_credentials)

    for result in (by_endpoint, by_update):
        assert result.exit_code == 2, result.output
        assert f"http://***@{address}" in result.output
        assert "geheim-pw" not in result.output and "ikg-nutzer" not in result.output
        assert "IKG_STORE_TOKEN" in result.output
    assert "Nothing was changed" in by_endpoint.output
    assert "unchanged on the server" in by_update.output
    # only the update run asked anything, and only at the URL without credentials
    assert all(headers.get("Authorization") is None for headers in sparql_answers.headers)
    assert sparql_answers.requests == ["POST"]


def test_credentials_in_a_redirect_target_are_not_shown(
    runner: CliRunner, store_path: Path
) -> None:
    target = f"http://ikg-nutzer:geheim-pw@127.0.0.1:{free_port()}/query"
    with standin_server([redirecting(302, target)]) as server:
        result = push(runner, store_path, server.url)

    assert result.exit_code == 2
    assert "redirects to http://***@127.0.0.1:" in result.output
    assert "geheim-pw" not in result.output and "ikg-nutzer" not in result.output


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
        ("http://kim:geheim@127.0.0.1:7878/query", "http://***@127.0.0.1:7878/query"),
        ("https://kim@127.0.0.1/query?x=a@b", "https://***@127.0.0.1/query?x=a@b"),
        ("http://kim:ge/he@im@127.0.0.1:7878/query", "http://***@127.0.0.1:7878/query"),
        ("HTTP://kim:geheim@127.0.0.1", "HTTP://***@127.0.0.1"),
    ],
)
def test_a_url_is_shown_without_its_credentials(url: str, shown: str) -> None:
    from graph.store.http import shown_url

    assert shown_url(url) == shown
