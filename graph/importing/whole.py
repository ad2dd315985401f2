"""Writing an import whole or not at all: every importer's last step.

An import writes several files (records, cached JSON, the kept copy of a table). Should one
of them fail (a full disk, a file that cannot be replaced), the municipality's folder is put
back as it was before the import, from a copy in the system's temporary folder, so that data/
never holds half an import.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from graph.errors import IkgError
from graph.sources.writing import WriteError

T = TypeVar("T")


class ImportWriteError(IkgError):
    """Writing the import failed; the folder is as it was (exit 2)."""


def written_whole(folder: Path, write: Callable[[], T]) -> T:
    """Run ``write``, which writes into ``folder``; should it fail, put ``folder`` back as it
    was (an OSError, or a file that would not read back as written, becomes an
    ImportWriteError that says so; anything else is raised as it is, after the folder is
    back)."""
    existed = folder.is_dir()
    # the copy goes to the system's temporary folder: nothing extra ever appears in data/
    with tempfile.TemporaryDirectory(prefix="ikg-import-") as scratch:
        backup = Path(scratch) / "before"
        if existed:
            shutil.copytree(folder, backup, symlinks=True)
        try:
            return write()
        except BaseException as error:
            if folder.exists():
                shutil.rmtree(folder)
            if existed:
                shutil.move(backup, folder)
            if isinstance(error, OSError | WriteError):
                raise ImportWriteError(
                    f"{folder}: Schreiben fehlgeschlagen ({error}); der Ordner ist wieder wie "
                    "vor dem Import / writing failed; the folder is as it was before the import"
                ) from None
            raise
