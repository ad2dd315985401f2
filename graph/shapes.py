"""The SHACL shapes as plain Python checks: pySHACL's verdicts, at a fraction of its time.

pySHACL needs about 1.5 s for one generated municipality of 12,000 triples — ten minutes of a
build of 400 municipalities. This module checks the same shapes (ontology/shapes.ttl) over
dictionaries built once per graph and takes a few hundredths of that. It is a yes/no gate:
when it finds a violation, the build asks pySHACL for the report (its messages, with file and
line), so every report a user sees is pySHACL's; tests prove both give the same results on
every fixture and on the real data.

Only the part of SHACL Core the shapes use is supported: targets by class and by subject of a
property; paths that are a property or an ``sh:alternativePath`` of properties; class, datatype
(date, integer, boolean, string), node kind (IRI, literal), min/max count, pattern, min
inclusive, language in, unique language, qualified min count, node, or, property. A shape using
anything else raises UnsupportedShapes when compiled, and the build then uses pySHACL alone.

Like pySHACL with an ``ont_graph``, the data is checked together with the RDFS/OWL axioms of the
ontology (pySHACL's own ``inoculate`` picks them), so subclasses count for sh:class.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pyshacl.rdfutil.inoculate import inoculate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.namespaces import RDF, RDFS, SH, XSD

RDFS_SUBCLASS = RDFS.subClassOf
RDF_TYPE = URIRef(str(RDF.type))
XSD_STRING = XSD.string
RDF_LANGSTRING = RDF.langString

#: datatype → the Python type rdflib gives a well-formed literal of it (pySHACL's test)
DATATYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.date: date,
    XSD.integer: int,
    XSD.boolean: bool,
    XSD_STRING: (str, bytes),
}
NODE_KINDS = {SH.IRI: URIRef, SH.Literal: Literal}

#: what a shape may say; anything else is refused at compile time
SUPPORTED = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.property,
    SH.path,
    SH.message,
    SH.name,
    SH.description,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.pattern,
    SH.minInclusive,
    SH.languageIn,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.node,
    SH["or"],
}


class UnsupportedShapes(Exception):
    """The shapes use SHACL this module does not implement; use pySHACL."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it at the top of its report."""

    focus: Node
    #: the shape whose constraint failed (sh:sourceShape)
    shape: Node
    #: the constraint component's local name: "ClassConstraintComponent" …
    component: str
    #: sh:value, where the component gives one
    value: Node | None = None


@dataclass(eq=False)
class _Shape:
    node: Node
    path: tuple[URIRef, ...] | None = None
    target_classes: list[URIRef] = field(default_factory=list)
    target_subjects_of: list[URIRef] = field(default_factory=list)
    classes: list[URIRef] = field(default_factory=list)
    datatype: URIRef | None = None
    node_kind: type | None = None
    min_count: int | None = None
    max_count: int | None = None
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    min_inclusive: Literal | None = None
    language_in: set[str] | None = None
    unique_lang: bool = False
    qualified: tuple[_Shape, int] | None = None
    nodes: list[_Shape] = field(default_factory=list)
    alternatives: list[list[_Shape]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)


class ShapeChecker:
    """Compiled shapes plus the ontology axioms they are checked with."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self._graph = shapes
        self._compiled: dict[Node, _Shape] = {}
        roots = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
            shapes.subjects(RDF.type, SH.PropertyShape)
        )
        for root in sorted(roots, key=str):
            self._compile(root)
        self._targeted = [
            shape
            for shape in self._compiled.values()
            if shape.target_classes or shape.target_subjects_of
        ]
        self._axioms = _Index(inoculate(Graph(), ontology))

    def violations(self, data: Graph) -> list[Result]:
        """Every result pySHACL would put at the top of its report for ``data``."""
        run = _Run(_Index(data, self._axioms))
        results: list[Result] = []
        for shape in self._targeted:
            for focus in run.focus_nodes(shape):
                results.extend(run.check(shape, focus))
        return results

    # -- compiling ----------------------------------------------------------------------

    def _compile(self, node: Node) -> _Shape:
        if node in self._compiled:
            return self._compiled[node]
        graph = self._graph
        shape = _Shape(node)
        self._compiled[node] = shape
        for predicate, value in graph.predicate_objects(node):
            if predicate not in SUPPORTED:
                raise UnsupportedShapes(f"{node}: {predicate} is not supported")
            if predicate == RDF.type and value not in (SH.NodeShape, SH.PropertyShape):
                raise UnsupportedShapes(f"{node}: a shape that is a {value}")
        shape.path = self._path(node)
        shape.target_classes = _iris(graph.objects(node, SH.targetClass))
        shape.target_subjects_of = _iris(graph.objects(node, SH.targetSubjectsOf))
        shape.classes = _iris(graph.objects(node, SH["class"]))
        shape.datatype = self._one(node, SH.datatype, set(DATATYPES))
        kind = self._one(node, SH.nodeKind, set(NODE_KINDS))
        shape.node_kind = None if kind is None else NODE_KINDS[kind]
        shape.min_count = self._integer(node, SH.minCount)
        shape.max_count = self._integer(node, SH.maxCount)
        shape.patterns = [re.compile(str(p)) for p in graph.objects(node, SH.pattern)]
        minimum = self._one(node, SH.minInclusive, None)
        if minimum is not None and not isinstance(minimum, Literal):
            raise UnsupportedShapes(f"{node}: sh:minInclusive must be a literal")
        shape.min_inclusive = minimum
        languages = graph.value(node, SH.languageIn)
        if languages is not None:
            shape.language_in = {str(tag).lower() for tag in Collection(graph, languages)}
            if "*" in shape.language_in:
                raise UnsupportedShapes(f"{node}: sh:languageIn with '*'")
        unique = graph.value(node, SH.uniqueLang)
        shape.unique_lang = bool(unique is not None and unique.toPython() is True)
        qualified = graph.value(node, SH.qualifiedValueShape)
        if qualified is not None:
            count = self._integer(node, SH.qualifiedMinCount)
            if count is None:
                raise UnsupportedShapes(f"{node}: sh:qualifiedValueShape without a min count")
            shape.qualified = (self._compile(qualified), count)
        elif graph.value(node, SH.qualifiedMinCount) is not None:
            raise UnsupportedShapes(f"{node}: sh:qualifiedMinCount without a shape")
        shape.nodes = [self._compile(other) for other in graph.objects(node, SH.node)]
        shape.alternatives = [
            [self._compile(member) for member in Collection(graph, members)]
            for members in graph.objects(node, SH["or"])
        ]
        shape.properties = [self._compile(other) for other in graph.objects(node, SH.property)]
        if shape.path is None and (
            shape.min_count is not None
            or shape.max_count is not None
            or shape.unique_lang
            or shape.qualified is not None
        ):
            raise UnsupportedShapes(f"{node}: a cardinality constraint on a node shape")
        return shape

    def _path(self, node: Node) -> tuple[URIRef, ...] | None:
        path = self._graph.value(node, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return (path,)
        alternatives = self._graph.value(path, SH.alternativePath)
        extra = set(self._graph.predicates(path)) - {SH.alternativePath}
        if alternatives is None or extra:
            raise UnsupportedShapes(f"{node}: only property and alternative paths are supported")
        members = list(Collection(self._graph, alternatives))
        if not all(isinstance(member, URIRef) for member in members):
            raise UnsupportedShapes(f"{node}: an alternative path of paths")
        return tuple(members)  # type: ignore[arg-type]

    def _one(self, node: Node, predicate: URIRef, allowed: set[Node] | None) -> Node | None:
        values = list(self._graph.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShapes(f"{node}: several values of {predicate}")
        if values and allowed is not None and values[0] not in allowed:
            raise UnsupportedShapes(f"{node}: {predicate} {values[0]} is not supported")
        return values[0] if values else None

    def _integer(self, node: Node, predicate: URIRef) -> int | None:
        value = self._one(node, predicate, None)
        if value is None:
            return None
        number = value.toPython() if isinstance(value, Literal) else None
        if not isinstance(number, int) or isinstance(number, bool):
            raise UnsupportedShapes(f"{node}: {predicate} must be an integer")
        return number


class _Index:
    """Triples by subject and predicate, and subjects by predicate, over a base layer."""

    def __init__(self, graph: Graph, base: _Index | None = None) -> None:
        self.objects: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.subjects_of: dict[Node, set[Node]] = defaultdict(set)
        if base is not None:
            for subject, by_predicate in base.objects.items():
                for predicate, objects in by_predicate.items():
                    self.objects[subject][predicate] |= objects
            for predicate, subjects in base.subjects_of.items():
                self.subjects_of[predicate] |= subjects
        for subject, predicate, obj in graph:
            self.objects[subject][predicate].add(obj)
            self.subjects_of[predicate].add(subject)

    def values(self, node: Node, predicates: Iterable[URIRef]) -> set[Node]:
        by_predicate = self.objects.get(node)
        if by_predicate is None:
            return set()
        found: set[Node] = set()
        for predicate in predicates:
            found |= by_predicate.get(predicate, set())
        return found


class _Run:
    """One validation of one graph: the index and what has been worked out about it."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self._superclasses: dict[Node, set[Node]] = {}
        self._conforms: dict[tuple[int, Node], bool] = {}
        #: class → every node that is an instance of it or of one of its subclasses
        self.instances: dict[Node, set[Node]] = defaultdict(set)
        for node in index.subjects_of.get(RDF_TYPE, set()):
            for cls in index.objects[node][RDF_TYPE]:
                for superclass in self.superclasses(cls):
                    self.instances[superclass].add(node)

    def superclasses(self, cls: Node) -> set[Node]:
        """The class and every class it is (transitively) a subclass of."""
        known = self._superclasses.get(cls)
        if known is None:
            known, todo = {cls}, [cls]
            while todo:
                for parent in self.index.values(todo.pop(), (RDFS_SUBCLASS,)):
                    if parent not in known:
                        known.add(parent)
                        todo.append(parent)
            self._superclasses[cls] = known
        return known

    def is_instance(self, node: Node, cls: URIRef) -> bool:
        return node in self.instances.get(cls, ())

    def focus_nodes(self, shape: _Shape) -> set[Node]:
        found: set[Node] = set()
        for cls in shape.target_classes:
            found |= self.instances.get(cls, set())
        for predicate in shape.target_subjects_of:
            found |= self.index.subjects_of.get(predicate, set())
        return found

    def conforms(self, shape: _Shape, node: Node) -> bool:
        key = (id(shape), node)
        if key not in self._conforms:
            self._conforms[key] = not self.check(shape, node)
        return self._conforms[key]

    def check(self, shape: _Shape, focus: Node) -> list[Result]:
        values = {focus} if shape.path is None else self.index.values(focus, shape.path)
        results: list[Result] = []

        def fail(component: str, value: Node | None) -> None:
            results.append(Result(focus, shape.node, component, value))

        for cls in shape.classes:
            for value in values:
                if not self.is_instance(value, cls):
                    fail("ClassConstraintComponent", value)
        if shape.datatype is not None:
            for value in values:
                if not _has_datatype(value, shape.datatype):
                    fail("DatatypeConstraintComponent", value)
        if shape.node_kind is not None:
            for value in values:
                if not isinstance(value, shape.node_kind):
                    fail("NodeKindConstraintComponent", value)
        if shape.min_count is not None and len(values) < shape.min_count:
            fail("MinCountConstraintComponent", None)
        if shape.max_count is not None and len(values) > shape.max_count:
            fail("MaxCountConstraintComponent", None)
        for pattern in shape.patterns:
            for value in values:
                if isinstance(value, BNode) or not pattern.search(_string(value)):
                    fail("PatternConstraintComponent", value)
        if shape.min_inclusive is not None:
            for value in values:
                if not _at_least(value, shape.min_inclusive):
                    fail("MinInclusiveConstraintComponent", value)
        if shape.language_in is not None:
            for value in values:
                if not _language_in(value, shape.language_in):
                    fail("LanguageInConstraintComponent", value)
        if shape.unique_lang:
            seen: set[str] = set()
            duplicates: set[str] = set()
            for value in values:
                if isinstance(value, Literal) and value.language:
                    tag = value.language.lower()
                    (duplicates if tag in seen else seen).add(tag)
            for _tag in duplicates:
                fail("UniqueLangConstraintComponent", None)
        if shape.qualified is not None:
            qualified, minimum = shape.qualified
            if sum(1 for value in values if self.conforms(qualified, value)) < minimum:
                fail("QualifiedMinCountConstraintComponent", None)
        for other in shape.nodes:
            for value in values:
                if not self.conforms(other, value):
                    fail("NodeConstraintComponent", value)
        for members in shape.alternatives:
            for value in values:
                if not any(self.conforms(member, value) for member in members):
                    fail("OrConstraintComponent", value)
        for prop in shape.properties:
            for value in values:
                results.extend(self.check(prop, value))
        return results


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    found = list(nodes)
    if not all(isinstance(node, URIRef) for node in found):
        raise UnsupportedShapes("targets and classes must be IRIs")
    return found  # type: ignore[return-value]


def _has_datatype(value: Node, datatype: URIRef) -> bool:
    """pySHACL's DatatypeConstraintComponent for the datatypes in DATATYPES."""
    if not isinstance(value, Literal):
        return False
    python_type = DATATYPES[datatype]
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return isinstance(value.value, python_type)
    if value.datatype is None and value.language is None and datatype == XSD_STRING:
        return isinstance(value.value, python_type)
    return False


def _string(value: Node) -> str:
    if (
        isinstance(value, Literal)
        and value.value is not None
        and value.datatype in (None, RDF_LANGSTRING, XSD_STRING)
    ):
        return str(value.value)
    return str(value)


def _at_least(value: Node, minimum: Literal) -> bool:
    """pySHACL's MinInclusiveConstraintComponent: comparable literals only."""
    if not isinstance(value, Literal):
        return False
    if isinstance(minimum.value, str) != isinstance(value.value, str):
        return False
    try:
        return bool(value.value >= minimum.value)
    except TypeError:
        return False


def _language_in(value: Node, languages: set[str]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    tag = value.language.lower()
    return tag in languages or tag.split("-")[0] in languages
