"""The actor network as a networkx graph: who is a member of which network or body.

Plain functions over plain data so that filters and the layout switch can be tested without a
store: ``diagram`` (from the analysis's projection, graph.analysis.projection) or
``build_graph`` → ``apply_filters`` → ``vis_data`` / ``graphml``. Centralities and communities
come from ``graph.analysis.measures``, measured on the whole (unfiltered) graph so that a node
keeps its size and colour whatever the filters show; the GraphML file is written by the one
writer of network files (``graph.export.network_file``), with the attributes of ``ikg export``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis.measures import node_measures
from graph.analysis.projection import MunicipalityNetwork
from graph.export import network_file
from graph.namespaces import short_id

#: category → (German name, colour, vis shape). Actor types by their id in the actor-type
#: scheme; "network" for networks and working groups, which have no actor type.
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "network": ("Netzwerk / Arbeitskreis", "#f2b134", "diamond"),
    "politisches-gremium": ("Politisches Gremium", "#c0504d", "square"),
    "kommunalverwaltung": ("Kommunalverwaltung", "#4f81bd", "dot"),
    "kommune": ("Kommune", "#1f497d", "dot"),
    "mso": ("Migrantenselbstorganisation", "#2e9e6b", "dot"),
    "wohlfahrtsverband": ("Wohlfahrtsverband", "#8064a2", "dot"),
    "jobcenter": ("Jobcenter", "#4bacc6", "dot"),
    "arbeitsagentur": ("Agentur für Arbeit", "#31859c", "dot"),
    "auslaenderbehoerde": ("Ausländerbehörde", "#7f6000", "dot"),
    "schule": ("Schule / Schulbehörde", "#9bbb59", "dot"),
    "hochschule": ("Hochschule", "#5f7f2f", "dot"),
    "religionsgemeinschaft": ("Religionsgemeinschaft", "#b65a9b", "dot"),
    "institut": ("Institut / Beratung", "#e46c0a", "dot"),
    "foerdermittelgeber": ("Fördermittelgeber", "#a5a5a5", "dot"),
    "zivilgesellschaft": ("Verein / Initiative", "#d99694", "dot"),
    "sonstige": ("Sonstige", "#7f7f7f", "dot"),
}
UNKNOWN = ("Ohne Einordnung", "#bfbfbf", "dot")

#: colours of the communities, largest first; more communities than colours reuse them
COMMUNITY_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#e7ba52",
)
NO_COMMUNITY = ("Ohne Verbindung", "#d9d9d9")

#: what node sizes can stand for: measure key → German name
SIZE_MEASURES = {
    "betweenness": "Vermittlung",
    "degree_centrality": "Verbindungen",
    "eigenvector": "Einfluss",
}


def community_swatch(number: int | None) -> str:
    """The CSS class of a community's colour (the CSP allows no inline styles)."""
    if number is None:
        return "g-0"
    return f"g-{(number - 1) % len(COMMUNITY_COLOURS) + 1}"


def community_colour(number: int | None) -> str:
    if number is None:
        return NO_COMMUNITY[1]
    return COMMUNITY_COLOURS[(number - 1) % len(COMMUNITY_COLOURS)]


@dataclass
class NodeInfo:
    iri: str
    label: str
    category: str
    municipality: str | None = None
    action_fields: set[str] = field(default_factory=set)
    #: what the projection says the node is (the attributes of the GraphML file): "actor" or
    #: "network"; its type id (actor type, "netzwerk", "gremium") and German name; whether it
    #: stands for a group. Without them, they follow from the category.
    kind: str = ""
    type: str = ""
    type_label: str = ""
    collective: bool = False

    def __post_init__(self) -> None:
        network = self.category == "network"
        self.kind = self.kind or ("network" if network else "actor")
        self.type = self.type or ("netzwerk" if network else self.category)
        self.type_label = self.type_label or CATEGORIES.get(self.category, UNKNOWN)[0]


@dataclass
class Filters:
    actor_type: str | None = None
    action_field: str | None = None
    network: str | None = None

    def active(self) -> bool:
        return any((self.actor_type, self.action_field, self.network))


def category_of(actor_type: str | None, is_network: bool) -> str:
    if is_network:
        return "network"
    return actor_type if actor_type in CATEGORIES else (actor_type or "unknown")


def diagram(networks: Iterable[MunicipalityNetwork]) -> tuple[nx.Graph, dict[str, str]]:
    """The diagram of one municipality's network, or of several drawn together, from the
    analysis's projection: every network and political body and every member of a membership
    (an actor here, or one the analysis does not measure: without an actor type, of another
    municipality); edges for memberships (with their roles) and parts of organisations. Also
    the action fields of the networks (short id → label), which the filters offer."""
    nodes: dict[str, NodeInfo] = {}
    memberships: list[tuple[str, str, str | None]] = []
    part_of: list[tuple[str, str]] = []
    field_labels: dict[str, str] = {}
    for data in networks:
        drawn = set(data.networks) | data.bodies | {member for member, _ in data.memberships}
        for iri in sorted(drawn):
            node = _node_info(data, iri)
            current = nodes.get(iri)
            if node is not None and (
                current is None or (current.category == "unknown" and node.category != "unknown")
            ):
                nodes[iri] = node
        for member, organisation in data.memberships:
            roles = data.roles.get((member, organisation), [])
            memberships.append((member, organisation, "; ".join(roles) or None))
        part_of += data.parts
        for network, fields in data.network_fields.items():
            if network in nodes:
                nodes[network].action_fields |= {short_id(iri) for iri in fields}
                field_labels.update({short_id(iri): label for iri, label in fields.items()})
    return build_graph(nodes.values(), memberships, part_of), field_labels


def _node_info(data: MunicipalityNetwork, iri: str) -> NodeInfo | None:
    """A node of the diagram as the projection knows it; None where it has no name."""
    if iri in data.networks:
        network = data.networks[iri]
        return NodeInfo(
            iri=iri,
            label=network.label,
            category=category_of(network.actor_type, not network.committee),
            municipality=data.slug,
            kind="network",
            type="gremium" if network.committee else "netzwerk",
            type_label="Gremium" if network.committee else "Netzwerk / Arbeitskreis",
        )
    if iri in data.actors:
        actor = data.actors[iri]
        return NodeInfo(
            iri=iri,
            label=actor.label,
            category=category_of(actor.type, False),
            municipality=data.slug,
            kind="actor",
            type=actor.type,
            type_label=actor.type_label,
            collective=actor.collective,
        )
    other = data.others.get(iri)
    if other is None:
        return None
    return NodeInfo(
        iri=iri,
        label=other.label,
        category=category_of(other.type, False),
        municipality=other.municipality,
        kind="actor",
        type=other.type or "",
        type_label=other.type_label or (other.type or UNKNOWN[0]),
    )


def build_graph(
    nodes: Iterable[NodeInfo],
    memberships: Iterable[tuple[str, str, str | None]],
    part_of: Iterable[tuple[str, str]] = (),
) -> nx.Graph:
    """Nodes by IRI; edges: membership (member → organisation, with role) and part-of."""
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node.iri, info=node)
    for member, organisation, role in memberships:
        if member in graph and organisation in graph:
            graph.add_edge(member, organisation, relation="membership", role=role or "")
    for child, parent in part_of:
        if child in graph and parent in graph and not graph.has_edge(child, parent):
            graph.add_edge(child, parent, relation="part-of", role="")
    return graph


def without_hierarchy(graph: nx.Graph) -> nx.Graph:
    """The diagram's graph as it is measured: its part-of edges are drawn as context but tie no
    one, so that the city or a parent office is not large by hierarchy alone."""
    measured = graph.copy()
    measured.remove_edges_from(
        [(a, b) for a, b, relation in graph.edges(data="relation") if relation == "part-of"]
    )
    return measured


def apply_filters(graph: nx.Graph, filters: Filters) -> nx.Graph:
    keep = set(graph.nodes)
    info = nx.get_node_attributes(graph, "info")
    if filters.network:
        chosen = {filters.network}
        # the network, its parts (sub-groups) and everyone in any of them
        chosen |= (
            {
                n
                for n in graph.neighbors(filters.network)
                if graph.edges[n, filters.network]["relation"] == "part-of"
            }
            if filters.network in graph
            else set()
        )
        keep &= chosen | {m for c in chosen if c in graph for m in graph.neighbors(c)}
    if filters.action_field:
        networks = {
            n
            for n in keep
            if info[n].category == "network" and filters.action_field in info[n].action_fields
        }
        keep &= networks | {m for n in networks for m in graph.neighbors(n)}
    if filters.actor_type:
        actors = {n for n in keep if info[n].category == filters.actor_type}
        keep &= actors | {
            m for n in actors for m in graph.neighbors(n) if info[m].category == "network"
        }
    return graph.subgraph(keep).copy()


#: The spring layout's work in one request, in node pairs compared: networkx compares every
#: pair of nodes in every iteration, so its time grows with iterations × nodes² (here 1 s at
#: 500 nodes, 2.8 s at 1,000, 8 s at 2,000 and 45 s at 4,882 with 50 iterations). The budget
#: is 50 iterations at 1,000 nodes; a larger graph gets fewer iterations, one that would get
#: fewer than LAYOUT_LEAST_ITERATIONS (more than ~3,200 nodes) is placed on a circle instead:
#: such a diagram is past reading either way, and the page must still answer.
LAYOUT_WORK = 50 * 1000**2
LAYOUT_MOST_ITERATIONS = 50
LAYOUT_LEAST_ITERATIONS = 5


def layout_iterations(nodes: int) -> int:
    """The spring layout's iterations for a graph of ``nodes`` within LAYOUT_WORK; 0: none.

    >>> layout_iterations(500), layout_iterations(1000), layout_iterations(2000)
    (50, 50, 12)
    >>> layout_iterations(5000)
    0
    """
    iterations = min(LAYOUT_MOST_ITERATIONS, LAYOUT_WORK // max(1, nodes) ** 2)
    return iterations if iterations >= LAYOUT_LEAST_ITERATIONS else 0


def layout(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """A seeded spring layout in vis-network's pixel scale, computed on the server for large
    graphs so that the browser does not spin on physics; its work is bounded (LAYOUT_WORK)."""
    if graph.number_of_nodes() == 0:
        return {}
    scale = 60.0 * graph.number_of_nodes() ** 0.5
    iterations = layout_iterations(graph.number_of_nodes())
    if iterations:
        positions = nx.spring_layout(graph, seed=seed, scale=scale, iterations=iterations)
    else:
        positions = nx.circular_layout(sorted(graph.nodes, key=str), scale=scale)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def vis_data(
    graph: nx.Graph,
    urls: dict[str, str | None],
    *,
    server_layout_above: int = 500,
    measures: dict[str, dict[str, object]] | None = None,
    size_by: str = "betweenness",
    colour_by: str = "category",
) -> dict:
    """Nodes and edges for vis-network; every text is plain text (the browser sets it with
    textContent), and for large graphs fixed positions.

    Node sizes stand for ``size_by`` (a key of SIZE_MEASURES), colours for the node's category
    or, with ``colour_by="community"``, its community. ``measures`` are the node measures of
    the whole graph (``node_measures``); without them they are measured on ``graph``.
    """
    info = nx.get_node_attributes(graph, "info")
    measures = measures if measures is not None else node_measures(without_hierarchy(graph))
    positions = layout(graph) if graph.number_of_nodes() > server_layout_above else None
    nodes = []
    for iri in sorted(graph.nodes, key=lambda n: info[n].label.casefold()):
        node = info[iri]
        name, colour, shape = CATEGORIES.get(node.category, UNKNOWN)
        degree = graph.degree(iri)
        measured = measures[iri]
        community = measured["community"]
        if colour_by == "community":
            colour = community_colour(community)
        title = (
            f"{node.label}\n{name}\n{degree} Verbindung{'en' if degree != 1 else ''}\n"
            f"Vermittlung {measured['betweenness']:.2f} · Einfluss {measured['eigenvector']:.2f}"
            f" · Gemeinschaft {community if community is not None else '–'}"
        )
        entry = {
            "id": iri,
            "label": node.label,
            "title": title,
            "category": node.category,
            "color": colour,
            "shape": shape,
            "value": round(float(measured[size_by]), 6),
            "centrality": {
                "degree": round(float(measured["degree_centrality"]), 6),
                "betweenness": round(float(measured["betweenness"]), 6),
                "eigenvector": round(float(measured["eigenvector"]), 6),
            },
            "community": community,
            "url": urls.get(iri),
        }
        if positions is not None:
            entry["x"], entry["y"] = positions[iri]
        nodes.append(entry)
    edges = []
    for source, target, data in sorted(graph.edges(data=True)):
        relation = data["relation"]
        text = "Teil von" if relation == "part-of" else (data["role"] or "Mitglied")
        edges.append(
            {
                "from": source,
                "to": target,
                "relation": relation,
                "title": f"{info[source].label} – {info[target].label}: {text}",
                "dashes": relation == "part-of",
            }
        )
    if colour_by == "community":
        legend = community_legend(graph, measures)
    else:
        counts = Counter(info[n].category for n in graph.nodes)
        legend = [
            {
                "category": key,
                "label": CATEGORIES.get(key, UNKNOWN)[0],
                "color": CATEGORIES.get(key, UNKNOWN)[1],
                "shape": CATEGORIES.get(key, UNKNOWN)[2],
                "count": counts[key],
                "swatch": f"c-{key}",
            }
            for key in list(CATEGORIES) + sorted(set(counts) - set(CATEGORIES))
            if counts.get(key)
        ]
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "physics": positions is None,
    }


def community_legend(graph: nx.Graph, measures: dict[str, dict[str, object]]) -> list[dict]:
    """One legend entry per community shown, largest first; then the nodes without ties."""
    counts = Counter(measures[n]["community"] for n in graph.nodes)
    numbered = sorted(number for number in counts if number is not None)
    legend = [
        {
            "community": number,
            "label": f"Gemeinschaft {number}",
            "count": counts[number],
            "color": community_colour(number),
            "shape": "dot",
            "swatch": community_swatch(number),
        }
        for number in numbered
    ]
    if counts.get(None):
        legend.append(
            {
                "community": None,
                "label": NO_COMMUNITY[0],
                "count": counts[None],
                "color": NO_COMMUNITY[1],
                "shape": "dot",
                "swatch": community_swatch(None),
            }
        )
    return legend


def graphml(graph: nx.Graph, measures: dict[str, dict[str, object]] | None = None) -> str:
    """The diagram as GraphML, written as ``ikg export`` writes the membership network
    (``graph.export.network_file``: the same attributes), with the centralities and the
    community of every node (left out for nodes without ties)."""
    export = nx.Graph()
    info = nx.get_node_attributes(graph, "info")
    for iri in graph.nodes:
        node = info[iri]
        export.add_node(
            iri,
            label=node.label,
            kind=node.kind,
            type=node.type,
            type_label=node.type_label,
            collective=node.collective,
            bipartite=1 if node.kind == "network" else 0,
            municipality=node.municipality or "",
        )
    for source, target, data in graph.edges(data=True):
        export.add_edge(source, target, relation=data["relation"], role=data["role"])
    measured = measures if measures is not None else node_measures(without_hierarchy(graph))
    return network_file(export, measured, "graphml")
