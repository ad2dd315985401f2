"""Query answers in the formats of the SPARQL 1.1 Protocol, as bytes.

SELECT and ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV. CONSTRUCT and DESCRIBE
(N-Triples in ``QueryResult.triples``): Turtle, N-Triples, JSON-LD and RDF/XML, written by
pyoxigraph.

ASK in CSV or TSV is not specified by the standard; like Oxigraph's server we write the bare
``true`` or ``false``. XML 1.0 cannot carry most control characters at all, not even escaped;
such characters in a value are written as U+FFFD in the XML format (the other formats keep them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import PREFIXES
from graph.results import to_json
from graph.store import QueryResult

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class ResultsFormat:
    """A format for SELECT and ASK answers."""

    name: str
    media_type: str
    write: Callable[[QueryResult], bytes]


@dataclass(frozen=True)
class GraphFormat:
    """A format for CONSTRUCT and DESCRIBE answers."""

    name: str
    media_type: str
    rdf_format: ox.RdfFormat


def sparql_json(result: QueryResult) -> bytes:
    return json.dumps(to_json(result), ensure_ascii=False).encode("utf-8")


# Characters XML 1.0 allows (section 2.2); everything else cannot appear, not even as &#…;.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    # \r would be read back as \n by any XML parser unless written as a reference
    text = _NOT_XML.sub("\ufffd", value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        "\r", "&#13;"
    )


def _xml_attribute(value: str) -> str:
    return (
        _xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    )


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            attribute = f' xml:lang="{_xml_attribute(term.language)}"'
        elif term.datatype and str(term.datatype) != XSD_STRING:
            attribute = f' datatype="{_xml_attribute(str(term.datatype))}"'
        else:
            attribute = ""
        return f"<literal{attribute}>{_xml_text(str(term))}</literal>"
    raise TypeError(f"unexpected term {term!r}")


def sparql_xml(result: QueryResult) -> bytes:
    """SPARQL Query Results XML Format (W3C Recommendation, second edition)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    if result.boolean is not None:
        lines += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        variables = "".join(f'<variable name="{_xml_attribute(v)}"/>' for v in result.variables)
        lines += [f"<head>{variables}</head>", "<results>"]
        for row in result.rows:
            bindings = "".join(
                f'<binding name="{_xml_attribute(name)}">{_xml_term(value)}</binding>'
                for name, value in zip(result.variables, row, strict=True)
                if value is not None
            )
            lines.append(f"<result>{bindings}</result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def sparql_csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results CSV: plain values, RFC 4180 quoting, CRLF line ends."""
    if result.boolean is not None:
        return b"true" if result.boolean else b"false"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_term(term: Node | None) -> str:
    """A term in Turtle/SPARQL syntax, as the TSV format requires; no raw tab or newline."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{str(term).translate(_TSV_ESCAPES)}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_TSV_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"unexpected term {term!r}")


def sparql_tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results TSV: ``?var`` headings, terms in SPARQL syntax."""
    if result.boolean is not None:
        return b"true" if result.boolean else b"false"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(value) for value in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


RESULTS_FORMATS = {
    f.name: f
    for f in (
        ResultsFormat("json", "application/sparql-results+json", sparql_json),
        ResultsFormat("xml", "application/sparql-results+xml", sparql_xml),
        ResultsFormat("csv", "text/csv", sparql_csv),
        ResultsFormat("tsv", "text/tab-separated-values", sparql_tsv),
    )
}

GRAPH_FORMATS = {
    f.name: f
    for f in (
        GraphFormat("turtle", "text/turtle", ox.RdfFormat.TURTLE),
        GraphFormat("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        GraphFormat("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
        GraphFormat("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    )
}


def write_graph(ntriples: bytes, graph_format: GraphFormat) -> bytes:
    """CONSTRUCT/DESCRIBE triples (N-Triples) in another RDF format; Turtle and RDF/XML use
    the project's prefixes."""
    if graph_format.rdf_format == ox.RdfFormat.N_TRIPLES:
        return ntriples
    triples = [quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    prefixes = PREFIXES if graph_format.rdf_format != ox.RdfFormat.JSON_LD else None
    return ox.serialize(triples, format=graph_format.rdf_format, prefixes=prefixes) or b""
