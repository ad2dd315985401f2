"""Vergleich: the municipalities side by side along the reference action fields, and their
committees and steering structures."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, request
from rdflib import URIRef

from graph.errors import QueryError
from graph.namespaces import short_id
from webapp.entities import municipalities, named_query
from webapp.links import entity_url, slug_of
from webapp.pages import page, render
from webapp.store import cached, page_sparql, select

blueprint = Blueprint("comparison", __name__)

MATCH_SYMBOLS = {
    "exactMatch": ("=", "entspricht genau"),
    "closeMatch": ("≈", "entspricht weitgehend"),
    "broadMatch": ("⊂", "ist Teil des Referenzfelds"),
    "narrowMatch": ("⊃", "umfasst das Referenzfeld"),
}

#: the control parameter that shows fictional municipalities too (``/vergleich?fiktiv=1``)
FICTIONAL_PARAMETER = "fiktiv"
YES, NO = {"1", "ja", "true"}, {"", "0", "nein", "false"}


def include_fictional() -> bool:
    value = request.args.get(FICTIONAL_PARAMETER, "").strip().casefold()
    if value not in YES | NO:
        raise QueryError(
            f"Parameter '{FICTIONAL_PARAMETER}': '{value[:20]}' ist weder 1 (fiktive Kommunen "
            "zeigen) noch 0 (ausblenden).",
            parameter=FICTIONAL_PARAMETER,
        )
    return value in YES


@page(blueprint, "/vergleich", endpoint="compare")
def compare(fmt: str):
    # Fictional municipalities (example city, generated data) are never compared with the real
    # ones unless asked for.
    with_fictional = include_fictional()
    # both reads cover every municipality (0.4 s at 20 generated ones, with or without them
    # shown): computed once per built store and choice
    data = cached(("comparison", with_fictional), lambda: comparison(with_fictional))
    shown = [c for c in data["municipalities"] if c["fictional"]]
    return render(fmt, "comparison/compare.html", data, fictional_shown=shown)


def comparison(with_fictional: bool) -> dict[str, Any]:
    """The page's data: every reference field with each municipality's fields mapped to it
    and its measure and actor counts there (as `compare` counts them), and each municipality's
    committees and steering structures with parent, role and members. Callers must not change
    it."""
    everything = municipalities()
    cities = [c for c in everything if with_fictional or not c["fictional"]]
    hidden = [c for c in everything if c["fictional"] and c not in cities]
    references: dict[str, dict[str, Any]] = {}
    for row in select(page_sparql("comparison-fields")):
        ref = references.setdefault(
            str(row["ref"]),
            {
                "iri": row["ref"],
                "label": row["refLabel"],
                "group": row["group"],
                "url": entity_url(row["ref"]),
                "cells": {c["slug"]: [] for c in cities},
                "figures": {c["slug"]: {"measures": 0, "actors": 0} for c in cities},
            },
        )
        if row["field"] is not None and slug_of(row["m"]) in ref["cells"]:
            kind = str(row["match"]).rsplit("#", 1)[-1]
            symbol, meaning = MATCH_SYMBOLS[kind]
            entry = {
                "iri": row["field"],
                "label": row["fieldLabel"],
                "url": entity_url(row["field"]),
                "match": kind,
                "symbol": symbol,
                "meaning": meaning,
            }
            if entry not in ref["cells"][slug_of(row["m"])]:
                ref["cells"][slug_of(row["m"])].append(entry)
    # the counts come from the named query `compare`, so the page and `ikg query compare`
    # cannot disagree
    for row in named_query("compare", {"fictional": "ja"} if with_fictional else {}).dicts():
        ref = references.get(str(row["reference"]))
        city = slug_of(row["municipality"])
        if ref is not None and city in ref["cells"]:
            ref["figures"][city] = {
                "measures": int(str(row["measureCount"])),
                "actors": int(str(row["actorCount"])),
            }
    rows = sorted(
        references.values(),
        key=lambda r: (str(r["group"] or "") != "monitoring", str(r["label"]).casefold()),
    )
    structures: dict[str, dict[str, list[dict[str, Any]]]] = {
        c["slug"]: defaultdict(list) for c in cities
    }
    # one row per member: each structure is collected once, its members under it
    seen: dict[str, dict[str, Any]] = {}
    for row in select(page_sparql("comparison-structures")):
        city = slug_of(row["m"])
        if city not in structures:
            continue
        item = seen.get(str(row["e"]))
        if item is None:
            group = "Gremien" if str(row["kind"]) == "gremium" else "Steuerungsstrukturen"
            item = seen[str(row["e"])] = {
                "iri": row["e"],
                "label": row["label"],
                "form": row["formLabel"],
                "url": entity_url(row["e"]),
                "parent": None
                if row["parent"] is None
                else {"label": row["parentLabel"], "url": entity_url(row["parent"])},
                "role": row["role"],
                "members": [],
            }
            structures[city][group].append(item)
        if row["member"] is not None:
            member = {
                "iri": row["member"],
                "label": row["memberLabel"],
                "url": entity_url(row["member"]),
                "role": row["memberRole"],
            }
            if member not in item["members"]:
                item["members"].append(member)
    for groups in structures.values():
        for items in groups.values():
            items.sort(key=lambda i: str(i["label"]).casefold())
            for item in items:
                item["members"].sort(key=lambda m: str(m["label"]).casefold())
    return {
        "municipalities": cities,
        "cooperations": cooperations(),
        "fictional_included": with_fictional,
        "fictional_hidden": [{"slug": c["slug"], "label": c["label"]} for c in hidden],
        "reference_fields": rows,
        "structures": {
            city: {g: structures[city].get(g, []) for g in ("Gremien", "Steuerungsstrukturen")}
            for city in structures
        },
        "match_symbols": {k: {"symbol": s, "meaning": m} for k, (s, m) in MATCH_SYMBOLS.items()},
    }


def cooperations(member: URIRef | None = None) -> list[dict[str, Any]]:
    """The cooperations of municipalities (page query cooperations), each with the
    municipality whose sources name it and its member municipalities, marked where the graph
    holds no data of their own; only those ``member`` belongs to, if given."""
    bindings = {} if member is None else {"member": member}
    found: dict[str, dict[str, Any]] = {}
    for row in select(page_sparql("cooperations"), **bindings):
        item = found.setdefault(
            str(row["cooperation"]),
            {
                "iri": row["cooperation"],
                "label": row["label"],
                "url": entity_url(row["cooperation"]),
                "id": short_id(str(row["cooperation"])),
                "named_by": {"label": row["mLabel"], "url": entity_url(row["m"])},
                "members": [],
            },
        )
        if member is not None:
            continue
        item["members"].append(
            {
                "iri": row["member"],
                "label": row["memberLabel"],
                "url": entity_url(row["member"]),
                "role": row["role"],
                "has_data": row["hasData"] is not None and row["hasData"].toPython() is True,
            }
        )
    return list(found.values())
