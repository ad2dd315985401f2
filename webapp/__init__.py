"""The web viewer: Flask app factory, one blueprint per area, read-only store.

``create_app(test_config=None)``: defaults from ``graph.settings.Settings.from_env()``, then
``test_config`` (keys such as ``STORE``, ``QUERIES_DIR``, ``TESTING``), then blueprints.
There is no app object at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from graph.settings import Settings

#: Only the app's own origin: no CDN, no inline script, no framing. Images may be data: URIs
#: (vis-network's stylesheet embeds its icons that way).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    settings = Settings.from_env()
    app.config.from_mapping(
        #: the embedded store's folder or a SPARQL endpoint's URL (see graph.settings)
        STORE=settings.store,
        QUERY_TIMEOUT=settings.query_timeout,
        #: the named queries (*.rq) and, in pages/, the SPARQL of the viewer's pages
        QUERIES_DIR=settings.queries_dir,
        ROW_CAP=settings.row_cap,
        #: admission control of /sparql (webapp/sparql/admission.py)
        SPARQL_RUNNING=settings.sparql_running,
        SPARQL_WAITING=settings.sparql_waiting,
        SPARQL_WAIT=settings.sparql_wait,
        #: query workers run without network access where the system allows it; False only
        #: in tests that show the SERVICE guard holds on its own
        QUERY_ISOLATION=True,
        #: more nodes than this: the layout is computed on the server and physics is off
        LAYOUT_ON_SERVER_ABOVE=500,
        JSON_SORT_KEYS=False,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["STORE"] = str(app.config["STORE"])
    app.config["QUERIES_DIR"] = Path(app.config["QUERIES_DIR"])
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    from webapp import (
        comparison,
        coverage,
        errors,
        network,
        papers,
        profiles,
        queries,
        responsibilities,
        sparql,
        start,
    )
    from webapp.links import register_template_helpers

    errors.register(app)
    register_template_helpers(app)
    for blueprint in (
        start.blueprint,
        network.blueprint,
        coverage.blueprint,
        responsibilities.blueprint,
        comparison.blueprint,
        papers.blueprint,
        queries.blueprint,
        sparql.blueprint,
        profiles.blueprint,  # last: its catch-all /kommune/<slug>/<path:id> must not shadow
    ):
        app.register_blueprint(blueprint)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
