"""The viewer's read-only access to the store, embedded or remote.

The embedded store is opened once per build: ``ikg build`` swaps the store link to a new
folder, and the next request notices the new target and opens that one, so a running viewer
shows a rebuild without a restart and never sees half a build. A remote store is opened once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import current_app
from rdflib import URIRef
from rdflib.term import Node

from graph.queries import page_query
from graph.settings import Settings, is_endpoint_url
from graph.store import EmbeddedStore, Store, open_store

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


def page_sparql(name: str) -> str:
    """The text of a page's query, ``queries/pages/NAME.rq`` (of the QUERIES_DIR setting):
    every page's SPARQL is a file there, read through the loader of the named queries."""
    return page_query(current_app.config["QUERIES_DIR"], name).text


def select(
    sparql: str,
    graphs: list[URIRef] | None = None,
    *,
    row_cap: int | None = None,
    **bindings: Node,
) -> list[dict[str, Node | None]]:
    """Run a SELECT (the project's prefixes are predefined); values are bound as RDF terms.
    ``graphs``: read only these (e.g. ``stated_dataset([slug])``), not the union of all.
    ``row_cap``: at most this many rows (default: the ROW_CAP setting); for a read whose
    size the caller knows and needs whole (one row per network of every municipality).

    pyoxigraph only substitutes variables that the projection names (and a remote store binds
    them with a trailing VALUES block, which joins on projected variables), so every query
    here projects its bound variables.
    """
    result = get_store().query(
        sparql,
        bindings,
        row_cap=current_app.config["ROW_CAP"] if row_cap is None else row_cap,
        default_graphs=graphs,
        named_graphs=graphs,
    )
    return result.dicts()


#: results kept per opened store (at most this many)
CACHE_ENTRIES = 64
_cache_lock = threading.Lock()


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """Keep what takes a while (betweenness, counts over every municipality) per embedded store.

    An embedded store never changes once built (a rebuild is a new store, which get_store opens
    as a new object), so its results stay right; a remote store can change under us, so its
    results are never kept. Callers must not change what they get back."""
    store = get_store()
    if not isinstance(store, EmbeddedStore):
        return compute()
    cache = current_app.extensions.setdefault("ikg_results_cache", {"store": None, "items": {}})
    with _cache_lock:
        if cache["store"] is not store:
            cache["store"], cache["items"] = store, {}
        if key in cache["items"]:
            # most recently used last: what every page needs (the list of municipalities) is
            # not the first to go when many municipalities have been opened
            value = cache["items"].pop(key)
            cache["items"][key] = value
            return value
    value = compute()
    with _cache_lock:
        if cache["store"] is store:
            if len(cache["items"]) >= CACHE_ENTRIES:
                cache["items"].pop(next(iter(cache["items"])))
            cache["items"][key] = value
    return value
