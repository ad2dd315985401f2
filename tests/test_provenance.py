"""Sources beyond documents, and passages checked against their documents.

The fixture municipality teststadt, with the files its sources name (tests/fixtures/provenance/:
its document's text in dokumente/, cached OParl JSON, a CSV table; workbooks are written here),
read by the real reader, mapped and validated by the real build. Each kind of source has a
valid case and the invalid cases the reader must name with file and line.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from graph.build import prepare
from graph.cli import main
from graph.errors import SourceError
from graph.mapping import SHAPES_FILE, load_ontology, map_municipality, map_reference
from graph.namespaces import (
    DCTERMS,
    IKG,
    ONTOLOGY_GRAPH,
    OPARL,
    PROV,
    RDF,
    REFERENCE_GRAPH,
    SKOS,
    entity_iri,
    municipality_graph,
    municipality_iri,
    office_statement_iri,
    table_row_iri,
)
from graph.shapes import ShapeChecker
from graph.sources import read_sources
from graph.sources.documents import check_passages, normalised
from graph.validate import validate_graph
from tests.conftest import DATA_DIR, FIXTURES
from tests.editing import line_of, replace

TESTSTADT = FIXTURES / "sources" / "teststadt"
FILES = FIXTURES / "provenance"
PAPER_URL = "https://ris.teststadt.example/oparl/paper/1"
OPARL_SOURCE = f"{{oparl: {PAPER_URL}, file: oparl/paper-1.json}}"
BOGUS = "Dieser Satz steht nirgends im Dokument"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """data/reference plus teststadt with the files its sources name, writable."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", folder / "reference")
    shutil.copytree(TESTSTADT, folder / "teststadt")
    for name in ("dokumente", "oparl", "tabellen"):
        shutil.copytree(FILES / name, folder / "teststadt" / name)
    write_xlsx(folder / "teststadt" / "tabellen" / "kita.xlsx", sheet="2023", rows=3)
    write_ods(folder / "teststadt" / "tabellen" / "kita.ods", sheet="Tabelle1", rows=3)
    return folder


def city(data: Path) -> Path:
    return data / "teststadt"


def cite(data: Path, file: str, old_source: str, new_source: str) -> Path:
    """Replace a source of a record: the entry starting ``- doc: vorlage-1`` whose passage is
    ``old_source`` becomes ``new_source`` (one flow mapping)."""
    path = city(data) / file
    content = path.read_text(encoding="utf-8")
    entry = re.compile(rf"- doc: vorlage-1\n +passage: {re.escape(old_source)}\n")
    assert entry.search(content), f"no source {old_source!r} in {path}"
    path.write_text(entry.sub(lambda _: f"- {new_source}\n", content, count=1), "utf-8")
    return path


def problems(data: Path, seeds: Path | None = None) -> list:
    with pytest.raises(SourceError) as raised:
        read_sources(data, seeds)
    return raised.value.problems


def mapped(data: Path):
    sources = read_sources(data)
    context = load_ontology() + map_reference(sources.reference)
    return map_municipality(sources.municipality("teststadt")), context


def assert_conforms(graph: Graph, context: Graph) -> None:
    """Both the compiled checks and pySHACL find nothing (tests/test_fast_paths.py)."""
    shapes = Graph().parse(SHAPES_FILE)
    report = validate_graph(graph, shapes, context)
    assert report.conforms, report.problems()
    assert ShapeChecker(shapes, context).violations(graph) == []


# -- workbooks, written as the spreadsheet programs write their parts -------------------------

XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, *, sheet: str, rows: int) -> None:
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Zeile {n}</t></is></c></row>'
        for n in range(1, rows + 1)
    )
    # a formatted but empty row after the last with content, as Excel writes one
    cells += f'<row r="{rows + 5}" ht="20" customHeight="1"/>'
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        workbook.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_RELATIONSHIPS}"><sheets>'
            f'<sheet name="Deckblatt" sheetId="1" r:id="rId1"/>'
            f'<sheet name="{sheet}" sheetId="2" r:id="rId2"/></sheets></workbook>',
        )
        workbook.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="worksheet" Target="worksheets/sheet2.xml"/>'
            "</Relationships>",
        )
        workbook.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{XLSX_MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            "</sheetData></worksheet>",
        )
        workbook.writestr(
            "xl/worksheets/sheet2.xml",
            f'<worksheet xmlns="{XLSX_MAIN}"><sheetData>{cells}</sheetData></worksheet>',
        )


def write_ods(path: Path, *, sheet: str, rows: int) -> None:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    filled = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Jahr</text:p>'
        "</table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows - 1}"><table:table-cell '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    # LibreOffice writes the empty rest of a sheet as one repeated empty row
    empty = (
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        "</table:table-row>"
    )
    content = (
        f'<office:document-content xmlns:office="{office}" xmlns:table="{table}" '
        f'xmlns:text="{text}"><office:body><office:spreadsheet>'
        f'<table:table table:name="{sheet}">{filled}{empty}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        workbook.writestr("content.xml", content)


# -- documents and passages ------------------------------------------------------------------


def test_normalised_text_ignores_layout_not_words() -> None:
    assert normalised("Kommunales Integrations-\n  zentrum") == "kommunales integrationszentrum"
    assert normalised("„Brücke“ – e. V.") == '"brücke" - e. v.'
    assert normalised("Integrationsrat") != normalised("Integrations rat")


def test_every_passage_occurs_in_the_municipalitys_own_document(data: Path) -> None:
    municipality = read_sources(data).municipality("teststadt")
    report = check_passages(municipality, city(data), None)
    assert report.problems == [] and report.notes == []


def test_a_passage_not_in_its_document_is_an_error_naming_file_and_line(data: Path) -> None:
    path = city(data) / "measures.yaml"
    replace(path, "passage: Sprachcafé", f"passage: {BOGUS}")
    with pytest.raises(SourceError) as raised:
        prepare(data, None)
    assert raised.value.exit_code == 1
    (problem,) = raised.value.problems
    assert (problem.file, problem.line) == ("data/teststadt/measures.yaml", line_of(path, BOGUS))
    assert problem.record_id == "sprachcafe"
    assert BOGUS in problem.message and "vorlage-1" in problem.message
    assert problem.hint


def test_ikg_validate_rejects_a_passage_that_is_not_in_its_document(
    data: Path, tmp_path: Path
) -> None:
    path = city(data) / "actors.yaml"
    replace(path, "passage: AWO", f"passage: {BOGUS}")
    result = CliRunner().invoke(
        main, ["validate", "--data", str(data)], env={"IKG_SEEDS": str(tmp_path / "keine")}
    )
    assert result.exit_code == 1, result.output
    assert f"data/teststadt/actors.yaml:{line_of(path, BOGUS)}" in result.output
    assert BOGUS in result.output
    assert "Traceback" not in result.output


def test_a_passage_may_join_places_and_ignores_line_breaks_hyphenation_and_case(
    data: Path,
) -> None:
    replace(
        city(data) / "measures.yaml",
        "passage: Sprachcafé",
        'passage: "das sprachcafé läuft … MONTAGS IM KI"',
    )
    replace(
        city(data) / "administration.yaml",
        "passage: Kommunales Integrationszentrum",
        'passage: "Kommunales Integrationszentrum der Stadt Teststadt"',
    )
    municipality = read_sources(data).municipality("teststadt")
    assert check_passages(municipality, city(data), None).problems == []


def test_each_missing_place_of_a_joined_passage_is_named(data: Path) -> None:
    replace(city(data) / "measures.yaml", "passage: Sprachcafé", f'passage: "Sprachcafé … {BOGUS}"')
    municipality = read_sources(data).municipality("teststadt")
    (problem,) = check_passages(municipality, city(data), None).problems
    assert BOGUS in problem.message and "Sprachcafé" not in problem.message


def add_document(data: Path, document_id: str, file: str) -> None:
    replace(
        city(data) / "municipality.yaml",
        "    kind: Beschlussvorlage\n",
        f"    kind: Beschlussvorlage\n  - id: {document_id}\n    file: {file}\n"
        f"    title: Protokoll\n    kind: Sitzungsbericht\n",
    )


def test_a_document_whose_text_is_not_at_hand_is_noted_once_not_failed(data: Path) -> None:
    shutil.rmtree(city(data) / "dokumente")
    add_document(data, "protokoll", "protokoll.txt")
    for file, passage in (("actors.yaml", "AWO"), ("bodies.yaml", "Rat der Stadt")):
        cite(data, file, passage, f'{{doc: protokoll, passage: "{BOGUS}"}}')
    prepared = prepare(data, None)
    notes = prepared.notes
    assert sorted(note.record_id for note in notes) == ["protokoll", "vorlage-1"]
    assert all(note.file == "data/teststadt/municipality.yaml" for note in notes)
    assert all("nicht zur Hand" in note.message and note.hint for note in notes)


def test_ikg_validate_says_which_documents_it_could_not_check(data: Path, tmp_path: Path) -> None:
    shutil.rmtree(city(data) / "dokumente")
    result = CliRunner().invoke(
        main, ["validate", "--data", str(data)], env={"IKG_SEEDS": str(tmp_path / "keine")}
    )
    assert result.exit_code == 0, result.output
    (note,) = [line for line in result.output.splitlines() if line.startswith("Hinweis")]
    assert "municipality.yaml:8: [vorlage-1]" in note and "nicht zur Hand" in note


def test_a_document_in_neither_folder_is_an_error_when_the_documents_folder_exists(
    data: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    assert read_sources(data, seeds).municipality("teststadt")  # found in dokumente/
    shutil.rmtree(city(data) / "dokumente")
    (problem,) = problems(data, seeds)
    assert "not found" in problem.message and "dokumente" in problem.message
    assert problem.file == "data/teststadt/municipality.yaml"


def test_a_pdf_is_checked_through_its_text_copy(data: Path) -> None:
    documents = city(data) / "dokumente"
    (documents / "vorlage-1.txt").rename(documents / "vorlage-1-text.txt")
    replace(city(data) / "municipality.yaml", "file: vorlage-1.txt", "file: vorlage-1.pdf")
    (documents / "vorlage-1.pdf").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    (notes,) = prepare(data, None).notes
    assert "vorlage-1.txt" in notes.message  # the text copy it looked for
    (documents / "vorlage-1-text.txt").rename(documents / "vorlage-1.txt")
    assert prepare(data, None).notes == []
    replace(city(data) / "measures.yaml", "passage: Sprachcafé", f"passage: {BOGUS}")
    with pytest.raises(SourceError, match="Dieser Satz"):
        prepare(data, None)


def test_the_municipalitys_own_documents_are_not_looked_for_in_the_documents_folder(
    data: Path,
) -> None:
    (prepared,) = prepare(data, None).municipalities
    assert prepared.documents == []


def test_a_document_named_by_url_keeps_its_address(data: Path) -> None:
    url = "https://www.teststadt.example/vorlagen/2024-0001.pdf"
    replace(
        city(data) / "municipality.yaml",
        "    kind: Beschlussvorlage",
        f"    url: {url}\n    kind: Beschlussvorlage",
    )
    graph, context = mapped(data)
    assert (entity_iri("teststadt", "vorlage-1"), DCTERMS.source, URIRef(url)) in graph.graph
    assert_conforms(graph.graph, context)


def test_a_document_url_must_be_a_web_address(data: Path) -> None:
    path = city(data) / "municipality.yaml"
    replace(
        path,
        "    kind: Beschlussvorlage",
        "    url: www.teststadt.example/x y\n    kind: Beschlussvorlage",
    )
    (problem,) = problems(data)
    assert "http(s)" in problem.message and problem.line == line_of(path, "url:")


def test_a_document_file_stays_inside_its_folder(data: Path) -> None:
    path = city(data) / "municipality.yaml"
    replace(path, "file: vorlage-1.txt", "file: ../../../etc/passwd")
    (problem,) = problems(data)
    assert "'..'" in problem.message and problem.line == line_of(path, "file:")


# -- every kind of source in one municipality, through the build ------------------------------


def test_every_kind_of_source_is_prov_and_builds(data: Path) -> None:
    cite(data, "papers.yaml", "Vorlage 2024/0001", OPARL_SOURCE)
    cite(data, "actors.yaml", "AWO", "{table: tabellen/kita.csv, row: 3}")
    cite(data, "actors.yaml", "Kulturverein", "{table: tabellen/kita.xlsx, sheet: 2023, row: 3}")
    cite(
        data,
        "networks.yaml",
        "Arbeitskreis Integration",
        "{table: tabellen/kita.ods, sheet: Tabelle1, row: 2}",
    )
    cite(data, "measures.yaml", "Sprachcafé", "{office: ki, date: 2024-03-01}")
    prepared = prepare(data, None)  # read, passages, map, SHACL, consistency (HermiT)
    graph = prepared.graphs[municipality_graph("teststadt")]
    assert_conforms(graph, prepared.shared[ONTOLOGY_GRAPH] + prepared.shared[REFERENCE_GRAPH])
    ks = entity_iri("teststadt", "sprachcafe")

    def derived(subject: URIRef, source: URIRef, rdf_type: URIRef) -> None:
        assert (subject, PROV.wasDerivedFrom, source) in graph
        derivations = set(graph.objects(subject, PROV.qualifiedDerivation))
        assert any((d, PROV.entity, source) in graph for d in derivations)
        assert (source, RDF.type, rdf_type) in graph
        assert (source, IKG.municipality, municipality_iri("teststadt")) in graph
        assert len(list(graph.objects(source, SKOS.prefLabel))) == 1

    paper = URIRef(PAPER_URL)
    derived(entity_iri("teststadt", "vorlage-2024-0001"), paper, IKG.OParlObject)
    assert (paper, DCTERMS.type, OPARL.Paper) in graph
    assert (paper, IKG.fileName, Literal("oparl/paper-1.json")) in graph
    label = graph.value(paper, SKOS.prefLabel)
    assert str(label) == "Vorlage im Ratsinformationssystem: Integrationskonzept 2024"

    row = table_row_iri("teststadt", "tabellen/kita.xlsx", "2023", 3)
    derived(entity_iri("teststadt", "mso-verein"), row, IKG.TableRow)
    assert (row, IKG.sheet, Literal("2023")) in graph
    assert (row, IKG.rowNumber, Literal(3)) in graph
    csv_row = table_row_iri("teststadt", "tabellen/kita.csv", None, 3)
    derived(entity_iri("teststadt", "awo"), csv_row, IKG.TableRow)
    assert graph.value(csv_row, IKG.sheet) is None

    statement = office_statement_iri("teststadt", "ki", "2024-03-01")
    derived(ks, statement, IKG.OfficeStatement)
    assert (statement, PROV.wasAttributedTo, entity_iri("teststadt", "ki")) in graph
    assert graph.value(statement, DCTERMS.date) == Literal(dt.date(2024, 3, 1))
    # only a document's citation keeps a passage
    for derivation in graph.objects(ks, PROV.qualifiedDerivation):
        assert graph.value(derivation, IKG.passage) is None


# -- bad sources: each named at the file and line of the entry -------------------------------


@dataclass(frozen=True)
class BadSource:
    name: str
    file: str
    passage: str
    source: str
    message: str
    before: str = ""  # a change to a fixture file first: "path|old|new"


BAD_SOURCES = [
    BadSource(
        "two-shapes", "actors.yaml", "AWO", "{table: t.csv, row: 1, office: ki}", "genau eines von"
    ),
    BadSource(
        "oparl-not-a-url",
        "papers.yaml",
        "Vorlage 2024/0001",
        "{oparl: ris.example/paper/1, file: oparl/paper-1.json}",
        "http(s)",
    ),
    BadSource(
        "oparl-without-file",
        "papers.yaml",
        "Vorlage 2024/0001",
        f"{{oparl: {PAPER_URL}}}",
        "needs 'file'",
    ),
    BadSource(
        "oparl-file-missing",
        "papers.yaml",
        "Vorlage 2024/0001",
        f"{{oparl: {PAPER_URL}, file: oparl/paper-9.json}}",
        "does not exist",
    ),
    BadSource(
        "oparl-other-object",
        "papers.yaml",
        "Vorlage 2024/0001",
        "{oparl: https://ris.teststadt.example/oparl/paper/2, file: oparl/paper-1.json}",
        "ist nicht das OParl-Objekt",
    ),
    BadSource(
        "oparl-not-json",
        "papers.yaml",
        "Vorlage 2024/0001",
        OPARL_SOURCE,
        "kein JSON",
        before='oparl/paper-1.json|"reference"|reference',
    ),
    BadSource(
        "oparl-person",
        "papers.yaml",
        "Vorlage 2024/0001",
        "{oparl: https://ris.teststadt.example/oparl/person/1, file: oparl/person-1.json}",
        "describes people",
    ),
    BadSource(
        "oparl-file-outside",
        "papers.yaml",
        "Vorlage 2024/0001",
        f"{{oparl: {PAPER_URL}, file: ../teststadt/oparl/paper-1.json}}",
        "'..'",
    ),
    BadSource(
        "table-row-past-the-end",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.csv, row: 4}",
        "there is no row 4",
    ),
    BadSource(
        "table-row-zero",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.csv, row: 0}",
        "an integer from 1",
    ),
    BadSource(
        "table-row-missing", "actors.yaml", "AWO", "{table: tabellen/kita.csv}", "an integer from 1"
    ),
    BadSource(
        "table-csv-with-sheet",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.csv, sheet: A, row: 2}",
        "has no sheets",
    ),
    BadSource(
        "table-workbook-without-sheet",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.xlsx, row: 2}",
        "needs 'sheet'",
    ),
    BadSource(
        "table-unknown-sheet",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.xlsx, sheet: 2022, row: 2}",
        "has no sheet '2022'",
    ),
    BadSource(
        "table-ods-row-past-the-end",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.ods, sheet: Tabelle1, row: 4}",
        "there is no row 4",
    ),
    BadSource(
        "table-not-a-table",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.docx, row: 2}",
        "keine Tabelle",
    ),
    BadSource(
        "table-file-missing",
        "actors.yaml",
        "AWO",
        "{table: tabellen/hort.csv, row: 2}",
        "does not exist",
    ),
    BadSource(
        "table-not-a-workbook",
        "actors.yaml",
        "AWO",
        "{table: tabellen/kita.xlsx, sheet: 2023, row: 2}",
        "keine lesbare",
        before="tabellen/kita.xlsx||kaputt",
    ),
    BadSource(
        "office-names-an-actor",
        "measures.yaml",
        "Sprachcafé",
        "{office: awo, date: 2024-03-01}",
        "keine Verwaltungseinheit",
    ),
    BadSource(
        "office-names-nobody",
        "measures.yaml",
        "Sprachcafé",
        "{office: frau-mueller, date: 2024-03-01}",
        "keine Kennung",
    ),
    BadSource(
        "office-without-date", "measures.yaml", "Sprachcafé", "{office: ki}", "needs its date"
    ),
    BadSource(
        "office-bad-date",
        "measures.yaml",
        "Sprachcafé",
        "{office: ki, date: 2024-02-30}",
        "not a valid date",
    ),
    BadSource(
        "office-unknown-key",
        "measures.yaml",
        "Sprachcafé",
        "{office: ki, date: 2024-03-01, person: Erika}",
        "unknown key 'person'",
    ),
]


@pytest.mark.parametrize("case", BAD_SOURCES, ids=[case.name for case in BAD_SOURCES])
def test_a_bad_source_is_named_at_its_file_and_line(data: Path, case: BadSource) -> None:
    if case.before:
        file, old, new = case.before.split("|")
        target = city(data) / file
        if old:
            replace(target, old, new)
        else:
            target.write_text(new, encoding="utf-8")
    path = cite(data, case.file, case.passage, case.source)
    found = problems(data)
    matching = [p for p in found if case.message in p.message]
    assert matching, f"no problem says {case.message!r}: {[str(p) for p in found]}"
    problem = matching[0]
    assert problem.file == f"data/teststadt/{case.file}"
    assert problem.line == line_of(path, case.source.split(",")[0])
    assert problem.hint


def test_one_oparl_object_has_one_cached_file(data: Path) -> None:
    shutil.copy(city(data) / "oparl" / "paper-1.json", city(data) / "oparl" / "kopie.json")
    cite(data, "papers.yaml", "Vorlage 2024/0001", OPARL_SOURCE)
    path = cite(
        data,
        "concepts.yaml",
        "Integrationskonzept 2024",
        f"{{oparl: {PAPER_URL}, file: oparl/kopie.json}}",
    )
    (problem,) = problems(data)
    # the files are read in order of their names: the second citation is the paper's
    assert "zwei Dateien" in problem.message
    assert (problem.file, problem.line) == (
        "data/teststadt/papers.yaml",
        line_of(city(data) / "papers.yaml", PAPER_URL),
    )
    assert f"data/teststadt/concepts.yaml:{line_of(path, 'oparl/kopie.json')}" in problem.message
