"""One error shape: a domain error carries its HTTP status; one handler renders JSON or a page.

JSON shape (pinned by a test), built only by ``error_body``::

    {"error": {"status": 400, "type": "QueryError", "message": "…", "parameter": "q"}}
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import IkgError, QueryError

TITLES = {
    400: "Ungültige Anfrage",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    500: "Interner Fehler",
    503: "Daten nicht verfügbar",
}

HTTP_MESSAGES = {
    404: "Diese Seite gibt es nicht. Prüfen Sie die Adresse oder beginnen Sie auf der Startseite.",
    405: "Diese Seite kann nur gelesen werden.",
}


def wants_json_error() -> bool:
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


ErrorBody = dict[str, dict[str, Any]]


def error_body(status: int, kind: str, message: str, parameter: str | None = None) -> ErrorBody:
    """The app's one JSON error body: every error answer, page or endpoint, is built here.
    A caller may add keys, never remove one (clients read all four)."""
    return {"error": {"status": status, "type": kind, "message": message, "parameter": parameter}}


def domain_error_body(error: IkgError) -> ErrorBody:
    """A domain error's body: its HTTP status and message, and a QueryError's parameter."""
    parameter = error.parameter if isinstance(error, QueryError) else None
    return error_body(error.http_status, type(error).__name__, str(error), parameter)


def error_response(body: ErrorBody):
    """The body as JSON, or as the error page for a browser."""
    fields = body["error"]
    status = fields["status"]
    if wants_json_error():
        return body, status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, "Fehler"),
            message=fields["message"],
            parameter=fields["parameter"],
        ),
        status,
    )


def register(app: Flask) -> None:
    @app.errorhandler(IkgError)
    def domain_error(error: IkgError):
        return error_response(domain_error_body(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, TITLES.get(status, "Fehler"))
        return error_response(error_body(status, type(error).__name__, message))
