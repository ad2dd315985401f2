"""OWL 2 DL consistency of the graph: HermiT decides, Pellet explains.

The only module that imports owlready2. SHACL (graph/validate.py) checks what each record must
state; the reasoner catches what only follows from the ontology's axioms — a node that is two
disjoint kinds of thing (a measure that is also an organisation), or a functional property with
two values that are known to differ.

How a check runs, and why:

- The ontology (ontology/ikg.ttl) and the data go into a fresh owlready2 ``World`` through an
  N-Triples file in a temporary folder: owlready2 cannot parse Turtle, and a fresh world keeps
  one check from seeing the facts of another.
- Annotation-only triples of the data (labels, descriptions, definitions, quoted passages) are
  left out: they carry no logic, make up a good part of the data, and free text is where
  unusual literals turn up.
- HermiT is run with ``ignore_unsupported_datatypes``: ``xsd:date`` (used by ``dcterms:date``
  and ``time:inXSDDate``) is not in the OWL 2 datatype map and HermiT would refuse the whole
  ontology. Dates are checked by the SHACL shapes instead.
- HermiT only says "inconsistent". To name what clashes, the same triples are given to Pellet
  (bundled with owlready2) for one explanation, with every data node renamed to a short alias
  first: Pellet prints local names only, and ours ("1", "period") are not unique.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from owlready2 import reasoning as owlready2_reasoning
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from graph.errors import IkgError
from graph.mapping import ONTOLOGY_FILE

#: Data nodes are renamed to ``<ALIAS_NAMESPACE>n<number>`` for Pellet; Pellet prints "n<number>".
ALIAS_NAMESPACE = "https://w3id.org/ikg/explain#"
_ALIAS_TOKEN = re.compile(r"\bikgnode(\d+)\b")

#: Seconds one reasoner run may take before it is stopped.
JAVA_TIMEOUT = 300

_UNEXPLAINED = "HermiT found the ontology plus data inconsistent; Pellet could not explain: "

# Annotation properties every OWL document may use without declaring them.
_BUILTIN_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})


class ReasonerError(IkgError):
    """The reasoner could not run at all (no Java, a crash); not a verdict on the data."""

    exit_code = 2
    http_status = 500


@dataclass
class ConsistencyReport:
    """The reasoner's verdict on ontology plus data."""

    consistent: bool
    #: IRIs of the data nodes the explanation involves (empty when consistent or unexplained)
    inconsistent_entities: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: the axioms that clash, as Pellet prints them, with data nodes written as full IRIs
    explanation: str = ""
    #: classes that can have no instance (the ontology itself is wrong); consistent may be True
    unsatisfiable_classes: list[str] = field(default_factory=list)


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
    combined = _reasoning_graph(ontology, graph)
    java = _java()
    with tempfile.TemporaryDirectory(prefix="ikg-reasoning-") as folder:
        world = owlready2.World()
        try:
            consistent, unsatisfiable = _run_hermit(world, combined, Path(folder), java)
        finally:
            world.close()
        report = ConsistencyReport(consistent=consistent, unsatisfiable_classes=unsatisfiable)
        if not consistent:
            report.inconsistent_entities, report.explanation = _explain(
                combined, ontology, Path(folder), java
            )
        elif unsatisfiable:
            report.explanation = "Unsatisfiable classes (no instance possible): " + ", ".join(
                unsatisfiable
            )
    report.seconds = time.perf_counter() - started
    return report


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


def _run_hermit(
    world: owlready2.World, combined: Graph, folder: Path, java: str
) -> tuple[bool, list[str]]:
    source = folder / "reasoning.nt"
    combined.serialize(source, format="nt", encoding="utf-8")
    world.get_ontology(source.as_uri()).load()
    owlready2.JAVA_EXE = java  # owlready2 reads the Java path from this module global
    try:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, []
    except owlready2.OwlReadyJavaError as error:
        raise ReasonerError(f"HermiT failed: {error}") from error
    unsatisfiable = sorted(
        entity.iri for entity in world.inconsistent_classes() if entity.iri != str(OWL.Nothing)
    )
    return True, unsatisfiable


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
    readable = _ALIAS_TOKEN.sub(lambda match: f"<{iri_of[int(match.group(1))]}>", explanation)
    return entities, readable


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
            alias_of[node] = URIRef(f"{ALIAS_NAMESPACE}ikgnode{number}")
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


__all__ = ["ConsistencyReport", "ReasonerError", "check_consistency", "load_ontology_graph"]
