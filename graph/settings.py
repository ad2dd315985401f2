"""Paths and limits in one place, overridable from the environment.

Every setting is documented in the README (a test checks that each one appears there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    #: Folder with one sub-folder of YAML per municipality plus reference/.
    data_dir: Path = field(default=PROJECT_ROOT / "data", metadata={"env": "IKG_DATA"})
    #: The embedded store on disk (a link to the latest complete build).
    store_path: Path = field(default=PROJECT_ROOT / "var" / "store", metadata={"env": "IKG_STORE"})
    #: Folder with the named queries, one .rq file each.
    queries_dir: Path = field(default=PROJECT_ROOT / "queries", metadata={"env": "IKG_QUERIES"})
    #: Folder with the source documents that `documents[].file` names.
    seeds_dir: Path = field(
        default=PROJECT_ROOT.parent / "shared" / "seeds", metadata={"env": "IKG_SEEDS"}
    )
    #: Most result rows a query returns; a truncated result says so.
    row_cap: int = field(default=10_000, metadata={"env": "IKG_ROW_CAP"})
    #: Completed builds kept beside the current one (readers may still have them open).
    builds_kept: int = field(default=2, metadata={"env": "IKG_BUILDS_KEPT"})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        settings = cls()
        overrides = {}
        for setting in fields(cls):
            name = setting.metadata["env"]
            if name in environ and environ[name] != "":
                default = getattr(settings, setting.name)
                overrides[setting.name] = type(default)(environ[name])
        return replace(settings, **overrides)


def environment_variables() -> list[str]:
    return [setting.metadata["env"] for setting in fields(Settings)]
