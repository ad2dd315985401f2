"""Query answers in the formats of the SPARQL 1.1 Protocol, as bytes.

SELECT and ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV. CONSTRUCT and DESCRIBE
(N-Triples in ``QueryResult.triples``): Turtle, N-Triples, JSON-LD and RDF/XML, written by
pyoxigraph.

ASK in CSV or TSV is not specified by the standard; like Oxigraph's server we write the bare
``true`` or ``false``. XML 1.0 cannot carry most control characters at all, not even escaped;
such characters in a value are written as U+FFFD in the XML format (the other formats keep them).
A CSV cell that a spreadsheet would run as a formula gets a ``'`` in front (``to_csv``).

``render`` shows any answer on the command line: a table, CSV or JSON, and Turtle for
CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError
from graph.namespaces import PREFIXES, SPARQL_RESULTS_XML
from graph.results import to_csv, to_json, to_table
from graph.store.interface import XSD_STRING, QueryResult


class UnwritableAnswer(QueryError):
    """The answer holds something the asked-for format cannot carry; another format can."""

    http_status = 406


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


def xml_safe(text: str) -> str:
    r"""``text`` with every character XML 1.0 forbids (C0 controls but tab, newline and
    carriage return; U+FFFE, U+FFFF; lone surrogates) replaced by U+FFFD, so that any XML
    parser reads it.

    >>> xml_safe("Verein\x01\x0bNord") == "Verein\ufffd\ufffdNord"
    True
    """
    return _NOT_XML.sub("\ufffd", text)


def _xml_text(value: str) -> str:
    # \r would be read back as \n by any XML parser unless written as a reference
    text = xml_safe(value)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _xml_attribute(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


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
        f'<sparql xmlns="{SPARQL_RESULTS_XML}">',
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


def sparql_csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 Query Results CSV, with formulas neutralised for spreadsheets (see
    ``graph.results.to_csv``, the one CSV writer)."""
    return to_csv(result).encode("utf-8")


# TSV needs no such neutralising: every cell is an RDF term in SPARQL syntax, so it starts
# with "<" (IRI), '"' (literal, always quoted, numbers too) or "_:" (blank node), or is empty.
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
    the project's prefixes.

    A store can hold IRIs that RFC 3987 forbids (a ``"``, a space, ``{``: a store loaded
    leniently, or a remote one). Oxigraph writes them as they are and its strict parser then
    refuses its own output, so they are read leniently here and written so that the answer
    still follows the format's grammar: in Turtle and N-Triples such characters become
    ``\\u`` escapes (N-Triples, which is Turtle too, then answers both); JSON-LD and RDF/XML
    escape them themselves. Characters XML 1.0 cannot carry become U+FFFD in RDF/XML literals,
    as in the SPARQL XML results; in an IRI they make RDF/XML refuse the answer (406).
    """
    rdf_format = graph_format.rdf_format
    triples = [
        quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    ]
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE) and any(
        _NOT_IN_IRIREF.search(node.value) for node in _named_nodes(triples)
    ):
        return "".join(
            f"{_ntriples_term(t.subject)} {_ntriples_term(t.predicate)} "
            f"{_ntriples_term(t.object)} .\n"
            for t in triples
        ).encode("utf-8")
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        return ntriples
    if rdf_format == ox.RdfFormat.RDF_XML:
        triples = _xml_safe_triples(triples)
    prefixes = PREFIXES if rdf_format != ox.RdfFormat.JSON_LD else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""


_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
# what IRIREF in Turtle and N-Triples cannot hold unescaped
_NOT_IN_IRIREF = re.compile('[\x00-\x20<>"{}|^`\\\\]')


def _named_nodes(triples: list[ox.Triple]) -> Iterator[ox.NamedNode]:
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                yield term
            elif isinstance(term, ox.Literal):
                yield term.datatype


def _iriref(iri: str) -> str:
    return "<" + _NOT_IN_IRIREF.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _ntriples_term(term: _Term) -> str:
    if isinstance(term, ox.NamedNode):
        return _iriref(term.value)
    if (
        isinstance(term, ox.Literal)
        and term.language is None
        and term.datatype.value != (XSD_STRING)
    ):
        return f"{ox.Literal(term.value)}^^{_iriref(term.datatype.value)}"
    return str(term)  # Oxigraph writes literals and blank nodes in N-Triples syntax


def _xml_safe_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    for node in _named_nodes(triples):
        if _NOT_XML.search(node.value):
            raise UnwritableAnswer(
                f"Die Antwort enthält die IRI {_iriref(node.value)[:200]} mit einem Zeichen, "
                "das XML 1.0 nicht tragen kann, und ist daher nicht als RDF/XML möglich; "
                "möglich sind text/turtle, application/n-triples und application/ld+json. / "
                "The answer holds an IRI with a character XML 1.0 cannot carry; ask for "
                "text/turtle, application/n-triples or application/ld+json instead.",
                parameter="Accept",
            )
    return [ox.Triple(t.subject, t.predicate, _xml_safe_literal(t.object)) for t in triples]


def _xml_safe_literal(term: _Term) -> _Term:
    if isinstance(term, ox.Literal) and _NOT_XML.search(term.value):
        return ox.Literal(
            xml_safe(term.value),
            language=term.language,
            datatype=None if term.language else term.datatype,
        )
    return term


def triples_as_turtle(ntriples: bytes) -> str:
    return write_graph(ntriples, GRAPH_FORMATS["turtle"]).decode("utf-8")


def render(result: QueryResult, output_format: str, columns: dict[str, str] | None = None) -> str:
    """An answer as `ikg query` and `ikg sparql` print it: ``output_format`` "table", "csv"
    or "json" for SELECT and ASK; Turtle for CONSTRUCT and DESCRIBE, whatever was asked."""
    if result.triples is not None:
        return triples_as_turtle(result.triples)
    if output_format == "json":
        return json.dumps(to_json(result), ensure_ascii=False, indent=2)
    if output_format == "csv":
        return to_csv(result)
    return to_table(result, columns)
