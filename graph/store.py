"""The embedded store on disk (pyoxigraph), behind the interface every reader uses.

Layout: the store path is a symbolic link to the latest *complete* build in
``<path>.builds/<build-id>/``. A build writes a new folder and only then swaps the link
(``os.replace`` of a link is atomic), so on any error the previous store stays untouched and a
reader never sees half a graph. A few older builds are kept because a running viewer may still
have one open; they are removed on later builds.

A build that is killed (``kill -9``, a power cut) cannot clean up after itself, so a folder
counts as a build only once it is marked complete: the file ``ikg-complete``, written and
synced to disk after everything else. Pruning keeps the current build and the newest
IKG_BUILDS_KEPT complete ones before it, and removes every unmarked (partial) folder that no
running build holds: a build holds an ``flock`` on its folder while it writes it, which the
kernel releases when that build ends, however it ends.

An incremental build starts its folder as a RocksDB checkpoint of the current one (hard links
to immutable files: cheap, and the current build is never written) and replaces only the
named graphs of the municipalities that changed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.namespaces import PREFIXES
from graph.settings import Settings, is_endpoint_url

if TYPE_CHECKING:
    from graph.manifest import Manifest


@dataclass
class QueryResult:
    """A SELECT (``variables`` and ``rows``) or ASK (``boolean``) result in rdflib terms."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    #: True when the row cap cut the result
    truncated: bool = False
    #: CONSTRUCT/DESCRIBE results, as N-Triples
    triples: bytes | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def from_oxigraph(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term {term!r}")


def ntriples_in_graph(ntriples: str, graph: URIRef) -> str:
    """N-Triples text → N-Quads text with every triple placed in ``graph``."""
    suffix = f" <{graph}> .\n"
    return "".join(
        line[: line.rstrip().rfind(".")].rstrip() + suffix
        for line in ntriples.splitlines()
        if line.strip()
    )


class Store(Protocol):
    """What every reader (CLI, viewer, analysis) needs from a store, embedded or remote.

    The default graph is the union of all named graphs, and the project's prefixes are
    predefined, on both kinds.
    """

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult: ...

    def named_graphs(self) -> list[URIRef]: ...

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes: ...

    def graph_size(self, graph: URIRef) -> int: ...

    def quad_count(self) -> int: ...


def open_store(settings: Settings, store: str | None = None) -> Store:
    """The store named by ``store`` (a CLI option), else by the ``IKG_STORE`` setting."""
    target = store or settings.store
    if is_endpoint_url(target):
        from graph.remote import RemoteStore

        return RemoteStore.from_settings(settings, target)
    return EmbeddedStore(Path(target))


class EmbeddedStore:
    """A built store opened for reading. The web process and queries only ever use this."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise StoreError(
                f"no store at {path}: run 'ikg build' first (or pass --store / set IKG_STORE)"
            )
        try:
            self._store = ox.Store.read_only(str(path.resolve()))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        row_cap: int | None = None,
        default_graphs: list[URIRef] | None = None,
        named_graphs: list[URIRef] | None = None,
    ) -> QueryResult:
        """Run a read-only query; values in ``bindings`` are substituted as RDF terms.

        SELECT gives ``rows``, ASK ``boolean``, CONSTRUCT/DESCRIBE ``triples``. The project's
        prefixes (``ikg:``, ``org:``, ``skos:`` …) are predefined; a query may declare its own.
        The store is open read-only and this method cannot run updates (they do not parse as a
        query).

        ``default_graphs`` and ``named_graphs`` set the dataset as the SPARQL protocol's
        ``default-graph-uri`` and ``named-graph-uri`` do: when either is given, the default
        graph is the merge of ``default_graphs`` only (empty if none), not the union of all.
        """
        substitutions = {
            ox.Variable(name): to_oxigraph(value) for name, value in (bindings or {}).items()
        }
        dataset_given = default_graphs is not None or named_graphs is not None
        try:
            answer = self._store.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=not dataset_given,
                default_graph=[ox.NamedNode(str(g)) for g in default_graphs or []]
                if dataset_given
                else None,
                named_graphs=None
                if named_graphs is None
                else [ox.NamedNode(str(g)) for g in named_graphs],
                substitutions=substitutions or None,
            )
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from error
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [variable.value for variable in answer.variables]
            positions = range(len(variables))
            rows: list[tuple[Node | None, ...]] = []
            truncated = False
            # each distinct term converted once: a comparison of a hundred municipalities has
            # 13,500 values but 1,500 distinct ones, and an rdflib Literal costs ~13 µs
            converted: dict[object, Node | None] = {None: None}
            for solution in answer:
                if row_cap is not None and len(rows) >= row_cap:
                    truncated = True
                    break
                row = []
                for position in positions:
                    term = solution[position]
                    if term not in converted:
                        converted[term] = from_oxigraph(term)
                    row.append(converted[term])
                rows.append(tuple(row))
            return QueryResult(variables=variables, rows=rows, truncated=truncated)
        # read one past the cap, so a cut result is known without reading it all
        limit = None if row_cap is None else row_cap + 1
        triples = list(itertools.islice(answer, limit))
        truncated = row_cap is not None and len(triples) > row_cap
        if truncated:
            triples = triples[:row_cap]
        serialized = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return QueryResult(triples=serialized, truncated=truncated)

    def named_graphs(self) -> list[URIRef]:
        return sorted(URIRef(graph.value) for graph in self._store.named_graphs())

    def dump(self, rdf_format: ox.RdfFormat, graph: URIRef | None = None) -> bytes:
        """Serialise the whole dataset (quad formats) or one named graph."""
        if graph is None:
            return self._store.dump(format=rdf_format) or b""
        if not self._store.contains_named_graph(ox.NamedNode(str(graph))):
            raise StoreError(f"the store has no graph {graph}")
        return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(str(graph))) or b""

    def graph_size(self, graph: URIRef) -> int:
        """How many triples one named graph holds."""
        pattern = self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))
        return sum(1 for _ in pattern)

    def quad_count(self) -> int:
        return len(self._store)


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Only one build writes next to a store at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    with open(lock_path, "w") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise StoreError(f"another build is writing {path}; wait for it to finish") from error
        yield


#: N-Quads as one text, as pieces (never joined: that would double the memory) or a file
NQuads = bytes | Iterable[bytes] | IO[bytes]

#: Written last into a build folder: only a folder with this file is a complete build.
COMPLETE_MARKER = "ikg-complete"


def current_build(path: Path) -> Path | None:
    """The build folder the store link points to, or None when there is no build yet."""
    if not path.is_symlink():
        return None
    folder = path.resolve()
    return folder if folder.is_dir() else None


def write_store(
    path: Path,
    nquads: NQuads,
    *,
    builds_kept: int = 2,
    manifest: Manifest | None = None,
) -> Path:
    """Write a new build from N-Quads and swap it in atomically; return the build folder."""
    _check_link(path)
    with _new_build(path, lambda folder: folder.mkdir()) as build_dir:
        store = ox.Store(str(build_dir))
        store.bulk_load(_readable(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        store.optimize()
        del store
        if manifest is not None:
            manifest.write(build_dir)
        _mark_complete(build_dir)
        _swap(path, build_dir, builds_kept)
    return build_dir


def update_store(
    path: Path,
    previous: Path,
    *,
    drop: Iterable[URIRef],
    nquads: NQuads,
    manifest: Manifest,
    builds_kept: int = 2,
) -> Path:
    """A new build made from ``previous``: the graphs in ``drop`` removed, ``nquads`` added.

    The previous build is copied as a RocksDB checkpoint (hard links to its immutable files,
    so the copy is cheap and the previous build, which readers may have open, is never
    written), then changed and swapped in like a full build.
    """
    _check_link(path)

    def checkpoint(folder: Path) -> None:
        ox.Store.read_only(str(previous)).backup(str(folder))

    with _new_build(path, checkpoint) as build_dir:
        store = ox.Store(str(build_dir))
        for graph in drop:
            name = ox.NamedNode(str(graph))
            if store.contains_named_graph(name):
                store.remove_graph(name)
        store.bulk_load(_readable(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        manifest.write(build_dir)
        _mark_complete(build_dir)
        _swap(path, build_dir, builds_kept)
    return build_dir


def store_write_error(path: Path, error: OSError) -> StoreError:
    """An OSError of a build (a full disk, a read-only folder …) as a message that names the
    place and what to do, German first; the build left the previous store as it was."""
    if error.errno is not None:
        detail = error.strerror or str(error)
        if error.filename is not None:
            detail += f": {error.filename}"
    else:
        detail = str(error)  # pyoxigraph's RocksDB errors carry the reason in their text only
    place = Path(error.filename).parent if error.filename is not None else path.parent
    if _caused_by(error, errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        german = (
            f"Kein Platz mehr auf dem Datenträger ({detail}). Auf dem Datenträger von {place} "
            "Platz schaffen oder mit --store (IKG_STORE) einen anderen Ort wählen, dann erneut "
            "bauen."
        )
        english = (
            f"The disk is full ({detail}). Free space on the disk of {place} or choose another "
            "place with --store (IKG_STORE), then build again."
        )
    elif _caused_by(error, errno.EROFS, errno.EACCES, errno.EPERM):
        german = (
            f"{place} ist nicht beschreibbar ({detail}). Schreibrechte für {place} geben oder "
            "mit --store (IKG_STORE) einen beschreibbaren Ort wählen, dann erneut bauen."
        )
        english = (
            f"{place} is not writable ({detail}). Grant write access to {place} or choose a "
            "writable place with --store (IKG_STORE), then build again."
        )
    else:
        german = (
            f"Der Build konnte nicht schreiben ({detail}). {place} prüfen oder mit --store "
            "(IKG_STORE) einen anderen Ort wählen, dann erneut bauen."
        )
        english = (
            f"The build could not write ({detail}). Check {place} or choose another place with "
            "--store (IKG_STORE), then build again."
        )
    if current_build(path) is None:
        return StoreError(f"{german} Nichts wurde gespeichert. / {english} Nothing was stored.")
    return StoreError(
        f"{german} Der bisherige Store {path} ist unverändert. / "
        f"{english} The previous store {path} is unchanged."
    )


def _caused_by(error: OSError, *codes: int) -> bool:
    if error.errno is not None:
        return error.errno in codes
    return any(os.strerror(code) in str(error) for code in codes)


def _check_link(path: Path) -> None:
    if path.exists() and not path.is_symlink():
        raise StoreError(
            f"{path} exists but is not a store written by 'ikg build'; "
            "move it away or choose another --store"
        )


@contextlib.contextmanager
def _new_build(path: Path, create: Callable[[Path], None]) -> Iterator[Path]:
    """A new build folder made by ``create`` (which must make the folder itself: a RocksDB
    checkpoint refuses one that exists), held locked while this build writes it and removed
    on any error."""
    builds = path.parent / f"{path.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    folder = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    # made and locked under the lock of the builds folder, which pruning holds too: another
    # build's pruning never sees this folder unlocked and unmarked, as if it were debris
    with _locked(builds):
        try:
            create(folder)
            held = _hold(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    try:
        yield folder
    except BaseException:
        current = current_build(path)
        if current is None or current.name != folder.name:  # not once it is swapped in
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        os.close(held)


def _hold(folder: Path) -> int:
    """A handle holding an exclusive flock on ``folder``, waiting for it; closing the handle,
    or the end of the process however it ends, releases the lock."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except BaseException:
        os.close(handle)
        raise
    return handle


def _hold_if_free(folder: Path) -> int | None:
    """Like ``_hold``, but None at once when another process holds the lock."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    except BaseException:
        os.close(handle)
        raise
    return handle


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    handle = _hold(folder)
    try:
        yield
    finally:
        os.close(handle)


def _mark_complete(build_dir: Path) -> None:
    """Mark the build complete once every file in it is on disk, so that not even a power cut
    leaves a marked folder with something missing (RocksDB syncs its own files, so syncing
    them again is cheap; the manifest is synced only here)."""
    for file in build_dir.iterdir():
        if file.is_file():
            _fsync(file)
    marker = build_dir / COMPLETE_MARKER
    with open(marker, "w", encoding="utf-8") as file:
        file.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n")
        file.flush()
        os.fsync(file.fileno())
    _fsync(build_dir)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _swap(path: Path, build_dir: Path, builds_kept: int) -> None:
    """Point the store link at ``build_dir`` (``os.replace`` of a link is atomic)."""
    previous = current_build(path)
    link = path.parent / f".{path.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(build_dir.relative_to(path.parent))
    os.replace(link, path)
    # the build is in place: what fails from here on must not fail the build (a folder that
    # cannot be removed now is tried again next time)
    with contextlib.suppress(OSError):
        _fsync(path.parent)  # the new link survives a power cut
    with contextlib.suppress(OSError):
        _remove_old_builds(
            build_dir.parent,
            current=build_dir.name,
            # a build made before builds were marked complete was complete all the same
            previous=previous.name if previous is not None else None,
            builds_kept=builds_kept,
        )


def _readable(nquads: NQuads) -> bytes | IO[bytes]:
    if isinstance(nquads, bytes) or hasattr(nquads, "read"):
        return nquads  # type: ignore[return-value]
    return io.BufferedReader(_ChunkReader(nquads))  # type: ignore[arg-type]


class _ChunkReader(io.RawIOBase):
    """Pieces of bytes read as one stream, so a bulk load needs no joined copy of them all."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._current:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._current = memoryview(chunk)
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


def _remove_old_builds(
    builds: Path, *, current: str, previous: str | None, builds_kept: int
) -> None:
    """Keep ``current`` and the ``builds_kept`` newest complete builds before it; remove older
    complete ones and every partial folder (a killed build's) that no running build holds."""
    with _locked(builds):
        complete, partial = [], []
        for folder in builds.iterdir():
            if folder.name == current or not folder.is_dir():
                continue
            if (folder / COMPLETE_MARKER).is_file() or folder.name == previous:
                complete.append(folder)
            else:
                partial.append(folder)
        complete.sort(key=_completed_at)
        for folder in partial + complete[: max(0, len(complete) - builds_kept)]:
            held = _hold_if_free(folder)
            if held is None:
                continue  # a build is still writing it
            try:
                shutil.rmtree(folder, ignore_errors=True)
            finally:
                os.close(held)


def _completed_at(folder: Path) -> int:
    try:
        return (folder / COMPLETE_MARKER).stat().st_mtime_ns
    except OSError:
        return folder.stat().st_mtime_ns
