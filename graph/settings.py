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
    #: Where the graph lives: a folder for the embedded store on disk (a link to the latest
    #: complete build), or the http(s) URL of a SPARQL 1.1 query endpoint.
    store: str = field(default=str(PROJECT_ROOT / "var" / "store"), metadata={"env": "IKG_STORE"})
    #: For loading a remote store (`ikg push`): its SPARQL 1.1 update endpoint. Empty: derived
    #: from the query endpoint (…/query → …/update, as Oxigraph and Fuseki name them).
    store_update: str = field(default="", metadata={"env": "IKG_STORE_UPDATE"})
    #: Remote store credentials, read only from the environment (never a command-line option,
    #: so they stay out of shell history): a user and password for HTTP basic auth …
    store_user: str = field(default="", metadata={"env": "IKG_STORE_USER"})
    store_password: str = field(default="", repr=False, metadata={"env": "IKG_STORE_PASSWORD"})
    #: … or a bearer token.
    store_token: str = field(default="", repr=False, metadata={"env": "IKG_STORE_TOKEN"})
    #: Seconds a query may run (the /sparql endpoint, and every request to a remote store).
    query_timeout: float = field(default=10.0, metadata={"env": "IKG_QUERY_TIMEOUT"})
    #: /sparql queries that run at once; more wait for a slot (see webapp/sparql/admission.py).
    sparql_running: int = field(default=2, metadata={"env": "IKG_SPARQL_RUNNING"})
    #: /sparql queries that may wait for a slot; any further one gets 503 at once.
    sparql_waiting: int = field(default=4, metadata={"env": "IKG_SPARQL_WAITING"})
    #: Seconds a /sparql query waits for a slot at most (counted within IKG_QUERY_TIMEOUT).
    sparql_wait: float = field(default=2.0, metadata={"env": "IKG_SPARQL_WAIT"})
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
    #: Most triples a municipality's graph may have for the build to check its consistency
    #: with HermiT; larger graphs are checked by rules (graph/inference.py). README,
    #: "Schlussfolgern", has the measurements behind the default.
    hermit_limit: int = field(default=50_000, metadata={"env": "IKG_HERMIT_LIMIT"})
    #: Most municipalities one build has HermiT check: each run starts Java (about a second),
    #: so a build of more municipalities checks them all by the rules, which give the same
    #: verdicts (tests/test_reasoning.py). -1: no such cap.
    hermit_municipalities: int = field(default=4, metadata={"env": "IKG_HERMIT_MUNICIPALITIES"})

    @property
    def store_is_remote(self) -> bool:
        return is_endpoint_url(self.store)

    @property
    def store_path(self) -> Path:
        """The embedded store's folder (only meaningful when the store is not remote)."""
        return Path(self.store)

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


def is_endpoint_url(store: str) -> bool:
    """A store setting names a remote SPARQL endpoint when it is an http(s) URL."""
    return store.startswith(("http://", "https://"))
