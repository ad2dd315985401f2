"""Just enough of the SPARQL grammar's lexer to work on query text safely.

Strings, IRIs and comments are skipped as units, so a keyword or brace inside them never
counts. Used to tell a query's form (SELECT … or an update) and to place a ``VALUES`` block
of bound terms at the head of the query's outermost group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graph.errors import QueryError

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_KEYWORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
#: a prefixed name, with the escapes its local part may hold (ex:a\'b is one name: the quote
#: starts no string)
_NAME_CHAR = r"[\w\u00b7\u00c0-\ufffd\-]"
_PREFIXED_NAME = re.compile(
    rf"(?:[A-Za-z\u00c0-\ufffd](?:{_NAME_CHAR}|\.(?={_NAME_CHAR}))*)?:"
    rf"(?:{_NAME_CHAR}|[:%]|\\[_~.\-!$&'()*+,;=/?#@%]|\.(?=[\w\u00b7\u00c0-\ufffd:%\\-]))*"
)
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    kind: str  # "keyword", "{", "}"
    text: str
    start: int
    depth: int


def tokens(text: str) -> Iterator[Token]:
    """Keywords and braces outside strings, IRIs, comments, variables and prefixed names."""
    position, depth, length = 0, 0, len(text)
    while position < length:
        char = text[position]
        if char == "#":
            end = text.find("\n", position)
            position = length if end < 0 else end + 1
        elif char in "\"'":
            position = _string_end(text, position)
        elif char == "<" and (match := _IRI.match(text, position)):
            position = match.end()
        elif char in "?$" and (match := _VARIABLE.match(text, position)):
            position = match.end()
        elif char == "{":
            yield Token("{", char, position, depth)
            depth += 1
            position += 1
        elif char == "}":
            depth -= 1
            yield Token("}", char, position, depth)
            position += 1
        elif match := _PREFIXED_NAME.match(text, position):
            position = match.end()
        elif match := _WORD.match(text, position):
            end = match.end()
            # a prefixed name (ex:select) or a local part after ':' is not a keyword
            after_colon = end < length and text[end] == ":"
            before_colon = position > 0 and text[position - 1] == ":"
            if not (after_colon or before_colon):
                yield Token("keyword", match.group().upper(), position, depth)
            position = end
        else:
            position += 1


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    if text.startswith(quote * 3, start):
        end = text.find(quote * 3, start + 3)
        while end > 0 and _escaped(text, end):
            end = text.find(quote * 3, end + 1)
        return len(text) if end < 0 else end + 3
    position = start + 1
    while position < len(text):
        if text[position] == "\\":
            position += 2
            continue
        if text[position] == quote or text[position] == "\n":
            return position + 1
        position += 1
    return len(text)


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or "" when it is none of them.

    >>> query_form('PREFIX select: <urn:x#> # DELETE\\nASK { ?s select:p "INSERT" }')
    'ASK'
    >>> query_form("PREFIX ex: <urn:x#> DELETE WHERE { ?s ex:p ?o }")
    'UPDATE'
    """
    for token in tokens(text):
        if token.kind != "keyword" or token.depth != 0:
            continue
        if token.text in QUERY_FORMS:
            return token.text
        if token.text in UPDATE_KEYWORDS:
            return "UPDATE"
    return ""


def keywords(text: str) -> set[str]:
    """Every keyword of the query at any depth (to find SERVICE, for example)."""
    return {token.text for token in tokens(text) if token.kind == "keyword"}


def with_values(text: str, terms: Mapping[str, str]) -> str:
    """The query with ``VALUES (?a ?b) { (term term) }`` first in its outermost group.

    ``terms`` maps variable names to terms already serialised in N-Triples syntax (which
    SPARQL reads as it is).

    >>> with_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": "<urn:p>"})
    'SELECT ?x WHERE { VALUES (?p) { (<urn:p>) } ?x ?p ?o }'
    """
    for name in terms:
        if not _VARIABLE_NAME.fullmatch(name):
            raise QueryError(f"cannot bind a variable named {name!r}")
    head = _main_group_start(text)
    variables = " ".join(f"?{name}" for name in terms)
    row = " ".join(terms.values())
    block = f" VALUES ({variables}) {{ ({row}) }}"
    return text[: head + 1] + block + text[head + 1 :]


def _main_group_start(text: str) -> int:
    form = ""
    after_where = False
    top_groups: list[int] = []
    for token in tokens(text):
        if token.depth != 0:
            continue
        if token.kind == "keyword":
            if not form and token.text in QUERY_FORMS:
                form = token.text
            elif form and token.text == "WHERE":
                after_where = True
        elif token.kind == "{" and form:
            if after_where:
                return token.start
            top_groups.append(token.start)
    # no WHERE keyword: the group is the first one (the second after a CONSTRUCT template)
    wanted = 2 if form == "CONSTRUCT" else 1
    if len(top_groups) >= wanted:
        return top_groups[wanted - 1]
    raise QueryError("cannot bind values: the query has no WHERE group")
