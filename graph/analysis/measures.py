"""Who is central, who connects groups, who is left out: plain functions over a networkx graph.

Graph first, a plain dict or list back, keyed by node. Every function accepts graphs that fall
apart into several pieces (components) and graphs without edges, and gives the same answer for
the same graph whatever order its nodes were added in.

>>> star = nx.star_graph(4)  # node 0 in the middle, 1 … 4 around it
>>> degree_centrality(star)[0], betweenness(star)[0], betweenness(star)[1]
(1.0, 1.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import numpy
import scipy.sparse.linalg

#: Louvain starts from a random order; a fixed seed gives the same communities every time.
SEED = 1

#: share of the nodes with the highest betweenness that count as brokers (at least one, at
#: most BROKER_MOST), besides every articulation point
BROKER_SHARE = 0.1
BROKER_MOST = 10


def degree_centrality(graph: nx.Graph) -> dict[Hashable, float]:
    """Share of the other nodes a node is tied to (0 … 1).

    >>> degree_centrality(nx.path_graph(3))
    {0: 0.5, 1: 1.0, 2: 0.5}
    >>> degree_centrality(nx.empty_graph(1))
    {0: 0.0}
    """
    if graph.number_of_nodes() <= 1:
        return dict.fromkeys(graph.nodes, 0.0)
    return nx.degree_centrality(graph)


def betweenness(graph: nx.Graph) -> dict[Hashable, float]:
    """Share of the shortest paths between two other nodes that run through a node (0 … 1).

    Counted in steps, not weighted: a tie is a tie, however many networks it stands for.

    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    return nx.betweenness_centrality(graph, normalized=True)


def eigenvector(graph: nx.Graph, weight: str | None = "weight") -> dict[Hashable, float]:
    """Eigenvector centrality: high for nodes tied to nodes that are themselves well tied.

    Computed on each component separately (on a graph in pieces the usual computation gives
    every piece but the largest zero, or fails to converge), then scaled by the component's
    share of the nodes so that a pair on its own does not outrank the centre of a large group.
    Nodes without ties get 0. Computed with sparse matrices (fast on large groups); where that
    fails it falls back to power iteration, and where that does not converge either, to the
    degree — it never raises.

    >>> values = eigenvector(nx.star_graph(3))
    >>> max(values, key=values.get), round(values[0], 3), round(values[1], 3)
    (0, 0.707, 0.408)
    >>> eigenvector(nx.empty_graph(2))
    {0: 0.0, 1: 0.0}
    """
    values: dict[Hashable, float] = dict.fromkeys(graph.nodes, 0.0)
    total = graph.number_of_nodes()
    for nodes in nx.connected_components(graph):
        if len(nodes) < 2:
            continue
        component = _ordered(graph.subgraph(nodes))
        share = math.sqrt(len(nodes) / total)
        for node, value in _component_eigenvector(component, weight).items():
            values[node] = value * share
    return values


def _component_eigenvector(component: nx.Graph, weight: str | None) -> dict[Hashable, float]:
    # ARPACK needs at least three nodes. A fixed start vector makes it give the same digits on
    # every run; the sign of an eigenvector is arbitrary, hence abs.
    if component.number_of_nodes() > 2:
        nodes = list(component)
        matrix = nx.to_scipy_sparse_array(component, nodelist=nodes, weight=weight, dtype=float)
        try:
            _value, vectors = scipy.sparse.linalg.eigsh(
                matrix, k=1, which="LA", v0=numpy.ones(len(nodes))
            )
        except (scipy.sparse.linalg.ArpackError, ValueError, ArithmeticError):
            pass
        else:
            vector = numpy.abs(vectors[:, 0])
            vector /= numpy.linalg.norm(vector) or 1.0
            return dict(zip(nodes, vector.tolist(), strict=True))
    try:
        return nx.eigenvector_centrality(component, max_iter=1000, tol=1e-9, weight=weight)
    except nx.PowerIterationFailedConvergence:
        degrees = dict(component.degree(weight=weight))
        norm = math.sqrt(sum(d * d for d in degrees.values())) or 1.0
        return {node: d / norm for node, d in degrees.items()}


def communities(
    graph: nx.Graph, *, seed: int = SEED, weight: str | None = "weight"
) -> dict[Hashable, int | None]:
    """Groups of nodes more densely tied among themselves than to the rest (Louvain).

    Numbered 1, 2, … from the largest group down; nodes without ties belong to none (None).
    The seed makes the result the same on every run.

    >>> two_groups = nx.barbell_graph(4, 0)  # two groups of four joined by one edge
    >>> found = communities(two_groups)
    >>> sorted(set(found.values())), found[0] == found[3], found[0] == found[4]
    ([1, 2], True, False)
    """
    ordered = _ordered(graph)
    found = nx.community.louvain_communities(ordered, weight=weight, seed=seed)
    groups = [sorted(group, key=str) for group in found if _tied(graph, group)]
    groups.sort(key=lambda group: (-len(group), str(group[0])))
    number: dict[Hashable, int | None] = dict.fromkeys(graph.nodes)
    for index, group in enumerate(groups, start=1):
        for node in group:
            number[node] = index
    return number


def _tied(graph: nx.Graph, group: set) -> bool:
    return len(group) > 1 or any(graph.degree(node) for node in group)


def articulation_points(graph: nx.Graph) -> list[Hashable]:
    """Nodes whose removal splits their part of the graph: without them, some of the others
    are no longer connected at all.

    >>> articulation_points(nx.barbell_graph(3, 1))  # two triangles joined through node 3
    [2, 3, 4]
    """
    return sorted(nx.articulation_points(graph), key=str)


def brokers(
    graph: nx.Graph,
    *,
    share: float = BROKER_SHARE,
    most: int = BROKER_MOST,
    centrality: dict[Hashable, float] | None = None,
) -> dict[Hashable, dict[str, object]]:
    """Nodes that connect others: articulation points, and the top ``share`` of nodes by
    betweenness (at least one, at most ``most``, only nodes with betweenness above 0; nodes
    tied with the last one count too).

    Each broker maps to its ``betweenness`` and why it is one (``articulation_point``,
    ``high_betweenness``); ordered by betweenness, highest first.

    >>> found = brokers(nx.barbell_graph(3, 1))
    >>> list(found)
    [3, 2, 4]
    >>> found[3]
    {'betweenness': 0.6, 'articulation_point': True, 'high_betweenness': True}
    >>> brokers(nx.complete_graph(4))
    {}
    """
    values = centrality if centrality is not None else betweenness(graph)
    cut = set(articulation_points(graph))
    highest = sorted((v for v in values.values() if v > 0), reverse=True)
    highest = highest[: min(most, max(1, math.ceil(share * len(values))))]
    threshold = highest[-1] if highest else math.inf
    found = {
        node: {
            "betweenness": values[node],
            "articulation_point": node in cut,
            "high_betweenness": values[node] >= threshold,
        }
        for node in graph.nodes
        if node in cut or values[node] >= threshold
    }
    return dict(sorted(found.items(), key=lambda item: (-values[item[0]], str(item[0]))))


def isolated(graph: nx.Graph) -> list[Hashable]:
    """Nodes without a single tie.

    >>> graph = nx.path_graph(2)
    >>> graph.add_node("alone")
    >>> isolated(graph)
    ['alone']
    """
    return sorted(nx.isolates(graph), key=str)


def _ordered(graph: nx.Graph) -> nx.Graph:
    """A copy with nodes and edges in a fixed order, so that seeded algorithms give the same
    answer however the graph was built."""
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes, key=str))
    ordered.add_edges_from(
        sorted(
            (tuple(sorted((a, b), key=str)) + (data,) for a, b, data in graph.edges(data=True)),
            key=lambda edge: (str(edge[0]), str(edge[1])),
        )
    )
    return ordered


def node_measures(graph: nx.Graph, *, seed: int = SEED) -> dict[Hashable, dict[str, object]]:
    """Every measure of every node in one dict: ``degree_centrality``, ``betweenness``,
    ``eigenvector``, ``community`` (None for nodes without ties), ``articulation_point``.

    >>> measures = node_measures(nx.star_graph(2))
    >>> measures[0]["betweenness"], measures[0]["community"], measures[0]["articulation_point"]
    (1.0, 1, True)
    """
    degree = degree_centrality(graph)
    between = betweenness(graph)
    eigen = eigenvector(graph)
    community = communities(graph, seed=seed)
    cut = set(articulation_points(graph))
    return {
        node: {
            "degree_centrality": degree[node],
            "betweenness": between[node],
            "eigenvector": eigen[node],
            "community": community[node],
            "articulation_point": node in cut,
        }
        for node in graph.nodes
    }
