"""The embedded store on disk (pyoxigraph), opened read-only; graph.store.builds writes it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.namespaces import PREFIXES
from graph.store.interface import QueryResult, from_oxigraph, to_oxigraph


class EmbeddedStore:
    """A built store opened for reading. The web process and queries only ever use this."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise StoreError(
                f"no store at {path}: run 'ikg build' first (or pass --store / set IKG_STORE)"
            )
        try:
            self._store = ox.Store.read_only(str(path.resolve()))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult:
        """Run a read-only query; values in ``bindings`` are substituted as RDF terms.

        SELECT gives ``rows``, ASK ``boolean``, CONSTRUCT/DESCRIBE ``triples``. The project's
        prefixes (``ikg:``, ``org:``, ``skos:`` …) are predefined; a query may declare its own.
        The store is open read-only and this method cannot run updates (they do not parse as a
        query).

        ``default_graphs`` and ``named_graphs`` set the dataset as the SPARQL protocol's
        ``default-graph-uri`` and ``named-graph-uri`` do: when either is given, the default
        graph is the merge of ``default_graphs`` only (empty if none), not the union of all.
        """
        substitutions = {
            ox.Variable(name): to_oxigraph(value) for name, value in (bindings or {}).items()
        }
        dataset_given = default_graphs is not None or named_graphs is not None
        try:
            answer = self._store.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=not dataset_given,
                default_graph=[ox.NamedNode(str(g)) for g in default_graphs or []]
                if dataset_given
                else None,
                named_graphs=None
                if named_graphs is None
                else [ox.NamedNode(str(g)) for g in named_graphs],
                substitutions=substitutions or None,
            )
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from error
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [variable.value for variable in answer.variables]
            positions = range(len(variables))
            rows: list[tuple[Node | None, ...]] = []
            truncated = False
            # each distinct term converted once: a comparison of a hundred municipalities has
            # 13,500 values but 1,500 distinct ones, and an rdflib Literal costs ~13 µs
            converted: dict[object, Node | None] = {None: None}
            for solution in answer:
                if row_cap is not None and len(rows) >= row_cap:
                    truncated = True
                    break
                row = []
                for position in positions:
                    term = solution[position]
                    if term not in converted:
                        converted[term] = from_oxigraph(term)
                    row.append(converted[term])
                rows.append(tuple(row))
            return QueryResult(variables=variables, rows=rows, truncated=truncated)
        # read one past the cap, so a cut result is known without reading it all
        limit = None if row_cap is None else row_cap + 1
        triples = list(itertools.islice(answer, limit))
        truncated = row_cap is not None and len(triples) > row_cap
        if truncated:
            triples = triples[:row_cap]
        serialized = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return QueryResult(triples=serialized, truncated=truncated)

    def named_graphs(self) -> list[URIRef]:
        return sorted(URIRef(graph.value) for graph in self._store.named_graphs())

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes:
        """Serialise the whole dataset (quad formats) or one named graph."""
        if graph is None:
            return self._store.dump(format=rdf_format) or b""
        if not self._store.contains_named_graph(ox.NamedNode(str(graph))):
            raise StoreError(f"the store has no graph {graph}")
        return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(str(graph))) or b""

    def graph_size(self, graph: URIRef) -> int:
        """How many triples one named graph holds."""
        pattern = self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))
        return sum(1 for _ in pattern)

    def quad_count(self) -> int:
        return len(self._store)
