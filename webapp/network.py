"""Netzwerk: actors, networks and bodies with their memberships as an interactive diagram."""

from __future__ import annotations

from typing import Any

import networkx as nx
from flask import Blueprint, Response, current_app, request, url_for

from graph.analysis.measures import node_measures
from graph.analysis.report import analyse
from graph.errors import QueryError
from graph.namespaces import ACTOR_TYPE_SCHEME, municipality_iri, short_id
from graph.queries import stated_dataset
from webapp.comparison import FICTIONAL_PARAMETER, include_fictional
from webapp.entities import municipalities, municipality
from webapp.links import entity_url
from webapp.network_graph import (
    CATEGORIES,
    COMMUNITY_COLOURS,
    NO_COMMUNITY,
    UNKNOWN,
    Filters,
    NodeInfo,
    apply_filters,
    build_graph,
    category_of,
    community_swatch,
    graphml,
    vis_data,
)
from webapp.pages import page, render
from webapp.store import cached, get_store, select

blueprint = Blueprint("network", __name__)

#: GET parameters of the filters (German, so the URL reads well)
FILTER_PARAMETERS = {"typ": "actor_type", "feld": "action_field", "netzwerk": "network"}

#: GET parameters of how the diagram is drawn: value → (what vis_data calls it, German name).
#: The first value is the default.
VIEW_PARAMETERS: dict[str, dict[str, tuple[str, str]]] = {
    "groesse": {
        "vermittlung": ("betweenness", "Vermittlung (Zwischenzentralität)"),
        "verbindungen": ("degree_centrality", "Verbindungen (Gradzentralität)"),
        "einfluss": ("eigenvector", "Einfluss (Eigenvektorzentralität)"),
    },
    "farbe": {
        "typ": ("category", "Akteurstyp"),
        "gemeinschaft": ("community", "Gemeinschaft"),
    },
}

NODES = """
SELECT ?e ?label ?type ?isNetwork ?city ?m ?scheme WHERE {
  {
    SELECT DISTINCT ?e ?m WHERE {
      { ?e a org:OrganizationalCollaboration ; ikg:municipality ?m }
      UNION { ?e a ikg:PoliticalBody ; ikg:municipality ?m }
      UNION { ?ms a org:Membership ; ikg:municipality ?m ; org:member ?e }
    }
  }
  ?e skos:prefLabel ?label .
  OPTIONAL { ?e ikg:municipality ?city }
  OPTIONAL { ?e org:classification ?type . ?type skos:inScheme ?scheme }
  BIND (EXISTS { ?e a org:OrganizationalCollaboration } AS ?isNetwork)
}
"""

FIELDS = """
SELECT ?e ?field ?fieldLabel ?m WHERE {
  ?e a org:OrganizationalCollaboration ; ikg:municipality ?m ; ikg:actionField ?field .
  ?field skos:prefLabel ?fieldLabel .
}
"""

MEMBERSHIPS = """
SELECT ?member ?org ?role ?m WHERE {
  ?ms a org:Membership ; ikg:municipality ?m ; org:member ?member ; org:organization ?org .
  OPTIONAL { ?ms ikg:roleLabel ?role }
}
"""

PART_OF = """
SELECT ?child ?parent ?m WHERE { ?child ikg:municipality ?m ; org:subOrganizationOf ?parent . }
"""


def load_graph(slug: str | None, hidden: frozenset[str] = frozenset()):
    """The network of one municipality, or of all but the ``hidden`` ones (slugs): read once
    per built store (four queries, ~140 ms for one of ten generated municipalities), then
    filtered and drawn per request. Callers must not change it."""
    return cached(("graph", slug, hidden), lambda: _read_graph(slug, hidden))


def _read_graph(slug: str | None, hidden: frozenset[str]):
    bindings: dict[str, Any] = {"m": municipality_iri(slug)} if slug else {}
    # one municipality: read its graph only, so that its diagram costs what its data costs
    # (the engine would otherwise start from every network of every municipality)
    graphs = stated_dataset([slug]) if slug else None
    node_rows = select(NODES, graphs, scheme=ACTOR_TYPE_SCHEME, **bindings)
    nodes: dict[str, NodeInfo] = {}
    for row in node_rows:
        iri = str(row["e"])
        if row["m"] is not None and short_id(str(row["m"])) in hidden:
            continue
        actor_type = str(row["type"]).rsplit("/", 1)[-1] if row["type"] is not None else None
        is_network = bool(row["isNetwork"].toPython())
        current = nodes.get(iri)
        if current is None or (current.category == "unknown" and actor_type):
            city = row["city"]
            nodes[iri] = NodeInfo(
                iri=iri,
                label=str(row["label"]),
                category=category_of(actor_type, is_network),
                municipality=str(city).rsplit("/", 1)[-1] if city is not None else None,
            )
    field_labels: dict[str, str] = {}
    for row in select(FIELDS, graphs, **bindings):
        iri = str(row["e"])
        if iri in nodes:
            nodes[iri].action_fields.add(short_id(str(row["field"])))
            field_labels[short_id(str(row["field"]))] = str(row["fieldLabel"])
    memberships = [
        (str(r["member"]), str(r["org"]), None if r["role"] is None else str(r["role"]))
        for r in select(MEMBERSHIPS, graphs, **bindings)
    ]
    part_of = [(str(r["child"]), str(r["parent"])) for r in select(PART_OF, graphs, **bindings)]
    return build_graph(nodes.values(), memberships, part_of), field_labels


def read_filters(graph, field_labels: dict[str, str]) -> Filters:
    filters = Filters()
    info = {n: d["info"] for n, d in graph.nodes(data=True)}
    networks = {short_id(n): n for n, node in info.items() if node.category in ("network",)}
    bodies = {short_id(n): n for n, node in info.items() if node.category == "politisches-gremium"}
    for parameter, attribute in FILTER_PARAMETERS.items():
        value = request.args.get(parameter, "").strip()
        if not value:
            continue
        if parameter == "typ":
            if value not in CATEGORIES or value == "network":
                raise QueryError(
                    f"Parameter 'typ': unbekannter Akteurstyp '{value[:60]}'. Erlaubt: "
                    + ", ".join(k for k in CATEGORIES if k != "network"),
                    parameter="typ",
                )
        elif parameter == "feld":
            if value not in field_labels:
                raise QueryError(
                    f"Parameter 'feld': kein Handlungsfeld '{value[:60]}' an den Netzwerken "
                    "dieser Ansicht.",
                    parameter="feld",
                )
        elif parameter == "netzwerk":
            known = {**networks, **bodies}
            # inside one municipality the bare id will do
            known.update({key.split("/", 1)[1]: iri for key, iri in list(known.items())
                          if "/" in key and key.split("/", 1)[1] not in known})
            if value not in known:
                raise QueryError(
                    f"Parameter 'netzwerk': kein Netzwerk oder Gremium '{value[:60]}' in "
                    "dieser Ansicht.",
                    parameter="netzwerk",
                )
            value = known[value]
        setattr(filters, attribute, value)
    return filters


def read_view() -> dict[str, str]:
    """The chosen value of each view parameter (``groesse``, ``farbe``), default if not given."""
    chosen = {}
    for parameter, values in VIEW_PARAMETERS.items():
        value = request.args.get(parameter, "").strip() or next(iter(values))
        if value not in values:
            raise QueryError(
                f"Parameter '{parameter}': '{value[:40]}' ist nicht erlaubt. Erlaubt: "
                + ", ".join(values),
                parameter=parameter,
            )
        chosen[parameter] = value
    return chosen


def analysis_panel(slug: str) -> dict[str, Any]:
    """The municipality's network analysis (as `ikg analyse`), with profile links for the
    brokers and isolated MSOs the panel lists."""

    def compute() -> dict[str, Any]:
        data = analyse(get_store(), slug).to_dict()
        for entry in data["brokers"] + data["isolated_msos"]:
            entry["url"] = entity_url_of(entry["iri"])
        return data

    return cached(("analysis", slug), compute)


FOCUS_STEPS = ("1", "2")


def read_focus(graph) -> tuple[str | None, int]:
    """The node whose neighbourhood is highlighted (``fokus``, its short id) and how many
    steps around it (``umkreis``, 1 or 2); everything else is drawn faded."""
    value = request.args.get("fokus", "").strip()
    steps = request.args.get("umkreis", "").strip() or "1"
    if steps not in FOCUS_STEPS:
        raise QueryError(
            f"Parameter 'umkreis': '{steps[:20]}' ist nicht erlaubt. Erlaubt: 1, 2",
            parameter="umkreis",
        )
    if not value:
        return None, int(steps)
    by_short = {short_id(n): n for n in graph.nodes}
    if value not in by_short:
        raise QueryError(
            f"Parameter 'fokus': kein Knoten '{value[:60]}' in dieser Ansicht "
            "(Kennung wie 'oberhausen/ki'; Filter beachten).",
            parameter="fokus",
        )
    return by_short[value], int(steps)


def hidden_municipalities(slug: str | None) -> tuple[frozenset[str], list[dict[str, Any]]]:
    """Fictional municipalities (example city, generated data) are drawn with the real ones
    only when asked for (``fiktiv=1``, as on the comparison page): the slugs to leave out,
    and the fictional municipalities that are shown."""
    if slug:
        return frozenset(), []
    fictional = [c for c in municipalities() if c["fictional"]]
    if include_fictional():
        return frozenset(), fictional
    return frozenset(c["slug"] for c in fictional), []


def network_view(fmt: str, slug: str | None):
    city = municipality(slug) if slug else None
    hidden, fictional_shown = hidden_municipalities(slug)
    full, field_labels = load_graph(slug, hidden)
    filters = read_filters(full, field_labels)
    graph = apply_filters(full, filters)
    focus, steps = read_focus(graph)
    view = read_view()
    urls = {iri: entity_url_of(iri) for iri in graph.nodes}
    # measured on the whole graph, so that a node keeps its size and colour under any filter
    measures = cached(("diagram", slug, hidden), lambda: node_measures(full))
    diagram = vis_data(
        graph,
        urls,
        server_layout_above=current_app.config["LAYOUT_ON_SERVER_ABOVE"],
        measures=measures,
        size_by=VIEW_PARAMETERS["groesse"][view["groesse"]][0],
        colour_by=VIEW_PARAMETERS["farbe"][view["farbe"]][0],
    )
    diagram["focus"] = None
    if focus is not None:
        near = nx.single_source_shortest_path_length(graph, focus, cutoff=steps)
        for node in diagram["nodes"]:
            node["faded"] = node["id"] not in near
        diagram["focus"] = {"id": focus, "steps": steps, "highlighted": len(near)}
    info = {n: d["info"] for n, d in full.nodes(data=True)}
    options = {
        "typ": sorted(
            ({"value": c, "label": CATEGORIES.get(c, UNKNOWN)[0]}
             for c in {i.category for i in info.values()} if c != "network" and c in CATEGORIES),
            key=lambda o: o["label"],
        ),
        "feld": sorted(
            ({"value": k, "label": v} for k, v in field_labels.items()),
            key=lambda o: o["label"].casefold(),
        ),
        "netzwerk": sorted(
            ({"value": short_id(n), "label": i.label} for n, i in info.items()
             if i.category in ("network", "politisches-gremium")),
            key=lambda o: o["label"].casefold(),
        ),
    }
    chosen = {p: v for p in FILTER_PARAMETERS if (v := request.args.get(p, "").strip())}
    if fictional_shown:
        chosen[FICTIONAL_PARAMETER] = "1"
    # the GraphML export is the filtered data; the focus only changes how the view is drawn
    if slug:
        graphml_url = url_for("network.municipality_graphml", slug=slug, **chosen)
    else:
        graphml_url = url_for("network.all_graphml", **chosen)
    data = {
        "municipality": city,
        "graphml_url": graphml_url,
        "filters": {p: request.args.get(p, "") for p in FILTER_PARAMETERS},
        "options": options,
        "focus_options": sorted(
            ({"value": short_id(n), "label": info[n].label} for n in graph.nodes),
            key=lambda o: o["label"].casefold(),
        ),
        "focus_choice": {"fokus": request.args.get("fokus", ""), "umkreis": str(steps)},
        "view": view,
        "view_options": {
            parameter: [{"value": value, "label": label} for value, (_k, label) in values.items()]
            for parameter, values in VIEW_PARAMETERS.items()
        },
        "size_measure": VIEW_PARAMETERS["groesse"][view["groesse"]][1],
        "communities": len({m["community"] for m in measures.values()} - {None}),
        "analysis": analysis_panel(slug) if slug else None,
        "fictional_included": bool(fictional_shown),
        "fictional_hidden": sorted(hidden),
        "node_count": len(diagram["nodes"]),
        "edge_count": len(diagram["edges"]),
        **diagram,
    }
    if city:
        return render(fmt, "network/network.html", data, city=city)
    return render(fmt, "network/network.html", data, city=city, fictional_shown=fictional_shown)


def entity_url_of(iri: str) -> str | None:
    from rdflib import URIRef

    return entity_url(URIRef(iri))


@page(blueprint, "/netzwerk", endpoint="all_municipalities")
def all_municipalities(fmt: str):
    return network_view(fmt, None)


@page(blueprint, "/kommune/<slug>/netzwerk", endpoint="municipality")
def municipality_network(fmt: str, slug: str):
    return network_view(fmt, slug)


def graphml_response(slug: str | None) -> Response:
    if slug:
        municipality(slug)
    hidden, _shown = hidden_municipalities(slug)
    full, field_labels = load_graph(slug, hidden)
    graph = apply_filters(full, read_filters(full, field_labels))
    name = f"netzwerk-{slug or 'alle'}.graphml"
    return Response(
        graphml(graph, cached(("diagram", slug, hidden), lambda: node_measures(full))),
        mimetype="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.route("/kommune/<slug>/netzwerk.graphml")
def municipality_graphml(slug: str):
    return graphml_response(slug)


@blueprint.route("/netzwerk.graphml")
def all_graphml():
    return graphml_response(None)


@blueprint.route("/netzwerk/farben.css")
def colours():
    """Legend colours as classes: the CSP allows no inline style attributes."""
    rules = [
        f".swatch.c-{key} {{ background: {colour}; }}"
        for key, (_name, colour, _shape) in CATEGORIES.items()
    ]
    rules.append(f".swatch.c-unknown {{ background: {UNKNOWN[1]}; }}")
    rules += [
        f".swatch.{community_swatch(number)} {{ background: {colour}; }}"
        for number, colour in enumerate(COMMUNITY_COLOURS, start=1)
    ]
    rules.append(f".swatch.{community_swatch(None)} {{ background: {NO_COMMUNITY[1]}; }}")
    response = Response("\n".join(rules) + "\n", mimetype="text/css")
    response.cache_control.max_age = 3600
    return response
