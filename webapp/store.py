"""The viewer's read-only access to the built store.

The store is opened once per build: ``ikg build`` swaps the store link to a new folder, and the
next request notices the new target and opens that one, so a running viewer shows a rebuild
without a restart and never sees half a build.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app
from rdflib.term import Node

from graph.store import EmbeddedStore

_lock = threading.Lock()


def get_store() -> EmbeddedStore:
    path: Path = current_app.config["STORE_PATH"]
    target = path.resolve() if path.exists() else path
    cache = current_app.extensions.setdefault("ikg_store", {})
    with _lock:
        if cache.get("target") != target:
            cache["store"] = EmbeddedStore(path)
            cache["target"] = target
        return cache["store"]


def select(sparql: str, **bindings: Node) -> list[dict[str, Node | None]]:
    """Run a SELECT (the project's prefixes are predefined); values are bound as RDF terms.

    pyoxigraph only substitutes variables that the projection names, so every query here
    projects its bound variables.
    """
    result = get_store().query(
        sparql, bindings, row_cap=current_app.config["ROW_CAP"]
    )
    return result.dicts()
