"""One of each small thing (issue 13): one ``slugify`` and one id pattern (graph/namespaces.py),
one CSV writer for results (graph/results.py), one JSON error body (webapp/errors.py), and
namespace terms instead of raw IRIs in the Python code of graph/ and webapp/.

The scans read the source as a syntax tree, so a comment may mention an IRI; a string literal
(an f-string by its literal parts) may not. A copy that comes back fails here, naming the file
and line.
"""

from __future__ import annotations

import ast
import doctest
import re
from collections.abc import Iterator
from pathlib import Path

from graph import mapping, namespaces, queries
from graph.generator import context
from graph.namespaces import ID_PATTERN, M8G, OPARL_SCHEMA, PREFIXES, slugify
from graph.settings import PROJECT_ROOT
from graph.sources import fields
from webapp import create_app, links
from webapp.errors import error_body

PACKAGES = ("graph", "webapp")
NAMESPACES = Path("graph/namespaces.py")
ERRORS = Path("webapp/errors.py")

#: a character class over lower-case letters and digits: the slug rule, or a copy of it
SLUG_CLASS = re.compile(r"\[\^?a-z0-9")
#: where IRIs of our namespaces and of the W3C's start; each belongs in graph/namespaces.py
IRI_STARTS = sorted(
    {"http://www.w3.org/", "https://w3id.org/", str(M8G), OPARL_SCHEMA, *PREFIXES.values()}
)
#: modules that may hold a raw IRI of those namespaces in a string literal, and why
RAW_IRIS_ALLOWED = {
    NAMESPACES: "the one place where IRIs and prefixes are written",
}
ERROR_BODY_KEYS = {"status", "type", "message", "parameter"}


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT)
            yield relative, ast.parse(path.read_text(encoding="utf-8"), str(relative))


def string_literals(tree: ast.Module) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def test_one_slugify_and_one_id_pattern() -> None:
    copies = []
    for path, tree in modules():
        if path == NAMESPACES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "slugif" in node.name:
                copies.append(f"{path}:{node.lineno}: def {node.name}")
        for literal in string_literals(tree):
            if SLUG_CLASS.search(literal.value):
                copies.append(f"{path}:{literal.lineno}: {literal.value!r}")
    assert not copies, "use graph.namespaces.slugify / ID_PATTERN instead:\n" + "\n".join(copies)


def test_every_caller_uses_the_one_id_pattern_and_slugify() -> None:
    assert fields.ID_PATTERN is queries.ID_PATTERN is links.ID_PATTERN is ID_PATTERN
    assert context.slugify is mapping.slugify is slugify


def test_slugify_keeps_what_the_copies_did() -> None:
    assert slugify("Türkischer Elternverein Südstadt") == "tuerkischer-elternverein-suedstadt"
    assert slugify("  Straße & Café  (Nord) ") == "strasse-cafe-nord"
    assert slugify("–") == ""
    # a role with nothing IRI-safe in it still gets a key (mapping's fallback)
    assert mapping._key("–") == "rolle" and mapping._key("Federführung") == "federfuehrung"
    assert ID_PATTERN.match(slugify("Mülheim an der Ruhr"))
    assert not ID_PATTERN.match("-leverkusen") and not ID_PATTERN.match("a" * 81)
    result = doctest.testmod(namespaces)
    assert result.attempted >= 2 and result.failed == 0


def test_one_csv_writer_for_results() -> None:
    writers = [
        f"{path}:{node.lineno}"
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"writer", "DictWriter"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]
    assert len(writers) == 1 and writers[0].startswith("graph/results.py:"), writers


def test_one_json_error_body() -> None:
    copies = []
    for path, tree in modules():
        if path == ERRORS:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            nested = any(
                isinstance(k, ast.Constant) and k.value == "error" and isinstance(v, ast.Dict)
                for k, v in zip(node.keys, node.values, strict=True)
            )
            if nested or len(keys & ERROR_BODY_KEYS) >= 3:
                copies.append(f"{path}:{node.lineno}")
    assert not copies, "build error bodies with webapp.errors.error_body:\n" + "\n".join(copies)


def test_the_error_body_is_the_pinned_shape_on_pages_and_on_the_endpoint() -> None:
    body = error_body(400, "QueryError", "falsch", "q")
    assert body == {
        "error": {"status": 400, "type": "QueryError", "message": "falsch", "parameter": "q"}
    }
    app = create_app({"TESTING": True})
    client = app.test_client()
    page = client.get("/gar/nichts.json").get_json()
    endpoint = client.get("/sparql", headers={"Accept": "application/json"}).get_json()
    assert set(page) == set(endpoint) == {"error"}
    assert set(page["error"]) == set(endpoint["error"]) == ERROR_BODY_KEYS
    assert page["error"]["status"] == 404 and page["error"]["type"] == "NotFound"
    assert endpoint["error"]["status"] == 400 and endpoint["error"]["parameter"] == "query"


def test_no_raw_iris_outside_namespaces() -> None:
    raw = [
        f"{path}:{literal.lineno}: {literal.value[:80]!r}"
        for path, tree in modules()
        if path not in RAW_IRIS_ALLOWED
        for literal in string_literals(tree)
        if any(start in literal.value for start in IRI_STARTS)
    ]
    assert not raw, "use the terms of graph.namespaces instead:\n" + "\n".join(raw)
