"""The guard of the public SPARQL endpoint: only queries run; updates and SERVICE are refused.

The store is opened read-only, so an update could not change it anyway; the refusal says so
clearly instead of a syntax error. ``SERVICE`` must be refused before the query reaches
pyoxigraph, which would really send an HTTP request to any address a query names.

A SERVICE keyword needs the letters "service" in the text (SPARQL has no escapes outside
strings and IRIs, and pyoxigraph does not expand ``\\u`` escapes there). So: no such word, no
SERVICE. Where the word occurs, the lexer of ``graph.sparql_text`` (which skips strings, IRIs
and comments) finds it as a keyword, and the query is refused; or it does not, and rdflib's
SPARQL parser decides, since token boundaries in SPARQL depend a little on context
(``FILTER(1<'>')`` is a comparison to a parser, an IRI and a string to a lexer). A text that
rdflib cannot parse is refused then, as nobody has shown that its "service" is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.errors import QueryError
from graph.sparql_text import UPDATE_KEYWORDS, keywords, query_form, tokens

_SERVICE_WORD = re.compile("service", re.IGNORECASE)

SERVICE_REFUSAL = (
    "SERVICE (der Aufruf anderer SPARQL-Server aus einer Abfrage) ist hier nicht erlaubt; "
    "fragen Sie den anderen Server direkt. / SERVICE (calls to other servers from a query) "
    "is refused here; query that server directly."
)


class RefusedRequest(QueryError):
    """A request the read-only endpoint does not run: an update, or a SERVICE call.

    403: the request was understood and is refused on principle, so sending it again will not
    help; a syntax error, by contrast, is 400.
    """

    http_status = 403


def check_read_only(text: str) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE, or "" when the parser will have to
    report a syntax error); RefusedRequest for an update or a SERVICE call."""
    form = query_form(text)
    if form == "UPDATE":
        raise RefusedRequest(update_refusal(_update_keyword(text)), parameter="query")
    if _SERVICE_WORD.search(text):
        if "SERVICE" in keywords(text):
            raise RefusedRequest(SERVICE_REFUSAL, parameter="query")
        doubt = _service_in_parse(text)
        if doubt is not None:
            raise RefusedRequest(f"{SERVICE_REFUSAL} {doubt}".rstrip(), parameter="query")
    return form


def update_refusal(keyword: str = "") -> str:
    named = f" ({keyword})" if keyword else ""
    return (
        f"Dieser Endpunkt ist schreibgeschützt: SPARQL Update{named} wird abgelehnt. "
        "Stellen Sie eine Abfrage mit SELECT, ASK, CONSTRUCT oder DESCRIBE. / "
        f"This endpoint is read-only: SPARQL Update{named} is refused; "
        "send a SELECT, ASK, CONSTRUCT or DESCRIBE query."
    )


def _update_keyword(text: str) -> str:
    return next(
        (t.text for t in tokens(text) if t.kind == "keyword" and t.text in UPDATE_KEYWORDS), ""
    )


def _service_in_parse(text: str) -> str | None:
    """rdflib's opinion: None if it finds no SERVICE clause; else why the query is refused
    ("" for a SERVICE clause, an explanation when the text does not parse)."""
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except (ParseBaseException, ValueError) as error:
        return (
            "Die Abfrage enthält das Wort SERVICE und ließ sich zur Prüfung nicht zerlegen; "
            "entfernen Sie es oder beheben Sie den Syntaxfehler. / The query contains the word "
            f"SERVICE and could not be parsed to check it ({str(error)[:200]}); remove the word "
            "or fix the syntax."
        )

    def names(node: object) -> Iterator[str]:
        if isinstance(node, CompValue):
            yield node.name
            for value in node.values():
                yield from names(value)
        elif isinstance(node, list | tuple | ParseResults):
            for value in node:
                yield from names(value)

    return "" if "ServiceGraphPattern" in names(tree) else None
