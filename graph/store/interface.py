"""What every store is to its readers, and the conversion of terms between rdflib and Oxigraph.

Every implementation (graph.store.embedded, graph.store.remote, graph.store.workers) imports
this module; it imports none of them, so a reader that needs only the interface pulls in no
store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD  # rdflib's own term: this module imports nothing of graph/
from rdflib.term import Node

#: xsd:string as text: Oxigraph and SPARQL JSON results give a datatype as a plain string,
#: which never equals a URIRef
XSD_STRING = str(XSD.string)


@dataclass
class QueryResult:
    """A SELECT (``variables`` and ``rows``) or ASK (``boolean``) result in rdflib terms."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    #: True when the row cap cut the result
    truncated: bool = False
    #: CONSTRUCT/DESCRIBE results, as N-Triples
    triples: bytes | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


class Store(Protocol):
    """What every reader (CLI, viewer, analysis) needs from a store, embedded or remote.

    The default graph is the union of all named graphs, and the project's prefixes are
    predefined, on both kinds.
    """

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult: ...

    def named_graphs(self) -> list[URIRef]: ...

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes: ...

    def graph_size(self, graph: URIRef) -> int: ...

    def quad_count(self) -> int: ...


def to_oxigraph(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def from_oxigraph(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term {term!r}")


def ntriples_in_graph(ntriples: str, graph: URIRef) -> str:
    """N-Triples text → N-Quads text with every triple placed in ``graph``."""
    suffix = f" <{graph}> .\n"
    return "".join(
        line[: line.rstrip().rfind(".")].rstrip() + suffix
        for line in ntriples.splitlines()
        if line.strip()
    )
