"""When each OParl import last succeeded: one JSON file beside the data folder, never in it.

The file is ``.ikg-import-state.json`` in the data folder's parent (data/ → the project's
root, a copy in /tmp/x/data → /tmp/x/). Beside, not inside: the data folder holds only
source files (its hash is the same before and after a failed or unchanged import, and `ikg
build` never reads the state); not in var/: var/ belongs to the store, and a data folder
elsewhere (--data) would then share one state with data/. One entry per data folder,
municipality and URL, so two data folders or two systems of one city never mix.

An entry also keeps the organisations and the Body chosen: a re-run that chooses others
cannot ask for "what changed" and reads everything again.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from graph.importing.oparl.client import OParlError

STATE_FILE_NAME = ".ikg-import-state.json"


@dataclass(frozen=True)
class LastImport:
    #: when the last import's crawl started (by the server's clock where it said)
    started: datetime
    body: str
    organizations: tuple[str, ...]


def state_file(data_dir: Path) -> Path:
    """Where the import state of ``data_dir`` lives.

    >>> state_file(Path("/srv/ikg/data")).as_posix()
    '/srv/ikg/.ikg-import-state.json'
    """
    return data_dir.absolute().parent / STATE_FILE_NAME


def entry_key(data_dir: Path, slug: str, url: str) -> str:
    """The key of one import in the state file: data folder, municipality, URL.

    >>> entry_key(Path("/srv/ikg/data"), "musterstadt", "https://ris.example/oparl/system")
    'data/musterstadt https://ris.example/oparl/system'
    """
    return f"{data_dir.absolute().name}/{slug} {url}"


def last_import(path: Path, key: str) -> LastImport | None:
    """The entry for ``key`` in the state file ``path``, or None (never imported)."""
    entry = _read(path).get(key)
    if not isinstance(entry, dict):
        return None
    try:
        return LastImport(
            started=datetime.fromisoformat(entry["started"]),
            body=str(entry["body"]),
            organizations=tuple(str(value) for value in entry["organizations"]),
        )
    except (KeyError, TypeError, ValueError):
        raise _broken(path, f"Eintrag {key!r} unvollständig / entry {key!r} incomplete") from None


def record_import(path: Path, key: str, done: LastImport) -> None:
    """Note a successful import under ``key``; the file is replaced whole (written beside,
    then renamed), so a crash leaves the old state or the new one, never half of one."""
    try:
        state = _read(path)
    except OParlError:
        state = {}  # --full over a broken state file: the new state replaces it
    state[key] = {
        "started": done.started.isoformat(timespec="seconds"),
        "body": done.body,
        "organizations": list(done.organizations),
    }
    text = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(prefix=".ikg-import-state.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _broken(path, str(error)) from None
    try:
        state = json.loads(text)
    except json.JSONDecodeError as error:
        raise _broken(path, str(error)) from None
    if not isinstance(state, dict):
        raise _broken(path, "kein JSON-Objekt / no JSON object")
    return state


def _broken(path: Path, why: str) -> OParlError:
    return OParlError(
        f"{path}: die Importzustands-Datei ist nicht lesbar ({why}); löschen Sie sie, dann "
        "liest der nächste Import alles neu (oder geben Sie --full an) / the import state "
        f"file cannot be read ({why}); delete it, and the next import reads everything again "
        "(or give --full)"
    )
