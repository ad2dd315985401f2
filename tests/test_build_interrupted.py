"""A build that is killed or cannot write: real `ikg build` processes on a real store.

Killed with SIGKILL at several moments, a build leaves the previous build serving, no process
of its own behind (workers, the fork server, HermiT's Java) and no folder that the next build
would count as a build. A build that cannot write (a read-only store folder, a full disk)
says where and what to do, with exit code 2 and no traceback, and changes nothing.

How writing is made to fail, for real, when the tests run as root (where ``chmod`` stops
nothing): the read-only folder is made immutable (``chattr +i``, which binds root too; as
another user, ``chmod`` does it); the full disk is a file-size limit (RLIMIT_FSIZE, with
SIGXFSZ ignored so that a write fails with EFBIG as on a full disk instead of killing).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.build import POOL_THRESHOLD
from graph.generator import write_example_city
from graph.settings import PROJECT_ROOT
from graph.store import EmbeddedStore
from graph.store.builds import COMPLETE_MARKER
from tests.conftest import DATA_DIR

# real builds are started, killed and starved of disk here
pytestmark = pytest.mark.slow

IKG = [sys.executable, "-m", "graph.cli"]
#: set in a test build's environment, which everything it starts inherits, so that its
#: processes are found however they were reparented, and nobody else's
TAG = "IKG_TEST_BUILD_TAG"
MUNICIPALITIES = 4
#: how long processes of a killed build may take to end (they end in well under a second)
ENDING_SECONDS = 5.0


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data folder of four municipalities (enough for worker processes) and a folder with a
    store of two complete builds of it: (data folder, store folder)."""
    assert MUNICIPALITIES >= POOL_THRESHOLD
    root = tmp_path_factory.mktemp("interrupted")
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    write_example_city(data)
    stores = root / "stores"
    for extra in (["--full"], []):
        result = run_build(data, stores / "store", *extra, hermit=False)
        assert result.returncode == 0, result.stderr
    assert len(complete_builds(stores)) == 2
    return data, stores


def environment(tag: str = "", *, hermit: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKG_")}
    env["IKG_BUILDS_KEPT"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    if tag:
        env[TAG] = tag
    if not hermit:
        env["IKG_HERMIT_LIMIT"] = "-1"  # the rules check consistency: no Java, a faster build
    return env


def run_build(
    data: Path, store: Path, *extra: str, command: list[str] = IKG, hermit: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "build", "--data", str(data), "--store", str(store), *extra],
        cwd=PROJECT_ROOT,
        env=environment(hermit=hermit),
        capture_output=True,
        text=True,
        timeout=120,
    )


def complete_builds(stores: Path) -> list[str]:
    builds = stores / "store.builds"
    return sorted(b.name for b in builds.iterdir() if (b / COMPLETE_MARKER).is_file())


def build_folders(stores: Path) -> list[str]:
    return sorted(b.name for b in (stores / "store.builds").iterdir())


def municipalities(store: Path) -> int:
    result = EmbeddedStore(store).query(
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ikg:Municipality ; ikg:fictional ?f }"
    )
    return int(result.rows[0][0])  # type: ignore[arg-type]


def copy_of(stores: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "stores"
    shutil.copytree(stores, copy, symlinks=True)  # copy2 keeps the markers' times
    return copy


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    state: str
    command: list[str]


def processes(tag: str) -> list[Process]:
    """Every process, not yet ended, whose environment carries ``tag``."""
    found = []
    wanted = f"{TAG}={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text(encoding="utf-8")
            command = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # ended meanwhile
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if wanted in environ and state != "Z":  # a zombie has ended, only not been reaped
            found.append(Process(int(entry.name), int(parent), state, command))
    return found


def is_java(process: Process) -> bool:
    return Path(process.command[0]).name == "java"


def is_worker_or_fork_server(process: Process) -> bool:
    return any("multiprocessing.forkserver" in part for part in process.command)


@dataclass(frozen=True)
class Moment:
    """A point in a build to kill it at, seen from outside."""

    name: str
    reached: Callable[[str, float, set[str], Path], bool]
    #: whether HermiT checks consistency (Java processes under the workers)
    hermit: bool = True


def _a_worker(tag: str, started: float, before: set[str], builds: Path) -> bool:
    """A worker forked by the fork server: perhaps still starting, not yet watching the build."""
    found = processes(tag)
    fork_servers = {p.pid for p in found if is_worker_or_fork_server(p)}
    return any(is_worker_or_fork_server(p) and p.parent in fork_servers for p in found)


def _hermit_in_a_worker(tag: str, started: float, before: set[str], builds: Path) -> bool:
    found = processes(tag)
    workers = {p.pid for p in found if is_worker_or_fork_server(p)}
    return any(is_java(p) and p.parent in workers for p in found)


MOMENTS = [
    Moment("just-started", lambda tag, started, before, builds: time.monotonic() - started > 0.3),
    Moment("workers-starting", _a_worker),
    Moment("hermit-running-in-a-worker", _hermit_in_a_worker),
    Moment(
        "store-being-written",
        lambda tag, started, before, builds: bool(set(os.listdir(builds)) - before),
        hermit=False,
    ),
]


def within(seconds: float, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds within ``seconds`` (asked every few milliseconds)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.name for m in MOMENTS])
def test_a_killed_build_leaves_the_previous_build_and_no_processes(
    moment: Moment, previous: tuple[Path, Path], tmp_path: Path
) -> None:
    data, original = previous
    stores = copy_of(original, tmp_path)
    store, builds = stores / "store", stores / "store.builds"
    older, current = sorted(
        complete_builds(stores), key=lambda name: (builds / name / COMPLETE_MARKER).stat().st_mtime
    )
    link = os.readlink(store)
    before = set(build_folders(stores))
    tag = uuid.uuid4().hex
    started = time.monotonic()
    build = subprocess.Popen(
        [*IKG, "build", "--full", "--data", str(data), "--store", str(store)],
        cwd=PROJECT_ROOT,
        env=environment(tag, hermit=moment.hermit),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        reached = within(
            90,
            lambda: build.poll() is not None or moment.reached(tag, started, before, builds),
        )
        assert reached and build.poll() is None, f"the build ended before: {moment.name}"
        build.send_signal(signal.SIGKILL)
    finally:
        build.kill()
        build.wait()

    # nothing of the killed build runs on: not its workers, fork server or Java processes
    within(ENDING_SECONDS, lambda: not processes(tag))
    left = processes(tag)
    for process in left:  # not left running when this test fails
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    assert not left, f"still running {ENDING_SECONDS} s after the build was killed: {left}"

    # the store still serves the previous build
    assert os.readlink(store) == link
    assert municipalities(store) == MUNICIPALITIES
    if moment.name == "store-being-written":
        (partial,) = set(build_folders(stores)) - before
        assert not (builds / partial / COMPLETE_MARKER).exists()

    # the next build keeps itself and the newest complete build before it (IKG_BUILDS_KEPT=1),
    # not the killed build's folder
    result = run_build(data, store)
    assert result.returncode == 0, result.stderr
    new = Path(os.readlink(store)).name
    assert build_folders(stores) == sorted([current, new])
    assert complete_builds(stores) == sorted([current, new])
    assert older not in build_folders(stores)
    assert municipalities(store) == MUNICIPALITIES


#: a build that is still running when another prunes: write_store reading its N-Quads from
#: stdin, which the test keeps open
RUNNING_WRITER = """
import sys
from pathlib import Path
from graph.store.builds import write_store
write_store(Path(sys.argv[1]), iter(sys.stdin.buffer.readline, b""), builds_kept=1)
"""


def test_a_build_still_writing_keeps_its_folder_from_another_builds_pruning(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    data, original = previous
    stores = copy_of(original, tmp_path)
    store, builds = stores / "store", stores / "store.builds"
    before = set(build_folders(stores))
    current = Path(os.readlink(store)).name
    writer = subprocess.Popen(
        [sys.executable, "-c", RUNNING_WRITER, str(store)],
        cwd=PROJECT_ROOT,
        env=environment(),
        stdin=subprocess.PIPE,
    )
    try:
        assert within(30, lambda: bool(set(os.listdir(builds)) - before)), "no writer's folder"
        (running,) = set(build_folders(stores)) - before
        assert writer.poll() is None

        result = run_build(data, store)
        assert result.returncode == 0, result.stderr
        kept = Path(os.readlink(store)).name
        # the running build's folder is no complete build: it neither counts nor is removed
        assert build_folders(stores) == sorted([current, running, kept])
    finally:
        writer.kill()
        writer.wait()
        assert writer.stdin is not None
        writer.stdin.close()

    # killed, the writer's folder is debris like any other partial folder
    result = run_build(data, store)
    assert result.returncode == 0, result.stderr
    assert not (builds / running).exists()
    assert build_folders(stores) == sorted([kept, Path(os.readlink(store)).name])


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """``paths`` not writable, even by root: immutable for root, without write permission for
    anybody else."""
    as_root = os.geteuid() == 0
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        if as_root:
            subprocess.run(["chattr", "+i", str(path)], check=True)
        else:
            path.chmod(modes[path] & ~0o222)
    try:
        yield
    finally:
        for path in paths:
            if as_root:
                subprocess.run(["chattr", "-i", str(path)], check=True)
            else:
                path.chmod(modes[path])


def assert_untouched(stores: Path, link: str, folders: list[str]) -> None:
    assert os.readlink(stores / "store") == link
    assert build_folders(stores) == folders
    assert municipalities(stores / "store") == MUNICIPALITIES


def test_a_read_only_store_folder_is_reported_with_exit_code_2(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    data, original = previous
    stores = copy_of(original, tmp_path)
    link, folders = os.readlink(stores / "store"), build_folders(stores)

    with read_only(stores, stores / ".store.lock", stores / "store.builds"):
        result = run_build(data, stores / "store")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{stores} ist nicht beschreibbar" in result.stderr
    assert f"{stores} is not writable" in result.stderr
    assert "--store" in result.stderr
    assert "Der bisherige Store" in result.stderr and "ist unverändert" in result.stderr
    assert_untouched(stores, link, folders)


@pytest.mark.parametrize("obstacle", ["read-only-folder", "parent-is-a-file"])
def test_a_first_build_that_cannot_write_says_where_with_exit_code_2(
    obstacle: str, previous: tuple[Path, Path], tmp_path: Path
) -> None:
    data, _ = previous
    place = tmp_path / "place"
    if obstacle == "read-only-folder":
        place.mkdir()
        with read_only(place):
            result = run_build(data, place / "store")
        expected = [f"{place} ist nicht beschreibbar", f"{place} is not writable"]
    else:
        place.write_text("a file, not a folder\n", encoding="utf-8")
        result = run_build(data, place / "store")
        expected = ["Der Build konnte nicht schreiben", f"Check {tmp_path} or choose another"]

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for text in [*expected, "Nichts wurde gespeichert. /", "Nothing was stored."]:
        assert text in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["place"]
    if obstacle == "read-only-folder":
        assert list(place.iterdir()) == []


#: `ikg build` with a limit on the size of every file it writes: a full disk, as far as it can
#: tell (a write past the limit fails with EFBIG; ignored, SIGXFSZ would kill it instead)
FILE_SIZE_LIMITED_IKG = [
    sys.executable,
    "-c",
    "import resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "limit = int(sys.argv.pop(1))\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "from graph.cli import main\n"
    "main()\n",
]


@pytest.mark.parametrize(
    ("extra", "limit"),
    [
        # a full build fails writing the municipalities' N-Quads beside the store
        (["--full"], 64 * 1024),
        # a build of nothing changed writes no N-Quads; it fails in RocksDB's own files
        ([], 16 * 1024),
    ],
    ids=["while-preparing", "while-writing-the-store"],
)
def test_a_full_disk_is_reported_with_exit_code_2(
    extra: list[str], limit: int, previous: tuple[Path, Path], tmp_path: Path
) -> None:
    data, original = previous
    stores = copy_of(original, tmp_path)
    link, folders = os.readlink(stores / "store"), build_folders(stores)

    command = [*FILE_SIZE_LIMITED_IKG, str(limit)]
    result = run_build(data, stores / "store", *extra, command=command, hermit=False)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Kein Platz mehr auf dem Datenträger" in result.stderr
    assert "The disk is full" in result.stderr
    assert str(stores) in result.stderr and "--store" in result.stderr
    if not extra:
        assert f"{stores / 'store.builds'}/" in result.stderr  # RocksDB's error names its file
    assert_untouched(stores, link, folders)  # and the half-written folder is gone
