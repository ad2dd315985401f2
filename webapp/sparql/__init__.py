"""The SPARQL endpoint at ``/sparql``: the SPARQL 1.1 Protocol, read-only, with a query page.

Statuses: 200; 204 for a CORS preflight (OPTIONS); 400 syntax error or bad parameter; 403 an
update or SERVICE (refused on principle, see graph.read_only); 406 no acceptable format; 413
query too long; 415 a POST body of another type; 503 the query ran past the timeout
(IKG_QUERY_TIMEOUT) or a worker's memory cap, or every slot for queries was taken (with
Retry-After; webapp/sparql/admission.py) (a remote store's own failures keep the status it
gives them). A result cut at the row cap (IKG_ROW_CAP) carries ``X-IKG-Truncated: true``.
Errors come in the app's one JSON shape, or, for a browser, as the query page with the
message.

A browser (Accept names text/html) gets the query page at the same address. Every answer of
this endpoint allows any origin (CORS), so browser-based clients on other hosts can ask; the
rest of the app stays same-origin.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from graph.errors import IkgError, QueryError
from graph.read_only import check_read_only
from graph.settings import is_endpoint_url
from graph.store import EmbeddedStore, QueryResult
from graph.store.workers import QueryTimeout, QueryWorkers, WorkerStore, timeout_message
from webapp.errors import TITLES, ErrorBody, domain_error_body, error_body
from webapp.sparql.admission import Admission, EndpointBusy
from webapp.sparql.page import query_page
from webapp.sparql.protocol import (
    ProtocolRequest,
    answer,
    choose_format,
    read_request,
    wants_page,
    wants_page_for_error,
)
from webapp.store import get_store

blueprint = Blueprint("sparql", __name__)

#: the app.extensions key of the worker processes that run embedded-store queries (or, on a
#: remote store, only check them)
WORKERS = "ikg_query_workers"
#: the app.extensions key of the endpoint's admission control
ADMISSION = "ikg_sparql_admission"

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-IKG-Truncated, X-IKG-Row-Cap",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204, headers=PREFLIGHT_HEADERS)
    asked = read_request()
    if asked.query is None:
        if wants_page(asked):
            warm_up_query_workers()
            return query_page(example=request.args.get("beispiel", ""))
        raise QueryError(
            "Parameter 'query' fehlt: schicken Sie eine SPARQL-Abfrage als ?query=…, als "
            "Formularfeld query oder als Rumpf mit Content-Type application/sparql-query. / "
            "The 'query' parameter is missing.",
            parameter="query",
        )
    form = check_read_only(asked.query)
    if wants_page(asked):
        result, seconds = run_query(asked)
        return query_page(query=asked.query, result=result, seconds=seconds)
    if form:  # refuse an unacceptable Accept before running
        choose_format(form in ("CONSTRUCT", "DESCRIBE"), asked.formats)
    result, _ = run_query(asked)
    return answer(result, choose_format(result.triples is not None, asked.formats))


@blueprint.after_request
def allow_any_origin(response: Response) -> Response:
    for name, value in CORS_HEADERS.items():
        response.headers.setdefault(name, value)
    response.vary.add("Accept")
    return response


@blueprint.errorhandler(IkgError)
def endpoint_error(error: IkgError):
    response = error_response(domain_error_body(error))
    if isinstance(error, EndpointBusy):
        response = current_app.make_response(response)
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@blueprint.errorhandler(HTTPException)
def endpoint_http_error(error: HTTPException):
    status = error.code or 500
    return error_response(error_body(status, type(error).__name__, TITLES.get(status, "Fehler")))


def error_response(body: ErrorBody):
    """The app's one error body (webapp.errors) as JSON, whatever the Accept header says, as
    SPARQL clients do not ask for JSON by name; for a browser, the query page with the
    message and the query, to correct it."""
    fields = body["error"]
    if wants_page_for_error():
        query = request.values.get("query", "")
        return query_page(query=query, error=fields["message"], status=fields["status"])
    return body, fields["status"]


def run_query(asked: ProtocolRequest) -> tuple[QueryResult, float]:
    """The query's result and how long it took (waiting for a slot included). It waits for
    a slot (admission control), then asks the store behind the query workers (WorkerStore:
    the SERVICE guard, and on the embedded store the timeout). The time waited counts
    within the timeout."""
    assert asked.query is not None
    config = current_app.config
    timeout = float(config["QUERY_TIMEOUT"])
    started = time.perf_counter()
    store = guarded_store(current_app)  # also says what to do when there is no store
    with admission(current_app).slot(
        wait_seconds=min(float(config["SPARQL_WAIT"]), timeout), retry_after=timeout
    ) as waited:
        left = timeout - waited
        if left <= 0:
            raise QueryTimeout(timeout_message(timeout))
        result = store.query(
            asked.query,
            row_cap=config["ROW_CAP"],
            default_graphs=asked.default_graphs,
            named_graphs=asked.named_graphs,
            timeout_seconds=left,
        )
    return result, time.perf_counter() - started


def guarded_store(app: Flask) -> WorkerStore:
    """The viewer's store behind the app's query workers, which start with the first query
    that needs them (on a remote store: the first that mentions SERVICE)."""
    store = get_store()
    build = store.path.resolve() if isinstance(store, EmbeddedStore) else None
    return WorkerStore(
        store,
        timeout_seconds=float(app.config["QUERY_TIMEOUT"]),
        workers=lambda: query_workers(app, build),
    )


_workers_lock = threading.Lock()


def admission(app: Flask) -> Admission:
    """The app's admission control of /sparql, made with its first query."""
    with _workers_lock:
        control = app.extensions.get(ADMISSION)
        if control is None:
            control = app.extensions[ADMISSION] = Admission(
                running=int(app.config["SPARQL_RUNNING"]),
                waiting=int(app.config["SPARQL_WAITING"]),
            )
        return control


def query_workers(app: Flask, build: Path | None) -> QueryWorkers:
    """The app's worker processes, started with its first query (``build`` None: a remote
    store, whose workers only check queries)."""
    with _workers_lock:
        workers = app.extensions.get(WORKERS)
        if workers is None:
            workers = app.extensions[WORKERS] = QueryWorkers(
                build,
                warm=int(app.config["SPARQL_RUNNING"]),
                isolate=bool(app.config["QUERY_ISOLATION"]),
            )
        return workers


def warm_up_query_workers() -> None:
    """Start the worker processes while a person reads the query page, so that the first
    query does not wait for them (a second or two: Python starts, the store opens). Starting
    them returns at once; they get ready in the background."""
    path = Path(current_app.config["STORE"])
    if not is_endpoint_url(current_app.config["STORE"]) and path.exists():
        query_workers(current_app, path.resolve())


def close_query_workers(app: Flask) -> None:
    """Stop the app's worker processes (tests; the end of a server stops them anyway)."""
    with _workers_lock:
        workers = app.extensions.pop(WORKERS, None)
    if workers is not None:
        workers.close()
