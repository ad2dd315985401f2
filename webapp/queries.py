"""Abfragen: every named query (queries/*.rq) as a page with a form generated from its
declared parameters, results as a table, downloads as CSV and JSON (``?format=csv|json``)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from graph.errors import QueryError
from graph.queries import PARAMETER_TYPES, describe, get_query, load_queries, run_named_query
from graph.results import plain, to_csv, to_json
from webapp.links import check_slug, entity_url
from webapp.pages import page, render
from webapp.store import get_store

blueprint = Blueprint("queries", __name__)

#: control parameters of the page, not parameters of the query
CONTROL = {"format"}
DOWNLOADS = {"csv", "json"}


def all_queries():
    return load_queries(current_app.config["QUERIES_DIR"])


@page(blueprint, "/abfragen", endpoint="index")
def index(fmt: str):
    return render(fmt, "queries/index.html", {"queries": describe(all_queries())})


@page(blueprint, "/abfragen/<name>", endpoint="query")
def query_page(fmt: str, name: str):
    check_slug(name, "Abfrage")
    queries = all_queries()
    named = get_query(queries, name)
    download = request.args.get("format", "")
    if download and download not in DOWNLOADS:
        raise QueryError(
            f"Parameter 'format': '{download[:20]}' ist kein Downloadformat (csv oder json).",
            parameter="format",
        )
    values = {k: v for k, v in request.args.items() if k not in CONTROL}
    ready = all(
        p.name in values and values[p.name].strip()
        for p in named.parameters
        if p.required and p.default is None
    )
    result = None
    if ready or download or fmt == "json":
        result = run_named_query(get_store(), named, values, row_cap=current_app.config["ROW_CAP"])
    if download == "csv":
        # Flask adds "; charset=utf-8" to a text/* mimetype itself
        return Response(
            to_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if download == "json":
        response = current_app.json.response(to_json(result))
        response.mimetype = "application/sparql-results+json"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    description = next(d for d in describe(queries) if d["name"] == name)
    for parameter in description["parameters"]:
        parameter["type_help"] = PARAMETER_TYPES.get(parameter["type"], "")
        parameter["value"] = values.get(parameter["name"], "")
    table = None
    if result is not None and result.boolean is None:
        shown = [v for v in result.variables if named.columns.get(v, "") != "-"]
        table = {
            "columns": [{"name": v, "label": named.columns.get(v, v)} for v in shown],
            "rows": [[cell(row[result.variables.index(v)]) for v in shown] for row in result.rows],
            "truncated": result.truncated,
        }
    downloads = (
        {
            kind: url_for("queries.query", name=name, **{**values, "format": kind})
            for kind in sorted(DOWNLOADS)
        }
        if "name" not in values
        else {}
    )
    data = {
        "query": description,
        "arguments": values,
        "downloads": downloads,
        "result": to_json(result) if (result is not None and fmt == "json") else None,
    }
    return render(fmt, "queries/query.html", data, table=table, result=result)


def cell(term):
    return {"text": plain(term), "url": entity_url(term)}
