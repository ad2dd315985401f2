"""The guard of the public SPARQL endpoint: only queries run; updates and SERVICE are refused.

The store is opened read-only, so an update could not change it anyway; the refusal says so
clearly instead of a syntax error. ``SERVICE`` must be refused before the query reaches
Oxigraph, which would really open a connection to any address a query names.

Whether a text holds a SERVICE clause is decided by Oxigraph's own parser, the one that would
execute it, not by a second reading that can disagree with it (a lexer reads ``1<'>'`` as an
IRI and a string; rdflib expands ``\\u0022`` before parsing; Oxigraph does neither). Oxigraph
matches the keyword in ASCII letters only, case-insensitively, and expands no escapes outside
strings and IRIs. So a text without the letters "service" in any case holds no SERVICE. A text
with them is *neutralised*: the "s" of every occurrence becomes "1". Inside a string, an IRI,
a comment, a variable, a blank node label or the local part of a prefixed name "1ervice" is as
valid as "service", so the parse is unchanged; as a keyword, "1ervice" is valid nowhere in the
grammar. If Oxigraph parses the neutralised text, no occurrence was the keyword; if it does not,
the query is refused (rarely a harmless one too: a prefix or a language tag named "service…").

Parsing alone is not available from pyoxigraph: ``Store.query`` starts evaluating (an ASK, an
ORDER BY or a SERVICE at once). The neutralised text is safe to evaluate, as it holds no
SERVICE, but it can still run long on an empty store (a cross product of VALUES blocks), so
``confirm_no_service`` belongs where a query's time is bounded: the query workers
(graph.store.workers), which also run without network access where the system allows it.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.errors import QueryError
from graph.namespaces import PREFIXES
from graph.sparql_text import UPDATE_KEYWORDS, query_form, tokens

#: the "s" of every "service" as Oxigraph matches keywords: ASCII letters, any case
_SERVICE_S = re.compile("s(?=ervice)", re.IGNORECASE | re.ASCII)

SERVICE_REFUSAL = (
    "SERVICE (der Aufruf anderer SPARQL-Server aus einer Abfrage) ist hier nicht erlaubt; "
    "fragen Sie den anderen Server direkt. / SERVICE (calls to other servers from a query) "
    "is refused here; query that server directly."
)

UNCHECKABLE = (
    "Die Abfrage enthält das Wort SERVICE an einer Stelle, an der es kein Text, keine IRI und "
    "kein Name ist, oder sie ist fehlerhaft. Entfernen Sie das Wort oder beheben Sie den "
    "Syntaxfehler (Hinweis des Parsers: {reason}). / The query has the word SERVICE where it is "
    "not part of a string, IRI or name, or it does not parse; remove the word or fix the syntax."
)


class RefusedRequest(QueryError):
    """A request the read-only endpoint does not run: an update, or a SERVICE call.

    403: the request was understood and is refused on principle, so sending it again will not
    help; a syntax error, by contrast, is 400.
    """

    http_status = 403


def check_read_only(text: str) -> str:
    """The quick part of the guard, cheap enough for any thread: the query's form (SELECT,
    ASK, CONSTRUCT, DESCRIBE, or "" when the parser will have to report a syntax error);
    RefusedRequest for an update.

    SERVICE is not looked for here: a lexer's reading can differ from Oxigraph's (and so
    refuse harmless text, or miss a clause). Every query must pass ``confirm_no_service``
    before it runs.
    """
    form = query_form(text)
    if form == "UPDATE":
        raise RefusedRequest(update_refusal(_update_keyword(text)), parameter="query")
    return form


def mentions_service(text: str) -> bool:
    """Whether the text has the letters of the keyword SERVICE anywhere (as Oxigraph reads
    keywords); only then can it hold a SERVICE clause."""
    return _SERVICE_S.search(text) is not None


def neutralised(text: str) -> str:
    """The text with the "s" of every "service" (any case) turned into "1".

    >>> neutralised("SELECT ?service { ?s <urn:Service> 'sErViCe' }")
    "SELECT ?1ervice { ?s <urn:1ervice> '1ErViCe' }"
    """
    return _SERVICE_S.sub("1", text)


def confirm_no_service(text: str) -> None:
    """RefusedRequest unless Oxigraph's parser shows that the text holds no SERVICE clause.

    Evaluates the neutralised text on an empty in-memory store (no SERVICE, so no connection;
    but possibly long): call it only where the time is bounded, see the module docstring.
    """
    if not mentions_service(text):
        return
    try:
        ox.Store().query(neutralised(text), prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as error:
        reason = str(error)[:200]
        raise RefusedRequest(
            f"{SERVICE_REFUSAL} {UNCHECKABLE.format(reason=reason)}", parameter="query"
        ) from None
    except (OSError, ValueError, RuntimeError, TypeError):
        # it parsed; evaluating it on nothing failed, which says nothing about SERVICE
        return


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
