"""The copy of an imported table that the records cite, under data/<slug>/tabellen/.

A source ``{table: …, sheet?, row}`` names a file in the municipality's folder, so the import
keeps a copy there. It holds only what was imported: the header row and the data rows, with
just the columns the import used. Personal columns, unused columns and the title rows above
the header (free text, which may name a person) are left out, but every row stays where it
was — a blank row where a title stood — so that row 14 of the copy is row 14 of the
coordinator's spreadsheet.

A CSV file is copied as CSV (UTF-8 with BOM, which spreadsheet programs open with umlauts
intact, ``;`` between cells); a sheet of a workbook as that one sheet, under its name, in an
ODS workbook written here with the standard library (a zip of XML), so the citation keeps its
sheet. The bytes depend only on the cells: the same import writes the same file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, quoteattr

from graph.results import csv_text

#: the folder of the copies, inside data/<slug>/
TABLES_FOLDER = "tabellen"


def copy_name(original: str, is_workbook: bool) -> str:
    """The copy's path relative to the municipality's folder: tabellen/akteure.csv, or
    tabellen/akteure.ods for a sheet of akteure.xlsx."""
    path = PurePosixPath(original)
    name = path.name if not is_workbook else f"{path.stem}.ods"
    return f"{TABLES_FOLDER}/{name}"


def kept_rows(
    rows: list[list[str]], header_row: int, columns: list[int], last_row: int
) -> list[list[str]]:
    """The rows of the copy: blank above the header, the kept columns from it on, up to the
    last row that was read."""
    kept: list[list[str]] = []
    for number in range(1, last_row + 1):
        row = rows[number - 1] if number - 1 < len(rows) else []
        if number < header_row:
            kept.append([])
            continue
        kept.append([row[column] if column < len(row) else "" for column in columns])
    return kept


def csv_bytes(rows: list[list[str]]) -> bytes:
    # as the product writes every CSV (graph/results.py): a cell that would run as a formula
    # in a spreadsheet is kept as text
    width = max((len(row) for row in rows), default=0)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return csv_text(padded, delimiter=";").encode("utf-8-sig")


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def sheets_of_copy(path: Path) -> dict[str, list[list[str]]]:
    """The sheets an earlier import kept in the copy (each already without personal data):
    a workbook's sheets imported one by one all stay cited."""
    if not path.is_file():
        return {}
    from python_calamine import CalamineWorkbook

    from graph.importing.table.reading import cell_text

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return {
            name: [
                [cell_text(value) for value in row]
                for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            ]
            for name in workbook.sheet_names
        }
    except Exception:  # calamine's own errors: a broken copy is written anew
        return {}


def ods_bytes(sheets: dict[str, list[list[str]]]) -> bytes:
    """A workbook of text cells, as an ODS file."""
    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>{_ods_rows(rows)}</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return _zipped(content)


def _ods_rows(rows: list[list[str]]) -> str:
    # trailing empty cells and rows are left out: a copy read back is written the same
    while rows and not any(rows[-1]):
        rows = rows[:-1]
    body = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p>'
            "</table:table-cell>"
            if cell
            else "<table:table-cell/>"
            for cell in row
        )
        body.append(f"<table:table-row>{cells or '<table:table-cell/>'}</table:table-row>")
    return "".join(body)


def _zipped(content: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        # the same bytes for the same cells: fixed times; the mimetype first and stored, as
        # the format requires
        for name, data, method in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            workbook.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()
