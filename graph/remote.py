"""A remote SPARQL 1.1 server as the store, behind the same interface as the embedded store.

The project's prefixes are declared in front of every query (a query may redeclare them), and
bound values travel as a ``VALUES`` block of properly serialised RDF terms at the head of the
query's outermost group, so they are in scope for every pattern and filter there, as
pyoxigraph's substitutions are on the embedded store.

The server must treat its default graph as the union of the named graphs, as the embedded
store does (Oxigraph: ``--union-default-graph``; Virtuoso does so by default).

The HTTP layer at the end of this module is shared with the update requests of `ikg push`
(graph/sparql_update.py). Credentials go to the configured URL and nowhere else: no redirect
is followed (a redirected POST arrives as a GET without its query or update, and one to
another server would take the credentials along), the ``Authorization`` header is one urllib
never copies onto a redirected request, and credentials written into a URL are refused
before anything is sent and shown as ``***`` in every message.
"""

from __future__ import annotations

import base64
import html
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import HTTPException, InvalidURL

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.namespaces import GRAPH, PREFIXES
from graph.settings import Settings
from graph.sparql_text import query_form, with_values
from graph.store import QueryResult, ntriples_in_graph, to_oxigraph

#: answers that may pass if asked again a moment later
TRANSIENT_STATUSES = {502, 503, 504}
RETRIES = 2
FIRST_BACKOFF_SECONDS = 0.5

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

RESULTS_JSON = "application/sparql-results+json, application/json;q=0.9"
TURTLE = "text/turtle, application/x-turtle;q=0.9"


@dataclass(frozen=True)
class Credentials:
    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Credentials:
        return cls(settings.store_user, settings.store_password, settings.store_token)


class RemoteStore:
    """A SPARQL 1.1 query endpoint opened for reading."""

    def __init__(
        self,
        query_url: str,
        *,
        credentials: Credentials | None = None,
        timeout_seconds: float = 10.0,
        named_by: str = "IKG_STORE, --store",
    ) -> None:
        """``named_by``: where the user gave the URL, for the messages that ask to fix it."""
        self.query_url = query_url
        self.credentials = credentials or Credentials()
        self.timeout_seconds = timeout_seconds
        self.named_by = named_by
        self._opener = sparql_opener()

    @property
    def shown_url(self) -> str:
        """The URL as messages show it (credentials written into it become ``***``)."""
        return shown_url(self.query_url)

    @classmethod
    def from_settings(cls, settings: Settings, query_url: str) -> RemoteStore:
        return cls(
            query_url,
            credentials=Credentials.from_settings(settings),
            timeout_seconds=settings.query_timeout,
        )

    def __repr__(self) -> str:
        return f"RemoteStore({self.shown_url!r})"

    # -- the Store interface ---------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult:
        """Run a read-only query on the server; see :meth:`EmbeddedStore.query`."""
        terms = {name: str(to_oxigraph(value)) for name, value in (bindings or {}).items()}
        text = PROLOGUE + with_values(sparql, terms) if terms else PROLOGUE + sparql
        form = query_form(sparql)
        if form not in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            raise QueryError(
                "only SELECT, ASK, CONSTRUCT and DESCRIBE are run here: the store is read-only"
                if form == "UPDATE"
                else "SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE found"
            )
        body = self._send(
            text,
            form=form,
            default_graphs=default_graphs or [],
            named_graphs=named_graphs or [],
        )
        if form in {"CONSTRUCT", "DESCRIBE"}:
            return _triples_result(body, row_cap, self.shown_url)
        return _solutions_result(body, row_cap, self.shown_url)

    def named_graphs(self) -> list[URIRef]:
        """The project's named graphs on the server (servers keep graphs of their own)."""
        result = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER (STRSTARTS(STR(?g), ?base)) }",
            {"base": Literal(str(GRAPH))},
        )
        return sorted(URIRef(str(row[0])) for row in result.rows)

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes:
        """Serialise the project's graphs (quad formats) or one named graph."""
        if graph is not None:
            if graph not in self.named_graphs():
                raise StoreError(f"the store at {self.shown_url} has no graph {graph}")
            triples = self._graph_ntriples(graph)
            return _reserialise(triples, ox.RdfFormat.N_TRIPLES, rdf_format)
        nquads = "".join(
            ntriples_in_graph(self._graph_ntriples(name).decode("utf-8"), name)
            for name in self.named_graphs()
        ).encode("utf-8")
        return _reserialise(nquads, ox.RdfFormat.N_QUADS, rdf_format)

    def graph_size(self, graph: URIRef) -> int:
        result = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}
        )
        return int(result.rows[0][0])

    def quad_count(self) -> int:
        result = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER (STRSTARTS(STR(?g), ?base)) }",
            {"base": Literal(str(GRAPH))},
        )
        return int(result.rows[0][0])

    # -- HTTP --------------------------------------------------------------------------------

    def _graph_ntriples(self, graph: URIRef) -> bytes:
        result = self.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}
        )
        return result.triples or b""

    def _request(
        self,
        text: str,
        *,
        form: str,
        default_graphs: list[URIRef],
        named_graphs: list[URIRef],
    ) -> urllib.request.Request:
        # SPARQL 1.1 protocol, query via POST with URL-encoded parameters
        fields = [("query", text)]
        fields += [("default-graph-uri", str(graph)) for graph in default_graphs]
        fields += [("named-graph-uri", str(graph)) for graph in named_graphs]
        request = urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode(fields).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": TURTLE if form in {"CONSTRUCT", "DESCRIBE"} else RESULTS_JSON,
                "User-Agent": "integrationsgraph (ikg)",
            },
            method="POST",
        )
        authorize(request, self.credentials)
        return request

    def _send(
        self,
        text: str,
        *,
        form: str,
        default_graphs: list[URIRef],
        named_graphs: list[URIRef],
    ) -> bytes:
        refusal = credentials_in_url(self.query_url, self.named_by)
        if refusal:
            raise StoreError(refusal, http_status=502)
        request = self._request(
            text, form=form, default_graphs=default_graphs, named_graphs=named_graphs
        )
        backoff = FIRST_BACKOFF_SECONDS
        for attempt in range(RETRIES + 1):
            try:
                with self._opener.open(request, timeout=self.timeout_seconds) as response:
                    content_type = response.headers.get("Content-Type", "")
                    body = response.read()
            except Exception as error:  # noqa: BLE001 - translated into one clear message
                problem = self._explain(error)
                if problem.transient and attempt < RETRIES:
                    time.sleep(backoff)
                    backoff *= 2
                    continue
                raise problem.error from error
            if "html" in content_type.lower():
                raise StoreError(
                    f"{self.shown_url} answered with an HTML page instead of SPARQL results: "
                    "check that the URL is the server's SPARQL query endpoint "
                    "(Oxigraph and Fuseki: …/query)",
                    http_status=502,
                )
            return body
        raise AssertionError("unreachable: the loop returns or raises")

    def _explain(self, error: Exception) -> _Problem:
        url = self.shown_url
        if isinstance(error, urllib.error.HTTPError):
            return self._explain_status(error)
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
            return _Problem(
                StoreError(
                    f"{url} did not answer within {self.timeout_seconds:g} s "
                    "(IKG_QUERY_TIMEOUT): the server may be overloaded or the query too costly",
                    http_status=504,
                ),
                transient=True,
            )
        if isinstance(error, urllib.error.URLError) or isinstance(
            reason, OSError | HTTPException | InvalidURL
        ):
            return _Problem(
                StoreError(
                    f"cannot reach {url} ({reason}): check that the SPARQL server runs and "
                    f"that the URL ({self.named_by}) is right",
                    http_status=502,
                ),
                transient=isinstance(reason, ConnectionResetError | HTTPException),
            )
        raise error

    def _explain_status(self, error: urllib.error.HTTPError) -> _Problem:
        url, status = self.shown_url, error.code
        if 300 <= status < 400:
            location = error.headers.get("Location") if error.headers else None
            error.close()
            message = redirect_refusal(self.query_url, status, location, self.named_by)
            return _Problem(StoreError(message, http_status=502))
        page = page_text(error)
        if status in {401, 403}:
            return _Problem(
                StoreError(
                    f"{url} refused the credentials (HTTP {status}): set IKG_STORE_USER and "
                    f"IKG_STORE_PASSWORD, or IKG_STORE_TOKEN, in the environment{page}",
                    http_status=502,
                )
            )
        if status == 400:
            return _Problem(QueryError(f"{url} rejected the query{page}"))
        if status == 404:
            return _Problem(
                StoreError(
                    f"{url} does not exist (HTTP 404): check the SPARQL endpoint's URL "
                    f"({self.named_by}){page}",
                    http_status=502,
                )
            )
        if status == 414:
            return _Problem(StoreError(f"{url}: the request is too long", http_status=502))
        if status >= 500:
            return _Problem(
                StoreError(
                    f"{url} failed with a server error (HTTP {status}){page}", http_status=502
                ),
                transient=status in TRANSIENT_STATUSES,
            )
        return _Problem(
            StoreError(f"{url} turned the query away (HTTP {status}){page}", http_status=502)
        )


@dataclass(frozen=True)
class _Problem:
    error: Exception
    transient: bool = False


# -- answers → QueryResult ---------------------------------------------------------------------


def _solutions_result(body: bytes, row_cap: int | None, url: str) -> QueryResult:
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(
            f"{url} answered with something other than SPARQL JSON results ({error}): check "
            "that the URL is a SPARQL query endpoint",
            http_status=502,
        ) from error
    if "boolean" in answer:
        return QueryResult(boolean=bool(answer["boolean"]))
    try:
        variables = list(answer["head"]["vars"])
        solutions = answer["results"]["bindings"]
    except (KeyError, TypeError) as error:
        raise StoreError(
            f"{url} answered with malformed SPARQL JSON results", http_status=502
        ) from error
    truncated = row_cap is not None and len(solutions) > row_cap
    if truncated:
        solutions = solutions[:row_cap]
    rows = [tuple(_term(solution.get(v)) for v in variables) for solution in solutions]
    return QueryResult(variables=variables, rows=rows, truncated=truncated)


def _term(binding: dict | None) -> Node | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _triples_result(body: bytes, row_cap: int | None, url: str) -> QueryResult:
    try:
        triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise StoreError(
            f"{url} answered with something other than Turtle ({error})", http_status=502
        ) from error
    truncated = row_cap is not None and len(triples) > row_cap
    if truncated:
        triples = triples[:row_cap]
    serialized = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return QueryResult(triples=serialized, truncated=truncated)


def _reserialise(data: bytes, source: ox.RdfFormat, target: ox.RdfFormat) -> bytes:
    if source == target:
        return data
    return ox.serialize(ox.parse(data, format=source), format=target) or b""


# -- HTTP, shared with the update requests (graph/sparql_update.py) ---------------------------

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
