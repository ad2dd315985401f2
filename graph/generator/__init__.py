"""A seeded, deterministic generator of fictional municipalities in the source-data format.

Generated folders are read by the real reader and built by the real build, so tests and
benchmarks exercise the real path. Everything generated is marked fictional: the
municipality (``fictional: true``) and every record's source (one document of the kind
"Generierte Beispieldaten (fiktiv)"). Generated data never goes into data/.

The same seed writes the same bytes (one ``random.Random`` per municipality, seeded with the
seed and the slug; Python guarantees its sequence within a Python version). A municipality's
content depends only on the seed and its own slug, so ``musterstadt-001`` is the same whether
1 or 400 municipalities are generated.

>>> from tempfile import TemporaryDirectory
>>> with TemporaryDirectory() as folder:
...     write_generated_data(Path(folder), municipalities=2)
['musterstadt-001', 'musterstadt-002']
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.errors import IkgError
from graph.generator.city import city_files
from graph.settings import Settings
from graph.sources import municipality_folders
from graph.sources.schema import FICTIONAL_DOCUMENT_KIND

EXAMPLE_SLUG = "beispielstadt"
EXAMPLE_NAME = "Beispielstadt"
GENERATED_PREFIX = "musterstadt"
#: where the built-in data, and so the reference schemes to copy, live
BUILT_IN_DATA = Settings().data_dir

__all__ = [
    "EXAMPLE_SLUG",
    "FICTIONAL_DOCUMENT_KIND",
    "GeneratorError",
    "check_target",
    "data_with_example",
    "generated_slug",
    "write_example_city",
    "write_generated_data",
]


class GeneratorError(IkgError):
    """The generator was asked to write where it must not (exit code 2)."""

    exit_code = 2
    http_status = 400


def generated_slug(number: int) -> str:
    return f"{GENERATED_PREFIX}-{number:03d}"


def write_generated_data(
    target: Path,
    *,
    municipalities: int,
    seed: int = 1,
    reference_from: Path = BUILT_IN_DATA,
) -> list[str]:
    """Write a complete data folder: target/reference/ (copied from reference_from/reference)
    plus one folder per generated municipality; return the slugs."""
    if municipalities < 1:
        raise GeneratorError(f"municipalities must be at least 1, not {municipalities}")
    _refuse_data_dir(target)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(reference_from / "reference", target / "reference", dirs_exist_ok=True)
    slugs = []
    for number in range(1, municipalities + 1):
        slug = generated_slug(number)
        _write_city(target / slug, city_files(slug, f"Musterstadt {number:03d}", seed))
        slugs.append(slug)
    return slugs


def write_example_city(target: Path, *, seed: int = 1) -> Path:
    """Write the folder target/beispielstadt/ (one municipality, the example city)."""
    _refuse_data_dir(target)
    folder = target / EXAMPLE_SLUG
    _write_city(folder, city_files(EXAMPLE_SLUG, EXAMPLE_NAME, seed))
    return folder


def data_with_example(data_dir: Path, workspace: Path, *, seed: int = 1) -> Path:
    """A data folder with data_dir's reference schemes and municipalities plus the example
    city, for ``ikg build --with-example``; return it.

    The real folders are linked, not copied, into ``workspace`` (which this function owns and
    refreshes), so the real reader reads them where they are and names them by their real path
    in error messages; the example city is written beside them. data_dir stays untouched.
    """
    if not data_dir.is_dir():
        raise GeneratorError(
            f"the data folder {data_dir} does not exist — pass --data with the folder that "
            "holds one sub-folder per municipality"
        )
    if (data_dir / EXAMPLE_SLUG).exists():
        raise GeneratorError(
            f"{data_dir / EXAMPLE_SLUG} exists: the example city is generated, never kept in "
            "the data folder — remove that folder, or build without --with-example"
        )
    _refuse_data_dir(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    for entry in workspace.iterdir():
        if entry.is_symlink():
            entry.unlink()
    for folder in [data_dir / "reference", *municipality_folders(data_dir)]:
        (workspace / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
    write_example_city(workspace, seed=seed)
    return workspace


def check_target(target: Path, *, force: bool = False) -> None:
    """Refuse data/ always, and a folder that is not empty unless ``force``."""
    _refuse_data_dir(target)
    if target.exists() and not target.is_dir():
        raise GeneratorError(f"{target} is a file, not a folder — name a new or empty folder")
    if not force and target.is_dir() and any(target.iterdir()):
        raise GeneratorError(
            f"{target} is not empty — name a new or empty folder, or pass --force to write "
            "into it anyway (files of the same name are overwritten, nothing is deleted)"
        )


def _refuse_data_dir(target: Path) -> None:
    resolved = target.resolve()
    for data_dir in sorted({Settings().data_dir.resolve(), Settings.from_env().data_dir.resolve()}):
        if resolved == data_dir or data_dir in resolved.parents or resolved in data_dir.parents:
            raise GeneratorError(
                f"{target} is, or lies in or above, the curated data folder {data_dir}: "
                "generated data never goes there — name another folder, e.g. var/generated"
            )


def _write_city(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
