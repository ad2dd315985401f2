"""A table file as rows of text: CSV as spreadsheet programs write it, or a workbook's sheets.

CSV files come with ``;`` (German Excel), ``,`` or tab between cells, in UTF-8 (with or
without BOM), UTF-16 with BOM (Excel's "Unicode-Text") or Windows-1252 (Excel's "CSV" on a
German Windows). The encoding is decided, never guessed: UTF-8 is read strictly first, as a
Windows-1252 file with umlauts is practically never valid UTF-8; only when that fails is the
file read as Windows-1252, whose five unassigned bytes, like control characters, make a file
that is neither a refusal that names the byte and line. The delimiter is the one under which
the rows have a consistent number of cells and a header row is recognised
(graph/importing/table/columns.py); two delimiters that both fit are an error, not a choice.

Workbooks (.xlsx, .ods) are read with python-calamine: one maintained reader for both
formats, which reads values (not formulas) and numbers rows as the spreadsheet shows them.

Rows are numbered as the spreadsheet program numbers them: the first row of the file is 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from graph.errors import IkgError
from graph.sources.loader import read_source_file
from graph.sources.tables import CSV_SUFFIXES, MAX_TABLE_BYTES, WORKBOOK_SUFFIXES

#: the delimiters a CSV file may have, as German names them in messages
DELIMITERS = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}
#: characters no text table holds: a binary file read as text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TableReadError(IkgError):
    """The table cannot be read (exit 2): the message names the file and what to do."""


@dataclass
class Sheet:
    """The rows of one sheet (or of a CSV file), as text, each with its row number."""

    #: the sheet's name; None for a CSV file
    name: str | None
    #: every row, the first of the file being row 1; a cell is text ('' when empty)
    rows: list[list[str]]
    #: how the file was read (for the summary): "UTF-8, Semikolon" or "Arbeitsmappe"
    how: str = ""


@dataclass
class TableFile:
    path: Path
    sheets: list[Sheet]

    @property
    def is_workbook(self) -> bool:
        return self.path.suffix.lower() in WORKBOOK_SUFFIXES


def read_table(path: Path) -> TableFile:
    """Read a .csv, .xlsx or .ods file; raise TableReadError naming what is wrong.

    A CSV file yields one candidate sheet per delimiter that gives its rows a consistent
    shape (graph/importing/table/columns.py picks the one with a recognised header).
    """
    suffix = path.suffix.lower()
    if suffix not in (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES):
        raise TableReadError(
            f"{path.name}: keine Tabelle, die gelesen wird (.csv, .xlsx, .ods) / not a table "
            "that is read: im Tabellenprogramm als .xlsx, .ods oder .csv speichern / save it as "
            ".xlsx, .ods or .csv"
        )
    try:
        data = read_source_file(path, MAX_TABLE_BYTES)
    except FileNotFoundError:
        raise TableReadError(
            f"die Datei {path} gibt es nicht / the file {path} does not exist"
        ) from None
    except (OSError, ValueError) as error:
        raise TableReadError(
            f"{path} kann nicht gelesen werden / cannot be read: {error}"
        ) from None
    if suffix in CSV_SUFFIXES:
        return TableFile(path, csv_candidates(path.name, data))
    return TableFile(path, _workbook_sheets(path, data))


# -- CSV ---------------------------------------------------------------------------------------


def decode(name: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding's name; raise TableReadError for neither."""
    if data.startswith(b"PK\x03\x04"):
        raise TableReadError(
            f"{name} ist eine Arbeitsmappe (ZIP), keine CSV-Datei / is a workbook, not a CSV "
            "file: mit der Endung .xlsx oder .ods speichern / save it as .xlsx or .ods"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(name, data, "utf-16", "UTF-16")
    elif data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(name, data, "utf-8-sig", "UTF-8")
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = _strict(name, data, "cp1252", "Windows-1252")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise TableReadError(
            f"{name}, Zeile {line}: Steuerzeichen {control.group()!r} — keine Textdatei in "
            f"UTF-8 oder Windows-1252 / line {line}: control character, not a text file in "
            "UTF-8 or Windows-1252: im Tabellenprogramm als CSV (UTF-8) speichern / save it "
            "as CSV (UTF-8)"
        )
    return text, encoding


def _strict(name: str, data: bytes, codec: str, shown: str) -> tuple[str, str]:
    try:
        return data.decode(codec), shown
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        tried = "UTF-8 noch Windows-1252" if codec == "cp1252" else shown
        raise TableReadError(
            f"{name}, Zeile {line}, Byte {error.start} (0x{byte}): weder {tried} / line "
            f"{line}, byte {error.start}: the file is in no encoding that is read (UTF-8, "
            "Windows-1252): im Tabellenprogramm als CSV (UTF-8) speichern / save it as CSV "
            "(UTF-8)"
        ) from None


def csv_candidates(name: str, data: bytes) -> list[Sheet]:
    """The file's rows under each delimiter that gives them a consistent shape; the caller
    picks the one under which a header is recognised."""
    text, encoding = decode(name, data)
    candidates = []
    for delimiter, shown in DELIMITERS.items():
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise TableReadError(
                f"{name}: keine lesbare CSV-Datei ({error}) / not a readable CSV file: "
                "Anführungszeichen prüfen / check the quotes"
            ) from None
        if consistent(rows):
            cells = [[cell.strip() for cell in row] for row in rows]
            candidates.append(Sheet(None, cells, f"{encoding}, {shown}"))
    return candidates


def consistent(rows: list[list[str]]) -> bool:
    """Whether the delimiter splits the rows into a table: from the first row that has the
    commonest number of cells (two or more) on, no row has more, and most have as many.
    Title rows above the table may have fewer."""
    counts = [len(row) for row in rows if any(cell.strip() for cell in row)]
    if not counts:
        return False
    width = max(set(counts), key=lambda count: (counts.count(count), count))
    if width < 2:
        return False
    body = counts[counts.index(width) :]
    return max(body) == width and body.count(width) >= 0.8 * len(body)


# -- workbooks ---------------------------------------------------------------------------------


def _workbook_sheets(path: Path, data: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            Sheet(
                name,
                _text_rows(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)),
                "Arbeitsmappe",
            )
            for name in workbook.sheet_names
        ]
    except Exception as error:  # calamine raises its own errors for every broken workbook
        raise TableReadError(
            f"{path.name} ist keine lesbare {path.suffix.lower()}-Arbeitsmappe ({error}) / is "
            "not a readable workbook: im Tabellenprogramm öffnen und neu speichern / open it "
            "in the spreadsheet program and save it again"
        ) from None
    return sheets


def _text_rows(values: list[list[object]]) -> list[list[str]]:
    return [[cell_text(value) for value in row] for row in values]


def cell_text(value: object) -> str:
    """A cell's value as the spreadsheet shows it: 2019.0 as '2019', a date as its ISO day."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
