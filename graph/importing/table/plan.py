"""One table import from start to end: read, find the header, turn rows into records, check
them as the reader does, and write them (or say what would be written)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from graph.errors import IkgError
from graph.importing.table.columns import FIELDS, Columns, Mapping, find_header, load_mapping
from graph.importing.table.copy import (
    copy_name,
    csv_bytes,
    kept_rows,
    ods_bytes,
    sheets_of_copy,
)
from graph.importing.table.importer import Importer, Plan, Table
from graph.importing.table.reading import Sheet, TableReadError, read_table
from graph.importing.table.rows import CONVERTERS
from graph.importing.table.vocabulary import vocabulary
from graph.namespaces import ID_PATTERN
from graph.sources import RawRecord, check_records, kinds, read_sources
from graph.sources.records import Municipality
from graph.sources.writing import append_nested, remove_records, write_records


class TableImportError(IkgError):
    """The import cannot run as asked (exit 2): the message says what to do."""


@dataclass
class Prepared:
    """An import, planned: the plan, the table it read, and the copy to keep."""

    plan: Plan
    table: Table
    sheet: Sheet
    copy_bytes: bytes
    folder: Path


def prepare_import(
    path: Path,
    *,
    data_dir: Path,
    slug: str,
    kind: str,
    sheet_name: str | None = None,
    mapping_path: Path | None = None,
    seeds_dir: Path | None = None,
) -> Prepared:
    """Plan the import of ``path`` into ``data_dir/slug/``: nothing is written.

    Raise TableImportError (and the reading errors, all exit 2) where it cannot run;
    problems of the rows are in the plan's ``problems``.
    """
    if not ID_PATTERN.match(slug):
        raise TableImportError(
            f"--municipality '{slug}' ist kein Kürzel einer Kommune (z. B. musterstadt) / is no "
            "municipality's slug"
        )
    folder = data_dir / slug
    if not (folder / "municipality.yaml").is_file():
        raise TableImportError(
            f"die Kommune '{slug}' gibt es in {data_dir} nicht (kein {folder}/municipality.yaml) "
            f"/ there is no municipality '{slug}': mit 'ikg new {slug} --name \"…\"' anlegen, "
            "oder --data / --municipality prüfen / create it with 'ikg new', or check --data "
            "and --municipality"
        )
    source = path.resolve()
    if source.is_relative_to(data_dir.resolve()):
        raise TableImportError(
            f"{path} liegt im Datenordner / is inside the data folder: die Originaltabelle "
            "außerhalb aufbewahren (sie kann personenbezogene Daten enthalten); der Import legt "
            "eine bereinigte Kopie unter tabellen/ an / keep the original elsewhere (it may hold "
            "personal data); the import keeps a cleaned copy under tabellen/"
        )
    mapping = load_mapping(mapping_path, kind) if mapping_path is not None else None
    table_file = read_table(path)
    sheet, columns = _choose(
        path, table_file.sheets, table_file.is_workbook, kind, sheet_name, mapping
    )
    copy = copy_name(path.name, table_file.is_workbook)
    origin = path.name + (f", Blatt {sheet.name}" if sheet.name is not None else "")
    table = Table(sheet.rows, columns, origin, copy, sheet.name)
    data = read_sources(data_dir, seeds_dir, only={slug})
    municipality = data.municipality(slug)
    taken = set(municipality.index)
    for reference_kind in kinds.REFERENCE_KINDS:
        taken |= data.reference.ids(reference_kind.name)
    importer = Importer(table, folder, vocabulary(municipality, data.reference), taken)
    rows = importer.rows()
    CONVERTERS[kind](importer, rows)
    plan = importer.plan
    if not plan.problems:
        _check(plan, table, municipality, data.reference)
    kept = sorted(columns.fields)
    copied = kept_rows(sheet.rows, columns.header_row, kept, max(plan.last_row, columns.header_row))
    if sheet.name is not None:
        sheets = sheets_of_copy(folder / copy)
        sheets[sheet.name] = copied
        copy_bytes = ods_bytes(sheets)
    else:
        copy_bytes = csv_bytes(copied)
    return Prepared(plan, table, sheet, copy_bytes, folder)


def _choose(
    path: Path,
    sheets: list[Sheet],
    is_workbook: bool,
    kind: str,
    sheet_name: str | None,
    mapping: Mapping | None,
) -> tuple[Sheet, Columns]:
    """The sheet to read and its header (see graph/importing/table/reading.py for CSV)."""
    expected = ", ".join(FIELDS[kind][next(iter(FIELDS[kind]))][:4])
    if not is_workbook:
        if sheet_name is not None:
            raise TableImportError(
                f"{path.name} ist eine CSV-Datei und hat keine Blätter: --sheet weglassen / is a "
                "CSV file and has no sheets: leave out --sheet"
            )
        found = [
            (sheet, columns)
            for sheet in sheets
            if (columns := find_header(sheet.rows, kind, mapping))
        ]
        if not found:
            raise TableReadError(
                f"{path.name}: keine Kopfzeile erkannt (gesucht: eine Spalte wie {expected}) "
                f"oder kein Trennzeichen (; , Tab), das alle Zeilen gleich teilt / no header row "
                "recognised, or no delimiter that splits every row alike: die Überschriften "
                "prüfen, eine Zuordnung mit --mapping angeben, oder die Datei im "
                "Tabellenprogramm als CSV neu speichern / check the headers, give --mapping, or "
                "save the file again as CSV"
            )
        best = max(len(columns.fields) for _, columns in found)
        fitting = [(sheet, columns) for sheet, columns in found if len(columns.fields) == best]
        if len(fitting) > 1:
            shown = " und ".join(sheet.how.split(", ")[1] for sheet, _ in fitting)
            raise TableReadError(
                f"{path.name}: das Trennzeichen ist nicht eindeutig ({shown} teilen die Zeilen "
                "gleich gut) / the delimiter is ambiguous: die Datei im Tabellenprogramm als "
                "CSV mit Semikolon neu speichern, oder die Spalten mit --mapping nennen / save it "
                "again as CSV with semicolons, or name the columns with --mapping"
            )
        return fitting[0]
    names = [sheet.name or "" for sheet in sheets]
    if sheet_name is not None:
        sheet = next((sheet for sheet in sheets if sheet.name == sheet_name), None)
        if sheet is None:
            raise TableImportError(
                f"{path.name} hat kein Blatt '{sheet_name}' (Blätter: {', '.join(names)}) / has "
                f"no sheet '{sheet_name}' (sheets: {', '.join(names)})"
            )
        columns = find_header(sheet.rows, kind, mapping)
        if columns is None:
            raise TableReadError(
                f"{path.name}, Blatt {sheet_name}: keine Kopfzeile erkannt (gesucht: eine Spalte "
                f"wie {expected}) / no header row recognised: die Überschriften prüfen oder "
                "--mapping angeben / check the headers or give --mapping"
            )
        return sheet, columns
    for sheet in sheets:
        columns = find_header(sheet.rows, kind, mapping)
        if columns is not None:
            return sheet, columns
    raise TableReadError(
        f"{path.name}: in keinem Blatt eine Kopfzeile erkannt (Blätter: {', '.join(names)}; "
        f"gesucht: eine Spalte wie {expected}) / no header row recognised in any sheet: "
        "--sheet oder --mapping angeben / give --sheet or --mapping"
    )


def _check(plan: Plan, table: Table, municipality: Municipality, reference) -> None:
    """The records, checked as the reader checks them (their problems join the plan's)."""
    removed = {kind.name: set(ids) for kind, ids in plan.remove.items()}
    remaining = replace(
        municipality,
        records={
            kind: [r for r in records if r.id not in removed.get(kind, set())]
            for kind, records in municipality.records.items()
        },
    )
    raw = [
        RawRecord(kind, record, table.origin, _row_of(record, table.copy))
        for kind, records in plan.write.items()
        for record in records
    ]
    report = check_records(raw, municipality=remaining, reference=reference)
    plan.problems.extend(report.problems)


def _row_of(record: dict, copy: str) -> int | None:
    for source in record.get("sources") or []:
        if isinstance(source, dict) and source.get("table") == copy:
            return source.get("row")
    return None


def apply(prepared: Prepared) -> list[str]:
    """Write the copy of the table and the records; the files that changed."""
    folder = prepared.folder
    changed: list[str] = []
    copy = folder / prepared.table.copy
    if not copy.is_file() or copy.read_bytes() != prepared.copy_bytes:
        copy.parent.mkdir(parents=True, exist_ok=True)
        temporary = copy.with_name(f".{copy.name}.neu")
        temporary.write_bytes(prepared.copy_bytes)
        temporary.replace(copy)
        changed.append(prepared.table.copy)
    plan = prepared.plan
    for kind, records in plan.write.items():
        whole = [r for r in records if kind is not kinds.NETWORK or r["id"] not in plan.appended]
        for record in records:
            if len(whole) < len(records) and record["id"] in plan.appended:
                # members only added: the other members' lines and comments stay as they are
                done = append_nested(
                    folder, kind, record["id"], "members", plan.appended[record["id"]]
                )
                if done is None:
                    whole.append(record)
                elif done and kind.file not in changed:
                    changed.append(kind.file or "")
        if whole and write_records(folder, kind, whole) and kind.file not in changed:
            changed.append(kind.file or "")
    for kind, ids in prepared.plan.remove.items():
        if remove_records(folder, kind, ids) and kind.file not in changed:
            changed.append(kind.file or "")
    return changed
