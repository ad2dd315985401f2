"""Checking what a record's sources point to: a declared document, the cached JSON of an
OParl object, a row of a table, a unit of the administration.

The shape of each entry of ``sources`` has been checked with the record's fields
(graph/sources/fields.py); here each is checked against the municipality: its index (a
document must be declared, an office must be a unit) and its folder (the cached JSON and the
table are files in it). Whether a passage occurs in its document is checked by
graph/sources/documents.py, which reads the documents.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from graph.namespaces import OPARL_SCHEMA
from graph.sources.fields import ProblemSink, shorten
from graph.sources.loader import FileTooLarge, NotARegularFile, read_source_file
from graph.sources.records import (
    Citation,
    OfficeCitation,
    OParlCitation,
    Record,
    Source,
    TableCitation,
)
from graph.sources.tables import TableError, is_table, is_workbook, last_row

#: OParl types that describe people: personal data, never a source (shared/MODELING.md)
PERSONAL_OPARL_TYPES = ("Person", "Membership")
#: most characters of an OParl object's name kept for its label
MAX_NAME_LENGTH = 200


class CitationChecks:
    """Checks the sources of the records of one municipality, reporting to ``sink``.

    ``folder`` is the municipality's folder, where cached JSON and tables are looked for (None:
    records from elsewhere, whose files are not checked); ``display`` names a file in messages.
    """

    def __init__(
        self,
        sink: ProblemSink,
        index: dict[str, Record],
        folder: Path | None,
        display: Callable[[Path], str] = str,
    ) -> None:
        self.sink = sink
        self.index = index
        self.folder = folder
        self.display = display
        #: OParl id → the cached file first named for it, and where
        self.oparl_files: dict[str, tuple[str, str]] = {}
        self.table_rows: dict[tuple[str, str | None], int | None] = {}

    def check(self, record: Record) -> None:
        """Check every source of ``record``; OParl sources get their type and name from the
        cached JSON."""
        for position, citation in enumerate(record.sources):
            if isinstance(citation, Citation):
                self.document(record, citation)
            elif isinstance(citation, OParlCitation):
                record.sources[position] = self.oparl(record, citation)
            elif isinstance(citation, TableCitation):
                self.table(record, citation)
            elif isinstance(citation, OfficeCitation):
                self.office(record, citation)

    def problem(self, record: Record, citation: Source, message: str, hint: str) -> None:
        self.sink.problem(
            message, record.file, citation.line or record.line, record_id=record.id, hint=hint
        )

    # -- the kinds of source -------------------------------------------------------------

    def document(self, record: Record, citation: Citation) -> None:
        target = self.index.get(citation.document)
        if target is None or target.kind != "document":
            documents = [i for i, r in self.index.items() if r.kind == "document"]
            self.sink.problem(
                f"source names document '{shorten(citation.document)}', which is not declared",
                record.file,
                record.line,
                record_id=record.id,
                hint="declare it under 'documents' in municipality.yaml; declared: "
                + ", ".join(documents),
            )

    def office(self, record: Record, citation: OfficeCitation) -> None:
        target = self.index.get(citation.office)
        if target is not None and target.kind == "unit":
            return
        units = sorted(i for i, r in self.index.items() if r.kind == "unit")
        what = (
            "keine Kennung der Kommune / no id of the municipality"
            if target is None
            else f"ein(e) {target.kind}, keine Verwaltungseinheit / a {target.kind}, not a unit"
        )
        self.problem(
            record,
            citation,
            f"'office' nennt '{shorten(citation.office)}': {what}",
            "eine Angabe der Verwaltung nennt die Verwaltungseinheit, die sie macht (nie eine "
            "Person) / a statement of the office names the unit that makes it (never a person); "
            "units: " + ", ".join(units[:20]),
        )

    def oparl(self, record: Record, citation: OParlCitation) -> OParlCitation:
        where = f"{record.file}:{citation.line or record.line}"
        first = self.oparl_files.setdefault(citation.url, (citation.file, where))
        if first[0] != citation.file:
            self.problem(
                record,
                citation,
                f"das OParl-Objekt {shorten(citation.url)} wird mit zwei Dateien zitiert: "
                f"{shorten(citation.file)} und {shorten(first[0])} ({first[1]}) / the OParl "
                f"object is cited with two files: {shorten(citation.file)} and "
                f"{shorten(first[0])} ({first[1]})",
                "ein Objekt hat eine zwischengespeicherte Datei: überall dieselbe nennen / an "
                "object has one cached file: name the same everywhere",
            )
            return citation
        if self.folder is None:
            return citation
        path = self.folder / citation.file
        shown = self.display(path)
        data = self.read(record, citation, path, shown)
        if data is None:
            return citation
        try:
            found = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            self.problem(
                record,
                citation,
                f"{shown} ist kein JSON ({shorten(str(error))}) / {shown} is not JSON",
                "die Antwort des Ratsinformationssystems unverändert speichern / save the "
                "council information system's answer unchanged",
            )
            return citation
        if not isinstance(found, dict) or found.get("id") != citation.url:
            found_id = found.get("id") if isinstance(found, dict) else None
            self.problem(
                record,
                citation,
                f"{shown} ist nicht das OParl-Objekt {shorten(citation.url)} (seine id: "
                f"{shorten(str(found_id))}) / {shown} is not the OParl object "
                f"{shorten(citation.url)} (its id: {shorten(str(found_id))})",
                "die Datei nennen, die das Objekt mit dieser id enthält / name the file that "
                "holds the object with this id",
            )
            return citation
        oparl_type = found.get("type")
        if not isinstance(oparl_type, str) or not oparl_type.startswith(OPARL_SCHEMA):
            self.problem(
                record,
                citation,
                f"{shown} nennt keinen OParl-Typ ('type': {shorten(str(oparl_type))}) / "
                f"{shown} names no OParl type",
                f"ein OParl-Objekt hat einen type wie {OPARL_SCHEMA}1.1/Paper / an OParl "
                f"object has a type such as {OPARL_SCHEMA}1.1/Paper",
            )
            return citation
        short_type = oparl_type.rstrip("/").rsplit("/", 1)[-1]
        if short_type in PERSONAL_OPARL_TYPES:
            self.problem(
                record,
                citation,
                f"ein OParl-Objekt vom Typ {short_type} beschreibt Personen und ist keine "
                f"Quelle / an OParl {short_type} describes people and is no source",
                "die Vorlage, Sitzung oder das Gremium zitieren, nicht Personen: keine "
                "personenbezogenen Daten / cite the paper, meeting or body, not people: no "
                "personal data",
            )
            return citation
        return replace(citation, oparl_type=short_type, name=_name_of(found))

    def table(self, record: Record, citation: TableCitation) -> None:
        if not is_table(citation.file):
            self.problem(
                record,
                citation,
                f"'{shorten(citation.file)}' ist keine Tabelle, die gelesen wird (.csv, .xlsx, "
                f".ods) / is not a table that is read (.csv, .xlsx, .ods)",
                "die Tabelle als .xlsx, .ods oder .csv speichern / save the table as .xlsx, "
                ".ods or .csv",
            )
            return
        if is_workbook(citation.file) != (citation.sheet is not None):
            needs = is_workbook(citation.file)
            self.problem(
                record,
                citation,
                "eine Arbeitsmappe braucht 'sheet', das Blatt / a workbook needs 'sheet', the sheet"
                if needs
                else "eine CSV-Datei hat keine Blätter: 'sheet' weglassen / a CSV file has no "
                "sheets: leave 'sheet' out",
                "z. B. / e.g. {table: tabellen/kita.xlsx, sheet: '2023', row: 14}",
            )
            return
        if self.folder is None:
            return
        path = self.folder / citation.file
        shown = self.display(path)
        key = (citation.file, citation.sheet)
        if key not in self.table_rows:
            self.table_rows[key] = self.rows_of(record, citation, path, shown)
        rows = self.table_rows[key]
        if rows is not None and citation.row > rows:
            sheet = f", Blatt / sheet '{citation.sheet}'" if citation.sheet else ""
            self.problem(
                record,
                citation,
                f"Zeile {citation.row} gibt es in {shown}{sheet} nicht, die letzte ist {rows} / "
                f"there is no row {citation.row} in {shown}{sheet}, the last is {rows}",
                "die Zeilennummer angeben, wie das Tabellenprogramm sie zeigt / give the row "
                "number as the spreadsheet program shows it",
            )

    # -- files ---------------------------------------------------------------------------

    def rows_of(
        self, record: Record, citation: TableCitation, path: Path, shown: str
    ) -> int | None:
        try:
            return last_row(path, citation.sheet)
        except TableError as error:
            self.problem(record, citation, f"{shown} {error.german} / {error.english}", error.hint)
        except (OSError, ValueError) as error:
            self.problem(record, citation, *_read_failure(error, shown))
        return None

    def read(self, record: Record, citation: Source, path: Path, shown: str) -> bytes | None:
        try:
            return read_source_file(path)
        except (OSError, ValueError) as error:
            self.problem(record, citation, *_read_failure(error, shown))
        return None


def _read_failure(error: Exception, shown: str) -> tuple[str, str]:
    """The message and hint for a file a source names that cannot be read."""
    if isinstance(error, FileNotFoundError):
        return (
            f"die Datei {shown} gibt es nicht / the file {shown} does not exist",
            "den Pfad relativ zum Ordner der Kommune angeben und die Datei dort ablegen / "
            "give the path relative to the municipality's folder and put the file there",
        )
    if isinstance(error, NotARegularFile):
        return (
            f"{shown} ist {error.german}, keine Datei / is {error.english}, not a file",
            "eine gewöhnliche Datei nennen / name a regular file",
        )
    if isinstance(error, FileTooLarge):
        return f"{shown} {error}", "die richtige Datei nennen / name the right file"
    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return (
        f"{shown} kann nicht gelesen werden / cannot be read: {shorten(str(reason))}",
        "Rechte und Verweise prüfen, oder die Datei neu speichern / check permissions and "
        "links, or save the file again",
    )


def _name_of(found: dict) -> str | None:
    """An OParl object's name for its label: its name, else its reference number."""
    for key in ("name", "reference"):
        value = found.get(key)
        if isinstance(value, str) and value.strip():
            # a label is one line of plain text, however the system wrote it
            text = "".join(char if char.isprintable() else " " for char in value)
            text = " ".join(text.split())
            return text if len(text) <= MAX_NAME_LENGTH else text[:MAX_NAME_LENGTH] + "…"
    return None
