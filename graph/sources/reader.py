"""Read data/<municipality>/ and data/reference/ into checked records.

Every problem found is collected (not just the first), each naming file, line, id and the fix,
so that a coordinator can correct a file in one pass. Nothing here knows about RDF.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

from graph.errors import Problem, SourceError
from graph.sources import schema
from graph.sources.fields import (
    ID_PATTERN,
    PendingRef,
    ProblemSink,
    RecordChecker,
    Ref,
    close_matches,
    shorten,
)
from graph.sources.loader import LocatedDict, load_yaml
from graph.sources.records import Municipality, Record, ReferenceSchemes, SourceData

REFERENCE_KINDS = ("reference-field", "actor-type", "organisation-form")
FORM_KIND_FOR = {
    "unit": ("verwaltung",),
    "body": ("gremium",),
    "network": ("netzwerk", "steuerung"),
}


def read_sources(
    data_dir: Path,
    seeds_dir: Path | None = None,
    *,
    only: set[str] | None = None,
    reference: ReferenceSchemes | None = None,
) -> SourceData:
    """Read and check everything under ``data_dir``; raise SourceError listing all problems.

    ``seeds_dir``, when it exists, is where the files that documents name must be found.
    ``only`` restricts the municipalities read to these slugs (the reference schemes are always
    read): an incremental build reads just the folders that changed. ``reference``, the
    schemes of an earlier read of the same folder, spares reading them again.
    """
    if not data_dir.is_dir():
        exists = data_dir.exists()
        raise SourceError(
            [
                Problem(
                    "ist kein Ordner / is not a folder"
                    if exists
                    else "the data folder does not exist",
                    file=str(data_dir),
                    hint="pass --data with the folder that holds one sub-folder per municipality",
                )
            ],
            exit_code=2,
        )
    reader = _Reader(data_dir, seeds_dir)
    data = reader.read(only, reference)
    if reader.found:
        raise SourceError(reader.listed(), exit_code=2 if reader.load_errors else 1)
    assert data is not None
    return data


def municipality_folders(data_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in data_dir.iterdir()
        if path.is_dir() and path.name != "reference" and not path.name.startswith((".", "_"))
    )


class _Reader(ProblemSink):
    def __init__(self, data_dir: Path, seeds_dir: Path | None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir if seeds_dir and seeds_dir.is_dir() else None

    def display(self, path: Path) -> str:
        try:
            inside = path.relative_to(self.data_dir)
        except ValueError:
            return str(path)
        top = self.data_dir / inside.parts[0] if inside.parts else None
        if top is not None and top.is_symlink():
            # a folder linked in from elsewhere (`ikg build --with-example` links data/'s
            # folders): name the file where it really is, where it can be corrected
            real = top.resolve()
            return str(Path(real.parent.name, real.name, *inside.parts[1:]))
        return str(path.relative_to(self.data_dir.parent))

    # -- reference schemes -------------------------------------------------------------

    def read(
        self, only: set[str] | None = None, reference: ReferenceSchemes | None = None
    ) -> SourceData | None:
        reference = reference or self.read_reference()
        folders = municipality_folders(self.data_dir)
        if not folders:
            self.problem(
                "no municipality folders found",
                self.display(self.data_dir),
                hint="add a folder data/<slug>/ with a municipality.yaml (see data/README.md)",
            )
        if only is not None:
            folders = [folder for folder in folders if folder.name in only]
        municipalities = [self.read_municipality(folder, reference) for folder in folders]
        if self.found:
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
            if not _present(path):
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
                self.problem(f"must be a mapping with keys 'scheme' and '{key}'", shown, 1)
                continue
            self.unknown_keys(document, ("scheme", key), shown, None)
            checker = RecordChecker(self, shown, refs=None)
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
        found_before, load_errors_before = self.found, self.load_errors
        pending: list[PendingRef] = []
        meta_path = folder / schema.MUNICIPALITY_FILE
        if not _present(meta_path):
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
        meta = RecordChecker(self, meta_shown, pending).record(
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
        if self.load_errors > load_errors_before:
            # A file that cannot be parsed hides its records; checking references now would
            # only add confusing follow-up errors.
            return None
        index = self.build_index(slug, meta, records)
        self.check_documents(meta)
        self.resolve(slug, pending, index, reference)
        self.check_semantics(index, reference)
        if self.found > found_before:
            return None
        return Municipality(slug=slug, record=meta, records=records, index=index)

    def read_file(
        self, path: Path, records: dict[str, list[Record]], pending: list[PendingRef]
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
        checker = RecordChecker(self, shown, pending)
        for key, spec in layout:
            if key in document:
                found = checker.record_list(document[key], spec, document.line_of(key), key)
                records.setdefault(spec.kind, []).extend(found)

    def load(self, path: Path) -> Any:
        shown = self.display(path)
        document, problem = load_yaml(path, shown)
        if problem is not None:
            self.add(problem)
            return None
        if document is None:
            self.problem("the file is empty", shown, 1, hint="add records or delete the file")
        return document

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
        for document in meta.children("documents"):
            # a document without 'kind' or 'file' has been reported already
            file_name = document.get("file")
            if document.get("kind") == schema.FICTIONAL_DOCUMENT_KIND:
                # Generated data cites a document that exists nowhere; only a municipality
                # that says it is fictional may do so, so real data keeps its checks.
                if not meta.get("fictional"):
                    self.problem(
                        f"document kind '{schema.FICTIONAL_DOCUMENT_KIND}' is only allowed in "
                        "a municipality marked 'fictional: true'",
                        document.file,
                        document.line,
                        record_id=document.id,
                        hint="name the real document and its kind, or mark the municipality "
                        "fictional",
                    )
                continue
            if self.seeds_dir is None or file_name is None:
                continue
            if not _is_file(self.seeds_dir / file_name):
                self.problem(
                    f"source document file '{shorten(file_name)}' not found in {self.seeds_dir}",
                    document.file,
                    document.line,
                    record_id=document.id,
                    hint="check the file name",
                )

    def resolve(
        self,
        slug: str,
        pending: list[PendingRef],
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
            close = close_matches(ref.value, candidates, n=3)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else None
            self.problem(
                f"'{ref.field}' names '{shorten(ref.value)}', but no {wanted} has that id",
                ref.file,
                ref.line,
                record_id=ref.record_id,
                hint=hint or f"define it first, or check data/{slug}/ for the right id",
            )

    def check_semantics(self, index: dict[str, Record], reference: ReferenceSchemes) -> None:
        # a form without a valid 'kind' has been reported in data/reference/ already
        form_kinds = {form.id: form.get("kind") for form in reference.organisation_forms}
        for record in index.values():
            form = record.get("form")
            if isinstance(form, Ref) and record.kind in FORM_KIND_FOR:
                allowed = FORM_KIND_FOR[record.kind]
                if form_kinds.get(form.id) not in (*allowed, None):
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
                    f"source names document '{shorten(citation.document)}', which is not declared",
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


def _present(path: Path) -> bool:
    """Whether something stands at the path: a named pipe or a broken link is there, and is
    named as such when it is read, rather than reported missing."""
    return path.exists() or path.is_symlink()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say
        return False


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
