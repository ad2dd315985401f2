"""Abdeckung: action fields × actor types — who works in which field, and where nobody does.

The counts and who is counted come from the named query ``coverage`` (queries/coverage.rq),
which reads the inferred ``ikg:takesPartIn`` (graph/inference.py, the one definition of "an
actor takes part in a field"); the list behind a cell is the actors coverage.rq counted there,
each with the measures and networks that link it to the field
(queries/pages/coverage-links.rq).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, url_for
from rdflib import URIRef

from graph.errors import QueryError
from graph.namespaces import municipality_graph, municipality_iri
from graph.queries import load_queries
from webapp.entities import action_fields, municipality, named_query
from webapp.links import entity_url, local_id
from webapp.pages import page, render
from webapp.store import cached, page_sparql, select

blueprint = Blueprint("coverage", __name__)

NO_DATA = "keine Angaben"


@page(blueprint, "/kommune/<slug>/abdeckung", endpoint="matrix")
def matrix(fmt: str, slug: str):
    city = municipality(slug)
    counted, fields, types = read_matrix(slug)
    counts: dict[tuple[str, str], int] = {}
    # a 0 is a gap only in the columns of the gap types (LUECKENTYPEN in queries/gaps.rq);
    # the other types that take part (funders, partner municipalities …) are shown, not judged
    gap_types: set[str] = {str(r["typeLabel"]) for r in types}
    recorded: set[str] = set()
    labels_of_types: set[str] = set(gap_types)
    for row in counted:
        if row["typeLabel"] is None:
            continue
        counts[(str(row["field"]), str(row["typeLabel"]))] = int(row["actorCount"].toPython())
        labels_of_types.add(str(row["typeLabel"]))
        recorded.add(str(row["field"]))
    columns = sorted(labels_of_types, key=lambda t: (t not in gap_types, t.casefold()))
    rows, gaps = [], []
    for field in fields:
        iri = str(field["field"])
        local = iri.rsplit("/", 1)[-1]
        has_data = iri in recorded
        cells = []
        for column in columns:
            count = counts.get((iri, column), 0)
            gap = has_data and count == 0 and column in gap_types
            cells.append(
                {
                    "type": column,
                    "count": count,
                    "gap": gap,
                    "no_data": not has_data,
                    "url": url_for("coverage.matrix", slug=slug, feld=local, typ=column),
                }
            )
            if gap:
                gaps.append({"field": local, "type": column})
        rows.append(
            {
                "field": local,
                "iri": field["field"],
                "label": field["label"],
                "notation": field["notation"],
                "url": entity_url(field["field"]),
                "note": None if has_data else NO_DATA,
                "cells": cells,
            }
        )
    data = {
        "municipality": city,
        "edition": fields[0]["editionLabel"] if fields else None,
        "columns": [{"type": c, "label": c, "gap_type": c in gap_types} for c in columns],
        "rows": rows,
        "gaps": gaps,
        "fields_without_data": [row["field"] for row in rows if row["note"]],
        "note": NO_DATA if fields and not recorded else None,
        "selection": selected_cell(rows, columns, counted),
    }
    return render(fmt, "coverage/matrix.html", data, city=city)


def read_matrix(slug: str) -> tuple[list[dict], list[dict], list[dict]]:
    """The page's three reads (coverage, the fields, the actor types), kept per built store
    and version of the query files: together ~100 ms a request, as much at one municipality
    as at 400. Callers must not change what they get back."""
    queries = load_queries(current_app.config["QUERIES_DIR"])
    actor_types = page_sparql("coverage-actor-types")
    versions = (*(queries[name].text for name in ("coverage", "action-fields")), actor_types)

    def read() -> tuple[list[dict], list[dict], list[dict]]:
        return (
            named_query("coverage", {"municipality": slug}).dicts(),
            action_fields(slug),
            select(actor_types, m=municipality_iri(slug), m_graph=municipality_graph(slug)),
        )

    return cached(("coverage", slug, versions), read)


def selected_cell(
    rows: list[dict], columns: list[str], counted: list[dict]
) -> dict[str, Any] | None:
    field = request.args.get("feld", "").strip()
    actor_type = request.args.get("typ", "").strip()
    if not field and not actor_type:
        return None
    by_local = {row["field"]: row for row in rows}
    if field not in by_local:
        raise QueryError(
            f"Parameter 'feld': kein Handlungsfeld '{field[:60]}' in der aktuellen Fassung. "
            f"Erlaubt: {', '.join(by_local)}",
            parameter="feld",
        )
    if actor_type not in columns:
        raise QueryError(
            f"Parameter 'typ': kein Akteurstyp '{actor_type[:60]}' in dieser Kommune. "
            f"Erlaubt: {', '.join(columns)}",
            parameter="typ",
        )
    row = by_local[field]
    # the cell's actors are those coverage.rq counted in it, so the list and the count agree
    counted_here = {
        iri
        for entry in counted
        if entry["field"] == row["iri"] and str(entry["typeLabel"]) == actor_type
        for iri in str(entry["actorIris"] or "").split()
    }
    actors: dict[str, dict[str, Any]] = {
        iri: {
            "iri": URIRef(iri),
            "label": local_id(URIRef(iri)),
            "url": entity_url(URIRef(iri)),
            "via": [],
        }
        for iri in counted_here
    }
    for link in select(page_sparql("coverage-links"), field=row["iri"]):
        entry = actors.get(str(link["actor"]))
        if entry is None:
            continue
        entry["label"] = link["actorLabel"]
        via = {
            "iri": link["via"],
            "label": link["viaLabel"],
            "how": link["how"],
            "url": entity_url(link["via"]),
        }
        if via not in entry["via"]:
            entry["via"].append(via)
    return {
        "field": field,
        "field_label": row["label"],
        "note": row["note"],
        "gap": any(cell["type"] == actor_type and cell["gap"] for cell in row["cells"]),
        "type": actor_type,
        "type_label": actor_type,
        "actors": sorted(actors.values(), key=lambda a: str(a["label"]).casefold()),
    }
