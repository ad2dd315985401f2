"""Downloads stay safe and readable whatever the store holds: CSV cells a spreadsheet would
run as formulas, control characters in GraphML and GEXF, IRIs with a '"' in CONSTRUCT answers.

Each test builds a real store on disk and asks the viewer (Flask's test client) or `ikg`.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask import Flask
from rdflib import Graph, Literal, URIRef

from graph.cli import main
from graph.store.builds import write_store
from webapp import create_app
from webapp.sparql import close_query_workers

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "hostile.trig"
FORMULA = '=HYPERLINK("http://127.0.0.1/x","Klick")'
#: the action field's label becomes a formula, the MSO's label holds U+0001 and U+000B
CHANGES = {
    '"Feld <script>alert(1)</script> {{ 7*7 }}"@de': '"=HYPERLINK(\\"http://127.0.0.1/x\\",\\"Klick\\")"@de',
    '"Verein <script>alert(1)</script>"@de': '"Verein\\u0001 Nord\\u000B S\\u00FCd"@de',
}
MSO_LABEL = "Verein\ufffd Nord\ufffd Süd"
QUOTED_IRI = 'https://w3id.org/ikg/id/zitat"x'


@pytest.fixture(scope="module")
def awkward_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture with a formula and control characters in two labels."""
    text = HOSTILE.read_text(encoding="utf-8")
    for old, new in CHANGES.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
    path = tmp_path_factory.mktemp("awkward") / "store"
    write_store(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return path


@pytest.fixture(scope="module")
def quoted_iri_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding an IRI with '"' (Oxigraph stores one when data is loaded leniently)
    and a literal with U+0001."""
    path = tmp_path_factory.mktemp("quoted") / "store"
    store = ox.Store(str(path))
    store.load(
        f"<{QUOTED_IRI}> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"Zitat \\"eins\\" \\u0001"@de <https://w3id.org/ikg/graph/zitat> .\n'.encode(),
        format=ox.RdfFormat.N_QUADS,
        lenient=True,
    )
    store.flush()
    del store
    return path


@contextmanager
def app_on(store: Path) -> Iterator[Flask]:
    """The viewer on ``store``; its query workers end with the block."""
    app = create_app({"STORE": str(store), "TESTING": True})
    try:
        yield app
    finally:
        close_query_workers(app)


@pytest.fixture(scope="module")
def awkward_app(awkward_store: Path) -> Iterator[Flask]:
    with app_on(awkward_store) as app:
        yield app


@pytest.fixture(scope="module")
def quoted_iri_app(quoted_iri_store: Path) -> Iterator[Flask]:
    with app_on(quoted_iri_store) as app:
        yield app


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# -- CSV ------------------------------------------------------------------------------------

FORMULAS = """SELECT ?v WHERE { VALUES ?v { "=1+1" "+1" "-1+A1" "@SUM(A1)" "\\tx" "-3" -3 5 } }"""
NEUTRALISED = ["'=1+1", "'+1", "'-1+A1", "'@SUM(A1)", "'\tx", "-3", "-3", "5"]


def test_sparql_csv_neutralises_formulas_but_not_numbers(awkward_app):
    answer = awkward_app.test_client().get(
        "/sparql", query_string={"query": FORMULAS}, headers={"Accept": "text/csv"}
    )
    assert answer.status_code == 200
    assert [row[0] for row in csv_cells(answer.get_data(as_text=True))[1:]] == NEUTRALISED


def test_query_csv_download_neutralises_formulas_with_one_charset(awkward_app):
    answer = awkward_app.test_client().get(
        "/abfragen/action-fields?municipality=hostile&format=csv"
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, row = csv_cells(answer.get_data(as_text=True))
    assert row[header.index("label")] == "'" + FORMULA


def test_cli_csv_neutralises_formulas(awkward_store, monkeypatch):
    monkeypatch.setenv("IKG_STORE", str(awkward_store))
    runner = CliRunner()
    named = runner.invoke(
        main, ["query", "action-fields", "--param", "municipality=hostile", "--format", "csv"]
    )
    assert named.exit_code == 0, named.output
    header, row, *_blank = csv_cells(named.output)
    assert row[header.index("label")] == "'" + FORMULA
    free = runner.invoke(main, ["sparql", FORMULAS, "--format", "csv"])
    assert free.exit_code == 0, free.output
    assert [row[0] for row in csv_cells(free.output)[1:] if row] == NEUTRALISED


# -- GraphML and GEXF -----------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["graphml", "gexf"])
def test_cli_network_export_is_well_formed_with_control_characters(awkward_store, export_format):
    result = CliRunner().invoke(
        main,
        [
            "export",
            "--format",
            export_format,
            "--municipality",
            "hostile",
            "--store",
            str(awkward_store),
        ],
    )
    assert result.exit_code == 0, result.output
    root = ElementTree.fromstring(result.stdout_bytes)
    labels = {e.text for e in root.iter() if e.tag.endswith("data")}
    labels |= {e.get("label") for e in root.iter() if e.tag.endswith("node")}
    assert MSO_LABEL in labels


def test_viewer_graphml_is_well_formed_with_control_characters(awkward_app):
    answer = awkward_app.test_client().get("/kommune/hostile/netzwerk.graphml")
    assert answer.status_code == 200
    root = ElementTree.fromstring(answer.data)
    assert MSO_LABEL in {e.text for e in root.iter() if e.tag.endswith("data")}


# -- CONSTRUCT with an IRI holding '"' ------------------------------------------------------

EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
LABEL = Literal('Zitat "eins" \x01', lang="de")


def read_graph(body: bytes, media_type: str) -> Graph:
    if media_type == "application/ld+json":  # rdflib's JSON-LD reader warns (deprecation)
        [node] = json.loads(body)
        label = node["http://www.w3.org/2004/02/skos/core#prefLabel"][0]
        graph = Graph()
        graph.add(
            (
                URIRef(node["@id"]),
                URIRef("urn:label"),
                Literal(label["@value"], lang=label["@language"]),
            )
        )
        return graph
    rdflib_format = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/rdf+xml": "xml",
    }[media_type]
    return Graph().parse(data=body, format=rdflib_format)


@pytest.mark.parametrize(
    "media_type",
    ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"],
)
def test_construct_with_a_quote_in_an_iri_answers_in_every_format(quoted_iri_app, media_type):
    answer = quoted_iri_app.test_client().get(
        "/sparql", query_string={"query": EVERYTHING}, headers={"Accept": media_type}
    )
    assert answer.status_code == 200, answer.data[:300]
    assert answer.mimetype == media_type
    [(subject, _, label)] = list(read_graph(answer.data, media_type))
    assert subject == URIRef(QUOTED_IRI)
    # XML 1.0 cannot carry U+0001, not even as a reference
    assert label == (
        Literal('Zitat "eins" \ufffd', lang="de") if media_type == "application/rdf+xml" else LABEL
    )


def test_construct_with_a_quote_in_an_iri_shows_on_the_sparql_page_and_in_the_cli(
    quoted_iri_app, quoted_iri_store
):
    page = quoted_iri_app.test_client().get(
        "/sparql", query_string={"query": EVERYTHING}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    assert "zitat\\u0022x" in page.get_data(as_text=True)
    result = CliRunner().invoke(main, ["sparql", EVERYTHING, "--store", str(quoted_iri_store)])
    assert result.exit_code == 0, result.output
    [(subject, _, label)] = list(Graph().parse(data=result.output, format="turtle"))
    assert subject == URIRef(QUOTED_IRI) and label == LABEL


def test_construct_as_rdf_xml_with_an_iri_xml_cannot_carry_is_a_406_in_the_error_shape(tmp_path):
    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.load(
        b'<urn:x:a\x01b> <urn:x:p> "v" <urn:x:g> .\n', format=ox.RdfFormat.N_QUADS, lenient=True
    )
    store.flush()
    del store
    with app_on(path) as app:
        client = app.test_client()
        refused = client.get(
            "/sparql", query_string={"query": EVERYTHING}, headers={"Accept": "application/rdf+xml"}
        )
        assert refused.status_code == 406
        error = refused.get_json()["error"]
        assert error["type"] == "UnwritableAnswer" and error["parameter"] == "Accept"
        assert "<urn:x:a\\u0001b>" in error["message"] and "text/turtle" in error["message"]
        turtle = client.get(
            "/sparql", query_string={"query": EVERYTHING}, headers={"Accept": "text/turtle"}
        )
        assert turtle.status_code == 200
        assert turtle.data == b'<urn:x:a\\u0001b> <urn:x:p> "v" .\n'
