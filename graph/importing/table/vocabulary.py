"""What a cell may name, by label: actor types, action fields, networks, organisations.

A value matches a label, an alternative label or an id, case and runs of spaces not counting
(graph/importing/table/columns.py ``normalise_value``). An unknown value is answered with the
closest known labels (difflib), as the reader answers an unknown id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.importing.table.columns import normalise_value
from graph.sources.fields import close_matches
from graph.sources.records import Municipality, Record, ReferenceSchemes
from graph.sources.schema import ORGANISATION_KINDS


@dataclass
class Names:
    """One vocabulary: normalised name → id, and the labels to suggest."""

    #: what the values are, in German and in English ("Akteurstyp", "actor type")
    what: str
    what_en: str
    ids: dict[str, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    #: id → label, to show a resolved value
    label_of: dict[str, str] = field(default_factory=dict)
    #: id → the kind of its record ("actor", "unit" …)
    kind_of: dict[str, str] = field(default_factory=dict)

    def add(self, record: Record, *, override: bool = False) -> None:
        label = record.get("label") or record.get("title") or record.id or ""
        if record.id is None:
            return
        for name in (label, *(record.get("alt_labels") or []), record.id):
            key = normalise_value(str(name))
            if override or key not in self.ids:
                self.ids[key] = record.id
        self.labels.extend(str(name) for name in (label, *(record.get("alt_labels") or [])))
        self.label_of.setdefault(record.id, label)
        self.kind_of.setdefault(record.id, record.kind)

    def get(self, value: str) -> str | None:
        return self.ids.get(normalise_value(value))

    def suggest(self, value: str) -> str:
        close = close_matches(value, self.labels, n=3)
        if not close:
            lowered = {label.casefold(): label for label in self.labels}
            close = [lowered[c] for c in close_matches(value.casefold(), list(lowered), n=3)]
        if close:
            return "meinten Sie / did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
        shown = ", ".join(f"'{label}'" for label in self.labels[:12])
        return f"bekannt / known: {shown or '–'}"


@dataclass
class Vocabulary:
    actor_types: Names
    fields: Names
    networks: Names
    organisations: Names


def vocabulary(municipality: Municipality, reference: ReferenceSchemes) -> Vocabulary:
    """The vocabularies of one municipality and the reference schemes.

    A city's own action field wins over a reference field of the same label, and of two city
    fields with one label (in two editions of the concept), the later edition's.
    """
    types = Names("Akteurstyp", "actor type")
    for record in reference.actor_types:
        types.add(record)
    fields = Names("Handlungsfeld", "action field")
    for record in reference.action_fields:
        fields.add(record)
    for record in municipality.every_record():
        if record.kind == "action-field":
            fields.add(record, override=True)
    networks = Names("Netzwerk", "network")
    organisations = Names("Organisation", "organisation")
    organisations.add(municipality.record)
    for record in municipality.every_record():
        if record.kind == "network":
            networks.add(record)
        if record.kind in ORGANISATION_KINDS and record is not municipality.record:
            organisations.add(record)
    return Vocabulary(types, fields, networks, organisations)
