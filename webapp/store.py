"""The viewer's read-only access to the store, embedded or remote.

The embedded store is opened once per build: ``ikg build`` swaps the store link to a new
folder, and the next request notices the new target and opens that one, so a running viewer
shows a rebuild without a restart and never sees half a build. A remote store is opened once.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from flask import current_app
from rdflib import URIRef
from rdflib.term import Node

from graph.settings import Settings, is_endpoint_url
from graph.store import Store, open_store

_lock = threading.Lock()


def get_store() -> Store:
    target: str = current_app.config["STORE"]
    if not is_endpoint_url(target):
        path = Path(target)
        target = str(path.resolve()) if path.exists() else target
    cache = current_app.extensions.setdefault("ikg_store", {})
    with _lock:
        if cache.get("target") != target:
            settings = replace(
                Settings.from_env(), query_timeout=current_app.config["QUERY_TIMEOUT"]
            )
            cache["store"] = open_store(settings, current_app.config["STORE"])
            cache["target"] = target
        return cache["store"]


def select(
    sparql: str, graphs: list[URIRef] | None = None, **bindings: Node
) -> list[dict[str, Node | None]]:
    """Run a SELECT (the project's prefixes are predefined); values are bound as RDF terms.
    ``graphs``: read only these (e.g. ``stated_dataset([slug])``), not the union of all.

    pyoxigraph only substitutes variables that the projection names (and a remote store binds
    them with a trailing VALUES block, which joins on projected variables), so every query
    here projects its bound variables.
    """
    result = get_store().query(
        sparql,
        bindings,
        row_cap=current_app.config["ROW_CAP"],
        default_graphs=graphs,
        named_graphs=graphs,
    )
    return result.dicts()
