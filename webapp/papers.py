"""Beratungsfolge: the consultations of a council paper, in order."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

from graph.errors import NotFoundError
from graph.namespaces import entity_iri
from webapp.entities import municipality, named_query
from webapp.links import check_slug, entity_url
from webapp.pages import page, render
from webapp.store import page_sparql, select

blueprint = Blueprint("papers", __name__)


def boolean(term) -> bool | None:
    return None if term is None else bool(term.toPython())


def in_meeting_order(steps: Iterable[dict]) -> list[dict]:
    """The Beratungsfolge as it ran: by meeting date, consultations without a known date last
    (each in the order its source lists it); ``position`` numbers them as shown."""
    ordered = sorted(steps, key=lambda s: (s["date"] is None, str(s["date"] or ""), s["order"]))
    for position, step in enumerate(ordered, start=1):
        step["position"] = position
    return ordered


@page(blueprint, "/vorlage/<slug>/<paper_id>", endpoint="consultations")
def consultations(fmt: str, slug: str, paper_id: str):
    city = municipality(slug)
    check_slug(paper_id, "Vorlage")
    paper = entity_iri(slug, paper_id)
    rows = select(page_sparql("paper"), paper=paper)
    if not rows:
        raise NotFoundError(
            f"Eine Vorlage '{paper_id}' gibt es in den Daten von {city['label']} nicht."
        )
    head = rows[0]
    # the named query 'consultations' is the one definition of a paper's Beratungsfolge
    steps: dict[int, dict] = {}
    for row in named_query("consultations", {"paper": f"{slug}/{paper_id}"}).dicts():
        order = int(row["order"].toPython())
        steps.setdefault(
            order,
            {
                "order": order,
                "body": {"label": row["bodyLabel"], "url": entity_url(row["body"])},
                "role": row["role"],
                "authoritative": boolean(row["authoritative"]),
                "public": boolean(row["public"]),
                "date": row["date"],
                "date_text": row["when"],
                "result": row["result"],
                "sources": [],
            },
        )
    for row in select(page_sparql("paper-sources"), paper=paper):
        step = steps.get(int(row["order"].toPython()))
        if step is not None:
            source = {
                "document": row["documentLabel"],
                "url": entity_url(row["document"]),
                "passage": row["passage"],
            }
            if source not in step["sources"]:
                step["sources"].append(source)
    data = {
        "municipality": city,
        "paper": {
            "iri": paper,
            "label": head["label"],
            "number": head["number"],
            "type": head["type"],
            "date": head["date"],
            "date_text": head["dateText"],
            "concerns": None
            if head["concerns"] is None
            else {"label": head["concernsLabel"], "url": entity_url(head["concerns"])},
            "url": entity_url(paper),
        },
        "consultations": in_meeting_order(steps.values()),
    }
    return render(fmt, "papers/consultations.html", data, city=city)
