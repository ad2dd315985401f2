"""SHACL validation → a report value; raising is the caller's choice.

Violations are traced back to the source file and line through the locations the mapping
recorded, so a coordinator learns where to fix the data, not which IRI is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
from rdflib import Graph, URIRef
from rdflib.term import Node

from graph.errors import Problem
from graph.mapping import Location
from graph.namespaces import RDF, SH


@dataclass(frozen=True)
class Violation:
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    location: Location | None = None

    def as_problem(self) -> Problem:
        where = self.location
        detail = self.message
        if self.path:
            detail += f" (property {self.path})"
        return Problem(
            detail,
            file=where.file if where else None,
            line=where.line if where else None,
            record_id=where.record_id if where else self.focus,
            hint=None if where else f"node {self.focus}",
        )


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return [violation.as_problem() for violation in self.violations]


def validate_graph(
    data: Graph,
    shapes: Graph,
    ontology: Graph,
    locations: dict[URIRef, Location] | None = None,
) -> ValidationReport:
    """Validate one named graph's triples; ``ontology`` supplies classes and reference schemes."""
    conforms, results, _report_text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return ValidationReport(conforms=True)
    locations = locations or {}
    violations = []
    # Only the report's own results: pySHACL nests the details of sh:node/sh:or checks as
    # further ValidationResult nodes, which would repeat one fault at the wrong node.
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    for result in results.objects(report, SH.result):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = results.value(result, SH.focusNode)
        violations.append(
            Violation(
                focus=str(focus),
                message=str(results.value(result, SH.resultMessage) or "violates a shape"),
                path=_text(results.value(result, SH.resultPath)),
                value=_text(results.value(result, SH.value)),
                shape=_text(results.value(result, SH.sourceShape)),
                location=locations.get(focus) if isinstance(focus, URIRef) else None,
            )
        )
    violations.sort(
        key=lambda v: (
            v.location.file if v.location else "",
            v.location.line if v.location else 0,
            v.focus,
        )
    )
    return ValidationReport(conforms=not violations, violations=violations)


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)
