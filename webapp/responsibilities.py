"""Zuständigkeiten: who is responsible for what, from the ikg:Responsibility nodes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, request

from graph.errors import QueryError
from graph.namespaces import municipality_iri, short_id
from webapp.entities import municipality
from webapp.links import entity_url, local_id
from webapp.pages import page, render
from webapp.start import check_search
from webapp.store import select
from webapp.vocabulary import type_name

blueprint = Blueprint("responsibilities", __name__)

RESPONSIBILITIES = """
SELECT ?r ?agent ?agentLabel ?thing ?thingLabel ?thingType ?role ?m WHERE {
  ?r a ikg:Responsibility ; ikg:municipality ?m ; ikg:agent ?agent ;
     ikg:responsibleFor ?thing ; ikg:roleLabel ?role .
  ?agent skos:prefLabel ?agentLabel .
  ?thing skos:prefLabel ?thingLabel ; a ?thingType .
}
"""

FIELDS = """
SELECT ?thing ?field ?fieldLabel ?m WHERE {
  ?r a ikg:Responsibility ; ikg:municipality ?m ; ikg:responsibleFor ?thing .
  ?thing ikg:actionField ?field . ?field skos:prefLabel ?fieldLabel .
}
"""

SOURCES = """
SELECT ?r ?document ?documentLabel ?passage ?m WHERE {
  ?r a ikg:Responsibility ; ikg:municipality ?m ; prov:qualifiedDerivation ?d .
  ?d prov:entity ?document ; ikg:passage ?passage .
  OPTIONAL { ?document skos:prefLabel ?documentLabel }
}
"""


def short(iri: Any) -> str:
    """The bare id within its municipality ('oberhausen/ki' → 'ki')."""
    return short_id(str(iri)).split("/", 1)[-1]


@page(blueprint, "/kommune/<slug>/zustaendigkeiten", endpoint="table")
def table(fmt: str, slug: str):
    city = municipality(slug)
    city_iri = municipality_iri(slug)
    entries: dict[str, dict[str, Any]] = {}
    for row in select(RESPONSIBILITIES, m=city_iri):
        entry = entries.setdefault(
            str(row["r"]),
            {
                "iri": row["r"],
                "agent": {"id": short(row["agent"]), "label": row["agentLabel"],
                          "url": entity_url(row["agent"])},
                "thing": {"id": short(row["thing"]), "iri": row["thing"],
                          "label": row["thingLabel"],
                          "url": entity_url(row["thing"]), "types": []},
                "role": row["role"],
                "action_fields": [],
                "sources": [],
            },
        )
        entry["thing"]["types"].append(row["thingType"])
    fields_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    field_labels: dict[str, str] = {}
    for row in select(FIELDS, m=city_iri):
        field = {"id": local_id(row["field"]), "label": row["fieldLabel"],
                 "url": entity_url(row["field"])}
        if field not in fields_of[str(row["thing"])]:
            fields_of[str(row["thing"])].append(field)
        field_labels[field["id"]] = str(row["fieldLabel"])
    for row in select(SOURCES, m=city_iri):
        if str(row["r"]) in entries:
            entries[str(row["r"])]["sources"].append(
                {"document": row["documentLabel"] or local_id(row["document"]),
                 "url": entity_url(row["document"]), "passage": row["passage"]}
            )
    for entry in entries.values():
        entry["thing"]["kind"] = type_name(entry["thing"].pop("types"))
        entry["action_fields"] = fields_of.get(str(entry["thing"]["iri"]), [])
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
    shown = []
    for entry in entries.values():
        if chosen_field and chosen_field not in {f["id"] for f in entry["action_fields"]}:
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
    shown.sort(key=lambda e: (str(e["agent"]["label"]).casefold(),
                              str(e["thing"]["label"]).casefold()))
    data = {
        "municipality": city,
        "filters": {"feld": chosen_field, "akteur": chosen_agent,
                    "q": request.args.get("q", "")},
        "options": {
            "feld": sorted(({"value": k, "label": v} for k, v in field_labels.items()),
                           key=lambda o: o["label"].casefold()),
            "akteur": sorted(({"value": k, "label": v} for k, v in agents.items()),
                             key=lambda o: o["label"].casefold()),
        },
        "total": len(entries),
        "responsibilities": shown,
    }
    return render(fmt, "responsibilities/table.html", data, city=city)
