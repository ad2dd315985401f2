"""What a build was made from, so the next build redoes only what changed.

Every build folder holds a manifest (``ikg-manifest.json``, beside the store's own files) with
a fingerprint of everything that all municipalities share — the reference schemes, the
ontology, the shapes, the code that reads, maps and checks, the library versions — and, per
municipality, a fingerprint of its folder, the named graphs the build made from it, their
triple counts, its entity counts and the source-document files it names.

A later build compares fingerprints: a change to what is shared means a full rebuild; otherwise
only municipalities whose folder changed (or that are new) are read, mapped and checked again,
and the graphs of vanished ones are dropped.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from graph.mapping import ONTOLOGY_FILE, SHAPES_FILE
from graph.settings import PROJECT_ROOT
from graph.sources import municipality_folders

MANIFEST_NAME = "ikg-manifest.json"
#: Raised whenever the manifest's layout changes; an unknown format means a full rebuild.
FORMAT = 1
#: The package whose modules (those the build imports) shape the stored graphs.
CODE_DIR = PROJECT_ROOT / "graph"
BUILD_MODULE = "graph.build"
LIBRARIES = ("integrationsgraph", "pyoxigraph", "rdflib", "pyshacl", "owlready2", "pyyaml")


@dataclass
class MunicipalityEntry:
    """What the build made from one municipality's folder."""

    fingerprint: str
    #: every named graph that belongs to this municipality (stated facts, inferred facts)
    graphs: dict[str, int]
    entities: dict[str, int]
    #: source-document files the municipality names (their presence is checked on rebuilds)
    documents: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    shared: str
    municipalities: dict[str, MunicipalityEntry]
    #: triple counts of the graphs no municipality owns (ontology, reference schemes)
    shared_graphs: dict[str, int]
    #: seconds the build spent per step, summed over its worker processes (for benchmarks)
    seconds: dict[str, float] = field(default_factory=dict)
    format: int = FORMAT

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)
        (folder / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest of a build folder; None when missing, unreadable or of another format
        (the caller then builds everything)."""
        try:
            raw = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                return None
            return cls(
                shared=raw["shared"],
                municipalities={
                    slug: MunicipalityEntry(**entry)
                    for slug, entry in raw["municipalities"].items()
                },
                shared_graphs=dict(raw["shared_graphs"]),
                seconds=dict(raw.get("seconds", {})),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def shared_fingerprint(data_dir: Path, seeds_dir: Path | None) -> str:
    """Everything a municipality's graph depends on besides its own folder."""
    digest = hashlib.sha256()
    _hash_tree(digest, data_dir / "reference", "reference")
    for path in (ONTOLOGY_FILE, SHAPES_FILE):
        _hash_file(digest, path, path.name)
    for path in build_code():
        _hash_file(digest, path, str(path.relative_to(CODE_DIR)))
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"library {library} {version}\n".encode())
    # whether documents are checked at all depends on the seeds folder existing
    seeds = "-" if seeds_dir is None or not seeds_dir.is_dir() else str(seeds_dir.resolve())
    digest.update(f"seeds {seeds}\n".encode())
    return digest.hexdigest()


def municipality_fingerprints(data_dir: Path) -> dict[str, str]:
    """slug → fingerprint of every file in its folder (names and bytes)."""
    fingerprints = {}
    for folder in municipality_folders(data_dir):
        digest = hashlib.sha256()
        _hash_tree(digest, folder, folder.name)
        fingerprints[folder.name] = digest.hexdigest()
    return fingerprints


def documents_present(entry: MunicipalityEntry, seeds_dir: Path | None) -> bool:
    """Whether every source document the municipality named is still in the seeds folder."""
    if seeds_dir is None or not seeds_dir.is_dir():
        return True
    return all((seeds_dir / name).is_file() for name in entry.documents)


def build_code() -> list[Path]:
    """The source files of graph.build and of every graph module it imports, directly or not.

    A change to any of them may change what a build stores, so it means a full rebuild; a
    change elsewhere (the viewer, the query library) does not.
    """
    seen: set[Path] = set()
    todo = [BUILD_MODULE]
    while todo:
        path = _module_file(todo.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                todo.append(node.module)
                todo.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(seen)


def _module_file(name: str) -> Path | None:
    """The file of a module of the graph package, or None for other modules."""
    parts = name.split(".")
    if parts[0] != CODE_DIR.name:
        return None
    base = CODE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _hash_tree(digest: hashlib._Hash, folder: Path, label: str) -> None:
    if not folder.is_dir():
        digest.update(f"missing {label}\n".encode())
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            _hash_file(digest, path, f"{label}/{path.relative_to(folder)}")


def _hash_file(digest: hashlib._Hash, path: Path, label: str) -> None:
    data = path.read_bytes()
    digest.update(f"file {label} {len(data)}\n".encode())
    digest.update(data)
