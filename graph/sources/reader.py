"""Read data/<municipality>/ and data/reference/ into checked records.

Every problem found is collected (not just the first), each naming file, line, id and the fix,
so that a coordinator can correct a file in one pass. Nothing here knows about RDF.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from graph.errors import Problem, SourceError
from graph.namespaces import ID_PATTERN
from graph.sources import kinds, schema
from graph.sources.checks import RecordChecks
from graph.sources.fields import ProblemSink, RecordChecker
from graph.sources.loader import LocatedDict, load_yaml
from graph.sources.records import Municipality, Record, ReferenceSchemes, SourceData


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
        for file_name, kind in kinds.REFERENCE_FILES.items():
            key, spec = kind.key, kind.spec
            assert key is not None
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
        load_errors_before = self.load_errors
        checks = RecordChecks(
            slug,
            reference,
            sink=self,
            folder=folder,
            seeds_dir=self.seeds_dir,
            display=self.display,
        )
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
        meta = checks.checker(meta_shown).record(
            document, schema.MUNICIPALITY, getattr(document, "line", 1)
        )
        if meta is None:
            return None
        checks.keep(kinds.MUNICIPALITY, meta)
        if meta.id != slug:
            self.problem(
                f"id '{meta.id}' does not match the folder name '{slug}'",
                meta_shown,
                document.line_of("id") if isinstance(document, LocatedDict) else 1,
                record_id=meta.id,
                hint=f"write 'id: {slug}' or rename the folder",
            )
        for path in sorted(folder.iterdir()):
            if path.name == schema.MUNICIPALITY_FILE or path.suffix not in {".yaml", ".yml"}:
                continue
            self.read_file(path, checks)
        if self.load_errors > load_errors_before:
            # A file that cannot be parsed hides its records; checking references now would
            # only add confusing follow-up errors.
            return None
        return checks.finish()

    def read_file(self, path: Path, checks: RecordChecks) -> None:
        shown = self.display(path)
        kinds_in_file = kinds.KIND_OF_FILE.get(path.name)
        if kinds_in_file is None:
            known = ", ".join([schema.MUNICIPALITY_FILE, *kinds.KIND_OF_FILE])
            close = difflib.get_close_matches(path.name, list(kinds.KIND_OF_FILE), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            self.problem("unknown file", shown, hint=f"{hint}known files: {known}")
            return
        layout = [(kind.key, kind.spec) for kind in kinds_in_file if kind.key is not None]
        document = self.load(path)
        if document is None:
            return
        if not isinstance(document, LocatedDict):
            keys = " and ".join(f"'{key}:'" for key, _ in layout)
            self.problem(f"must be a mapping with {keys} at the top", shown, 1)
            return
        self.unknown_keys(document, tuple(key for key, _ in layout), shown, None)
        checker = checks.checker(shown)
        for kind in kinds_in_file:
            if kind.key in document:
                line = document.line_of(kind.key)
                for record in checker.record_list(document[kind.key], kind.spec, line, kind.key):
                    checks.keep(kind, record)

    def load(self, path: Path) -> Any:
        shown = self.display(path)
        document, problem = load_yaml(path, shown)
        if problem is not None:
            self.add(problem)
            return None
        if document is None:
            self.problem("the file is empty", shown, 1, hint="add records or delete the file")
        return document


def _present(path: Path) -> bool:
    """Whether something stands at the path: a named pipe or a broken link is there, and is
    named as such when it is read, rather than reported missing."""
    return path.exists() or path.is_symlink()
