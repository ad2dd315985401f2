"""Rows of a table → the records to write: actors (with their memberships), memberships or
measures, matched against what the municipality already has.

Every value is resolved by label (graph/importing/table/vocabulary.py); every problem of every
row is collected and reported at once, naming the file, the row as the spreadsheet shows it,
the column, the value and the closest known values. The records are then checked with the
reader's own checks (graph/sources/checks.py ``check_records``), so nothing is written that
`ikg validate` would refuse.

**Matching and ids.** A row is the record with the id of its id column, else the record whose
label or alternative label is the row's name (normalised). A new record's id is the slug of
its name (graph/namespaces.py ``slugify``), with ``-2``, ``-3`` … where that id is taken; once
written, the record is matched by name, so its id stays.

**Whose values win.** A record whose first source is a row of this table came from the table:
the table's values replace its values on every import. Any other record is curated (typed by
hand, or from another source): the import never overwrites its values; it adds the fields the
record lacks and the table row as a further source, and lists each value that differs as a
conflict. A record that came from the table and whose row is gone is removed (only the
table's citation, if it has other sources too); so is a membership.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import Problem
from graph.importing.table.columns import Columns, normalise_value
from graph.importing.table.vocabulary import Names, Vocabulary
from graph.namespaces import ID_PATTERN, slugify
from graph.sources import kinds
from graph.sources.kinds import Kind
from graph.sources.loader import LocatedDict, parse_yaml
from graph.sources.schema import MEASURE_STATUSES

#: a table's German status words → the schema's measure statuses
STATUS_WORDS = {
    "geplant": "geplant",
    "in planung": "geplant",
    "planung": "geplant",
    "vorgesehen": "geplant",
    "laufend": "laufend",
    "läuft": "laufend",
    "aktiv": "laufend",
    "in umsetzung": "laufend",
    "in arbeit": "laufend",
    "umsetzung": "laufend",
    "begonnen": "laufend",
    "abgeschlossen": "abgeschlossen",
    "beendet": "abgeschlossen",
    "erledigt": "abgeschlossen",
    "fertig": "abgeschlossen",
    "umgesetzt": "abgeschlossen",
    "unbekannt": "unbekannt",
    "offen": "unbekannt",
}
assert set(STATUS_WORDS.values()) == set(MEASURE_STATUSES)
#: the role of a membership named by an actor list's network column
DEFAULT_ROLE = "Mitglied"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(
    # with an area code, after "Tel"/"Fon"/"Mobil", or a long run of digits (a spreadsheet
    # stores a number without its leading 0)
    r"(?:\+49|\b0)\d{2,5}[\s/-]*\d[\d\s/-]{4,}\d"
    r"|\b(?:tel|fon|mobil|handy|fax)\w*\.?:?\s*\d[\d\s/-]{4,}\d"
    r"|\b\d{8,}\b",
    re.IGNORECASE,
)
#: a person named with "Herr"/"Frau" and a name ("Kontakt über Frau Yilmaz")
_NAMED_PERSON = re.compile(r"\b(?:Herrn?|Frau|Hr\.|Fr\.)\s+(?:Dr\.\s+)?[A-ZÄÖÜ][\w-]+")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_LIST_SEPARATORS = re.compile(r"[;\n]")


@dataclass
class Change:
    """One record the import adds, changes or removes, as the summary names it."""

    kind: Kind
    id: str
    label: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What an import would write, and what is wrong."""

    problems: list[Problem] = field(default_factory=list)
    #: the records to write (added or changed), by kind, as plain mappings
    write: dict[Kind, list[dict[str, Any]]] = field(default_factory=dict)
    #: ids of the records to remove, by kind
    remove: dict[Kind, list[str]] = field(default_factory=dict)
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: dict[Kind, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    #: network id → the memberships only added to it (written without touching the others)
    appended: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: rows that name an organisation the municipality has as another kind (a unit, a
    #: network …): no actor is made of them, their memberships are the organisation's
    elsewhere: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_empty: int = 0
    last_row: int = 0


@dataclass
class Table:
    """The rows to import and where they are from."""

    rows: list[list[str]]
    columns: Columns
    #: how messages name the table: "akteure.xlsx, Blatt Liste"
    origin: str
    #: the copy's path in the municipality's folder, and the sheet (None for CSV)
    copy: str
    sheet: str | None


class Importer:
    """Turns a table's rows into a Plan for one municipality's folder."""

    def __init__(self, table: Table, folder: Path, words: Vocabulary, taken_ids: set[str]):
        self.table = table
        self.folder = folder
        self.words = words
        self.taken = set(taken_ids)
        self.plan = Plan()
        self.existing: dict[Kind, list[dict[str, Any]]] = {}

    # -- rows ------------------------------------------------------------------------------

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """The data rows under the header: (row number, field → text); empty rows skipped."""
        columns = self.table.columns
        found = []
        for index in range(columns.header_row, len(self.table.rows)):
            row = self.table.rows[index]
            if not any(cell.strip() for cell in row):
                continue
            number = index + 1
            values = {
                name: row[column].strip() if column < len(row) else ""
                for column, name in columns.fields.items()
            }
            if not any(values.values()):
                # only personal or unused columns are filled: nothing to import
                self.plan.rows_empty += 1
                continue
            found.append((number, values))
            self.plan.last_row = number
        self.plan.rows_read = len(found)
        self.plan.rows_empty += sum(
            1
            for row in self.table.rows[columns.header_row : self.plan.last_row]
            if not any(cell.strip() for cell in row)
        )
        for number, values in found:
            for name, text in values.items():
                self.check_not_personal(number, name, text)
        return found

    def problem(self, number: int, column: str | None, message: str, hint: str) -> None:
        header = self.header_of(column) if column else None
        where = f"Spalte / column '{header}': " if header else ""
        self.plan.problems.append(
            Problem(where + message, file=self.table.origin, line=number, hint=hint)
        )

    def header_of(self, name: str) -> str:
        column = self.table.columns.column_of(name)
        return self.table.columns.header[column] if column is not None else name

    def check_not_personal(self, number: int, name: str, text: str) -> None:
        kinds = (
            (_EMAIL, "eine E-Mail-Adresse", "an e-mail address"),
            (_PHONE, "eine Telefonnummer", "a phone number"),
            (_NAMED_PERSON, "den Namen einer Person", "the name of a person"),
        )
        found = next(((de, en) for pattern, de, en in kinds if pattern.search(text)), None)
        if found is not None:
            what, what_en = found
            self.problem(
                number,
                name,
                f"enthält {what} — personenbezogene Daten werden nie übernommen / holds "
                f"{what_en}: personal data are never imported",
                "die Angabe in der Tabelle entfernen oder die Spalte mit --mapping auf ignore "
                "setzen / remove it from the table, or map the column to ignore",
            )

    def citation(self, number: int) -> dict[str, Any]:
        source: dict[str, Any] = {"table": self.table.copy}
        if self.table.sheet is not None:
            source["sheet"] = self.table.sheet
        source["row"] = number
        return source

    def from_table(self, record: dict[str, Any]) -> bool:
        """Whether the record came from this table: its first source is one of its rows."""
        sources = record.get("sources") or []
        return bool(sources) and self.cites(sources[0])

    def cites(self, source: Any) -> bool:
        """Whether a source is a row of this table (of this sheet, where it is a workbook)."""
        return (
            isinstance(source, dict)
            and source.get("table") == self.table.copy
            and source.get("sheet") == self.table.sheet
        )

    # -- values ----------------------------------------------------------------------------

    def one(self, number: int, column: str, text: str, names: Names) -> str | None:
        found = names.get(text)
        if found is None:
            self.problem(
                number,
                column,
                f"'{text}': kein bekannter Wert für {names.what} / no known {names.what_en}",
                names.suggest(text),
            )
        return found

    def several(self, number: int, column: str, text: str, names: Names) -> list[str]:
        """The ids a cell names, separated by ';' or line breaks, or by commas where a comma
        is not part of a label ("Kultur, Freizeit und Sport")."""
        ids: list[str] = []
        for part in _LIST_SEPARATORS.split(text):
            if not part.strip():
                continue
            if (whole := names.get(part)) is not None:
                ids.append(whole)
                continue
            pieces = [piece.strip() for piece in part.split(",")]
            start = 0
            while start < len(pieces):
                end = next(
                    (
                        end
                        for end in range(len(pieces), start, -1)
                        if names.get(", ".join(pieces[start:end])) is not None
                    ),
                    None,
                )
                if end is None:
                    if pieces[start]:
                        self.one(number, column, pieces[start], names)
                    start += 1
                    continue
                ids.append(names.get(", ".join(pieces[start:end])) or "")
                start = end
        return list(dict.fromkeys(ids))

    def dates(self, number: int, values: dict[str, str], start: str, end: str) -> dict:
        """from/until from ISO or German dates; other words ("2019", "Herbst 2020") as `when`,
        as written (a day is never invented)."""
        result: dict[str, Any] = {}
        words = []
        for name, key, lead in ((start, "from", "ab"), (end, "until", "bis")):
            text = values.get(name, "")
            if not text:
                continue
            day = parse_date(text)
            if day is None and re.fullmatch(r"[\d.\-/ ]+", text) and len(text) > 4:
                self.problem(
                    number,
                    name,
                    f"'{text}' ist kein Datum / is not a date",
                    "TT.MM.JJJJ oder JJJJ-MM-TT, oder Worte wie 'Herbst 2020' / DD.MM.YYYY or "
                    "YYYY-MM-DD, or words",
                )
            elif day is None:
                words.append(f"{lead} {text}")
            else:
                result[key] = day
        if words:
            result["when"] = " ".join(words)
        return result

    # -- matching ----------------------------------------------------------------------------

    def load(self, kind: Kind) -> list[dict[str, Any]]:
        """The records of a kind as its file holds them (plain mappings)."""
        if kind not in self.existing:
            path = self.folder / (kind.file or "")
            document = parse_yaml(path.read_text(encoding="utf-8")) if path.is_file() else None
            items = document.get(kind.key) if isinstance(document, LocatedDict) else None
            self.existing[kind] = [plain(item) for item in items or [] if isinstance(item, dict)]
        return self.existing[kind]

    def match(
        self, kind: Kind, number: int, name: str, given_id: str, label_key: str = "label"
    ) -> dict[str, Any] | None:
        records = self.load(kind)
        if given_id:
            if not ID_PATTERN.match(given_id):
                self.problem(
                    number,
                    "id",
                    f"'{given_id}' ist keine Kennung / is not an id",
                    "Kleinbuchstaben, Ziffern und Bindestriche, z. B. 'tuerkischer-elternverein' "
                    "/ lower-case letters, digits and hyphens",
                )
                return None
            return next((r for r in records if r.get("id") == given_id), None)
        key = normalise_value(name)
        for record in records:
            names = [record.get(label_key) or "", *(record.get("alt_labels") or [])]
            if key in {normalise_value(str(n)) for n in names}:
                return record
        return None

    def new_id(self, name: str, given_id: str) -> str:
        base = given_id or slugify(name)[:72].strip("-") or "eintrag"
        candidate, suffix = base, 2
        while candidate in self.taken:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        self.taken.add(candidate)
        return candidate

    def merge(
        self,
        kind: Kind,
        number: int,
        existing: dict[str, Any] | None,
        values: dict[str, Any],
        label: str,
    ) -> dict[str, Any]:
        """The record to write for a row: new, the table's values (a record from the table),
        or the curated record with what it lacks and the row as a further source."""
        source = self.citation(number)
        if existing is None:
            record = {**values, "sources": [source]}
            self.plan.added.append(Change(kind, values["id"], label))
            return record
        if self.from_table(existing):
            others = [s for s in existing.get("sources") or [] if not self.cites(s)]
            record = {**values, "sources": [source, *others]}
            # keys the table has no column for stay as they were
            for key, value in existing.items():
                if key not in record and key not in self.filled_keys:
                    record[key] = value
        else:
            record = dict(existing)
            for key, value in values.items():
                if key not in record or record[key] in (None, "", []):
                    record[key] = value
                elif key not in ("id", "label") and plain(record[key]) != plain(value):
                    self.plan.conflicts.append(
                        f"{self.table.origin}, Zeile {number}: {existing['id']}.{key}: Tabelle "
                        f"{_short(value)}, Datei {_short(record[key])} — der Wert der Datei "
                        "bleibt / the file's value stays"
                    )
            sources = [s for s in record.get("sources") or [] if not self.cites(s)]
            record["sources"] = [*sources, source]
        changed = [key for key in {**existing, **record} if existing.get(key) != record.get(key)]
        if changed:
            self.plan.changed.append(Change(kind, existing["id"], label, changed))
        else:
            self.plan.unchanged[kind] = self.plan.unchanged.get(kind, 0) + 1
        return record

    #: keys the current table fills (a from-table record loses those the row leaves empty)
    filled_keys: frozenset[str] = frozenset()

    def gone(self, kind: Kind, kept_ids: set[str]) -> None:
        """Records from this table whose rows are gone: removed, or (with other sources) just
        their citation of the table; curated records lose their citation of it."""
        for record in self.load(kind):
            if record.get("id") in kept_ids:
                continue
            sources = record.get("sources") or []
            if not any(self.cites(source) for source in sources):
                continue
            others = [source for source in sources if not self.cites(source)]
            label = str(record.get("label") or record.get("id"))
            if not others:
                self.plan.remove.setdefault(kind, []).append(record["id"])
                self.plan.removed.append(Change(kind, record["id"], label))
            else:
                self.plan.write.setdefault(kind, []).append({**record, "sources": others})
                self.plan.changed.append(Change(kind, record["id"], label, ["sources"]))

    # -- memberships -----------------------------------------------------------------------

    def memberships(self, wanted: dict[tuple[str, str], tuple[int, dict[str, Any]]]) -> None:
        """Write the memberships ``(network, member) → (row, values)`` into networks.yaml:
        new ones added, this table's updated or removed, curated ones left as they are."""
        networks = self.load(kinds.NETWORK)
        for network in networks:
            members = list(network.get("members") or [])
            updated: list[dict[str, Any]] = []
            seen: set[str] = set()
            for member in members:
                key = (network["id"], member.get("member"))
                seen.add(str(member.get("member")))
                row = wanted.get(key)
                if not self.from_table(member):
                    if row is not None:
                        self.plan.unchanged[kinds.MEMBERSHIP] = (
                            self.plan.unchanged.get(kinds.MEMBERSHIP, 0) + 1
                        )
                    updated.append(member)
                    continue
                if row is None:
                    self.plan.removed.append(
                        Change(kinds.MEMBERSHIP, f"{network['id']}/{key[1]}", str(key[1]))
                    )
                    continue
                number, values = row
                new = {**values, "sources": [self.citation(number)]}
                if plain(new) != plain(member):
                    self.plan.changed.append(
                        Change(kinds.MEMBERSHIP, f"{network['id']}/{key[1]}", str(key[1]))
                    )
                else:
                    self.plan.unchanged[kinds.MEMBERSHIP] = (
                        self.plan.unchanged.get(kinds.MEMBERSHIP, 0) + 1
                    )
                updated.append(new)
            kept = len(updated)
            for (network_id, member_id), (number, values) in wanted.items():
                if network_id != network["id"] or member_id in seen:
                    continue
                updated.append({**values, "sources": [self.citation(number)]})
                self.plan.added.append(
                    Change(kinds.MEMBERSHIP, f"{network_id}/{member_id}", member_id)
                )
            if plain(updated) != plain(members):
                self.plan.write.setdefault(kinds.NETWORK, []).append(
                    {**network, "members": updated}
                )
                if plain(updated[:kept]) == plain(members):
                    self.plan.appended[network["id"]] = updated[kept:]


def parse_date(text: str) -> dt.date | None:
    """An ISO or German date (TT.MM.JJJJ); None for anything else or a day that is none."""
    match = _GERMAN_DATE.match(text)
    try:
        if match is not None:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def status_of(text: str) -> str | None:
    return STATUS_WORDS.get(normalise_value(text)) if text else "unbekannt"


def plain(value: Any) -> Any:
    """A value from the YAML loader as plain Python, to compare and to write."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _short(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return repr(text if len(text) <= 60 else text[:60] + "…")
