"""The HTTP layer of the remote store: its queries (graph.store.remote) and the update requests
of `ikg push` (graph.store.update) both go through it.

Credentials go to the configured URL and nowhere else: no redirect is followed (a redirected
POST arrives as a GET without its query or update, and one to another server would take the
credentials along), the ``Authorization`` header is one urllib never copies onto a redirected
request, and credentials written into a URL are refused before anything is sent and shown as
``***`` in every message.
"""

from __future__ import annotations

import base64
import html
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException

from graph.settings import Settings


@dataclass(frozen=True)
class Credentials:
    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Credentials:
        return cls(settings.store_user, settings.store_password, settings.store_token)


#: the credentials part of a URL: everything between ``scheme://`` and the last ``@`` before
#: the query (a user may write a ``/`` into a password, which ends the host part for urllib)
_CREDENTIALS_IN_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^?#]*@")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def shown_url(url: str) -> str:
    """``url`` as messages show it: credentials written into it become ``***``.

    >>> shown_url("http://kim:geheim@127.0.0.1:7878/query")
    'http://***@127.0.0.1:7878/query'
    """
    return _CREDENTIALS_IN_URL.sub(r"\1***@", url, count=1)


def credentials_in_url(url: str, named_by: str) -> str | None:
    """Why ``url`` is refused before anything is sent, or None: credentials belong in the
    environment, not in a URL that shell history, logs and messages keep."""
    if not _CREDENTIALS_IN_URL.match(url):
        return None
    shown = shown_url(url)
    return (
        f"{shown} enthält Zugangsdaten vor dem @; sie werden weder gesendet noch angezeigt: "
        f"geben Sie die URL ohne sie an ({named_by}) und setzen Sie IKG_STORE_USER und "
        "IKG_STORE_PASSWORD oder IKG_STORE_TOKEN in der Umgebung / "
        f"{shown} holds credentials before the @; they are neither sent nor shown: give the "
        f"URL without them ({named_by}) and set IKG_STORE_USER and IKG_STORE_PASSWORD, or "
        "IKG_STORE_TOKEN, in the environment"
    )


def refused_redirect(error: urllib.error.HTTPError, url: str, named_by: str) -> str:
    """The message for a redirect answer to a request to ``url`` (which is not followed);
    closes the answer."""
    location = error.headers.get("Location") if error.headers else None
    error.close()
    return redirect_refusal(url, error.code, location, named_by)


def redirect_refusal(url: str, status: int, location: str | None, named_by: str) -> str:
    """The message for a redirect, which is never followed (see the module's docstring)."""
    shown = shown_url(url)
    if not location:
        return (
            f"{shown} antwortet mit einer Umleitung ohne Ziel (HTTP {status}): prüfen Sie die "
            f"URL ({named_by}) / {shown} answers with a redirect without a target "
            f"(HTTP {status}): check the URL ({named_by})"
        )
    target = urllib.parse.urljoin(url, location.strip())
    shown_target = shown_url(target)
    if _origin(target) != _origin(url):
        return (
            f"{shown} leitet auf {shown_target} um, einen anderen Server (HTTP {status}); "
            "Zugangsdaten gehen nur an den eingestellten Server, daher wurde der Umleitung "
            f"nicht gefolgt: prüfen Sie die URL ({named_by}) und geben Sie, wenn Sie jenem "
            f"Server trauen, dessen URL an / {shown} redirects to {shown_target}, another "
            f"server (HTTP {status}); credentials go only to the configured server, so the "
            f"redirect was not followed: check the URL ({named_by}) and, if you trust that "
            "server, give its URL instead"
        )
    return (
        f"{shown} leitet auf {shown_target} um (HTTP {status}); Umleitungen werden nicht "
        "verfolgt, da eine umgeleitete POST-Anfrage ohne ihren Inhalt ankäme: geben Sie "
        f"{shown_target} an ({named_by}) / {shown} redirects to {shown_target} "
        f"(HTTP {status}); redirects are not followed, as a redirected POST would arrive "
        f"without its content: give {shown_target} instead ({named_by})"
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def sparql_opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """A urllib opener that follows no redirect: a 3xx answer raises its HTTPError."""
    return urllib.request.build_opener(_NoRedirects, *handlers)


def authorize(
    request: urllib.request.Request, credentials: Credentials, *, basic: bool = True
) -> None:
    """The credentials as a bearer token or (``basic``) HTTP basic, in a header urllib never
    copies onto a redirected request, as its own authentication handlers do."""
    if credentials.token:
        request.add_unredirected_header("Authorization", f"Bearer {credentials.token}")
    elif credentials.user and basic:
        pair = f"{credentials.user}:{credentials.password}".encode()
        value = "Basic " + base64.b64encode(pair).decode("ascii")
        request.add_unredirected_header("Authorization", value)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


def page_text(error: urllib.error.HTTPError) -> str:
    """What the server said, briefly: an HTML error page by its title (or text), else the
    first few hundred characters of the answer."""
    try:
        body = error.read(64 * 1024).decode("utf-8", errors="replace")
        error.close()
    except (OSError, HTTPException, AttributeError, ValueError):
        # urllib's digest handler raises HTTPErrors without a body to read
        return ""
    content_type = error.headers.get("Content-Type", "") if error.headers else ""
    if "html" in content_type.lower() or body.lstrip().lower().startswith(("<!doctype", "<html")):
        title = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", body)
        text = " ".join(html.unescape(text).split())
        if not text:
            return ""
        return f" — the server sent an HTML page instead of a SPARQL answer: {text[:200]!r}"
    text = " ".join(body.split())
    return f": {text[:300]}" if text else ""
