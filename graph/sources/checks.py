"""Records from any origin → checked records: the one way in for the YAML reader and every
importer.

Whether a municipality's records come from its YAML files, a council information system or a
spreadsheet, they pass the same checks, and a problem reads the same, naming where the record
came from (file and line, URL, or table and row), its id and the fix:

1. the fields of each record against the spec of its kind (graph/sources/fields.py);
2. the index: every id once in the municipality;
3. the references: each names a record of a kind the field allows (or a reference scheme's);
4. the semantic checks: an organisation's form fits its kind, periods run forwards, sources
   point to what the municipality declares (graph/sources/citations.py).

The YAML reader (graph/sources/reader.py) uses ``RecordChecks`` for each municipality folder.
An importer uses ``check_records`` against the municipality as read from its folder, and
writes its records (graph/sources/writing.py) only when the report has no problems — never
around it. Whether passages occur in their documents, the build checks
(graph/sources/documents.py: it reads the documents).

>>> from graph.settings import Settings
>>> from graph.sources import kinds, read_sources
>>> data = read_sources(Settings().data_dir, only={"oberhausen"})
>>> paper = {
...     "id": "vorlage-2025-0815", "reference": "B/16/0815", "title": "Sachstand KIKO",
...     "type": "Mitteilungsvorlage", "consultations": [],
...     "under_direction_of": ["ki"],
...     "sources": [{"oparl": "https://ris.oberhausen.example/oparl/paper/815",
...                  "file": "oparl/paper-815.json"}],
... }
>>> origin = "https://ris.oberhausen.example/oparl/paper/815"
>>> report = check_records(
...     [RawRecord(kinds.PAPER, paper, origin)],
...     municipality=data.municipality("oberhausen"), reference=data.reference)
>>> report.ok, report.records[0].values["under_direction_of"]
(True, [Ref(kind='unit', id='ki')])
>>> paper["under_direction_of"] = ["kii"]
>>> report = check_records(
...     [RawRecord(kinds.PAPER, paper, origin)],
...     municipality=data.municipality("oberhausen"), reference=data.reference)
>>> problem = report.problems[0]
>>> problem.file, problem.line, problem.record_id
('https://ris.oberhausen.example/oparl/paper/815', None, 'vorlage-2025-0815')
>>> problem.message  # doctest: +ELLIPSIS
"'under_direction_of' names 'kii', but no municipality or administrative unit ... has that id"
>>> problem.hint  # doctest: +ELLIPSIS
"did you mean 'ki'..."
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import Problem, SourceError
from graph.sources import documents, kinds, schema
from graph.sources.citations import CitationChecks
from graph.sources.fields import (
    PendingRef,
    ProblemSink,
    RecordChecker,
    Ref,
    close_matches,
    shorten,
)
from graph.sources.kinds import Kind
from graph.sources.loader import LocatedDict, LocatedList
from graph.sources.records import Municipality, OParlCitation, Record, ReferenceSchemes

#: the kinds a reference may name in data/reference/ rather than in the municipality's files
REFERENCE_KINDS = tuple(kind.name for kind in kinds.REFERENCE_KINDS)


@dataclass(frozen=True)
class RawRecord:
    """A record as it came from its origin, before any check.

    ``values`` is a mapping as a YAML file would give it (keys of the kind's spec; lists of
    records as lists of mappings). ``origin`` names where it came from, as messages name it: a
    file, a URL, a table ("tabellen/kita.xlsx, Blatt 2023"); ``line`` is its line or row there
    (None where there is none, as for a URL).
    """

    kind: Kind
    values: Mapping[str, Any]
    origin: str
    line: int | None = None


@dataclass
class CheckReport:
    """What checking records found: the checked records, and every problem."""

    #: the records given, checked, their references resolved (in the order given)
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: 2 where a record could not be read at all, else 1 (the data does not conform)
    exit_code: int = 1

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        """Raise SourceError with every problem, if there is one."""
        if self.problems:
            raise SourceError(self.problems, exit_code=self.exit_code)


def check_records(
    raw: Iterable[RawRecord],
    *,
    municipality: Municipality,
    reference: ReferenceSchemes,
    folder: Path | None = None,
) -> CheckReport:
    """Check records from any origin as additions to ``municipality`` (as read from its folder).

    A record with the id of a record of the same kind that ``municipality`` has replaces it,
    so running an import again checks the same; an id used by a record of another kind is a
    duplicate. References may name records of ``municipality`` and of ``raw``. ``folder`` is
    the municipality's folder, where files that sources name are looked for (None: not
    looked for). ``municipality`` is left as it was.
    """
    checks = RecordChecks(municipality.slug, reference, folder=folder, existing=municipality)
    records = [record for item in raw if (record := checks.add(item)) is not None]
    checks.finish()
    return CheckReport(
        records=records,
        problems=checks.sink.listed(),
        exit_code=2 if checks.sink.load_errors else 1,
    )


class RecordChecks:
    """The checks of one municipality's records, whatever their origin.

    ``add`` (any mapping) or ``checker`` (the YAML reader's located mappings) checks the fields
    of each record and notes its references; ``finish`` builds the index and resolves and
    checks everything. Problems go to ``sink`` (the reader's, to report every municipality's
    at once; by default one of its own).
    """

    def __init__(
        self,
        slug: str,
        reference: ReferenceSchemes,
        *,
        sink: ProblemSink | None = None,
        folder: Path | None = None,
        seeds_dir: Path | None = None,
        display: Callable[[Path], str] = str,
        existing: Municipality | None = None,
    ) -> None:
        self.slug = slug
        self.reference = reference
        self.sink = sink if sink is not None else ProblemSink()
        self.folder = folder
        self.seeds_dir = seeds_dir
        self.display = display
        self.existing = existing
        self.meta: Record | None = existing.record if existing is not None else None
        #: the records added, at the top of their files, by kind
        self.records: dict[str, list[Record]] = {}
        self.pending: list[PendingRef] = []
        #: the existing records (checked when they were read), by identity
        self.checked: set[int] = (
            {id(record) for record in existing.every_record()} if existing is not None else set()
        )

    # -- adding records ----------------------------------------------------------------

    def checker(self, origin: str) -> RecordChecker:
        """Checks the fields of located mappings (from YAML) of one origin."""
        return RecordChecker(self.sink, origin, self.pending)

    def add(self, raw: RawRecord) -> Record | None:
        """Check one record's fields; None if it is not a mapping at all."""
        line = raw.line or 0
        record = self.checker(raw.origin).record(located(raw.values, line), raw.kind.spec, line)
        if record is not None:
            self.keep(raw.kind, record)
        return record

    def keep(self, kind: Kind, record: Record) -> None:
        """Take a checked record into the municipality (the reader's records, once read)."""
        if kind is kinds.MUNICIPALITY:
            self.meta = record
        else:
            self.records.setdefault(kind.name, []).append(record)

    # -- checking them together ----------------------------------------------------------

    def finish(self) -> Municipality | None:
        """Index, resolve and check everything added; the municipality, or None when a
        problem was found (each is in ``sink``)."""
        found_before = self.sink.found
        if self.meta is None:
            self.sink.problem(
                "the municipality's own record is missing",
                self.slug,
                hint="add municipality.yaml with id, label, state, documents and sources",
            )
            return None
        records = self.merged()
        index = self.build_index(records)
        if self.existing is None or self.meta is not self.existing.record:
            self.check_documents(self.meta)
        self.resolve(index)
        self.check_semantics(index)
        if self.sink.found > found_before:
            return None
        return Municipality(slug=self.slug, record=self.meta, records=records, index=index)

    def merged(self) -> dict[str, list[Record]]:
        """The existing records with the added ones: an added record replaces the existing
        record of its kind and id."""
        if self.existing is None:
            return self.records
        merged = {kind: list(records) for kind, records in self.existing.records.items()}
        for kind, added in self.records.items():
            ids = {record.id for record in added if record.id is not None}
            kept = [record for record in merged.get(kind, []) if record.id not in ids]
            merged[kind] = kept + added
        return merged

    def is_new(self, record: Record) -> bool:
        """Whether the record was added here (the existing ones were checked when read)."""
        return id(record) not in self.checked

    def build_index(self, records: dict[str, list[Record]]) -> dict[str, Record]:
        assert self.meta is not None
        index: dict[str, Record] = {self.slug: self.meta}
        everything = [*self.meta.children("documents")]
        for kind_records in records.values():
            for record in kind_records:
                everything.extend(_walk(record))
        for record in everything:
            if record.id is None:
                continue
            first = index.get(record.id)
            if first is not None:
                where = f"{first.file}:{first.line}" if first.line else first.file
                self.sink.problem(
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
        for document in meta.children("documents"):
            # a document without 'kind' or 'file' has been reported already
            file_name = document.get("file")
            if documents.is_fictional(document):
                # Generated data cites a document that exists nowhere; only a municipality
                # that says it is fictional may do so, so real data keeps its checks.
                if not meta.get("fictional"):
                    self.sink.problem(
                        f"document kind '{schema.FICTIONAL_DOCUMENT_KIND}' is only allowed in "
                        "a municipality marked 'fictional: true'",
                        document.file,
                        document.line,
                        record_id=document.id,
                        hint="name the real document and its kind, or mark the municipality "
                        "fictional",
                    )
                continue
            if self.seeds_dir is None or file_name is None or self.folder is None:
                continue  # without a documents folder, a document may be at hand or not
            if documents.locate(file_name, self.folder, self.seeds_dir) is None:
                own = f"{self.display(self.folder)}/{documents.DOCUMENTS_FOLDER}"
                self.sink.problem(
                    f"source document file '{shorten(file_name)}' not found in {self.seeds_dir} "
                    f"or {own}",
                    document.file,
                    document.line,
                    record_id=document.id,
                    hint=f"check the file name, or put the file into {own}/",
                )

    def resolve(self, index: dict[str, Record]) -> None:
        reference_ids = {kind: self.reference.ids(kind) for kind in REFERENCE_KINDS}
        for ref in self.pending:
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
            wanted = " or ".join(kinds.english_name(t) for t in ref.targets)
            if kind is not None:
                self.sink.problem(
                    f"'{ref.field}' names '{ref.value}', which is a {kinds.english_name(kind)}",
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
            close = close_matches(ref.value, candidates, n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else None
            self.sink.problem(
                f"'{ref.field}' names '{shorten(ref.value)}', but no {wanted} has that id",
                ref.file,
                ref.line,
                record_id=ref.record_id,
                hint=hint or f"define it first, or check data/{self.slug}/ for the right id",
            )

    def check_semantics(self, index: dict[str, Record]) -> None:
        # a form without a valid 'kind' has been reported in data/reference/ already
        form_kinds = {form.id: form.get("kind") for form in self.reference.organisation_forms}
        citations = CitationChecks(self.sink, index, self.folder, self.display)
        for record in index.values():
            if not self.is_new(record):
                continue
            form = record.get("form")
            allowed = kinds.BY_NAME[record.kind].form_kinds
            if isinstance(form, Ref) and allowed:
                if form_kinds.get(form.id) not in (*allowed, None):
                    fitting = sorted(f for f, k in form_kinds.items() if k in allowed)
                    self.sink.problem(
                        f"form '{form.id}' does not fit a {kinds.english_name(record.kind)}",
                        record.file,
                        record.line,
                        record_id=record.id,
                        hint="use one of: " + ", ".join(fitting),
                    )
            own_parts = [child for child in record.nested() if child.id is None]
            for part in [record, *own_parts]:
                self.check_period(part)
                citations.check(part)
                if part.kind == kinds.CONSULTATION.name:
                    self.check_consultation(part)

    def check_consultation(self, record: Record) -> None:
        """A curated consultation states its meeting's day and whether the body decides; one
        that cites an OParl object may leave either unknown, as council information systems
        do (a consultation without a meeting, no `authoritative`): the graph then states
        nothing, rather than a guess."""
        if any(isinstance(source, OParlCitation) for source in record.sources):
            return
        for name, hint in (
            (
                "date",
                "das Datum der Sitzung angeben (YYYY-MM-DD); nennt das Dokument keinen Tag, es "
                "im Ratsinformationssystem nachsehen / give the meeting's date (YYYY-MM-DD); "
                "where the document gives no day, look it up in the council information system",
            ),
            (
                "authoritative",
                "true angeben, wenn das Gremium entscheidet, sonst false / give true where the "
                "body decides, else false",
            ),
        ):
            if record.get(name) is None:
                self.sink.problem(
                    f"Pflichtangabe '{name}' fehlt (nur eine Beratung, die ein OParl-Objekt "
                    f"zitiert, darf sie offen lassen) / required key '{name}' is missing (only "
                    "a consultation that cites an OParl object may leave it open)",
                    record.file,
                    record.line,
                    record_id=record.id,
                    hint=hint,
                )

    def check_period(self, record: Record) -> None:
        start, end = record.get("from"), record.get("until")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.sink.problem(
                f"'until' ({end}) is before 'from' ({start})",
                record.file,
                record.line,
                record_id=record.id,
                hint="swap the dates or correct one of them",
            )


def located(value: Any, line: int) -> Any:
    """A plain value as the YAML loader gives it, every key and item at ``line``: what the
    field checks take, so that a record from elsewhere is checked as one from a file."""
    if isinstance(value, LocatedDict | LocatedList):
        return value
    if isinstance(value, Mapping):
        mapping = LocatedDict((key, located(item, line)) for key, item in value.items())
        mapping.line = line
        mapping.key_lines = {key: line for key in mapping}
        return mapping
    if isinstance(value, list | tuple):
        items = LocatedList(located(item, line) for item in value)
        items.line = line
        items.item_lines = [line] * len(items)
        return items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return located(dataclasses.asdict(value), line)
    return value


def _walk(record: Record) -> list[Record]:
    """The record and every nested record that has an id (editions, action fields)."""
    found = [record]
    for child in record.nested():
        if child.id is not None:
            found.extend(_walk(child))
    return found
