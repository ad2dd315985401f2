"""`ikg push`: copy the built graph into any SPARQL 1.1 server, one named graph at a time.

Each named graph is replaced as a whole, so a reader never sees half a municipality:

- a graph that fits one request goes up as one update request
  ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``;
- a larger one goes up in chunks into a staging graph of its own
  (``…/graph/staging/<push-id>/<name>``, see :func:`graph.namespaces.staging_graph`), is counted
  there, and is then moved into place by one request ``MOVE SILENT GRAPH <staging> TO <g>``.

A server that runs each update request as one transaction (Oxigraph, Fuseki, GraphDB) thus
shows every graph either in its previous or in its new version. Afterwards each graph is
counted on the server; a mismatch is reported as an incomplete graph. Graphs of the project's
namespace that the build no longer has are dropped at the end; other graphs on a shared server
are never touched.

Triples are serialised by pyoxigraph as N-Triples, never pasted together from values. Blank
nodes are kept together: all triples that share a blank node go into the same request, because
a blank node label only means one node within one request. Chunks that hold blank nodes use
``INSERT { … } WHERE {}`` instead of ``INSERT DATA``, which Virtuoso refuses them in.

Requests go through :class:`graph.store.update.UpdateEndpoint`, which retries transient
failures with back-off. Any other failure stops the push with a message that names the URL,
what to check, and the state of each graph; rerunning the push repairs any graph left
incomplete.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import StoreError
from graph.namespaces import is_project_graph, staging_graph
from graph.settings import Settings, is_endpoint_url
from graph.store.embedded import EmbeddedStore
from graph.store.http import Credentials, shown_url
from graph.store.interface import Store
from graph.store.remote import RemoteStore
from graph.store.update import (
    DEFAULT_RETRIES,
    FIRST_BACKOFF_SECONDS,
    UpdateEndpoint,
    UpdateFailed,
)

#: Most triples in one update request (`ikg push --chunk-triples`). Virtuoso 7 refuses an
#: update of a little over 2,000 triples ("generated SQL text has exceeded 10000 lines").
DEFAULT_CHUNK_TRIPLES = 1000
#: Most bytes of N-Triples in one update request, below the 1 MiB request body that common
#: reverse proxies (nginx's default ``client_max_body_size``) accept.
MAX_CHUNK_BYTES = 768 * 1024


@dataclass(frozen=True)
class PushTarget:
    """The server to push to: its query and update endpoints and how to talk to them."""

    query_url: str
    update_url: str
    credentials: Credentials = field(default_factory=Credentials)
    timeout_seconds: float = 10.0
    retries: int = DEFAULT_RETRIES

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        endpoint: str | None = None,
        update_url: str | None = None,
        timeout_seconds: float | None = None,
        retries: int | None = None,
    ) -> PushTarget:
        """The server `ikg push` writes to: ``endpoint`` (--endpoint), else IKG_STORE when it
        is a URL. Its update endpoint: ``update_url`` (--update), else IKG_STORE_UPDATE, else
        derived from the query endpoint (:func:`update_url_for`). Each request's time:
        ``timeout_seconds``, else IKG_QUERY_TIMEOUT. StoreError when no URL is given."""
        query_url = endpoint or (settings.store if settings.store_is_remote else None)
        if query_url is None or not is_endpoint_url(query_url):
            given = f" ({query_url!r} ist keine / is no http(s) URL)" if query_url else ""
            raise StoreError(
                "Geben Sie den SPARQL-Abfrage-Endpunkt des Servers mit --endpoint http(s)://… "
                f"an (oder setzen Sie IKG_STORE darauf){given}. / Give the server's SPARQL "
                "query endpoint with --endpoint http(s)://… (or set IKG_STORE to it)."
            )
        return cls(
            query_url=query_url,
            update_url=update_url_for(query_url, update_url or settings.store_update),
            credentials=Credentials.from_settings(settings),
            timeout_seconds=timeout_seconds or settings.query_timeout,
            retries=DEFAULT_RETRIES if retries is None else retries,
        )


def push_source(settings: Settings, store_path: Path | None = None) -> EmbeddedStore:
    """The built store `ikg push` uploads: ``store_path`` (--store), else IKG_STORE when it
    names a folder, else the default folder (when IKG_STORE names the server)."""
    if store_path is None:
        store_path = Settings().store_path if settings.store_is_remote else settings.store_path
    return EmbeddedStore(store_path)


@dataclass
class PushSummary:
    url: str
    graphs: list[URIRef]
    triples: int
    #: project graphs on the server that the build no longer has, now dropped
    removed: list[URIRef]
    requests: int
    retried: int
    seconds: float


def update_url_for(query_url: str, configured: str = "") -> str:
    """The update endpoint: as configured, else ``…/query`` → ``…/update`` (Oxigraph, Fuseki),
    else the query URL itself (Virtuoso, Blazegraph and others take both at one address)."""
    if configured:
        return configured
    if query_url.rstrip("/").endswith("/query"):
        return query_url.rstrip("/")[: -len("query")] + "update"
    return query_url


# -- chunks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    ntriples: str
    triples: int
    has_blank_nodes: bool


def chunks(
    quads: Iterable[ox.Quad], *, max_triples: int, max_bytes: int = MAX_CHUNK_BYTES
) -> list[Chunk]:
    """Cut a graph's triples into requests of at most ``max_triples`` triples and about
    ``max_bytes`` bytes, never splitting triples that share a blank node (such a group goes
    alone into one request, however large)."""
    chunk_list: list[Chunk] = []
    pending: list[ox.Quad] = []
    pending_bytes = 0
    for unit in _blank_node_groups(list(quads)):
        size = sum(len(str(quad)) + 3 for quad in unit)
        too_many = len(pending) + len(unit) > max_triples
        if pending and (too_many or pending_bytes + size > max_bytes):
            chunk_list.append(_chunk(pending))
            pending, pending_bytes = [], 0
        pending.extend(unit)
        pending_bytes += size
    if pending:
        chunk_list.append(_chunk(pending))
    return chunk_list


def _chunk(quads: list[ox.Quad]) -> Chunk:
    text = (ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    has_blank_nodes = any(
        isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        for quad in quads
    )
    return Chunk(text, len(quads), has_blank_nodes)


def _blank_node_groups(quads: list[ox.Quad]) -> list[list[ox.Quad]]:
    """Each triple without blank nodes on its own; the others grouped by the connected
    components their blank nodes form (union-find), in the order first seen."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def blank_nodes(quad: ox.Quad) -> list[str]:
        return [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]

    for quad in quads:
        nodes = blank_nodes(quad)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[str, list[ox.Quad]] = {}
    units: list[list[ox.Quad]] = []
    for quad in quads:
        nodes = blank_nodes(quad)
        if not nodes:
            units.append([quad])
            continue
        key = root(nodes[0])
        if key not in groups:
            groups[key] = []
            units.append(groups[key])
        groups[key].append(quad)
    return units


def insert_request(graph: URIRef, chunk: Chunk) -> str:
    """The update that adds ``chunk`` to ``graph``. Virtuoso refuses blank nodes in
    ``INSERT DATA``; as a template over the empty pattern every engine takes them."""
    name = str(ox.NamedNode(str(graph)))
    if chunk.has_blank_nodes:
        return f"INSERT {{ GRAPH {name} {{\n{chunk.ntriples}}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH {name} {{\n{chunk.ntriples}}} }}"


def drop_request(graph: URIRef) -> str:
    return f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}"


def move_request(source: URIRef, target: URIRef) -> str:
    return f"MOVE SILENT GRAPH {ox.NamedNode(str(source))} TO {ox.NamedNode(str(target))}"


# -- the push --------------------------------------------------------------------------------


class PushStopped(StoreError):
    """A push could not finish; the message says which graphs are in which state."""


def push(
    source: Store,
    target: PushTarget,
    *,
    chunk_triples: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_retry: Callable[[str], None] | None = None,
    backoff_seconds: float = FIRST_BACKOFF_SECONDS,
) -> PushSummary:
    """Replace every named graph of ``source`` on the server, then drop the server's project
    graphs the source no longer has. ``chunk_triples``: most triples per request (default
    DEFAULT_CHUNK_TRIPLES). ``on_progress`` gets the number of triples sent."""
    started = time.monotonic()
    chunk_triples = chunk_triples or DEFAULT_CHUNK_TRIPLES
    endpoint = UpdateEndpoint(
        target.update_url,
        credentials=target.credentials,
        timeout_seconds=target.timeout_seconds,
        retries=target.retries,
        on_retry=on_retry,
        backoff_seconds=backoff_seconds,
    )
    server = RemoteStore(
        target.query_url,
        credentials=target.credentials,
        timeout_seconds=target.timeout_seconds,
        named_by="--endpoint, IKG_STORE",
    )
    graphs = source.named_graphs()
    try:
        on_server = [g for g in server.named_graphs() if is_project_graph(g)]
    except StoreError as error:
        raise PushStopped(
            f"cannot list the graphs on {server.shown_url}: {error}\nNothing was changed."
        ) from error
    push_id = uuid.uuid4().hex[:12]
    triples = 0
    for index, graph in enumerate(graphs):
        upload = _GraphUpload(graph, source, server, endpoint, push_id, chunk_triples)
        try:
            triples += upload.run(on_progress)
        except StoreError as error:
            raise PushStopped(
                _stopped_message(target, error, upload, graphs[:index], graphs[index + 1 :])
            ) from error
    stale = sorted(set(on_server) - set(graphs))
    for graph in stale:
        try:
            endpoint.run(drop_request(graph))
        except StoreError as error:
            raise PushStopped(
                f"{error}\nEvery graph of the build is on {endpoint.shown_url}, but the graph "
                f"{graph}, which the build no longer has, could not be removed. "
                "Run 'ikg push' again to remove it."
            ) from error
    return PushSummary(
        url=endpoint.shown_url,
        graphs=graphs,
        triples=triples,
        removed=stale,
        requests=endpoint.requests,
        retried=endpoint.retried,
        seconds=time.monotonic() - started,
    )


class _GraphUpload:
    """One graph's way to the server, remembering how far it got for the error message."""

    def __init__(
        self,
        graph: URIRef,
        source: Store,
        server: RemoteStore,
        endpoint: UpdateEndpoint,
        push_id: str,
        chunk_triples: int,
    ) -> None:
        self.graph = graph
        self.source = source
        self.server = server
        self.endpoint = endpoint
        self.staging = staging_graph(graph, push_id)
        self.chunk_triples = chunk_triples
        #: "reading", "staging", "replacing", "checking" (replaced, being counted) or
        #: "incomplete" (counted, and triples are missing or too many)
        self.phase = "reading"
        #: chunks the server took into the staging graph
        self.staged = 0
        self.staging_removed = False

    def run(self, on_progress: Callable[[int], None] | None) -> int:
        data = self.source.dump(ox.RdfFormat.N_TRIPLES, self.graph)
        quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        parts = chunks(quads, max_triples=self.chunk_triples)
        expected = sum(part.triples for part in parts)
        if len(parts) <= 1:
            self.phase = "replacing"
            update = drop_request(self.graph)
            if parts:
                update += " ;\n" + insert_request(self.graph, parts[0])
            self.endpoint.run(update)
            if on_progress is not None:
                on_progress(expected)
        else:
            self.phase = "staging"
            try:
                for part in parts:
                    self.endpoint.run(insert_request(self.staging, part))
                    self.staged += 1
                    if on_progress is not None:
                        on_progress(part.triples)
                self._check(self.staging, expected)
            except StoreError as error:
                if not self.nothing_staged(error):
                    self._remove_staging()
                raise
            self.phase = "replacing"
            self.endpoint.run(move_request(self.staging, self.graph))
        self.phase = "checking"
        self._check(self.graph, expected)
        return expected

    def _check(self, graph: URIRef, expected: int) -> None:
        found = self.server.graph_size(graph)
        if found != expected:
            if graph == self.graph:
                self.phase = "incomplete"
            raise StoreError(
                f"{self.server.shown_url} holds {found} triples in {graph} after the upload, "
                f"not the {expected} sent",
                http_status=502,
            )

    def nothing_staged(self, error: StoreError) -> bool:
        """True when no part of the graph can have reached the staging graph."""
        return self.staged == 0 and isinstance(error, UpdateFailed) and error.refused

    def _remove_staging(self) -> None:
        try:
            self.endpoint.run(drop_request(self.staging), retries=0)
        except StoreError:
            return
        self.staging_removed = True


def _stopped_message(
    target: PushTarget,
    error: StoreError,
    upload: _GraphUpload,
    done: list[URIRef],
    not_started: list[URIRef],
) -> str:
    graph = upload.graph
    if upload.phase == "reading":
        state = f"{graph}: unchanged on the server (it could not be read from the build)"
    elif upload.phase == "staging":
        if upload.nothing_staged(error):
            left = "none of it reached the server"
        elif upload.staging_removed:
            left = "the part already sent was removed again"
        else:
            left = f"the part already sent is left in {upload.staging}, which the next push removes"
        state = (
            f"{graph}: unchanged on the server — its new version was going up into a staging "
            f"graph; {left}"
        )
    elif upload.phase == "replacing" and isinstance(error, UpdateFailed) and error.refused:
        state = (
            f"{graph}: unchanged on the server — the request replacing it was turned away or "
            "did not reach it"
        )
    elif upload.phase == "replacing":
        state = (
            f"{graph}: the request replacing it as a whole failed; a server that runs each "
            "update request as one transaction (Oxigraph, Fuseki, GraphDB) holds either its "
            "previous or its complete new version, on others (Virtuoso) it may be incomplete"
        )
    elif upload.phase == "checking":
        state = (
            f"{graph}: replaced as a whole, but counting its triples on the server afterwards "
            "failed"
        )
    else:
        state = f"{graph}: INCOMPLETE on the server"
    lines = [f"Push to {shown_url(target.update_url)} stopped: {error}", state]
    if done:
        lines.append("Already replaced: " + ", ".join(str(g) for g in done))
    if not_started:
        lines.append("Not yet pushed (unchanged): " + ", ".join(str(g) for g in not_started))
    lines.append(
        "Run 'ikg push' again once the cause is fixed: it replaces every graph as a whole, so "
        "rerunning completes and repairs the graphs above."
    )
    return "\n".join(lines)
