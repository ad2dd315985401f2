"""How many rows a table has: a CSV file, or a sheet of an .xlsx or .ods workbook.

A source of kind table names a file, a sheet and a row (data/README.md); the reader checks
that the row is there, so a citation does not point past the end of the table or into a sheet
that does not exist. Only the standard library reads the files (a workbook is a zip of XML):
the product needs no spreadsheet library to check a citation.

A table is anybody's file, so reading it has limits, as reading YAML has: regular files of at
most MAX_TABLE_BYTES, zip members of at most MAX_MEMBER_BYTES unpacked, and no XML document
type declarations (the entity tricks of "billion laughs" need one).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from graph.sources.loader import read_source_file

#: Largest table file read, in bytes.
MAX_TABLE_BYTES = 32 * 1024 * 1024
#: Largest part of a workbook unpacked, in bytes.
MAX_MEMBER_BYTES = 128 * 1024 * 1024
#: The file endings of the tables the reader checks.
CSV_SUFFIXES = (".csv",)
WORKBOOK_SUFFIXES = (".xlsx", ".ods")

_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class TableError(ValueError):
    """The table cannot be read as the citation needs: German / English, and what to do."""

    def __init__(self, german: str, english: str, hint: str) -> None:
        self.german, self.english, self.hint = german, english, hint
        super().__init__(f"{german} / {english}")


def is_workbook(file: str) -> bool:
    return PurePosixPath(file).suffix.lower() in WORKBOOK_SUFFIXES


def is_table(file: str) -> bool:
    return PurePosixPath(file).suffix.lower() in (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES)


def last_row(path: Path, sheet: str | None) -> int:
    """The number of the last row with content: of a CSV file (``sheet`` None), or of the sheet
    of an .xlsx or .ods workbook; raise TableError, OSError or ValueError (from reading).

    Rows are numbered as a spreadsheet numbers them: the first, often the header, is 1.
    """
    data = read_source_file(path, MAX_TABLE_BYTES)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _csv_rows(data)
    assert sheet is not None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as workbook:
            if suffix == ".xlsx":
                return _xlsx_last_row(workbook, sheet)
            return _ods_last_row(workbook, sheet)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as error:
        raise TableError(
            f"ist keine lesbare {suffix}-Arbeitsmappe ({error})",
            f"is not a readable {suffix} workbook ({error})",
            "die Datei im Tabellenprogramm öffnen und neu speichern / open the file in the "
            "spreadsheet program and save it again",
        ) from None


def _csv_rows(data: bytes) -> int:
    # Latin-1 maps every byte to a character, and keeps line ends and quotes where they are in
    # any encoding a CSV file comes in (UTF-8, Windows-1252): enough to count rows
    text = data.decode("latin-1")
    try:
        # the separator decides where a quoted cell (which may hold a line break) starts:
        # German spreadsheets write ";", others ","
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:65536], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    try:
        # only the separator is taken from the sniffer: spreadsheet programs quote with '"',
        # and a guessed "'" (a cell kept as text starts with one) would merge rows
        rows = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"')
        )
    except csv.Error as error:
        raise TableError(
            f"ist keine lesbare CSV-Datei ({error})",
            f"is not a readable CSV file ({error})",
            "Anführungszeichen der Zeile prüfen / check the quotes on that line",
        ) from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return len(rows)


def _member(workbook: zipfile.ZipFile, name: str) -> bytes:
    info = workbook.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise TableError(
            f"enthält einen Teil von mehr als {MAX_MEMBER_BYTES} Bytes ({name})",
            f"holds a part of more than {MAX_MEMBER_BYTES} bytes ({name})",
            "die Tabelle aufteilen oder als CSV speichern / split the table or save it as CSV",
        )
    data = workbook.read(name)
    # a declaration stands before the root element, at the start of the document
    if b"<!DOCTYPE" in data[:4096].upper():
        raise TableError(
            f"enthält eine XML-Dokumenttypdeklaration ({name})",
            f"holds an XML document type declaration ({name})",
            "die Datei im Tabellenprogramm neu speichern / save the file again in the "
            "spreadsheet program",
        )
    return data


def _no_sheet(sheet: str, names: list[str]) -> TableError:
    listed = ", ".join(names) or "–"
    return TableError(
        f"hat kein Blatt '{sheet}' (Blätter: {listed})",
        f"has no sheet '{sheet}' (sheets: {listed})",
        "den Namen des Blatts angeben, wie er auf dem Reiter steht / give the sheet's name as "
        "its tab shows it",
    )


def _xlsx_last_row(workbook: zipfile.ZipFile, sheet: str) -> int:
    book = ElementTree.fromstring(_member(workbook, "xl/workbook.xml"))
    sheets = {
        element.get("name", ""): element.get(_XLSX_RELATIONSHIP, "")
        for element in book.iter(f"{_XLSX_MAIN}sheet")
    }
    if sheet not in sheets:
        raise _no_sheet(sheet, list(sheets))
    relations = ElementTree.fromstring(_member(workbook, "xl/_rels/workbook.xml.rels"))
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in relations.iter(f"{_PACKAGE_RELATIONSHIP}Relationship")
    }
    target = targets.get(sheets[sheet], "")
    name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    last = 0
    counted = 0
    for _event, element in ElementTree.iterparse(io.BytesIO(_member(workbook, name))):
        if element.tag == f"{_XLSX_MAIN}row":
            counted += 1
            # `r` is the row's number; without it rows follow each other
            number = int(element.get("r") or counted)
            counted = number
            if any(_has_value(cell) for cell in element.iter(f"{_XLSX_MAIN}c")):
                last = number
            element.clear()
    return last


def _has_value(cell: ElementTree.Element) -> bool:
    return cell.find(f"{_XLSX_MAIN}v") is not None or cell.find(f"{_XLSX_MAIN}is") is not None


def _ods_last_row(workbook: zipfile.ZipFile, sheet: str) -> int:
    content = _member(workbook, "content.xml")
    names: list[str] = []
    inside = False
    row = 0
    last = 0
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        if element.tag == f"{_ODS_TABLE}table":
            if event == "start":
                name = element.get(f"{_ODS_TABLE}name", "")
                names.append(name)
                inside = name == sheet
            elif inside:
                return last
            continue
        if inside and event == "end" and element.tag == f"{_ODS_TABLE}table-row":
            repeated = int(element.get(f"{_ODS_TABLE}number-rows-repeated") or 1)
            if any(
                cell.get(f"{_ODS_OFFICE}value-type") or len(cell)
                for cell in element.iter(f"{_ODS_TABLE}table-cell")
            ):
                last = row + repeated
            row += repeated
            element.clear()
    raise _no_sheet(sheet, names)
