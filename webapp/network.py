"""Netzwerk: actors, networks and bodies with their memberships as an interactive diagram,
drawn from the network analysis's projection of each municipality (graph.analysis)."""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

import networkx as nx
from flask import Blueprint, Response, current_app, request, url_for
from rdflib import URIRef

from graph.analysis.measures import node_measures
from graph.analysis.projection import DEFAULT_TIES, MunicipalityNetwork, read_network, tie_kinds
from graph.analysis.reach import field_reach
from graph.analysis.report import analyse_network
from graph.errors import QueryError
from graph.namespaces import short_id
from webapp.comparison import FICTIONAL_PARAMETER, include_fictional
from webapp.entities import municipalities, municipality
from webapp.links import entity_url
from webapp.network_graph import (
    CATEGORIES,
    COMMUNITY_COLOURS,
    NO_COMMUNITY,
    UNKNOWN,
    Filters,
    apply_filters,
    community_swatch,
    diagram,
    graphml,
    vis_data,
    without_hierarchy,
)
from webapp.network_overview import (
    OVERVIEW_KINDS,
    OverviewMunicipality,
    OverviewNetwork,
    overview_data,
)
from webapp.pages import page, render
from webapp.store import cached, get_store, page_sparql, select

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


def network_of(slug: str) -> MunicipalityNetwork:
    """One municipality's network as the analysis reads it (graph.analysis.projection), once
    per built store: the diagram and the analysis panel both stand on it. Callers must not
    change it."""
    return cached(("network", slug), lambda: read_network(get_store(), slug))


def load_graph(slug: str | None, hidden: frozenset[str] = frozenset()):
    """The diagram of one municipality, or of all but the ``hidden`` ones (slugs), drawn
    from their projections (each read in its municipality's graphs only, so that a diagram
    costs what its data costs, and the hidden ones — generated municipalities may be most of
    the store — are never read), then filtered and drawn per request. Callers must not change
    it."""

    def read() -> tuple[nx.Graph, dict[str, str]]:
        slugs = [slug] if slug else [c["slug"] for c in municipalities() if c["slug"] not in hidden]
        return diagram(network_of(each) for each in slugs)

    return cached(("graph", slug, hidden), read)


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
            known.update(
                {
                    key.split("/", 1)[1]: iri
                    for key, iri in list(known.items())
                    if "/" in key and key.split("/", 1)[1] not in known
                }
            )
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


def read_ties() -> tuple[str, ...]:
    """The kinds of tie the panel counts (``verbindungen``, as ``ikg analyse --ties``:
    comma-separated, e.g. ``membership,measure``); every kind when not given."""
    value = request.args.get("verbindungen", "").strip()
    try:
        return tie_kinds(value or None)
    except ValueError as error:
        raise QueryError(f"Parameter 'verbindungen': {error}", parameter="verbindungen") from None


def analysis_panel(slug: str, ties: tuple[str, ...] = DEFAULT_TIES) -> dict[str, Any]:
    """The municipality's network analysis (as `ikg analyse`) counting the kinds of tie
    ``ties``, with profile links for the brokers and isolated MSOs the panel lists."""

    def compute() -> dict[str, Any]:
        network = network_of(slug)
        data = analyse_network(network, field_reach(get_store(), network), ties=ties).to_dict()
        for entry in data["brokers"] + data["isolated_msos"]:
            entry["url"] = entity_url_of(entry["iri"])
        return data

    return cached(("analysis", slug, ties), compute)


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
    if slug is None:
        size = whole_network_size(hidden)
        if size > overview_threshold():
            return overview_view(fmt, hidden, fictional_shown, size)
    full, field_labels = load_graph(slug, hidden)
    filters = read_filters(full, field_labels)
    graph = apply_filters(full, filters)
    focus, steps = read_focus(graph)
    view = read_view()
    ties = read_ties()
    # measured on the whole graph, so that a node keeps its size and colour under any filter
    measures = cached(("diagram", slug, hidden), lambda: node_measures(without_hierarchy(full)))

    def draw() -> dict[str, Any]:
        return vis_data(
            graph,
            {iri: entity_url_of(iri) for iri in graph.nodes},
            server_layout_above=current_app.config["LAYOUT_ON_SERVER_ABOVE"],
            measures=measures,
            size_by=VIEW_PARAMETERS["groesse"][view["groesse"]][0],
            colour_by=VIEW_PARAMETERS["farbe"][view["farbe"]][0],
        )

    # kept per built store: a large diagram's layout is computed on the server
    drawn = cached(("drawing", slug, hidden, astuple(filters), *view.values()), draw)
    diagram = {**drawn, "focus": None}
    if focus is not None:
        near = nx.single_source_shortest_path_length(graph, focus, cutoff=steps)
        diagram["nodes"] = [{**node, "faded": node["id"] not in near} for node in drawn["nodes"]]
        diagram["focus"] = {"id": focus, "steps": steps, "highlighted": len(near)}
    info = {n: d["info"] for n, d in full.nodes(data=True)}
    options = {
        "typ": sorted(
            (
                {"value": c, "label": CATEGORIES.get(c, UNKNOWN)[0]}
                for c in {i.category for i in info.values()}
                if c != "network" and c in CATEGORIES
            ),
            key=lambda o: o["label"],
        ),
        "feld": sorted(
            ({"value": k, "label": v} for k, v in field_labels.items()),
            key=lambda o: o["label"].casefold(),
        ),
        "netzwerk": sorted(
            (
                {"value": short_id(n), "label": i.label}
                for n, i in info.items()
                if i.category in ("network", "politisches-gremium")
            ),
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
        "analysis": analysis_panel(slug, ties) if slug else None,
        "fictional_included": bool(fictional_shown),
        "fictional_hidden": sorted(hidden),
        "node_count": len(diagram["nodes"]),
        "edge_count": len(diagram["edges"]),
        **diagram,
    }
    if city:
        return render(fmt, "network/network.html", data, city=city)
    return render(fmt, "network/network.html", data, city=city, fictional_shown=fictional_shown)


# -- the overview of all municipalities ----------------------------------------------------

#: More nodes than this in the network of all municipalities shown and /netzwerk is an
#: overview: each municipality with its networks and bodies, not every actor. 500 is where the
#: browser stops laying a diagram out itself (LAYOUT_ON_SERVER_ABOVE): past it a diagram is a
#: cloud no one reads, and its layout on the server took 45 s a request at 20 generated
#: municipalities (4,882 nodes). One generated municipality (~250 nodes) and the real cities
#: with the example city (325) are still drawn whole. The app setting NETWORK_OVERVIEW_ABOVE
#: overrides it (tests lower it).
OVERVIEW_ABOVE = 500

#: what only the full diagram has: filters, focus, sizes and colours by measure
ACTOR_PARAMETERS = (*FILTER_PARAMETERS, "fokus", "umkreis", *VIEW_PARAMETERS)


def german(number: int) -> str:
    """4882 → '4.882'."""
    return f"{number:,}".replace(",", ".")


def overview_threshold() -> int:
    return int(current_app.config.get("NETWORK_OVERVIEW_ABOVE", OVERVIEW_ABOVE))


def network_sizes() -> dict[str, dict[str, int]]:
    """Per municipality slug: ``nodes`` (what its diagram draws: networks, bodies, members),
    ``networks``, ``bodies``, ``members`` (queries/pages/network-sizes.rq), read once per
    built store."""

    def read() -> dict[str, dict[str, int]]:
        return {
            short_id(str(row["m"])): {
                key: int(row[key].toPython()) for key in ("nodes", "networks", "bodies", "members")
            }
            for row in select(page_sparql("network-sizes"))
        }

    return cached(("network-sizes",), read)


def whole_network_size(hidden: frozenset[str]) -> int:
    """The nodes the diagram of all municipalities but the ``hidden`` ones would have (an
    actor in two municipalities' networks counted twice), known without reading them."""
    return sum(size["nodes"] for slug, size in network_sizes().items() if slug not in hidden)


def overview_view(
    fmt: str, hidden: frozenset[str], fictional_shown: list[dict[str, Any]], size: int
):
    """Each municipality shown with its networks and bodies (webapp.network_overview),
    computed once per built store and choice of fictional municipalities."""
    towns = [c for c in municipalities() if c["slug"] not in hidden]
    for parameter in ACTOR_PARAMETERS:
        if request.args.get(parameter, "").strip():
            example = url_for("network.municipality", slug=towns[0]["slug"]) if towns else ""
            raise QueryError(
                f"Parameter '{parameter}': Das Netzwerk aller Kommunen ist mit {german(size)} "
                "Knoten zu groß, um jeden Akteur zu zeigen, und zeigt hier nur die Kommunen mit "
                "ihren Netzwerken und Gremien. Filter, Fokus, Größe und Farbe gibt es auf der "
                f"Netzwerkseite jeder Kommune (z. B. {example}); lassen Sie '{parameter}' hier "
                f"weg. / The network of all municipalities is an overview ({size} nodes); "
                f"'{parameter}' applies on each municipality's network page.",
                parameter=parameter,
            )
    data = cached(("overview", hidden), lambda: overview_page(towns, hidden, size))
    return render(fmt, "network/overview.html", data, fictional_shown=fictional_shown)


def overview_page(towns: list[dict[str, Any]], hidden: frozenset[str], size: int) -> dict[str, Any]:
    sizes = network_sizes()
    empty = {"nodes": 0, "networks": 0, "bodies": 0, "members": 0}
    expected_rows = sum(
        sizes.get(t["slug"], empty)["networks"] + sizes.get(t["slug"], empty)["bodies"]
        for t in towns
    )
    # one row per network or body (a second label is a second row): ~27 a generated
    # municipality, more than the row cap (which guards tables people read) at 400
    # municipalities; how many there are is known, and all of them are needed
    cap = max(current_app.config["ROW_CAP"], 2 * expected_rows)
    rows = select(page_sparql("network-overview"), row_cap=cap)
    seen: dict[str, OverviewNetwork] = {}
    for row in rows:
        iri, slug = str(row["e"]), short_id(str(row["m"]))
        is_network = bool(row["isNetwork"].toPython())
        if slug in hidden or (iri in seen and (seen[iri].category == "network" or not is_network)):
            continue  # a second label, or a body that is a network too (drawn as a network)
        seen[iri] = OverviewNetwork(
            iri=iri,
            label=str(row["label"]),
            category="network" if is_network else "politisches-gremium",
            municipality=slug,
            members=int(row["members"].toPython()),
            url=url_for("network.municipality", slug=slug, netzwerk=short_id(iri)),
        )
    summaries = [
        {
            "slug": t["slug"],
            "label": t["label"],
            "fictional": t["fictional"],
            **{k: v for k, v in sizes.get(t["slug"], empty).items() if k != "nodes"},
            "diagram_nodes": sizes.get(t["slug"], empty)["nodes"],
            "network_url": url_for("network.municipality", slug=t["slug"]),
            "graphml_url": url_for("network.municipality_graphml", slug=t["slug"]),
        }
        for t in towns
    ]
    diagram = overview_data(
        [
            OverviewMunicipality(
                iri=str(t["iri"]),
                slug=t["slug"],
                label=str(t["label"]),
                fictional=t["fictional"],
                members=sizes.get(t["slug"], empty)["members"],
                url=url_for("network.municipality", slug=t["slug"]),
            )
            for t in towns
        ],
        list(seen.values()),
    )
    return {
        "municipality": None,
        "overview": {"whole_network_nodes": size, "threshold": overview_threshold()},
        "municipalities": summaries,
        "fictional_included": any(t["fictional"] for t in towns),
        "fictional_hidden": sorted(hidden),
        "node_count": len(diagram["nodes"]),
        "edge_count": len(diagram["edges"]),
        **diagram,
        "focus": None,
    }


def entity_url_of(iri: str) -> str | None:
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
        graphml(
            graph, cached(("diagram", slug, hidden), lambda: node_measures(without_hierarchy(full)))
        ),
        mimetype="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.route("/kommune/<slug>/netzwerk.graphml")
def municipality_graphml(slug: str):
    return graphml_response(slug)


@blueprint.route("/netzwerk.graphml")
def all_graphml():
    hidden, _shown = hidden_municipalities(None)
    size = whole_network_size(hidden)
    if size > overview_threshold():
        # its measures (betweenness over every pair of nodes) took 10 s at 4,882 nodes and grow
        # with the square; one municipality's file is a few hundred nodes
        raise QueryError(
            f"Das Netzwerk aller Kommunen ist mit {german(size)} Knoten zu groß für eine "
            f"GraphML-Datei mit Kennzahlen (höchstens {overview_threshold()}). Laden Sie es je "
            "Kommune, z. B. /kommune/<kommune>/netzwerk.graphml (Links in der Liste auf "
            f"{url_for('network.all_municipalities')}). / The network of all "
            "municipalities is too large for one GraphML file; download it per municipality."
        )
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
    rules += [
        f".swatch.o-{kind} {{ background: {colour}; }}"
        for kind, (_name, colour, _shape) in OVERVIEW_KINDS.items()
    ]
    response = Response("\n".join(rules) + "\n", mimetype="text/css")
    response.cache_control.max_age = 3600
    return response
