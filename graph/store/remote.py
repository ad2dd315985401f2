"""A remote SPARQL 1.1 server as the store, behind the same interface as the embedded store.

The project's prefixes are declared in front of every query (a query may redeclare them), and
bound values travel as a ``VALUES`` block of properly serialised RDF terms at the head of the
query's outermost group, so they are in scope for every pattern and filter there, as
pyoxigraph's substitutions are on the embedded store.

The server must treat its default graph as the union of the named graphs, as the embedded
store does (Oxigraph: ``--union-default-graph``; Virtuoso does so by default).

HTTP goes through graph.store.http, which the update requests of `ikg push` share: credentials
reach the configured URL only, and no redirect is followed.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.client import HTTPException, InvalidURL

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.namespaces import GRAPH, PREFIXES
from graph.settings import Settings
from graph.sparql_text import query_form, with_values
from graph.store.http import (
    Credentials,
    authorize,
    credentials_in_url,
    page_text,
    refused_redirect,
    shown_url,
    sparql_opener,
)
from graph.store.interface import XSD_STRING, QueryResult, ntriples_in_graph, to_oxigraph

#: answers that may pass if asked again a moment later
TRANSIENT_STATUSES = {502, 503, 504}
RETRIES = 2
FIRST_BACKOFF_SECONDS = 0.5

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())

RESULTS_JSON = "application/sparql-results+json, application/json;q=0.9"
TURTLE = "text/turtle, application/x-turtle;q=0.9"


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
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), ?base)) }",
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
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
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
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
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
            message = refused_redirect(error, self.query_url, self.named_by)
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
    if datatype and datatype != XSD_STRING:
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
