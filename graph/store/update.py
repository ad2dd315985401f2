"""SPARQL 1.1 update requests to a server, with retries and failures that say what to check.

Used by `ikg push` (graph.store.push). Transient failures — connection reset or lost, HTTP
502/503/504, the client's timeout — are retried up to ``retries`` times after 0.5 s, 1 s,
2 s … (or the server's ``Retry-After``, at most 30 s), each retry reported through
``on_retry``. Every other failure raises :class:`UpdateFailed` with a message that names the
URL and what to check. HTTP goes through the layer the queries use (graph.store.http),
so credentials reach the configured URL only: no redirect is followed.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException, InvalidURL

from graph.errors import StoreError
from graph.store.http import (
    Credentials,
    authorize,
    credentials_in_url,
    page_text,
    refused_redirect,
    shown_url,
    sparql_opener,
)

#: where the user gives the update URL, for the messages that ask to fix it
NAMED_BY = "--update, IKG_STORE_UPDATE"

#: How often a transient failure is retried (`ikg push --retries`).
DEFAULT_RETRIES = 3
FIRST_BACKOFF_SECONDS = 0.5
MAX_RETRY_AFTER_SECONDS = 30.0
#: Answers that may pass if asked again a moment later.
TRANSIENT_STATUSES = {502, 503, 504}


class UpdateEndpoint:
    """Sends SPARQL 1.1 update requests (POST, ``application/sparql-update``) with retries.

    Plain urllib, as the queries: the push must tell the failures apart by HTTP status,
    content type and ``Retry-After`` to retry the right ones and explain the rest.

    Credentials: a bearer token, or a user and password sent as HTTP basic. A server that
    turns basic away with 401 is asked once more by challenge and response, which also covers
    HTTP digest (Virtuoso's ``/sparql-auth``); if that works, the push goes on that way.
    """

    def __init__(
        self,
        url: str,
        *,
        credentials: Credentials,
        timeout_seconds: float,
        retries: int = DEFAULT_RETRIES,
        on_retry: Callable[[str], None] | None = None,
        backoff_seconds: float = FIRST_BACKOFF_SECONDS,
    ) -> None:
        self.url = url
        self.credentials = credentials
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.on_retry = on_retry
        self.backoff_seconds = backoff_seconds
        self.requests = 0
        self.retried = 0
        # no redirects: urllib would turn a redirected POST into a GET without the update,
        # and one to another server would take the credentials along
        self._opener = sparql_opener()
        self._by_challenge = False

    def run(self, update: str, *, retries: int | None = None) -> None:
        """Send one update request; raise StoreError with what to check if it fails."""
        retries = self.retries if retries is None else retries
        refusal = credentials_in_url(self.url, NAMED_BY)
        if refusal:
            raise UpdateFailed(refusal, refused=True)
        delay = self.backoff_seconds
        for attempt in range(retries + 1):
            self.requests += 1
            try:
                self._send(update.encode("utf-8"))
                return
            except Exception as error:  # noqa: BLE001 - every kind becomes one clear message
                problem = self._explain(error)
                if not problem.transient or attempt == retries:
                    raise UpdateFailed(problem.message, refused=problem.refused) from error
                wait = problem.retry_after if problem.retry_after is not None else delay
                self.retried += 1
                if self.on_retry is not None:
                    self.on_retry(
                        f"{problem.message} — retry {attempt + 1} of {retries} in {wait:g} s"
                    )
                time.sleep(wait)
                delay *= 2
        raise AssertionError("unreachable: the loop returns or raises")

    def _request(self, body: bytes, *, preemptive: bool) -> urllib.request.Request:
        headers = {
            "Content-Type": "application/sparql-update; charset=utf-8",
            # servers answer an update with a status message; ask for it in JSON, not HTML
            "Accept": "application/sparql-results+json, application/json;q=0.9, */*;q=0.1",
            "User-Agent": "integrationsgraph (ikg push)",
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        authorize(request, self.credentials, basic=preemptive)
        return request

    def _send(self, body: bytes) -> None:
        timeout = self.timeout_seconds
        if self._by_challenge:
            request = self._request(body, preemptive=False)
            self._read(self._challenge_opener().open(request, timeout=timeout))
            return
        try:
            response = self._opener.open(self._request(body, preemptive=True), timeout=timeout)
        except urllib.error.HTTPError as error:
            credentials = self.credentials
            if error.code != 401 or not credentials.user or credentials.token:
                raise
            error.close()
            request = self._request(body, preemptive=False)
            response = self._challenge_opener().open(request, timeout=timeout)
            self._by_challenge = True
        self._read(response)

    @staticmethod
    def _read(response) -> None:
        with response:
            response.read()

    def _challenge_opener(self) -> urllib.request.OpenerDirector:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        credentials = self.credentials
        passwords.add_password(None, self.url, credentials.user, credentials.password)
        return sparql_opener(
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        )

    @property
    def shown_url(self) -> str:
        """The URL as messages show it (credentials written into it become ``***``)."""
        return shown_url(self.url)

    def _explain(self, error: Exception) -> _Problem:
        url = self.shown_url
        if isinstance(error, urllib.error.HTTPError):
            return self._explain_status(error)
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, TimeoutError):
            return _Problem(
                f"{url} did not answer within {self.timeout_seconds:g} s: the server "
                "may be overloaded or the request too large — allow more time with --timeout "
                "or IKG_QUERY_TIMEOUT, or send smaller requests with --chunk-triples",
                transient=True,
            )
        if isinstance(reason, ConnectionRefusedError):
            return _Problem(
                f"nothing answers at {url} (connection refused): check that the SPARQL server "
                f"runs and that host and port of the URL ({NAMED_BY}) are right",
                refused=True,
            )
        if isinstance(reason, socket.gaierror):
            return _Problem(
                f"cannot find the host of {url} ({reason.strerror}): check the URL and the "
                "name service",
                refused=True,
            )
        if isinstance(reason, ConnectionError | HTTPException):
            return _Problem(
                f"the connection to {url} broke off ({type(reason).__name__}): the server "
                "may have stopped or restarted",
                transient=True,
            )
        if isinstance(error, urllib.error.URLError | OSError | InvalidURL):
            return _Problem(f"cannot talk to {url} ({reason}): check the URL and the server")
        raise error

    def _explain_status(self, error: urllib.error.HTTPError) -> _Problem:
        url, status = self.shown_url, error.code
        if 300 <= status < 400:
            return _Problem(refused_redirect(error, self.url, NAMED_BY), refused=True)
        page = page_text(error)
        if status in {401, 403}:
            return _Problem(
                f"{url} refused the credentials (HTTP {status}): check IKG_STORE_USER and "
                "IKG_STORE_PASSWORD, or IKG_STORE_TOKEN, in the environment, and that this "
                f"account may write to the server{page}",
                refused=True,
            )
        if status == 404:
            return _Problem(
                f"{url} has no SPARQL update endpoint (HTTP 404): give the server's update URL "
                f"with --update or IKG_STORE_UPDATE{page}",
                refused=True,
            )
        if status == 413:
            return _Problem(
                f"{url} found the request too large (HTTP 413): lower --chunk-triples{page}",
                refused=True,
            )
        if status in TRANSIENT_STATUSES:
            return _Problem(
                f"{url} is unavailable (HTTP {status}){page}",
                transient=True,
                retry_after=_retry_after(error.headers.get("Retry-After")),
            )
        if status >= 500:
            return _Problem(f"{url} failed with a server error (HTTP {status}){page}")
        return _Problem(f"{url} rejected the update (HTTP {status}){page}", refused=True)


@dataclass(frozen=True)
class _Problem:
    message: str
    transient: bool = False
    retry_after: float | None = None
    #: the request cannot have changed anything: the server turned it away unrun (HTTP 4xx),
    #: or it never reached a server (connection refused, unknown host)
    refused: bool = False


class UpdateFailed(StoreError):
    """An update request failed; ``refused`` when it cannot have changed anything (turned
    away unrun with HTTP 4xx, or never reached a server)."""

    def __init__(self, message: str, *, refused: bool) -> None:
        super().__init__(message, http_status=502)
        self.refused = refused


def _retry_after(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit():
        return None
    return min(float(value.strip()), MAX_RETRY_AFTER_SECONDS)
