"""Read → map → validate → store: the one path from source files to a queryable graph.

Municipalities are independent of each other (each is checked against the shared reference
schemes, ontology and shapes only), so each is prepared on its own — read, mapped, checked —
in a pool of worker processes when there are several, and serialised to N-Quads at once so
that a build of hundreds of municipalities never holds all their graphs in memory.

A build is incremental: the store's manifest (graph/manifest.py) says what the previous build
was made from, and only municipalities whose folder changed are prepared again; the others'
graphs are taken over from the previous build unchanged. A change to anything shared (the
reference schemes, ontology, shapes, code) or ``full=True`` rebuilds everything.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph, URIRef

from graph.errors import Problem, SourceError
from graph.manifest import (
    Manifest,
    MunicipalityEntry,
    documents_present,
    municipality_fingerprints,
    shared_fingerprint,
)
from graph.mapping import SHAPES_FILE, load_ontology, map_municipality, map_reference
from graph.namespaces import (
    IKG,
    ONTOLOGY_GRAPH,
    ORG,
    RDF,
    REFERENCE_GRAPH,
    actor_type_iri,
    inferred_graph,
    municipality_graph,
)
from graph.reasoning import reason_about
from graph.settings import Settings
from graph.shapes import ShapeChecker, UnsupportedShapes
from graph.sources import ReferenceSchemes, kinds, municipality_folders, read_sources
from graph.sources.documents import check_passages, in_own_folder
from graph.sources.schema import FICTIONAL_DOCUMENT_KIND
from graph.store.builds import (
    build_lock,
    current_build,
    store_write_error,
    update_store,
    write_store,
)
from graph.validate import validate_graph

Progress = Callable[[str], None]

#: Fewer municipalities than this are prepared in this process: starting workers costs more.
POOL_THRESHOLD = 4


@dataclass
class PreparedMunicipality:
    """One municipality read, mapped and checked: its named graphs as N-Quads."""

    slug: str
    #: named graph → its triples as N-Quads (every line in that graph)
    nquads: dict[URIRef, bytes]
    triples: dict[URIRef, int]
    entities: dict[str, int]
    #: the source-document files its municipality.yaml names
    documents: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    #: how its consistency was checked: graph.reasoning.HERMIT or .RULES
    consistency_route: str = ""
    #: what was not checked, and why: documents whose text is not at hand
    notes: list[Problem] = field(default_factory=list)

    def entry(self, fingerprint: str) -> MunicipalityEntry:
        return MunicipalityEntry(
            fingerprint=fingerprint,
            graphs={str(iri): count for iri, count in self.triples.items()},
            entities=self.entities,
            documents=self.documents,
        )


@dataclass
class PreparedGraphs:
    """Every named graph of a build (or of the municipalities a rebuild prepares), checked."""

    #: graphs no municipality owns: the ontology and the reference schemes
    shared: dict[URIRef, Graph]
    municipalities: list[PreparedMunicipality]
    seconds: dict[str, float] = field(default_factory=dict)

    def nquad_chunks(self) -> list[bytes]:
        """Every graph as N-Quads, in pieces (joining them would double the memory)."""
        shared = [_nquads(graph, iri) for iri, graph in self.shared.items()]
        return shared + self.municipality_chunks()

    def municipality_chunks(self) -> list[bytes]:
        return [chunk for m in self.municipalities for chunk in m.nquads.values()]

    def triple_count(self) -> int:
        return sum(len(graph) for graph in self.shared.values()) + sum(
            sum(m.triples.values()) for m in self.municipalities
        )

    def consistency_routes(self) -> dict[str, str]:
        """slug → how its consistency was checked (HermiT or rules)."""
        return {m.slug: m.consistency_route for m in self.municipalities}

    @property
    def notes(self) -> list[Problem]:
        """What was not checked, and why (a document whose text is not at hand, once each)."""
        return [note for m in self.municipalities for note in m.notes]

    @property
    def graphs(self) -> dict[URIRef, Graph]:
        """Every named graph as an rdflib graph (parsed anew; meant for small data and tests)."""
        graphs = dict(self.shared)
        for municipality in self.municipalities:
            for iri, nquads in municipality.nquads.items():
                quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
                ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                graphs[iri] = Graph().parse(data=ntriples, format="nt")
        return graphs


@dataclass
class BuildSummary:
    store: Path | None
    triples_per_graph: dict[str, int]
    entities: dict[str, dict[str, int]]
    seconds: dict[str, float]
    #: municipalities read, mapped and checked by this build (all of them on a full build)
    rebuilt: list[str] = field(default_factory=list)
    #: municipalities whose graphs this build dropped because their folder is gone
    removed: list[str] = field(default_factory=list)
    #: False when the build took unchanged municipalities over from the previous one
    full: bool = True
    #: rebuilt municipality → how its consistency was checked (graph.reasoning.HERMIT/RULES)
    consistency_routes: dict[str, str] = field(default_factory=dict)
    #: what the rebuilt municipalities' checks could not check (PreparedGraphs.notes)
    notes: list[Problem] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


@dataclass
class _Context:
    """What every municipality is checked against; built once per process."""

    reference: ReferenceSchemes
    #: ontology plus reference schemes, the SHACL ont_graph
    graph: Graph
    shapes: Graph
    #: the shapes compiled to Python checks (graph/shapes.py); None: pySHACL alone
    checker: ShapeChecker | None = None
    #: most triples of a municipality's graph that HermiT checks (IKG_HERMIT_LIMIT)
    hermit_limit: int = Settings.hermit_limit

    @classmethod
    def load(
        cls, reference: ReferenceSchemes, ontology: Graph | None = None, *, hermit_limit: int
    ) -> _Context:
        graph = (ontology if ontology is not None else load_ontology()) + map_reference(reference)
        shapes = Graph().parse(SHAPES_FILE, format="turtle")
        try:
            checker: ShapeChecker | None = ShapeChecker(shapes, graph)
        except UnsupportedShapes:
            checker = None
        return cls(
            reference=reference,
            graph=graph,
            shapes=shapes,
            checker=checker,
            hermit_limit=hermit_limit,
        )


def prepare(
    data_dir: Path,
    seeds_dir: Path | None = None,
    progress: Progress | None = None,
    *,
    only: set[str] | None = None,
    workers: int | None = None,
    hermit_limit: int | None = None,
    spool: IO[bytes] | None = None,
) -> PreparedGraphs:
    """Read, map and validate; raise SourceError with every problem found.

    ``only`` prepares just these municipalities (an incremental build); ``workers`` is the
    number of processes (default: one per CPU when there are enough municipalities);
    ``hermit_limit`` the most triples per municipality HermiT checks (default: the setting
    IKG_HERMIT_LIMIT, read from the environment). With a ``spool``, each municipality's
    N-Quads are written to it as soon as they arrive and not kept (a build of hundreds of
    municipalities would otherwise hold them all in memory).
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    say(f"Lese Referenzschemata aus {data_dir} …")
    try:
        base = read_sources(data_dir, seeds_dir, only=set())
    except SourceError:
        # broken reference schemes: read everything, so every problem is reported at once
        read_sources(data_dir, seeds_dir)
        raise
    ontology = load_ontology()
    reference = map_reference(base.reference)
    slugs = [folder.name for folder in municipality_folders(data_dir)]
    if only is not None:
        slugs = [slug for slug in slugs if slug in only]
    if hermit_limit is None:
        hermit_limit = hermit_limit_for(len(slugs), Settings.from_env(), say)
    context = _Context.load(base.reference, ontology, hermit_limit=hermit_limit)
    seconds = {"shared": time.perf_counter() - started}

    if workers is None:
        workers = (os.cpu_count() or 1) if len(slugs) >= POOL_THRESHOLD else 1
    workers = max(1, min(workers, len(slugs)))
    say(f"Prüfe {len(slugs)} Kommunen ({workers} Prozesse) …")
    problems: list[Problem] = []
    load_error = False
    prepared = []

    def collect(outcome: PreparedMunicipality | SourceError) -> None:
        nonlocal load_error
        if isinstance(outcome, SourceError):
            problems.extend(outcome.problems)
            load_error = load_error or outcome.exit_code == 2
            return
        if spool is not None and not problems:
            for chunk in outcome.nquads.values():
                spool.write(chunk)
            outcome.nquads = {}
        prepared.append(outcome)
        for step, spent in outcome.seconds.items():
            seconds[step] = seconds.get(step, 0.0) + spent

    if workers == 1:
        for slug in slugs:
            collect(_prepare_one(data_dir, seeds_dir, slug, context))
    else:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
            initargs=(data_dir, seeds_dir, base.reference, hermit_limit, os.getpid()),
        )
        with pool:
            tasks = [(data_dir, seeds_dir, slug) for slug in slugs]
            for outcome in pool.map(_prepare_in_worker, tasks):
                collect(outcome)
    if problems:
        raise SourceError(problems, exit_code=2 if load_error else 1)
    shared = {ONTOLOGY_GRAPH: ontology, REFERENCE_GRAPH: reference}
    seconds["prepare"] = time.perf_counter() - started
    return PreparedGraphs(shared=shared, municipalities=prepared, seconds=seconds)


def hermit_limit_for(municipalities: int, settings: Settings, say: Progress) -> int:
    """The triple limit up to which HermiT checks, for a build of ``municipalities``.

    HermiT costs a Java start per municipality whatever its size; past the setting
    IKG_HERMIT_MUNICIPALITIES a build would spend minutes on it, so the rules check all.
    """
    cap = settings.hermit_municipalities
    if 0 <= cap < municipalities and settings.hermit_limit >= 0:
        say(
            f"Widerspruchsfreiheit per Regeln: {municipalities} Kommunen sind mehr als "
            f"IKG_HERMIT_MUNICIPALITIES={cap} HermiT-Läufe …"
        )
        return -1
    return settings.hermit_limit


def prepare_municipality(
    data_dir: Path, seeds_dir: Path | None, slug: str, context: _Context
) -> PreparedMunicipality:
    """Every step of one municipality: read its folder, map, check; raise SourceError.

    Steps that work on one municipality's graph (SHACL, inference) belong here, so that a
    rebuild after a change to one municipality does only its share of the work.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    data = read_sources(data_dir, seeds_dir, only={slug}, reference=context.reference)
    municipality = data.municipalities[0]
    folder = data_dir / slug
    # every passage in its document, where the document's text is at hand
    passages = check_passages(municipality, folder, seeds_dir, display=_shown(data_dir, slug))
    if passages.problems:
        raise SourceError(passages.problems)
    seconds["read"] = time.perf_counter() - started

    started = time.perf_counter()
    mapped = map_municipality(municipality)
    seconds["map"] = time.perf_counter() - started

    started = time.perf_counter()
    # The compiled checks decide; only when they find a fault (or cannot run) does pySHACL
    # validate too, for its report: the same verdict either way (tests/test_fast_paths.py).
    if context.checker is None or context.checker.violations(mapped.graph):
        report = validate_graph(mapped.graph, context.shapes, context.graph, mapped.locations)
        if not report.conforms:
            raise SourceError(report.problems())
    seconds["validate"] = time.perf_counter() - started

    # consistency (HermiT or rules) and the inferred graph: graph/reasoning.py
    reasoned = reason_about(mapped, context.graph, hermit_limit=context.hermit_limit)
    seconds.update(reasoned.seconds)
    if reasoned.problems:
        raise SourceError(reasoned.problems)

    started = time.perf_counter()
    stated_iri, inferred_iri = municipality_graph(slug), inferred_graph(slug)
    prepared = PreparedMunicipality(
        slug=slug,
        nquads={
            stated_iri: _nquads(mapped.graph, stated_iri),
            inferred_iri: _in_graph(reasoned.ntriples, inferred_iri),
        },
        triples={stated_iri: len(mapped.graph), inferred_iri: reasoned.triple_count},
        entities=count_entities(mapped.graph),
        # the documents in the documents folder, whose presence a rebuild checks; generated
        # data's document exists nowhere, and the municipality's own are in its folder
        documents=[
            str(d.values["file"])
            for d in municipality.record.children("documents")
            if d.values["kind"] != FICTIONAL_DOCUMENT_KIND
            and not in_own_folder(str(d.values["file"]), folder)
        ],
        notes=passages.notes,
    )
    seconds["serialise"] = time.perf_counter() - started
    prepared.seconds = seconds
    prepared.consistency_route = reasoned.consistency.route
    return prepared


def _shown(data_dir: Path, slug: str) -> str:
    """A municipality's folder as messages name it: data/<slug>, as the reader names files."""
    return f"{data_dir.name}/{slug}"


def _prepare_one(
    data_dir: Path, seeds_dir: Path | None, slug: str, context: _Context
) -> PreparedMunicipality | SourceError:
    try:
        return prepare_municipality(data_dir, seeds_dir, slug, context)
    except SourceError as error:
        return error


_WORKER_CONTEXT: _Context | None = None


def _start_worker(
    data_dir: Path,
    seeds_dir: Path | None,
    reference: ReferenceSchemes,
    hermit_limit: int,
    build_pid: int,
) -> None:
    global _WORKER_CONTEXT
    _end_with_build(build_pid)
    _WORKER_CONTEXT = _Context.load(reference, hermit_limit=hermit_limit)


def _end_with_build(build_pid: int) -> None:
    """End this worker, and the HermiT (Java) processes it started, when the build is gone.

    The pool's start method is forkserver, so a worker's parent is the fork server, not the
    build; and the fork server waits for the end of every holder of its "alive" pipe, the
    workers among them, while the workers wait for tasks from the dead build: after a
    ``kill -9`` of the build they all stay, for ever. A parent-death signal
    (PR_SET_PDEATHSIG) would wait for the fork server, which never ends first, so each worker
    watches the build process itself, through a pidfd: a handle on that process, not on its
    number (which could be reused), that becomes readable when it ends (Linux 5.3+, the
    product's platform). A thread blocked on it costs nothing until then, and then kills the
    worker's own process group: the worker and its Java children, which would otherwise
    reason on for up to JAVA_TIMEOUT. (In a group of its own a worker no longer gets a
    terminal's Ctrl-C; the build does, and the worker ends with it.)
    """
    os.setpgid(0, 0)
    try:
        build = os.pidfd_open(build_pid)
    except ProcessLookupError:
        os.killpg(0, signal.SIGKILL)  # the build ended while this worker started
    # a build that ended before the pidfd was opened may have had its pid reused: then the
    # fork server, this worker's parent, is no longer the build's child
    grandparent = _parent_of(os.getppid())
    if grandparent is not None and build_pid not in (os.getppid(), grandparent):
        os.killpg(0, signal.SIGKILL)

    def wait_for_the_build() -> None:
        select.select([build], [], [])
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=wait_for_the_build, name="ikg-build-watch", daemon=True).start()


def _parent_of(pid: int) -> int | None:
    """A process's parent from /proc (None where there is no /proc or no such process)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    # the command name in parentheses may hold spaces and ")"; the parent pid follows it
    return int(stat.rsplit(")", 1)[1].split()[1])


def _prepare_in_worker(task: tuple[Path, Path | None, str]) -> PreparedMunicipality | SourceError:
    assert _WORKER_CONTEXT is not None
    data_dir, seeds_dir, slug = task
    return _prepare_one(data_dir, seeds_dir, slug, _WORKER_CONTEXT)


def _nquads(graph: Graph, graph_iri: URIRef) -> bytes:
    """N-Quads of ``graph`` in ``graph_iri``: its N-Triples with the graph added to each line.

    Every N-Triples line ends in " .\n" and no term contains a raw line break (literals
    escape it), so the replacement touches line ends only.
    """
    return _in_graph(graph.serialize(format="nt", encoding="utf-8"), graph_iri)


def _in_graph(ntriples: bytes, graph_iri: URIRef) -> bytes:
    return ntriples.replace(b" .\n", f" <{graph_iri}> .\n".encode())


# -- building the store -----------------------------------------------------------------


def _spool(store_path: Path) -> IO[bytes]:
    """A temporary file beside the store for a build's N-Quads (gone when closed)."""
    return tempfile.TemporaryFile(prefix=f".{store_path.name}.nquads-", dir=store_path.parent)


def build(
    data_dir: Path,
    store_path: Path,
    *,
    seeds_dir: Path | None = None,
    builds_kept: int = 2,
    progress: Progress | None = None,
    full: bool = False,
    workers: int | None = None,
) -> BuildSummary:
    """Build the store; on any error the store at ``store_path`` is left as it was.

    Only municipalities whose folder changed since the previous build are prepared again,
    unless something all share changed or ``full`` is set. A full disk or a folder that
    cannot be written raises StoreError (exit code 2) with what to do.
    """
    started_build = time.perf_counter()
    try:
        summary = _build(data_dir, store_path, seeds_dir, builds_kept, progress, full, workers)
    except OSError as error:
        raise store_write_error(store_path, error) from error
    summary.seconds["total"] = time.perf_counter() - started_build
    return summary


def _build(
    data_dir: Path,
    store_path: Path,
    seeds_dir: Path | None,
    builds_kept: int,
    progress: Progress | None,
    full: bool,
    workers: int | None,
) -> BuildSummary:
    say = progress or (lambda _message: None)
    with build_lock(store_path), _spool(store_path) as spool:
        shared = shared_fingerprint(data_dir, seeds_dir)
        fingerprints = municipality_fingerprints(data_dir) if data_dir.is_dir() else {}
        previous_folder = None if full else current_build(store_path)
        previous = Manifest.read(previous_folder) if previous_folder is not None else None
        if previous_folder is None or previous is None or previous.shared != shared:
            return _build_all(
                data_dir,
                store_path,
                seeds_dir,
                builds_kept,
                say,
                shared,
                fingerprints,
                workers,
                spool,
            )
        changed = sorted(
            slug
            for slug, fingerprint in fingerprints.items()
            if slug not in previous.municipalities
            or previous.municipalities[slug].fingerprint != fingerprint
            or not documents_present(previous.municipalities[slug], seeds_dir)
        )
        removed = sorted(set(previous.municipalities) - set(fingerprints))
        prepared = prepare(
            data_dir, seeds_dir, progress, only=set(changed), workers=workers, spool=spool
        )
        entries = {
            slug: entry for slug, entry in previous.municipalities.items() if slug in fingerprints
        }
        for municipality in prepared.municipalities:
            entries[municipality.slug] = municipality.entry(fingerprints[municipality.slug])
        manifest = Manifest(
            shared=shared,
            municipalities=entries,
            shared_graphs=previous.shared_graphs,
            seconds=prepared.seconds,
        )
        dropped = [
            URIRef(iri)
            for slug in [*removed, *changed]
            if slug in previous.municipalities
            for iri in previous.municipalities[slug].graphs
        ]
        started = time.perf_counter()
        say(f"Neu: {', '.join(changed) or '–'}; entfernt: {', '.join(removed) or '–'} …")
        spool.seek(0)
        update_store(
            store_path,
            previous_folder,
            drop=dropped,
            nquads=spool,
            manifest=manifest,
            builds_kept=builds_kept,
        )
        prepared.seconds["store"] = time.perf_counter() - started
    return _summary(
        store_path,
        manifest,
        prepared.seconds,
        changed,
        removed,
        full=False,
        routes=prepared.consistency_routes(),
        notes=prepared.notes,
    )


def _build_all(
    data_dir: Path,
    store_path: Path,
    seeds_dir: Path | None,
    builds_kept: int,
    say: Progress,
    shared: str,
    fingerprints: dict[str, str],
    workers: int | None,
    spool: IO[bytes],
) -> BuildSummary:
    prepared = prepare(data_dir, seeds_dir, say, workers=workers, spool=spool)
    manifest = Manifest(
        shared=shared,
        municipalities={m.slug: m.entry(fingerprints[m.slug]) for m in prepared.municipalities},
        shared_graphs={str(iri): len(graph) for iri, graph in prepared.shared.items()},
        seconds=prepared.seconds,
    )
    started = time.perf_counter()
    say(f"Schreibe {prepared.triple_count()} Tripel nach {store_path} …")
    for iri, graph in prepared.shared.items():
        spool.write(_nquads(graph, iri))
    spool.seek(0)
    write_store(store_path, spool, builds_kept=builds_kept, manifest=manifest)
    prepared.seconds["store"] = time.perf_counter() - started
    rebuilt = [m.slug for m in prepared.municipalities]
    return _summary(
        store_path,
        manifest,
        prepared.seconds,
        rebuilt,
        [],
        full=True,
        routes=prepared.consistency_routes(),
        notes=prepared.notes,
    )


def _summary(
    store_path: Path | None,
    manifest: Manifest,
    seconds: dict[str, float],
    rebuilt: list[str],
    removed: list[str],
    *,
    full: bool,
    routes: dict[str, str],
    notes: list[Problem],
) -> BuildSummary:
    triples = dict(manifest.shared_graphs)
    for entry in manifest.municipalities.values():
        triples.update(entry.graphs)
    return BuildSummary(
        store=store_path,
        triples_per_graph=triples,
        entities={slug: entry.entities for slug, entry in sorted(manifest.municipalities.items())},
        seconds=seconds,
        rebuilt=rebuilt,
        removed=removed,
        full=full,
        consistency_routes=routes,
        notes=notes,
    )


def summarise(prepared: PreparedGraphs, store_path: Path | None) -> BuildSummary:
    """The summary of prepared graphs (``ikg validate``: nothing stored)."""
    manifest = Manifest(
        shared="",
        municipalities={m.slug: m.entry("") for m in prepared.municipalities},
        shared_graphs={str(iri): len(graph) for iri, graph in prepared.shared.items()},
    )
    rebuilt = [m.slug for m in prepared.municipalities]
    return _summary(
        store_path,
        manifest,
        prepared.seconds,
        rebuilt,
        [],
        full=True,
        routes=prepared.consistency_routes(),
        notes=prepared.notes,
    )


#: German plural → class, for the build's summary: the counted kinds (graph/sources/kinds.py)
ENTITY_CLASSES = {
    kind.plural: str(kind.rdf_class) for kind in kinds.KINDS if kind.counted and kind.rdf_class
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
