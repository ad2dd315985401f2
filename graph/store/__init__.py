"""The store: where the graph lives, and what every reader asks it.

- ``interface``: the ``Store`` protocol, ``QueryResult`` and the conversion of terms between
  rdflib and Oxigraph. It imports no implementation; each of the others imports it.
- ``embedded``: the embedded store on disk (pyoxigraph), opened read-only.
- ``builds``: writing the embedded store: full and incremental builds, the lock, the atomic
  swap of the store link, the pruning of old builds.
- ``remote``: a SPARQL 1.1 server as the store; ``http``: the HTTP layer its queries share
  with ``update`` (SPARQL 1.1 update requests) and ``push`` (`ikg push`).
- ``workers``: queries in worker processes, stopped at their timeout, behind the SERVICE
  guard; ``WorkerStore`` puts them behind the store interface. ``worker_process`` is the
  program each worker runs.

``open_store`` picks the embedded or the remote store. A reader imports ``Store``,
``QueryResult``, ``open_store`` and the two stores it picks from here, anything else from its
module.
"""

from __future__ import annotations

from pathlib import Path

from graph.settings import Settings, is_endpoint_url
from graph.store.embedded import EmbeddedStore
from graph.store.interface import QueryResult, Store
from graph.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "QueryResult", "RemoteStore", "Store", "open_store"]


def open_store(settings: Settings, store: str | None = None) -> Store:
    """The store named by ``store`` (a CLI option), else by the ``IKG_STORE`` setting."""
    target = store or settings.store
    if is_endpoint_url(target):
        return RemoteStore.from_settings(settings, target)
    return EmbeddedStore(Path(target))
