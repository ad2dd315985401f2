"""Zuständigkeiten: who is responsible for what, as the named query ``responsibilities``
(queries/responsibilities.rq) lists it, with the field filter as its ``field`` parameter; the
links of each thing's action fields and the quoted sources come from queries/pages/."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, request

from graph.errors import QueryError
from graph.namespaces import municipality_iri, short_id
from graph.queries import stated_dataset
from webapp.entities import municipality, named_query
from webapp.links import entity_url, local_id
from webapp.pages import page, render
from webapp.start import check_search
from webapp.store import page_sparql, select

blueprint = Blueprint("responsibilities", __name__)


def short(iri: Any) -> str:
    """The bare id within its municipality ('oberhausen/ki' → 'ki')."""
    return short_id(str(iri)).split("/", 1)[-1]


def responsibility_key(row: dict[str, Any]) -> tuple[str, str, str]:
    """A responsibility as responsibilities.rq lists it: what, who, in which role."""
    return str(row["thing"]), str(row["agent"]), str(row["role"])


@page(blueprint, "/kommune/<slug>/zustaendigkeiten", endpoint="table")
def table(fmt: str, slug: str):
    city = municipality(slug)
    city_iri = municipality_iri(slug)
    # who is responsible for what: the named query, one row per responsibility it lists
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in named_query("responsibilities", {"municipality": slug}).dicts():
        entries.setdefault(
            responsibility_key(row),
            {
                "iri": None,
                "agent": {
                    "id": short(row["agent"]),
                    "label": row["agentLabel"],
                    "url": entity_url(row["agent"]),
                },
                "thing": {
                    "id": short(row["thing"]),
                    "iri": row["thing"],
                    "label": row["thingLabel"],
                    "url": entity_url(row["thing"]),
                    "kind": str(row["kind"]),
                },
                "role": row["role"],
                "action_fields": [],
                "sources": [],
            },
        )
    # the fields the query lists for each thing, with their IRIs for the links and the filter
    stated = stated_dataset([slug])
    fields_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    field_iris: dict[str, Any] = {}
    for row in select(page_sparql("responsibility-fields"), stated, m=city_iri):
        field = {
            "id": local_id(row["field"]),
            "label": row["fieldLabel"],
            "url": entity_url(row["field"]),
        }
        field_iris[field["id"]] = row["field"]
        if field not in fields_of[str(row["thing"])]:
            fields_of[str(row["thing"])].append(field)
    for row in select(page_sparql("responsibility-sources"), m=city_iri):
        entry = entries.get(responsibility_key(row))
        if entry is not None:
            entry["iri"] = entry["iri"] or row["r"]
            source = {
                "document": row["documentLabel"] or local_id(row["document"]),
                "url": entity_url(row["document"]),
                "passage": row["passage"],
            }
            if source not in entry["sources"]:
                entry["sources"].append(source)
    field_labels: dict[str, str] = {}
    for entry in entries.values():
        entry["action_fields"] = fields_of.get(str(entry["thing"]["iri"]), [])
        field_labels.update({f["id"]: str(f["label"]) for f in entry["action_fields"]})
    agents = {e["agent"]["id"]: str(e["agent"]["label"]) for e in entries.values()}

    chosen_field = request.args.get("feld", "").strip()
    chosen_agent = request.args.get("akteur", "").strip()
    words = check_search(request.args.get("q", "")).casefold()
    if chosen_field and chosen_field not in field_labels:
        raise QueryError(
            f"Parameter 'feld': kein Handlungsfeld '{chosen_field[:60]}' bei den "
            "Zuständigkeiten dieser Kommune.",
            parameter="feld",
        )
    if chosen_agent and chosen_agent not in agents:
        raise QueryError(
            f"Parameter 'akteur': keine zuständige Organisation '{chosen_agent[:60]}' in "
            "dieser Kommune.",
            parameter="akteur",
        )
    # what concerns a field is the named query's rule too (directly, through a shared
    # reference field, or as a field of the edition)
    concerning = (
        {
            responsibility_key(row)
            for row in named_query(
                # the id the named query takes for exactly this field (reference fields too)
                "responsibilities",
                {"municipality": slug, "field": short_id(field_iris[chosen_field])},
            ).dicts()
        }
        if chosen_field
        else set(entries)
    )
    shown = []
    for key, entry in entries.items():
        if key not in concerning:
            continue
        if chosen_agent and entry["agent"]["id"] != chosen_agent:
            continue
        if words:
            haystack = " ".join(
                [str(entry["agent"]["label"]), str(entry["thing"]["label"]), str(entry["role"])]
                + [str(f["label"]) for f in entry["action_fields"]]
            ).casefold()
            if not all(word in haystack for word in words.split()):
                continue
        shown.append(entry)
    shown.sort(
        key=lambda e: (str(e["agent"]["label"]).casefold(), str(e["thing"]["label"]).casefold())
    )
    data = {
        "municipality": city,
        "filters": {"feld": chosen_field, "akteur": chosen_agent, "q": request.args.get("q", "")},
        "options": {
            "feld": sorted(
                ({"value": k, "label": v} for k, v in field_labels.items()),
                key=lambda o: o["label"].casefold(),
            ),
            "akteur": sorted(
                ({"value": k, "label": v} for k, v in agents.items()),
                key=lambda o: o["label"].casefold(),
            ),
        },
        "total": len(entries),
        "responsibilities": shown,
    }
    return render(fmt, "responsibilities/table.html", data, city=city)
