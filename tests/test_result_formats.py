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
from graph.store.interface import QueryResult, from_oxigraph

AWKWARD = 'Quote " back\\slash\ttab\nnew line\r return <b>&amp; ]]> ünïcödé 😀'
RESULT = QueryResult(
    variables=["iri", "text", "typed", "blank", "missing"],
    rows=[
        (
            URIRef("https://w3id.org/ikg/id/x?a=1&b=2"),
            Literal(AWKWARD, lang="de"),
            Literal("2017-05-04", datatype=XSD.date),
            BNode("b0"),
            None,
        ),
        (URIRef("urn:x:plain"), Literal("plain"), Literal("42", datatype=XSD.integer), None, None),
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
    assert (
        lines[2] == '<urn:x:plain>\t"plain"\t"42"^^<http://www.w3.org/2001/XMLSchema#integer>\t\t'
    )


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
    for write, results_format in (
        (sparql_json, ox.QueryResultsFormat.JSON),
        (sparql_xml, ox.QueryResultsFormat.XML),
    ):
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
    written = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(written, Graph().parse(data=source, format="nt"))


# -- spreadsheets: CSV cells that would run as formulas (OWASP "CSV Injection") ------------

FORMULAS = [
    '=HYPERLINK("http://127.0.0.1/x","Klick")',
    "+1+1",
    "-1+A1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "-",
    "-3 Personen",
    "-1e5",
]
#: numbers cannot run as formulas, and a quote would turn them into text in the spreadsheet
NUMBERS = ["-3", "-0.5", "42", "3.25"]
HARMLESS = ["a=b", "Verein e. V.", "", "'schon zitiert"]


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote():
    values = [Literal(v) for v in FORMULAS + NUMBERS + HARMLESS]
    values += [Literal(-3), Literal("-2.5", datatype=XSD.decimal)]
    result = QueryResult(variables=["v"], rows=[(value,) for value in values])
    rows = list(csv.reader(io.StringIO(sparql_csv(result).decode("utf-8"), newline="")))
    cells = [row[0] if row else "" for row in rows[1:]]
    assert cells == ["'" + v for v in FORMULAS] + NUMBERS + HARMLESS + ["-3", "-2.5"]


def test_the_cli_and_download_csv_is_the_endpoints_csv():
    from graph.results import to_csv

    result = QueryResult(
        variables=["v", "b"], rows=[(Literal("=1+1"), BNode("b0")), (Literal("-3"), None)]
    )
    assert to_csv(result).encode("utf-8") == sparql_csv(result)
    assert to_csv(result) == "v,b\r\n'=1+1,_:b0\r\n-3,\r\n"


def test_tsv_cells_never_start_like_a_formula():
    # TSV keeps exact RDF terms: a literal is quoted, an IRI in <>, a blank node _:
    values = [Literal(v) for v in FORMULAS] + [
        Literal("=1", lang="de"),
        Literal(-3),
        URIRef("urn:x:=1"),
        BNode("b0"),
    ]
    result = QueryResult(variables=["v"], rows=[(value,) for value in values])
    cells = sparql_tsv(result).decode("utf-8").split("\n")[1:-1]
    assert len(cells) == len(values)
    assert all(cell[:1] in ('"', "<", "_") for cell in cells), cells
    assert cells[0] == '"=HYPERLINK(\\"http://127.0.0.1/x\\",\\"Klick\\")"'


# -- CONSTRUCT answers holding IRIs RFC 3987 forbids (a leniently loaded store) ------------

#: N-Triples as Oxigraph writes them for a store that holds such IRIs
LENIENT = (
    b'<https://w3id.org/ikg/id/zitat"x> <http://www.w3.org/2004/02/skos/core#prefLabel> '
    b'"Zitat \\"eins\\""@de .\n'
    b"<urn:x:a> <urn:x:p> <https://example.org/mit leerzeichen> .\n"
    b'<urn:x:a> <urn:x:n> "5"^^<urn:x:typ"x> .\n'
)
LENIENT_IRIS = {'https://w3id.org/ikg/id/zitat"x', "https://example.org/mit leerzeichen"}


@pytest.mark.parametrize("name", ["turtle", "ntriples", "rdfxml"])
def test_graph_formats_write_iris_with_quotes_so_that_they_read_back(name):
    from rdflib import Graph

    body = write_graph(LENIENT, GRAPH_FORMATS[name])
    assert len(list(ox.parse(body, format=GRAPH_FORMATS[name].rdf_format, lenient=True))) == 3
    read = Graph().parse(data=body, format={"turtle": "turtle", "ntriples": "nt"}.get(name, "xml"))
    assert LENIENT_IRIS <= {str(term) for triple in read for term in triple}
    assert Literal('Zitat "eins"', lang="de") in set(read.objects())
    assert URIRef('urn:x:typ"x') in {o.datatype for o in read.objects() if isinstance(o, Literal)}


def test_json_ld_writes_iris_with_quotes_as_json_strings():
    import json

    body = write_graph(LENIENT, GRAPH_FORMATS["jsonld"])
    assert len(list(ox.parse(body, format=ox.RdfFormat.JSON_LD, lenient=True))) == 3
    ids = {node["@id"] for node in json.loads(body)}
    ids |= {
        o["@id"]
        for node in json.loads(body)
        for key, objects in node.items()
        if key != "@id"
        for o in objects
        if "@id" in o
    }
    assert LENIENT_IRIS <= ids


def test_turtle_and_ntriples_escape_what_an_iri_cannot_hold():
    body = write_graph(LENIENT, GRAPH_FORMATS["turtle"]).decode("utf-8")
    assert "<https://w3id.org/ikg/id/zitat\\u0022x>" in body
    assert "<https://example.org/mit\\u0020leerzeichen>" in body
    assert '"5"^^<urn:x:typ\\u0022x>' in body
    assert write_graph(LENIENT, GRAPH_FORMATS["ntriples"]).decode("utf-8") == body


def test_rdf_xml_is_well_formed_with_control_characters_in_literals():
    source = b'<urn:x:a> <urn:x:p> "Glocke\\u0007 und\\u000B Tab"@de .\n'
    body = write_graph(source, GRAPH_FORMATS["rdfxml"])
    parseString(body)
    [triple] = [q.triple for q in ox.parse(body, format=ox.RdfFormat.RDF_XML)]
    assert triple.object == ox.Literal("Glocke\ufffd und\ufffd Tab", language="de")


def test_rdf_xml_refuses_an_iri_xml_cannot_carry_naming_the_other_formats():
    from graph.result_formats import UnwritableAnswer

    source = b'<urn:x:a\\u0001b> <urn:x:p> "v" .\n'
    with pytest.raises(UnwritableAnswer) as raised:
        write_graph(source, GRAPH_FORMATS["rdfxml"])
    assert raised.value.http_status == 406
    assert "text/turtle" in str(raised.value) and "RDF/XML" in str(raised.value)
