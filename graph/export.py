"""Export the stored graph, whole or one municipality's named graph, in common RDF formats;
or the network of actors and networks as GraphML or GEXF for Gephi."""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import StoreError
from graph.namespaces import PREFIXES, municipality_graph
from graph.result_formats import xml_safe
from graph.store.interface import Store, ntriples_in_graph

RDF_FORMATS = ("ttl", "trig", "nq", "jsonld")
#: the membership network (actors and networks) for graph tools such as Gephi
NETWORK_FORMATS = ("graphml", "gexf")
EXPORT_FORMATS = RDF_FORMATS + NETWORK_FORMATS


def export(store: Store, export_format: str, municipality: str | None = None) -> bytes:
    """Serialise the dataset (or one municipality's graph). Turtle has no named graphs, so a
    whole-dataset Turtle export merges them; use TriG or N-Quads to keep them apart.

    ``graphml`` and ``gexf`` give the membership network instead (see ``network_export``)."""
    if export_format in NETWORK_FORMATS:
        return network_export(store, export_format, municipality)
    graph = municipality_graph(municipality) if municipality else None
    if graph is not None and graph not in store.named_graphs():
        known = ", ".join(str(g).rsplit("/", 1)[-1] for g in store.named_graphs())
        raise StoreError(f"no municipality '{municipality}' in the store (graphs: {known})")
    nquads = store.dump(ox.RdfFormat.N_QUADS) if graph is None else _graph_as_nquads(store, graph)
    if export_format == "nq":
        return nquads
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    if export_format == "trig":
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    if export_format == "ttl":
        triples = [quad.triple for quad in quads]
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    if export_format == "jsonld":
        return ox.serialize(quads, format=ox.RdfFormat.JSON_LD) or b""
    raise ValueError(export_format)


def _graph_as_nquads(store: Store, graph: URIRef) -> bytes:
    triples = store.dump(ox.RdfFormat.N_TRIPLES, graph=graph).decode("utf-8")
    return ntriples_in_graph(triples, graph).encode("utf-8")


def network_export(store: Store, export_format: str, municipality: str | None = None) -> bytes:
    """The membership network of one municipality (or of all) as GraphML or GEXF.

    Nodes are actors and networks (``kind``), with the attributes of every network file
    (NODE_ATTRIBUTES and MEASURE_ATTRIBUTES, see ``network_file``), all measured on the
    exported graph; edges are memberships. Organisations only: no personal data is in the
    graph. Fictional municipalities (example city, generated data) are left out of the network
    of all municipalities; name one to export it.
    """
    from graph.analysis.measures import node_measures
    from graph.analysis.projection import known_slugs, membership_graph, read_network

    slugs = [municipality] if municipality else known_slugs(store, fictional=False)
    network = nx.Graph()
    for slug in slugs:
        part = membership_graph(read_network(store, slug))
        nx.set_node_attributes(part, slug, "municipality")
        network.update(part)
    network.graph = {"description": "Integrationsgraph: Mitgliedschaften (Akteure, Netzwerke)"}
    return network_file(network, node_measures(network), export_format).encode("utf-8")


#: The node attributes of every network file, ``ikg export`` and the viewer's GraphML download
#: alike: what the projection (graph.analysis.projection) says a node is — ``kind`` (actor or
#: network), ``type`` (actor type id, or ``netzwerk`` / ``gremium``), ``type_label``,
#: ``collective`` (a group the sources do not break down), ``bipartite`` (0 actor, 1 network)
#: — and its municipality. A node has those it has (a network is never collective).
NODE_ATTRIBUTES = ("label", "kind", "type", "type_label", "collective", "bipartite", "municipality")
#: the centralities, file attribute → key of ``graph.analysis.measures.node_measures``; then
#: ``community``, left out for nodes without ties
MEASURE_ATTRIBUTES = {
    "degree_centrality": "degree_centrality",
    "betweenness_centrality": "betweenness",
    "eigenvector_centrality": "eigenvector",
}
#: ``relation`` (membership, part-of) and the membership's ``role`` as the sources name it
EDGE_ATTRIBUTES = ("relation", "role")


def network_file(
    network: nx.Graph, measures: dict[Hashable, dict[str, object]], export_format: str
) -> str:
    """The one writer of network files: ``network``'s nodes with their NODE_ATTRIBUTES, their
    ``measures`` (``node_measures``) under the names of MEASURE_ATTRIBUTES and ``community``,
    its edges with EDGE_ATTRIBUTES, as GraphML or GEXF (see ``network_document``)."""
    written = nx.Graph()
    written.graph.update(network.graph)
    for node, data in network.nodes(data=True):
        measured = measures[node]
        attributes = {key: data[key] for key in NODE_ATTRIBUTES if key in data}
        attributes.update({name: float(measured[key]) for name, key in MEASURE_ATTRIBUTES.items()})
        if measured["community"] is not None:
            attributes["community"] = measured["community"]
        written.add_node(node, **attributes)
    for source, target, data in network.edges(data=True):
        kept = {key: data[key] for key in EDGE_ATTRIBUTES if key in data}
        written.add_edge(source, target, **kept)
    return network_document(written, export_format)


def network_document(network: nx.Graph, export_format: str) -> str:
    """``network`` as GraphML or GEXF that every XML parser reads: characters XML 1.0 cannot
    carry, in node ids, attribute names or values, are written as U+FFFD (networkx would write
    them as they are, or as a reference to them, and either is not well-formed XML).

    Used by ``network_file``."""
    clean = nx.Graph()
    clean.graph.update({_xml_safe(k): _xml_safe(v) for k, v in network.graph.items()})
    for node, data in network.nodes(data=True):
        clean.add_node(_xml_safe(node), **{_xml_safe(k): _xml_safe(v) for k, v in data.items()})
    for source, target, data in network.edges(data=True):
        clean.add_edge(
            _xml_safe(source),
            _xml_safe(target),
            **{_xml_safe(k): _xml_safe(v) for k, v in data.items()},
        )
    if export_format == "graphml":
        return "\n".join(nx.generate_graphml(clean)) + "\n"
    if export_format == "gexf":
        return "\n".join(nx.generate_gexf(clean)) + "\n"
    raise ValueError(export_format)


def _xml_safe(value: object) -> object:
    return xml_safe(value) if isinstance(value, str) else value
