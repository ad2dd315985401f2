"""Named queries: load queries/*.rq, read their headers, bind parameters, run.

A query file starts with a header of comment lines beginning with ``#+``; together they are a
YAML document with ``title`` (de, en), ``description``, ``parameters`` and ``columns``. The same
file serves the CLI, the web page and the JSON API.

Parameter values are never pasted into query text: each one is checked, resolved to an RDF term
(an entity's IRI, a literal) and passed to the store as a binding.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.errors import NotFoundError, QueryError
from graph.namespaces import PREFIXES, actor_type_iri, municipality_iri
from graph.store import EmbeddedStore, QueryResult

HEADER_PREFIX = "#+"
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
MAX_VALUE_LENGTH = 200

#: parameter types and what a value of each means (shown by --help and the web forms)
PARAMETER_TYPES = {
    "municipality": "Kürzel einer Kommune, z. B. leverkusen",
    "municipalities": "Kürzel, durch Kommas getrennt; leer = alle",
    "actor": "Kennung oder Wörter aus dem Namen einer Organisation",
    "network": "Kennung oder Wörter aus dem Namen eines Netzwerks oder Gremiums",
    "paper": "Nummer der Vorlage (z. B. 2017/1900), Kennung oder Wörter aus dem Titel",
    "action-field": "Kennung oder Wörter aus dem Namen eines Handlungsfelds",
    "actor-type": "Kennung oder Name eines Akteurstyps, z. B. mso",
    "string": "Text",
}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    description: str
    example: str | None = None
    default: str | None = None

    @property
    def variable(self) -> str:
        """The SPARQL variable the value is bound to (hyphens are not allowed there)."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title_de: str
    title_en: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: dict[str, str]
    text: str
    path: Path

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def help_text(self) -> str:
        lines = [f"{self.name}: {self.title_de} / {self.title_en}", "", self.description, ""]
        if not self.parameters:
            lines.append("Keine Parameter.")
        for parameter in self.parameters:
            need = "erforderlich" if parameter.required else "optional"
            lines.append(f"  --param {parameter.name}=…  ({parameter.type}, {need})")
            lines.append(f"      {parameter.description}")
            if parameter.default is not None:
                lines.append(f"      Vorgabe: {parameter.default}")
            if parameter.example is not None:
                lines.append(f"      Beispiel: --param {parameter.name}={parameter.example}")
        return "\n".join(lines)


def load_queries(directory: Path) -> dict[str, NamedQuery]:
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        query = parse_query_file(path)
        queries[query.name] = query
    return queries


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if line.startswith(HEADER_PREFIX):
            header_lines.append(line[len(HEADER_PREFIX) :].removeprefix(" "))
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise QueryError(f"{path}: the '#+' header is not valid YAML: {error}") from error
    missing = [key for key in ("title", "description") if key not in header]
    if missing:
        raise QueryError(f"{path}: the header lacks {', '.join(missing)}")
    parameters = []
    for name, spec in (header.get("parameters") or {}).items():
        spec = spec or {}
        if spec.get("type") not in PARAMETER_TYPES:
            raise QueryError(f"{path}: parameter {name} has unknown type {spec.get('type')!r}")
        default = spec.get("default")
        parameters.append(
            Parameter(
                name=name,
                type=spec["type"],
                required=bool(spec.get("required", False)),
                description=str(spec.get("description", "")),
                example=None if spec.get("example") is None else str(spec["example"]),
                default=None if default is None else str(default),
            )
        )
    return NamedQuery(
        name=path.stem,
        title_de=header["title"]["de"],
        title_en=header["title"]["en"],
        description=" ".join(str(header["description"]).split()),
        parameters=tuple(parameters),
        columns={str(k): str(v) for k, v in (header.get("columns") or {}).items()},
        text=text,
        path=path,
    )


def get_query(queries: dict[str, NamedQuery], name: str) -> NamedQuery:
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3)
    hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
    raise NotFoundError(
        f"Unbekannte Abfrage '{name}'.{hint} Verfügbar: {', '.join(sorted(queries))}"
    )


def run_named_query(
    store: EmbeddedStore,
    query: NamedQuery,
    values: dict[str, str],
    *,
    row_cap: int | None = None,
) -> QueryResult:
    bindings = bind_parameters(store, query, values)
    return store.query(query.text, bindings, row_cap=row_cap)


def bind_parameters(
    store: EmbeddedStore, query: NamedQuery, values: dict[str, str]
) -> dict[str, Node]:
    """Check every value and resolve it to an RDF term; raise QueryError naming the parameter."""
    accepted = ", ".join(p.name for p in query.parameters) or "(keine)"
    for name in values:
        if query.parameter(name) is None:
            close = difflib.get_close_matches(name, [p.name for p in query.parameters], n=1)
            hint = f" Meinten Sie '{close[0]}'?" if close else ""
            raise QueryError(
                f"Unbekannter Parameter '{_shown(name)}' für '{query.name}'.{hint} "
                f"Erlaubt: {accepted}",
                parameter=name,
            )
    bindings: dict[str, Node] = {}
    for parameter in query.parameters:
        raw = values.get(parameter.name)
        if raw is None or raw == "":
            raw = parameter.default
        if raw is None:
            if parameter.required:
                raise QueryError(
                    f"Parameter '{parameter.name}' fehlt ({PARAMETER_TYPES[parameter.type]}). "
                    f"Beispiel: --param {parameter.name}={parameter.example or '…'}",
                    parameter=parameter.name,
                )
            continue
        value = _clean_value(parameter, raw)
        bindings[parameter.variable] = _resolve(store, parameter, value)
    return bindings


def _clean_value(parameter: Parameter, raw: str) -> str:
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as error:
        raise QueryError(
            f"Parameter '{parameter.name}' ist kein gültiger UTF-8-Text", parameter=parameter.name
        ) from error
    value = raw.strip()
    if len(value) > MAX_VALUE_LENGTH:
        raise QueryError(
            f"Parameter '{parameter.name}' ist zu lang ({len(value)} Zeichen, höchstens "
            f"{MAX_VALUE_LENGTH})",
            parameter=parameter.name,
        )
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise QueryError(
            f"Parameter '{parameter.name}' enthält Steuerzeichen", parameter=parameter.name
        )
    return value


def _resolve(store: EmbeddedStore, parameter: Parameter, value: str) -> Node:
    kind = parameter.type
    if kind == "municipality":
        return _municipality(store, parameter, value)
    if kind == "municipalities":
        slugs = [part.strip() for part in value.split(",") if part.strip()]
        for slug in slugs:
            _municipality(store, parameter, slug)
        # Bound as one literal ",a,b," that the query tests with CONTAINS; empty means all.
        return Literal("," + ",".join(slugs) + "," if slugs else "")
    if kind == "string":
        return Literal(value)
    if kind == "actor-type":
        return _lookup(store, parameter, value, ENTITY_CANDIDATES["actor-type"])
    return _lookup(store, parameter, value, ENTITY_CANDIDATES[kind])


def known_municipalities(store: EmbeddedStore) -> dict[str, str]:
    result = store.query(
        _prefixed(
            "SELECT ?m ?label WHERE { ?m a ikg:Municipality ; skos:prefLabel ?label ; "
            "ikg:fictional ?fictional . }"
        )
    )
    return {str(row[0]).rsplit("/", 1)[-1]: str(row[1]) for row in result.rows}


def _municipality(store: EmbeddedStore, parameter: Parameter, value: str) -> URIRef:
    known = known_municipalities(store)
    if SLUG.match(value) and value in known:
        return municipality_iri(value)
    lowered = value.casefold()
    by_label = [slug for slug, label in known.items() if lowered in label.casefold()]
    hint = f" Meinten Sie '{by_label[0]}'?" if len(by_label) == 1 else ""
    raise QueryError(
        f"Parameter '{parameter.name}': keine Kommune '{_shown(value)}'.{hint} "
        f"Bekannt: {', '.join(sorted(known))}",
        parameter=parameter.name,
    )


# Candidates per entity parameter: a SELECT giving ?entity ?label ?id, labels including
# alternative labels and (for papers) the paper number.
ENTITY_CANDIDATES = {
    "actor": """
        SELECT ?entity ?label WHERE {
          ?entity org:classification ?type .
          ?type skos:inScheme ref:actor-type .
          { ?entity skos:prefLabel ?label } UNION { ?entity skos:altLabel ?label }
        }""",
    "network": """
        SELECT ?entity ?label WHERE {
          { ?entity a org:OrganizationalCollaboration } UNION { ?entity a ikg:PoliticalBody }
          { ?entity skos:prefLabel ?label } UNION { ?entity skos:altLabel ?label }
        }""",
    "paper": """
        SELECT ?entity ?label WHERE {
          ?entity a ikg:Paper .
          { ?entity skos:prefLabel ?label } UNION { ?entity skos:altLabel ?label }
          UNION { ?entity dcterms:identifier ?label }
        }""",
    "action-field": """
        SELECT ?entity ?label WHERE {
          { ?entity a ikg:ActionField } UNION { ?entity a ikg:ReferenceActionField }
          { ?entity skos:prefLabel ?label } UNION { ?entity skos:altLabel ?label }
          UNION { ?entity skos:notation ?label }
        }""",
    "actor-type": """
        SELECT ?entity ?label WHERE {
          ?entity skos:inScheme ref:actor-type .
          { ?entity skos:prefLabel ?label } UNION { ?entity skos:altLabel ?label }
          UNION { ?entity skos:notation ?label }
        }""",
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())


def _local_id(entity: str) -> str:
    """'…/id/oberhausen/ki' → 'oberhausen/ki'; reference terms → their last segment."""
    if "/id/" in entity:
        return entity.split("/id/", 1)[1]
    return entity.rsplit("/", 1)[-1]


def _lookup(store: EmbeddedStore, parameter: Parameter, value: str, candidates: str) -> URIRef:
    rows = store.query(_prefixed(candidates)).rows
    labels: dict[str, set[str]] = {}
    for entity, label in rows:
        labels.setdefault(str(entity), set()).add(str(label))
    # 1. an id: 'slug/id', a bare id unique across municipalities, or an exact label/number
    for entity in labels:
        if _local_id(entity) == value:
            return URIRef(entity)
    by_bare_id = [e for e in labels if _local_id(e).rsplit("/", 1)[-1] == value]
    exact = [e for e, names in labels.items() if value.casefold() in {n.casefold() for n in names}]
    for matches in (by_bare_id, exact):
        if len(matches) == 1:
            return URIRef(matches[0])
        if len(matches) > 1:
            return _ambiguous(parameter, value, matches, labels)
    # 2. words: every word of the value starts a word of one of the entity's labels
    wanted = _words(value)
    if not wanted:
        raise QueryError(
            f"Parameter '{parameter.name}': '{_shown(value)}' enthält keine Wörter",
            parameter=parameter.name,
        )
    matches = [
        entity
        for entity, names in labels.items()
        if any(
            all(any(word.startswith(w) for word in _words(name)) for w in wanted)
            for name in names
        )
    ]
    if len(matches) == 1:
        return URIRef(matches[0])
    if len(matches) > 1:
        return _ambiguous(parameter, value, matches, labels)
    every_label = sorted({name for names in labels.values() for name in names})
    close = difflib.get_close_matches(value, every_label, n=3, cutoff=0.4)
    hint = f" Ähnlich: {'; '.join(close)}." if close else ""
    raise QueryError(
        f"Parameter '{parameter.name}': nichts gefunden für '{_shown(value)}'.{hint}",
        parameter=parameter.name,
    )


def _ambiguous(
    parameter: Parameter, value: str, matches: list[str], labels: dict[str, set[str]]
) -> URIRef:
    listed = "; ".join(
        f"{_local_id(entity)} ({sorted(labels[entity], key=len)[-1]})"
        for entity in sorted(matches)[:10]
    )
    more = f" und {len(matches) - 10} weitere" if len(matches) > 10 else ""
    raise QueryError(
        f"Parameter '{parameter.name}': '{_shown(value)}' passt auf {len(matches)} Einträge: "
        f"{listed}{more}. Bitte genauer angeben oder die Kennung verwenden.",
        parameter=parameter.name,
    )


def _shown(value: str) -> str:
    """A user's value as it may appear in a message: bounded and without control characters."""
    clean = "".join(c if unicodedata.category(c) != "Cc" else "?" for c in value)
    return clean if len(clean) <= 60 else clean[:57] + "…"


def _prefixed(query: str) -> str:
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    return prefixes + query


def actor_type(type_id: str) -> URIRef:
    return actor_type_iri(type_id)


__all__ = [
    "PARAMETER_TYPES",
    "NamedQuery",
    "Parameter",
    "bind_parameters",
    "get_query",
    "load_queries",
    "parse_query_file",
    "run_named_query",
]


def describe(queries: dict[str, NamedQuery]) -> list[dict[str, Any]]:
    """The list of queries as plain data, for `ikg query --list --format json` and the web."""
    return [
        {
            "name": q.name,
            "title": {"de": q.title_de, "en": q.title_en},
            "description": q.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "example": p.example,
                    "description": p.description,
                }
                for p in q.parameters
            ],
        }
        for q in queries.values()
    ]
