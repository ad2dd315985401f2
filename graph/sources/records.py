"""Plain records read from the source files: no RDF, no YAML, just checked values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a record's facts were taken from: a declared document and the quoted passage."""

    document: str
    passage: str
    #: the line of the passage in its source file (for messages; not part of the citation)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OParlCitation:
    """An object of a council information system: its OParl id and the JSON it came from.

    ``file`` is the cached JSON, relative to the municipality's folder; ``oparl_type`` (the
    last part of the object's ``type``: "Paper", "Meeting" …) and ``name`` are read from it.
    """

    url: str
    file: str
    oparl_type: str = ""
    name: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TableCitation:
    """A row of a table: the file (relative to the municipality's folder), the sheet of a
    workbook (None for a CSV file) and the row as a spreadsheet numbers it (the first is 1)."""

    file: str
    sheet: str | None
    row: int
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OfficeCitation:
    """A statement of the office, for a fact no document states: the unit of the
    administration that states it (never a person) and the date it did."""

    office: str
    date: dt.date
    line: int | None = field(default=None, compare=False)


#: every kind of source a record may cite (data/README.md, "Sources")
Source = Citation | OParlCitation | TableCitation | OfficeCitation


@dataclass
class Record:
    """One record of a source file after its fields were checked.

    ``values`` holds the checked fields under their YAML names (nested lists of records, such
    as a network's members, are lists of ``Record``); references are still plain ids here and
    are resolved against the municipality's index by the reader.
    """

    kind: str
    id: str | None
    values: dict[str, Any]
    file: str
    line: int
    sources: list[Source] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def children(self, name: str) -> list[Record]:
        return self.values.get(name) or []

    def nested(self) -> list[Record]:
        """The records this one holds (a network's members, a paper's consultations)."""
        return [
            item
            for value in self.values.values()
            if isinstance(value, list)
            for item in value
            if isinstance(item, Record)
        ]


@dataclass
class Municipality:
    slug: str
    record: Record
    #: every top-level record by kind ("unit", "actor", "network", …), in file order
    records: dict[str, list[Record]]
    #: every record that has an id, nested ones included, by id
    index: dict[str, Record]

    @property
    def label(self) -> str:
        return self.record.values["label"]

    @property
    def fictional(self) -> bool:
        return bool(self.record.get("fictional", False))

    def of_kind(self, kind: str) -> list[Record]:
        return self.records.get(kind, [])

    def every_record(self) -> list[Record]:
        """Every record, nested ones (documents, members, consultations …) included."""
        found: list[Record] = []
        # depth first, each record before the records it holds, in file order
        todo = [self.record, *(r for records in self.records.values() for r in records)]
        todo.reverse()
        while todo:
            record = todo.pop()
            found.append(record)
            todo.extend(reversed(record.nested()))
        return found


@dataclass
class ReferenceSchemes:
    action_fields: list[Record]
    actor_types: list[Record]
    organisation_forms: list[Record]
    scheme_labels: dict[str, Record]

    def of_kind(self, kind: str) -> list[Record]:
        """The records of one reference scheme, by the name of its kind."""
        return {
            "reference-field": self.action_fields,
            "actor-type": self.actor_types,
            "organisation-form": self.organisation_forms,
        }[kind]

    def ids(self, kind: str) -> set[str]:
        return {record.id for record in self.of_kind(kind) if record.id}


@dataclass
class SourceData:
    reference: ReferenceSchemes
    municipalities: list[Municipality]

    def municipality(self, slug: str) -> Municipality:
        for municipality in self.municipalities:
            if municipality.slug == slug:
                return municipality
        raise KeyError(slug)
