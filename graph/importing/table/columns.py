"""Which row is the header and what each column holds: by German header words, or by a
mapping file.

A header cell is compared as text is read (case, spaces, a trailing colon or asterisk, and
"(e)"/"(n)" plural endings do not count). Columns of personal data — contact persons, phone,
e-mail, address, mobile, chairs — are recognised first, so that "Name der Kontaktperson" or
"Ansprechpartner Name" is personal while "Name" alone is the organisation's name. Those
columns are dropped: never imported and never stored, not even in the copy of the table.

A mapping file (``--mapping``) names the field of each column by its header, overriding the
recognition::

    # spalten.yaml
    columns:
      "Name des Vereins": name
      "Kategorie": type
      "Themen": fields
      "Öffnungszeiten": ignore
    header_row: 3          # optional: the row of the header, as the spreadsheet shows it

The fields of each kind are in ``FIELDS``; ``ignore`` drops a column. A column recognised as
personal data cannot be mapped to a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import IkgError
from graph.sources.fields import close_matches
from graph.sources.loader import load_yaml

#: the fields of each kind of table, and the German header words that name them (compared
#: normalised: see ``normalise_header``); the first field of each is the one a header row
#: must have
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "actors": {
        "name": (
            "name",
            "organisation",
            "organisationsname",
            "name der organisation",
            "name der einrichtung",
            "akteur",
            "akteurin",
            "einrichtung",
            "institution",
            "träger",
        ),
        "id": ("id", "kennung"),
        "alt_labels": ("abkürzung", "kurzname", "kürzel", "kurzbezeichnung"),
        "type": (
            "art",
            "typ",
            "akteurstyp",
            "art der organisation",
            "organisationsart",
            "organisationstyp",
            "kategorie",
            "rechtsform",
        ),
        "fields": (
            "handlungsfeld",
            "handlungsfelder",
            "themenfeld",
            "themenfelder",
            "arbeitsfeld",
            "arbeitsfelder",
            "schwerpunkt",
            "schwerpunkte",
            "arbeitsschwerpunkt",
            "arbeitsschwerpunkte",
        ),
        "networks": (
            "netzwerk",
            "netzwerke",
            "arbeitskreis",
            "arbeitskreise",
            "mitglied in",
            "mitgliedschaft",
            "mitgliedschaften",
        ),
        "district": ("stadtteil", "stadtteile", "sozialraum", "quartier", "stadtbezirk"),
        "remark": ("bemerkung", "bemerkungen", "anmerkung", "anmerkungen", "beschreibung"),
    },
    "memberships": {
        "organisation": ("organisation", "name", "akteur", "mitglied", "einrichtung", "verein"),
        "network": ("netzwerk", "arbeitskreis", "gremium", "kooperation"),
        "role": ("rolle", "funktion"),
        "from": ("von", "seit", "beginn", "ab", "eintritt"),
        "to": ("bis", "ende", "austritt"),
    },
    "measures": {
        "title": ("titel", "maßnahme", "name", "bezeichnung", "projekt", "angebot"),
        "id": ("id", "kennung"),
        "field": ("handlungsfeld", "handlungsfelder", "themenfeld"),
        "lead": ("federführung", "träger", "verantwortlich", "zuständig", "lead"),
        "partners": ("partner", "kooperationspartner", "beteiligte"),
        "start": ("beginn", "start", "von", "ab", "seit"),
        "end": ("ende", "bis", "laufzeit bis"),
        "status": ("status", "stand"),
        "description": ("beschreibung", "bemerkung", "bemerkungen", "inhalt", "ziel"),
        "target_group": ("zielgruppe", "zielgruppen"),
    },
}
IGNORE = "ignore"

#: header words of personal data: a header with one of these words is personal, whatever
#: else it says ("Name der Kontaktperson", "Ansprechpartner Name", "Tel. (mobil)")
_PERSONAL_WORDS = re.compile(
    r"\b(ansprechpartner\w*|ansprechperson\w*|kontakt|kontaktperson\w*|kontaktdaten"
    r"|vorname|nachname|familienname|person|personen|telefon\w*|tel|fon|phone|mobil\w*|handy"
    r"|fax|e-?mail\w*|mail|adresse|anschrift|straße|strasse|str|hausnummer|hausnr|plz"
    r"|postleitzahl|ort|wohnort|postfach|vorsitz\w*|vorstand|geschäftsführer\w*|leiter\w*"
    r"|leitung|geburtsdatum|whatsapp)\b"
)


#: stems that make any header personal, also inside a compound ("Rufnummer", "Handynummer",
#: "Mailadresse", "Postanschrift", "Kontaktadresse")
_PERSONAL_STEMS = re.compile(
    r"(telefon|rufnummer|telefax|handy|mobilnummer|mailadresse|adresse|anschrift|ansprech"
    r"|kontakt|straße|strasse|postleitzahl|geburt|whatsapp)"
)


class ColumnError(IkgError):
    """The header or the mapping cannot be used (exit 2): the message says what to do."""


def normalise_header(text: str) -> str:
    """A header cell as compared: 'Handlungsfeld(er):' → 'handlungsfelder'."""
    # lower(), not casefold(): "Maßnahme" stays as the header words are written
    text = " ".join(text.split()).lower().rstrip(":*").strip()
    return re.sub(r"\((e|n|en|er|s|in|innen)\)", r"\1", text).replace("/-", "")


def normalise_value(text: str) -> str:
    """A value as compared with labels: case and runs of spaces do not count."""
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def is_personal(header: str) -> bool:
    """Whether a header names personal data (see the module's text)."""
    text = normalise_header(header).replace(".", " ")
    return _PERSONAL_WORDS.search(text) is not None or _PERSONAL_STEMS.search(text) is not None


@dataclass
class Columns:
    """The header row and what each column is: a field, personal (dropped), or unused."""

    header_row: int
    #: column index → field
    fields: dict[int, str]
    header: list[str]
    personal: list[int] = field(default_factory=list)
    unused: list[int] = field(default_factory=list)

    def column_of(self, name: str) -> int | None:
        return next((column for column, field in self.fields.items() if field == name), None)

    def names(self, columns: list[int]) -> list[str]:
        return [self.header[column] for column in columns]


@dataclass(frozen=True)
class Mapping:
    """A mapping file: header (normalised) → field, and the header row if given."""

    columns: dict[str, str]
    header_row: int | None
    file: str


def load_mapping(path: Path, kind: str) -> Mapping:
    """Read a mapping file (see the module's text); raise ColumnError naming the problem."""
    shown = str(path)
    if not path.is_file():
        raise ColumnError(f"die Zuordnungsdatei {shown} gibt es nicht / does not exist")
    document, problem = load_yaml(path, shown)
    if problem is not None:
        raise ColumnError(str(problem))
    allowed = (*FIELDS[kind], IGNORE)
    example = 'columns: {"Name des Vereins": name, "Kategorie": type}'
    if not isinstance(document, dict) or not isinstance(document.get("columns"), dict):
        raise ColumnError(
            f"{shown}: braucht 'columns:' mit Spaltenüberschrift: Feld / needs 'columns:' with "
            f"header: field, e.g. {example}"
        )
    unknown_keys = [key for key in document if key not in ("columns", "header_row")]
    if unknown_keys:
        raise ColumnError(
            f"{shown}: unbekannter Schlüssel '{unknown_keys[0]}' / unknown key: erlaubt sind "
            "columns und header_row / allowed are columns and header_row"
        )
    columns: dict[str, str] = {}
    for header, target in document["columns"].items():
        target = str(target)
        if target not in allowed:
            close = close_matches(target, allowed, n=2)
            hint = f"; meinten Sie / did you mean {', '.join(close)}?" if close else ""
            raise ColumnError(
                f"{shown}: Spalte '{header}' → '{target}' ist kein Feld für --kind {kind} / is "
                f"no field for --kind {kind} (Felder / fields: {', '.join(allowed)}){hint}"
            )
        if is_personal(str(header)) and target != IGNORE:
            raise ColumnError(
                f"{shown}: Spalte '{header}' enthält personenbezogene Daten und wird nie "
                f"übernommen / holds personal data and is never imported: die Zuordnung "
                "entfernen / remove the mapping"
            )
        columns[normalise_header(str(header))] = target
    header_row = document.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise ColumnError(f"{shown}: header_row ist eine Zeilennummer ab 1 / is a row number")
    return Mapping(columns, header_row, shown)


def recognise(header: list[str], kind: str, mapping: Mapping | None) -> Columns | None:
    """What each column of a header row holds; None if the row is no header (its first
    field, the name or title, is not among its columns)."""
    words = FIELDS[kind]
    fields: dict[int, str] = {}
    personal: list[int] = []
    unused: list[int] = []
    for column, cell in enumerate(header):
        if not cell.strip():
            continue
        text = normalise_header(cell)
        if mapping is not None and text in mapping.columns:
            target = mapping.columns[text]
            if target == IGNORE:
                unused.append(column)
            elif target not in fields.values():
                fields[column] = target
            continue
        if is_personal(cell):
            personal.append(column)
            continue
        target = next((name for name, known in words.items() if text in known), None)
        if target is not None and target not in fields.values():
            fields[column] = target
        else:
            unused.append(column)
    first = next(iter(words))
    # one recognised word could be a value ("Verein" in a type column): a header names two
    # fields, unless a mapping says what it is
    if first not in fields.values() or (len(fields) < 2 and mapping is None):
        return None
    return Columns(0, fields, header, personal, unused)


#: how many rows from the top the header is looked for in (title rows above it)
HEADER_SEARCH_ROWS = 30


def find_header(rows: list[list[str]], kind: str, mapping: Mapping | None) -> Columns | None:
    """The first row (within HEADER_SEARCH_ROWS) that is a header; None if there is none."""
    if mapping is not None and mapping.header_row is not None:
        index = mapping.header_row - 1
        if index >= len(rows):
            return None
        found = recognise(rows[index], kind, mapping)
        if found is not None:
            found.header_row = mapping.header_row
        return found
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = recognise(row, kind, mapping)
        if found is not None:
            found.header_row = index + 1
            return found
    return None
