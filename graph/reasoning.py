"""OWL 2 DL consistency of the graph: HermiT decides, Pellet explains; rules above a size.

The only module that imports owlready2. SHACL (graph/validate.py) checks what each record must
state; the reasoner catches what only follows from the ontology's axioms — a node that is two
disjoint kinds of thing (a measure that is also an organisation), a functional property with
two values that are known to differ, a measure's lead named as its partner too.

``reason_about`` is what the build calls for each municipality: the consistency check, by
HermiT up to ``hermit_limit`` triples in the municipality's graph and by the rules of
graph/inference.py above it, then the materialised inferences (graph/inference.py).

How a HermiT check runs, and why:

- The ontology (ontology/ikg.ttl) and the data are written to one N-Triples file in a
  temporary folder, and HermiT — the jar owlready2 ships, with owlready2's Java settings — is
  asked for consistency only (``-k``). Loading the triples into an owlready2 ``World`` first
  and classifying (``sync_reasoner_hermit``) gives the same verdict but was measured two to
  three times slower (README, "Schlussfolgern"); ``unsatisfiable_classes`` still goes through
  owlready2, for the ontology alone.
- Annotation-only triples of the data (labels, descriptions, definitions, quoted passages) are
  left out: they carry no logic, make up a good part of the data, and free text is where
  unusual literals turn up.
- HermiT is run with ``--ignoreUnsupportedDatatypes``: ``xsd:date`` (used by ``dcterms:date``
  and ``time:inXSDDate``) is not in the OWL 2 datatype map and HermiT would refuse the whole
  ontology. Dates are checked by the SHACL shapes instead.
- A process remembers HermiT's verdicts by the content of ontology and data (a hash that
  does not depend on blank-node names): the check depends on nothing else, so building
  unchanged data again in one process — the test suite builds the same cities many times —
  does not start Java again. Reports say when they were remembered.
- HermiT only says "inconsistent". To name what clashes, the same triples are given to Pellet
  (bundled with owlready2) for one explanation, with every data node renamed to a short alias
  first: Pellet prints local names only, and ours ("1", "period") are not unique.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
import pyoxigraph as ox
from owlready2 import reasoning as owlready2_reasoning
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.compare import to_isomorphic

from graph.errors import IkgError, Problem
from graph.inference import RuleStore, describe_inferred_graph
from graph.mapping import ONTOLOGY_FILE, MappedMunicipality
from graph.namespaces import EXPLAIN, ID, PREFIXES, short_id

# Data nodes are renamed to ``EXPLAIN["ikgnode<number>"]`` for Pellet; Pellet prints
# "ikgnode<number>".
_ALIAS_TOKEN = re.compile(r"\bikgnode(\d+)\b")

#: Seconds one reasoner run may take before it is stopped.
JAVA_TIMEOUT = 300

#: Java options for HermiT's one-shot run: the quick (C1) compiler only and one GC thread took
#: half the CPU time of Java's defaults at every size measured (3,000 to 160,000 triples).
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")

#: The two ways a municipality's consistency is checked (printed by the build).
HERMIT = "HermiT"
RULES = "Regeln"

_UNEXPLAINED = "HermiT found the ontology plus data inconsistent; Pellet could not explain: "

# Annotation properties every OWL document may use without declaring them.
_BUILTIN_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})


class ReasonerError(IkgError):
    """The reasoner could not run at all (no Java, a crash); not a verdict on the data."""

    exit_code = 2
    http_status = 500


@dataclass
class ConsistencyReport:
    """A verdict on ontology plus data, and how it was reached."""

    consistent: bool
    #: HERMIT or RULES
    route: str = HERMIT
    #: IRIs of the data nodes the explanation involves (empty when consistent or unexplained)
    inconsistent_entities: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: the axioms that clash, one per line, with data nodes written as full IRIs
    explanation: str = ""
    #: True when this process had HermiT check the same ontology and data before
    remembered: bool = False


@dataclass
class InferenceResult:
    """One municipality reasoned about: the verdict and, when consistent, its inferred graph."""

    slug: str
    consistency: ConsistencyReport
    #: the inferred graph as N-Triples: the inferred triples plus the graph's description of
    #: itself (empty when inconsistent)
    ntriples: bytes
    triple_count: int
    #: "consistency" and "inference" in seconds
    seconds: dict[str, float]
    #: the inconsistency as problems located in the source files (empty when consistent)
    problems: list[Problem]

    @property
    def inferred(self) -> Graph:
        """The inferred graph parsed (for tests and small data)."""
        return Graph().parse(data=self.ntriples, format="nt")


def reason_about(
    mapped: MappedMunicipality, context: Graph, *, hermit_limit: int
) -> InferenceResult:
    """Check one municipality's graph against ``context`` (ontology plus reference schemes)
    and materialise what follows from it.

    HermiT checks when the municipality's graph has at most ``hermit_limit`` triples, the
    rules of graph/inference.py above (and for a negative limit: never HermiT).
    """
    started = time.perf_counter()
    rules = RuleStore(mapped.graph, context)  # loaded once for the check and the inferences
    loading = time.perf_counter() - started
    if 0 <= len(mapped.graph) <= hermit_limit:
        report = check_consistency(mapped.graph, ontology=context)
    else:
        report = _rules_report(rules)
    seconds = {"consistency": report.seconds}
    if not report.consistent:
        problems = inconsistency_problems(report, mapped)
        return InferenceResult(mapped.slug, report, b"", 0, seconds, problems)
    started = time.perf_counter()
    triples = rules.inferred_triples()
    description = describe_inferred_graph(mapped.slug)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    ntriples += description.serialize(format="nt", encoding="utf-8")
    seconds["inference"] = loading + time.perf_counter() - started
    count = len(triples) + len(description)
    return InferenceResult(mapped.slug, report, ntriples, count, seconds, [])


def load_ontology_graph(path: Path = ONTOLOGY_FILE) -> Graph:
    return Graph().parse(path, format="turtle")


def check_consistency(graph: Graph, *, ontology: Graph | None = None) -> ConsistencyReport:
    """Run HermiT on the ontology plus ``graph``; report instead of raising on inconsistency.

    ``graph`` is a plain graph of data triples (for several named graphs, pass their union).
    ``ontology`` defaults to ontology/ikg.ttl. Raises ReasonerError only when the reasoner
    cannot run (no Java, a Java error).
    """
    started = time.perf_counter()
    ontology = load_ontology_graph() if ontology is None else ontology
    java = _java()
    key = (_content_key(ontology), _content_key(graph))
    if key in _VERDICTS:
        return dataclasses.replace(
            _VERDICTS[key], remembered=True, seconds=time.perf_counter() - started
        )
    combined = _reasoning_graph(ontology, graph)
    with tempfile.TemporaryDirectory(prefix="ikg-reasoning-") as folder:
        source = Path(folder) / "reasoning.nt"
        combined.serialize(source, format="nt", encoding="utf-8")
        report = ConsistencyReport(consistent=_run_hermit(source, java))
        if not report.consistent:
            report.inconsistent_entities, report.explanation = _explain(
                combined, ontology, Path(folder), java
            )
    report.seconds = time.perf_counter() - started
    _VERDICTS[key] = dataclasses.replace(report)  # a copy: callers may change theirs
    return report


#: HermiT's reports in this process, by (ontology, data) content key.
_VERDICTS: dict[tuple[str, str], ConsistencyReport] = {}


def _content_key(graph: Graph) -> str:
    """A hash of the graph's triples that blank-node names do not change."""
    if any(isinstance(s, BNode) or isinstance(o, BNode) for s, _p, o in graph):
        return "iso:" + str(to_isomorphic(graph).graph_digest())
    lines = sorted(graph.serialize(format="nt", encoding="utf-8").splitlines())
    return "nt:" + hashlib.sha256(b"\n".join(lines)).hexdigest()


def check_consistency_by_rules(graph: Graph, *, ontology: Graph | None = None) -> ConsistencyReport:
    """The rule-based check of graph/inference.py, as a report like HermiT's."""
    ontology = load_ontology_graph() if ontology is None else ontology
    return _rules_report(RuleStore(graph, ontology))


def _rules_report(rules: RuleStore) -> ConsistencyReport:
    started = time.perf_counter()
    clashes = rules.clashes()
    entities: list[str] = []
    for clash in clashes:
        entities.extend(entity for entity in clash.entities if entity not in entities)
    return ConsistencyReport(
        consistent=not clashes,
        route=RULES,
        inconsistent_entities=entities,
        seconds=time.perf_counter() - started,
        explanation="\n".join(clash.text for clash in clashes),
    )


def unsatisfiable_classes(ontology: Graph | None = None) -> list[str]:
    """Classes of the ontology that can have no instance (the ontology itself is wrong):
    owlready2 loads it and has HermiT classify it."""
    ontology = load_ontology_graph() if ontology is None else ontology
    java = _java()
    with tempfile.TemporaryDirectory(prefix="ikg-reasoning-") as folder:
        source = Path(folder) / "ontology.nt"
        ontology.serialize(source, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(source.as_uri()).load()
            owlready2.JAVA_EXE = java  # owlready2 reads the Java path from this module global
            try:
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
            except owlready2.OwlReadyInconsistentOntologyError as error:
                raise ReasonerError("The ontology alone is inconsistent.") from error
            except owlready2.OwlReadyJavaError as error:
                raise ReasonerError(f"HermiT failed: {error}") from error
            return sorted(
                entity.iri
                for entity in world.inconsistent_classes()
                if entity.iri != str(OWL.Nothing)
            )
        finally:
            world.close()


def inconsistency_problems(report: ConsistencyReport, mapped: MappedMunicipality) -> list[Problem]:
    """The inconsistency as one problem, placed at the first record involved, naming every
    entity with its file and line."""
    located = [(iri, mapped.locations.get(URIRef(iri))) for iri in report.inconsistent_entities]
    where = next((location for _iri, location in located if location is not None), None)
    involved = ", ".join(
        readable_node(iri) + (f" ({location.file}:{location.line})" if location else "")
        for iri, location in located
    )
    # one line of text: Pellet numbers its explanations ("1)") and indents their axioms
    explanation = "; ".join(
        " ".join(_NUMBERING.sub("", line).split())
        for line in readable(report.explanation).splitlines()
    )
    message = (
        f"logischer Widerspruch zur Ontologie / logical inconsistency ({report.route}): "
        f"{explanation or 'no explanation'}"
    )
    hint = (
        f"beteiligt / involved: {involved or '?'}. Prüfe diese Einträge und ihre Verweise "
        "(Art, Federführung, Partner, Mitglieder) / check these records and what they refer to"
    )
    return [
        Problem(
            message,
            file=where.file if where else None,
            line=where.line if where else None,
            record_id=where.record_id if where else None,
            hint=hint,
        )
    ]


_IRI = re.compile(r"<([^<>\s]+)>")
_NUMBERING = re.compile(r"^\s*\d+\)")


def readable(text: str) -> str:
    """IRIs in an explanation shortened: data nodes to their ids, terms to prefixed names."""
    return _IRI.sub(lambda match: readable_node(match.group(1)), text)


def readable_node(iri: str) -> str:
    if iri.startswith(str(ID)):
        return short_id(iri)
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _reasoning_graph(ontology: Graph, data: Graph) -> Graph:
    """Ontology plus the data's logical triples (annotation triples of the data left out)."""
    annotations = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    combined = Graph()
    for triple in ontology:
        combined.add(triple)
    for triple in data:
        if triple[1] not in annotations:
            combined.add(triple)
    return combined


def _java() -> str:
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ReasonerError(
            "Java was not found; the OWL reasoner (HermiT) needs it. Install a Java runtime "
            "(e.g. apt-get install default-jre-headless) or put java on the PATH."
        )
    return java


def _run_hermit(source: Path, java: str) -> bool:
    """HermiT's consistency verdict on one file: True when consistent."""
    command = [
        java,
        *JAVA_OPTIONS,
        f"-Xmx{owlready2_reasoning.JAVA_MEMORY}M",
        "-cp",
        owlready2_reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        "--consistency",
        "--ignoreUnsupportedDatatypes",
        source.as_uri(),
    ]
    try:
        process = subprocess.run(
            command, capture_output=True, text=True, timeout=JAVA_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ReasonerError(
            f"HermiT took longer than {JAVA_TIMEOUT} s; lower IKG_HERMIT_LIMIT so that graphs "
            "of this size are checked by rules"
        ) from error
    except OSError as error:
        raise ReasonerError(f"HermiT could not be started: {error}") from error
    if process.returncode == 0 and "is satisfiable" in process.stdout:
        return True
    if "InconsistentOntologyException" in process.stderr:
        return False
    detail = (process.stderr or process.stdout).strip().splitlines()
    tail = detail[-1] if detail else f"exit code {process.returncode}"
    raise ReasonerError(f"HermiT failed: {tail}")


def _explain(combined: Graph, ontology: Graph, folder: Path, java: str) -> tuple[list[str], str]:
    """Ask Pellet for one explanation; return the data nodes it names and the explanation."""
    aliased, iri_of = _aliased(combined, ontology)
    source = folder / "explain.owl"
    try:
        aliased.serialize(source, format="xml", encoding="utf-8")
    except Exception:  # noqa: BLE001 - RDF/XML cannot write every IRI; N-Triples can
        source = folder / "explain.nt"
        aliased.serialize(source, format="nt", encoding="utf-8")
    command = [
        java,
        *JAVA_OPTIONS,
        f"-Xmx{owlready2_reasoning.JAVA_MEMORY}M",
        "-cp",
        owlready2_reasoning._PELLET_CLASSPATH,
        "pellet.Pellet",
        "explain",
        "--ignore-imports",
        "--inconsistent",
        source.as_uri(),
    ]
    try:
        process = subprocess.run(
            command, capture_output=True, text=True, timeout=JAVA_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return [], f"{_UNEXPLAINED}{error}"
    text = process.stdout
    if "Explanation" not in text:
        detail = (process.stderr or text).strip().splitlines()
        tail = detail[-1] if detail else f"exit code {process.returncode}"
        return [], f"{_UNEXPLAINED}{tail}"
    explanation = text.split("Explanation(s):", 1)[-1].strip()
    entities: list[str] = []
    for match in _ALIAS_TOKEN.finditer(explanation):
        iri = iri_of[int(match.group(1))]
        if iri not in entities:
            entities.append(iri)
    readable_text = _ALIAS_TOKEN.sub(lambda match: f"<{iri_of[int(match.group(1))]}>", explanation)
    return entities, readable_text


def _aliased(combined: Graph, ontology: Graph) -> tuple[Graph, dict[int, str]]:
    """Rename every data node that the ontology does not mention to a unique short alias."""
    vocabulary = {node for triple in ontology for node in triple if isinstance(node, URIRef)}
    vocabulary |= set(combined.predicates())
    vocabulary |= set(combined.objects(None, RDF.type))
    alias_of: dict[URIRef, URIRef] = {}
    iri_of: dict[int, str] = {}

    def alias(node: URIRef) -> URIRef:
        if node in vocabulary:
            return node
        if node not in alias_of:
            number = len(alias_of) + 1
            alias_of[node] = EXPLAIN[f"ikgnode{number}"]
            iri_of[number] = str(node)
        return alias_of[node]

    aliased = Graph()
    for subject, predicate, obj in combined:
        aliased.add(
            (
                alias(subject) if isinstance(subject, URIRef) else subject,
                predicate,
                alias(obj) if isinstance(obj, URIRef) else obj,
            )
        )
    return aliased, iri_of


__all__ = [
    "HERMIT",
    "RULES",
    "ConsistencyReport",
    "InferenceResult",
    "ReasonerError",
    "check_consistency",
    "check_consistency_by_rules",
    "inconsistency_problems",
    "load_ontology_graph",
    "reason_about",
    "unsatisfiable_classes",
]
