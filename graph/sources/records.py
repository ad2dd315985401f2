"""Plain records read from the source files: no RDF, no YAML, just checked values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a record's facts were taken from: a declared document and the quoted passage."""

    document: str
    passage: str


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
    sources: list[Citation] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def children(self, name: str) -> list[Record]:
        return self.values.get(name) or []


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


@dataclass
class ReferenceSchemes:
    action_fields: list[Record]
    actor_types: list[Record]
    organisation_forms: list[Record]
    scheme_labels: dict[str, Record]

    def ids(self, kind: str) -> set[str]:
        records = {
            "reference-field": self.action_fields,
            "actor-type": self.actor_types,
            "organisation-form": self.organisation_forms,
        }[kind]
        return {record.id for record in records if record.id}


@dataclass
class SourceData:
    reference: ReferenceSchemes
    municipalities: list[Municipality]

    def municipality(self, slug: str) -> Municipality:
        for municipality in self.municipalities:
            if municipality.slug == slug:
                return municipality
        raise KeyError(slug)
