"""Municipalities and the entities of one, as plain dicts for pages and their JSON twins."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import current_app
from rdflib.term import Node

from graph.errors import NotFoundError
from graph.namespaces import ID_PATTERN, municipality_iri
from graph.queries import get_query, load_queries, run_named_query
from webapp.links import entity_url
from webapp.store import cached, get_store, page_sparql, select
from webapp.vocabulary import type_name


def municipalities() -> list[dict[str, Any]]:
    """Every municipality, read once per built store: each page of a municipality looks its
    slug up here, and reading 400 of them cost ~90 ms a request. Callers must not change it."""
    return cached(("municipalities",), _read_municipalities)


def _read_municipalities() -> list[dict[str, Any]]:
    rows = select(page_sparql("municipalities"))
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        slug = str(row["m"]).rsplit("/", 1)[-1]
        seen.setdefault(
            slug,
            {
                "slug": slug,
                "iri": row["m"],
                "label": row["label"],
                "state": row["state"],
                "official_key": row["key"],
                "fictional": bool(row["fictional"] is not None and row["fictional"].toPython()),
            },
        )
    return list(seen.values())


def municipality(slug: str) -> dict[str, Any]:
    if ID_PATTERN.match(slug):
        for item in municipalities():
            if item["slug"] == slug:
                return item
    raise NotFoundError(f"Eine Kommune '{slug[:60]}' gibt es in den Daten nicht.")


def counts() -> dict[str, dict[str, int]]:
    """Per municipality slug: actors, MSOs, networks, bodies, measures (action fields apart)."""
    rows = select(page_sparql("municipality-counts"))
    result: dict[str, dict[str, int]] = defaultdict(
        lambda: {"actors": 0, "msos": 0, "networks": 0, "bodies": 0, "measures": 0}
    )
    for row in rows:
        result[str(row["m"]).rsplit("/", 1)[-1]][str(row["kind"])] = int(row["n"].toPython())
    return result


def mso_count_texts() -> dict[str, list[str]]:
    """What the sources say about the number of MSOs ("etwa 50"), kept as stated."""
    rows = select(page_sparql("mso-count-texts"))
    result: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        result[str(row["m"]).rsplit("/", 1)[-1]].append(str(row["count"]))
    return result


def named_query(name: str, values: dict[str, str]):
    """Run a named query from queries/*.rq: the one source of truth where one exists."""
    queries = load_queries(current_app.config["QUERIES_DIR"])
    query = get_query(queries, name)
    return run_named_query(get_store(), query, values, row_cap=current_app.config["ROW_CAP"])


def action_fields(slug: str) -> list[dict[str, Node | None]]:
    """The fields of the municipality's current concept edition (named query action-fields)."""
    return named_query("action-fields", {"municipality": slug}).dicts()


def entities_of(slug: str) -> list[dict[str, Any]]:
    """Every labelled entity the municipality's data states, with its German type name."""
    rows = select(page_sparql("municipality-entities"), m=municipality_iri(slug))
    return group_entities(rows)


def group_entities(rows: list[dict[str, Node | None]]) -> list[dict[str, Any]]:
    by_iri: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_iri.setdefault(
            str(row["e"]), {"iri": row["e"], "label": row["label"], "types": []}
        )
        entry["types"].append(row["type"])
    for entry in by_iri.values():
        entry["kind"] = type_name(entry["types"])
        entry["url"] = entity_url(entry["iri"])
    return sorted(by_iri.values(), key=lambda e: str(e["label"]).casefold())
