"""The SPARQL results writers (graph.result_formats), read back by independent parsers:
Oxigraph's results parsers, the csv module, an XML parser."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import parseString

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from graph.result_formats import (
    GRAPH_FORMATS,
    sparql_csv,
    sparql_json,
    sparql_tsv,
    sparql_xml,
    write_graph,
)
from graph.store import QueryResult, from_oxigraph

AWKWARD = 'Quote " back\\slash\ttab\nnew line\r return <b>&amp; ]]> ünïcödé 😀'
RESULT = QueryResult(
    variables=["iri", "text", "typed", "blank", "missing"],
    rows=[
        (URIRef("https://w3id.org/ikg/id/x?a=1&b=2"), Literal(AWKWARD, lang="de"),
         Literal("2017-05-04", datatype=XSD.date), BNode("b0"), None),
        (URIRef("urn:x:plain"), Literal("plain"), Literal("42", datatype=XSD.integer), None,
         None),
    ],
)


def read_back(body: bytes, results_format: ox.QueryResultsFormat) -> list[tuple]:
    solutions = ox.parse_query_results(body, format=results_format)
    variables = [v.value for v in solutions.variables]
    assert variables == RESULT.variables
    return [tuple(from_oxigraph(s[v]) for v in variables) for s in solutions]


@pytest.mark.parametrize(
    ("write", "results_format"),
    [(sparql_json, ox.QueryResultsFormat.JSON), (sparql_tsv, ox.QueryResultsFormat.TSV)],
)
def test_json_and_tsv_read_back_as_the_same_terms(write, results_format):
    rows = read_back(write(RESULT), results_format)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        (r[0], r[1], r[2], r[4]) for r in RESULT.rows
    ]
    assert isinstance(rows[0][3], BNode) and rows[1][3] is None


def test_xml_reads_back_as_the_same_terms_and_is_well_formed():
    body = sparql_xml(RESULT)
    parseString(body)  # well-formed, escapes and all
    rows = read_back(body, ox.QueryResultsFormat.XML)
    assert rows[0][1] == RESULT.rows[0][1]  # \r kept as a character reference
    assert rows[0][0] == RESULT.rows[0][0] and rows[1][2] == RESULT.rows[1][2]


def test_xml_replaces_characters_xml_cannot_carry():
    result = QueryResult(variables=["v"], rows=[(Literal("bell\x07 and nul\x00"),)])
    body = sparql_xml(result)
    parseString(body)
    assert read_back_single(body) == "bell\ufffd and nul\ufffd"


def read_back_single(body: bytes) -> str:
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    return next(iter(solutions))["v"].value


def test_tsv_keeps_every_row_on_one_line():
    lines = sparql_tsv(RESULT).decode("utf-8").split("\n")
    assert lines[0] == "?iri\t?text\t?typed\t?blank\t?missing"
    assert len(lines) == 4 and lines[3] == ""
    assert lines[2] == '<urn:x:plain>\t"plain"\t"42"^^<http://www.w3.org/2001/XMLSchema#integer>\t\t'


def test_csv_is_rfc_4180_with_plain_values():
    body = sparql_csv(RESULT)
    assert body.startswith(b"iri,text,typed,blank,missing\r\n")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[1] == [str(RESULT.rows[0][0]), AWKWARD, "2017-05-04", "_:b0", ""]
    assert rows[2] == ["urn:x:plain", "plain", "42", "", ""]


@pytest.mark.parametrize("value", [True, False])
def test_ask_in_every_format(value):
    result = QueryResult(boolean=value)
    word = b"true" if value else b"false"
    assert sparql_csv(result) == sparql_tsv(result) == word
    for write, results_format in ((sparql_json, ox.QueryResultsFormat.JSON),
                                  (sparql_xml, ox.QueryResultsFormat.XML)):
        parsed = ox.parse_query_results(write(result), format=results_format)
        assert isinstance(parsed, ox.QueryBoolean) and bool(parsed) is value


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_graph_formats_read_back_as_the_same_graph(name):
    from rdflib import Graph

    source = (
        '<urn:x:a> <urn:x:p> "Wert mit \\"Anführung\\" und\\nZeile"@de .\n'
        "_:b <urn:x:p> <https://w3id.org/ikg/id/oberhausen> .\n"
        '<urn:x:a> <urn:x:n> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    ).encode()
    graph_format = GRAPH_FORMATS[name]
    body = write_graph(source, graph_format)
    triples = [q.triple for q in ox.parse(body, format=graph_format.rdf_format)]
    written = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                            format="nt")
    assert isomorphic(written, Graph().parse(data=source, format="nt"))
