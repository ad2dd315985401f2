"""The query page at /sparql for browsers: an editor, the named queries as examples, and the
result as a table (the server renders it for a GET with a query; the page's script renders
it after a run with fetch()).

The named queries are offered with their example parameter values bound in a ``VALUES``
block (the same form a remote store receives them in), so every example runs as it is.
"""

from __future__ import annotations

import textwrap
import threading
from pathlib import Path
from typing import Any

from flask import current_app, render_template, url_for
from rdflib import BNode
from rdflib.term import Node

from graph.errors import IkgError
from graph.queries import NamedQuery, bind_parameters, load_queries
from graph.result_formats import triples_as_turtle
from graph.settings import is_endpoint_url
from graph.sparql_text import with_values
from graph.store.interface import QueryResult, to_oxigraph
from webapp.store import get_store

DEFAULT_QUERY = """\
# Die Präfixe ikg:, org:, skos:, prov:, dcterms: … sind vordefiniert.
# Die Kommunen mit eigenen Daten (Partnerkommunen, die nur andere nennen, haben kein
# ikg:fictional):
SELECT ?kommune ?name ?fiktiv WHERE {
  ?kommune a ikg:Municipality ;
           skos:prefLabel ?name ;
           ikg:fictional ?fiktiv .
}
ORDER BY ?name
"""

DOWNLOADS = {
    "json": ("JSON", "ergebnis.json"),
    "csv": ("CSV", "ergebnis.csv"),
    "turtle": ("Turtle", "ergebnis.ttl"),
    "ntriples": ("N-Triples", "ergebnis.nt"),
}


def query_page(
    *,
    query: str = "",
    example: str = "",
    result: QueryResult | None = None,
    seconds: float | None = None,
    error: str | None = None,
    status: int = 200,
):
    examples = example_queries()
    if not query and example:
        query = next((e["text"] for e in examples if e["name"] == example), "")
    context: dict[str, Any] = {
        "query": query or DEFAULT_QUERY,
        "examples": examples,
        "example": example,
        "error": error,
        "status": status,
        "result": result,
        "table": table(result) if result is not None and result.boolean is None else None,
        "graph_text": triples_as_turtle(result.triples)
        if result is not None and result.triples is not None
        else "",
        "seconds": seconds,
        "timeout": current_app.config["QUERY_TIMEOUT"],
        "row_cap": current_app.config["ROW_CAP"],
        "downloads": downloads(query, result),
    }
    return render_template("sparql/page.html", **context), status


def term_text(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def table(result: QueryResult) -> dict[str, Any] | None:
    if result.triples is not None:
        return None
    return {
        "columns": result.variables,
        "rows": [[term_text(value) for value in row] for row in result.rows],
    }


def downloads(query: str, result: QueryResult | None) -> list[dict[str, str]]:
    if result is None:
        return []
    names = ("turtle", "ntriples") if result.triples is not None else ("json", "csv")
    return [
        {
            "format": name,
            "label": DOWNLOADS[name][0],
            "file": DOWNLOADS[name][1],
            "url": url_for("sparql.endpoint", query=query, format=name),
        }
        for name in names
    ]


_examples_lock = threading.Lock()


def example_queries() -> list[dict[str, str]]:
    """The named queries as examples, kept until the store is rebuilt or a query file
    changes (binding the example values asks the store: about 0.2 s for all)."""
    directory = Path(current_app.config["QUERIES_DIR"])
    store = current_app.config["STORE"]
    files = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.rq")))
    key = (store if is_endpoint_url(store) else str(Path(store).resolve()), files)
    cache = current_app.extensions.setdefault("ikg_sparql_examples", {})
    with _examples_lock:
        if cache.get("key") != key:
            cache["examples"] = [
                {"name": q.name, "title": q.title_de, "text": example_text(q)}
                for q in load_queries(directory).values()
            ]
            cache["key"] = key
        return cache["examples"]


def example_text(named: NamedQuery) -> str:
    """The query without its ``#+`` header, introduced by its title and description, with
    the example parameter values bound."""
    body = "\n".join(line for line in named.text.splitlines() if not line.startswith("#+"))
    body = body.lstrip("\n")
    lines = [f"# {named.title_de}"]
    lines += textwrap.wrap(named.description, width=90, initial_indent="# ", subsequent_indent="# ")
    examples = {p.name: p.example for p in named.parameters if p.example is not None}
    try:
        bindings = bind_parameters(get_store(), named, examples)
    except IkgError as error:  # an example the data no longer has: offer the query unbound
        lines.append(f"# (Beispielwerte nicht auflösbar: {error})")
        return "\n".join(lines) + "\n" + body
    if bindings:
        shown = ", ".join(f"{name}={value}" for name, value in examples.items())
        lines.append(f"# Parameter als VALUES-Block gebunden (Beispiel: {shown or 'Vorgaben'})")
        body = with_values(body, {name: str(to_oxigraph(t)) for name, t in bindings.items()})
    return "\n".join(lines) + "\n" + body
