"""Export the stored graph, whole or one municipality's named graph, in common RDF formats."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import StoreError
from graph.namespaces import PREFIXES, municipality_graph
from graph.store import Store, ntriples_in_graph

EXPORT_FORMATS = ("ttl", "trig", "nq", "jsonld")


def export(store: Store, export_format: str, municipality: str | None = None) -> bytes:
    """Serialise the dataset (or one municipality's graph). Turtle has no named graphs, so a
    whole-dataset Turtle export merges them; use TriG or N-Quads to keep them apart."""
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
