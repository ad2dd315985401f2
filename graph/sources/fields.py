"""Checking the fields of one record against its spec: types, dates, text hygiene, ids.

References are only noted here (``PendingRef``); the reader resolves them once every file of
a municipality has been read.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from graph.errors import Problem
from graph.namespaces import ID_PATTERN
from graph.sources.loader import LocatedDict, LocatedList
from graph.sources.records import (
    Citation,
    OfficeCitation,
    OParlCitation,
    Record,
    Source,
    TableCitation,
)
from graph.sources.schema import Field, RecordSpec

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AGS_PATTERN = re.compile(r"^\d{8}$")
# A tag-like "<x", "</x", "<!" or "<?" is markup; a lone "<" or "a < b" is not.
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")
# Bidirectional overrides can make a name display as something else than it is.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MATCH_KINDS = ("exact", "close", "broad", "narrow")
#: the shapes of an entry of `sources`: the key that marks it → every key it may have
SOURCE_SHAPES: dict[str, tuple[str, ...]] = {
    "doc": ("doc", "passage"),
    "oparl": ("oparl", "file"),
    "table": ("table", "sheet", "row"),
    "office": ("office", "date"),
}
_DOCUMENT_KEYS = frozenset(SOURCE_SHAPES["doc"])
SOURCES_HINT = (
    'write sources as a list of {doc: <document id>, passage: "<quote>"}; other sources: '
    "{oparl: <id URL>, file: <cached JSON>}, {table: <file>, sheet: <sheet>, row: <number>}, "
    "{office: <unit id>, date: <date>} (data/README.md)"
)
#: an http(s) URL that is also an IRI: no spaces, quotes or angle brackets
URL_PATTERN = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
#: longest URL taken (browsers and servers take about 2,000 characters)
MAX_URL_LENGTH = 2000
#: Longest value quoted in a message or offered to difflib: a value may be a megabyte long,
#: and one alias can repeat it ten thousand times.
QUOTED_LENGTH = 80
#: Most problems listed from one reading (the rest are counted): more are not read by anyone.
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Ref:
    """A resolved reference: the kind of record it points to and its id."""

    kind: str
    id: str


@dataclass
class PendingRef:
    holder: dict[str, Any]
    key: str | int
    value: str
    targets: tuple[str, ...]
    field: str
    file: str
    line: int
    record_id: str | None


class ProblemSink:
    """Collects problems, so that every one found is reported at once.

    At most MAX_PROBLEMS are kept: a megabyte of broken lines would otherwise be half a
    million messages; the rest are counted, and the worst exit code is kept for all of them.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        #: every problem found, listed or not
        self.found = 0
        #: problems where a file could not be loaded at all (exit code 2)
        self.load_errors = 0

    def problem(self, message: str, file: str, line: int | None = None, **kwargs: Any) -> None:
        # lines count from 1; 0 stands for a record from an origin without lines (a URL)
        self.add(Problem(message, file=file, line=line or None, **kwargs))

    def add(self, problem: Problem) -> None:
        self.found += 1
        self.load_errors += problem.exit_code_hint == 2
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def listed(self) -> list[Problem]:
        """The problems kept, and a last one that counts those left out."""
        left_out = self.found - len(self.problems)
        if not left_out:
            return self.problems
        last = self.problems[-1]
        return [
            *self.problems,
            Problem(
                f"… und {left_out} weitere Probleme, nicht aufgeführt / … and {left_out} more "
                "problems, not listed",
                file=last.file,
                hint="die aufgeführten beheben und erneut prüfen / correct the ones above and "
                "validate again",
                exit_code_hint=last.exit_code_hint,
            ),
        ]

    def unknown_keys(
        self, mapping: LocatedDict, allowed: tuple[str, ...], file: str, record_id: str | None
    ) -> None:
        for key in mapping:
            if key not in allowed:
                close = close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else None
                self.problem(
                    f"unknown key '{shorten(str(key))}'",
                    file,
                    mapping.line_of(key),
                    record_id=record_id,
                    hint=(hint + " " if hint else "") + "allowed: " + ", ".join(allowed),
                )


class RecordChecker:
    """Checks records of one file against their specs, noting references to resolve later."""

    def __init__(self, reader: ProblemSink, file: str, refs: list[PendingRef] | None) -> None:
        self.reader = reader
        self.file = file
        self.refs = refs

    def problem(self, message: str, line: int, record_id: str | None, hint: str | None = None):
        self.reader.problem(message, self.file, line, record_id=record_id, hint=hint)

    def record_list(self, raw: Any, spec: RecordSpec, line: int, key: str) -> list[Record]:
        if raw is None:
            return []
        if not isinstance(raw, LocatedList):
            self.problem(
                f"'{key}' must be a list of records (lines starting with '- ')", line, None
            )
            return []
        records = []
        for position, item in enumerate(raw):
            record = self.record(item, spec, raw.line_of(position))
            if record is not None:
                records.append(record)
        return records

    def record(self, raw: Any, spec: RecordSpec, line: int) -> Record | None:
        if not isinstance(raw, LocatedDict):
            self.problem(
                f"expected a {spec.kind} record (lines of 'key: value'), found {_describe(raw)}",
                line,
                None,
            )
            return None
        record_id = shorten(raw["id"]) if isinstance(raw.get("id"), str) else None
        self.reader.unknown_keys(raw, tuple(spec.names), self.file, record_id)
        values: dict[str, Any] = {}
        sources: list[Citation] = []
        for field in spec.fields:
            if field.name not in raw or raw[field.name] is None:
                if field.required:
                    self.problem(
                        f"required key '{field.name}' is missing",
                        raw.line,
                        record_id,
                        hint=_REQUIRED_HINTS.get(field.name, "add it (see data/README.md)"),
                    )
                continue
            value_line = raw.line_of(field.name)
            if field.type == "sources":
                sources = self.citations(raw[field.name], value_line, record_id)
                continue
            value = self.value(field, raw[field.name], value_line, record_id, values)
            if value is not None:
                values[field.name] = value
        return Record(
            kind=spec.kind,
            id=record_id if spec.has_id else None,
            values=values,
            file=self.file,
            line=raw.line,
            sources=sources,
        )

    def value(
        self, field: Field, raw: Any, line: int, record_id: str | None, holder: dict[str, Any]
    ) -> Any:
        name = field.name
        kind = field.type
        if kind == "id":
            if not isinstance(raw, str) or not ID_PATTERN.match(raw):
                self.problem(
                    f"id {_describe(raw)} is not valid",
                    line,
                    shorten(raw) if isinstance(raw, str) else None,
                    hint="use lower-case letters a-z, digits and hyphens, e.g. 'ak-flucht'",
                )
                return None
            return raw
        if kind in ("label", "text"):
            return self.text(raw, name, line, record_id, multiline=kind == "text")
        if kind == "labels":
            if not isinstance(raw, LocatedList):
                self.problem(f"'{name}' must be a list, e.g. [KI, KIKO]", line, record_id)
                return None
            texts = [
                self.text(item, name, raw.line_of(i), record_id, multiline=False)
                for i, item in enumerate(raw)
            ]
            return [text for text in texts if text is not None]
        if kind == "date":
            return self.date(raw, name, line, record_id)
        if kind == "url":
            return self.url(raw, name, line, record_id)
        if kind == "path":
            return self.relative_path(raw, name, line, record_id)
        if kind == "bool":
            if not isinstance(raw, bool):
                self.problem(
                    f"'{name}' must be true or false, not {_describe(raw)}", line, record_id
                )
                return None
            return raw
        if kind == "ags":
            if not isinstance(raw, str) or not AGS_PATTERN.match(raw):
                self.problem(
                    f"'{name}' must be the 8-digit Amtlicher Gemeindeschlüssel in quotes",
                    line,
                    record_id,
                    hint='e.g. ags: "05119000" (without quotes YAML drops the leading zero)',
                )
                return None
            return raw
        if kind == "choice":
            if raw not in field.choices:
                close = close_matches(raw, field.choices, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.problem(
                    f"'{name}' is {_describe(raw)}",
                    line,
                    record_id,
                    hint=hint + "allowed: " + ", ".join(field.choices),
                )
                return None
            return raw
        if kind == "ref":
            if not isinstance(raw, str):
                extra = "; put the others under 'partners'" if name == "lead" else ""
                self.problem(
                    f"'{name}' must be exactly one id, not {_describe(raw)}",
                    line,
                    record_id,
                    hint=f"write a single id{extra}",
                )
                return None
            self.note_ref(holder, name, raw, field, line, record_id)
            return raw
        if kind == "refs":
            if not isinstance(raw, LocatedList):
                self.problem(f"'{name}' must be a list of ids, e.g. [ki, rat]", line, record_id)
                return None
            if field.non_empty and not raw:
                self.problem(
                    f"'{name}' must name at least one id",
                    line,
                    record_id,
                    hint=_REQUIRED_HINTS.get(name, "add an id to the list"),
                )
                return None
            ids: list[Any] = []
            for position, item in enumerate(raw):
                if not isinstance(item, str):
                    self.problem(
                        f"'{name}' item {_describe(item)} is not an id",
                        raw.line_of(position),
                        record_id,
                    )
                    continue
                ids.append(item)
                self.note_ref(ids, len(ids) - 1, item, field, raw.line_of(position), record_id)
            return ids
        if kind == "records":
            assert field.spec is not None
            if raw is not None and not isinstance(raw, LocatedList):
                self.problem(f"'{name}' must be a list of records", line, record_id)
                return None
            children = self.record_list(raw, field.spec, line, name)
            if field.non_empty and not children:
                self.problem(
                    f"'{name}' must hold at least one record",
                    line,
                    record_id,
                    hint="see data/README.md for what a record contains",
                )
            return children
        if kind == "matches":
            return self.matches(raw, line, record_id)
        raise AssertionError(f"unknown field type {kind}")

    def note_ref(
        self,
        holder: Any,
        key: str | int,
        value: str,
        field: Field,
        line: int,
        record_id: str | None,
    ) -> None:
        if self.refs is not None:
            self.refs.append(
                PendingRef(
                    holder, key, value, field.targets, field.name, self.file, line, record_id
                )
            )

    def text(
        self, raw: Any, name: str, line: int, record_id: str | None, *, multiline: bool
    ) -> str | None:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.problem(
                f"'{name}' must be text, not {_describe(raw)}",
                line,
                record_id,
                hint="put the text in quotes",
            )
            return None
        if isinstance(raw, float) and not math.isfinite(raw):
            # `.inf`, `.nan` or 1.0e+400 would become the text 'inf' or 'nan'
            self.problem(
                f"'{name}' ist die Zahl {raw}, kein Text / is the number {raw}, not text",
                line,
                record_id,
                hint="den Text in Anführungszeichen setzen / put the text in quotes",
            )
            return None
        text = str(raw).strip()
        if not text:
            self.problem(
                f"'{name}' is empty", line, record_id, hint="write the text or leave the key out"
            )
            return None
        for char in text:
            allowed_whitespace = char == "\t" or (multiline and char == "\n")
            category = unicodedata.category(char)
            if (category == "Cc" and not allowed_whitespace) or char in BIDI_CONTROLS:
                self.problem(
                    f"'{name}' contains the control character U+{ord(char):04X}",
                    line,
                    record_id,
                    hint="remove it; names and texts are plain text",
                )
                return None
            if category == "Cs":  # from an escape ("\ud800"): half a character, not UTF-8
                self.problem(
                    f"'{name}' enthält das halbe Zeichen U+{ord(char):04X} / contains half a "
                    f"character, U+{ord(char):04X}",
                    line,
                    record_id,
                    hint="das Escape korrigieren oder das Zeichen selbst schreiben / correct the "
                    "escape, or write the character itself",
                )
                return None
            if not multiline and char == "\n":
                break
        if not multiline and "\n" in text:
            self.problem(
                f"'{name}' must be a single line",
                line,
                record_id,
                hint="use 'description' for longer text",
            )
            return None
        markup = MARKUP.search(text)
        if markup:
            self.problem(
                f"'{name}' contains markup ({text[markup.start() : markup.start() + 12]!r}…)",
                line,
                record_id,
                hint="names and texts are plain text: remove the tags",
            )
            return None
        return text

    def date(self, raw: Any, name: str, line: int, record_id: str | None) -> dt.date | None:
        hint = "write YYYY-MM-DD, e.g. 2017-11-14; for vague dates ('Ende 2017') use 'when'"
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str) and ISO_DATE.match(raw.strip()):
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        self.problem(f"'{name}' is not a valid date: {_describe(raw)}", line, record_id, hint=hint)
        return None

    def citations(self, raw: Any, line: int, record_id: str | None) -> list[Source]:
        hint = SOURCES_HINT
        if not isinstance(raw, LocatedList) or not raw:
            self.problem("'sources' must list at least one source", line, record_id, hint=hint)
            return []
        citations: list[Source] = []
        for position, item in enumerate(raw):
            item_line = raw.line_of(position)
            if not isinstance(item, LocatedDict):
                self.problem(
                    f"source {_describe(item)} is not a mapping", item_line, record_id, hint=hint
                )
                continue
            if item.keys() <= _DOCUMENT_KEYS and "doc" in item:  # nearly every source
                self.reader.unknown_keys(item, SOURCE_SHAPES["doc"], self.file, record_id)
                citation = self.document_citation(item, item_line, record_id)
                if citation is not None:
                    citations.append(citation)
                continue
            shapes = [key for key in SOURCE_SHAPES if key in item]
            if len(shapes) > 1:
                self.problem(
                    "eine Quelle ist genau eines von doc, oparl, table, office, nicht "
                    f"{' und '.join(shapes)} / a source is exactly one of doc, oparl, table, "
                    f"office, not {' and '.join(shapes)}",
                    item_line,
                    record_id,
                    hint="jede Quelle als eigenen Eintrag in sources schreiben / write each "
                    "source as an entry of its own in sources",
                )
                continue
            shape = shapes[0] if shapes else "doc"
            self.reader.unknown_keys(item, SOURCE_SHAPES[shape], self.file, record_id)
            check = getattr(self, f"{shape}_citation" if shape != "doc" else "document_citation")
            found = check(item, item_line, record_id)
            if found is not None:
                citations.append(found)
        return citations

    def document_citation(
        self, item: LocatedDict, item_line: int, record_id: str | None
    ) -> Citation | None:
        document = item.get("doc")
        passage = item.get("passage")
        if not isinstance(document, str) or passage is None:
            self.problem(
                "a source needs 'doc' and 'passage'", item_line, record_id, hint=SOURCES_HINT
            )
            return None
        if not isinstance(passage, str):
            # a quotation is words from the document: `.inf` or 400 digits, read by YAML
            # as a number, is no quotation, even when its digits are
            self.problem(
                f"'passage' ist Text, nicht {_describe(passage)} / 'passage' is text, not "
                f"{_describe(passage)}",
                item.line_of("passage"),
                record_id,
                hint="die Fundstelle in Anführungszeichen setzen / put the quotation in "
                'quotes: passage: "…"',
            )
            return None
        passage_line = item.line_of("passage")
        text = self.text(passage, "passage", passage_line, record_id, multiline=True)
        if text is None:
            return None
        return Citation(document=document, passage=text, line=passage_line)

    def oparl_citation(
        self, item: LocatedDict, item_line: int, record_id: str | None
    ) -> OParlCitation | None:
        url = self.url(item["oparl"], "oparl", item.line_of("oparl"), record_id)
        if "file" not in item:
            self.problem(
                "eine OParl-Quelle braucht 'file', das zwischengespeicherte JSON / an OParl "
                "source needs 'file', the cached JSON",
                item_line,
                record_id,
                hint="z. B. / e.g. {oparl: https://ris.example.de/oparl/paper/17, file: "
                "oparl/paper-17.json} — die Datei liegt im Ordner der Kommune / the file is in "
                "the municipality's folder",
            )
            return None
        file = self.relative_path(item["file"], "file", item.line_of("file"), record_id)
        if url is None or file is None:
            return None
        return OParlCitation(url=url, file=file, line=item_line)

    def table_citation(
        self, item: LocatedDict, item_line: int, record_id: str | None
    ) -> TableCitation | None:
        file = self.relative_path(item["table"], "table", item.line_of("table"), record_id)
        sheet = None
        if item.get("sheet") is not None:
            sheet = self.text(
                item["sheet"], "sheet", item.line_of("sheet"), record_id, multiline=False
            )
            if sheet is None:
                return None
        row = item.get("row")
        if isinstance(row, bool) or not isinstance(row, int) or row < 1:
            self.problem(
                f"'row' ist die Zeilennummer der Tabelle, eine ganze Zahl ab 1, nicht "
                f"{_describe(row)} / 'row' is the table's row number, an integer from 1, not "
                f"{_describe(row)}",
                item.line_of("row") if "row" in item else item_line,
                record_id,
                hint="die Zeile angeben, wie das Tabellenprogramm sie nummeriert (Kopfzeile = "
                "1) / give the row as the spreadsheet numbers it (header = 1), e.g. row: 14",
            )
            return None
        if file is None:
            return None
        return TableCitation(file=file, sheet=sheet, row=row, line=item_line)

    def office_citation(
        self, item: LocatedDict, item_line: int, record_id: str | None
    ) -> OfficeCitation | None:
        office = item["office"]
        hint = (
            "die Kennung einer Verwaltungseinheit aus administration.yaml und das Datum der "
            "Angabe, z. B. / the id of a unit from administration.yaml and the date of the "
            "statement, e.g. {office: ki, date: 2024-03-01}"
        )
        if not isinstance(office, str) or not ID_PATTERN.match(office):
            self.problem(
                f"'office' nennt eine Verwaltungseinheit, nicht {_describe(office)} / 'office' "
                f"names a unit of the administration, not {_describe(office)}",
                item.line_of("office"),
                record_id,
                hint=hint,
            )
            return None
        if item.get("date") is None:
            self.problem(
                "eine Angabe der Verwaltung braucht ihr Datum ('date') / a statement of the "
                "office needs its date ('date')",
                item_line,
                record_id,
                hint=hint,
            )
            return None
        date = self.date(item["date"], "date", item.line_of("date"), record_id)
        if date is None:
            return None
        return OfficeCitation(office=office, date=date, line=item_line)

    def url(self, raw: Any, name: str, line: int, record_id: str | None) -> str | None:
        if (
            not isinstance(raw, str)
            or len(raw) > MAX_URL_LENGTH
            or not URL_PATTERN.match(raw.strip())
        ):
            self.problem(
                f"'{name}' ist keine http(s)-Adresse: {_describe(raw)} / '{name}' is not an "
                f"http(s) URL: {_describe(raw)}",
                line,
                record_id,
                hint="die vollständige Adresse angeben, z. B. / give the full address, e.g. "
                "https://ris.example.de/oparl/paper/17",
            )
            return None
        return raw.strip()

    def relative_path(self, raw: Any, name: str, line: int, record_id: str | None) -> str | None:
        """A file named relative to a folder (the municipality's, or the documents'): never
        absolute and never above it, so that a data file cannot make the reader read
        elsewhere."""
        text = self.text(raw, name, line, record_id, multiline=False)
        if text is None:
            return None
        path = PurePosixPath(text.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            self.problem(
                f"'{name}' muss eine Datei im Ordner nennen, relativ und ohne '..': "
                f"{_describe(text)} / '{name}' must name a file inside the folder, relative "
                f"and without '..': {_describe(text)}",
                line,
                record_id,
                hint="den Pfad relativ zum Ordner der Kommune schreiben, z. B. / write the path "
                "relative to the municipality's folder, e.g. tabellen/kita.csv",
            )
            return None
        return text

    def matches(self, raw: Any, line: int, record_id: str | None) -> dict[str, list[str]] | None:
        hint = "e.g. matches: {exact: [bildung]} — ids from data/reference/action-fields.yaml"
        if not isinstance(raw, LocatedDict):
            self.problem(
                "'matches' must be a mapping of exact/close/broad/narrow",
                line,
                record_id,
                hint=hint,
            )
            return None
        self.reader.unknown_keys(raw, MATCH_KINDS, self.file, record_id)
        result: dict[str, list[str]] = {}
        match_field = Field("matches", "refs", targets=("reference-field",))
        for kind in MATCH_KINDS:
            if kind not in raw:
                continue
            ids = raw[kind]
            if not isinstance(ids, LocatedList):
                self.problem(
                    f"'matches.{kind}' must be a list of ids",
                    raw.line_of(kind),
                    record_id,
                    hint=hint,
                )
                continue
            result[kind] = []
            for position, item in enumerate(ids):
                if not isinstance(item, str):
                    self.problem(
                        f"'matches.{kind}' item {_describe(item)} is not an id",
                        ids.line_of(position),
                        record_id,
                    )
                    continue
                result[kind].append(item)
                self.note_ref(
                    result[kind],
                    len(result[kind]) - 1,
                    item,
                    match_field,
                    ids.line_of(position),
                    record_id,
                )
        if not any(result.values()):
            self.problem(
                "'matches' must name at least one reference field", line, record_id, hint=hint
            )
        return result


_REQUIRED_HINTS = {
    "sources": 'every record cites {doc: <document id>, passage: "<quote>"}',
    "lead": "every measure has exactly one lead (Federführung): an id of an organisation",
    "action_fields": "name at least one action field id",
    "matches": "map the field to the reference scheme, e.g. matches: {exact: [bildung]}",
    "form": "an id from data/reference/organisation-forms.yaml",
    "type": "see data/README.md for the allowed values",
}


def shorten(text: str) -> str:
    """The text as a message quotes it: at most QUOTED_LENGTH characters, and printable
    (half a character, from an escape like "\\ud800", cannot be written out)."""
    short = text if len(text) <= QUOTED_LENGTH else text[:QUOTED_LENGTH] + "…"
    return short.encode("utf-8", "backslashreplace").decode("utf-8")


def _describe(value: Any) -> str:
    """A value as a message names it: containers by kind (an alias bomb's repr is endless),
    everything else as its repr, cut short."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, (str, bytes)) and len(value) > QUOTED_LENGTH:
        return repr(value[:QUOTED_LENGTH]) + "…"
    return repr(value)


def close_matches(value: Any, choices: Any, *, n: int) -> list[str]:
    """difflib's suggestions, for short text only: a long one is no typo, and difflib's time
    grows with its length, once per occurrence."""
    if not isinstance(value, str) or len(value) > QUOTED_LENGTH:
        return []
    return difflib.get_close_matches(value, list(choices), n=n)
