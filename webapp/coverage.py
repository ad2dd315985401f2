"""Abdeckung: action fields × actor types — who works in which field, and where nobody does.

The counts come from the named query ``coverage`` (queries/coverage.rq). Both it and the list
behind a cell read the inferred ``ikg:takesPartIn`` (graph/inference.py, the one definition of
"an actor takes part in a field"); the list adds, for each actor, the measures and networks
that link it to the field.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, url_for

from graph.errors import QueryError
from graph.namespaces import municipality_graph, municipality_iri
from graph.queries import load_queries
from webapp.entities import action_fields, municipality, named_query
from webapp.links import entity_url
from webapp.pages import page, render
from webapp.store import cached, select

blueprint = Blueprint("coverage", __name__)

NO_TYPE = "ohne Typ"

#: who takes part in a field (inferred), with the actor type the columns are named by
PARTICIPANTS = """
SELECT ?actor ?actorLabel ?typeLabel ?field WHERE {
  ?actor ikg:takesPartIn ?field ; skos:prefLabel ?actorLabel .
  OPTIONAL {
    ?actor org:classification ?actorType .
    ?actorType skos:inScheme ref:actor-type ; skos:prefLabel ?actorTypeLabel .
  }
  BIND (COALESCE(?actorTypeLabel, "ohne Typ") AS ?typeLabel)
}
"""

#: why each takes part: its measures (lead, partner) and networks (the inferred org:memberOf)
#: that name the field or a reference field the field is mapped to
LINKS = """
SELECT ?actor ?via ?viaLabel ?how ?field WHERE {
  ?actor ikg:takesPartIn ?field .
  { ?via ikg:lead ?actor . BIND ("Federführung" AS ?how) }
  UNION { ?via ikg:partner ?actor . BIND ("Partner" AS ?how) }
  UNION { ?actor org:memberOf ?via . BIND ("Mitglied" AS ?how) }
  ?via ikg:actionField ?target ; skos:prefLabel ?viaLabel .
  FILTER (?target = ?field
          || EXISTS { ?field skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch
                      ?target })
}
"""

#: the columns: every type of the municipality's organisations (so absent types show as gaps)
TYPES = """
SELECT DISTINCT ?typeLabel ?m ?m_graph WHERE {
  # the municipality's own graph first: its actors, not every municipality's (96 → 8 ms for
  # one of ten)
  GRAPH ?m_graph { ?actor org:classification ?type }
  ?actor ikg:municipality ?m .
  ?type skos:inScheme ref:actor-type ; skos:prefLabel ?typeLabel .
  FILTER NOT EXISTS { ?actor a ikg:PoliticalBody }
  FILTER NOT EXISTS { ?actor a org:OrganizationalUnit }
}
"""


@page(blueprint, "/kommune/<slug>/abdeckung", endpoint="matrix")
def matrix(fmt: str, slug: str):
    city = municipality(slug)
    counted, fields, types = read_matrix(slug)
    counts: dict[tuple[str, str], int] = {}
    labels_of_types: set[str] = {str(r["typeLabel"]) for r in types}
    for row in counted:
        if row["typeLabel"] is None:
            continue
        counts[(str(row["field"]), str(row["typeLabel"]))] = int(row["actorCount"].toPython())
        labels_of_types.add(str(row["typeLabel"]))
    columns = sorted(labels_of_types, key=lambda t: (t == NO_TYPE, t.casefold()))
    rows, gaps = [], []
    for field in fields:
        iri = str(field["field"])
        local = iri.rsplit("/", 1)[-1]
        cells = []
        for column in columns:
            count = counts.get((iri, column), 0)
            cells.append({
                "type": column,
                "count": count,
                "gap": count == 0,
                "url": url_for("coverage.matrix", slug=slug, feld=local, typ=column),
            })
            if count == 0:
                gaps.append({"field": local, "type": column})
        rows.append({
            "field": local,
            "iri": field["field"],
            "label": field["label"],
            "notation": field["notation"],
            "url": entity_url(field["field"]),
            "cells": cells,
        })
    data = {
        "municipality": city,
        "edition": fields[0]["editionLabel"] if fields else None,
        "columns": [{"type": c, "label": c} for c in columns],
        "rows": rows,
        "gaps": gaps,
        "selection": selected_cell(rows, columns),
    }
    return render(fmt, "coverage/matrix.html", data, city=city)


def read_matrix(slug: str) -> tuple[list[dict], list[dict], list[dict]]:
    """The page's three reads (coverage, the fields, the actor types), kept per built store
    and version of the query files: together ~100 ms a request, as much at one municipality
    as at 400. Callers must not change what they get back."""
    queries = load_queries(current_app.config["QUERIES_DIR"])
    versions = tuple(queries[name].text for name in ("coverage", "action-fields"))

    def read() -> tuple[list[dict], list[dict], list[dict]]:
        return (
            named_query("coverage", {"municipality": slug}).dicts(),
            action_fields(slug),
            select(TYPES, m=municipality_iri(slug), m_graph=municipality_graph(slug)),
        )

    return cached(("coverage", slug, versions), read)


def selected_cell(rows: list[dict], columns: list[str]) -> dict[str, Any] | None:
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
    actors: dict[str, dict[str, Any]] = {}
    for person in select(PARTICIPANTS, field=row["iri"]):
        if str(person["typeLabel"]) == actor_type:
            actors[str(person["actor"])] = {
                "iri": person["actor"], "label": person["actorLabel"],
                "url": entity_url(person["actor"]), "via": []}
    for link in select(LINKS, field=row["iri"]):
        entry = actors.get(str(link["actor"]))
        if entry is None:
            continue
        via = {"iri": link["via"], "label": link["viaLabel"], "how": link["how"],
               "url": entity_url(link["via"])}
        if via not in entry["via"]:
            entry["via"].append(via)
    return {
        "field": field,
        "field_label": row["label"],
        "type": actor_type,
        "type_label": actor_type,
        "actors": sorted(actors.values(), key=lambda a: str(a["label"]).casefold()),
    }



