"""Read → map → validate → store: the one path from source files to a queryable graph."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from graph.errors import SourceError
from graph.mapping import (
    SHAPES_FILE,
    MappedMunicipality,
    load_ontology,
    map_municipality,
    map_reference,
)
from graph.namespaces import (
    IKG,
    ONTOLOGY_GRAPH,
    ORG,
    RDF,
    REFERENCE_GRAPH,
    actor_type_iri,
    municipality_graph,
)
from graph.sources import SourceData, read_sources
from graph.store import build_lock, ntriples_in_graph, write_store
from graph.validate import validate_graph

Progress = Callable[[str], None]


@dataclass
class PreparedGraphs:
    """Every named graph of a build, validated and ready to store."""

    data: SourceData
    graphs: dict[URIRef, Graph]
    municipalities: list[MappedMunicipality]
    seconds: dict[str, float] = field(default_factory=dict)

    def nquads(self) -> bytes:
        return "".join(
            ntriples_in_graph(graph.serialize(format="nt"), graph_iri)
            for graph_iri, graph in self.graphs.items()
        ).encode("utf-8")

    def triple_count(self) -> int:
        return sum(len(graph) for graph in self.graphs.values())


@dataclass
class BuildSummary:
    store: Path | None
    triples_per_graph: dict[str, int]
    entities: dict[str, dict[str, int]]
    seconds: dict[str, float]

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


def prepare(
    data_dir: Path, seeds_dir: Path | None = None, progress: Progress | None = None
) -> PreparedGraphs:
    """Read, map and validate; raise SourceError with every problem found."""
    say = progress or (lambda _message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    say(f"Lese Quelldaten aus {data_dir} …")
    data = read_sources(data_dir, seeds_dir)
    timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    ontology = load_ontology()
    reference = map_reference(data.reference)
    mapped = [map_municipality(municipality) for municipality in data.municipalities]
    timings["map"] = time.perf_counter() - started

    started = time.perf_counter()
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    context = ontology + reference
    problems = []
    for municipality in mapped:
        say(f"Prüfe {municipality.slug} gegen die SHACL-Regeln …")
        report = validate_graph(municipality.graph, shapes, context, municipality.locations)
        problems.extend(report.problems())
    timings["validate"] = time.perf_counter() - started
    if problems:
        raise SourceError(problems)

    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: ontology, REFERENCE_GRAPH: reference}
    for municipality in mapped:
        graphs[municipality_graph(municipality.slug)] = municipality.graph
    return PreparedGraphs(data=data, graphs=graphs, municipalities=mapped, seconds=timings)


def build(
    data_dir: Path,
    store_path: Path,
    *,
    seeds_dir: Path | None = None,
    builds_kept: int = 2,
    progress: Progress | None = None,
) -> BuildSummary:
    """Build the store; on any error the store at ``store_path`` is left as it was."""
    say = progress or (lambda _message: None)
    with build_lock(store_path):
        prepared = prepare(data_dir, seeds_dir, progress)
        started = time.perf_counter()
        say(f"Schreibe {prepared.triple_count()} Tripel nach {store_path} …")
        write_store(store_path, prepared.nquads(), builds_kept=builds_kept)
        prepared.seconds["store"] = time.perf_counter() - started
    return summarise(prepared, store_path)


def summarise(prepared: PreparedGraphs, store_path: Path | None) -> BuildSummary:
    entities = {m.slug: count_entities(m.graph) for m in prepared.municipalities}
    return BuildSummary(
        store=store_path,
        triples_per_graph={str(iri): len(graph) for iri, graph in prepared.graphs.items()},
        entities=entities,
        seconds=prepared.seconds,
    )


ENTITY_CLASSES = {
    "Verwaltungseinheiten": "http://www.w3.org/ns/org#OrganizationalUnit",
    "Gremien": str(IKG.PoliticalBody),
    "Netzwerke": "http://www.w3.org/ns/org#OrganizationalCollaboration",
    "Mitgliedschaften": "http://www.w3.org/ns/org#Membership",
    "Konzeptfassungen": str(IKG.ConceptEdition),
    "Handlungsfelder": str(IKG.ActionField),
    "Ziele": str(IKG.Goal),
    "Indikatoren": str(IKG.Indicator),
    "Maßnahmen": str(IKG.Measure),
    "Förderungen": str(IKG.Funding),
    "Vorlagen": str(IKG.Paper),
    "Beratungen": str(IKG.Consultation),
    "Ereignisse": str(IKG.Event),
    "Quelldokumente": str(IKG.SourceDocument),
}


#: actor types that mark the administration and political bodies, not outside actors
INSIDE_TYPES = {actor_type_iri("kommunalverwaltung"), actor_type_iri("politisches-gremium")}


def count_entities(graph: Graph) -> dict[str, int]:
    by_class = Counter(str(o) for o in graph.objects(None, RDF.type))
    counts = {name: by_class.get(iri, 0) for name, iri in ENTITY_CLASSES.items()}
    outside = {
        subject
        for subject, actor_type in graph.subject_objects(ORG.classification)
        if str(actor_type).startswith(str(actor_type_iri("")))
        and actor_type not in INSIDE_TYPES
        and (subject, RDF.type, IKG.Municipality) not in graph
    }
    return {"Akteure": len(outside), **counts}
