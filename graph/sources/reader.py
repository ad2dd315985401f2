"""Read data/<municipality>/ and data/reference/ into checked records.

Every problem found is collected (not just the first), each naming file, line, id and the fix,
so that a coordinator can correct a file in one pass. Nothing here knows about RDF.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import Problem, SourceError
from graph.sources import schema
from graph.sources.loader import LocatedDict, LocatedList, load_yaml
from graph.sources.records import Citation, Municipality, Record, ReferenceSchemes, SourceData
from graph.sources.schema import Field, RecordSpec

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AGS_PATTERN = re.compile(r"^\d{8}$")
# A tag-like "<x", "</x", "<!" or "<?" is markup; a lone "<" or "a < b" is not.
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")
# Bidirectional overrides can make a name display as something else than it is.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MATCH_KINDS = ("exact", "close", "broad", "narrow")
REFERENCE_KINDS = ("reference-field", "actor-type", "organisation-form")
FORM_KIND_FOR = {
    "unit": ("verwaltung",),
    "body": ("gremium",),
    "network": ("netzwerk", "steuerung"),
}


@dataclass(frozen=True)
class Ref:
    """A resolved reference: the kind of record it points to and its id."""

    kind: str
    id: str


@dataclass
class _PendingRef:
    holder: dict[str, Any]
    key: str | int
    value: str
    targets: tuple[str, ...]
    field: str
    file: str
    line: int
    record_id: str | None


def read_sources(data_dir: Path, seeds_dir: Path | None = None) -> SourceData:
    """Read and check everything under ``data_dir``; raise SourceError listing all problems.

    ``seeds_dir``, when it exists, is where the files that documents name must be found.
    """
    if not data_dir.is_dir():
        raise SourceError(
            [
                Problem(
                    "the data folder does not exist",
                    file=str(data_dir),
                    hint="pass --data with the folder that holds one sub-folder per municipality",
                )
            ],
            exit_code=2,
        )
    reader = _Reader(data_dir, seeds_dir)
    data = reader.read()
    if reader.problems:
        load_error = any(problem.exit_code_hint == 2 for problem in reader.problems)
        raise SourceError(reader.problems, exit_code=2 if load_error else 1)
    assert data is not None
    return data


def municipality_folders(data_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in data_dir.iterdir()
        if path.is_dir() and path.name != "reference" and not path.name.startswith((".", "_"))
    )


class _Reader:
    def __init__(self, data_dir: Path, seeds_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir if seeds_dir and seeds_dir.is_dir() else None
        self.problems: list[Problem] = []

    def problem(self, message: str, file: str, line: int | None = None, **kwargs: Any) -> None:
        self.problems.append(Problem(message, file=file, line=line, **kwargs))

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)

    # -- reference schemes -------------------------------------------------------------

    def read(self) -> SourceData | None:
        reference = self.read_reference()
        folders = municipality_folders(self.data_dir)
        if not folders:
            self.problem(
                "no municipality folders found",
                self.display(self.data_dir),
                hint="add a folder data/<slug>/ with a municipality.yaml (see data/README.md)",
            )
        municipalities = [self.read_municipality(folder, reference) for folder in folders]
        if self.problems:
            return None
        return SourceData(reference, [m for m in municipalities if m is not None])

    def read_reference(self) -> ReferenceSchemes:
        folder = self.data_dir / "reference"
        loaded: dict[str, list[Record]] = {}
        scheme_labels: dict[str, Record] = {}
        for file_name, (key, spec) in schema.REFERENCE_FILES.items():
            path = folder / file_name
            shown = self.display(path)
            loaded[spec.kind] = []
            if not path.is_file():
                self.problem(
                    "reference scheme file is missing",
                    shown,
                    hint=f"restore data/reference/{file_name} (see data/README.md)",
                )
                continue
            document = self.load(path)
            if document is None:
                continue
            if not isinstance(document, LocatedDict):
                self.problem("must be a mapping with keys 'scheme' and '{key}'", shown, 1)
                continue
            self.unknown_keys(document, ("scheme", key), shown, None)
            checker = _RecordChecker(self, shown, refs=None)
            if "scheme" in document:
                scheme = checker.record(
                    document["scheme"], schema.SCHEME, document.line_of("scheme")
                )
                if scheme is not None:
                    scheme_labels[spec.kind] = scheme
            records = checker.record_list(document.get(key), spec, document.line_of(key), key)
            seen: dict[str, int] = {}
            for record in records:
                if record.id in seen:
                    self.problem(
                        f"duplicate id '{record.id}' (first on line {seen[record.id]})",
                        shown,
                        record.line,
                        record_id=record.id,
                        hint="every id must be unique in its scheme",
                    )
                seen.setdefault(record.id or "", record.line)
            loaded[spec.kind] = records
        return ReferenceSchemes(
            action_fields=loaded["reference-field"],
            actor_types=loaded["actor-type"],
            organisation_forms=loaded["organisation-form"],
            scheme_labels=scheme_labels,
        )

    # -- municipalities ----------------------------------------------------------------

    def read_municipality(self, folder: Path, reference: ReferenceSchemes) -> Municipality | None:
        slug = folder.name
        shown_folder = self.display(folder)
        if not ID_PATTERN.match(slug):
            self.problem(
                f"folder name '{slug}' is not a valid municipality slug",
                shown_folder,
                hint="use lower-case letters, digits and hyphens, e.g. 'muelheim-an-der-ruhr'",
            )
            return None
        before = len(self.problems)
        pending: list[_PendingRef] = []
        meta_path = folder / schema.MUNICIPALITY_FILE
        if not meta_path.is_file():
            self.problem(
                "municipality folder has no municipality.yaml",
                shown_folder,
                hint="add municipality.yaml with id, label, state, documents and sources",
            )
            return None
        meta_shown = self.display(meta_path)
        document = self.load(meta_path)
        if document is None:
            return None
        meta = _RecordChecker(self, meta_shown, pending).record(
            document, schema.MUNICIPALITY, getattr(document, "line", 1)
        )
        if meta is None:
            return None
        if meta.id != slug:
            self.problem(
                f"id '{meta.id}' does not match the folder name '{slug}'",
                meta_shown,
                document.line_of("id") if isinstance(document, LocatedDict) else 1,
                record_id=meta.id,
                hint=f"write 'id: {slug}' or rename the folder",
            )
        records: dict[str, list[Record]] = {}
        for path in sorted(folder.iterdir()):
            if path.name == schema.MUNICIPALITY_FILE or path.suffix not in {".yaml", ".yml"}:
                continue
            self.read_file(path, records, pending)
        if any(problem.exit_code_hint == 2 for problem in self.problems[before:]):
            # A file that cannot be parsed hides its records; checking references now would
            # only add confusing follow-up errors.
            return None
        index = self.build_index(slug, meta, records)
        self.check_documents(meta)
        self.resolve(slug, pending, index, reference)
        self.check_semantics(index, reference)
        if len(self.problems) > before:
            return None
        return Municipality(slug=slug, record=meta, records=records, index=index)

    def read_file(
        self, path: Path, records: dict[str, list[Record]], pending: list[_PendingRef]
    ) -> None:
        shown = self.display(path)
        layout = schema.MUNICIPALITY_FILES.get(path.name)
        if layout is None:
            known = ", ".join([schema.MUNICIPALITY_FILE, *schema.MUNICIPALITY_FILES])
            close = difflib.get_close_matches(path.name, list(schema.MUNICIPALITY_FILES), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            self.problem("unknown file", shown, hint=f"{hint}known files: {known}")
            return
        document = self.load(path)
        if document is None:
            return
        if not isinstance(document, LocatedDict):
            keys = " and ".join(f"'{key}:'" for key, _ in layout)
            self.problem(f"must be a mapping with {keys} at the top", shown, 1)
            return
        self.unknown_keys(document, tuple(key for key, _ in layout), shown, None)
        checker = _RecordChecker(self, shown, pending)
        for key, spec in layout:
            if key in document:
                found = checker.record_list(document[key], spec, document.line_of(key), key)
                records.setdefault(spec.kind, []).extend(found)

    def load(self, path: Path) -> Any:
        shown = self.display(path)
        document, problem = load_yaml(path, shown)
        if problem is not None:
            self.problems.append(problem)
            return None
        if document is None:
            self.problem("the file is empty", shown, 1, hint="add records or delete the file")
        return document

    def unknown_keys(
        self, mapping: LocatedDict, allowed: tuple[str, ...], file: str, record_id: str | None
    ) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else None
                self.problem(
                    f"unknown key '{key}'",
                    file,
                    mapping.line_of(key),
                    record_id=record_id,
                    hint=(hint + " " if hint else "") + "allowed: " + ", ".join(allowed),
                )

    def build_index(
        self, slug: str, meta: Record, records: dict[str, list[Record]]
    ) -> dict[str, Record]:
        index: dict[str, Record] = {slug: meta}
        everything = [*meta.children("documents")]
        for kind_records in records.values():
            for record in kind_records:
                everything.extend(_walk(record))
        for record in everything:
            if record.id is None:
                continue
            first = index.get(record.id)
            if first is not None:
                where = f"{first.file}:{first.line}"
                self.problem(
                    f"duplicate id '{record.id}' (already used by a {first.kind} at {where})",
                    record.file,
                    record.line,
                    record_id=record.id,
                    hint="ids must be unique within a municipality; rename one of them",
                )
                continue
            index[record.id] = record
        return index

    def check_documents(self, meta: Record) -> None:
        if self.seeds_dir is None:
            return
        for document in meta.children("documents"):
            if not (self.seeds_dir / document.values["file"]).is_file():
                self.problem(
                    f"source document file '{document.values['file']}' not found in "
                    f"{self.seeds_dir}",
                    document.file,
                    document.line,
                    record_id=document.id,
                    hint="check the file name",
                )

    def resolve(
        self,
        slug: str,
        pending: list[_PendingRef],
        index: dict[str, Record],
        reference: ReferenceSchemes,
    ) -> None:
        reference_ids = {kind: reference.ids(kind) for kind in REFERENCE_KINDS}
        for ref in pending:
            target = index.get(ref.value)
            kind = target.kind if target is not None else None
            if kind is not None and kind in ref.targets:
                ref.holder[ref.key] = Ref(kind, ref.value)
                continue
            reference_kind = next(
                (k for k in REFERENCE_KINDS if k in ref.targets and ref.value in reference_ids[k]),
                None,
            )
            if reference_kind is not None:
                ref.holder[ref.key] = Ref(reference_kind, ref.value)
                continue
            wanted = " or ".join(_KIND_NAMES.get(t, t) for t in ref.targets)
            if kind is not None:
                self.problem(
                    f"'{ref.field}' names '{ref.value}', which is a {_KIND_NAMES.get(kind, kind)}",
                    ref.file,
                    ref.line,
                    record_id=ref.record_id,
                    hint=f"'{ref.field}' must name a {wanted}",
                )
                continue
            candidates = [i for i, r in index.items() if r.kind in ref.targets]
            for reference_kind in REFERENCE_KINDS:
                if reference_kind in ref.targets:
                    candidates.extend(reference_ids[reference_kind])
            close = difflib.get_close_matches(ref.value, candidates, n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else None
            self.problem(
                f"'{ref.field}' names '{ref.value}', but no {wanted} has that id",
                ref.file,
                ref.line,
                record_id=ref.record_id,
                hint=hint or f"define it first, or check data/{slug}/ for the right id",
            )

    def check_semantics(self, index: dict[str, Record], reference: ReferenceSchemes) -> None:
        form_kinds = {form.id: form.values["kind"] for form in reference.organisation_forms}
        for record in index.values():
            form = record.get("form")
            if isinstance(form, Ref) and record.kind in FORM_KIND_FOR:
                allowed = FORM_KIND_FOR[record.kind]
                if form_kinds.get(form.id) not in allowed:
                    fitting = sorted(f for f, k in form_kinds.items() if k in allowed)
                    self.problem(
                        f"form '{form.id}' does not fit a {_KIND_NAMES[record.kind]}",
                        record.file,
                        record.line,
                        record_id=record.id,
                        hint="use one of: " + ", ".join(fitting),
                    )
            own_parts = [child for child in _nested(record) if child.id is None]
            for part in [record, *own_parts]:
                self.check_period(part)
                self.check_citations(part, index)

    def check_citations(self, record: Record, index: dict[str, Record]) -> None:
        for citation in record.sources:
            target = index.get(citation.document)
            if target is None or target.kind != "document":
                documents = [i for i, r in index.items() if r.kind == "document"]
                self.problem(
                    f"source names document '{citation.document}', which is not declared",
                    record.file,
                    record.line,
                    record_id=record.id,
                    hint="declare it under 'documents' in municipality.yaml; declared: "
                    + ", ".join(documents),
                )

    def check_period(self, record: Record) -> None:
        start, end = record.get("from"), record.get("until")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.problem(
                f"'until' ({end}) is before 'from' ({start})",
                record.file,
                record.line,
                record_id=record.id,
                hint="swap the dates or correct one of them",
            )


_KIND_NAMES = {
    "municipality": "municipality",
    "unit": "administrative unit",
    "body": "political body",
    "actor": "actor",
    "network": "network",
    "document": "source document",
    "concept": "integration concept",
    "edition": "concept edition",
    "action-field": "action field",
    "reference-field": "reference action field",
    "actor-type": "actor type",
    "organisation-form": "organisation form",
    "goal": "goal",
    "indicator": "indicator",
    "measure": "measure",
    "funding": "funding relation",
    "paper": "council paper",
    "event": "event",
}


def _walk(record: Record) -> list[Record]:
    """The record and every nested record that has an id (editions, action fields)."""
    found = [record]
    for child in _nested(record):
        if child.id is not None:
            found.extend(_walk(child))
    return found


def _nested(record: Record) -> list[Record]:
    children: list[Record] = []
    for value in record.values.values():
        if isinstance(value, list):
            children.extend(item for item in value if isinstance(item, Record))
    return children


class _RecordChecker:
    """Checks records of one file against their specs, noting references to resolve later."""

    def __init__(self, reader: _Reader, file: str, refs: list[_PendingRef] | None) -> None:
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
        record_id = raw.get("id") if isinstance(raw.get("id"), str) else None
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
                    f"id {raw!r} is not valid",
                    line,
                    str(raw),
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
        if kind == "bool":
            if not isinstance(raw, bool):
                self.problem(f"'{name}' must be true or false, not {raw!r}", line, record_id)
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
                close = difflib.get_close_matches(str(raw), field.choices, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.problem(
                    f"'{name}' is {raw!r}",
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
                _PendingRef(
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
        self.problem(f"'{name}' is not a valid date: {raw!r}", line, record_id, hint=hint)
        return None

    def citations(self, raw: Any, line: int, record_id: str | None) -> list[Citation]:
        hint = 'write sources as a list of {doc: <document id>, passage: "<quote>"}'
        if not isinstance(raw, LocatedList) or not raw:
            self.problem("'sources' must list at least one source", line, record_id, hint=hint)
            return []
        citations = []
        for position, item in enumerate(raw):
            item_line = raw.line_of(position)
            if not isinstance(item, LocatedDict):
                self.problem(
                    f"source {_describe(item)} is not a mapping", item_line, record_id, hint=hint
                )
                continue
            self.reader.unknown_keys(item, ("doc", "passage"), self.file, record_id)
            document = item.get("doc")
            passage = item.get("passage")
            if not isinstance(document, str) or passage is None:
                self.problem("a source needs 'doc' and 'passage'", item_line, record_id, hint=hint)
                continue
            text = self.text(passage, "passage", item.line_of("passage"), record_id, multiline=True)
            if text is not None:
                citations.append(Citation(document=document, passage=text))
        return citations

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
                        f"'matches.{kind}' item {item!r} is not an id",
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


def _describe(value: Any) -> str:
    if isinstance(value, LocatedDict) or isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (LocatedList, list)):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)
