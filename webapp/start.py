"""Start page, municipality overview and the search over all labels."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

from flask import Blueprint, request
from rdflib import Literal

from graph.errors import IkgError, NotFoundError, QueryError
from graph.namespaces import ID_PATTERN, municipality_iri
from webapp.entities import (
    action_fields,
    counts,
    entities_of,
    group_entities,
    mso_count_texts,
    municipalities,
    municipality,
)
from webapp.links import entity_url, slug_of
from webapp.pages import page, render
from webapp.store import cached, page_sparql, select

blueprint = Blueprint("start", __name__)

MAX_SEARCH_LENGTH = 200
SEARCH_LIMIT = 200

#: order of the sections on a municipality's overview
SECTIONS = (
    "Verwaltungseinheit",
    "Gremium",
    "Organisation",
    "Netzwerk",
    "Partnerkommune",
    "Integrationskonzept",
    "Konzeptfassung",
    "Ziel",
    "Indikator",
    "Maßnahme",
    "Förderung",
    "Vorlage",
    "Ereignis",
    "Quelldokument",
)


@blueprint.app_context_processor
def fictional_context() -> dict[str, Any]:
    """`fictional_in_store()` for the base template's notice on pages over all municipalities
    (asked only where the view did not say what the page shows)."""

    def fictional_in_store() -> list[dict[str, Any]]:
        try:
            return [city for city in municipalities() if city["fictional"]]
        except IkgError:  # an error page for a missing store must still render
            return []

    return {"fictional_in_store": fictional_in_store}


@page(blueprint, "/")
def index(fmt: str):
    # counts over every municipality grow with their number (677 ms at 10 generated ones):
    # computed once per built store, which never changes (a rebuild is a new store)
    cities = cached(("start-page",), _city_summaries)
    # real municipalities first; fictional ones (example city, generated data) apart, marked
    real = [city for city in cities if not city["fictional"]]
    fictional = [city for city in cities if city["fictional"]]
    data = {"municipalities": real, "fictional_municipalities": fictional}
    return render(fmt, "start/index.html", data, fictional_shown=fictional)


#: what entities.counts() gives for a municipality without any entity (it has no row there)
NO_COUNTS = {"actors": 0, "msos": 0, "networks": 0, "bodies": 0, "measures": 0}


def counts_of_all() -> dict[str, dict[str, int]]:
    """entities.counts(): one query over every municipality (0.1 s at 20 generated ones),
    which each municipality's page needs for its own row: read once per built store."""
    return cached(("counts",), counts)


def mso_texts_of_all() -> dict[str, list[str]]:
    """entities.mso_count_texts() over every municipality, read once per built store."""
    return cached(("mso-count-texts",), mso_count_texts)


def _city_summaries() -> list[dict[str, Any]]:
    per_city = counts_of_all()
    mso_texts = mso_texts_of_all()
    cities = []
    for city in municipalities():
        numbers = dict(per_city.get(city["slug"]) or NO_COUNTS)
        numbers["action_fields"] = len(action_fields(city["slug"]))
        cities.append(
            {**city, "counts": numbers, "mso_count_texts": mso_texts.get(city["slug"], [])}
        )
    return cities


@page(blueprint, "/kommune/<slug>", endpoint="municipality")
def municipality_page(fmt: str, slug: str):
    try:
        city = municipality(slug)
    except NotFoundError:
        # another municipality that only others' sources name (a partner in a cooperation)
        partner = partner_municipality(slug)
        if partner is None:
            raise
        return render(fmt, "start/partner.html", partner)
    numbers = dict(counts_of_all().get(slug) or NO_COUNTS)
    fields = action_fields(slug)
    numbers["action_fields"] = len(fields)
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity in entities_of(slug):
        if entity["kind"] in SECTIONS:
            sections[entity["kind"]].append(
                {"iri": entity["iri"], "label": entity["label"], "url": entity["url"]}
            )
    data = {
        "municipality": city,
        "counts": numbers,
        "mso_count_texts": mso_texts_of_all().get(slug, []),
        "action_fields": [
            {
                "iri": row["field"],
                "url": entity_url(row["field"]),
                "notation": row["notation"],
                "label": row["label"],
                "references": row["references"],
                "edition": row["editionLabel"],
            }
            for row in fields
        ],
        "sections": {kind: sections[kind] for kind in SECTIONS if sections.get(kind)},
    }
    return render(fmt, "start/municipality.html", data, city=city)


def partner_municipality(slug: str) -> dict[str, Any] | None:
    """A municipality whose own data the graph does not hold, as other municipalities name it:
    who names it, and the networks and cooperations it is a member of there; None if no one
    does."""
    if not ID_PATTERN.match(slug):
        return None
    rows = select(page_sparql("partner-municipality"), partner=municipality_iri(slug))
    if not rows:
        return None
    named_by: dict[str, dict[str, Any]] = {}
    for row in rows:
        source = named_by.setdefault(
            str(row["m"]),
            {"label": row["mLabel"], "url": entity_url(row["m"]), "memberships": []},
        )
        if row["network"] is not None:
            membership = {
                "label": row["networkLabel"],
                "url": entity_url(row["network"]),
                "role": row["role"],
            }
            if membership not in source["memberships"]:
                source["memberships"].append(membership)
    return {"slug": slug, "label": rows[0]["label"], "named_by": list(named_by.values())}


@page(blueprint, "/suche")
def search(fmt: str):
    query = request.args.get("q", "")
    words = check_search(query)
    # the search reads every label of every municipality (0.6 s at 20 generated ones): each
    # search is kept per built store, so the same search again (and its JSON twin) is cheap
    results, truncated = ([], False)
    if words:
        results, truncated = cached(("search", words), lambda: found_by(words))
    shown = {r["municipality"] for r in results if r["fictional"]}
    fictional = [c for c in municipalities() if c["slug"] in shown] if shown else []
    data = {"q": query, "results": results, "truncated": truncated}
    return render(fmt, "start/search.html", data, fictional_shown=fictional)


def found_by(words: str) -> tuple[list[dict[str, Any]], bool]:
    """What the search for ``words`` finds (at most SEARCH_LIMIT), and whether there is more."""
    rows = select(page_sparql("search"), q=Literal(words))
    found = group_entities(rows)
    # the parts of other entities (memberships, responsibilities, consultations) last
    parts = {"Mitgliedschaft", "Zuständigkeit", "Beratung", "Herleitung"}
    found.sort(key=lambda e: (e["kind"] in parts, str(e["label"]).casefold()))
    fictional_slugs = {c["slug"] for c in municipalities() if c["fictional"]}
    results = [
        {
            "iri": e["iri"],
            "label": e["label"],
            "kind": e["kind"],
            "municipality": slug_of(e["iri"]),
            "fictional": slug_of(e["iri"]) in fictional_slugs,
            "url": e["url"],
        }
        for e in found[:SEARCH_LIMIT]
    ]
    return results, len(found) > SEARCH_LIMIT


def check_search(query: str) -> str:
    if len(query) > MAX_SEARCH_LENGTH:
        raise QueryError(
            f"Parameter 'q' ist zu lang ({len(query)} Zeichen, höchstens {MAX_SEARCH_LENGTH}).",
            parameter="q",
        )
    if any(unicodedata.category(char) == "Cc" for char in query):
        raise QueryError("Parameter 'q' enthält Steuerzeichen.", parameter="q")
    return " ".join(query.split())
