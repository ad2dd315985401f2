"""Every page has a JSON twin: the same URL with ``.json``, the same data.

A view decorated with ``@page(blueprint, rule)`` receives ``fmt`` ("html" or "json") and
returns ``render(fmt, template, data, **context)``: ``data`` is what the JSON twin serves, the
template gets ``data`` plus the extra context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.results import plain


def page(blueprint: Blueprint, rule: str, **options: Any) -> Callable:
    def decorator(view: Callable) -> Callable:
        blueprint.add_url_rule(rule, view_func=view, defaults={"fmt": "html"}, **options)
        json_rule = "/index.json" if rule == "/" else rule + ".json"
        blueprint.add_url_rule(json_rule, view_func=view, defaults={"fmt": "json"}, **options)
        return view

    return decorator


def twin_url() -> str:
    """The JSON twin of the current page, with the same query parameters."""
    path = request.path
    if path == "/":
        target = "/index.json"
    else:
        target = path if path.endswith(".json") else path.rstrip("/") + ".json"
    query = request.query_string.decode("utf-8")
    return target + (f"?{query}" if query else "")


def render(fmt: str, template: str, data: dict[str, Any], **context: Any):
    if fmt == "json":
        return jsonable(data)
    return render_template(template, data=data, json_url=twin_url(), **context)


PLAIN_JSON_TYPES = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """RDF terms as plain JSON: IRIs as strings, literals as their readable text."""
    # by exact type first: most values are plain already (a network's JSON has ~13,000), and
    # RDF terms are str subclasses, so isinstance(value, str) would not tell them apart
    if type(value) in PLAIN_JSON_TYPES:
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, URIRef):
        return str(value)
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool | int | float):
            return python
        return plain(value)
    if isinstance(value, Node):
        return str(value)
    return value
