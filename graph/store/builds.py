"""Builds of the embedded store: written, updated, locked and swapped in.

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
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import StoreError

if TYPE_CHECKING:
    from graph.manifest import Manifest


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
