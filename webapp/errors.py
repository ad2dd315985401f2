"""One error shape: a domain error carries its HTTP status; one handler renders JSON or a page.

JSON shape (pinned by a test)::

    {"error": {"status": 400, "type": "QueryError", "message": "…", "parameter": "q"}}
"""

from __future__ import annotations

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


def error_response(status: int, kind: str, message: str, parameter: str | None = None):
    body = {
        "error": {"status": status, "type": kind, "message": message, "parameter": parameter}
    }
    if wants_json_error():
        return body, status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, "Fehler"),
            message=message,
            parameter=parameter,
        ),
        status,
    )


def register(app: Flask) -> None:
    @app.errorhandler(IkgError)
    def domain_error(error: IkgError):
        parameter = error.parameter if isinstance(error, QueryError) else None
        return error_response(error.http_status, type(error).__name__, str(error), parameter)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, TITLES.get(status, "Fehler"))
        return error_response(status, type(error).__name__, message)
