"""`ikg import table`: actor lists, memberships and measures from real CSV, XLSX and ODS files
made in the test setup, imported with the real command into a data folder in tmp_path."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.settings import PROJECT_ROOT
from graph.sources.loader import parse_yaml

PHONE = "0208 123456"
EMAIL = "info@elternverein.example"
CONTACT = "Jana Beispielfrau"

HEADER = [
    "Name",
    "Art",
    "Handlungsfelder",
    "Stadtteil",
    "Ansprechpartner Name",
    "Telefon",
    "E-Mail",
    "Netzwerk",
]
ACTOR_ROWS = [
    [
        "Türkischer Elternverein Südstadt e.V.",
        "MSO",
        "Bildung, Kultur, Freizeit und Sport",
        "Südstadt",
        CONTACT,
        PHONE,
        EMAIL,
        "Arbeitskreis Integration",
    ],
    [
        "Caritasverband Musterstadt",
        "Wohlfahrtsverband",
        "Beratung und Unterstützung",
        "Mitte",
        "Herr Mustermann",
        "0171 9876543",
        "m@caritas.example",
        "",
    ],
    ["Initiative Willkommen in Nord", "Initiative", "", "Nord", "", "", "", "AK Integration"],
]

NETWORKS = """\
networks:
  - id: ak-integration
    label: Arbeitskreis Integration
    alt_labels: [AK Integration]
    form: arbeitskreis
    members: []
    sources:
      - {doc: stammdaten, passage: "Stadt Musterstadt"}
"""
UNITS = """\
units:
  - id: ki
    label: Kommunales Integrationszentrum
    form: kommunales-integrationszentrum
    part_of: musterstadt
    sources:
      - {doc: stammdaten, passage: "Stadt Musterstadt"}
"""


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "cp1252", delimiter: str = ";"
) -> Path:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value not in ("", None):
                    sheet.cell(number, column, value)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """An ODS workbook as LibreOffice writes one: empty rows as repeated rows."""
    tables = []
    for name, rows in sheets.items():
        body = []
        for row in rows:
            if not any(row):
                body.append(
                    '<table:table-row table:number-rows-repeated="1">'
                    "<table:table-cell/></table:table-row>"
                )
                continue
            cells = "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}'
                "</text:p></table:table-cell>"
                if cell
                else "<table:table-cell/>"
                for cell in row
            )
            body.append(f"<table:table-row>{cells}</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(name)}>{''.join(body)}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        workbook.writestr("META-INF/manifest.xml", manifest)
        workbook.writestr("content.xml", content)
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with a new municipality, a network and a unit typed by hand."""
    folder = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "reference", folder / "reference")
    created = run(
        "new", "musterstadt", "--name", "Stadt Musterstadt", "--ags", "05999000", "--data", folder
    )
    assert created.exit_code == 0, created.output
    (folder / "musterstadt" / "networks.yaml").write_text(NETWORKS, encoding="utf-8")
    (folder / "musterstadt" / "administration.yaml").write_text(UNITS, encoding="utf-8")
    return folder


@pytest.fixture
def actor_csv(tmp_path: Path) -> Path:
    """An actor list as German Excel saves it: Windows-1252, ';', title rows, an empty row."""
    width = len(HEADER)
    rows = [
        ["Akteursliste Integration Musterstadt"] + [""] * (width - 1),
        [f"Stand März 2024, Ansprechpartnerin {CONTACT}"] + [""] * (width - 1),
        [""] * width,
        HEADER,
        ACTOR_ROWS[0],
        [""] * width,
        ACTOR_ROWS[1],
        ACTOR_ROWS[2],
    ]
    return write_csv(tmp_path / "akteure.csv", rows)


def actors_of(data: Path) -> list[dict]:
    text = (data / "musterstadt" / "actors.yaml").read_text(encoding="utf-8")
    return list(parse_yaml(text)["actors"])


def test_windows_1252_csv_with_title_and_empty_rows(data: Path, actor_csv: Path) -> None:
    result = run("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "Kopfzeile in Zeile 4; Windows-1252, Semikolon" in result.output
    assert "Zeilen gelesen: 3; leer übersprungen: 1" in result.output
    assert "Organisationen: 3 neu, 0 geändert, 0 unverändert, 0 entfernt" in result.output
    actors = {actor["id"]: actor for actor in actors_of(data)}
    verein = actors["tuerkischer-elternverein-suedstadt-e-v"]
    assert verein["label"] == "Türkischer Elternverein Südstadt e.V."  # umlauts read right
    assert verein["type"] == "mso"
    assert "Kultur, Freizeit und Sport" in verein["description"]
    assert dict(verein["sources"][0]) == {"table": "tabellen/akteure.csv", "row": 5}
    assert actors["initiative-willkommen-in-nord"]["type"] == "zivilgesellschaft"
    assert dict(actors["caritasverband-musterstadt"]["sources"][0])["row"] == 7
    # the network column became memberships, by label and by alternative label
    networks = parse_yaml((data / "musterstadt" / "networks.yaml").read_text(encoding="utf-8"))
    members = [member["member"] for member in networks["networks"][0]["members"]]
    assert members == ["tuerkischer-elternverein-suedstadt-e-v", "initiative-willkommen-in-nord"]
    # the copy's rows are the spreadsheet's rows
    copy = (data / "musterstadt" / "tabellen" / "akteure.csv").read_text(encoding="utf-8-sig")
    lines = copy.splitlines()
    assert lines[3].startswith("Name;Art") and lines[4].startswith("Türkischer Elternverein")
    assert lines[6].startswith("Caritasverband")
    validated = run("validate", "--data", data)
    assert validated.exit_code == 0, validated.output


def test_personal_columns_are_dropped_and_stored_nowhere(data: Path, actor_csv: Path) -> None:
    result = run("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert (
        "Nicht übernommen, personenbezogene Daten (auch nicht in der Kopie): "
        "Ansprechpartner Name, Telefon, E-Mail" in result.output
    )
    for path in (data / "musterstadt").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            for personal in (
                PHONE,
                "0171 9876543",
                EMAIL,
                "caritas.example",
                "Beispielfrau",
                "Mustermann",
                "Ansprechpartner",
            ):
                assert personal not in text, (path, personal)


def test_a_rerun_leaves_every_file_byte_identical(data: Path, actor_csv: Path) -> None:
    args = ("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert run(*args).exit_code == 0
    before = snapshot(data)
    again = run(*args)
    assert again.exit_code == 0, again.output
    assert "0 neu, 0 geändert, 3 unverändert" in again.output
    assert snapshot(data) == before


def test_an_updated_row_updates_its_record(data: Path, actor_csv: Path, tmp_path: Path) -> None:
    args = ("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert run(*args).exit_code == 0
    text = actor_csv.read_bytes().decode("cp1252")
    text = text.replace("Initiative;;Nord", "Verein;;Nordstadt")
    text = text.replace("Caritasverband Musterstadt;", "CARITASVERBAND  musterstadt;")
    actor_csv.write_bytes(text.encode("cp1252"))
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "Organisationen: 0 neu, 2 geändert, 1 unverändert" in result.output
    actors = {actor["id"]: actor for actor in actors_of(data)}
    assert len(actors) == 3  # matched by normalised name: no duplicate, the ids stay
    assert actors["caritasverband-musterstadt"]["label"] == "CARITASVERBAND  musterstadt"
    assert actors["initiative-willkommen-in-nord"]["type"] == "zivilgesellschaft"
    assert actors["initiative-willkommen-in-nord"]["description"] == "Stadtteil: Nordstadt."


def test_a_removed_row_removes_its_record(data: Path, actor_csv: Path) -> None:
    args = ("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert run(*args).exit_code == 0
    text = actor_csv.read_bytes().decode("cp1252").replace("Initiative Willkommen in Nord", "")
    actor_csv.write_bytes(text.encode("cp1252"))
    # the row now has no name, but other values: an error, nothing written
    before = snapshot(data)
    refused = run(*args)
    assert refused.exit_code == 1 and "akteure.csv:8" in refused.output
    assert snapshot(data) == before
    lines = actor_csv.read_bytes().decode("cp1252").splitlines()
    actor_csv.write_bytes("\r\n".join(lines[:7]).encode("cp1252"))
    dry = run(*args, "--dry-run")
    assert "- entfernt / removed: Organisation initiative-willkommen-in-nord" in dry.output
    assert snapshot(data) == before
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "initiative-willkommen-in-nord" not in {a["id"] for a in actors_of(data)}
    networks = (data / "musterstadt" / "networks.yaml").read_text(encoding="utf-8")
    assert "initiative-willkommen-in-nord" not in networks
    assert run("validate", "--data", data).exit_code == 0


def test_an_unknown_type_is_named_with_row_column_and_suggestion(
    data: Path, tmp_path: Path
) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Name", "Art", "Netzwerk"],
            ["Verein A", "MSO", ""],
            ["Verein B", "Migrantenorganisaton", ""],
            ["Verein C", "Wohlfahrtsverbnd", "Arbeitskreis Integratio"],
        ],
        encoding="utf-8",
    )
    before = snapshot(data)
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 1
    out = result.output
    assert "liste.csv:3: Spalte / column 'Art': 'Migrantenorganisaton'" in out
    assert "'Migrantenorganisation'" in out  # the closest known value
    assert "liste.csv:4: Spalte / column 'Art': 'Wohlfahrtsverbnd'" in out
    assert "liste.csv:4: Spalte / column 'Netzwerk': 'Arbeitskreis Integratio'" in out
    assert "'Arbeitskreis Integration'" in out
    assert "Traceback" not in out
    # an import leaves the data as they were, and says so (not the build's "store" message)
    assert "die Daten sind unverändert" in out and "Store" not in out
    assert snapshot(data) == before


def test_a_curated_record_keeps_its_values(data: Path, tmp_path: Path) -> None:
    (data / "musterstadt" / "actors.yaml").write_text(
        "actors:\n  # von Hand / by hand\n  - id: caritas\n    label: Caritasverband Musterstadt"
        "\n    type: wohlfahrtsverband\n    sources:\n"
        '      - {doc: stammdaten, passage: "Stadt Musterstadt"}\n',
        encoding="utf-8",
    )
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Organisation", "Typ", "Bemerkung"],
            ["Caritasverband Musterstadt", "Verein", "Beratung für Geflüchtete"],
        ],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "Konflikt: liste.csv, Zeile 2: caritas.type" in result.output
    [caritas] = actors_of(data)
    assert caritas["type"] == "wohlfahrtsverband"  # curated value stays
    assert caritas["description"] == "Beratung für Geflüchtete"  # what it lacked is added
    assert [dict(s) for s in caritas["sources"]][1] == {"table": "tabellen/liste.csv", "row": 2}
    assert "# von Hand / by hand" in (data / "musterstadt" / "actors.yaml").read_text()
    again = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert "0 geändert, 1 unverändert" in again.output


def test_e_mail_in_a_kept_column_is_refused(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Name", "Art", "Bemerkung"],
            ["Verein A", "MSO", "Kontakt über vorstand@verein-a.example"],
        ],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 1
    assert "liste.csv:2: Spalte / column 'Bemerkung': enthält eine E-Mail-Adresse" in result.output
    assert not (data / "musterstadt" / "tabellen").exists()


def test_a_named_person_or_a_bare_phone_number_in_a_kept_column_is_refused(
    data: Path, tmp_path: Path
) -> None:
    # a spreadsheet keeps a phone number as a number, without its leading 0
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Name", "Art", "Bemerkung"],
            ["Verein A", "MSO", "Kontakt über Frau Yilmaz"],
            ["Verein B", "MSO", "Tel 2211234567"],
            ["Frauenberatung Nord", "Verein", "für Frau und Familie"],
        ],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 1
    assert "liste.csv:2: Spalte / column 'Bemerkung': enthält den Namen einer Person" in (
        result.output
    )
    assert "liste.csv:3: Spalte / column 'Bemerkung': enthält eine Telefonnummer" in result.output
    assert "liste.csv:4" not in result.output
    assert not (data / "musterstadt" / "tabellen").exists()


def test_personal_headers_inside_compound_words_are_dropped(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Name", "Art", "Rufnummer", "Mailadresse", "Postanschrift", "Kontaktmail"],
            ["Verein A", "MSO", "0208 123456", "a@verein.example", "Hauptstr. 1", "b@x.example"],
        ],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert (
        "personenbezogene Daten (auch nicht in der Kopie): Rufnummer, Mailadresse, "
        "Postanschrift, Kontaktmail" in result.output
    )
    written = b"".join(p.read_bytes() for p in (data / "musterstadt").rglob("*") if p.is_file())
    for personal in (b"0208 123456", b"a@verein", b"Hauptstr", b"b@x"):
        assert personal not in written


def test_dry_run_writes_nothing(data: Path, actor_csv: Path) -> None:
    before = snapshot(data)
    result = run(
        "import", "table", actor_csv, "--municipality", "musterstadt", "--data", data, "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "+ neu / added: Organisation caritasverband-musterstadt" in result.output
    assert "+ neu / added: Mitgliedschaft ak-integration/initiative-willkommen-in-nord" in (
        result.output
    )
    assert "Probelauf: nichts geschrieben." in result.output
    assert snapshot(data) == before


def test_xlsx_with_several_sheets_reads_the_first_with_a_header(data: Path, tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "akteure.xlsx",
        {
            "Deckblatt": [["Akteure der Integrationsarbeit"], ["Stand 2024"]],
            "Liste 2024": [["Akteursliste"], [], HEADER, ACTOR_ROWS[0], [], ACTOR_ROWS[1]],
        },
    )
    result = run("import", "table", book, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "Tabelle akteure.xlsx, Blatt Liste 2024: Kopfzeile in Zeile 3" in result.output
    actors = {actor["id"]: actor for actor in actors_of(data)}
    assert dict(actors["caritasverband-musterstadt"]["sources"][0]) == {
        "table": "tabellen/akteure.ods",
        "sheet": "Liste 2024",
        "row": 6,
    }
    # the copy is one sheet, under its name, without the personal columns
    with zipfile.ZipFile(data / "musterstadt" / "tabellen" / "akteure.ods") as copy:
        content = copy.read("content.xml").decode("utf-8")
    assert 'table:name="Liste 2024"' in content and "Deckblatt" not in content
    assert PHONE not in content and EMAIL not in content
    validated = run("validate", "--data", data)
    assert validated.exit_code == 0, validated.output


def test_an_unknown_sheet_lists_the_sheets(data: Path, tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "akteure.xlsx", {"A": [HEADER], "B": [HEADER]})
    result = run(
        "import", "table", book, "--municipality", "musterstadt", "--data", data, "--sheet", "C"
    )
    assert result.exit_code == 2
    assert "akteure.xlsx hat kein Blatt 'C' (Blätter: A, B)" in result.output


def test_ods_workbook(data: Path, tmp_path: Path) -> None:
    book = write_ods(
        tmp_path / "akteure.ods",
        {
            "Titel": [["Nur ein Deckblatt"]],
            "Akteure": [
                ["Liste der Akteure"],
                ["", ""],
                HEADER,
                ACTOR_ROWS[2],
                ["", ""],
                ACTOR_ROWS[0],
            ],
        },
    )
    result = run(
        "import",
        "table",
        book,
        "--municipality",
        "musterstadt",
        "--data",
        data,
        "--sheet",
        "Akteure",
    )
    assert result.exit_code == 0, result.output
    actors = {actor["id"]: actor for actor in actors_of(data)}
    assert dict(actors["tuerkischer-elternverein-suedstadt-e-v"]["sources"][0]) == {
        "table": "tabellen/akteure.ods",
        "sheet": "Akteure",
        "row": 6,
    }
    assert run("validate", "--data", data).exit_code == 0


def test_an_undecodable_file_is_refused_naming_line_and_byte(data: Path, tmp_path: Path) -> None:
    table = tmp_path / "kaputt.csv"
    table.write_bytes(b"Name;Art\nVerein \x81 A;MSO\n")  # 0x81: neither UTF-8 nor Windows-1252
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 2
    assert "kaputt.csv, Zeile 2, Byte 16 (0x81)" in result.output


def test_utf8_with_bom_and_comma(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [["Name", "Art"], ["Verein Ölmühle", "Verein"]],
        encoding="utf-8-sig",
        delimiter=",",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "UTF-8, Komma" in result.output
    assert actors_of(data)[0]["label"] == "Verein Ölmühle"


def test_a_missing_header_is_refused(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv", [["Verein", "MSO"], ["Club", "Verein"]], encoding="utf-8"
    )
    table.write_text("Spalte1;Spalte2\nVerein A;MSO\n", encoding="utf-8")
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 2
    assert "keine Kopfzeile erkannt" in result.output and "--mapping" in result.output


def test_an_ambiguous_delimiter_is_refused(data: Path, tmp_path: Path) -> None:
    table = tmp_path / "liste.csv"
    # ';' and ',' both split every row alike and find a 'Name' and a type column
    table.write_text("Name;Art,Name,Typ,X;Art\nA;B,C,D,E;F\nG;H,I,J,K;L\n", encoding="utf-8")
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 2
    assert "Trennzeichen ist nicht eindeutig (Semikolon und Komma" in result.output


def test_a_mapping_file_overrides_the_recognition(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Träger des Angebots", "Kategorie", "Name"],
            ["Verein A", "MSO", "Sprachcafé"],
        ],
        encoding="utf-8",
    )
    mapping = tmp_path / "spalten.yaml"
    mapping.write_text(
        'columns:\n  "Träger des Angebots": name\n  Kategorie: type\n  Name: ignore\n',
        encoding="utf-8",
    )
    result = run(
        "import",
        "table",
        table,
        "--municipality",
        "musterstadt",
        "--data",
        data,
        "--mapping",
        mapping,
    )
    assert result.exit_code == 0, result.output
    assert [actor["label"] for actor in actors_of(data)] == ["Verein A"]
    assert "Nicht verwendet: Name" in result.output


def test_a_missing_municipality_folder_is_refused(data: Path, actor_csv: Path) -> None:
    result = run("import", "table", actor_csv, "--municipality", "nirgendwo", "--data", data)
    assert result.exit_code == 2
    assert "die Kommune 'nirgendwo'" in result.output and "ikg new nirgendwo" in result.output


def test_memberships_kind(data: Path, tmp_path: Path, actor_csv: Path) -> None:
    assert (
        run("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data).exit_code
        == 0
    )
    table = write_csv(
        tmp_path / "mitglieder.csv",
        [
            ["Organisation", "Netzwerk", "Rolle", "Seit", "Bis"],
            ["Caritasverband Musterstadt", "AK Integration", "Geschäftsführung", "01.03.2021", ""],
            [
                "Kommunales Integrationszentrum",
                "Arbeitskreis Integration",
                "Moderation",
                "2019",
                "",
            ],
        ],
        encoding="utf-8",
    )
    result = run(
        "import",
        "table",
        table,
        "--municipality",
        "musterstadt",
        "--data",
        data,
        "--kind",
        "memberships",
    )
    assert result.exit_code == 0, result.output
    assert "Mitgliedschaften: 2 neu" in result.output
    networks = parse_yaml((data / "musterstadt" / "networks.yaml").read_text(encoding="utf-8"))
    members = {m["member"]: m for m in networks["networks"][0]["members"]}
    assert members["caritasverband-musterstadt"]["role"] == "Geschäftsführung"
    assert str(members["caritasverband-musterstadt"]["from"]) == "2021-03-01"
    assert members["ki"]["when"] == "ab 2019"  # a year only: no day invented
    assert len(members) == 4
    assert run("validate", "--data", data).exit_code == 0


def test_measures_kind_and_build(data: Path, tmp_path: Path, actor_csv: Path) -> None:
    assert (
        run("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data).exit_code
        == 0
    )
    book = write_xlsx(
        tmp_path / "massnahmen.xlsx",
        {
            "Maßnahmen": [
                ["Titel", "Handlungsfeld", "Federführung", "Partner", "Beginn", "Ende", "Status"],
                [
                    "Sprachcafé Südstadt",
                    "Kindertagesbetreuung und Sprachkenntnisse",
                    "Kommunales Integrationszentrum",
                    "Caritasverband Musterstadt; Initiative Willkommen in Nord",
                    "01.03.2022",
                    "",
                    "in Umsetzung",
                ],
                [
                    "Elternlotsen",
                    "Bildung",
                    "Türkischer Elternverein Südstadt e.V.",
                    "",
                    "2023",
                    "2024",
                    "abgeschlossen",
                ],
            ]
        },
    )
    result = run(
        "import",
        "table",
        book,
        "--municipality",
        "musterstadt",
        "--data",
        data,
        "--kind",
        "measures",
    )
    assert result.exit_code == 0, result.output
    measures = parse_yaml((data / "musterstadt" / "measures.yaml").read_text(encoding="utf-8"))
    first, second = measures["measures"]
    assert first["lead"] == "ki" and first["status"] == "laufend"
    assert first["partners"] == ["caritasverband-musterstadt", "initiative-willkommen-in-nord"]
    assert first["action_fields"] == ["kita-sprache"]
    assert str(first["from"]) == "2022-03-01"
    assert second["when"] == "ab 2023 bis 2024" and second["status"] == "abgeschlossen"
    built = run("build", "--data", data, "--store", tmp_path / "store")
    assert built.exit_code == 0, built.output
    counts = {line.split()[0]: line.split()[-1] for line in built.output.splitlines()[1:16]}
    assert counts["Akteure"] == "3" and counts["Maßnahmen"] == "2"


def test_an_unknown_status_and_lead(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "m.csv",
        [
            ["Maßnahme", "Handlungsfeld", "Federführung", "Status"],
            ["Sprachcafé", "Bildunk, Gesundheit", "Kommunales Integrationszentrom", "vielleicht"],
        ],
        encoding="utf-8",
    )
    result = run(
        "import",
        "table",
        table,
        "--municipality",
        "musterstadt",
        "--data",
        data,
        "--kind",
        "measures",
    )
    assert result.exit_code == 1
    assert "m.csv:2: Spalte / column 'Federführung': 'Kommunales Integrationszentrom'" in (
        result.output
    )
    assert "'Kommunales Integrationszentrum'" in result.output
    assert "m.csv:2: Spalte / column 'Status': 'vielleicht' ist kein Status" in result.output
    assert "m.csv:2: Spalte / column 'Handlungsfeld': 'Bildunk'" in result.output
    assert "'Bildung'" in result.output


def test_an_office_of_the_city_in_the_list_is_no_second_actor(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [
            ["Name", "Art", "Netzwerk"],
            ["Kommunales Integrationszentrum", "Verwaltung", "AK Integration"],
            ["Verein A", "MSO", ""],
        ],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "Zeile 2: Kommunales Integrationszentrum (Verwaltungseinheit ki)" in result.output
    assert [actor["id"] for actor in actors_of(data)] == ["verein-a"]
    networks = parse_yaml((data / "musterstadt" / "networks.yaml").read_text(encoding="utf-8"))
    assert [m["member"] for m in networks["networks"][0]["members"]] == ["ki"]
    assert run("validate", "--data", data).exit_code == 0


def test_a_table_inside_the_data_folder_is_refused(data: Path) -> None:
    table = write_csv(data / "musterstadt" / "liste.csv", [["Name", "Art"], ["A", "MSO"]])
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 2
    assert "liegt im Datenordner" in result.output


def test_two_sheets_of_one_workbook_both_stay_cited(data: Path, tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "netzwerk.xlsx",
        {
            "Akteure": [["Name", "Art", "Netzwerk"], ["Verein A", "MSO", "AK Integration"]],
            "Mitglieder": [
                ["Organisation", "Netzwerk", "Rolle"],
                ["Kommunales Integrationszentrum", "AK Integration", "Moderation"],
            ],
        },
    )
    args = ("import", "table", book, "--municipality", "musterstadt", "--data", data)
    assert run(*args, "--sheet", "Akteure").exit_code == 0
    second = run(*args, "--sheet", "Mitglieder", "--kind", "memberships")
    assert second.exit_code == 0, second.output
    assert "0 entfernt" in second.output  # the first sheet's membership is not this sheet's
    networks = parse_yaml((data / "musterstadt" / "networks.yaml").read_text(encoding="utf-8"))
    assert [m["member"] for m in networks["networks"][0]["members"]] == ["verein-a", "ki"]
    before = snapshot(data)
    assert run(*args, "--sheet", "Akteure").exit_code == 0
    assert snapshot(data) == before  # the copy keeps both sheets, byte for byte
    validated = run("validate", "--data", data)
    assert validated.exit_code == 0, validated.output


def test_tab_delimited_utf16_as_excel_saves_unicode_text(data: Path, tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "liste.csv",
        [["Organisation", "Typ"], ["Verein Ölmühle", "MSO"]],
        encoding="utf-16",
        delimiter="\t",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    assert "UTF-16, Tabulator" in result.output
    assert actors_of(data)[0]["label"] == "Verein Ölmühle"


def test_names_that_look_like_formulas_are_imported_and_their_rows_still_cited_right(
    data: Path, tmp_path: Path
) -> None:
    # the kept copy writes them as text ('-…); the row count of the copy must not be thrown
    # off by that quote, or validate would find rows "that are not there"
    table = write_csv(
        tmp_path / "liste.csv",
        [["Name", "Art"], ["-Verein Eins", "Verein"], ["+Plus e.V.", "MSO"], ["Verein C", "MSO"]],
        encoding="utf-8",
    )
    result = run("import", "table", table, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 0, result.output
    actors = (data / "musterstadt" / "actors.yaml").read_text(encoding="utf-8")
    assert "-Verein Eins" in actors and "row: 4" in actors
    checked = run("validate", "--data", data)
    assert checked.exit_code == 0, checked.output


def test_a_write_that_fails_half_way_puts_the_folder_back(
    data: Path, actor_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.importing.table import plan as planning

    real_apply = planning.apply

    def apply_then_fail(prepared):  # noqa: ANN001, ANN202 - the planner's own types
        real_apply(prepared)  # the copy and the records written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(planning, "apply", apply_then_fail)
    before = snapshot(data)
    result = run("import", "table", actor_csv, "--municipality", "musterstadt", "--data", data)
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert snapshot(data) == before
