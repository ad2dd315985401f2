"""From IRIs to viewer URLs and readable names; helpers every template uses."""

from __future__ import annotations

from flask import Flask, request, url_for
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.errors import NotFoundError, QueryError
from graph.namespaces import ID, ID_PATTERN, REF
from graph.results import plain
from webapp.vocabulary import type_name


def check_slug(value: str, what: str = "Kommune") -> str:
    if not ID_PATTERN.match(value):
        raise NotFoundError(f"{what} '{value[:60]}' gibt es nicht.")
    return value


def check_local_id(value: str) -> str:
    """An entity id below a municipality: one or more slug segments separated by '/'."""
    parts = value.split("/")
    if not parts or any(not ID_PATTERN.match(part) for part in parts):
        raise NotFoundError(f"Einen Eintrag '{value[:80]}' gibt es nicht.")
    return value


def entity_url(iri: Node | None, *, fmt: str | None = None) -> str | None:
    """The viewer page of one of our entities; None for IRIs outside our namespaces."""
    if not isinstance(iri, URIRef):
        return None
    text = str(iri)
    extra = {"fmt": fmt} if fmt else {}
    if text.startswith(str(ID)):
        rest = text[len(str(ID)) :]
        slug, _, local = rest.partition("/")
        if not ID_PATTERN.match(slug):
            return None
        if not local:
            return url_for("start.municipality", slug=slug, **extra)
        return url_for("profiles.entity", slug=slug, entity_id=local, **extra)
    if text.startswith(str(REF)):
        rest = text[len(str(REF)) :]
        if not rest:
            return None
        return url_for("profiles.reference", ref_id=rest, **extra)
    return None


def local_id(iri: Node | None) -> str:
    return plain(iri)


def slug_of(iri: Node | None) -> str | None:
    if not isinstance(iri, URIRef) or not str(iri).startswith(str(ID)):
        return None
    return str(iri)[len(str(ID)) :].split("/", 1)[0]


def text(term: Node | None) -> str:
    """A literal as a person reads it (dates German, booleans ja/nein)."""
    return plain(term)


def wants_json(fmt: str | None) -> bool:
    return fmt == "json"


def query_args_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in names}


def int_arg(name: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"Parameter '{name}' muss eine ganze Zahl sein.", parameter=name) from None
    if not minimum <= value <= maximum:
        raise QueryError(
            f"Parameter '{name}' muss zwischen {minimum} und {maximum} liegen.", parameter=name
        )
    return value


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        entity_url=entity_url, text=text, type_name=type_name, local_id=local_id
    )
    app.jinja_env.filters["text"] = text
    app.jinja_env.tests["literal"] = lambda term: isinstance(term, Literal)
