"""The SPARQL 1.1 Protocol side of /sparql: reading a request and choosing the answer format.

A query comes by GET ``?query=``, by POST of a form (``query=``) or by POST of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` (repeatable) set
the dataset. The format follows the Accept header, unless a ``format`` parameter names one
this kind of answer has: ``json``, ``xml``, ``csv``, ``tsv`` for SELECT/ASK; ``turtle``,
``ntriples``, ``jsonld``, ``rdfxml`` for CONSTRUCT/DESCRIBE (or one of the media types).
Other ``format`` values are ignored, not refused: clients such as SPARQLWrapper send
``format``/``output`` hints meant for other servers (``format=n3``, ``format=rdf+xml`` …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, current_app, request
from rdflib import URIRef

from graph.errors import QueryError
from graph.namespaces import municipality_graph
from graph.read_only import RefusedRequest, update_refusal
from graph.result_formats import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    GraphFormat,
    ResultsFormat,
    write_graph,
)
from graph.store import QueryResult

#: longer query texts are refused (413); the named queries are a few thousand characters
MAX_QUERY_CHARACTERS = 100_000

#: names and media types → results format; the first media type is the default for */*
RESULTS_NAMES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
}
#: names and media types → graph format; the first media type is the default for */*
GRAPH_NAMES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/json": "jsonld",
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",  # Turtle is N3
    "ntriples": "ntriples",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}
RESULTS_MEDIA_TYPES = [name for name in RESULTS_NAMES if "/" in name]
GRAPH_MEDIA_TYPES = [name for name in GRAPH_NAMES if "/" in name]
HTML_TYPES = ("text/html", "application/xhtml+xml")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


class NotAcceptable(QueryError):
    http_status = 406


class QueryTooLong(QueryError):
    http_status = 413


class UnsupportedMediaType(QueryError):
    http_status = 415


@dataclass(frozen=True)
class ProtocolRequest:
    """One SPARQL protocol request, read from the URL, a form or the body."""

    #: None when no query was sent (a browser then gets the empty query page)
    query: str | None
    default_graphs: list[URIRef] | None
    named_graphs: list[URIRef] | None
    #: the ``format`` parameter's values, lower case
    formats: tuple[str, ...]


def read_request() -> ProtocolRequest:
    if request.method == "GET":
        source = request.args
        if "update" in source:
            raise RefusedRequest(update_refusal(), parameter="update")
        query = _single(source, "query")
    else:
        content_type = request.mimetype
        if content_type == "application/sparql-update":
            raise RefusedRequest(update_refusal(), parameter="update")
        if content_type == "application/x-www-form-urlencoded":
            source = request.form
            if "update" in source:
                raise RefusedRequest(update_refusal(), parameter="update")
            query = _single(source, "query")
        elif content_type == "application/sparql-query":
            source = request.args
            query = _body_text()
        else:
            raise UnsupportedMediaType(
                "Ein POST an /sparql braucht Content-Type application/x-www-form-urlencoded "
                f"(Feld query) oder application/sparql-query, nicht '{content_type[:60]}'. / "
                "POST a form (application/x-www-form-urlencoded) or application/sparql-query."
            )
    if query is not None and len(query) > MAX_QUERY_CHARACTERS:
        raise QueryTooLong(
            f"Die Abfrage ist {len(query)} Zeichen lang; erlaubt sind {MAX_QUERY_CHARACTERS}. / "
            f"The query is longer than {MAX_QUERY_CHARACTERS} characters.",
            parameter="query",
        )
    return ProtocolRequest(
        query=query if query is not None and query.strip() else None,
        default_graphs=_graph_iris(source, "default-graph-uri"),
        named_graphs=_graph_iris(source, "named-graph-uri"),
        formats=format_values(),
    )


def format_values() -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in request.values.getlist("format") if v.strip())


def _single(source, name: str) -> str | None:
    values = source.getlist(name)
    if len(values) > 1:
        raise QueryError(
            f"Parameter '{name}' ist {len(values)}-mal angegeben; erlaubt ist er einmal. / "
            f"Give '{name}' once.",
            parameter=name,
        )
    return values[0] if values else None


def _body_text() -> str:
    if request.content_length is not None and request.content_length > 4 * MAX_QUERY_CHARACTERS:
        raise QueryTooLong(
            f"Die Abfrage ist länger als {MAX_QUERY_CHARACTERS} Zeichen. / The query is too long.",
            parameter="query",
        )
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(
            f"Der Rumpf ist kein UTF-8 ({error.reason} an Byte {error.start}). / The body is "
            "not UTF-8.",
            parameter="query",
        ) from None


def _graph_iris(source, name: str) -> list[URIRef] | None:
    values = source.getlist(name)
    if not values:
        return None
    for value in values:
        if not _ABSOLUTE_IRI.match(value):
            raise QueryError(
                f"Parameter '{name}': '{value[:80]}' ist keine absolute IRI, z. B. "
                f"{municipality_graph('leverkusen')}. / Not an absolute IRI.",
                parameter=name,
            )
    return [URIRef(value) for value in values]


# -- negotiation ------------------------------------------------------------------------


def _explicit_html_quality() -> float:
    """The quality the Accept header gives HTML by name (*/* does not count)."""
    return max(
        (quality for value, quality in request.accept_mimetypes if value in HTML_TYPES),
        default=0,
    )


def _format_named(formats: tuple[str, ...]) -> bool:
    return any(value in RESULTS_NAMES or value in GRAPH_NAMES for value in formats)


def wants_page(asked: ProtocolRequest) -> bool:
    """A browser: it names text/html in Accept, at least as high as any data format, and
    names no data format in a ``format`` parameter."""
    html = _explicit_html_quality()
    if html <= 0 or _format_named(asked.formats):
        return False
    offers = RESULTS_MEDIA_TYPES + GRAPH_MEDIA_TYPES
    data = max(request.accept_mimetypes.quality(offer) for offer in offers)
    return html >= data


def wants_page_for_error() -> bool:
    return _explicit_html_quality() > 0 and not _format_named(format_values())


def choose_format(gives_graph: bool, formats: tuple[str, ...]) -> ResultsFormat | GraphFormat:
    """The answer's format: a ``format`` value this kind of answer has, else the best match
    for Accept (406 when there is none)."""
    table: dict[str, ResultsFormat | GraphFormat]
    if gives_graph:
        table, names, media_types = dict(GRAPH_FORMATS), GRAPH_NAMES, GRAPH_MEDIA_TYPES
    else:
        table, names, media_types = dict(RESULTS_FORMATS), RESULTS_NAMES, RESULTS_MEDIA_TYPES
    for value in formats:
        if value in names:
            return table[names[value]]
    accept = request.accept_mimetypes
    if not accept:
        return table[names[media_types[0]]]
    best = accept.best_match(media_types)
    if best is None:
        kind = "CONSTRUCT/DESCRIBE" if gives_graph else "SELECT/ASK"
        offered = ", ".join(f.media_type for f in table.values())
        raise NotAcceptable(
            f"Keines der verlangten Formate (Accept: {str(accept)[:120]}) gibt es für {kind}; "
            f"möglich sind {offered}. / None of the accepted media types is available for "
            f"{kind}; available: {offered}.",
            parameter="Accept",
        )
    return table[names[best]]


def answer(result: QueryResult, chosen: ResultsFormat | GraphFormat) -> Response:
    """The result in the chosen format; a result cut at the row cap says so in headers."""
    if isinstance(chosen, GraphFormat):
        body = write_graph(result.triples or b"", chosen)
    else:
        body = chosen.write(result)
    response = Response(body, mimetype=chosen.media_type)
    if result.truncated:
        response.headers["X-IKG-Truncated"] = "true"
        response.headers["X-IKG-Row-Cap"] = str(current_app.config["ROW_CAP"])
    return response
