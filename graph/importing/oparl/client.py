"""Reading one OParl server politely: one GET at a time, a pause between requests, a timeout,
bounded retries with backoff, a cap on the size of an answer.

Built on urllib rather than a new dependency: the requests are plain GETs of JSON, and what
an HTTP library would add (timeouts, no blind redirects) takes a few lines here. Redirects
are followed only within the server the import was started on (same scheme, host and port),
at most a few times: an OParl server may move a path (``/oparl`` → ``/oparl/``), but a
redirect to another host would send the crawl somewhere nobody asked it to go. Every URL the
crawl reads must be on that same server, for the same reason.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from http.client import HTTPException, InvalidURL
from typing import Any

from graph.errors import IkgError

#: redirects followed within the server for one request
MOST_REDIRECTS = 5
#: answers worth asking again: the server is busy or restarting
RETRIED_STATUSES = {429, 500, 502, 503, 504}
#: answers that say a referenced object is not there: counted, not fatal
GONE_STATUSES = {404, 410}
#: longest pause a server's Retry-After may ask for before the crawl gives up waiting
LONGEST_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class ClientSettings:
    """The politeness and fault settings of the OParl crawl, overridable from the
    environment (each is documented in the README, "Settings")."""

    #: Seconds one request may take (connecting, and each wait for more of the answer).
    timeout: float = field(default=20.0, metadata={"env": "IKG_OPARL_TIMEOUT"})
    #: How often a request that timed out or got a 5xx/429 answer is tried again.
    retries: int = field(default=3, metadata={"env": "IKG_OPARL_RETRIES"})
    #: Seconds before the first retry; each further retry waits twice as long.
    backoff: float = field(default=1.0, metadata={"env": "IKG_OPARL_BACKOFF"})
    #: Seconds between two requests, so a council's server is not hurried.
    delay: float = field(default=0.2, metadata={"env": "IKG_OPARL_DELAY"})
    #: Most bytes one answer may have (a page of a list included).
    max_bytes: int = field(default=20_000_000, metadata={"env": "IKG_OPARL_MAX_BYTES"})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ClientSettings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for setting in fields(cls):
            name = setting.metadata["env"]
            if environ.get(name, "") != "":
                kind = type(setting.default)
                try:
                    values[setting.name] = kind(environ[name])
                except ValueError:
                    raise OParlError(
                        f"{name}={environ[name]!r} ist keine Zahl: setzen Sie z. B. "
                        f"{name}={setting.default} / {name}={environ[name]!r} is not a number: "
                        f"set e.g. {name}={setting.default}"
                    ) from None
        return cls(**values)


def environment_variables() -> list[str]:
    """The names of the crawl's settings in the environment (for the documentation test)."""
    return [setting.metadata["env"] for setting in fields(ClientSettings)]


class OParlError(IkgError):
    """The OParl server could not be read as needed: the import stops and writes nothing."""

    exit_code = 2


class Gone(Exception):
    """A referenced object answered 404 or 410 (or lives on another server)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class Answer:
    url: str
    body: bytes
    #: the server's clock when it answered (its Date header), if it sent one
    date: datetime | None


class Client:
    """GETs JSON from one OParl server, counting requests and the time spent waiting."""

    def __init__(self, start_url: str, settings: ClientSettings) -> None:
        self.origin = origin(start_url)
        self.settings = settings
        self.requests = 0
        self.seconds_waiting = 0.0
        #: seconds paused between requests (the delay setting) and before retries
        self.seconds_pausing = 0.0
        self._opener = urllib.request.build_opener(_NoRedirects)
        self._last_request: float | None = None

    def is_on_server(self, url: str) -> bool:
        return origin(url) == self.origin

    def get_json(self, url: str) -> tuple[Any, bytes, datetime | None]:
        """The decoded JSON at ``url``, the bytes received, and the server's Date.

        Raises Gone for 404/410 and OParlError for everything that stops the crawl."""
        answer = self.get(url)
        try:
            return json.loads(answer.body), answer.body, answer.date
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise OParlError(
                f"{url} antwortet nicht mit JSON ({error}); der Import bricht ab, es wurde "
                f"nichts geschrieben / {url} does not answer with JSON ({error}); the import "
                "stops, nothing was written"
            ) from None

    def get(self, url: str) -> Answer:
        requested = requestable(url)
        if requested is None:
            raise Gone(url, "keine gültige http(s)-Adresse")
        if not self.is_on_server(requested):
            raise Gone(url, f"auf einem anderen Server als {_shown_origin(self.origin)}")
        attempt = 0
        while True:
            try:
                return self._get_following(requested)
            except _Retryable as retryable:
                if attempt >= self.settings.retries:
                    raise OParlError(
                        f"{url}: {retryable.reason}, auch nach {attempt + 1} Versuchen; der "
                        "Import bricht ab, es wurde nichts geschrieben (IKG_OPARL_TIMEOUT, "
                        f"IKG_OPARL_RETRIES) / {url}: {retryable.reason_en}, also after "
                        f"{attempt + 1} attempts; the import stops, nothing was written"
                    ) from None
                pause = self.settings.backoff * 2**attempt
                if retryable.retry_after is not None:
                    pause = max(pause, min(retryable.retry_after, LONGEST_RETRY_AFTER))
                time.sleep(pause)
                self.seconds_pausing += pause
                attempt += 1

    def _get_following(self, url: str) -> Answer:
        target = url
        for _ in range(MOST_REDIRECTS + 1):
            answer = self._get_once(target)
            if isinstance(answer, Answer):
                return answer
            location = urllib.parse.urljoin(target, answer)
            if not self.is_on_server(location):
                raise OParlError(
                    f"{target} leitet auf {location} um, einen anderen Server; der Umleitung "
                    "wird nicht gefolgt: geben Sie, wenn Sie jenem Server trauen, dessen URL "
                    f"an / {target} redirects to {location}, another server; the redirect is "
                    "not followed: if you trust that server, give its URL instead"
                )
            target = location
        raise OParlError(
            f"{url}: mehr als {MOST_REDIRECTS} Umleitungen / more than {MOST_REDIRECTS} redirects"
        )

    def _get_once(self, url: str) -> Answer | str:
        """The answer, or the Location of a redirect."""
        self._pause()
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": "ikg-import-oparl"}
        )
        started = time.monotonic()
        self.requests += 1
        try:
            try:
                response = self._opener.open(request, timeout=self.settings.timeout)
            except urllib.error.HTTPError as error:
                return self._refused(url, error)
            with response:
                body = self._read_capped(url, response, started)
                return Answer(url, body, _date_of(response.headers.get("Date")))
        except (InvalidURL, UnicodeError, ValueError) as error:
            # an address even percent-encoding could not mend: no object can be read there
            raise Gone(url, f"keine gültige Adresse ({error.__class__.__name__})") from None
        except TimeoutError:
            raise _Retryable(
                f"keine Antwort binnen {self.settings.timeout:g} s",
                f"no answer within {self.settings.timeout:g} s",
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise _Retryable(
                    f"keine Antwort binnen {self.settings.timeout:g} s",
                    f"no answer within {self.settings.timeout:g} s",
                ) from None
            raise OParlError(
                f"{url} ist nicht erreichbar ({reason}); der Import bricht ab, es wurde nichts "
                f"geschrieben / {url} cannot be reached ({reason}); the import stops, nothing "
                "was written"
            ) from None
        except (ConnectionError, HTTPException) as error:
            # a connection reset or a truncated answer: the server is restarting or overloaded
            raise _Retryable(
                f"Verbindung abgebrochen ({error.__class__.__name__})",
                f"connection broken ({error.__class__.__name__})",
            ) from None
        finally:
            self.seconds_waiting += time.monotonic() - started
            self._last_request = time.monotonic()

    def _refused(self, url: str, error: urllib.error.HTTPError) -> str:
        status = error.code
        location = error.headers.get("Location") if error.headers else None
        retry_after = _seconds(error.headers.get("Retry-After")) if error.headers else None
        error.close()
        if 300 <= status < 400 and location:
            return location.strip()
        if status in GONE_STATUSES:
            raise Gone(url, f"HTTP {status}")
        if status in RETRIED_STATUSES:
            raise _Retryable(f"HTTP {status}", f"HTTP {status}", retry_after)
        raise OParlError(
            f"{url} antwortet mit HTTP {status}; der Import bricht ab, es wurde nichts "
            f"geschrieben / {url} answers with HTTP {status}; the import stops, nothing was "
            "written"
        )

    def _read_capped(self, url: str, response: Any, started: float) -> bytes:
        cap = self.settings.max_bytes
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            if size > cap:
                raise OParlError(
                    f"{url} antwortet mit mehr als {cap} Bytes (IKG_OPARL_MAX_BYTES); der "
                    f"Import bricht ab / {url} answers with more than {cap} bytes "
                    "(IKG_OPARL_MAX_BYTES); the import stops"
                )
            # the socket timeout bounds each wait; this bounds a server that trickles
            if time.monotonic() - started > 4 * self.settings.timeout:
                raise TimeoutError
            chunks.append(chunk)
        return b"".join(chunks)

    def _pause(self) -> None:
        if self._last_request is None or self.settings.delay <= 0:
            return
        remaining = self.settings.delay - (time.monotonic() - self._last_request)
        if remaining > 0:
            time.sleep(remaining)
            self.seconds_pausing += remaining


class _Retryable(Exception):
    def __init__(self, reason: str, reason_en: str, retry_after: float | None = None) -> None:
        self.reason = reason
        self.reason_en = reason_en
        self.retry_after = retry_after
        super().__init__(reason_en)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPErrors; Client decides which to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


#: what may stand unencoded in a URL (RFC 3986 reserved and unreserved characters, and %)
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def requestable(url: str) -> str | None:
    """``url`` as it can be requested: spaces, umlauts and other characters that real council
    systems leave in their URLs percent-encoded; None for what is no http(s) URL at all (a
    broken host such as ``http://[::1``, a control character).

    >>> requestable("https://ris.example.org/oparl/meeting/über 1")
    'https://ris.example.org/oparl/meeting/%C3%BCber%201'
    >>> requestable("http://[::1") is None, requestable("ftp://ris.example.org/") is None
    (True, True)
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urllib.parse.quote(url, safe=_URL_SAFE)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of ``url``: what "the same server" means here.

    >>> origin("https://RIS.example.org/oparl/body/1") == origin("https://ris.example.org:443/")
    True
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def _shown_origin(server: tuple[str, str, int | None]) -> str:
    scheme, host, port = server
    return f"{scheme}://{host}:{port}"


def _date_of(header: str | None) -> datetime | None:
    if not header:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(header: str | None) -> float | None:
    try:
        return float(header) if header else None
    except ValueError:
        return None
