"""Profiles: any entity with its label, type, every relation as a link, and for every fact
the source document and the quoted passage (prov:qualifiedDerivation / ikg:passage).

Facts that only an inferred graph holds (an ikg:InferredGraph, graph/inference.py) are marked
"erschlossen", with the rule's reason as the marker's title. The queries are
queries/pages/profile-*.rq."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint
from rdflib import Literal, URIRef

from graph.errors import NotFoundError
from graph.inference import REASONS
from graph.namespaces import IKG, ORG, PROV, RDF, REF, SKOS, entity_iri
from webapp.entities import municipality
from webapp.links import check_local_id, check_slug, entity_url, local_id, slug_of
from webapp.pages import page, render
from webapp.store import page_sparql, select
from webapp.vocabulary import predicate_name, type_name

blueprint = Blueprint("profiles", __name__)

#: shown elsewhere on the page (heading, sources, the tables of memberships/responsibilities;
#: the inferred membership shortcuts org:memberOf/hasMember say what those tables say)
HIDDEN_OUT = {
    RDF.type,
    SKOS.prefLabel,
    PROV.qualifiedDerivation,
    PROV.wasDerivedFrom,
    IKG.municipality,
    ORG.memberOf,
    ORG.hasMember,
}
HIDDEN_IN = {
    IKG.municipality,
    PROV.entity,
    ORG.member,
    ORG.organization,
    IKG.agent,
    IKG.responsibleFor,
    ORG.memberOf,
    ORG.hasMember,
}


@page(blueprint, "/kommune/<slug>/<path:entity_id>", endpoint="entity")
def entity(fmt: str, slug: str, entity_id: str):
    if fmt == "html" and entity_id.endswith(".json"):
        fmt, entity_id = "json", entity_id[: -len(".json")]
    check_slug(slug)
    city = municipality(slug)
    check_local_id(entity_id)
    return profile(fmt, entity_iri(slug, entity_id), city)


@page(blueprint, "/referenz/<path:ref_id>", endpoint="reference")
def reference(fmt: str, ref_id: str):
    if fmt == "html" and ref_id.endswith(".json"):
        fmt, ref_id = "json", ref_id[: -len(".json")]
    check_local_id(ref_id)
    return profile(fmt, REF[ref_id], None)


def label_of(rows: list[dict], key: str, iri: URIRef) -> Any:
    for row in rows:
        if row.get(key) is not None:
            return row[key]
    return local_id(iri)


def profile(fmt: str, iri: URIRef, city: dict[str, Any] | None):
    outgoing = select(page_sparql("profile-outgoing"), e=iri)
    if not outgoing:
        raise NotFoundError(f"Einen Eintrag '{local_id(iri)}' gibt es in den Daten nicht.")
    types = sorted({row["o"] for row in outgoing if row["p"] == RDF.type}, key=str)
    labels = [row["o"] for row in outgoing if row["p"] == SKOS.prefLabel]
    alt_labels = sorted({str(row["o"]) for row in outgoing if row["p"] == SKOS.altLabel})

    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in outgoing:
        predicate = row["p"]
        if predicate in HIDDEN_OUT or predicate == SKOS.altLabel:
            continue
        value = describe_value(row)
        name = predicate_name(predicate)
        if value not in facts[name]:
            facts[name].append(value)

    incoming = select(page_sparql("profile-incoming"), e=iri)
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in incoming:
        if row["p"] in HIDDEN_IN:
            continue
        name = predicate_name(row["p"], incoming=True)
        item = {
            "iri": row["s"],
            "label": row["sLabel"] or local_id(row["s"]),
            "url": entity_url(row["s"]),
            **inference_of(row),
        }
        if item not in mentions[name]:
            mentions[name].append(item)
    for items in mentions.values():
        items.sort(key=lambda i: str(i["label"]).casefold())

    sources = []
    for row in select(page_sparql("profile-sources"), e=iri):
        source = {**source_entry(row), "file": row["file"]}
        if source not in sources:
            sources.append(source)

    members, member_of = memberships(iri)
    responsible, responsibilities = responsibility_rows(iri)
    slug = slug_of(iri)
    is_paper = IKG.Paper in types
    data = {
        "iri": iri,
        "id": local_id(iri),
        "label": labels[0] if labels else local_id(iri),
        "kind": type_name(types),
        "types": types,
        "alt_labels": alt_labels,
        "municipality": city,
        "facts": dict(facts),
        "members": members,
        "member_of": member_of,
        "responsible": responsible,
        "responsibilities": responsibilities,
        "mentioned_by": dict(sorted(mentions.items())),
        "has_inferred": any(
            item.get("inferred")
            for items in [*facts.values(), *mentions.values()]
            for item in items
        ),
        "sources": sources,
        "consultations_url": (entity_url_for_paper(slug, iri) if is_paper and slug else None),
    }
    return render(fmt, "profiles/profile.html", data, city=city)


def entity_url_for_paper(slug: str, iri: URIRef) -> str:
    from flask import url_for

    return url_for("papers.consultations", slug=slug, paper_id=local_id(iri).split("/", 1)[1])


def describe_value(row: dict[str, Any]) -> dict[str, Any]:
    value = row["o"]
    if isinstance(value, Literal):
        return {"text": value, "lang": value.language, **inference_of(row)}
    if row["start"] is not None or row["end"] is not None:
        return {"period": {"start": row["start"], "end": row["end"]}, **inference_of(row)}
    label = row["oLabel"] if row["oLabel"] is not None else local_id(value)
    return {"iri": value, "label": label, "url": entity_url(value), **inference_of(row)}


def inference_of(row: dict[str, Any]) -> dict[str, Any]:
    """{"inferred": True, "reason": …} for a fact only an inferred graph holds, else {}."""
    inferred = row.get("inferred")
    if inferred is None or not inferred.toPython():
        return {}
    reason = REASONS.get(row["p"], "Erschlossen aus den genannten Fakten und der Ontologie.")
    return {"inferred": True, "reason": reason}


#: the kinds of source (graph/sources), as the profile pages tell them apart
SOURCE_KINDS = {
    IKG.SourceDocument: "document",
    IKG.OParlObject: "oparl",
    IKG.TableRow: "table",
    IKG.OfficeStatement: "office",
}


def source_entry(row: dict[str, Any]) -> dict[str, Any]:
    """One source as the page shows it: its label (which says what it is: "Tabelle …, Zeile
    3", "Angabe von … vom …"), a link, and the quoted passage of a document. An OParl object
    links to the council information system itself, where the object's id is its address."""
    source = row["document"]
    kind = SOURCE_KINDS.get(row.get("kind"), "document")
    url = entity_url(source)
    if url is None and kind == "oparl" and str(source).startswith(("https://", "http://")):
        url = str(source)
    return {
        "kind": kind,
        "document": row["documentLabel"] or local_id(source),
        "url": url,
        "external": kind == "oparl",
        "passage": row.get("passage"),
    }


def _source(row: dict[str, Any]) -> dict[str, Any] | None:
    return None if row.get("document") is None else source_entry(row)


def memberships(iri: URIRef) -> tuple[list[dict], list[dict]]:
    """(members of this organisation, organisations this one is a member of)."""
    members: dict[str, dict] = {}
    member_of: dict[str, dict] = {}
    for row in select(page_sparql("profile-memberships"), e=iri):
        target, other, label = (
            (members, row["member"], row["memberLabel"])
            if row["org"] == iri
            else (member_of, row["org"], row["orgLabel"])
        )
        entry = target.setdefault(
            str(row["ms"]),
            {
                "iri": row["ms"],
                "url": entity_url(row["ms"]),
                "other": {"label": label or local_id(other), "url": entity_url(other)},
                "role": row["role"],
                "start": row["start"],
                "end": row["end"],
                "date_text": row["dateText"],
                "sources": [],
            },
        )
        source = _source(row)
        if source and source not in entry["sources"]:
            entry["sources"].append(source)
    order = lambda e: str(e["other"]["label"]).casefold()  # noqa: E731
    return sorted(members.values(), key=order), sorted(member_of.values(), key=order)


def responsibility_rows(iri: URIRef) -> tuple[list[dict], list[dict]]:
    """(who is responsible for this, what this one is responsible for)."""
    responsible: dict[str, dict] = {}
    responsibilities: dict[str, dict] = {}
    for row in select(page_sparql("profile-responsibilities"), e=iri):
        if row["thing"] == iri:
            target, other, label = responsible, row["agent"], row["agentLabel"]
        else:
            target, other, label = responsibilities, row["thing"], row["thingLabel"]
        entry = target.setdefault(
            str(row["r"]),
            {
                "iri": row["r"],
                "role": row["role"],
                "other": {"label": label or local_id(other), "url": entity_url(other)},
                "sources": [],
            },
        )
        source = _source(row)
        if source and source not in entry["sources"]:
            entry["sources"].append(source)
    order = lambda e: str(e["other"]["label"]).casefold()  # noqa: E731
    return sorted(responsible.values(), key=order), sorted(responsibilities.values(), key=order)
